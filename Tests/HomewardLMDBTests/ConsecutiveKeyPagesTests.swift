import Foundation
@testable import HomewardLMDB
import HomewardTesting
import Testing

/// Reading values straight from the map's leaf pages gives exactly what cursor lookups give,
/// whatever happened to the database since the pages were indexed.
struct ConsecutiveKeyPagesTests {
    /// A log-like database: keys 1…count as 8-byte big-endian integers, each value naming its
    /// key, of a size that varies with the key (some too large for a leaf page).
    private func makeLog(count: UInt64, from first: UInt64 = 1, bigEvery: UInt64 = 0, in environment: Environment, _ database: Database) throws {
        try environment.write { transaction in
            for key in first..<(first + count) {
                try transaction.put(database, key: Self.key(key), value: Self.value(key, bigEvery: bigEvery), options: .append)
            }
        }
    }

    private static func key(_ key: UInt64) -> [UInt8] { withUnsafeBytes(of: key.bigEndian) { Array($0) } }

    private static func value(_ key: UInt64, bigEvery: UInt64) -> [UInt8] {
        let size = bigEvery > 0 && key % bigEvery == 0 ? 6_000 : 40 + Int(key % 200)
        return Self.key(key) + [UInt8](repeating: UInt8(truncatingIfNeeded: key), count: size)
    }

    /// Reads `keys` through the index and returns the values and how many came through it.
    private func read(_ keys: [UInt64], with pages: ConsecutiveKeyPages, in environment: Environment, _ database: Database) throws -> (values: [[UInt8]?], throughIndex: Int) {
        try environment.read { transaction in
            var values = [[UInt8]?](repeating: nil, count: keys.count)
            let throughIndex = try pages.forEachValue(ofKeys: keys, in: database, transaction) { index, value in
                values[index] = value.map { Array($0) }
            }
            return (values, throughIndex)
        }
    }

    @Test func readsTheSameValuesAsCursorLookupsMostlyThroughThePages() throws {
        let directory = try TemporaryDirectory()
        let environment = try Environment.open(path: directory.path)
        let log = try environment.openDatabase(named: "log", options: .create)
        try makeLog(count: 20_000, bigEvery: 997, in: environment, log)
        let pages = try environment.read { try ConsecutiveKeyPages(log, keys: 1...20_000, in: $0) }
        #expect(pages.pageCount > 100)
        var random = SystemRandomNumberGenerator()
        let keys = (1...20_000).filter { _ in Int.random(in: 0..<7, using: &random) == 0 }.map(UInt64.init) + [20_000, 20_001, 25_000]
        let (values, throughIndex) = try read(keys, with: pages, in: environment, log)
        for (key, value) in zip(keys, values) {
            #expect(value == (key <= 20_000 ? Self.value(key, bigEvery: 997) : nil), "key \(key)")
        }
        // Large values (kept outside the leaf pages) and the keys of the last page go through a
        // cursor; nearly all others through the pages.
        #expect(throughIndex > keys.count * 9 / 10)
        #expect(throughIndex < keys.count)
    }

