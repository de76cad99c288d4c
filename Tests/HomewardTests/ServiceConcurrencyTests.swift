import Foundation
import Homeward
import HomewardStore
import HomewardTesting
import Synchronization
import Testing

/// Four processes with eight tasks each record commands on two shared cases through the relief
/// service, each append expecting the case's version: nothing is lost, versions and positions
/// are gapless, and every conflict is surfaced and retried.
@Suite(.serialized)
struct ServiceConcurrencyTests {
    struct Acknowledgement: Hashable {
        var position: UInt64
        var eventId: UUID
        var stream: String
        var version: UInt64
        var attempts: Int
    }

    /// Runs a probe to its end and returns its "ack" lines.
    final class Buffer: Sendable {
        let data = Mutex(Data())
    }

    final class Probe: Sendable {
        let process = Process()
        let output = Buffer()

        init(_ arguments: [String]) throws {
            process.executableURL = URL(fileURLWithPath: try BuiltExecutable.path(named: "HomewardStoreProbe"))
            process.arguments = arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            pipe.fileHandleForReading.readabilityHandler = { [output] handle in
                let data = handle.availableData
                output.data.withLock { $0.append(data) }
            }
            try process.run()
        }

        func finish() -> (status: Int32, acknowledgements: [Acknowledgement]) {
            process.waitUntilExit()
            Thread.sleep(forTimeInterval: 0.2)  // the last lines are still in the pipe
            let text = output.data.withLock { String(decoding: $0, as: UTF8.self) }
            let acks = text.split(separator: "\n").compactMap { line -> Acknowledgement? in
                let fields = line.split(separator: " ")
                guard fields.count == 6, fields[0] == "ack", let position = UInt64(fields[1]), let id = UUID(uuidString: String(fields[2])),
                    let version = UInt64(fields[4]), let attempts = Int(fields[5])
                else { return nil }
                return Acknowledgement(position: position, eventId: id, stream: String(fields[3]), version: version, attempts: attempts)
            }
            return (process.terminationStatus, acks)
        }
    }

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
        let probes = try (0..<4).map { _ in try Probe(["service-loop", path, "2", "8", "\(perTask)"]) }
        let results = probes.map { $0.finish() }
        #expect(results.allSatisfy { $0.status == 0 })
        let acknowledged = results.flatMap(\.acknowledgements)
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
