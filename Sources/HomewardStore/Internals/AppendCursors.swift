import HomewardLMDB

/// Cursors on the databases an append writes, opened once per write transaction.
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

    init(_ storage: LogStorage, in transaction: Transaction) throws {
        log = try transaction.cursor(storage.log)
        streamEvents = try transaction.cursor(storage.streamEvents)
        eventIds = try transaction.cursor(storage.eventIds)
        recordedAt = try transaction.cursor(storage.recordedAt)
    }
}
