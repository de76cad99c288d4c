internal import HomewardCLMDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A database keyed by pairs of 8-byte big-endian integers (such as a stream index keyed by
/// stream number and version), read where its pages lie in the map: the entries of one first
/// part are found and read without a cursor call for each.
///
/// A cursor finds a key by descending the tree from its root through LMDB's cursor stack, and
/// steps to the next entry through it too, with a call into LMDB and its checks for each. Here
/// the descent is a binary search in each page on the way down, and the next entry is the next
/// slot of the leaf page (or the first of the next leaf, found through the branch pages above).
///
/// Valid in the read transaction it was made in only: a write may split, move or free any page.
/// Every page and node read is checked (the page's number and kind, the node's place in its
/// page, its flags and key size); when one does not check out, ``forEachValue(first:from:_:)``
/// says so and the caller reads through a cursor.
///
/// Reads LMDB 0.9's page layout (64-bit, little-endian) directly, as ``ConsecutiveKeyPages``
/// does. In a write transaction, or when LMDB's page size is not the system's, or for a tree of
/// one page, there is none (`init` gives `nil`).
///
/// ```swift
/// try environment.read { transaction in
///     guard let tree = try PairKeyTree(index, in: transaction) else { return /* use a cursor */ }
///     _ = tree.forEachValue(first: streamNumber, from: 1) { version, value in …; return true }
/// }
/// ```
public struct PairKeyTree {
    private let pageSize: Int
    private let mapStart: UnsafeRawPointer
    private let lastPageNumber: UInt64
    private let root: UInt64
    private let depth: Int

    /// The tree of `database`; `nil` when it cannot be read from the map (a write transaction, a
    /// page size that is not the system's, a tree of one page, keys that are not 16 bytes).
    /// - Parameters:
    ///   - database: A database keyed by 16-byte keys (two 8-byte big-endian integers).
    ///   - transaction: A read transaction: the tree is valid until it ends.
    /// - Throws: ``LMDBError``.
    public init?(_ database: Database, in transaction: Transaction) throws(LMDBError) {
        pageSize = transaction.environment.core.pageSize
        guard transaction.isReadOnly, pageSize == Int(getpagesize()), let name = database.name else { return nil }
        // The database's record (`MDB_db`) in the main database: its depth and root.
        var main = MDB_dbi()
        try check(mdb_dbi_open(transaction.pointer, nil, 0, &main), "mdb_dbi_open")
        guard let record = try transaction.get(Database(handle: main, name: nil), key: Array(name.utf8)),
            record.count == LMDBLayout.databaseRecordSize
        else { return nil }
        (depth, root) = record.withUnsafeBytes { (Int($0.loadUnaligned(fromByteOffset: 6, as: UInt16.self)), $0.loadUnaligned(fromByteOffset: 40, as: UInt64.self)) }
        // Where the map starts, from the page of the first key.
        let cursor = try transaction.cursor(database)
        guard depth > 1, root != LMDBLayout.invalidPage, let first = try cursor.first(), first.key.count == 16, let pointer = first.key.baseAddress,
            let pageStart = UnsafeRawPointer(bitPattern: UInt(bitPattern: Int(bitPattern: pointer)) & ~UInt(pageSize - 1))
        else { return nil }
        let (offset, overflow) = pageStart.load(as: UInt64.self).multipliedReportingOverflow(by: UInt64(pageSize))
        guard !overflow, offset <= UInt64(Int(bitPattern: pageStart)) else { return nil }
        mapStart = pageStart - Int(offset)
        var info = MDB_envinfo()
        // The transaction holds the map in place (see `Environment.read`).
        try check(mdb_env_info(transaction.environment.core.pointer, &info), "mdb_env_info")
        lastPageNumber = UInt64(info.me_last_pgno)
    }

    /// Calls `body` with the second part of the key and the value (valid until the transaction
    /// ends) of each entry whose key's first part is `first` and whose second part is `from` or
    /// more, in key order, until `body` returns `false` or the entries of `first` end.
    /// - Returns: `false` when a page or node did not check out: the entries from there on were
    ///   not read, and the caller reads them through a cursor (from the entry after the last one
    ///   handed to `body`).
    public func forEachValue(first: UInt64, from: UInt64, _ body: (_ second: UInt64, _ value: UnsafeRawBufferPointer) throws -> Bool) rethrows -> Bool {
        let target = (first, from)
        guard var leaf = leaf(holding: target) else { return false }
        // The first slot whose key is at least the target.
        var low = 0
        var high = leaf.count
        while low < high {
            let middle = (low + high) / 2
            guard let node = node(middle, of: leaf) else { return false }
            if Self.pair(at: leaf.start + node + LMDBLayout.nodeHeaderSize) < target { low = middle + 1 } else { high = middle }
        }
        var slot = low
        var last = target
        while true {
            while slot < leaf.count {
                guard let node = node(slot, of: leaf) else { return false }
                let key = Self.pair(at: leaf.start + node + LMDBLayout.nodeHeaderSize)
                guard key.0 == first else { return true }
                let size = Int(leaf.start.load(fromByteOffset: node, as: UInt16.self)) | Int(leaf.start.load(fromByteOffset: node + 2, as: UInt16.self)) << 16
                let valueStart = node + LMDBLayout.nodeHeaderSize + 16
                guard size <= pageSize - valueStart else { return false }
                if try !body(key.1, UnsafeRawBufferPointer(start: leaf.start + valueStart, count: size)) { return true }
                last = key
                slot += 1
            }
            // The leaf ended: the entries may go on in the next one.
            switch nextLeaf(after: last) {
            case .none: return true
            case .failed: return false
            case .leaf(let next):
                leaf = next
                slot = 0
            }
        }
    }

    /// A page: where it starts in the map, and its number of nodes.
    private typealias Page = (start: UnsafeRawPointer, count: Int)

    /// The leaf page whose keys range holds `target` (or where it would go), found down the
    /// branch pages from the root; `nil` when a page does not check out.
    private func leaf(holding target: (UInt64, UInt64)) -> Page? {
        descend(to: target) { _, _ in }.flatMap { page($0, flags: LMDBLayout.leafPage) }
    }

    /// The number of the leaf page whose keys range holds `target`, found down the branch pages
    /// from the root, each handed to `visit` with the node taken; `nil` when a page does not
    /// check out.
    private func descend(to target: (UInt64, UInt64), _ visit: (Page, Int) -> Void) -> UInt64? {
        var number = root
        for _ in 1..<depth {
            guard let branch = page(number, flags: LMDBLayout.branchPage), let index = lastNode(atMost: target, in: branch),
                let child = child(index, of: branch)
            else { return nil }
            visit(branch, index)
            number = child
        }
        return number
    }

    /// What follows a leaf in key order.
    private enum NextLeaf {
        case leaf(Page)
        /// The leaf was the last.
        case none
        /// A page did not check out.
        case failed
    }

    /// The leaf after the one that holds `key`: down from the root to it, back up to the first
    /// branch page with a child after the one taken, then down that child's first children.
    private func nextLeaf(after key: (UInt64, UInt64)) -> NextLeaf {
        var path: [(branch: Page, index: Int)] = []
        guard descend(to: key, { path.append(($0, $1)) }) != nil else { return .failed }
        while let (branch, index) = path.popLast() {
            guard index + 1 < branch.count else { continue }
            guard var number = child(index + 1, of: branch) else { return .failed }
            // The child is `path.count + 1` levels below the root; leaves are `depth - 1` below.
            for _ in (path.count + 1)..<(depth - 1) {
                guard let branch = page(number, flags: LMDBLayout.branchPage), let first = child(0, of: branch) else { return .failed }
                number = first
            }
            return page(number, flags: LMDBLayout.leafPage).map { .leaf($0) } ?? .failed
        }
        return .none
    }

    /// The last node of a branch page whose key is at most `target` (LMDB never reads the first
    /// node's key: it stands for every key below the second's); `nil` when a node does not
    /// check out.
    private func lastNode(atMost target: (UInt64, UInt64), in branch: Page) -> Int? {
        var low = 0
        var high = branch.count
        while high - low > 1 {
            let middle = (low + high) / 2
            let node = Int(branch.start.load(fromByteOffset: Self.slotOffset(middle), as: UInt16.self))
            guard node >= Self.slotOffset(branch.count), node + LMDBLayout.nodeHeaderSize + 16 <= pageSize,
                branch.start.load(fromByteOffset: node + 6, as: UInt16.self) == 16
            else { return nil }
            if Self.pair(at: branch.start + node + LMDBLayout.nodeHeaderSize) <= target { low = middle } else { high = middle }
        }
        return low
    }

    /// The page number of a branch page's node `index`; `nil` when the node does not check out.
    private func child(_ index: Int, of branch: Page) -> UInt64? {
        guard index < branch.count else { return nil }
        let node = Int(branch.start.load(fromByteOffset: Self.slotOffset(index), as: UInt16.self))
        guard node >= Self.slotOffset(branch.count), node + LMDBLayout.nodeHeaderSize <= pageSize else { return nil }
        return UInt64(branch.start.load(fromByteOffset: node, as: UInt16.self))
            | UInt64(branch.start.load(fromByteOffset: node + 2, as: UInt16.self)) << 16
            | UInt64(branch.start.load(fromByteOffset: node + 4, as: UInt16.self)) << 32
    }

    /// A page of the map and its number of nodes, if its header says it is page `number` of the
    /// kind `flags`.
    private func page(_ number: UInt64, flags: UInt16) -> Page? {
        guard number >= UInt64(LMDBLayout.metaPageCount), number <= lastPageNumber else { return nil }
        let start = mapStart + Int(number) * pageSize
        let lower = Int(start.load(fromByteOffset: 12, as: UInt16.self))
        guard start.load(as: UInt64.self) == number, start.load(fromByteOffset: 10, as: UInt16.self) == flags,
            lower > LMDBLayout.pageHeaderSize, lower <= pageSize, (lower - LMDBLayout.pageHeaderSize) % 2 == 0
        else { return nil }
        return (start, (lower - LMDBLayout.pageHeaderSize) / 2)
    }

    /// The offset of leaf node `slot` of a page, checked to hold a 16-byte key and a value of
    /// its own (no overflow page, no duplicates).
    private func node(_ slot: Int, of page: Page) -> Int? {
        let offset = Int(page.start.load(fromByteOffset: Self.slotOffset(slot), as: UInt16.self))
        guard offset >= Self.slotOffset(page.count), offset + LMDBLayout.nodeHeaderSize + 16 <= pageSize,
            page.start.load(fromByteOffset: offset + 4, as: UInt16.self) == 0,
            page.start.load(fromByteOffset: offset + 6, as: UInt16.self) == 16
        else { return nil }
        return offset
    }

    private static func slotOffset(_ slot: Int) -> Int { LMDBLayout.pageHeaderSize + 2 * slot }

    /// The pair of big-endian integers at `pointer`.
    private static func pair(at pointer: UnsafeRawPointer) -> (UInt64, UInt64) {
        (UInt64(bigEndian: pointer.loadUnaligned(as: UInt64.self)), UInt64(bigEndian: pointer.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
    }
}
