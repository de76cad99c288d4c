import HomewardLMDB

/// A projection's view of one write (or read) transaction: its own key-value state, and the log.
///
/// Keys and values are bytes; a projection chooses their encoding. The context is valid only
/// during the call it is passed to.
public final class ProjectionContext {
    let transaction: Transaction
    let database: Database
    let storage: LogStorage

    init(transaction: Transaction, database: Database, storage: LogStorage) {
        self.transaction = transaction
        self.database = database
        self.storage = storage
    }

    /// The value stored under a key.
    public func get(_ key: [UInt8]) throws -> [UInt8]? {
        try transaction.get(database, key: key)
    }

    /// Stores a value under a key.
    public func put(_ key: [UInt8], _ value: [UInt8]) throws {
        try transaction.put(database, key: key, value: value)
    }

    /// Removes a key.
    public func delete(_ key: [UInt8]) throws {
        try transaction.delete(database, key: key)
    }

    /// Calls `body` with every key starting with `prefix`, in key order, until it returns `false`.
    public func scan(prefix: [UInt8], _ body: (_ key: [UInt8], _ value: [UInt8]) throws -> Bool) throws {
        let cursor = try transaction.cursor(database)
        var entry = try cursor.seek(atLeast: prefix)
        while let current = entry, current.key.starts(with: prefix) {
            if try !body(Array(current.key), Array(current.value)) { return }
            entry = try cursor.next()
        }
    }

    /// Every event of a stream, read in this transaction.
    public func events(in stream: StreamID) throws -> [RecordedEvent] {
        try storage.streamEvents(stream, from: 1, limit: .max, in: transaction)
    }
}
