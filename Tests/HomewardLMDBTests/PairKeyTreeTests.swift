import Foundation
@testable import HomewardLMDB
import HomewardTesting
import Testing

/// Reading the entries of one first part straight from the map's pages gives exactly what a
/// cursor walk gives, wherever the entries lie among the leaf pages.
struct PairKeyTreeTests {
    private static func key(_ first: UInt64, _ second: UInt64) -> [UInt8] {
        withUnsafeBytes(of: first.bigEndian) { Array($0) } + withUnsafeBytes(of: second.bigEndian) { Array($0) }
    }

    private static func value(_ first: UInt64, _ second: UInt64) -> [UInt8] {
        withUnsafeBytes(of: (first &* 1_000_003 &+ second).bigEndian) { Array($0) }
    }

    /// A stream-index-like database: first parts 1…`firsts`, each with its own number of
    /// entries (seconds 1…n, some with gaps), put in an order that splits pages all over.
    private func makeIndex(firsts: UInt64, in environment: Environment, _ database: Database) throws -> [UInt64: [UInt64]] {
        var entries: [UInt64: [UInt64]] = [:]
        var random = SeededGenerator(seed: firsts)
        for first in 1...firsts {
            let count = UInt64.random(in: 0...40, using: &random)
            entries[first] = (1...max(1, count)).filter { $0 % 17 != 0 || first % 2 == 0 }
        }
        var puts = entries.flatMap { first, seconds in seconds.map { (first, $0) } }
        puts.shuffle(using: &random)
        try environment.write { transaction in
            for (first, second) in puts { try transaction.put(database, key: Self.key(first, second), value: Self.value(first, second)) }
        }
        return entries
    }

    /// The entries of `first` from `from` on, through a cursor.
    private func cursorEntries(first: UInt64, from: UInt64, in transaction: Transaction, _ database: Database) throws -> [(UInt64, [UInt8])] {
        let cursor = try transaction.cursor(database)
        var found: [(UInt64, [UInt8])] = []
        var entry = try Self.key(first, from).withUnsafeBytes { try cursor.seek(atLeast: $0) }
        while let current = entry, current.key.count == 16 {
            let key = Array(current.key)
            guard key[0..<8] == Self.key(first, 0)[0..<8] else { break }
            let second = key[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            found.append((second, Array(current.value)))
            entry = try cursor.next()
        }
        return found
    }

    @Test(arguments: [3 as UInt64, 2_000, 20_000])
    func entriesOfEachFirstPartAreWhatACursorWalkFinds(firsts: UInt64) throws {
        let directory = try TemporaryDirectory()
        let environment = try Environment.open(path: directory.path)
        let index = try environment.openDatabase(named: "index", options: .create)
        let entries = try makeIndex(firsts: firsts, in: environment, index)
        try environment.read { transaction in
            guard let tree = try PairKeyTree(index, in: transaction) else {
                #expect(firsts == 3, "only a tree of one page cannot be read from the map")
                return
            }
            var random = SeededGenerator(seed: 7)
            let probes = (0...firsts + 1).filter { _ in firsts < 3_000 || Int.random(in: 0..<9, using: &random) == 0 }
            for first in probes {
                for from in [1, 5, 17, 41] as [UInt64] {
                    var found: [(UInt64, [UInt8])] = []
                    let read = tree.forEachValue(first: first, from: from) { second, value in
                        found.append((second, Array(value)))
                        return true
                    }
                    #expect(read)
                    let expected = try cursorEntries(first: first, from: from, in: transaction, index)
                    #expect(found.map(\.0) == expected.map(\.0), "first \(first) from \(from)")
                    #expect(found.map(\.1) == expected.map(\.1), "first \(first) from \(from)")
                    #expect(found.map(\.0) == (entries[first] ?? []).filter { $0 >= from })
                }
            }
        }
    }

    @Test func aBodyThatSaysNoStopsTheWalk() throws {
        let directory = try TemporaryDirectory()
        let environment = try Environment.open(path: directory.path)
        let index = try environment.openDatabase(named: "index", options: .create)
        let entries = try makeIndex(firsts: 2_000, in: environment, index)
        let first = try #require(entries.filter { $0.value.count > 20 }.keys.min())
        let seconds = try environment.read { transaction in
            let tree = try #require(try PairKeyTree(index, in: transaction))
            var seconds: [UInt64] = []
            #expect(tree.forEachValue(first: first, from: 1) { second, _ in
                seconds.append(second)
                return seconds.count < 5
            })
            return seconds
        }
        #expect(seconds == Array(entries[first]!.prefix(5)))
    }

    @Test func thereIsNoTreeInAWriteTransaction() throws {
        let directory = try TemporaryDirectory()
        let environment = try Environment.open(path: directory.path)
        let index = try environment.openDatabase(named: "index", options: .create)
        _ = try makeIndex(firsts: 2_000, in: environment, index)
        let inWrite = try environment.write { transaction in try PairKeyTree(index, in: transaction) != nil }
        let inRead = try environment.read { transaction in try PairKeyTree(index, in: transaction) != nil }
        #expect(!inWrite)
        #expect(inRead)
    }
}
