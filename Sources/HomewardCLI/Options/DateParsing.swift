import ArgumentParser
import Homeward
import HomewardStore

/// Times on input: RFC 3339, or a plain date meaning local midnight (China Standard Time).
func parseTime(_ text: String, option: String) throws -> Timestamp {
    if let time = Timestamp(rfc3339: text) { return time }
    if let date = LocalDate(text) { return LocalCalendar.chinaStandardTime.start(of: date) }
    printError("\(option) '\(text)' is neither an RFC 3339 time (2026-12-01T08:00:00+08:00) nor a date (2026-12-01)")
    throw ExitCode(2)
}

func parseDate(_ text: String, option: String) throws -> LocalDate {
    guard let date = LocalDate(text) else {
        printError("\(option) '\(text)' is not a date in the form 2026-12-01")
        throw ExitCode(2)
    }
    return date
}
