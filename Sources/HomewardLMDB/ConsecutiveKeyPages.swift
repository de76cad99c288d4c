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

    /// Indexes the leaf pages that hold `keys`: by walking the tree's branch pages from its root
    /// in the map (a few hundred pages for a million keys), else, when the tree cannot be read
    /// that way, with one cursor lookup per leaf page (a third of a second for ten million keys).
    /// - Parameters:
    ///   - database: A database keyed by 8-byte big-endian integers, only ever appended to.
    ///   - keys: The keys whose pages to index.
    ///   - transaction: A read transaction.
    /// - Throws: ``LMDBError``.
    public init(_ database: Database, keys: ClosedRange<UInt64>, in transaction: Transaction) throws(LMDBError) {
        try self.init(database, keys: keys, in: transaction, walkingTheTree: true)
    }

    /// ``init(_:keys:in:)``, walking the tree or (`walkingTheTree` false, to compare the two)
    /// looking each leaf page up.
    init(_ database: Database, keys: ClosedRange<UInt64>, in transaction: Transaction, walkingTheTree: Bool) throws(LMDBError) {
        pageSize = transaction.environment.core.pageSize
        var leaves = Leaves()
        if transaction.isReadOnly, pageSize == Int(getpagesize()) {
            if walkingTheTree, let walked = try Self.leavesWalkingTheTree(of: database, keys: keys, pageSize: pageSize, in: transaction) {
                leaves = walked
            } else {
                leaves = try Self.leavesLookingUp(database, keys: keys, pageSize: pageSize, in: transaction)
            }
        }
        // The last page seen may be the last of the tree, which the next append copies.
        firstKeys = Array(leaves.firstKeys.dropLast())
        keyCounts = Array(leaves.keyCounts.dropLast())
        pageNumbers = Array(leaves.pageNumbers.dropLast())
    }

    /// The indexed pages, in key order: each one's first key, number of keys and page number.
    var pages: [(firstKey: UInt64, keyCount: UInt16, pageNumber: UInt64)] {
        firstKeys.indices.map { (firstKeys[$0], keyCounts[$0], pageNumbers[$0]) }
    }

    /// Leaf pages of consecutive keys: each one's first key, number of keys and page number.
    struct Leaves {
        var firstKeys: [UInt64] = []
        var keyCounts: [UInt16] = []
        var pageNumbers: [UInt64] = []

        mutating func append(first: UInt64, count: Int, number: UInt64) {
            firstKeys.append(first)
            keyCounts.append(UInt16(count))
            pageNumbers.append(number)
        }
    }

    /// The leaf pages that hold `keys`, with one cursor lookup per page.
    private static func leavesLookingUp(_ database: Database, keys: ClosedRange<UInt64>, pageSize: Int, in transaction: Transaction) throws(LMDBError) -> Leaves {
        var leaves = Leaves()
        let cursor = try transaction.cursor(database)
        var next = keys.lowerBound
        while next <= keys.upperBound {
            guard let entry = try cursor.seek(atLeast: Self.keyBytes(next)), let key = entry.key.baseAddress,
                let page = LeafPage(holding: key, pageSize: pageSize),
                let first = page.key(at: 0), let last = page.key(at: page.count - 1), last >= first
            else { break }
            if last - first == UInt64(page.count - 1), page.count <= Int(UInt16.max) {
                leaves.append(first: first, count: page.count, number: page.number)
            }
            guard last < UInt64.max else { break }
            next = max(last + 1, next + 1)
        }
        return leaves
    }

    /// The leaf pages of `database` that hold keys of `keys`, each with its first key and number
    /// of keys, found by walking the tree's branch pages from its root (its record in the main
    /// database) without reading a leaf page: a leaf's first key is its separator in the branch
    /// page above it (for the first child, the first key of the branch page's own subtree), and
    /// its number of keys runs to the next leaf's first key (keys without gaps). The last leaf,
    /// whose number of keys is not known, is left out. `nil` when the tree is not one this can
    /// walk (a page that does not say what it should, a depth beyond the record's, separators
    /// out of order); a leaf whose keys are not as expected is found out when it is read
    /// (``forEachValue(ofKeys:in:_:_:)`` checks every node against the key it looks for).
    static func leavesWalkingTheTree(
        of database: Database, keys: ClosedRange<UInt64>, pageSize: Int, in transaction: Transaction
    ) throws(LMDBError) -> Leaves? {
        guard let name = database.name else { return nil }
        // The main database: its keys are the names of the named databases, its values their
        // records (`MDB_db`).
        var main = MDB_dbi()
        try check(mdb_dbi_open(transaction.pointer, nil, 0, &main), "mdb_dbi_open")
        guard let record = try transaction.get(Database(handle: main, name: nil), key: Array(name.utf8)),
            record.count == LMDBLayout.databaseRecordSize
        else { return nil }
        let (depth, root) = record.withUnsafeBytes { (Int($0.loadUnaligned(fromByteOffset: 6, as: UInt16.self)), $0.loadUnaligned(fromByteOffset: 40, as: UInt64.self)) }
        // Where the map starts, from the page of the first key.
        let cursor = try transaction.cursor(database)
        guard depth > 1, root != LMDBLayout.invalidPage, let first = try cursor.first(), let pointer = first.key.baseAddress,
            let firstPage = LeafPage(holding: pointer, pageSize: pageSize), let firstKey = firstPage.key(at: 0)
        else { return nil }
        guard let mapStart = firstPage.mapStart else { return nil }
        let lastPageNumber = try Self.lastPageNumber(in: transaction)
        // Every leaf, in key order, with its first key.
        var starts: [(key: UInt64, page: UInt64)] = []
        // Depth first, children in key order: the pages still to visit (with the first key of
        // their subtree), the next one last.
        var pending: [(page: UInt64, level: Int, firstKey: UInt64)] = [(root, 1, firstKey)]
        while let (number, level, subtreeFirst) = pending.popLast() {
            guard number <= lastPageNumber, level < depth else { return nil }
            let start = mapStart + Int(number) * pageSize
            let flags = start.load(fromByteOffset: 10, as: UInt16.self)
            let lower = Int(start.load(fromByteOffset: 12, as: UInt16.self))
            guard start.load(as: UInt64.self) == number, flags == LMDBLayout.branchPage,
                lower > LMDBLayout.pageHeaderSize, lower <= pageSize, (lower - LMDBLayout.pageHeaderSize) % 2 == 0
            else { return nil }
            var children: [(page: UInt64, firstKey: UInt64)] = []
            for slot in 0..<((lower - LMDBLayout.pageHeaderSize) / 2) {
                let node = Int(start.load(fromByteOffset: LeafPage.slotOffset(slot), as: UInt16.self))
                guard node >= lower, node + LMDBLayout.nodeHeaderSize + (slot > 0 ? 8 : 0) <= pageSize else { return nil }
                let child = UInt64(start.load(fromByteOffset: node, as: UInt16.self))
                    | UInt64(start.load(fromByteOffset: node + 2, as: UInt16.self)) << 16
                    | UInt64(start.load(fromByteOffset: node + 4, as: UInt16.self)) << 32
                // LMDB never reads the key of a branch page's first node.
                var key = subtreeFirst
                if slot > 0 {
                    guard start.load(fromByteOffset: node + 6, as: UInt16.self) == 8 else { return nil }
                    key = UInt64(bigEndian: start.loadUnaligned(fromByteOffset: node + LMDBLayout.nodeHeaderSize, as: UInt64.self))
                    guard key > children[slot - 1].firstKey else { return nil }
                }
                children.append((child, key))
            }
            if level + 1 == depth {
                starts += children.map { (key: $0.firstKey, page: $0.page) }
            } else {
                pending += children.reversed().map { ($0.page, level + 1, $0.firstKey) }
            }
        }
        var leaves = Leaves()
        for (index, leaf) in starts.enumerated().dropLast() {
            let next = starts[index + 1].key
            guard next > leaf.key, next - leaf.key <= UInt64(UInt16.max) else { return nil }
            if next - 1 < keys.lowerBound { continue }
            if leaf.key > keys.upperBound { break }
            leaves.append(first: leaf.key, count: Int(next - leaf.key), number: leaf.page)
        }
        // The last leaf, when it holds keys of `keys`, is left out as ``init(_:keys:in:)``
        // leaves out the last page it sees: a placeholder for it to drop.
        if let last = starts.last, last.key <= keys.upperBound { leaves.append(first: last.key, count: 1, number: last.page) }
        return leaves
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
        let lastPageNumber = try Self.lastPageNumber(in: transaction)
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
        // Each key is located once, `slotDistance` keys ahead, and kept in a ring for its node's
        // prefetch and its read (each of the three located it again).
        var page = 0
        let ringSize = Self.slotDistance
        var ring = [(start: UnsafeRawPointer, slot: Int, page: Int)?](repeating: nil, count: ringSize)
        func locateAhead(_ index: Int) {
            ring[index % ringSize] = locate(keys[index], from: &page).map { ($0.start, $0.slot, page) }
        }
        for index in 0..<min(ringSize, keys.count) { locateAhead(index) }
        for (index, key) in keys.enumerated() {
            let located = ring[index % ringSize]
            if index + Self.slotDistance < keys.count {
                locateAhead(index + Self.slotDistance)
                if let (start, slot, _) = ring[(index + Self.slotDistance) % ringSize] { homeward_prefetch(start + LeafPage.slotOffset(slot)) }
            }
            if index + Self.nodeDistance < keys.count, let (start, slot, _) = ring[(index + Self.nodeDistance) % ringSize] {
                let node = Int(start.loadUnaligned(fromByteOffset: LeafPage.slotOffset(slot), as: UInt16.self))
                if node < pageSize { homeward_prefetch(start + node) }
            }
            if let (start, slot, pageIndex) = located, let leaf = LeafPage(at: start, number: pageNumbers[pageIndex], pageSize: pageSize),
                let value = leaf.value(at: slot, key: key)
            {
                throughIndex += 1
                try body(index, value)
            } else {
                try body(index, try lookUp(key))
            }
        }
        return throughIndex
    }

    /// Reads a byte of the indexed pages, one page in sixteen, so that they are mapped into the
    /// process before they are read: on another thread, while the first values are read.
    ///
    /// A page of the map is mapped at its first touch (a fault, which maps the sixteen pages
    /// around it on Linux). A rebuild's first group of streams has events all over the log, and
    /// its read took twice as long per event as the next group's; with the pages touched
    /// beside it, 24 → 14–19 ms at a million events.
    /// - Parameters:
    ///   - database: The database the index was made for.
    ///   - transaction: A read transaction of the same environment.
    /// - Returns: A sum of the bytes read (so that the reads are made).
    /// - Throws: ``LMDBError``.
    @discardableResult
    public func touch(in database: Database, _ transaction: Transaction) throws(LMDBError) -> Int {
        let cursor = try transaction.cursor(database)
        guard let first = firstKeys.first, let mapStart = try mapStart(through: cursor, near: first, in: transaction) else { return 0 }
        let lastPageNumber = try Self.lastPageNumber(in: transaction)
        var sum = 0
        var lastChunk = UInt64.max
        for number in pageNumbers where number <= lastPageNumber && number / 16 != lastChunk {
            lastChunk = number / 16
            sum &+= Int((mapStart + Int(number) * pageSize).load(as: UInt8.self))
        }
        return sum
    }

    /// Where the map starts, worked out from the page that holds `key` (or the next key):
    /// `nil` when the index is empty or the page does not say its number.
    private func mapStart(through cursor: Cursor, near key: UInt64, in transaction: Transaction) throws(LMDBError) -> UnsafeRawPointer? {
        guard !firstKeys.isEmpty, transaction.isReadOnly,
            let entry = try cursor.seek(atLeast: Self.keyBytes(key)), let pointer = entry.key.baseAddress,
            let page = LeafPage(holding: pointer, pageSize: pageSize)
        else { return nil }
        return page.mapStart
    }

    /// The number of the data file's last page in use: no page of the map beyond it is read.
    private static func lastPageNumber(in transaction: Transaction) throws(LMDBError) -> UInt64 {
        var info = MDB_envinfo()
        // The transaction holds the map in place (see `Environment.read`).
        try check(mdb_env_info(transaction.environment.core.pointer, &info), "mdb_env_info")
        return UInt64(info.me_last_pgno)
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

    /// Where the map starts, worked out from this page's place and number; `nil` when they do
    /// not fit.
    var mapStart: UnsafeRawPointer? {
        let (offset, overflow) = number.multipliedReportingOverflow(by: UInt64(pageSize))
        guard !overflow, offset <= UInt64(Int(bitPattern: start)) else { return nil }
        return start - Int(offset)
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
