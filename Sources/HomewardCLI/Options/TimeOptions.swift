import ArgumentParser
import Homeward
import HomewardStore

/// `--as-of-recorded T`, `--as-of-occurred T` and `--now T` (contract readings 5 and 6).
struct TimeOptions: ParsableArguments {
    @Option(help: "What the system knew at T: only records recorded at or before T (RFC 3339 or a date).")
    var asOfRecorded: String?
    @Option(help: "What was true at T by everything known now: events that occurred after T are left out.")
    var asOfOccurred: String?
    @Option(help: "The query time for deadlines and ages (default: the as-of time, else the clock).")
    var now: String?

    func validate() throws {
        if asOfRecorded != nil && asOfOccurred != nil {
            throw ValidationError("Give --as-of-recorded or --as-of-occurred, not both.")
        }
    }

    var recordedCut: Timestamp? { get throws { try asOfRecorded.map { try parseTime($0, option: "--as-of-recorded") } } }
    var occurredCut: Timestamp? { get throws { try asOfOccurred.map { try parseTime($0, option: "--as-of-occurred") } } }

    /// The query time: `--now`, else the as-of time, else the clock.
    var queryTime: Timestamp {
        get throws {
            if let now { return try parseTime(now, option: "--now") }
            return try recordedCut ?? occurredCut ?? .now
        }
    }
}
