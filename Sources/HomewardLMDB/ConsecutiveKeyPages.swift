internal import HomewardCLMDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the values of a database keyed by consecutive integers lie in the memory map, page by
/// page, so that many values can be read in key order with their memory loads overlapped.
///
/// A database keyed by 8-byte big-endian integers 1, 2, 3, … without gaps (such as an event log
/// keyed by position) fills each leaf page with a run of consecutive keys. A cursor lookup
/// descends the tree from its root and waits on every cold cache line it touches, one after the
/// other. Once the leaf pages are known, the value of key `k` is node `k - first` of the page
/// whose first key is `first`, and the lines of the nodes a few keys ahead can be asked of the
/// memory system (prefetched) while the current one is read. Finding and copying a scattered
/// tenth of a million-record log this way takes about a fifth of the time that cursor lookups
/// take (copied in key order, with ``prefetch(_:)`` for the copies).
///
/// The index is made in one read transaction and used in later ones. It is meant for a database
/// that is only ever appended to (every put uses ``PutOptions/append``; nothing is deleted or
/// overwritten): then every leaf page but the last never changes again, and the index leaves out
/// the last page it saw. Every value read through the index is checked against its page (the
/// page's number and kind, the node's place, flags and key) and read through a cursor instead
/// when anything does not match, so an index that no longer fits costs speed, never a wrong value.
///
/// Reads LMDB 0.9's page layout (64-bit, little-endian) directly, as ``PageAudit`` does. In a
/// write transaction, or when LMDB's page size is not the system's, the index is empty and every
/// value is read through a cursor.
///
/// ```swift
/// let pages = try environment.read { try ConsecutiveKeyPages(log, keys: 1...head, in: $0) }
/// try environment.read { transaction in
///     try pages.forEachValue(ofKeys: [3, 17, 18, 250], in: log, transaction) { index, value in … }
/// }
/// ```
public struct ConsecutiveKeyPages: Sendable {
    /// The first key of each indexed leaf page, ascending.
    private let firstKeys: [UInt64]
    /// How many keys each indexed page holds.
    private let keyCounts: [UInt16]
    /// Each indexed page's number in the data file.
    private let pageNumbers: [UInt64]
    private let pageSize: Int

    /// The number of leaf pages indexed.
    public var pageCount: Int { firstKeys.count }

    /// How many keys ahead a value's slot in its page, then its node (the node's header, key and
    /// the value's start), are prefetched.
    static let slotDistance = 16
    static let nodeDistance = 8
    /// The cache lines of a value that ``prefetch(_:)`` asks for.
    static let prefetchedLines = 4
    static let cacheLine = 64

    /// Asks the memory system for the first few cache lines of `value` (a value read from the
    /// map), without waiting for them: for values about to be copied in an order of their own,
    /// a few values ahead of the one being copied.
    /// - Parameter value: A value returned by a read.
    @inline(__always)
    public static func prefetch(_ value: UnsafeRawBufferPointer) {
        guard let start = value.baseAddress else { return }
        var offset = 0
        for _ in 0..<prefetchedLines where offset < value.count {
            homeward_prefetch(start + offset)
            offset += cacheLine
        }
    }

    /// An index of no pages: ``forEachValue(ofKeys:in:_:_:)`` reads every value through a
    /// cursor (for reads that start before the pages are found).
    public init() {
        firstKeys = []
        keyCounts = []
        pageNumbers = []
        pageSize = 0
    }

