import ArgumentParser
import Foundation
import Homeward
import HomewardStore

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write one self-contained HTML report of a period: figures, charts and findings.",
        discussion: "Example: homeward report --from 2026-12-01 --to 2027-03-01 --out winter.html"
    )

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var rulesOptions: RulesOptions
    @Option(help: "The first local date.") var from: String
    @Option(help: "The local date the period ends before.") var to: String
    @Option(help: "The HTML file to write.") var out: String

    func run() throws {
        let store = try storeOptions.open(readOnly: true)
        let start = try parseDate(from, option: "--from")
        let end = try parseDate(to, option: "--to")
        guard start < end else {
            printError("--from \(from) is not before --to \(to)")
            throw ExitCode(2)
        }
        let report = HTMLReport(model: try ReliefModel(store: store, configuration: rulesOptions.load()), from: start, to: end, head: try store.head(), storePath: store.path)
        do {
            try Data(report.render().utf8).write(to: URL(fileURLWithPath: out))
        } catch {
            printError("cannot write \(out): \(error.localizedDescription)")
            throw ExitCode(2)
        }
        print("wrote \(out)")
    }
}
