extension PageAuditor {
    // MARK: Snapshots and trees

    /// Walks the free list, the main database and every named database of one snapshot.
    func walkSnapshot(_ meta: MetaPage, everyPage: Bool) {
        var free = TreeWalk(name: "the free list", record: meta.free, role: .free, keyOrder: .integer)
        free.descends = everyPage
        walkTree(&free)
        var main = TreeWalk(name: "the main database", record: meta.main, role: .main, keyOrder: .keys(flags: meta.main.flags))
        main.duplicateOrder = main.isSortedDuplicates ? .duplicates(flags: meta.main.flags) : nil
        if !everyPage { main.pageBudget = 16 }
        let named = walkTree(&main, namedDescend: everyPage)
        if snapshot == .current {
            databases = [summary(nil, meta.main)] + named.map { summary($0.name, $0.record) }
        } else {
            // LMDB sets a named database's flags when it creates it and never changes them.
            for (name, record) in named {
                if let database = databases.first(where: { $0.name == name }), database.flags != record.flags {
                    problem(nil, "database '\(printable(name))' has flags 0x\(hex(record.flags)), but 0x\(hex(database.flags)) in the current snapshot; LMDB never changes them")
                }
            }
            // mdb_dbi_open refuses to make a database of a key that holds a plain value.
            for name in plainMainKeys where databases.contains(where: { $0.name == name }) {
                problem(nil, "the main database holds '\(printable(name))' as a plain value, but as a database in the current snapshot; LMDB never turns one into the other")
            }
        }
    }

    private func summary(_ name: String?, _ record: DatabaseRecord) -> PageAudit.Database {
        PageAudit.Database(
            name: name, entries: record.entries, depth: Int(record.depth),
            branchPages: record.branchPages, leafPages: record.leafPages, overflowPages: record.overflowPages,
            root: record.isEmpty ? nil : record.root, flags: record.flags
        )
    }

    /// Walks a tree, then the trees found in its leaves.
    /// - Returns: The named databases found (for the main database).
    @discardableResult
    func walkTree(_ tree: inout TreeWalk, namedDescend: Bool = true) -> [(name: String, record: DatabaseRecord)] {
        tree.treeIndex = UInt16(truncatingIfNeeded: treeNames.count)
        treeNames.append(tree.name)
        let record = tree.record
        if tree.role == .duplicates {
            // mdb_xcursor_init1: a duplicates sub-tree has MDB_DUPFIXED and MDB_INTEGERKEY at most.
            if record.flags & ~(LMDBLayout.duplicateFixed | LMDBLayout.integerKey | LMDBLayout.reverseKey) != 0 {
                problem(record.isEmpty ? nil : record.root, "\(tree.name) has flags 0x\(hex(record.flags)), not those of a duplicates sub-tree")
            }
        } else if let reason = Self.databaseFlagsProblem(record.flags), tree.role != .free {
            problem(record.isEmpty ? nil : record.root, "\(tree.name) has flags 0x\(hex(record.flags)): \(reason)")
        }
        if record.isEmpty {
            if record.depth != 0 || record.entries != 0 || record.branchPages != 0 || record.leafPages != 0 || record.overflowPages != 0 {
                problem(nil, "\(tree.name) has no root page but its record claims depth \(record.depth), \(record.entries) entries and \(record.branchPages + record.leafPages + record.overflowPages) pages")
            }
            return []
        }
        guard record.depth >= 1, Int(record.depth) <= Self.maximumDepth else {
            problem(record.root, "\(tree.name) claims a depth of \(record.depth), outside 1…\(Self.maximumDepth)")
            return []
        }
        visit(record.root, level: 1, &tree, lower: nil, upper: nil, parent: nil)
        if tree.complete && tree.descends && tree.pageBudget >= 0 {
            compareCounts(tree)
        }
        var named: [(name: String, record: DatabaseRecord)] = []
        let pending = tree.pending
        tree.pending = []
        for var child in pending {
            if child.role == .named {
                named.append((child.name, child.record))
                child.descends = namedDescend
            }
            child.name = child.role == .named ? "database '\(printable(child.name))'" : child.name
            walkTree(&child)
        }
        return named
    }

