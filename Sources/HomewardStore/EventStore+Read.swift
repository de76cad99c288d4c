public import Foundation
import HomewardLMDB

extension EventStore {
    /// The newest record's position, hash and recorded time.
    ///
    /// Keep it elsewhere to prove later that the log still begins with exactly that prefix.
    /// - Returns: The head; position 0 and a zero hash for an empty store.
    /// - Throws: ``EventStoreError``.
    public func head() throws -> StoreHead {
        let head = try read("reading the head") { try storage.head(in: $0) }
        return StoreHead(position: head.position, hash: head.hash, recordedAt: head.recordedAt)
    }

    /// The event at a log position.
    /// - Parameter position: A position from 1.
    /// - Returns: The event, or `nil` past the head.
    /// - Throws: ``EventStoreError``, ``EventStoreError/Code/corrupted`` when the record does not decode.
    public func event(at position: UInt64) throws -> RecordedEvent? {
        try read("reading position \(position)") { try storage.event(at: position, in: $0) }
    }

    /// The event with an id.
    /// - Parameter eventId: The event's id.
    /// - Returns: The event, or `nil` when no event has that id.
    /// - Throws: ``EventStoreError``.
    public func event(withId eventId: UUID) throws -> RecordedEvent? {
        try read("looking up event \(eventId)") { transaction in
            guard let position = try storage.storedPosition(of: eventId, in: transaction) else { return nil }
            return try storage.event(at: position, in: transaction)
        }
    }

    /// A stream's version: the version of its last event, or `nil` when it has none.
    /// - Parameter stream: The stream.
    /// - Returns: Its version.
    /// - Throws: ``EventStoreError``.
    public func version(of stream: StreamID) throws -> UInt64? {
        try read("reading the version of '\(stream)'") { try storage.streamState(stream, in: $0)?.version }
    }

    /// Up to `limit` events from a position, in one short read transaction.
    /// - Parameters:
    ///   - position: The first position to return (from 1).
    ///   - limit: The most events to return.
    /// - Returns: The events, in log order.
    /// - Throws: ``EventStoreError``.
    public func events(from position: UInt64 = 1, limit: Int = 1000) throws -> [RecordedEvent] {
        try read("reading from position \(position)") {
            try storage.events(from: position, through: .max, limit: limit, in: $0)
        }
    }

    /// Up to `limit` events of one stream from a version, in one short read transaction.
    /// - Parameters:
    ///   - stream: The stream.
    ///   - version: The first version to return (from 1).
    ///   - limit: The most events to return.
    /// - Returns: The events, in stream order; empty when the stream does not exist.
    /// - Throws: ``EventStoreError``.
    public func events(in stream: StreamID, fromVersion version: UInt64 = 1, limit: Int = .max) throws -> [RecordedEvent] {
        try read("reading stream '\(stream)'") {
            try storage.streamEvents(stream, from: version, limit: limit, in: $0)
        }
    }

    /// Calls `body` with every event from `position` through `last`, reading in pages of short
    /// read transactions so a long replay never pins one reader. While `body` goes through one
    /// page, the next two are read on other threads.
    /// - Parameters:
    ///   - position: The first position.
    ///   - last: The last position; the head at the time of the call by default.
    ///   - pageSize: Events per read transaction.
    ///   - body: Receives each event in order.
    /// - Throws: What `body` throws, or ``EventStoreError``.
    public func forEachEvent(
        from position: UInt64 = 1,
        through last: UInt64? = nil,
        pageSize: Int = 4096,
        _ body: (RecordedEvent) throws -> Void
    ) throws {
        let end = try last ?? head().position
        var pages = PageReadAhead(store: self, through: end, pageSize: pageSize)
        defer { pages.finish() }
        var next = position
        while next <= end {
            let page = try pages.page(from: next).events
            guard let lastEvent = page.last else { return }
            next = lastEvent.position + 1
            for event in page { try body(event) }
        }
    }

    /// Calls `body` with every event from `position` through `last` and a value derived from it,
    /// such as its decoded payload. `derive` runs on the threads that read the next pages ahead,
    /// so on a machine with more than one core the derived values are worked out in parallel
    /// while `body` runs, and `body` still receives every event in log order.
    ///
    /// When `derive` throws for an event, `body` has received every event before it and the
    /// error is thrown then: nothing after it is delivered.
    /// - Parameters:
    ///   - position: The first position.
    ///   - last: The last position; the head at the time of the call by default.
    ///   - pageSize: Events per read transaction (and per piece of work handed to a thread).
    ///   - derive: Works out the value for one event; called on other threads, in order within a page.
    ///   - body: Receives each event with its derived value, in log order.
    /// - Throws: What `derive` or `body` throws, or ``EventStoreError``.
    public func forEachEvent<Derived: Sendable>(
        from position: UInt64 = 1,
        through last: UInt64? = nil,
        pageSize: Int = 2048,
        deriving derive: @escaping @Sendable (RecordedEvent) throws -> Derived,
        _ body: (RecordedEvent, Derived) throws -> Void
    ) throws {
        let end = try last ?? head().position
        var pages = PageReadAhead(store: self, through: end, pageSize: pageSize) { events in
            DerivedValues(events, derive)
        }
        defer { pages.finish() }
        var next = position
        while next <= end {
            let (page, derived) = try pages.page(from: next)
            guard let lastEvent = page.last else { return }
            next = lastEvent.position + 1
            for index in derived.values.indices { try body(page[index], derived.values[index]) }
            if let failure = derived.failure { throw failure }
        }
    }

    /// The last position recorded at or before a time: the cut "what the system knew at T".
    ///
    /// Found in O(log n) through the recorded-time index.
    /// - Parameter time: The instant.
    /// - Returns: The position, or 0 when nothing was recorded by then.
    /// - Throws: ``EventStoreError``.
    public func lastPosition(recordedAtOrBefore time: Timestamp) throws -> UInt64 {
        try read("finding the cut at \(time)") { try storage.lastPosition(recordedAtOrBefore: time, in: $0) }
    }

    /// The whole log from a position, as an `AsyncSequence` that reads one page per short read
    /// transaction.
    /// - Parameters:
    ///   - position: The first position.
    ///   - last: The last position; without it the sequence ends at the head it finds.
    ///   - pageSize: Events per read transaction.
    /// - Returns: The sequence.
    public func readAll(from position: UInt64 = 1, through last: UInt64? = nil, pageSize: Int = 1024) -> EventSequence {
        EventSequence(store: self, source: .all(from: position, through: last ?? .max), pageSize: pageSize)
    }

    /// One stream's events from a version, as an `AsyncSequence` that reads one page per short read
    /// transaction.
    /// - Parameters:
    ///   - stream: The stream.
    ///   - version: The first version.
    ///   - pageSize: Events per read transaction.
    /// - Returns: The sequence; empty when the stream does not exist.
    public func readStream(_ stream: StreamID, from version: UInt64 = 1, pageSize: Int = 1024) -> EventSequence {
        EventSequence(store: self, source: .stream(stream, from: version), pageSize: pageSize)
    }

    /// Runs `body` in a read transaction, mapping storage errors to ``EventStoreError``.
    func read<T>(_ what: @autoclosure () -> String, _ body: (Transaction) throws -> T) throws -> T {
        do {
            return try storage.environment.read(body)
        } catch {
            throw EventStore.storageError(error, while: what())
        }
    }
}