    /// Indexes the leaf pages that hold `keys`, with one cursor lookup per page.
    /// - Parameters:
    ///   - database: A database keyed by 8-byte big-endian integers, only ever appended to.
    ///   - keys: The keys whose pages to index.
    ///   - transaction: A read transaction.
    /// - Throws: ``LMDBError``.
    public init(_ database: Database, keys: ClosedRange<UInt64>, in transaction: Transaction) throws(LMDBError) {
        pageSize = transaction.environment.core.pageSize
        var firstKeys: [UInt64] = []
        var keyCounts: [UInt16] = []
        var pageNumbers: [UInt64] = []
        if transaction.isReadOnly, pageSize == Int(getpagesize()) {
            let cursor = try transaction.cursor(database)
            var next = keys.lowerBound
            while next <= keys.upperBound {
                guard let entry = try cursor.seek(atLeast: Self.keyBytes(next)), let key = entry.key.baseAddress,
                    let page = LeafPage(holding: key, pageSize: pageSize),
                    let first = page.key(at: 0), let last = page.key(at: page.count - 1), last >= first
                else { break }
                if last - first == UInt64(page.count - 1), page.count <= Int(UInt16.max) {
                    firstKeys.append(first)
                    keyCounts.append(UInt16(page.count))
                    pageNumbers.append(page.number)
                }
                guard last < UInt64.max else { break }
                next = max(last + 1, next + 1)
            }
        }
        // The last page seen may be the last of the tree, which the next append copies.
        self.firstKeys = Array(firstKeys.dropLast())
        self.keyCounts = Array(keyCounts.dropLast())
        self.pageNumbers = Array(pageNumbers.dropLast())
    }

    /// Reads the values of `keys`, in their order, handing each to `body` with its index in
    /// `keys`: through the index where it holds the key, else through a cursor.
    /// - Parameters:
    ///   - keys: Keys in ascending order.
    ///   - database: The database the index was made for.
    ///   - transaction: A read transaction of the same environment.
    ///   - body: Gets each key's index in `keys` and its value (valid until the transaction ends),
    ///     `nil` when the key is not in the database.
    /// - Returns: How many values were read through the index (the others through a cursor).
    /// - Throws: ``LMDBError``, or what `body` throws.
    @discardableResult
    public func forEachValue(
        ofKeys keys: [UInt64], in database: Database, _ transaction: Transaction,
        _ body: (Int, UnsafeRawBufferPointer?) throws -> Void
    ) throws -> Int {
        let cursor = try transaction.cursor(database)
        func lookUp(_ key: UInt64) throws -> UnsafeRawBufferPointer? {
            try withUnsafeBytes(of: key.bigEndian) { try cursor.seek(exactly: $0) }?.value
        }
        guard let first = keys.first, let mapStart = try mapStart(through: cursor, near: first, in: transaction) else {
            for (index, key) in keys.enumerated() { try body(index, try lookUp(key)) }
            return 0
        }
        var info = MDB_envinfo()
        // The transaction holds the map in place (see `Environment.read`).
        try check(mdb_env_info(transaction.environment.core.pointer, &info), "mdb_env_info")
        let lastPageNumber = UInt64(info.me_last_pgno)
        /// The page that holds `key` and its slot there, advancing `page` (an index into the
        /// tables, only ever moved forward), or `nil` when no indexed page holds it.
        func locate(_ key: UInt64, from page: inout Int) -> (start: UnsafeRawPointer, slot: Int)? {
            while page + 1 < firstKeys.count, firstKeys[page + 1] <= key { page += 1 }
            guard page < firstKeys.count, key >= firstKeys[page], key - firstKeys[page] < UInt64(keyCounts[page]),
                pageNumbers[page] <= lastPageNumber
            else { return nil }
            return (mapStart + Int(pageNumbers[page]) * pageSize, Int(key - firstKeys[page]))
        }
        var throughIndex = 0
        var current = 0
        var slotAhead = 0
        var nodeAhead = 0
        for (index, key) in keys.enumerated() {
            if index + Self.slotDistance < keys.count, let (start, slot) = locate(keys[index + Self.slotDistance], from: &slotAhead) {
                homeward_prefetch(start + LeafPage.slotOffset(slot))
            }
            if index + Self.nodeDistance < keys.count, let (start, slot) = locate(keys[index + Self.nodeDistance], from: &nodeAhead) {
                let node = Int(start.loadUnaligned(fromByteOffset: LeafPage.slotOffset(slot), as: UInt16.self))
                if node < pageSize { homeward_prefetch(start + node) }
            }
            if let (start, slot) = locate(key, from: &current), let page = LeafPage(at: start, number: pageNumbers[current], pageSize: pageSize),
                let value = page.value(at: slot, key: key)
            {
                throughIndex += 1
                try body(index, value)
            } else {
                try body(index, try lookUp(key))
            }
        }
        return throughIndex
    }

