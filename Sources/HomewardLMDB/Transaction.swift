internal import HomewardCLMDB

/// A read or write transaction, valid only inside the closure given to ``Environment/read(_:)`` or
/// ``Environment/write(_:)``.
///
/// Byte buffers returned by a transaction point into the memory map (or into the transaction's own
/// pages) and are valid only until the transaction ends, or until the next write to the same
/// database. Copy what must be kept. A transaction is not `Sendable`: use it on the thread that
/// runs the closure.
public final class Transaction {
    let pointer: OpaquePointer
    let environment: Environment
    /// Whether the transaction can only read.
    public let isReadOnly: Bool
    private(set) var isOpen = true
    private(set) var hitMapFull = false
    /// Cursors still open, held weakly: a cursor closes itself when it goes away, and those still
    /// alive when the transaction ends are closed then.
    private var openCursors: [WeakCursor] = []

    private struct WeakCursor {
        weak var cursor: Cursor?
    }

    init(pointer: OpaquePointer, environment: Environment, isReadOnly: Bool) {
        self.pointer = pointer
        self.environment = environment
        self.isReadOnly = isReadOnly
    }

    /// The transaction's id: for a read transaction, the id of the last transaction committed
    /// before it began (the snapshot it reads); for a write transaction, the id its commit will
    /// have. Compare with ``Environment/lastCommittedTransactionID``.
    /// The corresponding LMDB function is `mdb_txn_id`.
    public var id: Int { mdb_txn_id(pointer) }

    /// Routes a return code through ``check(_:_:)``, remembering a full map so the write retries.
    @inline(__always)
    func checked(_ returnCode: Int32, _ operation: StaticString) throws(LMDBError) {
        if returnCode == MDB_MAP_FULL { hitMapFull = true }
        try check(returnCode, operation)
    }

    @inline(__always)
    private func ensureOpen(_ operation: StaticString) throws(LMDBError) {
        if !isOpen { throw LMDBError(.badTransaction, operation: "\(operation) (transaction already ended)") }
    }

    func commit() throws(LMDBError) {
        closeCursors()
        isOpen = false
        try checked(mdb_txn_commit(pointer), "mdb_txn_commit")
    }

    func abort() {
        guard isOpen else { return }
        closeCursors()
        isOpen = false
        mdb_txn_abort(pointer)
    }

    private func closeCursors() {
        for entry in openCursors { entry.cursor?.close() }
        openCursors.removeAll()
    }

    /// Reads the value stored under `key`.
    /// - Parameters:
    ///   - database: Where to look.
    ///   - key: The key's bytes.
    /// - Returns: The value's bytes, valid until the transaction ends; `nil` when the key is absent.
    /// - Throws: ``LMDBError``. The corresponding LMDB function is `mdb_get`.
    public func get(_ database: Database, key: UnsafeRawBufferPointer) throws(LMDBError) -> UnsafeRawBufferPointer? {
        try ensureOpen("mdb_get")
        var keyValue = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var value = MDB_val()
        guard try checkFound(mdb_get(pointer, database.handle, &keyValue, &value), "mdb_get") else { return nil }
        return UnsafeRawBufferPointer(start: value.mv_data, count: value.mv_size)
    }

    /// Reads the value stored under `key` and copies it out.
    /// - Parameters:
    ///   - database: Where to look.
    ///   - key: The key's bytes.
    /// - Returns: A copy of the value, or `nil` when the key is absent.
    /// - Throws: ``LMDBError``. The corresponding LMDB function is `mdb_get`.
    public func get(_ database: Database, key: [UInt8]) throws(LMDBError) -> [UInt8]? {
        try withBytes(key) { keyBytes throws(LMDBError) in try get(database, key: keyBytes).map { Array($0) } }
    }

    /// Stores `value` under `key`.
    /// - Parameters:
    ///   - database: Where to write.
    ///   - key: The key's bytes.
    ///   - value: The value's bytes.
    ///   - options: Conditions on the write.
    /// - Throws: ``LMDBError``, such as ``LMDBError/Code/keyExists`` under ``PutOptions/noOverwrite``.
    ///   The corresponding LMDB function is `mdb_put`.
    public func put(
        _ database: Database,
        key: UnsafeRawBufferPointer,
        value: UnsafeRawBufferPointer,
        options: PutOptions = []
    ) throws(LMDBError) {
        try ensureOpen("mdb_put")
        var keyValue = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var dataValue = MDB_val(mv_size: value.count, mv_data: UnsafeMutableRawPointer(mutating: value.baseAddress))
        try checked(mdb_put(pointer, database.handle, &keyValue, &dataValue, options.rawValue), "mdb_put")
    }

