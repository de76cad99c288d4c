/// The on-disk layout of an LMDB 0.9 data file (64-bit, little-endian), as `mdb.c` defines it.
///
/// Page header (`MDB_page`, 16 bytes): `mp_pgno` u64, `mp_pad` u16, `mp_flags` u16, then
/// `mp_lower` u16 and `mp_upper` u16 (or, for overflow pages, `mp_pages` u32). Node (`MDB_node`):
/// `mn_lo` u16, `mn_hi` u16, `mn_flags` u16, `mn_ksize` u16, then the key and, in leaves, the data.
enum LMDBLayout {
    static let pageHeaderSize = 16
    static let nodeHeaderSize = 8
    static let metaPageCount = 2
    /// `P_INVALID`: the root of an empty tree.
    static let invalidPage = UInt64.max

    // Page flags (`mp_flags`).
    static let branchPage: UInt16 = 0x01
    static let leafPage: UInt16 = 0x02
    static let overflowPage: UInt16 = 0x04
    static let metaPage: UInt16 = 0x08
    static let dirtyPage: UInt16 = 0x10
    static let leaf2Page: UInt16 = 0x20
    static let subPage: UInt16 = 0x40

    // Node flags (`mn_flags` of leaf nodes).
    static let bigData: UInt16 = 0x01
    static let subData: UInt16 = 0x02
    static let duplicateData: UInt16 = 0x04

    // Database flags (`md_flags`), as given to `mdb_dbi_open`.
    static let reverseKey: UInt16 = 0x02
    static let duplicateSort: UInt16 = 0x04
    static let integerKey: UInt16 = 0x08
    static let duplicateFixed: UInt16 = 0x10
    static let integerDuplicate: UInt16 = 0x20
    static let reverseDuplicate: UInt16 = 0x40
    static let persistentDatabaseFlags: UInt16 = 0x7E

    // Environment flags kept in the free database's `md_flags` (`mm_flags`).
    static let fixedMap: UInt16 = 0x01
    static let noSubdirectory: UInt16 = 0x4000

    // MDB_meta, from the start of a meta page (after its page header).
    static let metaMagic: UInt32 = 0xBEEF_C0DE
    static let dataVersion: UInt32 = 1
    static let magicOffset = 16
    static let versionOffset = 20
    static let addressOffset = 24
    static let mapSizeOffset = 32
    static let freeRecordOffset = 40
    static let mainRecordOffset = 88
    static let lastPageOffset = 136
    static let transactionOffset = 144
    /// The end of `MDB_meta` in its page: the rest of the page is unused.
    static let metaEnd = 152

    /// `MDB_db`: `md_pad` u32, `md_flags` u16, `md_depth` u16, then five u64 (branch, leaf and
    /// overflow pages, entries, root).
    static let databaseRecordSize = 48

    /// The number of pages an overflow value of `size` bytes needs (`OVPAGES`).
    static func overflowPages(forSize size: UInt64, pageSize: Int) -> UInt64 {
        let (total, overflow) = UInt64(pageHeaderSize - 1).addingReportingOverflow(size)
        if overflow { return .max }
        return total / UInt64(pageSize) + 1
    }

    /// `EVEN()`: rounds up to an even number.
    @inline(__always)
    static func even(_ value: Int) -> Int { value &+ (value & 1) }
}

/// An `MDB_db` record: the description of one B-tree, in a meta page or in a leaf node.
struct DatabaseRecord: Equatable {
    var pad: UInt32
    var flags: UInt16
    var depth: UInt16
    var branchPages: UInt64
    var leafPages: UInt64
    var overflowPages: UInt64
    var entries: UInt64
    var root: UInt64

    init(_ bytes: PageBytes, at offset: Int) {
        pad = bytes.u32(offset)
        flags = bytes.u16(offset + 4)
        depth = bytes.u16(offset + 6)
        branchPages = bytes.u64(offset + 8)
        leafPages = bytes.u64(offset + 16)
        overflowPages = bytes.u64(offset + 24)
        entries = bytes.u64(offset + 32)
        root = bytes.u64(offset + 40)
    }

    var isEmpty: Bool { root == LMDBLayout.invalidPage }
}

/// One meta page as read from the file.
struct MetaPage {
    /// 0 or 1.
    var index: Int
    var pageNumber: UInt64
    var pageFlags: UInt16
    var magic: UInt32
    var version: UInt32
    var address: UInt64
    var mapSize: UInt64
    var free: DatabaseRecord
    var main: DatabaseRecord
    var lastPage: UInt64
    var transaction: UInt64

    init(index: Int, _ bytes: PageBytes) {
        self.index = index
        pageNumber = bytes.u64(0)
        pageFlags = bytes.u16(10)
        magic = bytes.u32(LMDBLayout.magicOffset)
        version = bytes.u32(LMDBLayout.versionOffset)
        address = bytes.u64(LMDBLayout.addressOffset)
        mapSize = bytes.u64(LMDBLayout.mapSizeOffset)
        free = DatabaseRecord(bytes, at: LMDBLayout.freeRecordOffset)
        main = DatabaseRecord(bytes, at: LMDBLayout.mainRecordOffset)
        lastPage = bytes.u64(LMDBLayout.lastPageOffset)
        transaction = bytes.u64(LMDBLayout.transactionOffset)
    }

    /// What LMDB itself requires to open the file (`mdb_env_read_header`): the meta flag, the
    /// magic number and the data version.
    var isUsable: Bool {
        (pageFlags & LMDBLayout.metaPage) != 0 && magic == LMDBLayout.metaMagic && version == LMDBLayout.dataVersion
    }

    /// The page size, kept in the free database's `md_pad` (`mm_psize`).
    var pageSize: Int { Int(free.pad) }

    static func isValidPageSize(_ size: Int) -> Bool {
        size >= 256 && size <= 65536 && size & (size - 1) == 0
    }
}
