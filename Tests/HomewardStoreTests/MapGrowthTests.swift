import Foundation
import HomewardStore
import HomewardTesting
import Testing

struct MapGrowthTests {
    /// 200 MB appended to a store opened with a 1 MiB map: the map grows without the caller noticing.
    @Test func twoHundredMegabytesFitIntoAStoreOpenedWithOneMebibyte() async throws {
        var options = EventStore.Options()
        options.initialMapSize = 1 << 20
        try await withTemporaryEventStore(options: options) { (store: EventStore) async throws in
            let payload = Payload(codec: .opaque, bytes: [UInt8](repeating: 0x42, count: 10_000))
            // A reader follows the log while the map grows underneath it.
            let reader = Task {
                var seen = 0
                for try await _ in store.subscribe(from: 1) {
                    seen += 1
                    if seen == 20_000 { break }
                }
                return seen
            }
            for batch in 0..<200 {
                let events = (0..<100).map { _ in NewEvent(type: "Blob", actor: .testOfficer, payload: payload) }
                try await store.append(events, to: StreamID(validating: "blob-\(batch % 10)"))
            }
            #expect(try await reader.value == 20_000)
            #expect(try store.head().position == 20_000)
            let last = try #require(try store.event(at: 20_000))
            #expect(last.payload == payload)
            #expect(try store.verify().isSound)
        }
    }
}
