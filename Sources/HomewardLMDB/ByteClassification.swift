/// What every byte of an audited data file is for: whether it holds data, and which part of
/// LMDB's structure it belongs to.
///
/// A byte *holds data* when LMDB reads it (as ``HomewardLMDB`` opens environments: no fixed map
/// address, the map size always given) or when the audit checks its value. A byte *holds no data*
/// when nothing reads it: changing it changes nothing LMDB or a reader of the environment sees.
/// Such bytes are the unused gap between a page's node pointers and its nodes, the padding byte
/// after an odd-sized node, the unused end of a meta page or of an overflow run, unused header
/// fields, and whole pages that are free, beyond the last page, or leaked.
///
/// Get one from ``PageAudit/classification`` by auditing with
/// ``PageAudit/Options/classifiesBytes`` set. Segments cover the whole file, in order, without
/// gaps or overlaps.
public struct ByteClassification: Sendable {
    /// What a run of bytes is for. An extensible set of values.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        /// Whether bytes of this kind hold data (are read by LMDB or checked by the audit).
        public let holdsData: Bool
        private init(_ name: String, holdsData: Bool) {
            self.name = name
            self.holdsData = holdsData
        }
        public var description: String { name }

        /// A field of a meta page that LMDB reads or the audit checks: page number, flags, magic,
        /// version, page size, the two database records, last page and transaction id.
        public static let metaField = Kind("metaField", holdsData: true)
        /// A field of a meta page nothing reads: the page header's pad, lower and upper, the fixed
        /// map address (unless the environment uses a fixed map), the map-size hint (the map size
        /// is always given when opening), the main database's `md_pad`, and the rest of the page.
        public static let unusedMetaField = Kind("unusedMetaField", holdsData: false)
        /// The page number, flags and lower/upper (or overflow page count) of a page in use.
        public static let pageHeader = Kind("pageHeader", holdsData: true)
        /// The `mp_pad` field of a page header, which only pages of fixed-size duplicates use.
        public static let unusedHeaderField = Kind("unusedHeaderField", holdsData: false)
        /// The array of node offsets after a page header.
        public static let nodePointers = Kind("nodePointers", holdsData: true)
        /// The unused space between a page's node offsets (`mp_lower`) and its nodes (`mp_upper`).
        public static let unusedGap = Kind("unusedGap", holdsData: false)
        /// A node: its header, key and (in a leaf) value or overflow page number.
        public static let node = Kind("node", holdsData: true)
        /// The byte after an odd-sized node, which keeps the next node 2-byte aligned.
        public static let nodePadding = Kind("nodePadding", holdsData: false)
        /// The key of the first node of a branch page, which LMDB never compares.
        public static let ignoredKey = Kind("ignoredKey", holdsData: false)
        /// The key of a branch node but the first: a separator LMDB compares to route lookups. A
        /// separator only has to lie above every key on its left and at or below every key on its
        /// right: a change that leaves it there routes every stored key the same and changes no
        /// entry; any other change is found by the audit.
        public static let separatorKey = Kind("separatorKey", holdsData: true)
        /// The transaction id under which a free-list record lists pages. LMDB reads it to decide
        /// when the pages may be reused; a change that keeps the records in order and below the
        /// current transaction changes no entry of any database, only that timing. A change to
        /// the current transaction's record, or out of order, is found by the audit.
        public static let freeListKey = Kind("freeListKey", holdsData: true)
        /// The `md_pad` field of a named database's record, which only sub-trees of fixed-size
        /// duplicates use.
        public static let unusedRecordField = Kind("unusedRecordField", holdsData: false)
        /// Reserved room at the end of a free-list record, after the page numbers its count covers.
        public static let unusedFreeListSlots = Kind("unusedFreeListSlots", holdsData: false)
        /// A key or value in a page only the previous snapshot uses (the last transaction replaced
        /// it). LMDB reads it only if it opens that snapshot, which it does only when the meta
        /// pages make it: a change to them the audit finds. The page's structure holds data.
        public static let previousSnapshotEntry = Kind("previousSnapshotEntry", holdsData: false)
        /// The value bytes of an overflow run.
        public static let overflowData = Kind("overflowData", holdsData: true)
        /// The end of an overflow run's last page, after its value.
        public static let unusedOverflowSpace = Kind("unusedOverflowSpace", holdsData: false)
        /// A page the free list lists and no tree of either snapshot uses.
        public static let freePage = Kind("freePage", holdsData: false)
        /// A page up to the last page that no tree uses and the free list does not list (a problem
        /// of its own).
        public static let leakedPage = Kind("leakedPage", holdsData: false)
        /// A page after the meta page's last page, or a partial page at the end of the file.
        public static let beyondLastPage = Kind("beyondLastPage", holdsData: false)
    }

    /// A run of bytes of one kind.
    public struct Segment: Hashable, Sendable {
        /// The byte offsets in the file.
        public var range: Range<Int>
        /// What the bytes are for.
        public var kind: Kind
    }

    /// The segments, in file order, covering every byte of the file once.
    public let segments: [Segment]
    /// The file's size in bytes.
    public let fileSize: Int

    init(segments: [Segment], fileSize: Int) {
        self.segments = segments
        self.fileSize = fileSize
    }

    /// What the byte at `offset` is for, or `nil` when `offset` is outside the file.
    /// - Parameter offset: A byte offset in the file.
    /// - Returns: The byte's kind.
    public func kind(atOffset offset: Int) -> Kind? {
        guard offset >= 0, offset < fileSize, !segments.isEmpty else { return nil }
        var low = 0
        var high = segments.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if segments[middle].range.lowerBound <= offset { low = middle } else { high = middle - 1 }
        }
        return segments[low].range.contains(offset) ? segments[low].kind : nil
    }

    /// Whether the byte at `offset` holds data. Offsets outside the file hold none.
    /// - Parameter offset: A byte offset in the file.
    /// - Returns: `true` when LMDB reads the byte or the audit checks it.
    public func holdsData(atOffset offset: Int) -> Bool {
        kind(atOffset: offset)?.holdsData ?? false
    }

    /// How many bytes hold data.
    public var dataByteCount: Int {
        segments.reduce(0) { $0 + ($1.kind.holdsData ? $1.range.count : 0) }
    }

    /// How many bytes of each kind the file has.
    public var byteCounts: [Kind: Int] {
        segments.reduce(into: [:]) { $0[$1.kind, default: 0] += $1.range.count }
    }
}
