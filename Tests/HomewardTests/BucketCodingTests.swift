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
        var reused = BucketCoding.Merge()  // as the writer keeps one from bucket to bucket
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
            #expect((left ? reused.output : nil) == bytes, "a merge whose buffers served the buckets before gives the same bytes")
            #expect(try bytes.map { try BucketCoding.counters($0) } ?? [:] == stored)
            #expect(bytes == (stored.isEmpty ? nil : BucketCoding.counters(stored)), "the same bytes as encoding the sums")
        }
    }

    @Test func aDamagedBucketIsRefused() {
        #expect(throws: PayloadDecodingError.self) { try BucketCoding.adding([], to: [2, 5, 0x61]) }
        #expect(throws: PayloadDecodingError.self) { try BucketCoding.adding([], to: [1, 1, 0x61, 2, 9]) }
    }
}
