import Homeward
import HomewardLMDB
@testable import HomewardStore
import HomewardTesting
import Testing

/// The order in which a rebuild looks up the records of a group of streams: by position, so
/// that the log's pages are visited in order.
struct RecordOrderTests {
    /// Positions as a group of streams gives them: each stream's in order, the streams mixed.
    func streamPositions(_ count: Int, below limit: UInt64, seed: UInt64) -> [UInt64] {
        var generator = SeededRandom(seed: seed)
        return (0..<count).map { _ in UInt64.random(in: 1..<limit, using: &generator) }
    }

    @Test(arguments: [0, 1, 2, 17, 5_000])
    func packedIndicesFollowThePositions(count: Int) {
        let positions = streamPositions(count, below: 1 << 40, seed: UInt64(count) + 1)
        let order = LogStorage.indicesInOrder(of: positions)
        #expect(order.sorted() == Array(positions.indices), "each index exactly once")
        #expect(order.map { positions[$0] } == positions.sorted())
    }

    @Test func positionsTooLargeToPackAreSortedAsWell() {
        var positions = streamPositions(1_000, below: 1 << 40, seed: 9)
        positions[500] = 1 << 41  // beyond what the packed sort holds
        let order = LogStorage.indicesInOrder(of: positions)
        #expect(order.sorted() == Array(positions.indices))
        #expect(order.map { positions[$0] } == positions.sorted())
        #expect(order.last == 500)
    }
}

/// A rebuild's groups of streams read the same records through the log's page index as through
/// cursor lookups, also for records too large for a leaf page and after later appends.
struct WholeStreamsThroughPagesTests {
    @Test func groupsReadThroughThePageIndexEqualGroupsReadThroughACursor() throws {
        try withTemporaryEventStore { store in
            // 3,000 events over 97 streams; every 101st payload 5,000 bytes (kept off the leaves).
            for batch in 0..<30 {
                let events = (0..<100).map { offset -> (Int, NewEvent) in
                    let index = batch * 100 + offset
                    return (index, .sample("Seen", index: index, payloadSize: index % 101 == 0 ? 5_000 : 64 + index % 300))
                }
                for (index, event) in events {
                    try store.append([event], to: StreamID(validating: "case-\(index * 7 % 97)"))
                }
            }
            let head: UInt64 = 3_000
            let pages = try store.read("test") { try store.storage.logPages(through: head, in: $0) }
            #expect(pages.pageCount > 10)
            // Appends after the index was made copy the log's last pages.
            for index in 0..<200 {
                try store.append([.sample("Later", index: index)], to: StreamID(validating: "case-\(index % 97)"))
            }
            func groups(using logPages: ConsecutiveKeyPages) throws -> [[(position: UInt64, stream: String, payload: [UInt8])]] {
                var after = ""
                var all: [[(position: UInt64, stream: String, payload: [UInt8])]] = []
                while true {
                    let (streams, last) = try store.read("test") {
                        try store.storage.wholeStreams(after: after, through: head, minimumEvents: 400, logPages: logPages, in: $0)
                    }
                    guard let last else { return all }
                    all += streams.map { $0.map { ($0.position, $0.stream.rawValue, Array($0.payload.bytes)) } }
                    after = last
                }
            }
            let throughCursor = try groups(using: ConsecutiveKeyPages())
            let throughPages = try groups(using: pages)
            #expect(throughCursor.map(\.count).reduce(0, +) == 3_000, "every event up to the head, none after it")
            #expect(throughPages.count == throughCursor.count)
            for (viaPages, viaCursor) in zip(throughPages, throughCursor) {
                #expect(viaPages.map(\.position) == viaCursor.map(\.position))
                #expect(viaPages.map(\.stream) == viaCursor.map(\.stream))
                #expect(viaPages.map(\.payload) == viaCursor.map(\.payload))
            }
        }
    }
}
