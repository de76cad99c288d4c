import ArgumentParser
import Foundation
import Homeward
import HomewardStore

struct ProjectionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "projections",
        abstract: "Show, catch up or rebuild the projections (case state, statistics, entitlements).",
        discussion: "Example: homeward projections status",
        subcommands: [Status.self, Rebuild.self, CatchUp.self],
        defaultSubcommand: Status.self
    )

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Each projection's position, lag, events/s of its last catch-up, and state.",
            discussion: "Example: homeward projections status --format json"
        )
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var rulesOptions: RulesOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let projections = try ReliefProjections(store: storeOptions.open(), configuration: rulesOptions.load(), catchUp: false)
            let statuses = try projections.engine.status()
            try output.print(
                headers: ["name", "version", "position", "lag", "eventsPerSecond", "state", "failure", "rebuildPosition", "rebuildLastStream"],
                rows: statuses.map { [.string($0.name), .integer($0.version), .integer(Int($0.position)), .integer(Int($0.lag)),
                                      .number(($0.eventsPerSecond * 10).rounded() / 10), .string($0.state.rawValue), $0.failure.map { .string($0) } ?? .null,
                                      $0.rebuildPosition.map { .integer(Int($0)) } ?? .null,
                                      $0.streamRebuild?.lastStreamDone.map { .string($0) } ?? .null] }
            )
            if statuses.contains(where: { $0.state == .failed }) { throw ExitCode(1) }
        }
    }

    struct Rebuild: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rebuild one projection (or all) from position 1 into a shadow copy, then swap it in.",
            discussion: "Example: homeward projections rebuild statistics"
        )
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var rulesOptions: RulesOptions
        @Option(help: "Events per write transaction (appends wait for the writer while one commits); default 100,000 while streams are rebuilt whole, 250,000 for what was appended since.")
        var batchSize: Int?
        @Argument(help: "The projection: caseState, statistics or entitlements (all when left out).") var name: String?

        func run() throws {
            let progress = ProgressBox(Progress("rebuild", total: 0))
            let projections = try ReliefProjections(
                store: storeOptions.open(), configuration: rulesOptions.load(), rebuildBatchSize: batchSize ?? 250_000,
                streamGroupSize: batchSize ?? 100_000, catchUp: false,
                progress: { position, head in progress.update(position, head) }
            )
            let names = name.map { [$0] } ?? ReliefProjections.names
            let started = ContinuousClock.now
            do {
                try projections.engine.rebuild(names)
            } catch let error as EventStoreError {
                printError(error.message)
                throw ExitCode(2)
            }
            progress.finish()
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            var failed = false
            for status in try projections.engine.status() where names.contains(status.name) {
                print("rebuilt \(status.name) to position \(status.position)" + (status.state == .failed ? ": FAILED, \(status.failure ?? "")" : ""))
                failed = failed || status.state == .failed
            }
            let head = try projections.store.head().position
            print(String(format: "%d events in %.2f s (%.0f events/s)", head, seconds, seconds > 0 ? Double(head) / seconds : 0))
            if failed { throw ExitCode(1) }
        }
    }

    struct CatchUp: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "catch-up",
            abstract: "Apply to every projection the events it has not applied yet.",
            discussion: "Example: homeward projections catch-up"
        )
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var rulesOptions: RulesOptions
        @Option(help: "Events per write transaction; default 20,000, and 100,000 for a first fill, which reads the streams whole.")
        var batchSize: Int?

        func run() throws {
            let progress = ProgressBox(Progress("catch-up", total: 0))
            let projections = try ReliefProjections(
                store: storeOptions.open(), configuration: rulesOptions.load(), batchSize: batchSize ?? 20_000,
                streamGroupSize: batchSize ?? 100_000,
                progress: { position, head in progress.update(position, head) }
            )
            progress.finish()
            for status in try projections.engine.status() {
                print("\(status.name): position \(status.position), \(status.state.rawValue)")
            }
        }
    }
}
