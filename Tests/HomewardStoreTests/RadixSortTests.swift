import Homeward
@testable import HomewardStore
import Testing

/// The radix sort gives the standard library's order, moves each payload with its key and
/// keeps equal keys in their order, whichever of the keys' bytes vary.
struct RadixSortTests {
    /// Keys whose bytes vary only under `mask`, with many repeats when the mask is narrow.
    func keys(_ count: Int, mask: UInt64, seed: UInt64) -> [UInt64] {
        var generator = SeededRandom(seed: seed)
        return (0..<count).map { _ in UInt64.random(in: 0...UInt64.max, using: &generator) & mask }
    }

    @Test(arguments: [
        (0, UInt64.max), (1, UInt64.max), (255, UInt64.max), (256, UInt64.max), (10_000, UInt64.max),
        (10_000, 0xff), (10_000, 0xff00_0000_0000_0000), (10_000, 0x0000_00ff_ff00_0f00), (10_000, 0),
        // One digit of 11 bits, two of 6, three of 9, and a low digit every key shares.
        (10_000, 0x7ff), (10_000, 0xfff), (10_000, 0x7ff_ffff), (10_000, 0x0fff_ffff_f800),
    ])
    func keysComeOutInAscendingOrder(count: Int, mask: UInt64) {
        let original = keys(count, mask: mask, seed: UInt64(count) ^ mask)
        var sorted = original
        RadixSort.sort(&sorted)
        #expect(sorted == original.sorted())
    }

    @Test(arguments: [17, 300, 20_000])
    func payloadsMoveWithTheirKeysAndEqualKeysKeepTheirOrder(count: Int) {
        // Narrow keys: each value repeats; each payload is its key's original index.
        let original = keys(count, mask: 0x0000_0003_0000_0070, seed: UInt64(count))
        var sorted = original
        var payloads = Array(original.indices)
        RadixSort.sort(&sorted, carrying: &payloads)
        let expected = original.indices.sorted { (original[$0], $0) < (original[$1], $1) }
        #expect(payloads == expected)
        #expect(sorted == expected.map { original[$0] })
    }

    /// Keys whose high bytes are zero are sorted by their low bytes only, in the same order.
    @Test(arguments: [(1, UInt64(0xff)), (3, UInt64(0x00ff_0f00)), (5, UInt64(0x00ff_ff00_0f00))])
    func keysOfFewBytesAreSortedByThoseBytes(bytes: Int, mask: UInt64) {
        let original = keys(5_000, mask: mask, seed: mask)
        var sorted = original
        var payloads = Array(original.indices)
        RadixSort.sort(&sorted, carrying: &payloads, significantBytes: bytes)
        let expected = original.indices.sorted { (original[$0], $0) < (original[$1], $1) }
        #expect(payloads == expected)
        #expect(sorted == original.sorted())
    }

    /// Positions packed with their indices, as the rebuild sorts them: four digits of 11 bits.
    @Test func packedPositionsGiveTheirIndicesInPositionOrder() {
        var generator = SeededRandom(seed: 44)
        let positions = (0..<50_000).map { _ in UInt64.random(in: 1...1_000_000, using: &generator) }
        var packed = positions.enumerated().map { $0.element << 24 | UInt64($0.offset) }
        RadixSort.sort(&packed)
        #expect(packed.map { Int($0 & 0xff_ffff) } == positions.indices.sorted { (positions[$0], $0) < (positions[$1], $1) })
    }

    @Test func tuplePayloadsAreCarriedWhole() {
        let original = keys(1_000, mask: 0xffff, seed: 5)
        var sorted = original
        var payloads = original.indices.map { (position: UInt64($0) * 3, index: Int32($0)) }
        RadixSort.sort(&sorted, carrying: &payloads)
        for (key, payload) in zip(sorted, payloads) {
            #expect(original[Int(payload.index)] == key)
            #expect(payload.position == UInt64(payload.index) * 3)
        }
        #expect(sorted == original.sorted())
    }
}
