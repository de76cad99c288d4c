internal import HomewardCLMDB

/// A position in a database, for walking its keys in order.
///
/// Every move returns the entry it lands on as borrowed byte buffers, valid until the transaction
/// ends, or `nil` when there is no such entry. A cursor is closed when its transaction ends.
public final class Cursor {
    /// One key and its value, pointing into the transaction's pages.
    public typealias Entry = (key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer)

    private let pointer: OpaquePointer
    private unowned let transaction: Transaction
    private var isOpen = true

    init(pointer: OpaquePointer, transaction: Transaction) {
        self.pointer = pointer
        self.transaction = transaction
    }

    func close() {
        if isOpen {
            isOpen = false
            mdb_cursor_close(pointer)
        }
    }

    deinit {
        // The transaction is still open (it closes its live cursors before it ends).
        close()
    }

    @inline(__always)
    private func move(_ operation: MDB_cursor_op, key: UnsafeRawBufferPointer? = nil) throws(LMDBError) -> Entry? {
        if !isOpen { throw LMDBError(.badTransaction, operation: "mdb_cursor_get (cursor closed)") }
        var keyValue = MDB_val(mv_size: key?.count ?? 0, mv_data: UnsafeMutableRawPointer(mutating: key?.baseAddress))
        var value = MDB_val()
        guard try checkFound(mdb_cursor_get(pointer, &keyValue, &value, operation), "mdb_cursor_get") else {
            return nil
        }
        return (
            UnsafeRawBufferPointer(start: keyValue.mv_data, count: keyValue.mv_size),
            UnsafeRawBufferPointer(start: value.mv_data, count: value.mv_size)
        )
    }

    /// Moves to the first entry. The corresponding LMDB operation is `MDB_FIRST`.
    public func first() throws(LMDBError) -> Entry? { try move(MDB_FIRST) }
    /// Moves to the last entry. The corresponding LMDB operation is `MDB_LAST`.
    public func last() throws(LMDBError) -> Entry? { try move(MDB_LAST) }
    /// Moves to the next entry. The corresponding LMDB operation is `MDB_NEXT`.
    public func next() throws(LMDBError) -> Entry? { try move(MDB_NEXT) }
    /// Moves to the previous entry. The corresponding LMDB operation is `MDB_PREV`.
    public func previous() throws(LMDBError) -> Entry? { try move(MDB_PREV) }
    /// Returns the entry the cursor is on. The corresponding LMDB operation is `MDB_GET_CURRENT`.
    public func current() throws(LMDBError) -> Entry? { try move(MDB_GET_CURRENT) }

    /// Moves to the first entry whose key is greater than or equal to `key`.
    /// The corresponding LMDB operation is `MDB_SET_RANGE`.
    public func seek(atLeast key: UnsafeRawBufferPointer) throws(LMDBError) -> Entry? {
        try move(MDB_SET_RANGE, key: key)
    }

    /// Moves to the entry whose key is exactly `key`. The corresponding LMDB operation is `MDB_SET_KEY`.
    public func seek(exactly key: UnsafeRawBufferPointer) throws(LMDBError) -> Entry? {
        try move(MDB_SET_KEY, key: key)
    }

    /// Stores `value` under `key` and leaves the cursor on it.
    ///
    /// Unlike ``Transaction/put(_:key:value:options:)``, which searches from the root every time,
    /// a cursor whose current page holds `key`'s place (the key sorts within the page, or the page
    /// is the last of the tree) writes there without searching the tree again: a run of puts of
    /// ascending keys costs about one search per page, not one per key.
    /// - Parameters:
    ///   - key: The key's bytes.
    ///   - value: The value's bytes.
    ///   - options: Conditions on the write.
    /// - Throws: ``LMDBError``, such as ``LMDBError/Code/keyExists`` under ``PutOptions/noOverwrite``
    ///   (the cursor is then on the existing entry). The corresponding LMDB function is `mdb_cursor_put`.
    public func put(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, options: PutOptions = []) throws(LMDBError) {
        if !isOpen { throw LMDBError(.badTransaction, operation: "mdb_cursor_put (cursor closed)") }
        var keyValue = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var dataValue = MDB_val(mv_size: value.count, mv_data: UnsafeMutableRawPointer(mutating: value.baseAddress))
        try transaction.checked(mdb_cursor_put(pointer, &keyValue, &dataValue, options.rawValue), "mdb_cursor_put")
    }

