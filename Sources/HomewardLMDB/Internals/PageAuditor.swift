#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Does the work of one ``PageAudit`` attempt: reads the meta pages, walks the trees, accounts for
/// every page and, when asked, classifies every byte.
final class PageAuditor {
    enum Snapshot { case current, previous }

    // Bits of `state`, one byte per whole page of the file.
    static let reachedInCurrent: UInt8 = 0x01
    static let freeInCurrent: UInt8 = 0x02
    static let freedByLastTransaction: UInt8 = 0x04
    static let reachedInPrevious: UInt8 = 0x08
    static let freeInPrevious: UInt8 = 0x10
    static let classified: UInt8 = 0x20

    /// LMDB's cursors hold at most 32 pages (`CURSOR_STACK`): no tree can be deeper.
    static let maximumDepth = 32

    let file: AuditedFile
    let options: PageAudit.Options
    var classifies: Bool { options.classifiesBytes && options.scope == .everyPage }

    private(set) var pageSize = 0
    private(set) var pageCount = 0
    private(set) var problems: [PageAudit.Problem] = []
    private(set) var problemCount = 0
    var databases: [PageAudit.Database] = []
    var usage = PageAudit.PageUsage()
    private(set) var metas: [MetaPage] = []
    private(set) var current: MetaPage?
    private(set) var previous: MetaPage?
    /// Whether the two meta pages describe consecutive transactions, so the previous snapshot can
    /// be compared with the current one.
    private var consecutive = false
    private var metaBytes: [[UInt8]] = []
    private var reported: Set<String> = []

    var state = PageStates<UInt8>(count: 0, dense: false)
    var owner = PageStates<UInt16>(count: 0, dense: false)
    var treeNames: [String] = []
    var freeBeyondFile: [Snapshot: Set<UInt64>] = [:]
    var snapshot: Snapshot = .current
    /// Keys of plain values in the previous snapshot's main database.
    var plainMainKeys: [String] = []
    var segments: [ByteClassification.Segment] = []
    var nodeScratch: [(offset: Int, size: Int)] = []
    private var buffers: [UnsafeMutableRawBufferPointer] = []

    init(file: AuditedFile, options: PageAudit.Options) {
        self.file = file
        self.options = options
    }

    deinit {
        for buffer in buffers { buffer.deallocate() }
    }

    /// The meta page of the snapshot being walked.
    var snapshotMeta: MetaPage? { snapshot == .current ? current : previous }

    /// A page-sized buffer for tree level `level` (from 1), kept for the whole attempt.
    func buffer(forLevel level: Int) -> UnsafeMutableRawBufferPointer {
        while buffers.count < level {
            buffers.append(.allocate(byteCount: max(pageSize, LMDBLayout.metaEnd), alignment: 16))
        }
        return buffers[level - 1]
    }

    // MARK: Problems

    func problem(_ page: UInt64?, _ message: String) {
        // A page both snapshots share is checked twice: report what it has wrong once.
        let key = "\(page.map(String.init) ?? "-") \(message)"
        if snapshot == .current {
            reported.insert(key)
        } else if reported.contains(key) {
            return
        }
        problemCount += 1
        guard problems.count < max(0, options.maximumProblems) else { return }
        var text = message
        if snapshot == .previous, let previous {
            text = "in the previous snapshot (transaction \(previous.transaction)), " + text
        }
        problems.append(PageAudit.Problem(page: page, message: text))
    }

    // MARK: Running

    func run() throws(PageAuditError) {
        try readMetaPages()
        guard let current, pageSize > 0 else { return }
        pageCount = file.size / pageSize
        if pageCount < LMDBLayout.metaPageCount {
            problem(nil, "the file is \(file.size) bytes long, shorter than its two meta pages of \(pageSize) bytes")
            return
        }
        state = PageStates(count: pageCount, dense: options.scope == .everyPage)
        owner = PageStates(count: pageCount, dense: options.scope == .everyPage)
        treeNames = ["meta pages"]
        if classifies {
            for meta in metas { classifyMetaPage(meta) }
        }
        snapshot = .current
        walkSnapshot(current, everyPage: options.scope == .everyPage)
        guard options.scope == .everyPage else { return }
        if let previous, previous.isUsable, consecutive, previous.transaction != current.transaction || previous.transaction == 0 {
            snapshot = .previous
            walkSnapshot(previous, everyPage: true)
            snapshot = .current
        }
        account()
    }

