@testable import Homeward
import Testing

/// Counter changes merged into a stored bucket without making strings give what decoding,
/// adding and encoding again gives.
struct BucketCodingTests {
    @Test(arguments: [1 as UInt64, 2, 3, 4, 5])
    func mergingBytesEqualsMergingDictionaries(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        let names = ["reports", "admissions", "reportsByChannel.hotline", "itemsDistributed.棉被", "itemsDistributed.blanket", "a", "ab", "b", "strandedAtStart.over10Days"]
        var stored: [String: Int] = [:]
        var bytes: [UInt8]? = nil
        var reused = BucketCoding.Merge()  // as the writer uses one for every bucket
        for _ in 0..<200 {
            var changes: [String: Int] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &random) {
                changes[names[Int.random(in: 0..<names.count, using: &random)], default: 0] += Int.random(in: -3...3, using: &random)
            }
            for (name, amount) in changes { stored[name, default: 0] += amount }
            stored = stored.filter { $0.value != 0 }
            let sorted = changes.map { (name: Array($0.key.utf8), amount: $0.value) }.sorted { $0.name.lexicographicallyPrecedes($1.name) }
            // A slice that does not start at 0, as the writer passes a bucket's part of all changes.
            let all = [(name: Array("zz".utf8), amount: 9)] + sorted
            let before = bytes
            bytes = try BucketCoding.adding(all[1...], to: bytes)
            let left = try before.map { stored in try stored.withUnsafeBytes { try reused.adding(all[1...], to: $0) } } ?? reused.adding(all[1...], to: nil)
            #expect((left ? reused.output : nil) == bytes, "a merge that served the buckets before gives the same bytes")
            #expect(try bytes.map { try BucketCoding.counters($0) } ?? [:] == stored)
            #expect(bytes == (stored.isEmpty ? nil : BucketCoding.counters(stored)), "the same bytes as encoding the sums")
        }
    }

    /// A bucket of 128 counters or more has a count of two bytes: the merge makes room for it.
    @Test(arguments: [127, 128, 300])
    func manyCountersGiveTheSameBytesAsEncodingTheirSums(count: Int) throws {
        let names = (0..<count).map { "itemsDistributed.item\(1000 + $0)" }
        let half = Dictionary(uniqueKeysWithValues: names.enumerated().filter { $0.offset % 2 == 0 }.map { ($1, $0 + 1) })
        let all = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0 + 1) })
        let first = try #require(try BucketCoding.adding(half.map { (Array($0.key.utf8), $0.value) }.sorted { $0.0.lexicographicallyPrecedes($1.0) }[...], to: nil))
        #expect(first == BucketCoding.counters(half))
        let rest = all.filter { half[$0.key] == nil }.map { (name: Array($0.key.utf8), amount: $0.value) }.sorted { $0.name.lexicographicallyPrecedes($1.name) }
        var merge = BucketCoding.Merge()
        let left = try first.withUnsafeBytes { try merge.adding(rest[...], to: $0) }
        #expect(left)
        #expect(merge.output == BucketCoding.counters(all))
        #expect(try BucketCoding.counters(merge.output) == all)
    }

    /// A batch's changes encoded as a counters value (the value of a new bucket) and merged as
    /// such into a stored bucket give what merging the changes themselves gives.
    @Test(arguments: [6 as UInt64, 7, 8])
    func mergingEncodedChangesEqualsMergingTheChanges(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        let names = ["reports", "admissions", "reportsByChannel.hotline", "itemsDistributed.棉被", "a", "ab", "b"]
        var bytes: [UInt8]? = nil
        var merge = BucketCoding.Merge()
        for _ in 0..<200 {
            var changes: [String: Int] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &random) {
                changes[names[Int.random(in: 0..<names.count, using: &random)], default: 0] += Int.random(in: -3...3, using: &random)
            }
            let sorted = changes.map { (name: Array($0.key.utf8), amount: $0.value) }.sorted { $0.name.lexicographicallyPrecedes($1.name) }
            let nonZero = changes.filter { $0.value != 0 }
            guard merge.encoding(sorted[...]) else {
                #expect(nonZero.isEmpty, "changes are left out only when every one is zero")
                continue
            }
            let encoded = merge.output
            #expect(encoded == BucketCoding.counters(nonZero), "a new bucket's value: the non-zero changes")
            let expected = try BucketCoding.adding(sorted[...], to: bytes)
            let left = try encoded.withUnsafeBytes { change in
                try bytes.map { stored in try stored.withUnsafeBytes { try merge.adding(counters: change, to: $0) } } ?? merge.adding(counters: change, to: nil)
            }
            #expect((left ? merge.output : nil) == expected)
            bytes = expected
        }
    }

    @Test func aDamagedBucketIsRefused() {
        #expect(throws: PayloadDecodingError.self) { try BucketCoding.adding([], to: [2, 5, 0x61]) }
        #expect(throws: PayloadDecodingError.self) { try BucketCoding.adding([], to: [1, 1, 0x61, 2, 9]) }
        var merge = BucketCoding.Merge()
        #expect(throws: PayloadDecodingError.self, "changes cut short") {
            try [UInt8]([2, 1, 0x61, 2]).withUnsafeBytes { try merge.adding(counters: $0, to: nil) }
        }
    }
}
