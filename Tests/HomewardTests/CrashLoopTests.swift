import Foundation
import Homeward
import HomewardStore
import HomewardTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Real `homeward` processes killed with SIGKILL at random moments while they import, catch up
/// and rebuild. After every kill the store opens, verifies, holds whole batches only, and its
/// projections (resumed from their checkpoints) equal a fresh rebuild of the log.
///
/// `HOMEWARD_CRASH_ROUNDS` sets the rounds per test (default 50; see Docs/reliability.md for the
/// long run).
@Suite(.serialized)
struct CrashLoopTests {
    static let rounds = ProcessInfo.processInfo.environment["HOMEWARD_CRASH_ROUNDS"].flatMap(Int.init) ?? 50

    /// Runs `homeward` with arguments and kills it with SIGKILL after `delay`.
    /// - Returns: Its exit status when it finished before the kill, `nil` when it was killed.
    static func runKilled(_ arguments: [String], after delay: Double) throws -> Int32? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try BuiltExecutable.path(named: "homeward"))
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        var environment = ProcessInfo.processInfo.environment
        environment["HOMEWARD_STORE"] = nil
        environment["HOMEWARD_KEYS"] = nil
        process.environment = environment
        try process.run()
        let deadline = Date().addingTimeInterval(delay)
        while process.isRunning && Date() < deadline { usleep(2000) }
        let finished = !process.isRunning
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return finished ? process.terminationStatus : nil
    }

    /// Opens a store the way the tool does: with its key store when there is one.
    static func open(_ path: String) throws -> EventStore {
        var options = EventStore.Options()
        if FileManager.default.fileExists(atPath: path + ".keys/master.key") { options.keys = try KeyStore(path: path + ".keys") }
        return try EventStore(path: path, options: options)
    }

    /// A copy of a store's data file in a new directory (the process that wrote it is dead).
    static func copy(_ store: String, to destination: String) throws {
        try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: store + "/data.mdb", toPath: destination + "/data.mdb")
        if FileManager.default.fileExists(atPath: store + ".keys") {
            try FileManager.default.copyItem(atPath: store + ".keys", toPath: destination + ".keys")
        }
    }

    /// The store is sound and its projections, caught up from wherever the kill left them, equal
    /// a fresh rebuild.
    static func expectSoundWithExactProjections(_ store: EventStore, _ label: String) throws {
        let report = try store.verify()
        #expect(report.isSound, "\(label): \(report.problems)")
        let projections = try ReliefProjections(store: store, configuration: .illustrative, catchUp: false)
        let differences = try projections.differences(from: ReliefModel(store: store, configuration: .illustrative))
        #expect(differences.isEmpty, "\(label): \(differences.prefix(3))")
    }

    static func campaign(cases: Int, seed: UInt64) -> (text: String, ids: [UUID]) {
        var configuration = CampaignGenerator.Configuration()
        configuration.cases = cases
        configuration.seed = seed
        let generator = CampaignGenerator(configuration)
        return (generator.jsonLines(), generator.records().map { $0.eventId! })
    }

    @Test func aKilledImportLeavesWholeBatchesAndFinishesWhenRunAgain() throws {
        let directory = try TemporaryDirectory(prefix: "homeward-crash-import")
        let (text, ids) = CrashLoopTests.campaign(cases: 80, seed: 21)
        let file = directory.appending("campaign.jsonl")
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        let batch = 20
        // How long a whole import takes here, so kills fall before, during and after the appends
        // (which come after the whole file is validated, in the later part of the run).
        let started = Date()
        #expect(try CrashLoopTests.runKilled(["import", file, "--store", directory.appending("timing.store"), "--batch-size", "\(batch)"], after: 120) == 0, "the timing import finished")
        let whole = Date().timeIntervalSince(started)
        var partial = 0
        var lastPartial: String?
        var generator = SystemRandomNumberGenerator()
        for round in 0..<CrashLoopTests.rounds {
            let path = directory.appending("round-\(round).store")
            _ = try CrashLoopTests.runKilled(["import", file, "--store", path, "--batch-size", "\(batch)"], after: Double.random(in: (whole * 0.2)...(whole * 1.05), using: &generator))
            guard FileManager.default.fileExists(atPath: path + "/data.mdb") else { continue }
            let store = try CrashLoopTests.open(path)
            let stored = try store.events(from: 1, limit: .max)
            #expect(stored.count % batch == 0 || stored.count == ids.count, "round \(round): \(stored.count) events is not a whole number of batches")
            #expect(stored.map(\.eventId) == Array(ids.prefix(stored.count)), "round \(round): the stored events are not the file's first lines")
            try CrashLoopTests.expectSoundWithExactProjections(store, "round \(round)")
            if stored.count > 0 && stored.count < ids.count {
                partial += 1
                lastPartial = path
            }
        }
        print("import crash loop: \(partial) of \(CrashLoopTests.rounds) kills fell in the middle of the appends")
        #expect(partial > 0, "no kill fell in the middle of the appends")
        // Importing the same file again finishes the job, appending only what is missing.
        if let lastPartial {
            #expect(try CrashLoopTests.runKilled(["import", file, "--store", lastPartial], after: 300) == 0)
            let store = try CrashLoopTests.open(lastPartial)
            #expect(try store.events(from: 1, limit: .max).map(\.eventId) == ids)
            #expect(try store.verify().isSound)
        }
    }

    /// By default an import is one write transaction: a process killed at any moment leaves none
    /// of the file or all of it, and importing the file again into a store left empty stores it.
    @Test func aKilledImportInOneTransactionLeavesNothingOrEverything() throws {
        let directory = try TemporaryDirectory(prefix: "homeward-crash-import-one")
        let (text, ids) = CrashLoopTests.campaign(cases: 80, seed: 22)
        let file = directory.appending("campaign.jsonl")
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        let started = Date()
        #expect(try CrashLoopTests.runKilled(["import", file, "--store", directory.appending("timing.store")], after: 120) == 0, "the timing import finished")
        let whole = Date().timeIntervalSince(started)
        var nothing: [String] = []
        var everything = 0
        var generator = SystemRandomNumberGenerator()
        for round in 0..<max(10, CrashLoopTests.rounds / 2) {
            let path = directory.appending("round-\(round).store")
            _ = try CrashLoopTests.runKilled(["import", file, "--store", path], after: Double.random(in: (whole * 0.2)...(whole * 1.05), using: &generator))
            guard FileManager.default.fileExists(atPath: path + "/data.mdb") else { continue }
            let store = try CrashLoopTests.open(path)
            let stored = try store.events(from: 1, limit: .max).map(\.eventId)
            #expect(stored.isEmpty || stored == ids, "round \(round): \(stored.count) of \(ids.count) events stored")
            #expect(try store.verify().isSound, "round \(round)")
            if stored.isEmpty { nothing.append(path) } else { everything += 1 }
        }
        print("one-transaction import crash loop: \(nothing.count) kills left nothing, \(everything) left everything")
        #expect(!nothing.isEmpty, "no kill fell before the commit")
        if let path = nothing.last {
            #expect(try CrashLoopTests.runKilled(["import", file, "--store", path], after: 300) == 0)
            #expect(try CrashLoopTests.open(path).events(from: 1, limit: .max).map(\.eventId) == ids)
        }
    }

    /// Copies of one store whose projections are live for the first half of its log, each caught
    /// up with the second half (in batches) by a process killed at a random moment.
    @Test func aKilledCatchUpResumesFromItsCheckpointToExactlyAFreshRebuild() throws {
        let directory = try TemporaryDirectory(prefix: "homeward-crash-catch-up")
        let template = directory.appending("template.store")
        do {
            let store = try EventStore(path: template)
            let lines = CrashLoopTests.campaign(cases: 150, seed: 11).text.split(separator: "\n", omittingEmptySubsequences: true)
            let importer = JSONLinesImporter(service: ReliefService(store: store))
            try importer.importFile(Array(lines.prefix(lines.count / 3).joined(separator: "\n").utf8))
            _ = try ReliefProjections(store: store, configuration: .illustrative)
            try importer.importFile(Array(lines.joined(separator: "\n").utf8))
        }
        var midway = 0
        var generator = SystemRandomNumberGenerator()
        for round in 0..<CrashLoopTests.rounds {
            let path = directory.appending("round-\(round).store")
            try CrashLoopTests.copy(template, to: path)
            _ = try CrashLoopTests.runKilled(["projections", "catch-up", "--store", path, "--batch-size", "40"], after: Double.random(in: 0.02...0.5, using: &generator))
            let store = try CrashLoopTests.open(path)
            let head = try store.head().position
            let positions = try ReliefProjections(store: store, configuration: .illustrative, catchUp: false).engine.status().map(\.position)
            if positions.contains(where: { $0 > 0 && $0 < head }) { midway += 1 }
            try CrashLoopTests.expectSoundWithExactProjections(store, "round \(round)")
            try FileManager.default.removeItem(atPath: path)
        }
        #expect(midway > 0, "no kill fell in the middle of a catch-up")
    }

    /// Copies of one store with live projections, each rebuilt by a process killed at a random
    /// moment: the live projections stay whole, and the next open finishes or restarts the rebuild.
    @Test func aKilledRebuildLeavesTheLiveProjectionsWholeAndIsFinishedLater() throws {
        let directory = try TemporaryDirectory(prefix: "homeward-crash-rebuild")
        let template = directory.appending("template.store")
        do {
            let store = try EventStore(path: template)
            try JSONLinesImporter(service: ReliefService(store: store)).importFile(Array(CrashLoopTests.campaign(cases: 150, seed: 12).text.utf8))
            _ = try ReliefProjections(store: store, configuration: .illustrative)
        }
        var generator = SystemRandomNumberGenerator()
        var finished = 0
        var midway = 0
        for round in 0..<CrashLoopTests.rounds {
            let path = directory.appending("round-\(round).store")
            try CrashLoopTests.copy(template, to: path)
            if try CrashLoopTests.runKilled(["projections", "rebuild", "--store", path, "--batch-size", "40"], after: Double.random(in: 0.02...0.6, using: &generator)) != nil {
                finished += 1
            }
            let store = try CrashLoopTests.open(path)
            let statuses = try ReliefProjections(store: store, configuration: .illustrative, catchUp: false).engine.status()
            if statuses.contains(where: { $0.streamRebuild?.lastStreamDone != nil }) { midway += 1 }
            try CrashLoopTests.expectSoundWithExactProjections(store, "round \(round)")
            try FileManager.default.removeItem(atPath: path)
        }
        #expect(finished < CrashLoopTests.rounds, "every rebuild finished before its kill")
        #expect(midway > 0, "no kill fell between two groups of streams of a rebuild")
    }
}
