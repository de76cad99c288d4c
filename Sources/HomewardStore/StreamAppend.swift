import HomewardLMDB

/// Events for one stream, as part of an append to several streams at once.
public struct StreamAppend: Sendable, Hashable {
    /// The stream.
    public var stream: StreamID
    /// The events, in order.
    public var events: [NewEvent]
    /// The version the stream must be at.
    public var expectedVersion: ExpectedVersion

    /// Creates one stream's part of a multi-stream append.
    public init(stream: StreamID, events: [NewEvent], expectedVersion: ExpectedVersion = .any) {
        self.stream = stream
        self.events = events
        self.expectedVersion = expectedVersion
    }
}

extension EventStore {
    /// Appends to several streams in one transaction: every part is stored, in the order given,
    /// or none is.
    ///
    /// Each part is checked like a single append (expected version, idempotency); the first part
    /// that fails aborts the whole transaction and its error is thrown. Use it to import history,
    /// where the file's order must become the log's order.
    /// - Parameter parts: The streams' events, in log order.
    /// - Returns: One result per part.
    /// - Throws: ``EventStoreError``; ``EventStoreError/message`` names the failing part's index.
    @discardableResult
    public func append(_ parts: [StreamAppend]) throws -> [AppendResult] {
        if options.readOnly {
            throw EventStoreError(.readOnly, "the store at \(path) was opened read-only")
        }
        guard !parts.isEmpty else { return [] }
        let requests = parts.map { AppendRequest(stream: $0.stream, events: $0.events, expectedVersion: $0.expectedVersion) }
        let results: [AppendResult]
        do {
            do {
                // Several parts: each index is written in key order. Parts that need judging (a
                // failed check, an id already stored) are applied one by one instead.
                guard requests.count > 1 else { throw LogStorage.KeyOrderFallback() }
                results = try appendInKeyOrder(requests)
            } catch is LogStorage.KeyOrderFallback {
                results = try appendOneByOne(requests)
            }
        } catch {
            throw EventStore.storageError(error, while: "the append to \(parts.count) streams", at: path)
        }
        if results.contains(where: { !$0.wasAlreadyStored }) { notifier.notify() }
        return results
    }

    func appendInKeyOrder(_ requests: [AppendRequest]) throws -> [AppendResult] {
        try storage.environment.write { transaction in
            let cursors = try AppendCursors(storage, in: transaction)
            var head = try storage.head(using: cursors.log, in: transaction)
            var known: [StreamID: StreamPlace] = [:]
            return try storage.applyInKeyOrder(requests, head: &head, now: options.clock(), cursors: cursors, known: &known, in: transaction)
        }
    }

    private func appendOneByOne(_ requests: [AppendRequest]) throws -> [AppendResult] {
        try storage.environment.write { transaction in
            let cursors = try AppendCursors(storage, in: transaction)
            var head = try storage.head(using: cursors.log, in: transaction)
            let now = options.clock()
            return try requests.enumerated().map { index, request in
                switch try storage.apply(request, head: &head, now: now, cursors: cursors, in: transaction) {
                case .success(let result): return result
                case .failure(var error):
                    error.message = "part \(index + 1) of the append: \(error.message)"
                    throw error
                }
            }
        }
    }
}
