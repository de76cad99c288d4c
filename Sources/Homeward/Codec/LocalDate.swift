public import HomewardStore

/// A calendar date without a time, `YYYY-MM-DD`, such as a birth date or a stay's new due date.
///
/// Dates are local: an instant becomes a date through a region's UTC offset (China Standard Time,
/// +08:00, unless configured otherwise).
public struct LocalDate: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    /// Days since 1970-01-01.
    public var daysSinceEpoch: Int

    /// Creates a date from days since 1970-01-01.
    public init(daysSinceEpoch: Int) {
        self.daysSinceEpoch = daysSinceEpoch
    }

    /// Creates a date from its parts; `nil` when they do not name a real date.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= LocalDate.daysIn(month: month, year: year) else { return nil }
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        daysSinceEpoch = era * 146_097 + dayOfEra - 719_468
    }

    /// Parses `YYYY-MM-DD`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The local date of an instant at a UTC offset.
    /// - Parameters:
    ///   - time: The instant.
    ///   - utcOffsetSeconds: The offset, such as 28,800 for +08:00.
    public init(_ time: Timestamp, utcOffsetSeconds: Int) {
        let seconds = Int(time.microsecondsSinceEpoch / 1_000_000) + (time.microsecondsSinceEpoch % 1_000_000 < 0 ? -1 : 0) + utcOffsetSeconds
        daysSinceEpoch = seconds >= 0 ? seconds / 86_400 : -((-seconds + 86_399) / 86_400)
    }

    /// The instant of local midnight starting this date, at a UTC offset.
    public func start(utcOffsetSeconds: Int) -> Timestamp {
        Timestamp(microsecondsSinceEpoch: Int64(daysSinceEpoch * 86_400 - utcOffsetSeconds) * 1_000_000)
    }

    /// The date `days` later.
    public func adding(days: Int) -> LocalDate { LocalDate(daysSinceEpoch: daysSinceEpoch + days) }

    /// The day of the week: 1 Monday … 7 Sunday.
    public var weekday: Int {
        let shifted = (daysSinceEpoch + 3) % 7  // 1970-01-01 was a Thursday
        return (shifted < 0 ? shifted + 7 : shifted) + 1
    }

    /// The date's month counted from January of year 0 (year × 12 + month − 1): months in order
    /// as consecutive numbers.
    var monthNumber: Int {
        let (year, month, _) = components
        return year * 12 + month - 1
    }

    /// The year, month and day.
    public var components: (year: Int, month: Int, day: Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The date a sealed field (a birth date) reads as once its person is forgotten; it prints as
    /// `[forgotten]` and never counts as a real date.
    public static let forgotten = LocalDate(daysSinceEpoch: Int(Int32.min))

    /// Whether this is ``forgotten``.
    public var isForgotten: Bool { daysSinceEpoch == Int(Int32.min) }

    public var description: String {
        if isForgotten { return PersonalData.forgottenMark }
        let (year, month, day) = components
        guard (0...9999).contains(year) else { return "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)" }
        // Written digit by digit: dates name every statistics bucket.
        return String(unsafeUninitializedCapacity: 10) { buffer in
            func digit(_ value: Int) -> UInt8 { UInt8(ascii: "0") + UInt8(value) }
            buffer[0] = digit(year / 1000)
            buffer[1] = digit(year / 100 % 10)
            buffer[2] = digit(year / 10 % 10)
            buffer[3] = digit(year % 10)
            buffer[4] = UInt8(ascii: "-")
            buffer[5] = digit(month / 10)
            buffer[6] = digit(month % 10)
            buffer[7] = UInt8(ascii: "-")
            buffer[8] = digit(day / 10)
            buffer[9] = digit(day % 10)
            return 10
        }
    }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool { lhs.daysSinceEpoch < rhs.daysSinceEpoch }

    /// Decodes `YYYY-MM-DD`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = LocalDate(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not a date YYYY-MM-DD")
        }
        self = date
    }

    /// Encodes `YYYY-MM-DD`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
