import HomewardLMDB

#if canImport(Glibc)
import Glibc
#endif

/// A projection's view of one write (or read) transaction: its own key-value state, and the log.
///
/// Keys and values are bytes; a projection chooses their encoding. The context is valid only
/// during the call it is passed to.
public final class ProjectionContext {
    let transaction: Transaction
    let database: Database
    let storage: LogStorage
    /// Values shared by the projections that apply the same batch in the same transaction, so
    /// work they have in common (such as folding a case) is done once. Empty outside a batch.
    public let batchCache: BatchCache
    /// The key store that opens sealed personal fields, if the store has one.
    public let keys: KeyStore?

    init(transaction: Transaction, database: Database, storage: LogStorage, keys: KeyStore?, batchCache: BatchCache = BatchCache()) {
        self.transaction = transaction
        self.database = database
        self.storage = storage
        self.keys = keys
        self.batchCache = batchCache
    }

    /// One cursor for every read and write of the context: a lookup or a put whose key sorts
    /// within the page the cursor stands on (the page of the key before, when keys come in
    /// order, or of a value just read and now replaced) searches that page only, not the tree
    /// from its root.
    private var cursor: Cursor?

    private func positioned() throws -> Cursor {
        if let cursor { return cursor }
        let made = try transaction.cursor(database)
        cursor = made
        return made
    }

    /// The value stored under a key.
    public func get(_ key: [UInt8]) throws -> [UInt8]? {
        try positioned().seek(exactly: key).map { Array($0.value) }
    }

    /// Replaces the value stored under a key by what `body` makes of it, searching the tree once:
    /// `body` is lent the stored bytes (`nil` when there are none; valid only during the call)
    /// and returns the new value, or `nil` to remove the key.
    ///
    /// ```swift
    /// try context.update(key) { stored in
    ///     let count = (stored.map { Int($0.load(as: UInt8.self)) } ?? 0) + 1
    ///     return [UInt8(count)]
    /// }
    /// ```
    /// - Parameters:
    ///   - key: The key.
    ///   - body: Makes the new value from the stored one.
    /// - Throws: What `body` throws (nothing is then changed), or a storage error.
    public func update(_ key: [UInt8], _ body: (UnsafeRawBufferPointer?) throws -> [UInt8]?) throws {
        let cursor = try positioned()
        let found = try cursor.seek(exactly: key)
        let value = try body(found?.value)
        switch (found, value) {
        case (_?, let value?):  // the cursor stands on the key
            try key.withUnsafeBytes { key in try value.withUnsafeBytes { value in try cursor.put(key: key, value: value, options: .current) } }
        case (nil, let value?):
            try put(key, value)
        case (_?, nil):
            try delete(key)
        case (nil, nil):
            break
        }
    }

    /// Stores `value` under a new key, or, when the key is already there, replaces its value by
    /// what `merge` makes of it; one search of the tree either way.
    ///
    /// Meant for writes where most keys are new, such as a rebuild's buckets: ``update(_:_:)``
    /// looks the key up and then puts, two searches, and makes the value of a new key in the
    /// writing thread. Here the value of a new key is made beforehand (by a folding thread).
    ///
    /// ```swift
    /// try context.insert(key, fresh) { stored in
    ///     let count = Int(stored.load(as: UInt8.self)) + 1
    ///     return [UInt8(count)]
    /// }
    /// ```
    /// - Parameters:
    ///   - key: The key's bytes.
    ///   - value: The value stored if the key is new.
    ///   - merge: Makes the new value from the stored one (lent for the call), or `nil` to remove
    ///     the key.
    /// - Throws: What `merge` throws (nothing is then changed), or a storage error.
    public func insert(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer, orMerge merge: (UnsafeRawBufferPointer) throws -> [UInt8]?) throws {
        let cursor = try positioned()
        guard let stored = try cursor.putIfAbsent(key: key, value: value) else { return }
        if let merged = try merge(stored) {
            try merged.withUnsafeBytes { merged in try cursor.put(key: key, value: merged, options: .current) }
        } else {
            try delete(Array(key))
        }
    }

    /// Stores a value under a key.
    public func put(_ key: [UInt8], _ value: [UInt8]) throws {
        let cursor = try positioned()
        try key.withUnsafeBytes { key in
            try value.withUnsafeBytes { value in try cursor.put(key: key, value: value) }
        }
    }

    /// Stores a value under a key, both given as bytes (valid for the call).
    public func put(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws {
        try positioned().put(key: key, value: value)
    }

    /// Stores many values: `body` is handed a function that stores one (key and value lent for
    /// the call), through the context's cursor found once, not once per value. Meant for long
    /// runs of puts in key order, such as a rebuild's entries.
    ///
    /// ```swift
    /// try context.putting { put in
    ///     for (key, value) in entries { try key.withUnsafeBytes { key in try value.withUnsafeBytes { try put(key, $0) } } }
    /// }
    /// ```
    /// - Parameter body: Stores the values with the function it is handed.
    /// - Throws: What `body` throws, or a storage error.
    public func putting(_ body: (_ put: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        let cursor = try positioned()
        try body { key, value in try cursor.put(key: key, value: value) }
    }

    /// Removes a key.
    public func delete(_ key: [UInt8]) throws {
        try transaction.delete(database, key: key)
    }

    /// Calls `body` with every key starting with `prefix` (every key, for an empty prefix), in
    /// key order, until it returns `false`.
    public func scan(prefix: [UInt8], _ body: (_ key: [UInt8], _ value: [UInt8]) throws -> Bool) throws {
        try walk(prefix: prefix, with: try transaction.cursor(database)) { key, value in try body(Array(key), Array(value)) }
    }

    /// ``scan(prefix:_:)`` with each key and value lent where it lies, through the context's own
    /// cursor: for scans that only read what they are handed (a rebuild makes thousands of
    /// short ones, and a cursor opened and two arrays made for each cost more than the reading).
    ///
    /// `body` must not use the context: the key and value are valid for the call only, and the
    /// cursor they come from is the one the context's other methods move.
    public func scanLent(prefix: [UInt8], _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Bool) throws {
        try walk(prefix: prefix, with: try positioned(), body)
    }

    private func walk(prefix: [UInt8], with cursor: Cursor, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Bool) throws {
        // LMDB refuses an empty key to seek to: an empty prefix starts at the first key.
        var entry = prefix.isEmpty ? try cursor.first() : try cursor.seek(atLeast: prefix)
        // The prefix compared with `memcmp` (the generic `starts(with:)` went byte by byte
        // through two iterators).
        func starts(_ key: UnsafeRawBufferPointer) -> Bool {
            key.count >= prefix.count && (prefix.isEmpty || prefix.withUnsafeBytes { memcmp(key.baseAddress!, $0.baseAddress!, prefix.count) == 0 })
        }
        while let current = entry, starts(current.key) {
            if try !body(current.key, current.value) { return }
            entry = try cursor.next()
        }
    }

    /// Every event of a stream, read in this transaction.
    public func events(in stream: StreamID) throws -> [RecordedEvent] {
        try storage.streamEvents(stream, from: 1, limit: .max, in: transaction)
    }
}

/// Values that projections applying one batch together may share; see ``ProjectionContext/batchCache``.
public final class BatchCache {
    private var values: [String: Any] = [:]

    init() {}

    /// The value stored under `key`, computed by `make` the first time.
    public func value<T>(_ key: String, _ make: () throws -> T) rethrows -> T {
        if let found = values[key] as? T { return found }
        let made = try make()
        values[key] = made
        return made
    }
}
