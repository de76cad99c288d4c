@testable import Homeward
import Testing

/// A rebuild writes each group's entries (packed into one ``EntryBuffer``) sorted by a radix sort
/// on their keys' bytes (``KeySorter``): the order must be exactly the keys' byte order, which
/// LMDB uses, equal keys in the order they were appended.
struct EntryOrderTests {
    @Test func entriesComeInTheByteOrderOfTheirKeys() {
        var generator = SeededRandom(seed: 41)
        let stems = ["case/", "status/admitted/", "status/admittedX/", "region/330424007015/", "station/HZ-01/", "", "a", "ab", "abcdefghijklmnop", "abcdefghijklmnopq"]
        var keys: [[UInt8]] = []
        for stem in stems {
            keys.append(Array(stem.utf8))
            for _ in 0..<40 {
                let id = "JX-\(UInt64.random(in: 0..<3_000, using: &generator))"
                keys.append(Array((stem + id).utf8))
            }
        }
        // Keys that differ only after their sixteenth byte, or only in their length, or that
        // hold bytes that are zero or above 0x7f.
        keys += [[0], [0, 0], [0, 1], [0xff], [0xff, 0], Array(repeating: 0x61, count: 16) + [0], Array(repeating: 0x61, count: 16)]
        keys.shuffle(using: &generator)
        let entries = keys.enumerated().map { (key: $1, value: [UInt8($0 >> 8), UInt8($0 & 0xff)]) }
        // Packed into two buffers joined, as the folding threads' runs are.
        var first = EntryBuffer()
        var second = EntryBuffer()
        for (index, entry) in entries.enumerated() {
            if index.isMultiple(of: 2) { first.append(key: entry.key, value: entry.value) } else { second.append(key: entry.key, value: entry.value) }
        }
        first.append(contentsOf: second)
        var sorted: [(key: [UInt8], value: [UInt8])] = []
        first.forEachInKeyOrder { key, value in sorted.append((Array(key), Array(value))) }
        #expect(sorted.map(\.key) == keys.sorted { $0.lexicographicallyPrecedes($1) })
        #expect(sorted.count == entries.count, "no entry lost or doubled")
        // Each key keeps its own value (the value names the entry it came from), and every entry
        // is there once.
        #expect(sorted.allSatisfy { entries[Int($0.value[0]) << 8 | Int($0.value[1])].key == $0.key })
        #expect(Set(sorted.map(\.value)).count == entries.count)

        // Sorted ahead (as a folding thread does), then appended to: the entry appended after
        // the sort still comes in its place.
        var ahead = first
        ahead.sortInKeyOrder()
        var sortedAhead: [[UInt8]] = []
        ahead.forEachInKeyOrder { key, _ in sortedAhead.append(Array(key)) }
        #expect(sortedAhead == sorted.map(\.key))
        ahead.append(key: [0x61, 0x62, 0x62], value: [])
        var afterAppend: [[UInt8]] = []
        ahead.forEachInKeyOrder { key, _ in afterAppend.append(Array(key)) }
        #expect(afterAppend == (keys + [[0x61, 0x62, 0x62]]).sorted { $0.lexicographicallyPrecedes($1) })
    }

