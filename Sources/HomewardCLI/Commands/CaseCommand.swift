import ArgumentParser
import Foundation
import Homeward
import HomewardStore

struct CaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "case",
        abstract: "A case's state: status, identity, stay days, person, flags, overdue and missed deadlines.",
        discussion: "Example: homeward case HZ-0042 --as-of-occurred 2026-12-24 --format json"
    )

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var rulesOptions: RulesOptions
    @OptionGroup var time: TimeOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The case id, with or without case-.") var caseId: String

    func run() throws {
        let context = try QueryContext(storeOptions, rulesOptions, readOnly: true)
        var timeline = try context.timeline(caseId, time)
        if let cut = try time.occurredCut { timeline = timeline.occurred(by: cut) }
        // `--now T` alone moves only the clock (reading 6): every event counts.
        let nowOnly = time.now != nil && time.asOfRecorded == nil && time.asOfOccurred == nil
        let snapshot = timeline.snapshot(at: try time.queryTime, includingLaterEvents: nowOnly)
        guard case .object(let object) = snapshot.json else { return }
        try output.printKeyValues(object)
    }
}

struct CasesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cases",
        abstract: "List cases, by status, overdue rule, station or region prefix.",
        discussion: "Example: homeward cases --overdue stay10Days --station HZ-01 --now 2027-01-15"
    )

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var rulesOptions: RulesOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Only cases in this status.") var status: CaseStatus?
    @Option(help: "Only cases with this rule overdue at the query time.") var overdue: DeadlineRule?
    @Option(help: "Only cases of this station.") var station: String?
    @Option(help: "Only cases whose region starts with this prefix.") var region: String?
    @Option(help: "The query time (default: the clock).") var now: String?

    func run() throws {
        let context = try QueryContext(storeOptions, rulesOptions)
        let time = try now.map { try parseTime($0, option: "--now") } ?? .now
        let cases = try context.projections().cases(status: status, station: station, regionPrefix: region, overdue: overdue, at: time)
        try output.print(
            headers: ["caseId", "status", "identity", "stayDays", "personId", "station", "region", "overdue"],
            rows: cases.map { summary in
                [.string(summary.caseId), summary.status.map { .string($0.rawValue) } ?? .null, .string(summary.identity.rawValue),
                 summary.stayDays.map { .integer($0) } ?? .null, summary.personId.map { .string($0) } ?? .null,
                 summary.station.map { .string($0) } ?? .null, summary.region.map { .string($0) } ?? .null,
                 .array(summary.overdue.map { .string($0.rawValue) })]
            }
        )
    }
}