    /// Where the map starts, worked out from the page that holds `key` (or the next key):
    /// `nil` when the index is empty or the page does not say its number.
    private func mapStart(through cursor: Cursor, near key: UInt64, in transaction: Transaction) throws(LMDBError) -> UnsafeRawPointer? {
        guard !firstKeys.isEmpty, transaction.isReadOnly,
            let entry = try cursor.seek(atLeast: Self.keyBytes(key)), let pointer = entry.key.baseAddress,
            let page = LeafPage(holding: pointer, pageSize: pageSize)
        else { return nil }
        let (offset, overflow) = page.number.multipliedReportingOverflow(by: UInt64(pageSize))
        guard !overflow, offset <= UInt64(Int(bitPattern: page.start)) else { return nil }
        return page.start - Int(offset)
    }

    private static func keyBytes(_ key: UInt64) -> [UInt8] {
        withUnsafeBytes(of: key.bigEndian) { Array($0) }
    }
}

/// A leaf page in the map, read with every offset checked against the page.
private struct LeafPage {
    let start: UnsafeRawPointer
    let number: UInt64
    /// The number of nodes.
    let count: Int
    let pageSize: Int

    static func slotOffset(_ slot: Int) -> Int { LMDBLayout.pageHeaderSize + 2 * slot }

    /// The page that `pointer` (into a node of a leaf page of the map) lies in.
    init?(holding pointer: UnsafeRawPointer, pageSize: Int) {
        guard let start = UnsafeRawPointer(bitPattern: UInt(bitPattern: Int(bitPattern: pointer)) & ~UInt(pageSize - 1)) else { return nil }
        self.init(at: start, number: nil, pageSize: pageSize)
    }

    /// The leaf page at `start`, if its header says it is a leaf page (numbered `number`).
    init?(at start: UnsafeRawPointer, number: UInt64?, pageSize: Int) {
        let pageNumber = start.load(as: UInt64.self)
        let flags = start.load(fromByteOffset: 10, as: UInt16.self)
        let lower = Int(start.load(fromByteOffset: 12, as: UInt16.self))
        guard number == nil || pageNumber == number, flags == LMDBLayout.leafPage,
            lower > LMDBLayout.pageHeaderSize, lower <= pageSize, (lower - LMDBLayout.pageHeaderSize) % 2 == 0
        else { return nil }
        self.start = start
        self.number = pageNumber
        self.count = (lower - LMDBLayout.pageHeaderSize) / 2
        self.pageSize = pageSize
    }

    /// The offset of node `slot`, checked to leave room for the node's header and key.
    private func node(at slot: Int) -> Int? {
        guard slot >= 0, slot < count else { return nil }
        let offset = Int(start.load(fromByteOffset: Self.slotOffset(slot), as: UInt16.self))
        guard offset >= Self.slotOffset(count), offset + LMDBLayout.nodeHeaderSize + 8 <= pageSize,
            start.load(fromByteOffset: offset + 6, as: UInt16.self) == 8
        else { return nil }
        return offset
    }

    /// The 8-byte big-endian key of node `slot`.
    func key(at slot: Int) -> UInt64? {
        guard let node = node(at: slot) else { return nil }
        return UInt64(bigEndian: start.loadUnaligned(fromByteOffset: node + LMDBLayout.nodeHeaderSize, as: UInt64.self))
    }

    /// The value of node `slot`, if its key is `key` and the value lies in the page.
    func value(at slot: Int, key: UInt64) -> UnsafeRawBufferPointer? {
        guard let node = node(at: slot), start.load(fromByteOffset: node + 4, as: UInt16.self) == 0,
            UInt64(bigEndian: start.loadUnaligned(fromByteOffset: node + LMDBLayout.nodeHeaderSize, as: UInt64.self)) == key
        else { return nil }
        let size = Int(start.load(fromByteOffset: node, as: UInt16.self)) | Int(start.load(fromByteOffset: node + 2, as: UInt16.self)) << 16
        let valueStart = node + LMDBLayout.nodeHeaderSize + 8
        guard size <= pageSize - valueStart else { return nil }
        return UnsafeRawBufferPointer(start: start + valueStart, count: size)
    }
}
