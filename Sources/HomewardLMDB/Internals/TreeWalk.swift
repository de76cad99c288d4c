/// One B-tree being walked by a ``PageAuditor``: its record, what its values must be, and what
/// the walk counted.
struct TreeWalk {
    enum Role {
        /// The free list (`FREE_DBI`): integer keys (transaction ids), values are page lists.
        case free
        /// The main database (`MAIN_DBI`): named databases are leaf nodes with `F_SUBDATA`.
        case main
        /// A named database.
        case named
        /// The sub-tree of one key's sorted duplicates: keys only, no values.
        case duplicates
    }

    var name: String
    var record: DatabaseRecord
    var role: Role
    var keyOrder: KeyOrder
    /// For a sorted-duplicates database: the order of its values.
    var duplicateOrder: KeyOrder?
    /// For the duplicates of a `MDB_DUPFIXED` database: leaves are `P_LEAF2` pages of keys of this size.
    var fixedKeySize: Int?
    var treeIndex: UInt16 = 0
    /// Whether pages below the root are read.
    var descends = true
    /// How many more pages may be read (bounds the main database at open).
    var pageBudget = Int.max

    var branchPages: UInt64 = 0
    var leafPages: UInt64 = 0
    var overflowPages: UInt64 = 0
    var entries: UInt64 = 0
    /// Every page was read and parsed, so the counts can be compared with the record.
    var complete = true
    /// Named databases or duplicate sub-trees found in leaves, walked after this tree.
    var pending: [TreeWalk] = []

    init(name: String, record: DatabaseRecord, role: Role, keyOrder: KeyOrder) {
        self.name = name
        self.record = record
        self.role = role
        self.keyOrder = keyOrder
    }

    var isSortedDuplicates: Bool { role != .free && role != .duplicates && record.flags & LMDBLayout.duplicateSort != 0 }
}
