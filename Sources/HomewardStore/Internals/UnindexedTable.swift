import Foundation
import HomewardLMDB

/// What the appends of one write transaction know of the unindexed records (see
/// `LogStorage+Unindexed.swift`): where they start, read from `meta` once, and each stream's last
/// version and each event id's position among them, read once (every record decoded) and then
/// kept up to date by the appends themselves. The appends of a group commit then look the
/// records up in a dictionary instead of reading them again, each. A transaction of one append
/// reads them in place instead (``readsRecordsOnce`` false): decoding them all would cost it
/// more than it saves.
///
/// Used by one write transaction, on its thread.
final class UnindexedTable {
    private var mark: UnindexedMark?
    private var versions: [String: UInt64] = [:]
    private var positions: [UUID: UInt64] = [:]
    private var isRead = false
    /// Whether the records are decoded into the table at the first lookup (for the many appends
    /// of a group), or each lookup reads them in place (for a lone append).
    var readsRecordsOnce = false

    /// Where the unindexed records start.
    func mark(_ storage: LogStorage, in transaction: Transaction) throws -> UnindexedMark {
        if let mark { return mark }
        let read = try storage.unindexedMark(in: transaction)
        mark = read
        return read
    }

    /// The last version of a stream among the unindexed records, if any is in it.
    func version(of stream: StreamID, _ storage: LogStorage, in transaction: Transaction) throws -> UInt64? {
        guard readsRecordsOnce || isRead else { return try storage.unindexedVersion(of: stream, mark(storage, in: transaction), in: transaction) }
        try readRecords(storage, in: transaction)
        return versions[stream.rawValue]
    }

    /// The position of the unindexed event with an id, if there is one.
    func position(of eventId: UUID, _ storage: LogStorage, in transaction: Transaction) throws -> UInt64? {
        guard readsRecordsOnce || isRead else { return try storage.unindexedPosition(of: eventId, mark(storage, in: transaction), in: transaction) }
        try readRecords(storage, in: transaction)
        return positions[eventId]
    }

    private func readRecords(_ storage: LogStorage, in transaction: Transaction) throws {
        guard !isRead else { return }
        isRead = true
        let mark = try mark(storage, in: transaction)
        guard mark.first != nil else { return }
        for record in try storage.unindexedRecords(mark, in: transaction) {
            versions[record.stream] = record.version
            positions[record.eventId] = record.position
        }
    }

    /// An append left its events unindexed, from `firstPosition` on.
    func add(_ events: [NewEvent], of stream: StreamID, lastVersion: UInt64, from firstPosition: UInt64) {
        if mark?.first == nil { mark = UnindexedMark(first: firstPosition) }
        guard isRead else { return }  // read from the log when first needed
        versions[stream.rawValue] = lastVersion
        for index in events.indices { positions[events[index].eventId] = firstPosition + UInt64(index) }
    }

    /// The unindexed records were put into the indexes.
    func removeAll() {
        mark = UnindexedMark(first: nil)
        versions = [:]
        positions = [:]
        isRead = true
    }
}