    /// Stores `value` under `key` unless the key is already there, in one search of the tree
    /// either way, and leaves the cursor on the key.
    ///
    /// Where most keys are new (a rebuild's buckets), this replaces a lookup followed by a put:
    /// a new key is written at the place the search found, and an existing one is handed back
    /// so that the caller can replace its value with `put(key:value:options: .current)`.
    ///
    /// ```swift
    /// if let stored = try cursor.putIfAbsent(key: key, value: fresh) {
    ///     try cursor.put(key: key, value: merged(stored), options: .current)
    /// }
    /// ```
    /// - Parameters:
    ///   - key: The key's bytes.
    ///   - value: The value's bytes, stored only if the key is new.
    /// - Returns: `nil` when the value was stored; else the value already there, valid until the
    ///   next write of the transaction.
    /// - Throws: ``LMDBError``. The corresponding LMDB function is `mdb_cursor_put` with
    ///   `MDB_NOOVERWRITE`, which hands back the existing value with `MDB_KEYEXIST`.
    public func putIfAbsent(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) throws(LMDBError) -> UnsafeRawBufferPointer? {
        if !isOpen { throw LMDBError(.badTransaction, operation: "mdb_cursor_put (cursor closed)") }
        var keyValue = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var dataValue = MDB_val(mv_size: value.count, mv_data: UnsafeMutableRawPointer(mutating: value.baseAddress))
        let returnCode = mdb_cursor_put(pointer, &keyValue, &dataValue, UInt32(MDB_NOOVERWRITE))
        guard returnCode == MDB_KEYEXIST else {
            try transaction.checked(returnCode, "mdb_cursor_put")
            return nil
        }
        return UnsafeRawBufferPointer(start: dataValue.mv_data, count: dataValue.mv_size)
    }

    /// Reserves `count` bytes for the value under `key` and lets `fill` write them in place,
    /// leaving the cursor on the new entry (see ``put(key:value:options:)``). The database must
    /// not keep duplicates.
    /// - Parameters:
    ///   - key: The key's bytes.
    ///   - count: The value's size.
    ///   - options: Conditions on the write.
    ///   - fill: Writes exactly `count` bytes into the buffer.
    /// - Throws: ``LMDBError``. The corresponding LMDB function is `mdb_cursor_put` with `MDB_RESERVE`.
    public func reserve(
        key: UnsafeRawBufferPointer,
        count: Int,
        options: PutOptions = [],
        fill: (UnsafeMutableRawBufferPointer) -> Void
    ) throws(LMDBError) {
        if !isOpen { throw LMDBError(.badTransaction, operation: "mdb_cursor_put (cursor closed)") }
        var keyValue = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var dataValue = MDB_val(mv_size: count, mv_data: nil)
        try transaction.checked(
            mdb_cursor_put(pointer, &keyValue, &dataValue, options.rawValue | UInt32(MDB_RESERVE)),
            "mdb_cursor_put"
        )
        fill(UnsafeMutableRawBufferPointer(start: dataValue.mv_data, count: count))
    }

    /// Moves to the first entry whose key is greater than or equal to `key`.
    /// The corresponding LMDB operation is `MDB_SET_RANGE`.
    public func seek(atLeast key: [UInt8]) throws(LMDBError) -> Entry? {
        try withBytes(key) { bytes throws(LMDBError) in try seek(atLeast: bytes) }
    }

    /// Moves to the entry whose key is exactly `key`. The corresponding LMDB operation is `MDB_SET_KEY`.
    public func seek(exactly key: [UInt8]) throws(LMDBError) -> Entry? {
        try withBytes(key) { bytes throws(LMDBError) in try seek(exactly: bytes) }
    }
}
