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
/// Used by one write transaction at a time, on its thread. The group-commit writer keeps its table
/// from one transaction to the next (``startTransaction(_:head:in:)``), reading in only the
/// records appended since.
final class UnindexedTable {
    private var mark: UnindexedMark?
    private var versions: [StreamID: UInt64] = [:]
    private var positions: [UUID: UInt64] = [:]
    private var isRead = false
    /// When read: the last position the table knows.
    private var through: UInt64 = 0
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
        return versions[stream]
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
        read(try storage.unindexedRecords(mark, in: transaction))
    }

    private func read(_ records: [UnindexedRecord]) {
        for record in records {
            versions[record.stream] = record.version
            positions[record.eventId] = record.position
            through = record.position
        }
    }

    /// Makes a table kept from an earlier transaction fit a new one: records other processes
    /// appended since are read in; when the unindexed records were indexed meanwhile, or the
    /// table knows more than the log holds (its transaction was aborted), it starts afresh.
    func startTransaction(_ storage: LogStorage, head: UInt64, in transaction: Transaction) throws {
        let current = try storage.unindexedMark(in: transaction)
        guard isRead, let known = mark, known.first == current.first, through <= head else {
            reset()
            mark = current
            return
        }
        guard let first = current.first, through < head else { return }
        read(try storage.unindexedRecords(UnindexedMark(first: max(through + 1, first)), in: transaction))
    }

    /// Forgets everything (after an aborted transaction): the next lookups read `meta` and the log.
    func reset() {
        mark = nil
        versions = [:]
        positions = [:]
        isRead = false
        through = 0
    }

    /// An append left its events unindexed, from `firstPosition` on.
    func add(_ events: [NewEvent], of stream: StreamID, lastVersion: UInt64, from firstPosition: UInt64) {
        if mark?.first == nil { mark = UnindexedMark(first: firstPosition) }
        guard isRead else { return }  // read from the log when first needed
        versions[stream] = lastVersion
        for index in events.indices { positions[events[index].eventId] = firstPosition + UInt64(index) }
        through = firstPosition + UInt64(events.count) - 1
    }

    /// The unindexed records were put into the indexes.
    func removeAll() {
        mark = UnindexedMark(first: nil)
        versions = [:]
        positions = [:]
        isRead = true
        through = 0
    }
}
