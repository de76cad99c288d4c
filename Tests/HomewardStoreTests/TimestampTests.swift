import HomewardStore
import Testing

struct TimestampTests {
    @Test(arguments: [
        ("2026-01-15T08:30:00+08:00", "2026-01-15T00:30:00Z"),
        ("2026-01-15T00:30:00Z", "2026-01-15T00:30:00Z"),
        ("2026-01-15t00:30:00.25z", "2026-01-15T00:30:00.250Z"),
        ("2025-12-31T23:59:59.123456-05:30", "2026-01-01T05:29:59.123456Z"),
        ("2024-02-29T12:00:00.1234567+00:00", "2024-02-29T12:00:00.123456Z"),
        ("1969-12-31T23:59:59.5Z", "1969-12-31T23:59:59.500Z"),
        ("2026-01-15 08:30:00-00:30", "2026-01-15T09:00:00Z"),
    ])
    func parsesAndFormatsInUTC(input: String, expected: String) throws {
        let time = try #require(Timestamp(rfc3339: input))
        #expect(time.rfc3339 == expected)
        #expect(Timestamp(rfc3339: time.rfc3339) == time)
    }

    @Test(arguments: [
        "2026-01-15", "2026-01-15T08:30:00", "2026-13-01T00:00:00Z", "2025-02-29T00:00:00Z",
        "2026-01-15T24:00:00Z", "2026-01-15T08:30:00+0800", "2026-01-15T08:30:00Z trailing", "", "yesterday",
        "2026/01/15T08:30:00Z", "2026-01-15X08:30:00Z", "2026-01-15T08-30-00Z", "2026-01-15T08:30:00*08:00",
        "2026-01-15T08:30:00.Z", "2026-01-15T08:30:00+08:00:00",
    ])
    func refusesWhatIsNotRFC3339WithAnOffset(input: String) {
        #expect(Timestamp(rfc3339: input) == nil)
    }
}