    /// Whether both meta pages still hold what the audit read at its start.
    func metaPagesUnchanged() -> Bool {
        guard !metaBytes.isEmpty else { return true }
        return readMetaBytes() == metaBytes
    }

    private func readMetaBytes() -> [[UInt8]] {
        let first = readBytes(count: LMDBLayout.metaEnd, at: 0)
        let firstPageSize = MetaPage(index: 0, PageBytes(buffer: first.withUnsafeBytes { $0 })).pageSize
        let secondOffset = MetaPage.isValidPageSize(firstPageSize) ? firstPageSize : Int(sysconf(Int32(_SC_PAGESIZE)))
        return [first, readBytes(count: LMDBLayout.metaEnd, at: secondOffset)]
    }

    private func readBytes(count: Int, at offset: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let read = bytes.withUnsafeMutableBytes { file.read(into: $0, count: count, at: offset) }
        if read < count { bytes.removeLast(count - read) }
        return bytes
    }

    // MARK: Meta pages

    private func readMetaPages() throws(PageAuditError) {
        // Read twice until two reads agree, so a meta page being written is not read half-old.
        var bytes = readMetaBytes()
        for _ in 0..<5 {
            let again = readMetaBytes()
            if again == bytes { break }
            bytes = again
        }
        metaBytes = bytes
        guard bytes[0].count == LMDBLayout.metaEnd else {
            throw PageAuditError(.notAnLMDBFile, path: file.path, reason: "it is \(file.size) bytes long, too short for a meta page")
        }
        metas = bytes.enumerated().map { index, raw in
            var padded = raw
            if padded.count < LMDBLayout.metaEnd { padded += [UInt8](repeating: 0, count: LMDBLayout.metaEnd - padded.count) }
            return padded.withUnsafeBytes { MetaPage(index: index, PageBytes(buffer: $0)) }
        }
        if !metas[0].isUsable && !metas[1].isUsable {
            throw PageAuditError(.notAnLMDBFile, path: file.path, reason: "neither page 0 nor page 1 is an LMDB meta page")
        }
        if bytes[1].count < LMDBLayout.metaEnd {
            problem(1, "the file ends before the second meta page")
        }
        for meta in metas { checkMetaPage(meta, complete: bytes[meta.index].count == LMDBLayout.metaEnd) }

        let usable = metas.filter(\.isUsable)
        if usable.count == 2 {
            // mdb_env_pick_meta: the higher transaction id; page 0 on a tie.
            let chosen = metas[1].transaction > metas[0].transaction ? 1 : 0
            current = metas[chosen]
            previous = metas[1 - chosen]
        } else {
            current = usable[0]
            previous = metas[1 - usable[0].index]
            problem(
                UInt64(1 - usable[0].index),
                "this meta page is not usable, so LMDB refuses to open the file (it reads both meta pages)"
            )
        }
        guard let current, let previous else { return }

        if MetaPage.isValidPageSize(current.pageSize) {
            pageSize = current.pageSize
        } else if MetaPage.isValidPageSize(previous.pageSize) {
            pageSize = previous.pageSize
        } else {
            problem(nil, "neither meta page gives a usable page size, so no page can be found")
            return
        }
        if previous.isUsable, MetaPage.isValidPageSize(previous.pageSize), MetaPage.isValidPageSize(current.pageSize),
            previous.pageSize != current.pageSize
        {
            problem(nil, "meta page 0 gives a page size of \(metas[0].pageSize) bytes and meta page 1 one of \(metas[1].pageSize)")
        }
        guard previous.isUsable else { return }
        // Every commit copies the free list's record, whose md_flags hold the environment's
        // persistent flags, from the meta page before: both pages hold the same flags.
        if metas[0].free.flags != metas[1].free.flags {
            problem(nil, "meta page 0 gives the environment flags 0x\(hex(metas[0].free.flags)) and meta page 1 0x\(hex(metas[1].free.flags)); LMDB copies them unchanged")
        }
        // mdb_dbi_open only ever adds flags to the main database.
        if previous.main.flags & ~current.main.flags != 0 {
            problem(
                UInt64(previous.index),
                "the main database had flags 0x\(hex(previous.main.flags)) in the previous transaction and has 0x\(hex(current.main.flags)) now; LMDB only ever adds flags to it"
            )
        }
        let bothNew = current.transaction == 0 && previous.transaction == 0
        consecutive = bothNew || (previous.transaction < current.transaction && current.transaction - previous.transaction == 1)
        if !consecutive {
            problem(
                nil,
                "meta page 0 holds transaction \(metas[0].transaction) and meta page 1 transaction \(metas[1].transaction); LMDB writes the two pages in turn, so they differ by exactly one"
            )
        }
        if previous.lastPage > current.lastPage {
            problem(
                UInt64(current.index),
                "the current meta page ends the file at page \(current.lastPage), before the previous transaction's last page \(previous.lastPage): LMDB never shrinks the file"
            )
        }
    }

