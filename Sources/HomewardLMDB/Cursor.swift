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
