/// A live, never-ending `AsyncSequence` of the log: it catches up from a position and then
/// follows new appends as they are committed.
///
/// Made by ``EventStore/subscribe(from:)``. Reading is pulled by the consumer, one page at a time,
/// so a slow consumer simply reads later (backpressure) and nothing piles up in memory. Appends
/// of this process wake it at once; appends of other processes are found within the store's
/// ``EventStore/Options/pollInterval``. Iteration ends (returns `nil`) when the task is cancelled.
public struct Subscription: AsyncSequence, Sendable {
    public typealias Element = RecordedEvent

    let store: EventStore
    let start: UInt64
    let pageSize: Int

    public func makeAsyncIterator() -> Iterator {
        Iterator(store: store, next: Swift.max(start, 1), pageSize: pageSize)
    }

    /// Reads pages while there are events and waits for commits when there are none.
    public struct Iterator: AsyncIteratorProtocol {
        let store: EventStore
        var next: UInt64
        let pageSize: Int
        var page: [RecordedEvent] = []
        var index = 0

        init(store: EventStore, next: UInt64, pageSize: Int) {
            self.store = store
            self.next = next
            self.pageSize = pageSize
        }

        public mutating func next() async throws -> RecordedEvent? {
            try await next(isolation: nil)
        }

        /// Returns the next event without leaving the caller's actor.
        public mutating func next(isolation actor: isolated (any Actor)? = #isolation) async throws -> RecordedEvent? {
            while index == page.count {
                if Task.isCancelled { return nil }
                let generation = store.notifier.generation
                let from = next
                page = try store.read("reading from position \(from)") {
                    try store.storage.events(from: from, through: .max, limit: pageSize, in: $0)
                }
                index = 0
                if let last = page.last {
                    next = last.position + 1
                } else {
                    await store.notifier.wait(afterGeneration: generation, timeout: store.options.pollInterval)
                }
            }
            defer { index += 1 }
            return page[index]
        }
    }
}

extension EventStore {
    /// Follows the log from a position: every stored event from there on, then each new one as it
    /// is committed, until the task is cancelled.
    /// - Parameters:
    ///   - position: The first position to deliver (from 1).
    ///   - pageSize: Events per read transaction while catching up.
    /// - Returns: The live sequence.
    public func subscribe(from position: UInt64 = 1, pageSize: Int = 1024) -> Subscription {
        Subscription(store: self, start: position, pageSize: max(1, pageSize))
    }
}
