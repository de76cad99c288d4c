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
    @Option(help: "Lines imported per part, each appended whole or not at all.") var partLines: Int = JSONLinesImporter.defaultLinesPerPart

    func validate() throws {
        guard cases >= 1 else { throw ValidationError("Please give --cases of at least 1.") }
        guard days >= 1 else { throw ValidationError("Please give --days of at least 1.") }
        guard partLines >= 1 else { throw ValidationError("Please give --part-lines of at least 1.") }
    }

    func run() throws {
        let store = try storeOptions.open(create: true)
        let configuration = CampaignGenerator.Configuration(seed: seed, cases: cases, start: try parseDate(start, option: "--start"), days: days)
        let report: JSONLinesImporter.Report
        do {
            report = try SeedCommand.seed(store, configuration, linesPerPart: partLines)
        } catch let failure as JSONLinesImporter.Failure {
            // The campaign conflicts with what is stored (as an import file would): bad input.
            printError("the campaign cannot be added to this store: \(failure)")
            throw ExitCode(2)
        }
        print("appended \(report.appended) events of \(cases) cases" + (report.positions.map { " at positions \($0.lowerBound)–\($0.upperBound)" } ?? ""))
    }

    /// Imports a generated campaign into a store a part at a time, with a progress line.
    static func seed(
        _ store: EventStore,
        _ configuration: CampaignGenerator.Configuration,
        linesPerPart: Int = JSONLinesImporter.defaultLinesPerPart
    ) throws -> JSONLinesImporter.Report {
        var progress: Progress?
        let report = try JSONLinesImporter(service: ReliefService(store: store)).importCampaign(
            CampaignGenerator(configuration), linesPerPart: linesPerPart
        ) { appended, total in
            if progress == nil { progress = Progress("seed", total: UInt64(total)) }
            progress?.update(UInt64(appended))
        }
        progress?.finish()
        return report
    }
}
