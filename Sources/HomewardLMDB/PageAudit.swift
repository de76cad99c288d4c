/// A read-only check of the page structure of an LMDB data file, done without LMDB.
///
/// LMDB keeps no checksums: a damaged page header or node table can make it crash, loop or
/// silently read wrong data. A page audit reads the file itself with `pread(2)` (it never maps the
/// file and never calls LMDB), checks every offset before it uses it, and so cannot crash or loop
/// on any input. Run it before reading a file of unknown health through LMDB.
///
/// It reads both meta pages and picks the one LMDB would pick, then walks every B-tree of that
/// snapshot (the free list, the main database and every named database, with sorted-duplicate
/// sub-trees and overflow runs) and of the previous snapshot, which LMDB keeps intact until the
/// next commit. It checks page numbers, page flags for the position in the tree, `lower`/`upper`,
/// that the nodes fill the node area exactly, key order within each page and against the parent's
/// separators, tree depth, entry and page counts against each database record, overflow runs, and
/// that every page up to the last page is used exactly once or listed free exactly once. It checks
/// that the two meta pages hold consecutive transactions, and that every page of the previous
/// snapshot is still used or was freed by the last transaction.
///
/// ```swift
/// let audit = try PageAudit(dataFile: directory + "/data.mdb")
/// for problem in audit.problems { print(problem) }
/// ```
///
/// The audit assumes LMDB's 64-bit little-endian layout (`MDB_meta` and `MDB_page` of LMDB 0.9).
/// Concurrent writers are tolerated: when the meta pages change or the file grows during the
/// audit, it starts again
/// (see ``Options/attempts``).
///
/// ## Topics
/// ### Auditing
/// - ``init(dataFile:options:)``
/// - ``Options``
/// ### Results
/// - ``problems``
/// - ``isSound``
/// - ``Problem``
/// - ``classification``
/// - ``holdsData(atOffset:)``
public struct PageAudit: Sendable {
    /// One thing wrong with the file.
    public struct Problem: Hashable, Sendable, CustomStringConvertible {
        /// The page concerned, when there is one.
        public var page: UInt64?
        /// What is wrong, in one sentence.
        public var message: String

        /// Creates a problem.
        /// - Parameters:
        ///   - page: The page concerned.
        ///   - message: What is wrong, in one sentence.
        public init(page: UInt64?, message: String) {
            self.page = page
            self.message = message
        }

        public var description: String {
            page.map { "page \($0): \(message)" } ?? message
        }
    }

    /// What the audit found of one database of the current snapshot.
    public struct Database: Hashable, Sendable {
        /// `nil` for the main (unnamed) database; the free list is not listed.
        public var name: String?
        /// The entries the database record claims.
        public var entries: UInt64
        /// The tree's depth (0 when empty).
        public var depth: Int
        /// The branch pages the database record claims.
        public var branchPages: UInt64
        /// The leaf pages the database record claims.
        public var leafPages: UInt64
        /// The overflow pages the database record claims.
        public var overflowPages: UInt64
        /// The root page, or `nil` when the database is empty.
        public var root: UInt64?
        /// The database's persistent flags (`md_flags`), with the values `mdb_dbi_open` takes:
        /// 0x02 reversed keys, 0x04 sorted duplicates, 0x08 integer keys, 0x10 fixed-size
        /// duplicates, 0x20 integer duplicates, 0x40 reversed duplicates. 0 for plain byte keys.
        public var flags: UInt16
    }

    /// How the file's pages are used, counted over whole pages of the file.
    public struct PageUsage: Hashable, Sendable {
        /// The two meta pages.
        public var meta = 0
        /// Pages of a tree of the current snapshot.
        public var inUse = 0
        /// Pages only the previous snapshot uses (freed by the last transaction).
        public var previousSnapshotOnly = 0
        /// Pages the free list lists and no snapshot uses.
        public var free = 0
        /// Pages up to the last page that nothing uses or lists (each is also a problem).
        public var leaked = 0
        /// Pages after the last page.
        public var beyondLastPage = 0
    }

    /// The audited file's path.
    public let path: String
    /// The file's size in bytes when it was audited.
    public let fileSize: Int
    /// The page size, from the meta page (`mm_psize`); 0 when no meta page gives a usable one.
    public let pageSize: Int
    /// The meta page (0 or 1) LMDB would open.
    public let currentMetaPage: Int
    /// The transaction id of that meta page.
    public let transactionID: UInt64
    /// The last page number of that meta page (`mm_last_pg`).
    public let lastPageNumber: UInt64
    /// Everything found wrong, at most ``Options/maximumProblems`` of them, in the order found.
    public let problems: [Problem]
    /// How many problems were found, including those not kept in ``problems``.
    public let problemCount: Int
    /// The databases of the current snapshot: the main database and the named ones.
    public let databases: [Database]
    /// How the pages are used.
    public let pages: PageUsage
    /// What every byte is for, when ``Options/classifiesBytes`` was set.
    public let classification: ByteClassification?
    /// How many times the audit ran: more than once when the meta pages changed meanwhile.
    public let attempts: Int
    /// `false` when the meta pages or the file's size still changed during the last attempt: a
    /// writer kept committing, so the problems found may come from pages rewritten (or the file
    /// grown) while they were read.
    public let isSettled: Bool

    /// `true` when no problem was found.
    public var isSound: Bool { problemCount == 0 }

    /// Audits a data file.
    /// - Parameters:
    ///   - path: The data file, such as `DIRECTORY/data.mdb`.
    ///   - options: How much to check and what to keep.
    /// - Throws: ``PageAuditError`` when the file cannot be read or neither of its first two pages
    ///   is an LMDB meta page. Damage is never thrown: it is reported in ``problems``.
    public init(dataFile path: String, options: Options = Options()) throws(PageAuditError) {
        var attempt = 0
        while true {
            attempt += 1
            let file = try AuditedFile(path: path)
            let auditor = PageAuditor(file: file, options: options)
            try auditor.run()
            // A writer that committed between the file's size and its meta pages being read
            // leaves meta pages pointing past the size read: the size must not have changed either.
            let settled = auditor.metaPagesUnchanged() && file.currentSize() == file.size
            if settled || attempt >= max(1, options.attempts) {
                self.path = path
                fileSize = file.size
                pageSize = auditor.pageSize
                currentMetaPage = auditor.current?.index ?? 0
                transactionID = auditor.current?.transaction ?? 0
                lastPageNumber = auditor.current?.lastPage ?? 0
                problems = auditor.problems
                problemCount = auditor.problemCount
                databases = auditor.databases
                pages = auditor.usage
                classification = auditor.makeClassification()
                attempts = attempt
                isSettled = settled
                return
            }
        }
    }

    /// Whether the byte at `offset` holds data: read by LMDB or checked by the audit.
    /// - Parameter offset: A byte offset in the file.
    /// - Returns: The answer, or `nil` when the audit ran without ``Options/classifiesBytes``.
    public func holdsData(atOffset offset: Int) -> Bool? {
        classification?.holdsData(atOffset: offset)
    }

    /// The data file of an environment directory.
    /// - Parameter directory: The environment's directory.
    /// - Returns: `directory/data.mdb`.
    public static func dataFile(inEnvironment directory: String) -> String {
        directory.hasSuffix("/") ? directory + "data.mdb" : directory + "/data.mdb"
    }
}
