import Homeward
import Testing

@Suite struct LocalDateTests {
    @Test func textRoundTripsAcrossMonthsLeapDaysAndCenturies() throws {
        var date = try #require(LocalDate("1999-12-25"))
        var seen = 0
        // Every day from 1999-12-25 to 2101-01-05: the text is YYYY-MM-DD and parses back to the same day.
        while date < LocalDate("2101-01-05")! {
            let text = date.description
            #expect(text.utf8.count == 10)
            #expect(LocalDate(text) == date, "\(text)")
            date = date.adding(days: 1)
            seen += 1
        }
        #expect(seen == 36_901)  // Python: (date(2101, 1, 5) - date(1999, 12, 25)).days
        #expect(LocalDate("2000-02-29")!.adding(days: 1).description == "2000-03-01")
        #expect(LocalDate("2100-02-28")!.adding(days: 1).description == "2100-03-01")
        #expect(LocalDate("0999-01-01")?.description == "0999-01-01")
    }
}
