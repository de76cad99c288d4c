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
}