    private func compareCounts(_ tree: TreeWalk) {
        let record = tree.record
        var differences: [String] = []
        if tree.entries != record.entries { differences.append("\(tree.entries) entries, not \(record.entries)") }
        if tree.branchPages != record.branchPages { differences.append("\(tree.branchPages) branch pages, not \(record.branchPages)") }
        if tree.leafPages != record.leafPages { differences.append("\(tree.leafPages) leaf pages, not \(record.leafPages)") }
        if tree.overflowPages != record.overflowPages {
            differences.append("\(tree.overflowPages) overflow pages, not \(record.overflowPages)")
        }
        if !differences.isEmpty {
            problem(record.root, "\(tree.name) holds \(differences.joined(separator: ", ")) as its record says")
        }
    }

    // MARK: Pages

    /// Checks that `page` can be a page of the snapshot and marks it reached.
    /// - Returns: The page's byte offset, or `nil` (after reporting why) when it cannot be used.
    func claim(_ page: UInt64, for tree: TreeWalk, what: String, from parent: UInt64?) -> Int? {
        let meta = snapshotMeta
        let source = parent.map { "page \($0) of \(tree.name)" } ?? "the record of \(tree.name)"
        if page < UInt64(LMDBLayout.metaPageCount) {
            problem(parent, "\(source) points to meta page \(page) as \(what)")
            return nil
        }
        if let meta, page > meta.lastPage {
            problem(parent, "\(source) points to page \(page) as \(what), after the last page \(meta.lastPage)")
            return nil
        }
        guard page < UInt64(pageCount) else {
            problem(parent, "\(source) points to page \(page) as \(what), after the end of the file (\(pageCount) pages)")
            return nil
        }
        let index = Int(page)
        let bit = snapshot == .current ? Self.reachedInCurrent : Self.reachedInPrevious
        if state[index] & bit != 0 {
            let other = snapshot == .current ? treeNames[Int(owner[index])] : "another reference"
            problem(page, "\(source) points to this page as \(what), but it is already used by \(other)")
            return nil
        }
        state[index] |= bit
        if snapshot == .current { owner[index] = tree.treeIndex }
        return index * pageSize
    }

