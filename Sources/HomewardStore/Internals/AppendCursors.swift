import Foundation
import HomewardLMDB

/// Cursors on the databases an append writes, opened once per write transaction, and the
/// entries an append puts through them.
///
/// A cursor that already sits on the page where the next key belongs writes there without
/// searching the tree from its root. An append's keys ascend in the log, in the stream's range of
/// `stream-events`, in `recorded-at` and (ids being time-ordered) mostly in `event-ids`, so a
/// batch costs about one search per page it writes instead of one per event and database.
struct AppendCursors {
    let log: Cursor
    let streamEvents: Cursor
    let eventIds: Cursor
    let recordedAt: Cursor
    /// The unindexed records as the transaction's appends know them.
    let unindexed: UnindexedTable

    init(_ storage: LogStorage, in transaction: Transaction, unindexed: UnindexedTable = UnindexedTable()) throws {
        self.unindexed = unindexed
        log = try transaction.cursor(storage.log)
        streamEvents = try transaction.cursor(storage.streamEvents)
        eventIds = try transaction.cursor(storage.eventIds)
        recordedAt = try transaction.cursor(storage.recordedAt)
    }

    /// Claims an event id for its position in `event-ids`.
    /// - Returns: `false` when the id is already stored (nothing is written then).
    func claim(_ id: UUID, at position: UInt64) throws -> Bool {
        var value = position.bigEndian
        return try withUnsafeBytes(of: id.uuid) { key in
            try withUnsafeBytes(of: &value) { value in
                do {
                    try eventIds.put(key: key, value: value, options: .noOverwrite)
                    return true
                } catch LMDBError.keyExists {
                    return false
                }
            }
        }
    }

    /// The `stream-events` entry of one version of a stream.
    func putStreamEvent(streamNumber: UInt64, version: UInt64, at position: UInt64) throws {
        var key = (streamNumber.bigEndian, version.bigEndian)
        var value = position.bigEndian
        try withUnsafeBytes(of: &key) { key in
            try withUnsafeBytes(of: &value) { try streamEvents.put(key: key, value: $0, options: .noOverwrite) }
        }
    }

    /// The `recorded-at` entries of consecutive records: for each second among `times`, the last
    /// position recorded in it (times never go backwards along positions).
    func putRecordedSeconds(_ times: [Timestamp], from firstPosition: UInt64) throws {
        for index in times.indices {
            let second = BigEndian.second(of: times[index])
            if index == times.count - 1 || BigEndian.second(of: times[index + 1]) != second {
                var key = BigEndian.secondKey(second)
                var value = (firstPosition + UInt64(index)).bigEndian
                try withUnsafeBytes(of: &key) { key in
                    try withUnsafeBytes(of: &value) { try recordedAt.put(key: key, value: $0) }
                }
            }
        }
    }

    /// Copies each record of a sealer into the log as soon as it is sealed.
    /// - Returns: The chain hash of the last record.
    func writeSealedRecords(of sealer: RecordSealer, from firstPosition: UInt64) throws -> ChainHash {
        try sealer.forEachSealedRecord { index, record in
            var key = (firstPosition + UInt64(index)).bigEndian
            try withUnsafeBytes(of: &key) { key in
                try log.reserve(key: key, count: record.count, options: .append) { $0.copyMemory(from: record) }
            }
        }
    }
}
