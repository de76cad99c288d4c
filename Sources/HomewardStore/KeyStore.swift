public import Crypto
import Foundation
import HomewardLMDB
import Synchronization

/// Data keys for crypto-shredding, kept apart from the log in their own LMDB environment.
///
/// Each key has a name the caller chooses (Homeward uses `person:<id>` and `case:<id>`) and is a
/// 256-bit AES key. Personal fields are sealed with it before they reach the log; destroying the
/// key makes them unreadable for good while the log, and its hash chain, stay as they were.
///
/// On disk a key never appears in the clear: every key is stored wrapped (AES-GCM) with the key
/// store's master key, which lives in the file `master.key` beside the environment. Because LMDB
/// copies pages on write, a deleted entry may survive in a freed page; so ``destroy(_:)`` also
/// rotates the master key: it wraps every remaining key with a new master key and overwrites the
/// old one. A destroyed key's old wrapped bytes may linger, but nothing can unwrap them.
///
/// The directory and its files are created readable and writable by their owner only. Several
/// processes may share a key store: each checks, in every transaction, which master key is
/// current, and a key destroyed by another process stops opening at once.
///
/// ```swift
/// let keys = try KeyStore(path: "/var/lib/relief/keys")
/// let key = try keys.keys(creating: ["person:P42"])["person:P42"]!
/// try keys.destroy(["person:P42"])
/// try keys.key("person:P42")  // nil: whatever was sealed with it is unreadable for good
/// ```
public final class KeyStore: Sendable {
    /// The canonical path of the key store's directory.
    public let path: String
    let environment: Environment
    private let wrapped: Database
    private let meta: Database
    private let masterKeys: MasterKeyFiles
    private let state: Mutex<State>

    // Keys are held as bytes: SymmetricKey is not Sendable.
    private struct State {
        var master: [UInt8]
        var fingerprint: [UInt8]
        var generation: UInt64
        /// Keys by their names' bytes, as the store keeps them: names that Swift holds equal
        /// but that are written differently name two keys.
        var cache: [BytewiseString: [UInt8]] = [:]
        /// The id of a transaction of the key store as of which `cache` holds no destroyed key
        /// and `generation` is current: while it is the last one committed, the cache is used
        /// without a transaction. `-1`: not known.
        var currentAsOf = -1
    }

    private static let fingerprintKey = Array("fingerprint".utf8)
    private static let generationKey = Array("generation".utf8)

