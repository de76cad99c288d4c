extension PageAuditor {
    typealias Kind = ByteClassification.Kind

    /// Records that `length` bytes from `offset` are of `kind`.
    @inline(__always)
    func emit(_ offset: Int, _ length: Int, _ kind: Kind) {
        if length > 0 { segments.append(ByteClassification.Segment(range: offset..<(offset + length), kind: kind)) }
    }

    private func markClassified(_ offset: Int) -> Bool {
        let index = offset / pageSize
        guard index < pageCount, state[index] & Self.classified == 0 else { return false }
        state[index] |= Self.classified
        return true
    }

    /// A meta page: the fields LMDB reads or the audit checks hold data; the rest does not.
    func classifyMetaPage(_ meta: MetaPage) {
        let offset = meta.index * pageSize
        guard markClassified(offset) else { return }
        emit(offset, 8, .metaField)  // mp_pgno, checked
        emit(offset + 8, 2, .unusedMetaField)  // mp_pad
        emit(offset + 10, 2, .metaField)  // mp_flags: LMDB requires P_META
        emit(offset + 12, 4, .unusedMetaField)  // mp_lower, mp_upper
        emit(offset + 16, 8, .metaField)  // magic, version
        // mm_address is read only by environments opened with MDB_FIXEDMAP.
        emit(offset + 24, 8, meta.free.flags & LMDBLayout.fixedMap != 0 ? .metaField : .unusedMetaField)
        emit(offset + 32, 8, .unusedMetaField)  // mm_mapsize: a hint, the map size is always given
        emit(offset + 40, 48, .metaField)  // the free list's record, with the page size
        emit(offset + 88, 4, .unusedMetaField)  // the main database's md_pad
        emit(offset + 92, 44, .metaField)  // the rest of the main database's record
        emit(offset + 136, 16, .metaField)  // mm_last_pg, mm_txnid
        emit(offset + LMDBLayout.metaEnd, pageSize - LMDBLayout.metaEnd, .unusedMetaField)
    }

    /// A page whose structure could not be trusted: everything counts as data.
    func classifyWholePage(_ offset: Int, as kind: Kind) {
        guard markClassified(offset) else { return }
        emit(offset, pageSize, kind)
    }

    /// A branch or leaf page: header, node pointers, the unused gap, then every node with its
    /// padding byte.
    func classifyTreePage(
        _ offset: Int, _ bytes: PageBytes, count: Int, lowerEdge: Int, upperEdge: Int, isLeaf: Bool, packed: Bool,
        role: TreeWalk.Role, freeListUsed: [Int: Int]
    ) {
        guard markClassified(offset) else { return }
        // Keys and values LMDB would read only in the previous snapshot (the audit checks records
        // of databases and free lists, so those stay data).
        let previousOnly = isPreviousSnapshotOnly(offset)
        let entry: Kind = previousOnly ? .previousSnapshotEntry : .node
        emit(offset, 8, .pageHeader)
        emit(offset + 8, 2, .unusedHeaderField)
        emit(offset + 10, 6, .pageHeader)
        emit(offset + LMDBLayout.pageHeaderSize, lowerEdge - LMDBLayout.pageHeaderSize, .nodePointers)
        emit(offset + lowerEdge, upperEdge - lowerEdge, .unusedGap)
        guard packed else {
            emit(offset + upperEdge, pageSize - upperEdge, .node)
            return
        }
        for index in 0..<count {
            let node = Int(bytes.u16(LMDBLayout.pageHeaderSize + 2 * index))
            let size = nodeSize(bytes, at: node, isLeaf: isLeaf)
            let keySize = Int(bytes.u16(node + 6))
            let keyStart = node + LMDBLayout.nodeHeaderSize
            let dataStart = keyStart + keySize
            if !isLeaf {
                emit(offset + node, LMDBLayout.nodeHeaderSize, .node)
                emit(offset + keyStart, keySize, index == 0 ? .ignoredKey : .separatorKey)
            } else if role == .free {
                emit(offset + node, LMDBLayout.nodeHeaderSize, .node)
                emit(offset + keyStart, keySize, .freeListKey)
                let used = freeListUsed[index] ?? (node + size - dataStart)
                emit(offset + dataStart, used, .node)
                emit(offset + dataStart + used, node + size - dataStart - used, .unusedFreeListSlots)
            } else if role == .main && bytes.u16(node + 4) == LMDBLayout.subData && size - (dataStart - node) == LMDBLayout.databaseRecordSize {
                emit(offset + node, LMDBLayout.nodeHeaderSize, .node)
                emit(offset + keyStart, keySize, entry)  // the database's name
                emit(offset + dataStart, 4, .unusedRecordField)  // md_pad of a named database
                emit(offset + dataStart + 4, LMDBLayout.databaseRecordSize - 4, .node)
            } else if previousOnly && role != .duplicates && bytes.u16(node + 4) & LMDBLayout.duplicateData == 0 {
                emit(offset + node, LMDBLayout.nodeHeaderSize, .node)
                let flags = bytes.u16(node + 4)
                // An overflow value keeps its page number as data: the audit follows it.
                let valueEnd = flags & LMDBLayout.bigData != 0 ? dataStart : node + size
                emit(offset + keyStart, valueEnd - keyStart, entry)
                emit(offset + valueEnd, node + size - valueEnd, .node)
            } else {
                emit(offset + node, size, .node)
            }
            emit(offset + node + size, LMDBLayout.even(size) - size, .nodePadding)
        }
    }

    /// Whether the page at `offset` is reached only by the walk of the previous snapshot, which
    /// runs after the current snapshot's walk is complete.
    private func isPreviousSnapshotOnly(_ offset: Int) -> Bool {
        snapshot == .previous && state[offset / pageSize] & Self.reachedInCurrent == 0
    }

    /// An overflow run: its header, the value (of which a free-list record may use only `used`
    /// bytes), and the unused end of its last page.
    func classifyOverflowRun(_ first: UInt64, pages: Int, valueSize: Int, used: Int? = nil) {
        let offset = Int(first) * pageSize
        let value: Kind = used == nil && isPreviousSnapshotOnly(offset) ? .previousSnapshotEntry : .overflowData
        guard markClassified(offset) else { return }
        for next in 1..<max(1, pages) { _ = markClassified(offset + next * pageSize) }
        emit(offset, 8, .pageHeader)
        emit(offset + 8, 2, .unusedHeaderField)
        emit(offset + 10, 6, .pageHeader)
        let start = offset + LMDBLayout.pageHeaderSize
        let end = offset + pages * pageSize
        let valueEnd = min(end, start + valueSize)
        if let used, used <= valueSize {
            emit(start, min(used, valueEnd - start), .overflowData)
            emit(start + used, valueEnd - start - used, .unusedFreeListSlots)
        } else {
            emit(start, valueEnd - start, value)
        }
        emit(valueEnd, end - valueEnd, .unusedOverflowSpace)
    }

    /// Completes the classification: pages no walk classified are free, leaked or after the last
    /// page; the segments are sorted and merged.
    func makeClassification() -> ByteClassification? {
        guard classifies, pageSize > 0, pageCount >= LMDBLayout.metaPageCount, let current else { return nil }
        for index in 0..<pageCount where state[index] & Self.classified == 0 {
            let bits = state[index]
            let kind: Kind
            if bits & (Self.reachedInCurrent | Self.reachedInPrevious) != 0 {
                kind = .node  // reached, but too damaged to parse: counted as data
            } else if UInt64(index) > current.lastPage {
                kind = .beyondLastPage
            } else if bits & Self.freeInCurrent != 0 {
                kind = .freePage
            } else {
                kind = .leakedPage
            }
            emit(index * pageSize, pageSize, kind)
        }
        emit(pageCount * pageSize, file.size - pageCount * pageSize, .beyondLastPage)
        segments.sort { $0.range.lowerBound < $1.range.lowerBound }
        var merged: [ByteClassification.Segment] = []
        merged.reserveCapacity(segments.count)
        var position = 0
        for segment in segments {
            // Segments never overlap when the audit is right; a damaged page could make one do so,
            // and then the bytes already classified keep their kind.
            let lower = max(segment.range.lowerBound, position)
            guard lower < segment.range.upperBound else { continue }
            if lower > position {
                merged.append(ByteClassification.Segment(range: position..<lower, kind: .node))
            }
            if let last = merged.last, last.kind == segment.kind, last.range.upperBound == lower {
                merged[merged.count - 1].range = last.range.lowerBound..<segment.range.upperBound
            } else {
                merged.append(ByteClassification.Segment(range: lower..<segment.range.upperBound, kind: segment.kind))
            }
            position = segment.range.upperBound
        }
        segments = []
        return ByteClassification(segments: merged, fileSize: file.size)
    }
}