    /// Stores `value` under `key`.
    /// - Parameters:
    ///   - database: Where to write.
    ///   - key: The key's bytes.
    ///   - value: The value's bytes.
    ///   - options: Conditions on the write.
    /// - Throws: ``LMDBError``. The corresponding LMDB function is `mdb_put`.
    public func put(_ database: Database, key: [UInt8], value: [UInt8], options: PutOptions = []) throws(LMDBError) {
        try withBytes(key) { keyBytes throws(LMDBError) in
            try withBytes(value) { valueBytes throws(LMDBError) in
                try put(database, key: keyBytes, value: valueBytes, options: options)
            }
        }
    }

    /// Reserves `count` bytes for the value under `key` and lets `fill` write them in place,
    /// saving a copy.
    /// - Parameters:
    ///   - database: Where to write. It must not keep duplicates.
    ///   - key: The key's bytes.
    ///   - count: The value's size.
    ///   - options: Conditions on the write.
    ///   - fill: Writes exactly `count` bytes into the buffer.
    /// - Throws: ``LMDBError``. The corresponding LMDB function is `mdb_put` with `MDB_RESERVE`.
    public func reserve(
        _ database: Database,
        key: UnsafeRawBufferPointer,
        count: Int,
        options: PutOptions = [],
        fill: (UnsafeMutableRawBufferPointer) -> Void
    ) throws(LMDBError) {
        try ensureOpen("mdb_put")
        var keyValue = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var dataValue = MDB_val(mv_size: count, mv_data: nil)
        try checked(
            mdb_put(pointer, database.handle, &keyValue, &dataValue, options.rawValue | UInt32(MDB_RESERVE)),
            "mdb_put"
        )
        fill(UnsafeMutableRawBufferPointer(start: dataValue.mv_data, count: count))
    }

    /// Deletes the value under `key` (every value, in a database with duplicates).
    /// - Parameters:
    ///   - database: Where to delete.
    ///   - key: The key's bytes.
    /// - Returns: Whether the key was there.
    /// - Throws: ``LMDBError``. The corresponding LMDB function is `mdb_del`.
    @discardableResult
    public func delete(_ database: Database, key: UnsafeRawBufferPointer) throws(LMDBError) -> Bool {
        try ensureOpen("mdb_del")
        var keyValue = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        return try checkFound(mdb_del(pointer, database.handle, &keyValue, nil), "mdb_del")
    }

    /// Deletes the value under `key`.
    /// - Returns: Whether the key was there.
    /// - Throws: ``LMDBError``. The corresponding LMDB function is `mdb_del`.
    @discardableResult
    public func delete(_ database: Database, key: [UInt8]) throws(LMDBError) -> Bool {
        try withBytes(key) { keyBytes throws(LMDBError) in try delete(database, key: keyBytes) }
    }

    /// Removes every entry of a database, keeping the database itself.
    /// - Throws: ``LMDBError``. The corresponding LMDB function is `mdb_drop`.
    public func removeAll(_ database: Database) throws(LMDBError) {
        try ensureOpen("mdb_drop")
        try checked(mdb_drop(pointer, database.handle, 0), "mdb_drop")
    }

    /// The number of entries in a database.
    /// - Throws: ``LMDBError``. The corresponding LMDB function is `mdb_stat`.
    public func count(_ database: Database) throws(LMDBError) -> Int {
        try ensureOpen("mdb_stat")
        var stat = MDB_stat()
        try checked(mdb_stat(pointer, database.handle, &stat), "mdb_stat")
        return stat.ms_entries
    }

    /// Opens a cursor over a database, closed when the transaction ends.
    /// - Parameter database: What to walk.
    /// - Returns: A cursor positioned nowhere yet.
    /// - Throws: ``LMDBError``. The corresponding LMDB function is `mdb_cursor_open`.
    public func cursor(_ database: Database) throws(LMDBError) -> Cursor {
        try ensureOpen("mdb_cursor_open")
        var cursorPointer: OpaquePointer?
        try checked(mdb_cursor_open(pointer, database.handle, &cursorPointer), "mdb_cursor_open")
        guard let cursorPointer else { throw LMDBError(.badTransaction, operation: "mdb_cursor_open") }
        let cursor = Cursor(pointer: cursorPointer, transaction: self)
        if openCursors.count > 64 { openCursors.removeAll { $0.cursor == nil } }
        openCursors.append(WeakCursor(cursor: cursor))
        return cursor
    }
}
