import Crypto
import Foundation
import HomewardLMDB

extension EventStore {
    /// Walks the whole log, recomputes every chain hash and checks every index against it.
    ///
    /// First, with `checkingPages`, audits the page structure of the data file without LMDB (see
    /// ``verifyPages(ofStoreAt:)``), inside a read transaction that keeps the pages in place. When
    /// that finds damage, the report holds a ``VerificationReport/Kind/pageStructure`` problem for
    /// each thing wrong and nothing is read through LMDB, which could crash or read wrong data.
    /// Then checks the store's own records: the format version, and the creation time against
    /// its SHA-256 (for stores that keep it), and that `meta` holds nothing else but projection
    /// checkpoints.
    ///
    /// Then checks, for each record: its key follows the previous one without a gap; it decodes; it
    /// names its own position; it was not recorded earlier than the record before; its hash is
    /// SHA-256 of the previous hash and its canonical bytes; the stream index, the event-id index
    /// and the recorded-time index point back at it. Then that stream versions are gapless and the
    /// indexes hold nothing else. With `expected`, also that the log still holds that head: the
    /// record at its position has its hash, so nothing up to it was rewritten or truncated.
    ///
    /// Reads in pages of short read transactions, so appends may go on meanwhile; records appended
    /// after the walk started are not checked.
    /// - Parameters:
    ///   - expected: A head kept elsewhere, to prove the log's prefix.
    ///   - checkingPages: Whether to audit the page structure first (default). Pass `false` only
    ///     when ``verifyPages(ofStoreAt:)`` just found it sound.
    ///   - progress: Called after each page with the positions checked and the head being walked to.
    /// - Returns: What was checked and the first problem of each kind.
    /// - Throws: ``EventStoreError`` only when the store cannot be read at all.
    public func verify(
        expecting expected: StoreHead? = nil,
        checkingPages: Bool = true,
        progress: ((_ checked: UInt64, _ total: UInt64) -> Void)? = nil
    ) throws -> VerificationReport {
        var report = VerificationReport()
        if checkingPages {
            report = try verifyPages()
            if !report.isSound { return report }
        }
        try checkStoreRecords(&report)
        let end = try read("reading the head") { try storage.head(in: $0).position }
        var previousHash = ChainHash.zero
        var previousRecordedAt: Timestamp?
        var streamVersions: [StreamID: UInt64] = [:]
        var lastPositionAtTime: [(second: Int64, position: UInt64)] = []
        var expectedKey: UInt64 = 1
        var headReached = report.head

        while expectedKey <= end {
            let done = try read("verifying from position \(expectedKey)") { transaction -> Bool in
                let cursor = try transaction.cursor(storage.log)
                let mark = try storage.unindexedMark(in: transaction)
                var entry = try cursor.seek(atLeast: BigEndian.bytes(expectedKey))
                var checkedInPage = 0
                while let current = entry, checkedInPage < 8192 {
                    let key = BigEndian.uint64(current.key)
                    if key > end { return true }
                    if key != expectedKey {
                        report.record(.gap, at: expectedKey, "position \(expectedKey) is missing; the next record is at \(key)")
                    }
                    checkRecord(current.value, key: key, indexed: mark.first.map { key < $0 } ?? true, mark: mark,
                                report: &report, previousHash: &previousHash,
                                previousRecordedAt: &previousRecordedAt, streamVersions: &streamVersions,
                                timeRuns: &lastPositionAtTime, transaction: transaction)
                    headReached = StoreHead(position: key, hash: Envelope.storedHash(of: current.value), recordedAt: previousRecordedAt)
                    report.eventsChecked += 1
                    expectedKey = key + 1
                    checkedInPage += 1
                    entry = try cursor.next()
                }
                return entry == nil
            }
            progress?(expectedKey - 1, end)
            if done { break }
        }
        if expectedKey <= end {
            report.record(.gap, at: expectedKey, "the log ends at position \(expectedKey - 1) but its head was \(end)")
        }
        report.head = headReached
        report.streamsChecked = streamVersions.count
        try checkIndexTotals(&report, end: end, streamVersions: streamVersions, timeRuns: lastPositionAtTime)
        if let expected { try checkExpectedHead(expected, report: &report) }
        return report
    }

