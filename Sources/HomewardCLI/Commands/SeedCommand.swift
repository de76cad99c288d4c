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

    func validate() throws {
        guard cases >= 1 else { throw ValidationError("Please give --cases of at least 1.") }
        guard days >= 1 else { throw ValidationError("Please give --days of at least 1.") }
    }

    func run() throws {
        let store = try storeOptions.open(create: true)
        let configuration = CampaignGenerator.Configuration(seed: seed, cases: cases, start: try parseDate(start, option: "--start"), days: days)
        let report = try SeedCommand.seed(store, configuration)
        print("appended \(report.appended) events of \(cases) cases" + (report.positions.map { " at positions \($0.lowerBound)–\($0.upperBound)" } ?? ""))
    }

    static func seed(_ store: EventStore, _ configuration: CampaignGenerator.Configuration) throws -> JSONLinesImporter.Report {
        let bytes = Array(CampaignGenerator(configuration).jsonLines().utf8)
        var progress: Progress?
        let report = try JSONLinesImporter(service: ReliefService(store: store)).importFile(bytes) { done, total in
            if progress == nil { progress = Progress("seed", total: UInt64(total)) }
            progress?.update(UInt64(done))
        }
        progress?.finish()
        return report
    }
}
