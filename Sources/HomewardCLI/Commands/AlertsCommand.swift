import ArgumentParser
import Foundation
import Homeward
import HomewardStore

struct AlertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "Every overdue deadline, grouped by rule and station.",
        discussion: "Example: homeward alerts --now 2027-01-10T09:00:00+08:00"
    )

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var rulesOptions: RulesOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "The query time (default: the clock).") var now: String?

    func run() throws {
        let context = try QueryContext(storeOptions, rulesOptions)
        let time = try now.map { try parseTime($0, option: "--now") } ?? .now
        let groups = try AlertsCommand.groups(try context.projections(), at: time)
        try output.print(
            headers: ["rule", "station", "cases", "caseIds"],
            rows: groups.map { [.string($0.rule.rawValue), .string($0.station), .integer($0.caseIds.count), .array($0.caseIds.map { .string($0) })] }
        )
    }

    static func groups(_ projections: ReliefProjections, at time: Timestamp) throws -> [(rule: DeadlineRule, station: String, caseIds: [String])] {
        var groups: [DeadlineRule: [String: [String]]] = [:]
        for summary in try projections.cases(at: time) {
            for rule in summary.overdue { groups[rule, default: [:]][summary.station ?? "-", default: []].append(summary.caseId) }
        }
        return DeadlineRule.allCases.flatMap { rule in
            (groups[rule] ?? [:]).keys.sorted().map { (rule, $0, groups[rule]![$0]!.sorted()) }
        }
    }
}