    /// Checks the `meta` database: the format version, the creation time (and its digest, when
    /// the store keeps one), and that nothing else but projection checkpoints is there.
    private func checkStoreRecords(_ report: inout VerificationReport) throws {
        try read("checking the store's records") { transaction in
            let cursor = try transaction.cursor(storage.meta)
            var entry = try cursor.first()
            var created: [UInt8]?
            var digest: [UInt8]?
            var sawFormat = false
            while let current = entry {
                let key = Array(current.key)
                if key == StorageLayout.formatKey {
                    sawFormat = true
                    let version = current.value.count == 4 ? UInt32(littleEndian: current.value.loadUnaligned(as: UInt32.self)) : 0
                    if !(1...StorageLayout.formatVersion).contains(version) {
                        report.record(.storeMeta, at: nil, "the format record holds \(current.value.count) bytes \(Array(current.value)), not a format from 1 to \(StorageLayout.formatVersion)")
                    }
                } else if key == StorageLayout.unindexedFromKey {
                    if current.value.count != 8 {
                        report.record(.storeMeta, at: nil, "the unindexed-from record holds \(current.value.count) bytes, not 8")
                    }
                } else if key == StorageLayout.createdKey {
                    created = Array(current.value)
                } else if key == StorageLayout.createdDigestKey {
                    digest = Array(current.value)
                } else if !key.starts(with: StorageLayout.projectionKeyPrefix) {
                    report.record(.storeMeta, at: nil, "the store's records hold an unknown key '\(String(decoding: key, as: UTF8.self))'")
                }
                entry = try cursor.next()
            }
            if !sawFormat { report.record(.storeMeta, at: nil, "the format record is missing") }
            guard let created else {
                report.record(.storeMeta, at: nil, "the creation time is missing")
                return
            }
            let text = String(decoding: created, as: UTF8.self)
            if Timestamp(rfc3339: text)?.rfc3339 != text {
                report.record(.storeMeta, at: nil, "the creation time '\(text)' is not a time as Homeward writes it")
            }
            if let digest, digest != Array(SHA256.hash(data: created)) {
                report.record(.storeMeta, at: nil, "the creation time '\(text)' does not match its SHA-256: it was changed")
            }
        }
    }

    /// - Parameters:
    ///   - indexed: Whether the record must be in the indexes (it is before the unindexed
    ///     records), or must not be in them.
    ///   - mark: Where the unindexed records start, read in `transaction`.
    private func checkRecord(
        _ value: UnsafeRawBufferPointer,
        key: UInt64,
        indexed: Bool,
        mark: UnindexedMark,
        report: inout VerificationReport,
        previousHash: inout ChainHash,
        previousRecordedAt: inout Timestamp?,
        streamVersions: inout [StreamID: UInt64],
        timeRuns: inout [(second: Int64, position: UInt64)],
        transaction: Transaction
    ) {
        let storedHash = Envelope.storedHash(of: value)
        defer { previousHash = storedHash }
        let event: RecordedEvent
        do {
            event = try Envelope.decode(value)
        } catch {
            report.record(.undecodable, at: key, "the record cannot be decoded: \(error)")
            return
        }
        if event.position != key {
            report.record(.positionMismatch, at: key, "the record says it is at position \(event.position)")
        }
        let computed = Envelope.verifiedChainHash(previous: previousHash, canonical: Envelope.canonicalBytes(of: value))
        if computed != storedHash {
            report.record(.hashMismatch, at: key, "the stored hash \(storedHash.hex) is not the chain hash of the record's bytes (\(computed.hex)): the record was changed")
        }
        if let previous = previousRecordedAt, event.recordedAt < previous {
            report.record(.recordedAtRegression, at: key, "recorded at \(event.recordedAt), before the previous record (\(previous))")
        }
        previousRecordedAt = event.recordedAt
        let expectedVersion = streamVersions[event.stream, default: 0] + 1
        if event.version != expectedVersion {
            report.record(.streamIndex, at: key, "stream '\(event.stream)' jumps from version \(expectedVersion - 1) to \(event.version)")
        }
        streamVersions[event.stream] = event.version
        guard indexed else {
            checkUnindexed(event, key: key, report: &report, transaction: transaction)
            return
        }
        let second = BigEndian.second(of: event.recordedAt)
        if let last = timeRuns.last, last.second == second {
            timeRuns[timeRuns.count - 1].position = key
        } else {
            timeRuns.append((second, key))
            if timeRuns.count > 1 {
                checkTimeRun(timeRuns[timeRuns.count - 2], report: &report, transaction: transaction)
                timeRuns.removeFirst(timeRuns.count - 1)
            }
        }
        do {
            if let number = try storage.streamNumber(event.stream, in: transaction) {
                let indexed = try transaction.get(
                    storage.streamEvents,
                    key: BigEndian.streamEventKey(streamNumber: number, version: event.version)
                ).map { $0.withUnsafeBytes { BigEndian.uint64($0) } }
                if indexed != key {
                    report.record(.streamIndex, at: key, "the stream index maps '\(event.stream)' version \(event.version) to \(indexed.map(String.init) ?? "nothing")")
                }
            } else {
                report.record(.streamIndex, at: key, "stream '\(event.stream)' is missing from the stream index")
            }
            let indexedPosition = try storage.storedPosition(of: event.eventId, mark: mark, in: transaction)
            if indexedPosition != key {
                report.record(.eventIdIndex, at: key, "the id index maps \(event.eventId.uuidString.lowercased()) to \(indexedPosition.map(String.init) ?? "nothing")")
            }
        } catch {
            report.record(.streamIndex, at: key, "the indexes cannot be read: \(error)")
        }
    }

