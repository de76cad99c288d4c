import ArgumentParser
import Foundation
import Homeward
import HomewardStore

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Seed a winter campaign into a fresh store, replay it, and print the season's figures, overdue deadlines and a few case timelines.",
        discussion: """
            Without --store the demo uses a new directory under the system's temporary directory. \
            It also writes the season's HTML report and says where it is.
            Example: homeward demo --cases 500
            """
    )

    @Option(help: "A fresh (absent or empty) store directory.") var store: String?
    @Option(help: "How many cases.") var cases: Int = 300
    @Option(help: "The seed.") var seed: UInt64 = 2026

    func run() throws {
        let path = store ?? NSTemporaryDirectory() + "homeward-demo-\(UUID().uuidString.prefix(8))/store"
        if let contents = try? FileManager.default.contentsOfDirectory(atPath: path), !contents.isEmpty {
            printError("the demo needs a fresh store, and \(path) is not empty")
            throw ExitCode(2)
        }
        let storeOptions = try StoreOptions.parse(["--store", path])
        let eventStore = try storeOptions.open(create: true)
        let configuration = RegionConfiguration.illustrative
        var campaign = CampaignGenerator.Configuration()
        campaign.seed = seed
        campaign.cases = cases
        let started = ContinuousClock.now
        let report = try SeedCommand.seed(eventStore, campaign)
        print("Homeward demo: a winter campaign of \(cases) cases in \(configuration.stations.count) stations of 6 cities")
        print("store: \(eventStore.path)")
        print("appended \(report.appended) events in \(seconds(ContinuousClock.now - started)) s")

        // Opening the projections fills them (the first fill reads each stream once): timed too.
        let replay = ContinuousClock.now
        let projections = try ReliefProjections(store: eventStore, configuration: configuration)
        try projections.catchUp()
        print("replayed them into case states, statistics and entitlements in \(seconds(ContinuousClock.now - replay)) s")

        let from = campaign.start
        let to = campaign.start.adding(days: campaign.days)
        let end = configuration.calendar.start(of: to)
        let season = try projections.statistics(from: from, to: to)[0].statistics
        print("\nThe season \(from) to \(to):")
        var rows: [[String]] = []
        if case .object(let object) = season.json {
            for member in object.members {
                if case .object(let nested) = member.value {
                    rows.append([member.key, nested.members.filter { $0.value != .integer(0) }.map { "\($0.key) \(plain($0.value))" }.joined(separator: ", ")])
                } else if case .number(let value) = member.value {
                    rows.append([member.key, String(format: "%.1f", value)])
                } else {
                    rows.append([member.key, plain(member.value)])
                }
            }
        }
        print(table(headers: ["figure", "value"], rows: rows), terminator: "")

        print("\nDeadlines overdue at the season's end (\(end.rfc3339)):")
        let alerts = try AlertsCommand.groups(projections, at: end)
        print(table(headers: ["rule", "station", "cases"], rows: alerts.map { [$0.rule.rawValue, $0.station, $0.caseIds.joined(separator: " ")] }), terminator: "")

        let service = ReliefService(store: eventStore, calendar: configuration.calendar)
        let shown = try projections.cases(at: end).filter { !$0.overdue.isEmpty || $0.status == .returnedHome }.prefix(3)
        for summary in shown {
            let timeline = try service.timeline(of: summary.caseId)
            let snapshot = timeline.snapshot(at: end)
            print("\nCase \(summary.caseId): \(snapshot.status?.rawValue ?? "-"), identity \(snapshot.identity.rawValue), overdue [\(snapshot.overdue.map(\.rawValue).joined(separator: ", "))], missed [\(snapshot.missed.map(\.rawValue).joined(separator: ", "))]")
            for record in timeline.events {
                print("  \(record.occurredAt.rfc3339)  \(record.event.typeName.padding(toLength: 28, withPad: " ", startingAt: 0)) \(record.actor.id)")
            }
        }

        let reportPath = URL(fileURLWithPath: eventStore.path).deletingLastPathComponent().appendingPathComponent("winter-report.html").path
        let html = HTMLReport(model: try ReliefModel(store: eventStore, configuration: configuration), from: from, to: to, head: try eventStore.head(), storePath: eventStore.path)
        try Data(html.render().utf8).write(to: URL(fileURLWithPath: reportPath))
        let verification = try eventStore.verify()
        print("\nverify: \(verification.isSound ? "sound" : "\(verification.problems.count) problems") (\(verification.eventsChecked) events, head hash \(verification.head.hash.hex.prefix(16))…)")
        print("HTML report: \(reportPath)")
    }

    func seconds(_ duration: Duration) -> String {
        String(format: "%.2f", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
    }
}
