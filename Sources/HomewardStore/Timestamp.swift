public import Foundation

/// An instant, in whole microseconds since 1970-01-01T00:00:00Z.
///
/// Events carry two of them: `occurredAt` (when it happened in the world, which may be back-dated)
/// and `recordedAt` (when the store learnt of it, never decreasing along the log). Microseconds
/// keep RFC 3339 fractions exactly, which a `Double`-based `Date` cannot promise.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Microseconds since 1970-01-01T00:00:00Z; negative before it.
    public var microsecondsSinceEpoch: Int64

    /// Creates an instant from microseconds since the Unix epoch.
    /// - Parameter microsecondsSinceEpoch: Microseconds since 1970-01-01T00:00:00Z.
    public init(microsecondsSinceEpoch: Int64) {
        self.microsecondsSinceEpoch = microsecondsSinceEpoch
    }

    /// Creates an instant from a `Date`, rounded to the nearest microsecond.
    /// - Parameter date: The instant.
    public init(_ date: Date) {
        self.microsecondsSinceEpoch = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    /// The current time of the system clock.
    public static var now: Timestamp { Timestamp(Date()) }

    /// The instant as a `Date`.
    public var date: Date { Date(timeIntervalSince1970: Double(microsecondsSinceEpoch) / 1_000_000) }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.microsecondsSinceEpoch < rhs.microsecondsSinceEpoch
    }

    /// Returns the instant moved by a number of seconds.
    /// - Parameter seconds: How far to move; negative moves back.
    /// - Returns: The moved instant.
    public func adding(seconds: Int64) -> Timestamp {
        Timestamp(microsecondsSinceEpoch: microsecondsSinceEpoch + seconds * 1_000_000)
    }

    /// The instant in RFC 3339, in UTC with `Z`, with a fraction only when it is not zero
    /// (three digits for whole milliseconds, else six).
    public var rfc3339: String {
        var micros = microsecondsSinceEpoch
        var seconds = micros / 1_000_000
        micros %= 1_000_000
        if micros < 0 {
            micros += 1_000_000
            seconds -= 1
        }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (year, month, day) = CivilDate.fromDaysSinceEpoch(days)
        var text = CivilDate.pad(year, 4) + "-" + CivilDate.pad(month, 2) + "-" + CivilDate.pad(day, 2)
        text += "T" + CivilDate.pad(secondOfDay / 3600, 2) + ":" + CivilDate.pad(secondOfDay / 60 % 60, 2)
        text += ":" + CivilDate.pad(secondOfDay % 60, 2)
        if micros != 0 {
            text += micros % 1000 == 0 ? "." + CivilDate.pad(micros / 1000, 3) : "." + CivilDate.pad(micros, 6)
        }
        return text + "Z"
    }

    public var description: String { rfc3339 }

    /// Parses an RFC 3339 date-time with an offset (`Z` or `±hh:mm`), such as
    /// `2026-01-15T08:30:00+08:00` or `2026-01-15T00:30:00.250Z`.
    ///
    /// Fractions beyond microseconds are truncated. A lower-case `t` or `z`, or a space between date
    /// and time, are accepted as RFC 3339 allows.
    /// - Parameter text: The text to read.
    /// - Returns: The instant, or `nil` when the text is not an RFC 3339 date-time.
    public init?(rfc3339 text: String) {
        var text = text
        // Read in place (two times per imported line): no array of the text's bytes.
        let parsed: Int64? = text.withUTF8 { Timestamp.parse($0) }
        guard let parsed else { return nil }
        self.microsecondsSinceEpoch = parsed
    }

    /// The microseconds since the epoch of RFC 3339 text given as UTF-8 bytes, or `nil`.
    package static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var index = 0
        func number(_ digits: Int) -> Int64? {
            guard index + digits <= bytes.count else { return nil }
            var value: Int64 = 0
            for _ in 0..<digits {
                let byte = bytes[index]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
                index += 1
            }
            return value
        }
        func expect(_ character: UInt8, or other: UInt8? = nil, or third: UInt8? = nil) -> Bool {
            guard index < bytes.count else { return false }
            let byte = bytes[index]
            guard byte == character || byte == other || byte == third else { return false }
            index += 1
            return true
        }
        let (dash, colon) = (UInt8(ascii: "-"), UInt8(ascii: ":"))
        guard let year = number(4), expect(dash), let month = number(2), expect(dash), let day = number(2),
            expect(UInt8(ascii: "T"), or: UInt8(ascii: "t"), or: UInt8(ascii: " ")), let hour = number(2), expect(colon),
            let minute = number(2), expect(colon), let second = number(2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= CivilDate.daysIn(month: month, year: year),
            hour < 24, minute < 60, second < 61
        else { return nil }
        var micros: Int64 = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                if digits < 6 { micros = micros * 10 + Int64(bytes[index] - 48) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 6) { micros *= 10 }
        }
        var offsetSeconds: Int64 = 0
        guard index < bytes.count else { return nil }
        if bytes[index] == UInt8(ascii: "Z") || bytes[index] == UInt8(ascii: "z") {
            index += 1
        } else {
            let sign: Int64 = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            guard expect(UInt8(ascii: "+"), or: dash), let offsetHours = number(2), expect(colon), let offsetMinutes = number(2),
                offsetHours < 24, offsetMinutes < 60
            else { return nil }
            offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
        }
        guard index == bytes.count else { return nil }
        let days = CivilDate.daysSinceEpoch(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + min(second, 59) - offsetSeconds
        return seconds * 1_000_000 + micros
    }
}

extension Timestamp: Codable {
    /// Decodes an RFC 3339 string.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Timestamp(rfc3339: text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "'\(text)' is not an RFC 3339 date-time with an offset"
            )
        }
        self = value
    }

    /// Encodes an RFC 3339 string in UTC.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rfc3339)
    }
}

/// Proleptic Gregorian calendar arithmetic (after Howard Hinnant's `days_from_civil`).
enum CivilDate {
    static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func fromDaysSinceEpoch(_ days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
