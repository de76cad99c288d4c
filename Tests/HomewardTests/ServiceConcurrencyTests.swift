import Foundation
import Homeward
import HomewardStore
import HomewardTesting
import Testing

/// Four processes with eight tasks each record commands on two shared cases through the relief
/// service, each append expecting the case's version: nothing is lost, versions and positions
/// are gapless, and every conflict is surfaced and retried.
@Suite(.serialized)
struct ServiceConcurrencyTests {
    @Test func fourProcessesOfEightTasksLoseNoUpdateOnSharedCases() async throws {
        let directory = try TemporaryDirectory(prefix: "homeward-service-concurrency")
        let path = directory.appending("store")
        do {
            let service = ReliefService(store: try EventStore(path: path))
            for number in 0..<2 {
                let caseId = "PROBE-\(number)"
                try await service.requestAssistance(caseId, AssistanceRequested(station: "HZ-01", sex: .male, age: 40, conditions: allFour), by: stationWorker)
                try await service.admit(caseId, Admitted(station: "HZ-01", personId: "PP\(number)", category: .adult), by: stationWorker)
            }
        }
        let perTask = 10
        let probes = try (0..<4).map { _ in try ProbeProcess(["service-loop", path, "2", "8", "\(perTask)"]) }
        #expect(probes.map { $0.waitUntilExit() } == [0, 0, 0, 0], "\(probes.map(\.errorOutput))")
        let acknowledged = probes.flatMap(\.acknowledgements)
        #expect(acknowledged.count == 4 * 8 * perTask, "every command was acknowledged")

        let store = try EventStore(path: path)
        let events = try store.events(from: 1, limit: .max)
        #expect(events.map(\.position) == Array(1...UInt64(events.count)), "positions are gapless")
        #expect(events.count == 4 + acknowledged.count, "nothing more and nothing less than the commands")
        for ack in acknowledged {
            let event = events[Int(ack.position) - 1]
            #expect(event.eventId == ack.eventId && event.stream.rawValue == ack.stream && event.version == ack.version, "acknowledged \(ack) was lost or moved")
        }
        for number in 0..<2 {
            let versions = try store.events(in: StreamID(validating: "case-PROBE-\(number)")).map(\.version)
            #expect(versions == Array(1...UInt64(versions.count)), "case PROBE-\(number) has gapless versions")
        }
        let conflicts = acknowledged.map { $0.attempts - 1 }.reduce(0, +)
        #expect(conflicts > 0, "32 writers on two cases met no conflict: the expected versions were not checked")
        #expect(try store.verify().isSound)
    }
}
