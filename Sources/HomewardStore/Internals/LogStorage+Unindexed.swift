import Foundation
import HomewardLMDB

/// A record at the end of the log that is not in the indexes yet.
struct UnindexedRecord {
    let position: UInt64
    let stream: StreamID
    let version: UInt64
    let eventId: UUID
    let recordedAt: Timestamp
}

/// Where the unindexed records start, as read from `meta` in one transaction: `first` is `nil`
/// when every record is indexed.
struct UnindexedMark {
    let first: UInt64?
}

/// The unindexed end of the log.
///
/// A commit writes one page path per database it changes, and an append's three index entries
/// fall in three more databases than its record: a single durable append wrote about nine pages
/// where raw LMDB writes four. So a small append may leave its events out of the indexes: it
/// writes only its record (and, for the first one left out, a mark in `meta`). The next append
/// that would leave more than its limit out (``StorageLayout/unindexedLimitAlone``,
/// ``StorageLayout/unindexedLimitInGroup`` for the appends of a group commit), or that is not
/// small, first puts them all into the indexes and removes the mark, in its own transaction.
///
/// Every lookup through an index also reads these records, in the same transaction, so readers,
/// writers and other processes see exactly what a fully indexed log would show. The lookups
/// compare the records' fixed fields and name bytes in place: they allocate nothing per record.
extension LogStorage {
    /// Where the unindexed records start, if there are any.
    func unindexedMark(in transaction: Transaction) throws -> UnindexedMark {
        guard let value = try transaction.get(meta, key: StorageLayout.unindexedFromKey) else { return UnindexedMark(first: nil) }
        guard value.count == 8 else {
            throw EventStoreError(.corrupted, "the store's unindexed-from record is \(value.count) bytes long, not 8")
        }
        return UnindexedMark(first: value.withUnsafeBytes { BigEndian.uint64($0) })
    }

