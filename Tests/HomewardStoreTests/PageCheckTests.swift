import Foundation
import HomewardLMDB
import HomewardStore
import HomewardTesting
import Testing

/// A closed store with a few hundred events, and its data file's path.
private func makeStore(in directory: TemporaryDirectory) throws -> (path: String, dataFile: String) {
    let path = directory.appending("store")
    let store = try EventStore(path: path)
    for batch in 0..<20 {
        try store.append((0..<20).map { .sample(index: batch * 20 + $0, payloadSize: 200) }, to: StreamID(validating: "case-\(batch % 5)"))
    }
    return (path, PageAudit.dataFile(inEnvironment: path))
}

private func rewrite(_ file: String, _ change: (inout Data) throws -> Void) throws {
    var bytes = try Data(contentsOf: URL(fileURLWithPath: file))
    try change(&bytes)
    try bytes.write(to: URL(fileURLWithPath: file))
}

@Suite(.serialized)
struct PageCheckTests {
    @Test func aSoundStorePassesThePageAuditBeforeAndAfterOpening() throws {
        let directory = try TemporaryDirectory()
        let (path, _) = try makeStore(in: directory)
        let before = try #require(EventStore.verifyPages(ofStoreAt: path))
        #expect(before.isSound, "\(before.problems)")
        #expect(before.pagesChecked > 10)
        let report = try EventStore(path: path).verify()
        #expect(report.isSound, "\(report.problems)")
        #expect(report.pagesChecked == before.pagesChecked)
        #expect(report.eventsChecked == 400)
        #expect(EventStore.verifyPages(ofStoreAt: directory.appending("nothing-here")) == nil, "no data file: nothing to audit")
    }

    /// A damaged root page is refused when the store is opened, with a message naming the page,
    /// instead of LMDB reading it.
    @Test func aDamagedRootPageIsRefusedAtOpen() throws {
        let directory = try TemporaryDirectory()
        let (path, dataFile) = try makeStore(in: directory)
        let audit = try PageAudit(dataFile: dataFile)
        let log = try #require(audit.databases.first { $0.name == "log" })
        let root = try #require(log.root)
        try rewrite(dataFile) { bytes in
            bytes[Int(root) * audit.pageSize + 12] ^= 0x40  // the root's lower bound
        }
        let error = #expect(throws: EventStoreError.self) { try EventStore(path: path) }
        #expect(error?.code == .corrupted)
        #expect(error?.message.contains("page \(root)") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("damaged") == true)
    }

    /// Damage below the roots is not seen by the cheap check at open; verify finds it first thing
    /// and reads nothing through LMDB.
    @Test func verifyReportsDamageBelowTheRootsWithoutReadingTheLog() throws {
        let directory = try TemporaryDirectory()
        let (path, dataFile) = try makeStore(in: directory)
        let audit = try PageAudit(dataFile: dataFile)
        // The current meta page claims one more page than the file holds: a page that is neither
        // used nor free (the meta page's own fields are sound, so opening succeeds).
        let meta = audit.currentMetaPage * audit.pageSize
        try rewrite(dataFile) { bytes in
            let last = bytes.subdata(in: (meta + 136)..<(meta + 144)).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
            withUnsafeBytes(of: last + 1) { bytes.replaceSubrange((meta + 136)..<(meta + 144), with: $0) }
        }
        let store = try EventStore(path: path)
        let report = try store.verify()
        #expect(!report.isSound)
        #expect(report.problemCounts[.pageStructure] == 1)
        #expect(report.firstProblem?.message.contains("not free") == true, "\(report.problems)")
        #expect(report.eventsChecked == 0, "nothing was read through LMDB")
        #expect(EventStore.verifyPages(ofStoreAt: path)?.isSound == false)
    }

    /// The creation time is kept beside its SHA-256: a changed digit is found.
    @Test func aChangedCreationTimeIsFound() throws {
        let directory = try TemporaryDirectory()
        let before = Timestamp.now.rfc3339
        let (path, dataFile) = try makeStore(in: directory)
        let after = Timestamp.now.rfc3339
        try rewrite(dataFile) { bytes in
            // The creation time's text (its hour, unless the store was made across one), in every
            // copy of the page: the file keeps older copies of `meta`'s page among its free pages.
            let file = bytes
            let prefix = try #require([before, after].lazy.map { Data($0.prefix(13).utf8) }.first { file.range(of: $0) != nil })
            var start = file.startIndex
            while let hour = file.range(of: prefix, in: start..<file.endIndex) {
                bytes[hour.lowerBound + 3] ^= 0x01  // the last digit of the year
                start = hour.upperBound
            }
        }
        let report = try EventStore(path: path).verify()
        #expect(report.problems.first { $0.kind == .storeMeta }?.message.contains("SHA-256") == true, "\(report.problems)")
    }

    @Test func formatZeroIsRefusedAtOpen() throws {
        let directory = try TemporaryDirectory()
        let (path, _) = try makeStore(in: directory)
        do {
            let environment = try Environment.open(path: path)
            let meta = try environment.openDatabase(named: "meta")
            try environment.write { try $0.put(meta, key: Array("format".utf8), value: [0, 0, 0, 0]) }
        }
        let error = #expect(throws: EventStoreError.self) { try EventStore(path: path) }
        #expect(error?.code == .corrupted)
        #expect(error?.message.contains("format 0") == true)
    }
}