    private func checkMetaPage(_ meta: MetaPage, complete: Bool) {
        guard complete else { return }
        let page = UInt64(meta.index)
        if meta.pageFlags != LMDBLayout.metaPage {
            problem(page, "the page flags are 0x\(hex(meta.pageFlags)), not 0x08 (a meta page)")
        }
        if meta.magic != LMDBLayout.metaMagic {
            problem(page, "the magic number is 0x\(hex(meta.magic)), not 0xbeefc0de")
        }
        if meta.version != LMDBLayout.dataVersion {
            problem(page, "the data format version is \(meta.version), not 1")
        }
        if meta.pageNumber != page {
            problem(page, "the page header says it is page \(meta.pageNumber)")
        }
        if !MetaPage.isValidPageSize(meta.pageSize) {
            problem(page, "the page size \(meta.pageSize) is not a power of two from 256 to 65536")
        }
        let allowedEnvironmentFlags = LMDBLayout.integerKey | LMDBLayout.fixedMap | LMDBLayout.noSubdirectory
        if meta.free.flags & LMDBLayout.integerKey == 0 || meta.free.flags & ~allowedEnvironmentFlags != 0 {
            problem(page, "the free list's flags are 0x\(hex(meta.free.flags)): integer keys (0x08) with no flags but 0x01 and 0x4000")
        }
        if let reason = Self.databaseFlagsProblem(meta.main.flags) {
            problem(page, "the main database's flags are 0x\(hex(meta.main.flags)): \(reason)")
        }
        if meta.lastPage < 1 {
            problem(page, "the last page is \(meta.lastPage), before the meta pages' own page 1")
        }
        if meta.transaction != 0 && meta.transaction % 2 != page {
            problem(page, "it holds transaction \(meta.transaction), which LMDB writes to meta page \(meta.transaction % 2)")
        }
    }

    /// What is wrong with a database's `md_flags`, or `nil`.
    static func databaseFlagsProblem(_ flags: UInt16) -> String? {
        if flags & ~LMDBLayout.persistentDatabaseFlags != 0 { return "not flags of mdb_dbi_open" }
        let duplicateOnly = LMDBLayout.duplicateFixed | LMDBLayout.integerDuplicate | LMDBLayout.reverseDuplicate
        if flags & duplicateOnly != 0 && flags & LMDBLayout.duplicateSort == 0 {
            return "flags for duplicates without sorted duplicates"
        }
        return nil
    }

    // MARK: Accounting