    /// Thousands of entries, as a group gives: long shared prefixes (passed over at once), keys
    /// that are prefixes of others, keys that end where others go on, and equal keys, which
    /// keep the order they were appended in.
    @Test func manyEntriesWithSharedPrefixesAndEqualKeysComeInOrder() {
        var generator = SeededRandom(seed: 7)
        let stems = ["status/returnedHome/", "status/returned/", "status/returnedHomeX/", "station/HZ-01/", "region/330105009002/", "case/", "person/P1/", "person/P1", "person/P10/"]
        var keys: [[UInt8]] = []
        for _ in 0..<6_000 {
            let stem = stems[Int.random(in: 0..<stems.count, using: &generator)]
            // Few ids, so that many keys are equal; some keys stop at the stem.
            let id = Int.random(in: 0..<10, using: &generator) == 0 ? "" : "HZ-\(Int.random(in: 0..<400, using: &generator))"
            keys.append(Array((stem + id).utf8))
        }
        var entries = EntryBuffer()
        for (index, key) in keys.enumerated() { entries.append(key: key, value: [UInt8(index >> 8), UInt8(index & 0xff)]) }
        var sorted: [(key: [UInt8], index: Int)] = []
        entries.forEachInKeyOrder { key, value in sorted.append((Array(key), Int(value[0]) << 8 | Int(value[1]))) }
        // The keys' byte order, equal keys by the order they were appended (a stable sort).
        let expected = keys.indices.sorted { left, right in
            if keys[left] != keys[right] { return keys[left].lexicographicallyPrecedes(keys[right]) }
            return left < right
        }
        #expect(sorted.map(\.index) == expected)
        #expect(sorted.allSatisfy { keys[$0.index] == $0.key })
        #expect(entries.indicesInKeyOrder() == expected, "the places of the entries in the same order")
    }

    /// A rebuild's group appends each case's entries case by case, in the order of the case
    /// ids: a family of keys then comes already in order, others do not, and a few keys repeat.
    /// Ranges found in order are left as they are; the whole is still in byte order, equal keys
    /// in the order appended.
    @Test(arguments: [0, 1, 5])
    func familiesAppendedInOrderAmongOthersComeInOrder(unordered: Int) {
        var generator = SeededRandom(seed: UInt64(unordered) + 11)
        var keys: [[UInt8]] = []
        for number in 0..<3_000 {
            let caseId = "HZ-\(100_000 + number)"
            keys.append(Array("case/\(caseId)".utf8))
            keys.append(Array("contribution/\(caseId)".utf8))
            // A list entry by status and region, in no order.
            keys.append(Array("list/s\(Int.random(in: 0..<4, using: &generator))/r\(Int.random(in: 0..<50, using: &generator))".utf8) + [0] + Array(caseId.utf8))
            // Now and then an id out of order, or a key seen before.
            if unordered > 0, Int.random(in: 0..<100, using: &generator) < unordered {
                keys.append(Array("case/HZ-\(100_000 + Int.random(in: 0..<3_000, using: &generator))".utf8))
            }
        }
        var entries = EntryBuffer()
        for (index, key) in keys.enumerated() { entries.append(key: key, value: withUnsafeBytes(of: UInt32(index)) { Array($0) }) }
        var indices: [Int] = []
        entries.forEachInKeyOrder { _, value in indices.append(Int(value.loadUnaligned(as: UInt32.self))) }
        let expected = keys.indices.sorted { left, right in
            if keys[left] != keys[right] { return keys[left].lexicographicallyPrecedes(keys[right]) }
            return left < right
        }
        #expect(indices == expected)
    }

    /// The entries of a case written through the buffer are the same keys and values as its
    /// pairs, and keys made of parts are joined with slashes.
    @Test func aBufferKeepsEachEntrysKeyAndValue() {
        var entries = EntryBuffer()
        entries.append(key: "case", "HZ-1", value: [1, 2, 3])
        entries.append(key: "status", "admitted", "HZ-1")
        entries.append(key: Array("stays/HZ-1".utf8), value: [])
        entries.append(key: "list", "admitted", "", "HZ-1", text: "HZ-01")
        #expect(entries.count == 4)
        #expect(entries.pairs.map { String(decoding: $0.key, as: UTF8.self) } == ["case/HZ-1", "status/admitted/HZ-1", "stays/HZ-1", "list/admitted//HZ-1"])
        #expect(entries.pairs.map(\.value) == [[1, 2, 3], [], [], Array("HZ-01".utf8)])
        var separated = EntryBuffer()
        separated.append(key: "person", "P/7", "HZ/7", lastSeparator: 0)
        separated.append(key: "list", "admitted", "3301", "HZ/7", lastSeparator: 0, text: "")
        #expect(separated.pairs.map(\.key) == [Array("person/P/7\u{0}HZ/7".utf8), Array("list/admitted/3301\u{0}HZ/7".utf8)])
    }
}