    /// An unindexed record: its stream is known (its number is given when it is created), and
    /// no index entry is there for it yet.
    private func checkUnindexed(
        _ event: RecordedEvent,
        key: UInt64,
        report: inout VerificationReport,
        transaction: Transaction
    ) {
        do {
            if let number = try storage.streamNumber(event.stream, in: transaction) {
                if let indexed = try transaction.get(storage.streamEvents, key: BigEndian.streamEventKey(streamNumber: number, version: event.version)) {
                    let position = indexed.withUnsafeBytes { BigEndian.uint64($0) }
                    report.record(.streamIndex, at: key, "the stream index maps '\(event.stream)' version \(event.version) to \(position), but the record is not indexed yet")
                }
            } else {
                report.record(.streamIndex, at: key, "stream '\(event.stream)' is missing from the stream index")
            }
            let indexed = try withUnsafeBytes(of: event.eventId.uuid) { try transaction.get(storage.eventIds, key: $0) }
            if let indexed {
                let position = indexed.withUnsafeBytes { BigEndian.uint64($0) }
                report.record(.eventIdIndex, at: key, "the id index maps \(event.eventId.uuidString.lowercased()) to \(position), but the record is not indexed yet")
            }
        } catch {
            report.record(.streamIndex, at: key, "the indexes cannot be read: \(error)")
        }
    }

    private func checkTimeRun(
        _ run: (second: Int64, position: UInt64),
        report: inout VerificationReport,
        transaction: Transaction
    ) {
        var key = BigEndian.secondKey(run.second)
        let indexed = try? withUnsafeBytes(of: &key) { try transaction.get(storage.recordedAt, key: $0) }
        let position = indexed.flatMap { $0 }.map { BigEndian.uint64($0) }
        if position != run.position {
            let second = Timestamp(microsecondsSinceEpoch: run.second * 1_000_000)
            report.record(.recordedAtIndex, at: run.position, "the recorded-time index maps the second from \(second) to \(position.map(String.init) ?? "nothing"), not to \(run.position)")
        }
    }

    private func checkIndexTotals(
        _ report: inout VerificationReport,
        end: UInt64,
        streamVersions: [StreamID: UInt64],
        timeRuns: [(second: Int64, position: UInt64)]
    ) throws {
        try read("checking the indexes") { transaction in
            if let last = timeRuns.last { checkTimeRun(last, report: &report, transaction: transaction) }
            let head = try storage.head(in: transaction).position
            guard head == end else { return }  // appends went on; totals would not compare
            let mark = try storage.unindexedMark(in: transaction)
            if let unindexedFrom = mark.first, unindexedFrom > end {
                report.record(.storeMeta, at: unindexedFrom, "the records from position \(unindexedFrom) on are marked unindexed, but the log ends at \(end)")
            }
            let indexedEnd = min(end, (mark.first ?? end + 1) - 1)
            let idCount = try transaction.count(storage.eventIds)
            if idCount != Int(indexedEnd) {
                report.record(.eventIdIndex, at: nil, "the id index holds \(idCount) entries for \(indexedEnd) indexed records")
            }
            let streamEventCount = try transaction.count(storage.streamEvents)
            if streamEventCount != Int(indexedEnd) {
                report.record(.streamIndex, at: nil, "the stream index holds \(streamEventCount) entries for \(indexedEnd) indexed records")
            }
            let streamCount = try transaction.count(storage.streams)
            if streamCount != streamVersions.count {
                report.record(.streamIndex, at: nil, "the stream index lists \(streamCount) streams; the log holds \(streamVersions.count)")
            }
            // Each stream's last version among the unindexed records, read once for all streams.
            var unindexedVersions: [StreamID: UInt64] = [:]
            for record in try storage.unindexedRecords(mark, in: transaction) { unindexedVersions[record.stream] = record.version }
            let versions = try transaction.cursor(storage.streamEvents)
            for (name, version) in streamVersions {
                let stored = try storage.streamNumber(name, in: transaction).map { number in
                    try unindexedVersions[name] ?? storage.lastVersion(ofStreamNumber: number, using: versions)
                }
                if stored != version {
                    report.record(.streamIndex, at: nil, "the stream index says '\(name)' is at version \(stored.map(String.init) ?? "none"); the log holds \(version) events")
                }
            }
            let timeCount = try transaction.count(storage.recordedAt)
            if report.problemCounts[.recordedAtIndex] == nil, timeCount > Int(end) {
                report.record(.recordedAtIndex, at: nil, "the recorded-time index holds \(timeCount) entries, more than the \(end) records")
            }
        }
    }

    private func checkExpectedHead(_ expected: StoreHead, report: inout VerificationReport) throws {
        guard expected.position > 0 else { return }
        let stored = try read("reading position \(expected.position)") { transaction in
            try transaction.get(storage.log, key: BigEndian.bytes(expected.position)).map { value in value.withUnsafeBytes { Envelope.storedHash(of: $0) } }
        }
        guard let stored else {
            report.record(.headMismatch, at: expected.position, "the log ends at position \(report.head.position), before the expected head at \(expected.position): it was truncated")
            return
        }
        if stored != expected.hash {
            report.record(.headMismatch, at: expected.position, "the hash at position \(expected.position) is \(stored.hex), not the expected \(expected.hash.hex): the log was rewritten")
        }
    }
}
