@testable import Homeward
import HomewardTesting
import Testing

/// The median of pickup times read in place from sorted daily buckets equals the median of all
/// the values taken together.
struct MedianTests {
    @Test(arguments: [1, 2, 3, 10, 11, 1000, 1001])
    func bucketsGiveTheMedianOfAllTheirValues(count: Int) throws {
        var random = SeededRandom(seed: UInt64(count))
        // Repeated values, negative ones (a back-dated report after its pickup), and zeros.
        let values = (0..<count).map { _ in Double(Int.random(in: -20...400, using: &random)) / Double([1, 2, 4, 60][Int.random(in: 0...3, using: &random)]) }
        var buckets: [[Double]] = [[], [], [], []]
        for value in values { buckets[Int.random(in: 0..<4, using: &random)].append(value) }
        let stored = try buckets.map { try PickupMinutes(PickupMinutes.encode($0)) }
        #expect(stored.map(\.count) == buckets.map(\.count))
        #expect(PickupMinutes.median(stored) == StatisticsCalculator.median(values))
        #expect(StatisticsCalculator.median(values) == Self.sortedMedian(values))
    }

    /// Two buckets merged run by run give the bytes of encoding all their values (what the
    /// rebuild stored before it merged runs), whatever their sizes, signs and repeats.
    @Test(arguments: [(0, 0), (0, 5), (7, 0), (1, 1), (40, 3), (200, 180)])
    func mergedBucketsAreTheBucketOfAllTheirValues(left: Int, right: Int) throws {
        var random = SeededRandom(seed: UInt64(left * 1_000 + right))
        func values(_ count: Int) -> [Double] {
            (0..<count).map { _ in [-0.0, 0.0, 12.5, -3.25][Int.random(in: 0...3, using: &random)] + Double(Int.random(in: -50...50, using: &random)) / 4 }
        }
        let (first, second) = (values(left), values(right))
        let merged = try PickupMinutes.encode(first).withUnsafeBytes { stored in
            try PickupMinutes.encode(second).withUnsafeBytes { added in try PickupMinutes.merged(stored, added) }
        }
        #expect(merged == PickupMinutes.encode(first + second))
        #expect(try PickupMinutes(merged).count == left + right)
    }

    @Test func aDamagedBucketIsNotMerged() {
        let good = PickupMinutes.encode([1, 2])
        #expect(throws: PayloadDecodingError.self) {
            try [UInt8]([3, 0, 0, 0]).withUnsafeBytes { stored in try good.withUnsafeBytes { try PickupMinutes.merged(stored, $0) } }
        }
    }

    @Test func noValuesHaveNoMedian() throws {
        #expect(PickupMinutes.median([try PickupMinutes(PickupMinutes.encode([]))]) == nil)
        #expect(StatisticsCalculator.median([]) == nil)
    }

    @Test func aDamagedBucketIsRefused() {
        #expect(throws: PayloadDecodingError.self) { try PickupMinutes([3, 0, 0, 0]) }
    }

    static func sortedMedian(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
