/// A finite `AsyncSequence` of events, read one page per short read transaction.
///
/// Made by ``EventStore/readAll(from:through:pageSize:)`` and
/// ``EventStore/readStream(_:from:pageSize:)``. No read transaction stays open between pages, so a
/// replay of millions of events never pins old pages of the file. Iteration ends at the last event
/// it finds and stops early, throwing `CancellationError`, when the task is cancelled.
///
/// While the caller goes through one page of the log, the next two pages are read (copied out of
/// the memory map and checked) on other threads, so a replay uses every core.
public struct EventSequence: AsyncSequence, Sendable {
    public typealias Element = RecordedEvent

    enum Source: Sendable {
        case all(from: UInt64, through: UInt64)
        case stream(StreamID, from: UInt64)
    }

    let store: EventStore
    let source: Source
    let pageSize: Int

    public func makeAsyncIterator() -> Iterator {
        Iterator(store: store, source: source, pageSize: Swift.max(1, pageSize))
    }

    /// Reads the next page when the current one is used up.
    public struct Iterator: AsyncIteratorProtocol {
        let store: EventStore
        var source: Source
        let pageSize: Int
        /// The page being gone through, and the next event's index in it.
        @usableFromInline var page: [RecordedEvent] = []
        @usableFromInline var index = 0
        var isFinished = false
        /// Pages of the whole log, read ahead on other threads.
        var pages: PageReadAhead<Void>?

        init(store: EventStore, source: Source, pageSize: Int) {
            self.store = store
            self.source = source
            self.pageSize = pageSize
        }

        public mutating func next() async throws -> RecordedEvent? {
            try await next(isolation: nil)
        }

        /// Returns the next event without leaving the caller's actor: most calls are answered from
        /// the page already read, so a hop to another executor per event would dominate the cost.
        /// That answer is inlined into the caller's loop; only the end of a page calls into the
        /// store.
        @inlinable
        public mutating func next(isolation actor: isolated (any Actor)? = #isolation) async throws -> RecordedEvent? {
            if index < page.count {
                defer { index += 1 }
                return page[index]
            }
            return try await nextPage(isolation: actor)
        }

        /// Reads the next page and returns its first event; `nil` at the end.
        @usableFromInline
        mutating func nextPage(isolation actor: isolated (any Actor)?) async throws -> RecordedEvent? {
            if isFinished { return nil }
            try Task.checkCancellation()
            switch source {
            case .all(let from, let through):
                if pages == nil { pages = PageReadAhead(store: store, through: through, pageSize: pageSize) }
                page = try pages!.page(from: from).events
                if let last = page.last { source = .all(from: last.position + 1, through: through) }
            case .stream(let stream, let from):
                page = try store.read("reading stream '\(stream)'") {
                    try store.storage.streamEvents(stream, from: from, limit: pageSize, in: $0)
                }
                if let last = page.last { source = .stream(stream, from: last.version + 1) }
            }
            index = 0
            // A page may end early at its byte limit, so only an empty page ends the sequence.
            if page.isEmpty {
                isFinished = true
                return nil
            }
            defer { index += 1 }
            return page[index]
        }
    }
}