    /// Checks one page of a tree and, for a branch page, the pages below it.
    func visit(
        _ page: UInt64,
        level: Int,
        _ tree: inout TreeWalk,
        lower: UnsafeRawBufferPointer?,
        upper: UnsafeRawBufferPointer?,
        parent: UInt64?
    ) {
        let depth = Int(tree.record.depth)
        let isLeaf = level == depth
        let what = isLeaf ? "a leaf" : "a branch page"
        tree.pageBudget -= 1
        if tree.pageBudget < 0 { tree.complete = false; return }
        guard let offset = claim(page, for: tree, what: what, from: parent) else {
            tree.complete = false
            return
        }
        let buffer = buffer(forLevel: level)
        guard file.read(into: buffer, count: pageSize, at: offset) == pageSize else {
            problem(page, "it cannot be read")
            tree.complete = false
            return
        }
        let bytes = PageBytes(buffer: UnsafeRawBufferPointer(buffer))
        let place = "\(isLeaf ? "a leaf" : "a branch page") of \(tree.name) at level \(level) of \(depth)"
        if bytes.u64(0) != page {
            problem(page, "the page header of \(place) says it is page \(bytes.u64(0))")
        }
        let flags = bytes.u16(10)
        let expected: UInt16 = isLeaf ? (tree.fixedKeySize != nil ? LMDBLayout.leafPage | LMDBLayout.leaf2Page : LMDBLayout.leafPage) : LMDBLayout.branchPage
        guard flags == expected else {
            problem(page, "\(place) has page flags 0x\(hex(flags)), not 0x\(hex(expected))")
            tree.complete = false
            return
        }
        let lowerEdge = Int(bytes.u16(12))
        let upperEdge = Int(bytes.u16(14))
        let header = LMDBLayout.pageHeaderSize
        guard lowerEdge >= header, (lowerEdge - header) % 2 == 0, lowerEdge <= upperEdge, upperEdge <= pageSize,
            lowerEdge > header
        else {
            problem(page, "\(place) has lower \(lowerEdge) and upper \(upperEdge): they must satisfy \(header) < lower ≤ upper ≤ \(pageSize) with an even number of pointer bytes")
            tree.complete = false
            return
        }
        let count = (lowerEdge - header) / 2
        if isLeaf { tree.leafPages += 1 } else { tree.branchPages += 1 }
        if let keySize = tree.fixedKeySize {
            visitFixedLeaf(page, bytes, count: count, keySize: keySize, &tree, lower: lower, upper: upper, place: place, offset: offset)
            return
        }
        guard let packed = checkNodes(page, bytes, count: count, upperEdge: upperEdge, isLeaf: isLeaf, place: place) else {
            tree.complete = false
            if classifies { classifyWholePage(offset, as: .node) }
            return
        }
        checkKeyOrder(page, bytes, count: count, isLeaf: isLeaf, &tree, lower: lower, upper: upper, place: place)
        var freeListCounts: [Int: Int] = [:]
        if isLeaf {
            for index in 0..<count {
                let used = checkLeafNode(page, bytes, index: index, &tree, place: place)
                if let used { freeListCounts[index] = used }
            }
        }
        if classifies {
            classifyTreePage(
                offset, bytes, count: count, lowerEdge: lowerEdge, upperEdge: upperEdge, isLeaf: isLeaf, packed: packed,
                role: tree.role, freeListUsed: freeListCounts
            )
        }
        if !isLeaf && tree.descends {
            for index in 0..<count {
                let node = Int(bytes.u16(header + 2 * index))
                let child = UInt64(bytes.u16(node)) | UInt64(bytes.u16(node + 2)) << 16 | UInt64(bytes.u16(node + 4)) << 32
                let low = index == 0 ? lower : key(bytes, at: node)
                let high = index + 1 < count ? key(bytes, at: Int(bytes.u16(header + 2 * (index + 1)))) : upper
                visit(child, level: level + 1, &tree, lower: low, upper: high, parent: page)
            }
        } else if !isLeaf {
            tree.complete = false
        }
    }

    /// The key of the node at `node`.
    func key(_ bytes: PageBytes, at node: Int) -> UnsafeRawBufferPointer {
        bytes.slice(node + LMDBLayout.nodeHeaderSize, Int(bytes.u16(node + 6)))
    }

    /// The size of the node at `node`, without padding.
    func nodeSize(_ bytes: PageBytes, at node: Int, isLeaf: Bool) -> Int {
        let keySize = Int(bytes.u16(node + 6))
        guard isLeaf else { return LMDBLayout.nodeHeaderSize + keySize }
        let flags = bytes.u16(node + 4)
        let dataSize = flags & LMDBLayout.bigData != 0 ? 8 : Int(bytes.u16(node)) | Int(bytes.u16(node + 2)) << 16
        return LMDBLayout.nodeHeaderSize + keySize + dataSize
    }

    /// Checks every node pointer and that the nodes fill `upper..<pageSize` exactly (each padded
    /// to an even size), as LMDB keeps them.
    /// - Returns: Whether the nodes fill the area exactly, or `nil` when a node lies outside the page.
    private func checkNodes(_ page: UInt64, _ bytes: PageBytes, count: Int, upperEdge: Int, isLeaf: Bool, place: String) -> Bool? {
        nodeScratch.removeAll(keepingCapacity: true)
        for index in 0..<count {
            let node = Int(bytes.u16(LMDBLayout.pageHeaderSize + 2 * index))
            guard node >= upperEdge, node % 2 == 0, node + LMDBLayout.nodeHeaderSize <= pageSize else {
                problem(page, "node \(index) of \(place) is at offset \(node), outside the node area \(upperEdge)..<\(pageSize) or not 2-byte aligned")
                return nil
            }
            let size = nodeSize(bytes, at: node, isLeaf: isLeaf)
            guard size <= pageSize - node else {
                problem(page, "node \(index) of \(place) at offset \(node) is \(size) bytes long and runs past the end of the \(pageSize)-byte page")
                return nil
            }
            nodeScratch.append((node, size))
        }
        nodeScratch.sort { $0.offset < $1.offset }
        var expected = upperEdge
        for node in nodeScratch {
            if node.offset != expected {
                problem(page, "the nodes of \(place) do not fill its node area: a node starts at offset \(node.offset) where \(expected) was expected")
                return false
            }
            expected = node.offset + LMDBLayout.even(node.size)
        }
        if expected != pageSize {
            problem(page, "the nodes of \(place) end at offset \(expected), not at the end of the page (\(pageSize))")
            return false
        }
        return true
    }

