import Foundation
import HomewardLMDB

/// A record at the end of the log that is not in the indexes yet.
struct UnindexedRecord {
    let position: UInt64
    let stream: String
    let version: UInt64
    let eventId: UUID
    let recordedAt: Timestamp
}

/// The unindexed end of the log.
///
/// A commit writes one page path per database it changes, and an append's three index entries
/// fall in three more databases than its record: a single durable append wrote about nine pages
/// where raw LMDB writes four. So a small append may leave its events out of the indexes: it
/// writes only its record (and, for the first one left out, a mark in `meta`). The next append
/// that would leave more than ``StorageLayout/unindexedLimit`` records out, or that is not
/// small, first puts them all into the indexes and removes the mark, in its own transaction.
///
/// Every lookup through an index reads these few records as well, in the same transaction, so
/// readers, writers and other processes see exactly what a fully indexed log would show.
extension LogStorage {
    /// The position of the first unindexed record, if there is one.
    func unindexedFrom(in transaction: Transaction) throws -> UInt64? {
        guard let value = try transaction.get(meta, key: StorageLayout.unindexedFromKey) else { return nil }
        guard value.count == 8 else {
            throw EventStoreError(.corrupted, "the store's unindexed-from record is \(value.count) bytes long, not 8")
        }
        return value.withUnsafeBytes { BigEndian.uint64($0) }
    }

    /// The records not in the indexes, in log order (at most a few dozen).
    func unindexedRecords(in transaction: Transaction) throws -> [UnindexedRecord] {
        guard let first = try unindexedFrom(in: transaction) else { return [] }
        let cursor = try transaction.cursor(log)
        var records: [UnindexedRecord] = []
        var entry = try cursor.seek(atLeast: BigEndian.bytes(first))
        while let current = entry {
            records.append(try unindexedRecord(current.value, position: BigEndian.uint64(current.key)))
            entry = try cursor.next()
        }
        return records
    }

    private func unindexedRecord(_ value: UnsafeRawBufferPointer, position: UInt64) throws -> UnindexedRecord {
        do throws(EnvelopeError) {
            guard value.count >= Envelope.fixedSize else { throw EnvelopeError("the record is \(value.count) bytes long, shorter than its header") }
            return UnindexedRecord(
                position: position,
                stream: try Envelope.streamName(of: value),
                version: try Envelope.version(of: value),
                eventId: UUID(uuid: value.loadUnaligned(fromByteOffset: 40, as: uuid_t.self)),
                recordedAt: Timestamp(microsecondsSinceEpoch: Int64(littleEndian: value.loadUnaligned(fromByteOffset: 32, as: Int64.self)))
            )
        } catch {
            throw EventStoreError(.corrupted, "the record at position \(position) cannot be decoded: \(error)")
        }
    }

    /// Marks the records from `position` on as unindexed, unless earlier ones already are.
    func markUnindexed(from position: UInt64, after unindexed: [UnindexedRecord], in transaction: Transaction) throws {
        guard unindexed.isEmpty else { return }
        try transaction.put(meta, key: StorageLayout.unindexedFromKey, value: BigEndian.bytes(position))
    }

    /// Puts the unindexed records into the three indexes and removes the mark.
    /// - Parameter records: What ``unindexedRecords(in:)`` returned in this transaction.
    func index(_ records: [UnindexedRecord], cursors: AppendCursors, in transaction: Transaction) throws {
        guard let first = records.first else {
            if try unindexedFrom(in: transaction) != nil {
                // A mark past the end of the log: nothing to index, the mark is wrong.
                try transaction.delete(meta, key: StorageLayout.unindexedFromKey)
            }
            return
        }
        var numbers: [String: UInt64] = [:]
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
                guard let found = try streamNumber(StreamID(unchecked: record.stream), in: transaction) else {
                    throw EventStoreError(.corrupted, "the unindexed record at position \(record.position) is in stream '\(record.stream)', which the stream index lacks")
                }
                numbers[record.stream] = found
                number = found
            }
            try cursors.putStreamEvent(streamNumber: number, version: record.version, at: record.position)
        }
        try cursors.putRecordedSeconds(records.map(\.recordedAt), from: first.position)
        _ = try transaction.delete(meta, key: StorageLayout.unindexedFromKey)
    }
}
