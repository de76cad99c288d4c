import Foundation
import HomewardStore
import HomewardTesting
import Testing

@Suite(.serialized)
struct MultiProcessTests {
    @Test func twoProcessesAppendToOneStoreWithoutGapsOrLoss() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.appending("store")
        _ = try EventStore(path: path)
        let first = try ProbeProcess(["append-loop", path, "case-shared", "300", "3"])
        let second = try ProbeProcess(["append-loop", path, "case-shared", "300", "3"])
        #expect(first.waitUntilExit() == 0, "\(first.errorOutput)")
        #expect(second.waitUntilExit() == 0, "\(second.errorOutput)")
        let acknowledged = first.acknowledgements + second.acknowledgements
        #expect(acknowledged.count == 600)

        let store = try EventStore(path: path)
        let events = try store.events(from: 1, limit: 1000)
        #expect(events.map(\.position) == Array(1...600))
        #expect(Set(events.map(\.eventId)) == Set(acknowledged.map(\.eventId)))
        for ack in acknowledged {
            let event = events[Int(ack.position) - 1]
            #expect(event.eventId == ack.eventId)
            #expect(event.version == ack.version)
        }
        for number in 0..<3 {
            let versions = try store.events(in: StreamID(validating: "case-shared-\(number)")).map(\.version)
            #expect(versions == Array(1...UInt64(versions.count)))
        }
        #expect(try store.verify().isSound)
    }
}
