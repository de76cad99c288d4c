import Crypto
import Foundation
import HomewardLMDB
import HomewardStore
import HomewardTesting
import Testing

struct KeyStoreTests {
    private func bytes(_ key: SymmetricKey?) -> [UInt8]? { key?.withUnsafeBytes { Array($0) } }

    @Test func keysAreMadeOnceKeptAcrossOpensAndNeverStoredInTheClear() throws {
        let directory = try TemporaryDirectory()
        let path = directory.appending("keys")
        let made = try KeyStore(path: path).keys(creating: ["person:P1", "case:HZ-1"])
        #expect(made.count == 2)
        #expect(bytes(made["person:P1"]) != bytes(made["case:HZ-1"]))
        let again = try KeyStore(path: path)
        #expect(bytes(try again.key("person:P1")) == bytes(made["person:P1"]))
        #expect(bytes(try again.keys(creating: ["person:P1"])["person:P1"]) == bytes(made["person:P1"]), "an existing key is not replaced")
        #expect(try again.key("person:unknown") == nil)
        #expect(try again.count() == 2)
        let data = try Data(contentsOf: URL(fileURLWithPath: path + "/data.mdb"))
        #expect(data.range(of: Data(bytes(made["person:P1"])!)) == nil, "keys are stored wrapped")
        for file in ["data.mdb", "lock.mdb", "master.key"] {
            let mode = try FileManager.default.attributesOfItem(atPath: path + "/" + file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file)")
        }
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o700)
    }

    @Test func aDestroyedKeyIsGoneAndTheMasterKeyThatWrappedItToo() throws {
        let directory = try TemporaryDirectory()
        let path = directory.appending("keys")
        let keys = try KeyStore(path: path)
        _ = try keys.keys(creating: (0..<50).map { "person:P\($0)" })
        let kept = bytes(try keys.key("person:P7"))
        let oldMaster = try Data(contentsOf: URL(fileURLWithPath: path + "/master.key"))
        #expect(try keys.destroy(["person:P3", "person:never"]) == ["person:P3"])
        #expect(try keys.key("person:P3") == nil)
        #expect(bytes(try keys.key("person:P7")) == kept, "other keys survive the rotation")
        #expect(try KeyStore(path: path).key("person:P3") == nil)
        // The old master key, which could unwrap stale copies of P3's key, is nowhere on disk.
        for file in try FileManager.default.contentsOfDirectory(atPath: path) {
            let contents = try Data(contentsOf: URL(fileURLWithPath: path + "/" + file))
            #expect(contents.range(of: oldMaster) == nil, "\(file) still holds the old master key")
        }
        #expect(!FileManager.default.fileExists(atPath: path + "/master.key.next"))
        // Made again, it is a new key: what the old one sealed stays unreadable.
        #expect(try keys.keys(creating: ["person:P3"])["person:P3"] != nil)
    }

    @Test func aRotationInterruptedByACrashIsFinishedAtTheNextOpen() throws {
        let directory = try TemporaryDirectory()
        let path = directory.appending("keys")
        let keys = try KeyStore(path: path)
        _ = try keys.keys(creating: ["person:A", "person:B"])
        let a = bytes(try keys.key("person:A"))
        let before = try Data(contentsOf: URL(fileURLWithPath: path + "/master.key"))
        try keys.destroy(["person:B"])
        let after = try Data(contentsOf: URL(fileURLWithPath: path + "/master.key"))
        // As if the process died after the commit and before the new master key took the old
        // one's place: the new one is still master.key.next.
        try after.write(to: URL(fileURLWithPath: path + "/master.key.next"))
        try before.write(to: URL(fileURLWithPath: path + "/master.key"))
        let reopened = try KeyStore(path: path)
        #expect(bytes(try reopened.key("person:A")) == a)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path + "/master.key")) == after)
        #expect(!FileManager.default.fileExists(atPath: path + "/master.key.next"))
        // A rotation that never committed leaves a stray next key: it is thrown away.
        try Data((0..<32).map { UInt8($0) }).write(to: URL(fileURLWithPath: path + "/master.key.next"))
        #expect(bytes(try KeyStore(path: path).key("person:A")) == a)
        #expect(!FileManager.default.fileExists(atPath: path + "/master.key.next"))
    }

    /// Two openers of one key store (as two processes would be): a key one destroys stops
    /// opening in the other at once, and keys the other makes after the rotation are wrapped
    /// under the new master key.
    @Test func aKeyDestroyedByAnotherOpenerStopsOpeningAtOnce() throws {
        let directory = try TemporaryDirectory()
        let path = directory.appending("keys")
        let first = try KeyStore(path: path)
        let second = try KeyStore(path: path)
        _ = try first.keys(creating: ["person:A", "person:B"])
        #expect(try second.key("person:A") != nil, "the second opener reads (and caches) the key")
        try first.destroy(["person:A"])
        #expect(try second.key("person:A") == nil, "a cached key is dropped when another opener destroys keys")
        let made = try second.keys(creating: ["person:C"])
        #expect(bytes(try first.key("person:C")) == bytes(made["person:C"]))
        #expect(bytes(try KeyStore(path: path).key("person:B")) == bytes(try first.key("person:B")))
    }

    /// Keys read before are answered from memory while nothing is committed to the key store;
    /// a destruction by another process is a commit, so the key stops opening at once, and keys
    /// it left alone still open.
    @Test func aKeyDestroyedByAnotherProcessStopsOpeningAtOnce() throws {
        let directory = try TemporaryDirectory()
        let path = directory.appending("keys")
        let keys = try KeyStore(path: path)
        let made = try keys.keys(creating: ["person:A", "person:B"])
        for _ in 0..<3 {
            #expect(bytes(try keys.key("person:A")) == bytes(made["person:A"]))
        }
        let probe = try ProbeProcess(["destroy-keys", path, "person:A"])
        #expect(probe.waitUntilExit() == 0, "\(probe.errorOutput)")
        #expect(probe.lines == ["destroyed person:A"])
        #expect(try keys.key("person:A") == nil, "a key in memory is not used after another process destroyed it")
        #expect(bytes(try keys.key("person:B")) == bytes(made["person:B"]))
        #expect(bytes(try keys.keys(creating: ["person:B"])["person:B"]) == bytes(made["person:B"]))
        let remade = try keys.keys(creating: ["person:A"])["person:A"]
        #expect(remade != nil && bytes(remade) != bytes(made["person:A"]), "a destroyed key is made anew, never the old one")
    }

    /// Keys made by a write are answered from memory after it; a write that made none (every
    /// key existed) commits nothing, so the next commit, a destruction by another process, must
    /// not be taken for it.
    @Test func keysAreCurrentAfterTheWriteThatMadeThemAndOnlyThen() throws {
        let directory = try TemporaryDirectory()
        let path = directory.appending("keys")
        let names = (0..<100).map { "person:P\($0)" }
        let keys = try KeyStore(path: path)
        let made = try keys.keys(creating: names)
        let other = try KeyStore(path: path)
        let found = try other.keys(creating: names)
        #expect(names.allSatisfy { bytes(found[$0]) == bytes(made[$0]) }, "existing keys are read, not made again")
        let probe = try ProbeProcess(["destroy-keys", path, "person:P0"])
        #expect(probe.waitUntilExit() == 0, "\(probe.errorOutput)")
        for (index, store) in [keys, other].enumerated() {
            #expect(try store.key("person:P0") == nil, "a destroyed key never opens again (store \(index))")
            #expect(bytes(try store.key("person:P1")) == bytes(made["person:P1"]))
        }
        let again = try keys.keys(creating: ["person:P0", "person:P2"])
        #expect(bytes(again["person:P0"]) != bytes(made["person:P0"]), "a destroyed key is made anew")
        #expect(bytes(again["person:P2"]) == bytes(made["person:P2"]))
        #expect(bytes(try other.key("person:P0")) == bytes(again["person:P0"]), "and the other opener reads the new one")
    }

    /// The random bytes of many new keys are drawn at once: each key must still be its own, and
    /// open again from the store.
    @Test func keysMadeTogetherAreEachTheirOwn() throws {
        let directory = try TemporaryDirectory()
        let path = directory.appending("keys")
        let names = (0..<200).map { "person:P\($0)" }
        let made = try KeyStore(path: path).keys(creating: names)
        #expect(Set(made.names.map { bytes(made[$0])! }).count == names.count)
        let reopened = try KeyStore(path: path)
        for name in names { #expect(bytes(try reopened.key(name)) == bytes(made[name])) }
        // Many names not in memory, some of them existing: those are read, not made again.
        let more = names.prefix(100) + (200..<300).map { "person:P\($0)" }
        let mixed = try KeyStore(path: path).keys(creating: more)
        for name in names.prefix(100) { #expect(bytes(mixed[name]) == bytes(made[name])) }
        #expect(Set(mixed.names.map { bytes(mixed[$0])! }).count == 200)
        #expect(try KeyStore(path: path).count() == 300)
        // Each key is wrapped under its own nonce (drawn for all of them at once), also when a
        // destruction wraps every remaining key anew.
        func wrappingNonces() throws -> [[UInt8]] {
            let environment = try Environment.open(path: path)
            let keys = try environment.openDatabase(named: "keys")
            return try environment.read { transaction in
                var nonces: [[UInt8]] = []
                let cursor = try transaction.cursor(keys)
                var entry = try cursor.first()
                while let current = entry {
                    nonces.append(Array(current.value.prefix(12)))
                    entry = try cursor.next()
                }
                return nonces
            }
        }
        #expect(Set(try wrappingNonces()).count == 300)
        try KeyStore(path: path).destroy(["person:P0"])
        #expect(Set(try wrappingNonces()).count == 299)
        #expect(bytes(try KeyStore(path: path).key("person:P1")) == bytes(made["person:P1"]))
    }

    /// A key is its name's bytes: `person:José` written with a composed `é` and with `e` and a
    /// combining accent are two persons' keys, though Swift holds the two names equal. Kept in a
    /// table keyed by `String`, one person's fields were sealed under the other's key (and that
    /// key never made), and destroying one name's key left the other's.
    @Test func namesThatSwiftHoldsEqualButWrittenDifferentlyAreTwoKeys() throws {
        let directory = try TemporaryDirectory()
        let path = directory.appending("keys")
        let (composed, decomposed) = ("person:Jos\u{E9}", "person:Jose\u{301}")
        #expect(composed == decomposed, "Swift holds them equal")
        let keys = try KeyStore(path: path)
        let made = try keys.keys(creating: [composed, decomposed])
        #expect(made.count == 2)
        #expect(made.names == [decomposed, composed], "in byte order: e (0x65) before é (0xC3 0xA9)")
        #expect(bytes(made[composed]) != nil && bytes(made[decomposed]) != nil)
        #expect(bytes(made[composed]) != bytes(made[decomposed]))
        #expect(try keys.count() == 2)
        // Answered from memory, and read by another opener, each name gives its own key.
        #expect(bytes(try keys.key(decomposed)) == bytes(made[decomposed]))
        let other = try KeyStore(path: path)
        #expect(bytes(try other.key(composed)) == bytes(made[composed]))
        #expect(bytes(try other.key(decomposed)) == bytes(made[decomposed]))
        #expect(bytes(try other.keys(creating: [decomposed])[decomposed]) == bytes(made[decomposed]))
        // Destroying one leaves the other; destroying both by two names destroys both.
        #expect(try keys.destroy([composed]) == [composed])
        #expect(try keys.key(composed) == nil)
        #expect(bytes(try keys.key(decomposed)) == bytes(made[decomposed]))
        #expect(try other.key(composed) == nil)
        #expect(bytes(try other.key(decomposed)) == bytes(made[decomposed]))
        _ = try keys.keys(creating: [composed])
        #expect(try keys.destroy([composed, decomposed]) == [decomposed, composed])
        #expect(try keys.count() == 0)
    }

    @Test func aWrongOrMissingMasterKeyIsAClearError() throws {
        let directory = try TemporaryDirectory()
        let path = directory.appending("keys")
        _ = try KeyStore(path: path).keys(creating: ["person:A"])
        try Data(repeating: 7, count: 32).write(to: URL(fileURLWithPath: path + "/master.key"))
        #expect {
            _ = try KeyStore(path: path).key("person:A")
        } throws: { error in
            guard let error = error as? EventStoreError else { return false }
            return error.code == .keyStore && error.message.contains("master key") && error.message.contains("master.key")
        }
    }
}