    /// The index is made by walking the tree's branch pages from its root: the same pages,
    /// in the same order, as looking each leaf page up; and for a part of the keys, the pages
    /// that hold that part.
    @Test(arguments: [1 as UInt64, 300, 50_000])
    func walkingTheTreeFindsThePagesThatLookingThemUpFinds(count: UInt64) throws {
        let directory = try TemporaryDirectory()
        let environment = try Environment.open(path: directory.path)
        let log = try environment.openDatabase(named: "log", options: .create)
        let other = try environment.openDatabase(named: "other", options: .create)
        try makeLog(count: count, bigEvery: 997, in: environment, log)
        try makeLog(count: 1_000, in: environment, other)
        for keys in [1...count, (count / 3 + 1)...(count / 2 + 1)] {
            let (walked, lookedUp, couldWalk) = try environment.read { transaction in
                (
                    try ConsecutiveKeyPages(log, keys: keys, in: transaction, walkingTheTree: true).pages,
                    try ConsecutiveKeyPages(log, keys: keys, in: transaction, walkingTheTree: false).pages,
                    try ConsecutiveKeyPages.leavesWalkingTheTree(of: log, keys: keys, pageSize: Int(getpagesize()), in: transaction) != nil
                )
            }
            // A tree of one leaf has no branch page to walk: its leaf is looked up.
            #expect(couldWalk == (count > 1), "the tree was walked, not looked up page by page")
            #expect(walked.map(\.firstKey) == lookedUp.map(\.firstKey), "\(keys)")
            #expect(walked.map(\.keyCount) == lookedUp.map(\.keyCount))
            #expect(walked.map(\.pageNumber) == lookedUp.map(\.pageNumber))
            if count > 10_000 { #expect(walked.count > 100) }
        }
    }

    @Test func staysRightAfterAppendsCopyTheLastPagesAndTheMapGrows() throws {
        let directory = try TemporaryDirectory()
        var configuration = Environment.Configuration()
        configuration.mapSize = 1 << 20
        let environment = try Environment.open(path: directory.path, configuration: configuration)
        let log = try environment.openDatabase(named: "log", options: .create)
        try makeLog(count: 3_000, in: environment, log)
        let pages = try environment.read { try ConsecutiveKeyPages(log, keys: 1...3_000, in: $0) }
        // Appends copy the tree's last pages, freeing the old copies for reuse; enough of them
        // also grow the map, which moves it.
        for batch in 0..<20 {
            try makeLog(count: 500, from: 3_001 + UInt64(batch) * 500, in: environment, log)
        }
        let keys = Array(stride(from: UInt64(1), through: 13_000, by: 3))
        let (values, throughIndex) = try read(keys, with: pages, in: environment, log)
        for (key, value) in zip(keys, values) {
            #expect(value == Self.value(key, bigEvery: 0), "key \(key)")
        }
        #expect(throughIndex > 0)
    }

    /// Touching the indexed pages reads one byte in sixteen pages of the map (each page starts
    /// with its number, so the bytes are those numbers' low bytes) and leaves every value as
    /// the pages give it; an empty index touches nothing.
    @Test func touchingThePagesReadsThemAndChangesNothing() throws {
        let directory = try TemporaryDirectory()
        let environment = try Environment.open(path: directory.path)
        let log = try environment.openDatabase(named: "log", options: .create)
        try makeLog(count: 20_000, in: environment, log)
        let pages = try environment.read { try ConsecutiveKeyPages(log, keys: 1...20_000, in: $0) }
        let expected = pages.pages.reduce(into: (sum: 0, chunk: UInt64.max)) { state, page in
            guard page.pageNumber / 16 != state.chunk else { return }
            state = (state.sum + Int(UInt8(truncatingIfNeeded: page.pageNumber)), page.pageNumber / 16)
        }.sum
        #expect(try environment.read { try pages.touch(in: log, $0) } == expected)
        #expect(try environment.read { try ConsecutiveKeyPages().touch(in: log, $0) } == 0)
        let keys = Array(stride(from: UInt64(1), through: 20_000, by: 7))
        let (values, throughIndex) = try read(keys, with: pages, in: environment, log)
        #expect(values == keys.map { Self.value($0, bigEvery: 0) })
        #expect(throughIndex > keys.count * 9 / 10)
    }

    @Test func aWriteTransactionOrAnEmptyDatabaseReadsThroughTheCursor() throws {
        let directory = try TemporaryDirectory()
        let environment = try Environment.open(path: directory.path)
        let log = try environment.openDatabase(named: "log", options: .create)
        let empty = try environment.read { try ConsecutiveKeyPages(log, keys: 1...10, in: $0) }
        #expect(empty.pageCount == 0)
        try makeLog(count: 2_000, in: environment, log)
        let fromWrite = try environment.write { try ConsecutiveKeyPages(log, keys: 1...2_000, in: $0) }
        #expect(fromWrite.pageCount == 0)
        let (values, throughIndex) = try read([1, 500, 1_999, 2_000, 2_001], with: empty, in: environment, log)
        #expect(values == [Self.value(1, bigEvery: 0), Self.value(500, bigEvery: 0), Self.value(1_999, bigEvery: 0), Self.value(2_000, bigEvery: 0), nil])
        #expect(throughIndex == 0)
    }
}