    /// Checks that keys rise strictly within the page and lie within the parent's separators.
    private func checkKeyOrder(
        _ page: UInt64, _ bytes: PageBytes, count: Int, isLeaf: Bool, _ tree: inout TreeWalk,
        lower: UnsafeRawBufferPointer?, upper: UnsafeRawBufferPointer?, place: String
    ) {
        let order = tree.keyOrder
        var previous: UnsafeRawBufferPointer?
        // LMDB never compares the first key of a branch page.
        for index in (isLeaf ? 0 : 1)..<max(count, isLeaf ? 0 : 1) {
            let key = key(bytes, at: Int(bytes.u16(LMDBLayout.pageHeaderSize + 2 * index)))
            if !order.accepts(count: key.count) {
                problem(page, "key \(index) of \(place) is \(key.count) bytes long; integer keys are 4 or 8 bytes")
                tree.complete = false
                return
            }
            if tree.role == .free && key.count != 8 {
                problem(page, "key \(index) of \(place) is \(key.count) bytes long, not an 8-byte transaction id")
            }
            if let previous, order.compare(previous, key) >= 0 {
                problem(page, "key \(index) of \(place) is not greater than key \(index - 1): the keys are out of order")
                return
            }
            if previous == nil, let lower, order.compare(key, lower) < 0 {
                problem(page, "the first key of \(place) sorts before its separator in the parent page")
            }
            previous = key
        }
        if let previous, let upper, order.compare(previous, upper) >= 0 {
            problem(page, "the last key of \(place) does not sort before the next separator in the parent page")
        }
    }

    // MARK: Leaf nodes