    /// Checks that every page up to the last page is used once or free once, in each snapshot,
    /// and that the previous snapshot's pages are still used or were freed by the last transaction.
    private func account() {
        guard let current else { return }
        let previousWalked = previous.map { $0.isUsable && consecutive } ?? false
        var leaked: [ClosedRange<UInt64>] = []
        var leakedInPrevious: [ClosedRange<UInt64>] = []
        var lost: [UInt64] = []
        var lostCount = 0
        func add(_ page: UInt64, to ranges: inout [ClosedRange<UInt64>]) {
            if let last = ranges.last, last.upperBound + 1 == page {
                ranges[ranges.count - 1] = last.lowerBound...page
            } else {
                ranges.append(page...page)
            }
        }
        usage.meta = LMDBLayout.metaPageCount
        for index in LMDBLayout.metaPageCount..<pageCount {
            let page = UInt64(index)
            let bits = state[index]
            let inCurrent = bits & Self.reachedInCurrent != 0
            let inPrevious = bits & Self.reachedInPrevious != 0
            if page <= current.lastPage {
                if inCurrent && bits & Self.freeInCurrent != 0 {
                    problem(page, "it is used by \(treeNames[Int(owner[index])]) and the free list lists it too")
                }
                if !inCurrent && bits & Self.freeInCurrent == 0 { add(page, to: &leaked) }
            }
            if previousWalked, let previous, page <= previous.lastPage {
                if inPrevious && bits & Self.freeInPrevious != 0 {
                    snapshot = .previous
                    problem(page, "it is used and its free list lists it too")
                    snapshot = .current
                }
                if !inPrevious && bits & Self.freeInPrevious == 0 { add(page, to: &leakedInPrevious) }
            }
            if previousWalked && current.transaction > 0 && inPrevious && !inCurrent && bits & Self.freedByLastTransaction == 0 {
                lostCount += 1
                if lost.count < 5 { lost.append(page) }
            }
            if inCurrent {
                usage.inUse += 1
            } else if inPrevious {
                usage.previousSnapshotOnly += 1
            } else if page > current.lastPage {
                usage.beyondLastPage += 1
            } else if bits & Self.freeInCurrent != 0 {
                usage.free += 1
            } else {
                usage.leaked += 1
            }
        }
        for range in leaked {
            if range.count == 1 {
                problem(range.lowerBound, "no tree uses this page and the free list does not list it (a leaked page, or a damaged reference to it)")
            } else {
                problem(nil, "pages \(range.lowerBound)–\(range.upperBound): no tree uses them and the free list does not list them (leaked pages, or damaged references to them)")
            }
        }
        if !leakedInPrevious.isEmpty {
            snapshot = .previous
            let first = leakedInPrevious[0]
            problem(nil, "\(leakedInPrevious.reduce(0) { $0 + $1.count }) pages from page \(first.lowerBound) on are neither used nor listed free")
            snapshot = .current
        }
        if lostCount > 0 {
            problem(
                lost[0],
                "\(lostCount) page(s) of the previous snapshot (\(lost.map(String.init).joined(separator: ", "))\(lostCount > lost.count ? ", …" : "")) are neither used by transaction \(current.transaction) nor freed by it: the meta pages do not hold consecutive snapshots (a damaged transaction id?)"
            )
        }
        checkPagesBeyondFile(current, snapshot: .current)
        if previousWalked, let previous { checkPagesBeyondFile(previous, snapshot: .previous) }
    }

    /// Pages up to the last page that lie beyond the end of the file must all be free.
    private func checkPagesBeyondFile(_ meta: MetaPage, snapshot which: Snapshot) {
        let firstMissing = UInt64(pageCount)
        guard meta.lastPage >= firstMissing else { return }
        let free = freeBeyondFile[which, default: []].filter { $0 >= firstMissing && $0 <= meta.lastPage }.count
        let missing = meta.lastPage - firstMissing + 1
        if missing > UInt64(free) {
            snapshot = which
            problem(
                UInt64(meta.index),
                "the last page is \(meta.lastPage) but the file ends after page \(firstMissing - 1), and \(missing - UInt64(free)) of the pages in between are not free"
            )
            snapshot = .current
        }
    }
}

func hex<T: BinaryInteger>(_ value: T) -> String {
    String(value, radix: 16)
}

/// A name read from the file, fit for a one-line message: control characters are escaped.
func printable(_ name: String) -> String {
    name.unicodeScalars.map { scalar in
        scalar.properties.generalCategory == .control ? "\\u{\(hex(scalar.value))}" : String(scalar)
    }.joined()
}
