import ArgumentParser
import Foundation
import HomewardStore

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Append a sample winter log to a store, replay it and print what it holds.",
        discussion: "Example: homeward demo --store /tmp/demo.store"
    )

    @OptionGroup var storeOptions: StoreOptions
    @Option(help: "How many cases to append.") var cases: Int = 200

    func run() async throws {
        let store = try storeOptions.open(create: true)
        let before = try store.head().position
        let officer = EventActor(id: "outreach-07", role: "outreach", org: "HZ-01")
        let station = EventActor(id: "station-02", role: "station", org: "HZ-01")
        let start = Timestamp(rfc3339: "2026-12-01T21:00:00+08:00")!
        let path = ["ReportReceived", "TeamDispatched", "PersonContacted", "PickedUp", "AssistanceRequested", "Admitted"]
        let clock = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for number in 0..<cases {
                group.addTask {
                    let stream = try StreamID(validating: "case-DEMO-\(String(format: "%04d", number + Int(before)))")
                    var events: [NewEvent] = []
                    let steps = 1 + number % path.count
                    for step in 0..<steps {
                        let json = "{\"case\":\(number),\"step\":\(step),\"region\":\"3301060010\(number % 10)\"}"
                        events.append(NewEvent(
                            type: path[step],
                            occurredAt: start.adding(seconds: Int64(number * 600 + step * 900)),
                            actor: step < 4 ? officer : station,
                            correlationId: stream.rawValue,
                            payload: Payload(json: json)
                        ))
                    }
                    try await store.append(events, to: stream, expectedVersion: .noStream)
                }
            }
            try await group.waitForAll()
        }
        let elapsed = ContinuousClock.now - clock
        var byType: [String: Int] = [:]
        var streams = Set<StreamID>()
        var count = 0
        for try await event in store.readAll(from: 1) {
            byType[event.type, default: 0] += 1
            streams.insert(event.stream)
            count += 1
        }
        let head = try store.head()
        print("store: \(store.path)")
        print("appended \(head.position - before) events for \(cases) cases in \(elapsed.formatted(.units(allowed: [.milliseconds])))")
        print("replayed \(count) events in \(streams.count) streams:")
        for type in path where byType[type] != nil {
            print("  \(type.padding(toLength: 22, withPad: " ", startingAt: 0)) \(byType[type]!)")
        }
        let report = try store.verify()
        print("head: position \(head.position), hash \(head.hash.hex)")
        print(report.isSound ? "verify: sound (hash chain and every index agree)" : "verify: \(report.problems.count) problems")
        if !report.isSound { throw ExitCode(1) }
    }
}