    /// Calls `body` with each unindexed record (position and stored bytes), in log order, until
    /// it returns `false`.
    private func forEachUnindexed(
        _ mark: UnindexedMark,
        in transaction: Transaction,
        _ body: (UInt64, UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        guard let first = mark.first else { return }
        let cursor = try transaction.cursor(log)
        var key = first.bigEndian
        var entry = try withUnsafeBytes(of: &key) { try cursor.seek(atLeast: $0) }
        while let current = entry {
            let position = BigEndian.uint64(current.key)
            guard current.value.count >= Envelope.fixedSize else {
                throw EventStoreError(.corrupted, "the record at position \(position) is too short to be an event")
            }
            if try !body(position, current.value) { return }
            entry = try cursor.next()
        }
    }

    /// The unindexed records, decoded, in log order (for indexing them and for rebuilds).
    func unindexedRecords(_ mark: UnindexedMark, in transaction: Transaction) throws -> [UnindexedRecord] {
        var records: [UnindexedRecord] = []
        try forEachUnindexed(mark, in: transaction) { position, value in
            do throws(EnvelopeError) {
                records.append(UnindexedRecord(
                    position: position,
                    stream: StreamID(unchecked: try Envelope.streamName(of: value)),
                    version: try Envelope.version(of: value),
                    eventId: Envelope.eventId(of: value),
                    recordedAt: Envelope.recordedAt(of: value)
                ))
            } catch {
                throw EventStoreError(.corrupted, "the record at position \(position) cannot be decoded: \(error)")
            }
            return true
        }
        return records
    }

    /// The last version of a stream among the unindexed records, if any is in it.
    func unindexedVersion(of stream: StreamID, _ mark: UnindexedMark, in transaction: Transaction) throws -> UInt64? {
        var version: UInt64?
        var name = stream.rawValue
        try name.withUTF8 { name in
            try forEachUnindexed(mark, in: transaction) { position, value in
                if try Self.isInStream(value, named: UnsafeRawBufferPointer(name), at: position) { version = try Self.version(of: value, at: position) }
                return true
            }
        }
        return version
    }

    /// The positions of a stream's unindexed events from `version` on.
    func unindexedPositions(of stream: StreamID, from version: UInt64, _ mark: UnindexedMark, in transaction: Transaction) throws -> [UInt64] {
        var positions: [UInt64] = []
        var name = stream.rawValue
        try name.withUTF8 { name in
            try forEachUnindexed(mark, in: transaction) { position, value in
                if try Self.isInStream(value, named: UnsafeRawBufferPointer(name), at: position), try Self.version(of: value, at: position) >= version {
                    positions.append(position)
                }
                return true
            }
        }
        return positions
    }

    /// The position of the unindexed event with an id, if there is one.
    func unindexedPosition(of eventId: UUID, _ mark: UnindexedMark, in transaction: Transaction) throws -> UInt64? {
        var found: UInt64?
        try forEachUnindexed(mark, in: transaction) { position, value in
            if Envelope.eventId(of: value) == eventId { found = position }
            return found == nil
        }
        return found
    }

    /// The last unindexed position recorded at or before `time`: `nil` when there is none
    /// (the cut is then among the indexed records).
    func lastUnindexedPosition(recordedAtOrBefore time: Timestamp, _ mark: UnindexedMark, in transaction: Transaction) throws -> UInt64? {
        var last: UInt64?
        try forEachUnindexed(mark, in: transaction) { position, value in
            guard Envelope.recordedAt(of: value) <= time else { return false }
            last = position
            return true
        }
        return last
    }

    private static func isInStream(_ value: UnsafeRawBufferPointer, named name: UnsafeRawBufferPointer, at position: UInt64) throws -> Bool {
        do throws(EnvelopeError) {
            let stored = try Envelope.streamNameBytes(of: value)
            return stored.count == name.count && (name.isEmpty || memcmp(stored.baseAddress!, name.baseAddress!, name.count) == 0)
        } catch {
            throw EventStoreError(.corrupted, "the record at position \(position) cannot be decoded: \(error)")
        }
    }

    private static func version(of value: UnsafeRawBufferPointer, at position: UInt64) throws -> UInt64 {
        do throws(EnvelopeError) {
            return try Envelope.version(of: value)
        } catch {
            throw EventStoreError(.corrupted, "the record at position \(position) cannot be decoded: \(error)")
        }
    }

    /// Marks the records from `position` on as unindexed, unless earlier ones already are.
    func markUnindexed(from position: UInt64, after mark: UnindexedMark, in transaction: Transaction) throws {
        guard mark.first == nil else { return }
        try transaction.put(meta, key: StorageLayout.unindexedFromKey, value: BigEndian.bytes(position))
    }

    /// Puts the unindexed records into the three indexes and removes the mark.
    func indexUnindexed(_ mark: UnindexedMark, cursors: AppendCursors, in transaction: Transaction) throws {
        guard mark.first != nil else { return }
        let records = try unindexedRecords(mark, in: transaction)
        _ = try transaction.delete(meta, key: StorageLayout.unindexedFromKey)
        guard let first = records.first else { return }  // a mark past the end of the log: nothing to index
        var numbers: [StreamID: UInt64] = [:]
        for record in records {
            guard try cursors.claim(record.eventId, at: record.position) else {
                throw EventStoreError(
                    .corrupted,
                    "the unindexed record at position \(record.position) has id \(record.eventId.uuidString.lowercased()), which the id index already holds"
                )
            }
            let number: UInt64
            if let known = numbers[record.stream] {
                number = known
            } else {
                guard let found = try streamNumber(record.stream, in: transaction) else {
                    throw EventStoreError(.corrupted, "the unindexed record at position \(record.position) is in stream '\(record.stream)', which the stream index lacks")
                }
                numbers[record.stream] = found
                number = found
            }
            try cursors.putStreamEvent(streamNumber: number, version: record.version, at: record.position)
        }
        try cursors.putRecordedSeconds(records.map(\.recordedAt), from: first.position)
    }
}
