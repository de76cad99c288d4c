/// One call's worth of events for one stream, as the writer sees it.
struct AppendRequest: Sendable {
    var stream: StreamID
    var events: [NewEvent]
    var expectedVersion: ExpectedVersion
}

/// The head of the log as a write transaction advances it.
struct WriterHead {
    var position: UInt64
    var hash: ChainHash
    var recordedAt: Timestamp?
    /// The streams this write transaction has appended to, with their number and new version:
    /// a later append to one of them in the same transaction needs no index lookups. Made
    /// afresh for each transaction, so it never outlives what it describes.
    var appendedStreams: [StreamID: (number: UInt64, version: UInt64)] = [:]
}
