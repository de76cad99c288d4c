public import HomewardStore

/// Turns instants into local dates at a region's UTC offset (default China Standard Time).
public struct LocalCalendar: Sendable, Hashable {
    /// The offset from UTC in seconds.
    public var utcOffsetSeconds: Int

    /// China Standard Time, UTC+08:00.
    public static let chinaStandardTime = LocalCalendar(utcOffsetSeconds: 8 * 3600)

    /// Creates a calendar.
    public init(utcOffsetSeconds: Int) {
        self.utcOffsetSeconds = utcOffsetSeconds
    }

    /// Parses an offset such as `+08:00`.
    public init?(offset text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 6, bytes[0] == UInt8(ascii: "+") || bytes[0] == UInt8(ascii: "-"), bytes[3] == UInt8(ascii: ":"),
            let hours = Int(String(decoding: bytes[1..<3], as: UTF8.self)), let minutes = Int(String(decoding: bytes[4..<6], as: UTF8.self)),
            hours < 24, minutes < 60
        else { return nil }
        utcOffsetSeconds = (bytes[0] == UInt8(ascii: "-") ? -1 : 1) * (hours * 3600 + minutes * 60)
    }

    /// The local date of an instant.
    public func date(_ time: Timestamp) -> LocalDate { LocalDate(time, utcOffsetSeconds: utcOffsetSeconds) }

    /// Local midnight starting a date.
    public func start(of date: LocalDate) -> Timestamp { date.start(utcOffsetSeconds: utcOffsetSeconds) }
}
