import ArgumentParser
import Foundation
import Homeward

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Print a generated winter campaign as JSON Lines (the same seed gives the same bytes).",
        discussion: "Example: homeward generate --cases 300 --seed 2026 --start 2026-12-01 --days 90 > campaign.jsonl"
    )

    @Option(help: "How many cases.") var cases: Int = 300
    @Option(help: "The seed.") var seed: UInt64 = 2026
    @Option(help: "The first day (local date).") var start: String = "2026-12-01"
    @Option(help: "How many days.") var days: Int = 90

    func run() throws {
        let configuration = CampaignGenerator.Configuration(seed: seed, cases: cases, start: try parseDate(start, option: "--start"), days: days)
        // Written in blocks as the records are made: a large campaign's text is never held whole.
        var block: [UInt8] = []
        CampaignGenerator(configuration).forEachRecord { record, _ in
            block += record.line.utf8
            block.append(UInt8(ascii: "\n"))
            if block.count >= 1 << 20 {
                FileHandle.standardOutput.write(Data(block))
                block.removeAll(keepingCapacity: true)
            }
        }
        FileHandle.standardOutput.write(Data(block))
    }
}
