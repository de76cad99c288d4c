@testable import Homeward
import Testing

/// The statistics' own tables give what the standard library's dictionaries give.
struct PackedCountsTests {
    @Test(arguments: [0, 1, 15, 1_000, 50_000])
    func sumsEqualADictionarysSums(count: Int) {
        var random = SeededRandom(seed: UInt64(count) + 3)
        var expected: [UInt64: Int] = [:]
        var table = PackedCounts()
        // Narrow keys repeat; the extremes and zero are keys like any other.
        let pool = (0..<max(1, count / 3)).map { _ in UInt64.random(in: 0...UInt64.max, using: &random) } + [0, UInt64.max, 1 << 63]
        for _ in 0..<count {
            let key = pool.randomElement(using: &random)!
            let amount = Int.random(in: -5...5, using: &random)
            expected[key, default: 0] += amount
            table.add(amount, to: key)
        }
        #expect(table.count == expected.count)
        var seen: [UInt64: Int] = [:]
        table.forEach { key, sum in seen[key] = sum }
        #expect(seen == expected)
        for (key, sum) in expected { #expect(table[key] == sum) }
        #expect(table[0x1234_5678] == expected[0x1234_5678])
    }

    @Test func roomMadeAheadKeepsWhatIsThere() {
        var table = PackedCounts(capacity: 2)
        for key in 0..<100 { table.add(key, to: UInt64(key) << 32) }
        table.reserveCapacity(10_000)
        #expect(table.count == 100)
        #expect((0..<100).allSatisfy { table[UInt64($0) << 32] == $0 })
    }
}

struct NameNumbersTests {
    @Test func namesAreNumberedInTheOrderFirstSeen() {
        var numbers = NameNumbers(["*", "strandedAtStart.over10Days"])
        #expect(numbers.number(of: "reports") == 2)
        #expect(numbers.number(of: "*") == 0)
        #expect(numbers.number(of: "strandedAtStart.over10Days") == 1)
        #expect(numbers.number(of: "reports") == 2)
        #expect(numbers.names == ["*", "strandedAtStart.over10Days", "reports"])
    }

    @Test func namesWithTheSameLengthAndEndsStayApart() {
        // Same length, same first and last eight bytes: the same hash.
        let names = ["itemsDist-A-ributed", "itemsDist-B-ributed", "itemsDist-C-ributed", "", "a", "ab", "é", "e\u{301}"]
        var numbers = NameNumbers()
        for (index, name) in names.enumerated() { #expect(numbers.number(of: name) == index) }
        for (index, name) in names.enumerated() { #expect(numbers.number(of: name) == index, "\(name)") }
        #expect(numbers.count == names.count)
    }

    @Test func manyNamesGrowTheTable() {
        var numbers = NameNumbers()
        let names = (0..<5_000).map { "region-\($0 * 7919 % 100_003)" }
        for (index, name) in names.enumerated() { #expect(numbers.number(of: name) == index) }
        #expect(names.indices.allSatisfy { numbers.number(of: names[$0]) == $0 })
        #expect(numbers.names == names)
    }
}