    /// Checks one leaf node's flags and value, follows overflow runs and collects sub-trees.
    /// - Returns: For a free-list record, how many bytes of its value the page list uses.
    private func checkLeafNode(_ page: UInt64, _ bytes: PageBytes, index: Int, _ tree: inout TreeWalk, place: String) -> Int? {
        let node = Int(bytes.u16(LMDBLayout.pageHeaderSize + 2 * index))
        let flags = bytes.u16(node + 4)
        let keySize = Int(bytes.u16(node + 6))
        let dataSize = UInt64(bytes.u16(node)) | UInt64(bytes.u16(node + 2)) << 16
        let dataStart = node + LMDBLayout.nodeHeaderSize + keySize
        let key = bytes.slice(node + LMDBLayout.nodeHeaderSize, keySize)
        let name = "node \(index) of \(place)"
        tree.entries += 1
        switch tree.role {
        case .duplicates:
            if flags != 0 || dataSize != 0 {
                problem(page, "\(name) has flags 0x\(hex(flags)) and \(dataSize) data bytes; a duplicate value is a key alone")
            }
            return nil
        case .free:
            guard flags & ~LMDBLayout.bigData == 0 else {
                problem(page, "\(name) has flags 0x\(hex(flags)); a free-list record has none but 0x01 (overflow)")
                return nil
            }
            let transaction = key.count == 8 ? key.loadUnaligned(as: UInt64.self) : 0
            if let meta = snapshotMeta, transaction > meta.transaction {
                problem(page, "the free list has a record of transaction \(transaction), after the snapshot's own transaction \(meta.transaction)")
            }
            if flags & LMDBLayout.bigData != 0 {
                let first = bytes.u64(dataStart)
                guard let run = followOverflow(page, first, size: dataSize, &tree, readValue: true) else { return nil }
                let used = run.value.flatMap { value in
                    value.withUnsafeBytes { markFreePages(page, PageBytes(buffer: $0), transaction: transaction, name: name) }
                }
                if classifies { classifyOverflowRun(first, pages: run.pages, valueSize: Int(dataSize), used: used) }
                return nil
            }
            return markFreePages(page, PageBytes(buffer: bytes.slice(dataStart, Int(dataSize))), transaction: transaction, name: name)
        case .main, .named:
            if tree.role == .main && flags & LMDBLayout.subData != 0 && flags & LMDBLayout.duplicateData == 0 {
                guard flags == LMDBLayout.subData, dataSize == UInt64(LMDBLayout.databaseRecordSize) else {
                    problem(page, "\(name) names a database but has flags 0x\(hex(flags)) and a \(dataSize)-byte record, not 0x02 and 48 bytes")
                    return nil
                }
                let record = DatabaseRecord(bytes, at: dataStart)
                let databaseName = String(decoding: key, as: UTF8.self)
                var child = TreeWalk(name: databaseName, record: record, role: .named, keyOrder: .keys(flags: record.flags))
                child.duplicateOrder = child.isSortedDuplicates ? .duplicates(flags: record.flags) : nil
                tree.pending.append(child)
                return nil
            }
            if tree.isSortedDuplicates {
                checkDuplicates(page, bytes, node: node, flags: flags, dataSize: dataSize, dataStart: dataStart, key: key, &tree, name: name)
                return nil
            }
            guard flags & ~LMDBLayout.bigData == 0 else {
                problem(page, "\(name) has flags 0x\(hex(flags)); a value of \(tree.name) can only have 0x01 (overflow)")
                return nil
            }
            if tree.role == .main && snapshot == .previous {
                plainMainKeys.append(String(decoding: key, as: UTF8.self))
            }
            if flags & LMDBLayout.bigData != 0 {
                _ = followOverflow(page, bytes.u64(dataStart), size: dataSize, &tree, readValue: false)
            }
            return nil
        }
    }

    /// Marks the pages of a free-list record (`MDB_IDL`: a u64 count, then the page numbers) free.
    /// - Returns: How many bytes of the value the list uses, or `nil` when the count does not fit.
    private func markFreePages(_ page: UInt64, _ value: PageBytes, transaction: UInt64, name: String) -> Int? {
        let count = value.u64(0)
        guard value.count >= 8, count <= UInt64(value.count / 8 - 1) else {
            problem(page, "the free-list record of transaction \(transaction) (\(name)) counts \(count) pages but its \(value.count) bytes hold at most \(max(0, value.count / 8 - 1))")
            return nil
        }
        let meta = snapshotMeta
        let freeBit = snapshot == .current ? Self.freeInCurrent : Self.freeInPrevious
        for slot in 0..<Int(count) {
            let free = value.u64(8 + 8 * slot)
            if free < UInt64(LMDBLayout.metaPageCount) || (meta.map { free > $0.lastPage } ?? false) {
                problem(page, "the free-list record of transaction \(transaction) lists page \(free), which is a meta page or after the last page")
                continue
            }
            if free >= UInt64(pageCount) {
                if freeBeyondFile[snapshot, default: []].insert(free).inserted == false {
                    problem(page, "the free list lists page \(free) twice")
                }
                continue
            }
            let index = Int(free)
            if state[index] & freeBit != 0 {
                problem(free, "the free list lists this page twice (again in the record of transaction \(transaction))")
                continue
            }
            state[index] |= freeBit
            if snapshot == .current, let meta, transaction == meta.transaction {
                state[index] |= Self.freedByLastTransaction
            }
        }
        return 8 + 8 * Int(count)
    }

