import Homeward
@testable import HomewardStore
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
