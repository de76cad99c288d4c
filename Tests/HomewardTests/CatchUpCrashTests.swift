import Foundation
import Homeward
import HomewardStore
import HomewardTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A `homeward projections catch-up` process killed with SIGKILL at random moments resumes from
/// its checkpoints to exactly the state of a fresh rebuild.
@Suite(.serialized)
struct CatchUpCrashTests {
    @Test func aKilledCatchUpResumesToTheSameState() throws {
        let directory = try TemporaryDirectory()
        let path = directory.appending("store")
        var configuration = CampaignGenerator.Configuration()
        configuration.cases = 500
        configuration.seed = 11
        do {
            let store = try EventStore(path: path)
            try JSONLinesImporter(service: ReliefService(store: store)).importFile(Array(CampaignGenerator(configuration).jsonLines().utf8))
        }
        let homeward = try BuiltExecutable.path(named: "homeward")
        var generator = SystemRandomNumberGenerator()
        var positionsSeen: [UInt64] = []
        for _ in 0..<6 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: homeward)
            process.arguments = ["projections", "catch-up", "--store", path, "--batch-size", "50"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: Double.random(in: 0.05...0.4, using: &generator))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let store = try EventStore(path: path)
            let projections = try ReliefProjections(store: store, configuration: .illustrative, catchUp: false)
            positionsSeen.append(try projections.engine.status().map(\.position).reduce(0, +))
        }
        let store = try EventStore(path: path)
        let projections = try ReliefProjections(store: store, configuration: .illustrative)
        try projections.catchUp()
        let model = try ReliefModel(store: store, configuration: .illustrative)
        #expect(try projections.differences(from: model) == [])
        let period = (LocalDate("2026-12-01")!, LocalDate("2027-03-01")!)
        #expect(try projections.statistics(from: period.0, to: period.1)[0].statistics == model.statistics(from: period.0, to: period.1))
        #expect(positionsSeen == positionsSeen.sorted(), "checkpoints only move forward: \(positionsSeen)")
        let head = try store.head().position
        #expect(positionsSeen.contains { $0 > 0 && $0 < 3 * head }, "some kill fell in the middle of a catch-up: \(positionsSeen) of \(3 * head)")
    }
}