    /// Checks an overflow run and marks its pages.
    /// - Returns: The run's page count and, when `readValue` is set, the value's bytes; `nil` when
    ///   the run cannot be used.
    private func followOverflow(
        _ page: UInt64, _ first: UInt64, size: UInt64, _ tree: inout TreeWalk, readValue: Bool
    ) -> (pages: Int, value: [UInt8]?)? {
        guard let offset = claim(first, for: tree, what: "an overflow run", from: page) else {
            tree.complete = false
            return nil
        }
        var header = [UInt8](repeating: 0, count: LMDBLayout.pageHeaderSize)
        let read = header.withUnsafeMutableBytes { file.read(into: $0, count: LMDBLayout.pageHeaderSize, at: offset) }
        guard read == LMDBLayout.pageHeaderSize else {
            problem(first, "the overflow run of \(tree.name) cannot be read")
            tree.complete = false
            return nil
        }
        let (number, flags, pages) = header.withUnsafeBytes { raw in
            let bytes = PageBytes(buffer: raw)
            return (bytes.u64(0), bytes.u16(10), UInt64(bytes.u32(12)))
        }
        if number != first {
            problem(first, "the page header of an overflow run of \(tree.name) says it is page \(number)")
        }
        guard flags == LMDBLayout.overflowPage else {
            problem(first, "an overflow run of \(tree.name) has page flags 0x\(hex(flags)), not 0x04")
            tree.complete = false
            return nil
        }
        let needed = LMDBLayout.overflowPages(forSize: size, pageSize: pageSize)
        guard pages >= needed, let meta = snapshotMeta, first + pages - 1 <= meta.lastPage, first + pages <= UInt64(pageCount) else {
            problem(first, "an overflow run of \(tree.name) claims \(pages) pages for a \(size)-byte value that needs \(needed), or runs past the last page")
            tree.complete = false
            return nil
        }
        tree.overflowPages += pages
        var sound = true
        if pages > 1 {
            for next in (first + 1)..<(first + pages) where claim(next, for: tree, what: "part of an overflow run", from: first) == nil {
                sound = false
            }
        }
        if !sound { tree.complete = false }
        if classifies && !readValue {
            classifyOverflowRun(first, pages: Int(pages), valueSize: Int(size))
        }
        guard readValue, sound else { return (Int(pages), nil) }
        var value = [UInt8](repeating: 0, count: Int(size))
        let got = value.withUnsafeMutableBytes { file.read(into: $0, count: Int(size), at: offset + LMDBLayout.pageHeaderSize) }
        return (Int(pages), got == Int(size) ? value : nil)
    }