    /// Opens the key store in a directory, creating it (and its master key) when it does not exist.
    /// - Parameter path: The directory. It holds `data.mdb`, `lock.mdb` and `master.key`; keep it
    ///   apart from the event store, and back it up apart from it.
    /// - Throws: ``EventStoreError`` with code ``EventStoreError/Code/cannotOpen`` when the
    ///   directory cannot be used, or ``EventStoreError/Code/keyStore`` when the master key is
    ///   missing or does not belong to the stored keys.
    public init(path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw EventStoreError(.cannotOpen, "cannot create the key store directory \(path): \(error.localizedDescription)")
        }
        var configuration = Environment.Configuration()
        configuration.mapSize = 64 << 20
        configuration.maxDatabases = 4
        let environment: Environment
        do {
            environment = try Environment.open(path: path, configuration: configuration)
        } catch {
            throw EventStoreError(.cannotOpen, "cannot open the key store at \(path)", underlying: "\(error)")
        }
        self.environment = environment
        self.path = environment.path
        masterKeys = MasterKeyFiles(directory: environment.path)
        let databases = try KeyStore.storageErrors("open the key store") {
            (try environment.openDatabase(named: "keys", options: .create), try environment.openDatabase(named: "meta", options: .create))
        }
        wrapped = databases.0
        meta = databases.1
        let masterKeys = self.masterKeys
        let meta = self.meta
        let current = try KeyStore.storageErrors("open the key store") {
            try environment.write { transaction -> State in
                if let stored = try transaction.get(meta, key: KeyStore.fingerprintKey) {
                    let master = try masterKeys.load(matching: stored)
                    let generation = try transaction.get(meta, key: KeyStore.generationKey).map(KeyStore.number) ?? 0
                    return State(master: KeyStore.bytes(of: master), fingerprint: stored, generation: generation)
                }
                // A new key store: its first master key (or one left by a crash before this commit).
                let master = try masterKeys.loadAny() ?? masterKeys.create()
                let fingerprint = MasterKeyFiles.fingerprint(of: master)
                try transaction.put(meta, key: KeyStore.fingerprintKey, value: fingerprint)
                try transaction.put(meta, key: KeyStore.generationKey, value: KeyStore.bytes(0))
                return State(master: KeyStore.bytes(of: master), fingerprint: fingerprint, generation: 0)
            }
        }
        state = Mutex(current)
    }

    /// The key with a name, or `nil` when it was destroyed or never made.
    ///
    /// A key read before is answered from memory, without a transaction, while nothing has been
    /// committed to the key store since the keys in memory were last checked (by any process:
    /// a destruction is a commit); otherwise the key store is read again.
    /// - Parameter name: The key's name.
    /// - Returns: The key.
    /// - Throws: ``EventStoreError`` when the key store cannot be read.
    public func key(_ name: String) throws -> SymmetricKey? {
        let name = BytewiseString(name)
        if let cached = cachedIfCurrent(name) { return SymmetricKey(data: cached) }
        return try lookUp([name])[name].map { SymmetricKey(data: $0) }
    }

    /// The keys with these names, making those that do not exist yet, in one durable commit.
    ///
    /// A key that was destroyed is made anew: what was sealed with the old one stays unreadable.
    /// - Parameter names: The keys' names.
    /// - Returns: Every named key, found by its name's bytes: names that Swift holds equal but
    ///   that are written differently (a composed accent, or a letter and a combining accent)
    ///   name two keys, as they do in the store.
    /// - Throws: ``EventStoreError`` when the key store cannot be written.
    public func keys(creating names: some Sequence<String>) throws -> Keys {
        var found: [BytewiseString: [UInt8]] = [:]
        var uncached: [BytewiseString] = []
        for name in Set(names.map { BytewiseString($0) }) {
            if let cached = cachedIfCurrent(name) { found[name] = cached } else { uncached.append(name) }
        }
        // The names not in memory, read in one transaction (one per name was a tenth of a
        // sealed import's appending thread). Many of them (an import's batch, of new persons
        // mostly) go straight to the write, which reads those that exist.
        let read = uncached.isEmpty || uncached.count > KeyStore.namesLookedUpBeforeWriting ? [:] : try lookUp(uncached)
        found.merge(read) { first, _ in first }
        let missing = uncached.filter { read[$0] == nil }
        guard !missing.isEmpty else { return Keys(bytes: found) }
        let made = try KeyStore.storageErrors("make keys") {
            try environment.write { transaction -> (keys: [BytewiseString: [UInt8]], generation: UInt64, committedAs: Int?) in
                let generation = try transaction.get(meta, key: KeyStore.generationKey).map(KeyStore.number) ?? 0
                try refresh(in: transaction, generation: generation)
                let master = SymmetricKey(data: state.withLock { $0.master })
                var made: [BytewiseString: [UInt8]] = [:]
                var wroteAny = false
                // Each new key and the nonce that wraps it, drawn for all of them at once.
                let random = RandomBytes.make(missing.count * KeyStore.randomBytesPerKey)
                for (index, name) in missing.enumerated() {
                    if let sealed = try transaction.get(wrapped, key: Array(name.string.utf8)) {
                        made[name] = KeyStore.bytes(of: try KeyStore.unwrap(sealed, name: name.string, with: master))
                        continue
                    }
                    let drawn = random[(index * KeyStore.randomBytesPerKey)...].prefix(KeyStore.randomBytesPerKey)
                    let key = SymmetricKey(data: drawn.prefix(32))
                    let nonce = try AES.GCM.Nonce(data: drawn.suffix(12))
                    try transaction.put(wrapped, key: Array(name.string.utf8), value: try KeyStore.wrap(key, name: name.string, with: master, nonce: nonce))
                    made[name] = KeyStore.bytes(of: key)
                    wroteAny = true
                }
                // A write that puts nothing commits nothing, and its id is then the next commit's,
                // whoever makes it: only a write that put keys is known by its id.
                return (made, generation, wroteAny ? transaction.id : nil)
            }
        }
        state.withLock { state in
            // Kept only if no destruction came in between: it may have destroyed one of them.
            guard state.generation == made.generation else { return }
            for (name, key) in made.keys { state.cache[name] = key }
            // The keys in memory are current as of this commit (its transaction read the
            // generation they were kept under): an import's next batch, whose persons mostly
            // have keys already, uses them without reading and unwrapping each one again.
            if let committed = made.committedAs { state.currentAsOf = max(state.currentAsOf, committed) }
        }
        found.merge(made.keys) { first, _ in first }
        return Keys(bytes: found)
    }

    /// Up to this many names not in memory are looked up in a read transaction before a write
    /// is begun for those missing; more go straight to the write (which commits nothing, and
    /// syncs nothing, when they all exist).
    static let namesLookedUpBeforeWriting = 64

    /// A key's bytes from memory, when nothing was committed since the keys in memory were last
    /// known to hold no destroyed key.
    private func cachedIfCurrent(_ name: BytewiseString) -> [UInt8]? {
        let lastCommitted = environment.lastCommittedTransactionID
        return state.withLock { $0.currentAsOf == lastCommitted ? $0.cache[name] : nil }
    }

    /// The existing keys among these names, read in one transaction (and kept in memory).
    private func lookUp(_ names: [BytewiseString]) throws -> [BytewiseString: [UInt8]] {
        try KeyStore.storageErrors("read a key") {
            while true {
                let found = try environment.read { transaction -> [BytewiseString: [UInt8]]? in
                    let generation = try transaction.get(meta, key: KeyStore.generationKey).map(KeyStore.number) ?? 0
                    try refresh(in: transaction, generation: generation)
                    // The memory is current as of this transaction, unless a destruction after
                    // it was already seen: then this transaction is stale, and read again.
                    // Only the names asked for are taken from the cache: a copy of the whole
                    // cache held here would make the next change to it copy every key.
                    let known = state.withLock { state -> (master: [UInt8], cached: [BytewiseString: [UInt8]])? in
                        guard state.generation == generation else { return nil }
                        state.currentAsOf = max(state.currentAsOf, transaction.id)
                        var cached: [BytewiseString: [UInt8]] = [:]
                        for name in names { if let key = state.cache[name] { cached[name] = key } }
                        return (state.master, cached)
                    }
                    guard let known else { return nil }
                    var found = known.cached
                    var read: [BytewiseString: [UInt8]] = [:]
                    let master = SymmetricKey(data: known.master)
                    for name in names where found[name] == nil {
                        if let sealed = try transaction.get(wrapped, key: Array(name.string.utf8)) {
                            let key = KeyStore.bytes(of: try KeyStore.unwrap(sealed, name: name.string, with: master))
                            found[name] = key
                            read[name] = key
                        }
                    }
                    if !read.isEmpty {
                        state.withLock { state in
                            guard state.generation == generation else { return }
                            state.cache.merge(read) { first, _ in first }
                        }
                    }
                    return found
                }
                if let found { return found }
            }
        }
    }

    /// Destroys keys for good: whatever was sealed with them can never be read again.
    ///
    /// The keys are deleted and every remaining key is wrapped with a new master key in one
    /// durable commit; then the old master key is overwritten. A crash at any point leaves either
    /// the old state or the new one, never a key store whose keys cannot be read.
    /// - Parameter names: The keys' names; names without a key are ignored.
    /// - Returns: The names whose keys existed and are now destroyed, in the byte order of their
    ///   UTF-8 (two names that Swift holds equal but that are written differently are two keys).
    /// - Throws: ``EventStoreError`` when the key store cannot be written.
    @discardableResult
    public func destroy(_ names: some Sequence<String>) throws -> [String] {
        // By their bytes: two names that Swift holds equal are two keys, both destroyed.
        let names = Set(names.map { BytewiseString($0) })
        let next = SymmetricKey(size: .bits256)
        try masterKeys.writeNext(next)
        let outcome: (destroyed: [String], generation: UInt64)
        do {
            outcome = try KeyStore.storageErrors("destroy keys") {
                try environment.write { transaction -> ([String], UInt64) in
                    let generation = try transaction.get(meta, key: KeyStore.generationKey).map(KeyStore.number) ?? 0
                    try refresh(in: transaction, generation: generation)
                    let master = SymmetricKey(data: state.withLock { $0.master })
                    var destroyed: [String] = []
                    for name in names.sorted() where try transaction.delete(wrapped, key: Array(name.string.utf8)) {
                        destroyed.append(name.string)
                    }
                    var remaining: [(name: [UInt8], value: [UInt8])] = []
                    let cursor = try transaction.cursor(wrapped)
                    var entry = try cursor.first()
                    while let (key, value) = entry {
                        remaining.append((Array(key), Array(value)))
                        entry = try cursor.next()
                    }
                    // The nonces of every key wrapped anew, drawn at once.
                    let nonces = RandomBytes.make(remaining.count * 12)
                    var rewrapped: [(name: [UInt8], value: [UInt8])] = []
                    for (index, (key, value)) in remaining.enumerated() {
                        let name = String(decoding: key, as: UTF8.self)
                        let dataKey = try KeyStore.unwrap(value, name: name, with: master)
                        let nonce = try AES.GCM.Nonce(data: nonces[(index * 12)..<(index * 12 + 12)])
                        rewrapped.append((key, try KeyStore.wrap(dataKey, name: name, with: next, nonce: nonce)))
                    }
                    for (name, value) in rewrapped { try transaction.put(wrapped, key: name, value: value) }
                    try transaction.put(meta, key: KeyStore.fingerprintKey, value: MasterKeyFiles.fingerprint(of: next))
                    try transaction.put(meta, key: KeyStore.generationKey, value: KeyStore.bytes(generation + 1))
                    return (destroyed, generation + 1)
                }
            }
        } catch {
            masterKeys.discardNext()
            throw error
        }
        let nextBytes = KeyStore.bytes(of: next)
        let nextFingerprint = MasterKeyFiles.fingerprint(of: next)
        state.withLock { state in
            state.master = nextBytes
            state.fingerprint = nextFingerprint
            state.generation = outcome.generation
            state.cache = [:]
            state.currentAsOf = -1
        }
        try masterKeys.promoteNext()
        return outcome.destroyed
    }

    /// How many keys the store holds.
    public func count() throws -> Int {
        try KeyStore.storageErrors("count keys") { try environment.read { try $0.count(wrapped) } }
    }

    /// Reloads the master key when another process rotated it, and forgets cached keys when any
    /// were destroyed since they were read.
    /// A transaction older than the generation already known changes nothing.
    private func refresh(in transaction: Transaction, generation: UInt64) throws {
        let current = state.withLock { $0.generation }
        guard generation > current else { return }
        guard let stored = try transaction.get(meta, key: KeyStore.fingerprintKey) else {
            throw EventStoreError(.keyStore, "the key store at \(path) has lost its master key fingerprint")
        }
        let known = state.withLock { ($0.fingerprint, $0.master) }
        let master = known.0 == stored ? known.1 : KeyStore.bytes(of: try masterKeys.load(matching: stored))
        state.withLock { state in
            guard generation > state.generation else { return }
            state.master = master
            state.fingerprint = stored
            state.generation = generation
            state.cache = [:]
            state.currentAsOf = -1
        }
    }

    /// Random bytes a new key takes: the key, and the nonce that wraps it.
    private static let randomBytesPerKey = 32 + 12

    private static func wrap(_ key: SymmetricKey, name: String, with master: SymmetricKey, nonce: AES.GCM.Nonce) throws -> [UInt8] {
        let sealed = try key.withUnsafeBytes { bytes in
            try AES.GCM.seal(Array(bytes), using: master, nonce: nonce, authenticating: Array(name.utf8))
        }
        guard let combined = sealed.combined else {
            throw EventStoreError(.keyStore, "cannot wrap the key \(name)")
        }
        return Array(combined)
    }

    private static func unwrap(_ bytes: [UInt8], name: String, with master: SymmetricKey) throws -> SymmetricKey {
        do {
            let box = try AES.GCM.SealedBox(combined: bytes)
            return SymmetricKey(data: try AES.GCM.open(box, using: master, authenticating: Array(name.utf8)))
        } catch {
            throw EventStoreError(.keyStore, "the key \(name) does not open with the master key: the key store is damaged")
        }
    }

    private static func bytes(of key: SymmetricKey) -> [UInt8] {
        key.withUnsafeBytes { Array($0) }
    }

    private static func bytes(_ value: UInt64) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }

    private static func number(_ bytes: [UInt8]) -> UInt64 {
        bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }

    private static func storageErrors<T>(_ action: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as EventStoreError {
            throw error
        } catch {
            throw EventStoreError(.keyStore, "cannot \(action)", underlying: "\(error)")
        }
    }
}
