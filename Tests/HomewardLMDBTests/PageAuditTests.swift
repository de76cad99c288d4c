import Foundation
import HomewardLMDB
import HomewardTesting
import Testing

/// An environment with named databases, overflow values, sorted duplicates (in sub-pages and in
/// sub-trees, of variable and of fixed size), deletions and overwrites over many transactions, so
/// that it has free pages and both meta pages in use.
private func makeEnvironment(in directory: TemporaryDirectory) throws -> String {
    let environment = try Environment.open(path: directory.path)
    let small = try environment.openDatabase(named: "small", options: .create)
    let large = try environment.openDatabase(named: "large", options: .create)
    let tags = try environment.openDatabase(named: "tags", options: [.create, .duplicateSort])
    let fixed = try environment.openDatabase(named: "fixed", options: [.create, .duplicateSort, .duplicateFixed])
    func bigEndian(_ value: Int) -> [UInt8] { withUnsafeBytes(of: UInt64(value).bigEndian) { Array($0) } }
    for batch in 0..<12 {
        try environment.write { transaction in
            for index in 0..<60 {
                try transaction.put(small, key: Array("key-\(batch)-\(index)".utf8), value: Array(repeating: UInt8(index), count: index % 7 * 9 + 1))
            }
            try transaction.put(large, key: bigEndian(batch), value: Array(repeating: UInt8(batch), count: 3000 + batch * 700))
            for value in 0..<(batch == 5 ? 400 : 3) {
                try transaction.put(tags, key: Array("tag-\(batch)".utf8), value: Array("member-\(value)".utf8))
                try transaction.put(fixed, key: Array("set-\(batch)".utf8), value: bigEndian(value * 3 + batch))
            }
        }
    }
    try environment.write { transaction in
        for index in stride(from: 0, to: 60, by: 2) { try transaction.delete(small, key: Array("key-3-\(index)".utf8)) }
        try transaction.delete(large, key: bigEndian(4))
        try transaction.put(large, key: bigEndian(7), value: [1, 2, 3])
    }
    return PageAudit.dataFile(inEnvironment: directory.path)
}

private func classifyingOptions() -> PageAudit.Options {
    var options = PageAudit.Options()
    options.classifiesBytes = true
    return options
}

/// A copy of `bytes` with `change` applied, written beside the original.
private func damagedCopy(of bytes: Data, in directory: TemporaryDirectory, _ change: (inout Data) -> Void) throws -> String {
    var copy = bytes
    change(&copy)
    let path = directory.appending("damaged-\(UUID().uuidString.prefix(6)).mdb")
    try copy.write(to: URL(fileURLWithPath: path))
    return path
}

private func store<T: FixedWidthInteger>(_ value: T, at offset: Int, in bytes: inout Data) {
    withUnsafeBytes(of: value.littleEndian) { raw in
        for (index, byte) in raw.enumerated() { bytes[offset + index] = byte }
    }
}

struct PageAuditTests {
    @Test func aFreshEnvironmentAuditsCleanAndEveryByteIsClassified() throws {
        let directory = try TemporaryDirectory(prefix: "homeward-audit")
        let path = try makeEnvironment(in: directory)
        let audit = try PageAudit(dataFile: path, options: classifyingOptions())
        let sound = audit.isSound
        #expect(sound, "\(audit.problems)")
        #expect(audit.pageSize == Int(sysconf(Int32(_SC_PAGESIZE))))
        #expect(audit.transactionID >= 13)
        let names = Set(audit.databases.compactMap(\.name))
        #expect(names == ["small", "large", "tags", "fixed"])
        #expect(audit.databases.first { $0.name == "small" }?.entries == 12 * 60 - 30)
        #expect(audit.databases.first { $0.name == "large" }?.overflowPages ?? 0 > 10, "large values live in overflow runs")
        #expect(audit.databases.first { $0.name == "tags" }?.entries == 11 * 3 + 400, "every duplicate value is an entry")

        let classification = try #require(audit.classification)
        var position = 0
        for segment in classification.segments {
            #expect(segment.range.lowerBound == position, "segments leave no gap and do not overlap")
            position = segment.range.upperBound
        }
        #expect(position == audit.fileSize, "the segments cover the whole file")
        let counts = classification.byteCounts
        #expect(counts[.unusedGap, default: 0] > 0)
        #expect(counts[.overflowData, default: 0] > 30_000)
        #expect(counts[.freePage, default: 0] + counts[.unusedGap, default: 0] + counts[.nodePadding, default: 0] > 0)
        #expect(counts[.leakedPage] == nil, "no page is leaked")
        let pages = audit.pages
        #expect(pages.meta + pages.inUse + pages.previousSnapshotOnly + pages.free + pages.leaked + pages.beyondLastPage == audit.fileSize / audit.pageSize)
        #expect(pages.free + pages.previousSnapshotOnly > 0, "deletions and copies on write leave free pages")
        #expect(classification.holdsData(atOffset: 16), "the magic number holds data")
        #expect(!classification.holdsData(atOffset: audit.pageSize - 1), "the end of a meta page holds none")
        #expect(audit.holdsData(atOffset: audit.fileSize) == false, "nothing beyond the file")
    }