    /// Checks the node of a key in a sorted-duplicates database: one value, a sub-page of values,
    /// or a sub-tree of values.
    private func checkDuplicates(
        _ page: UInt64, _ bytes: PageBytes, node: Int, flags: UInt16, dataSize: UInt64, dataStart: Int,
        key: UnsafeRawBufferPointer, _ tree: inout TreeWalk, name: String
    ) {
        let order = tree.duplicateOrder ?? .bytes
        switch flags {
        case 0:
            return
        case LMDBLayout.duplicateData | LMDBLayout.subData:
            guard dataSize == UInt64(LMDBLayout.databaseRecordSize) else {
                problem(page, "\(name) holds a sub-tree of duplicates in a \(dataSize)-byte record, not 48 bytes")
                return
            }
            let record = DatabaseRecord(bytes, at: dataStart)
            tree.entries = tree.entries &+ record.entries &- 1
            var child = TreeWalk(name: "the duplicates of a key of \(tree.name)", record: record, role: .duplicates, keyOrder: order)
            if tree.record.flags & LMDBLayout.duplicateFixed != 0 { child.fixedKeySize = Int(record.pad) }
            child.descends = tree.descends
            tree.pending.append(child)
        case LMDBLayout.duplicateData:
            let sub = PageBytes(buffer: bytes.slice(dataStart, Int(dataSize)))
            let subFlags = sub.u16(10) & ~LMDBLayout.dirtyPage
            let isFixed = subFlags == LMDBLayout.leafPage | LMDBLayout.leaf2Page | LMDBLayout.subPage
            guard sub.count >= LMDBLayout.pageHeaderSize, subFlags == LMDBLayout.leafPage | LMDBLayout.subPage || isFixed else {
                problem(page, "\(name) holds a \(dataSize)-byte sub-page of duplicates with flags 0x\(hex(sub.u16(10)))")
                return
            }
            let lowerEdge = Int(sub.u16(12))
            let upperEdge = Int(sub.u16(14))
            guard lowerEdge > LMDBLayout.pageHeaderSize, (lowerEdge - LMDBLayout.pageHeaderSize) % 2 == 0, lowerEdge <= upperEdge, upperEdge <= sub.count else {
                problem(page, "\(name) holds a sub-page of duplicates with lower \(lowerEdge) and upper \(upperEdge), outside its \(sub.count) bytes")
                return
            }
            let count = (lowerEdge - LMDBLayout.pageHeaderSize) / 2
            tree.entries += UInt64(count) - 1
            var previous: UnsafeRawBufferPointer?
            let keySize = Int(sub.u16(8))
            for index in 0..<count {
                let value: UnsafeRawBufferPointer
                if isFixed {
                    guard keySize > 0, sub.contains(LMDBLayout.pageHeaderSize + index * keySize, keySize) else {
                        problem(page, "\(name) holds fixed-size duplicates of \(keySize) bytes that do not fit its sub-page")
                        return
                    }
                    value = sub.slice(LMDBLayout.pageHeaderSize + index * keySize, keySize)
                } else {
                    let inner = Int(sub.u16(LMDBLayout.pageHeaderSize + 2 * index))
                    guard inner >= upperEdge, sub.contains(inner, LMDBLayout.nodeHeaderSize + Int(sub.u16(inner + 6))) else {
                        problem(page, "\(name) holds a duplicate value at offset \(inner) outside its sub-page")
                        return
                    }
                    value = sub.slice(inner + LMDBLayout.nodeHeaderSize, Int(sub.u16(inner + 6)))
                }
                if let previous, order.compare(previous, value) >= 0 {
                    problem(page, "\(name) holds duplicate values out of order")
                    return
                }
                previous = value
            }
        default:
            problem(page, "\(name) has flags 0x\(hex(flags)), not those of a sorted-duplicates value")
        }
    }

    /// Checks a `P_LEAF2` leaf of fixed-size duplicate values.
    private func visitFixedLeaf(
        _ page: UInt64, _ bytes: PageBytes, count: Int, keySize: Int, _ tree: inout TreeWalk,
        lower: UnsafeRawBufferPointer?, upper: UnsafeRawBufferPointer?, place: String, offset: Int
    ) {
        guard keySize > 0, Int(bytes.u16(8)) == keySize, LMDBLayout.pageHeaderSize + count * keySize <= pageSize else {
            problem(page, "\(place) holds \(count) fixed-size values of \(bytes.u16(8)) bytes (the record says \(keySize)) that do not fit the page")
            tree.complete = false
            return
        }
        tree.entries += UInt64(count)
        var previous: UnsafeRawBufferPointer?
        for index in 0..<count {
            let value = bytes.slice(LMDBLayout.pageHeaderSize + index * keySize, keySize)
            if let previous, tree.keyOrder.compare(previous, value) >= 0 {
                problem(page, "value \(index) of \(place) is not greater than value \(index - 1): the values are out of order")
                break
            }
            if previous == nil, let lower, tree.keyOrder.compare(value, lower) < 0 {
                problem(page, "the first value of \(place) sorts before its separator in the parent page")
            }
            previous = value
        }
        if let previous, let upper, tree.keyOrder.compare(previous, upper) >= 0 {
            problem(page, "the last value of \(place) does not sort before the next separator in the parent page")
        }
        if classifies {
            emit(offset, 8, .pageHeader)
            emit(offset + 8, 8, .pageHeader)
            emit(offset + 16, count * keySize, .node)
            emit(offset + 16 + count * keySize, pageSize - 16 - count * keySize, .unusedGap)
            state[offset / pageSize] |= Self.classified
        }
    }
}
