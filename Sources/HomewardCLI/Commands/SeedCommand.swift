import ArgumentParser
import Foundation
import Homeward
import HomewardStore

struct SeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Append a generated winter campaign to the store (the same seed gives the same events).",
        discussion: "Example: homeward seed --cases 1000 --seed 7 --start 2026-12-01 --days 90"
    )

    @OptionGroup var storeOptions: StoreOptions
    @Option(help: "How many cases.") var cases: Int
    @Option(help: "The seed.") var seed: UInt64 = 2026
    @Option(help: "The first day (local date).") var start: String = "2026-12-01"
    @Option(help: "How many days.") var days: Int = 90
    @Option(help: "Lines imported per part, each validated whole before it is appended.") var partLines: Int = SeedCommand.linesPerPart

    func validate() throws {
        guard cases >= 1 else { throw ValidationError("Please give --cases of at least 1.") }
        guard days >= 1 else { throw ValidationError("Please give --days of at least 1.") }
        guard partLines >= 1 else { throw ValidationError("Please give --part-lines of at least 1.") }
    }

    func run() throws {
        let store = try storeOptions.open(create: true)
        let configuration = CampaignGenerator.Configuration(seed: seed, cases: cases, start: try parseDate(start, option: "--start"), days: days)
        let report = try SeedCommand.seed(store, configuration, linesPerPart: partLines)
        print("appended \(report.appended) events of \(cases) cases" + (report.positions.map { " at positions \($0.lowerBound)–\($0.upperBound)" } ?? ""))
    }

    /// Lines imported per import: each part is validated whole before it is appended (as a file
    /// is), and a large campaign's validated lines are not all held at once.
    static let linesPerPart = 200_000

    static func seed(
        _ store: EventStore,
        _ configuration: CampaignGenerator.Configuration,
        linesPerPart: Int = SeedCommand.linesPerPart
    ) throws -> JSONLinesImporter.Report {
        let text = CampaignGenerator(configuration).jsonLines()
        let importer = JSONLinesImporter(service: ReliefService(store: store))
        let utf8 = text.utf8
        let total = utf8.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        var progress: Progress?
        var report: JSONLinesImporter.Report?
        var start = utf8.startIndex
        while start < utf8.endIndex {
            var end = start
            var lines = 0
            while end < utf8.endIndex, lines < linesPerPart {
                if utf8[end] == UInt8(ascii: "\n") { lines += 1 }
                end = utf8.index(after: end)
            }
            let done = report?.lines ?? 0
            let part = try importer.importFile(Array(utf8[start..<end])) { appended, _ in
                if progress == nil { progress = Progress("seed", total: UInt64(total)) }
                progress?.update(UInt64(done + appended))
            }
            if var whole = report {
                whole.lines += part.lines
                whole.appended += part.appended
                whole.alreadyStored += part.alreadyStored
                if let positions = part.positions {
                    whole.positions = (whole.positions?.lowerBound ?? positions.lowerBound)...positions.upperBound
                }
                whole.findings += part.findings
                whole.unknownTypes.merge(part.unknownTypes, uniquingKeysWith: +)
                report = whole
            } else {
                report = part
            }
            start = end
        }
        progress?.finish()
        return report!
    }
}