    @Test func aCheapAuditReadsOnlyMetaPagesAndRoots() throws {
        let directory = try TemporaryDirectory(prefix: "homeward-audit")
        let path = try makeEnvironment(in: directory)
        var options = PageAudit.Options()
        options.scope = .metaPagesAndRoots
        options.classifiesBytes = true
        let audit = try PageAudit(dataFile: path, options: options)
        let sound = audit.isSound
        #expect(sound, "\(audit.problems)")
        #expect(audit.classification == nil, "classifying needs every page")
        #expect(audit.databases.count == 5)
    }

    /// Damage to one field of a page in use is reported, naming that page.
    @Test(arguments: ["pgno", "flags", "lower", "upper", "node offset", "node key size"])
    func damageToAPageIsReportedNamingThePage(field: String) throws {
        let directory = try TemporaryDirectory(prefix: "homeward-audit")
        let path = try makeEnvironment(in: directory)
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        let audit = try PageAudit(dataFile: path, options: classifyingOptions())
        let pageSize = audit.pageSize
        // A page in use with at least two nodes: its node pointers are classified as such.
        let segment = try #require(audit.classification?.segments.first { $0.kind == .nodePointers && $0.range.count >= 4 })
        let page = segment.range.lowerBound / pageSize
        let base = page * pageSize
        let damaged = try damagedCopy(of: original, in: directory) { bytes in
            switch field {
            case "pgno": store(UInt64(page + 1), at: base, in: &bytes)
            case "flags": store(UInt16(0x04), at: base + 10, in: &bytes)
            case "lower": store(UInt16(15), at: base + 12, in: &bytes)
            case "upper": store(UInt16(pageSize + 2), at: base + 14, in: &bytes)
            case "node offset": store(UInt16(2), at: base + 16, in: &bytes)
            default:
                let node = Int(bytes[base + 16]) | Int(bytes[base + 17]) << 8
                store(UInt16(pageSize), at: base + node + 6, in: &bytes)
            }
        }
        let found = try PageAudit(dataFile: damaged)
        #expect(!found.isSound)
        #expect(found.problems.contains { $0.page == UInt64(page) }, "\(found.problems)")
        #expect(found.problems.allSatisfy { !$0.message.isEmpty && !$0.description.contains("\n") })
    }

    @Test func damagedMetaPagesAreReportedAndAFileWithoutAnyIsRefused() throws {
        let directory = try TemporaryDirectory(prefix: "homeward-audit")
        let path = try makeEnvironment(in: directory)
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        let pageSize = try PageAudit(dataFile: path).pageSize

        let badMagic = try PageAudit(dataFile: try damagedCopy(of: original, in: directory) { $0[pageSize + 16] ^= 0x01 })
        #expect(badMagic.problems.contains { $0.page == 1 && $0.message.contains("magic") }, "\(badMagic.problems)")

        let oldTransaction = try PageAudit(dataFile: path).currentMetaPage == 0 ? pageSize : 0
        let skewed = try PageAudit(dataFile: try damagedCopy(of: original, in: directory) { $0[oldTransaction + 144] ^= 0x08 })
        #expect(skewed.problems.contains { $0.message.contains("differ by exactly one") }, "\(skewed.problems)")

        let error = #expect(throws: PageAuditError.self) {
            try PageAudit(dataFile: try damagedCopy(of: original, in: directory) { bytes in
                bytes[16] ^= 0xFF
                bytes[pageSize + 16] ^= 0xFF
            })
        }
        #expect(error?.code == .notAnLMDBFile)
        #expect(throws: PageAuditError.self) { try PageAudit(dataFile: directory.appending("missing.mdb")) }
    }

    @Test func aTruncatedFileIsReportedNotCrashedOn() throws {
        let directory = try TemporaryDirectory(prefix: "homeward-audit")
        let path = try makeEnvironment(in: directory)
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        let truncated = try damagedCopy(of: original, in: directory) { $0.removeLast($0.count / 3) }
        let audit = try PageAudit(dataFile: truncated)
        #expect(audit.problems.contains { $0.message.contains("end of the file") || $0.message.contains("file ends") }, "\(audit.problems)")
    }

    /// Every flip of one bit in a byte of the structure (meta fields, page headers, node pointers)
    /// is found by the audit alone; flips in bytes that hold no data are not reported (but for the
    /// previous snapshot's keys, whose order the audit checks although LMDB does not read them).
    @Test func everyFlippedStructureBitIsFound() throws {
        let directory = try TemporaryDirectory(prefix: "homeward-audit")
        let path = try makeEnvironment(in: directory)
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        let classification = try #require(try PageAudit(dataFile: path, options: classifyingOptions()).classification)
        var random = SeededGenerator(seed: 20_270_131)
        var structural = 0
        var withoutData = 0
        for _ in 0..<600 {
            let offset = Int(random.next() % UInt64(original.count))
            let bit = UInt8(1) << UInt8(random.next() % 8)
            let kind = try #require(classification.kind(atOffset: offset))
            guard [.metaField, .pageHeader, .nodePointers].contains(kind) || (!kind.holdsData && kind != .previousSnapshotEntry) else { continue }
            let audit = try PageAudit(dataFile: try damagedCopy(of: original, in: directory) { $0[offset] ^= bit })
            let sound = audit.isSound
            if kind.holdsData {
                structural += 1
                #expect(!sound, "a flip of bit \(bit) at \(offset) (\(kind)) went unnoticed")
            } else {
                withoutData += 1
                #expect(sound, "a flip at \(offset) (\(kind)) holds no data but was reported: \(audit.problems)")
            }
        }
        #expect(structural > 5 && withoutData > 50)
    }
}

/// A small deterministic generator (SplitMix64), so a failing offset can be found again.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
