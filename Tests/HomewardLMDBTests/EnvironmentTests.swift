import Foundation
import HomewardLMDB
import HomewardTesting
import Testing

struct EnvironmentTests {
    @Test func writeCommitsOnReturnAndAbortsOnThrow() throws {
        let directory = try TemporaryDirectory()
        let environment = try Environment.open(path: directory.path)
        let database = try environment.openDatabase(named: "things", options: .create)
        try environment.write { try $0.put(database, key: Array("kept".utf8), value: [1, 2, 3]) }
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try environment.write { transaction in
                try transaction.put(database, key: Array("dropped".utf8), value: [9])
                throw Stop()
            }
        }
        try environment.read { transaction throws in
            #expect(try transaction.get(database, key: Array("kept".utf8)) == [1, 2, 3])
            #expect(try transaction.get(database, key: Array("dropped".utf8)) == nil)
        }
    }

    @Test func secondOpenOfTheSamePathSharesTheEnvironment() throws {
        let directory = try TemporaryDirectory()
        let first = try Environment.open(path: directory.path)
        let second = try Environment.open(path: directory.path + "/.")
        let database = try first.openDatabase(named: "shared", options: .create)
        try first.write { try $0.put(database, key: [1], value: [42]) }
        let seen = try second.read { try $0.get(database, key: [1]) }
        #expect(seen == [42])
        #expect(first.path == second.path)
        var readOnly = Environment.Configuration()
        readOnly.readOnly = true
        #expect(throws: LMDBError.self) { try Environment.open(path: directory.path, configuration: readOnly) }
    }

    /// What a cache of values read from the environment relies on: the last committed id
    /// changes with every commit (not with an aborted write), and a read transaction's id is the
    /// last committed id when it began.
    @Test func lastCommittedTransactionIDMovesWithEveryCommitOnly() throws {
        let directory = try TemporaryDirectory()
        let environment = try Environment.open(path: directory.path)
        let database = try environment.openDatabase(named: "things", options: .create)
        let before = environment.lastCommittedTransactionID
        #expect(try environment.read { $0.id } == before)
        let writeID = try environment.write { transaction in
            try transaction.put(database, key: [1], value: [1])
            return transaction.id
        }
        #expect(environment.lastCommittedTransactionID == writeID)
        #expect(writeID > before)
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try environment.write { transaction in
                try transaction.put(database, key: [2], value: [2])
                throw Stop()
            }
        }
        #expect(environment.lastCommittedTransactionID == writeID, "an aborted write commits nothing")
        #expect(try environment.read { $0.id } == writeID)
        #expect(environment.info.lastTransactionID == writeID)
    }

    @Test func noOverwriteReportsKeyExistsWithTheOperation() throws {
        let directory = try TemporaryDirectory()
        let environment = try Environment.open(path: directory.path)
        let database = try environment.openDatabase(named: "unique", options: .create)
        try environment.write { try $0.put(database, key: [7], value: [1], options: .noOverwrite) }
        do {
            try environment.write { try $0.put(database, key: [7], value: [2], options: .noOverwrite) }
            Issue.record("a second put under noOverwrite succeeded")
        } catch LMDBError.keyExists {
            // expected
        }
        let error = #expect(throws: LMDBError.self) {
            try environment.write { try $0.put(database, key: [7], value: [2], options: .noOverwrite) }
        }
        #expect(error?.code == .keyExists)
        #expect(error?.operation == "mdb_put")
        #expect(error?.description.contains("MDB_KEYEXIST") == true)
    }

    /// A put if absent stores a new key, and hands back the value of a key already there
    /// (leaving it as it was, the cursor on it for a put of the current entry).
    @Test func putIfAbsentStoresNewKeysAndHandsBackStoredValues() throws {
        let directory = try TemporaryDirectory()
        let environment = try Environment.open(path: directory.path)
        let database = try environment.openDatabase(named: "buckets", options: .create)
        try environment.write { transaction in
            let cursor = try transaction.cursor(database)
            let stored = try [UInt8]([1, 2]).withUnsafeBytes { key in
                try [UInt8]([10]).withUnsafeBytes { try cursor.putIfAbsent(key: key, value: $0) }
            }
            #expect(stored == nil, "a new key is stored")
            let found = try [UInt8]([1, 2]).withUnsafeBytes { key in
                try [UInt8]([20]).withUnsafeBytes { try cursor.putIfAbsent(key: key, value: $0).map { Array($0) } }
            }
            #expect(found == [10], "a stored key hands back its value")
            try [UInt8]([1, 2]).withUnsafeBytes { key in
                try [UInt8]([11, 12]).withUnsafeBytes { try cursor.put(key: key, value: $0, options: .current) }
            }
        }
        #expect(try environment.read { try $0.get(database, key: [1, 2]) } == [11, 12])
        #expect(try environment.read { try $0.count(database) } == 1)
    }

    @Test func appendRefusesKeysOutOfOrder() throws {
        let directory = try TemporaryDirectory()
        let environment = try Environment.open(path: directory.path)
        let database = try environment.openDatabase(named: "log", options: .create)
        try environment.write { transaction in
            try transaction.put(database, key: [0, 2], value: [1], options: .append)
            #expect(throws: LMDBError.self) { try transaction.put(database, key: [0, 1], value: [1], options: .append) }
        }
    }

    @Test func cursorWalksKeysInByteOrder() throws {
        let directory = try TemporaryDirectory()
        let environment = try Environment.open(path: directory.path)
        let database = try environment.openDatabase(named: "ordered", options: .create)
        try environment.write { transaction in
            for value in [300, 2, 70_000, 1] as [UInt64] {
                try transaction.put(database, key: withUnsafeBytes(of: value.bigEndian) { Array($0) }, value: [])
            }
        }
        let keys = try environment.read { transaction -> [UInt64] in
            let cursor = try transaction.cursor(database)
            var keys: [UInt64] = []
            var entry = try cursor.first()
            while let current = entry {
                keys.append(UInt64(bigEndian: current.key.loadUnaligned(as: UInt64.self)))
                entry = try cursor.next()
            }
            return keys
        }
        #expect(keys == [1, 2, 300, 70_000])
        let found = try environment.read { transaction -> UInt64? in
            let cursor = try transaction.cursor(database)
            return try cursor.seek(atLeast: withUnsafeBytes(of: UInt64(3).bigEndian) { Array($0) })
                .map { UInt64(bigEndian: $0.key.loadUnaligned(as: UInt64.self)) }
        }
        #expect(found == 300)
    }

    @Test func mapGrowsWhenAWriteFillsIt() throws {
        let directory = try TemporaryDirectory()
        var configuration = Environment.Configuration()
        configuration.mapSize = 1 << 20
        configuration.durability = .relaxed
        let environment = try Environment.open(path: directory.path, configuration: configuration)
        let database = try environment.openDatabase(named: "big", options: .create)
        let value = [UInt8](repeating: 0xab, count: 4000)
        // One transaction of 8 MB: larger than the whole first map, so it must retry after growth.
        try environment.write { transaction in
            for index in 0..<2000 as Range<UInt64> {
                try transaction.put(database, key: withUnsafeBytes(of: index.bigEndian) { Array($0) }, value: value)
            }
        }
        #expect(environment.info.mapSize > 8 << 20)
        #expect(try environment.read { try $0.count(database) } == 2000)
    }

    @Test func garbageFileIsNotAnEnvironment() throws {
        let directory = try TemporaryDirectory()
        try Data(repeating: 0x5a, count: 64 * 1024).write(to: URL(fileURLWithPath: directory.appending("data.mdb")))
        let error = #expect(throws: LMDBError.self) { try Environment.open(path: directory.path) }
        #expect(error?.code == .invalidFile)
    }

    @Test func transactionCannotBeUsedAfterItsClosure() throws {
        let directory = try TemporaryDirectory()
        let environment = try Environment.open(path: directory.path)
        let database = try environment.openDatabase(named: "escape", options: .create)
        let escaped = try environment.read { $0 }
        let error = #expect(throws: LMDBError.self) { try escaped.get(database, key: [1]) }
        #expect(error?.code == .badTransaction)
    }
}
