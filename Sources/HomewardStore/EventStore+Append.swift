import HomewardLMDB

extension EventStore {
    /// Appends events to a stream, atomically, and waits until they are durable.
    ///
    /// All events of one call are written in one transaction, or none is. If every event's id is
    /// already stored in this stream in this order (a retry of an append that succeeded), nothing
    /// is written and the original positions come back with
    /// ``AppendResult/wasAlreadyStored`` set; a batch that only partly overlaps stored ids fails.
    ///
    /// This call blocks the calling thread for the commit. From `async` code, use the `async`
    /// overload, which groups concurrent appends into one commit.
    /// - Parameters:
    ///   - events: The events, in order. At least one.
    ///   - stream: The stream to append to.
    ///   - expectedVersion: The version the stream must be at.
    /// - Returns: The positions and the stream's new version.
    /// - Throws: ``EventStoreError``: ``EventStoreError/Code/wrongExpectedVersion`` (with the
    ///   stream's actual version), ``EventStoreError/Code/idempotencyConflict``,
    ///   ``EventStoreError/Code/invalidEvent``, ``EventStoreError/Code/diskFull``, …
    @discardableResult
    public func append(
        _ events: [NewEvent],
        to stream: StreamID,
        expectedVersion: ExpectedVersion = .any
    ) throws -> AppendResult {
        try ensureWritable()
        let request = AppendRequest(stream: stream, events: events, expectedVersion: expectedVersion)
        let outcome: Result<AppendResult, EventStoreError>
        do {
            outcome = try storage.environment.write { transaction in
                let cursors = try AppendCursors(storage, in: transaction)
                var head = try storage.head(using: cursors.log, in: transaction)
                return try storage.apply(request, head: &head, now: options.clock(), cursors: cursors, leavingUnindexed: StorageLayout.unindexedLimitAlone, in: transaction)
            }
        } catch {
            throw EventStore.storageError(error, while: "the append to '\(stream)'", at: path)
        }
        let result = try outcome.get()
        if !result.wasAlreadyStored { notifier.notify() }
        return result
    }

    /// Puts the records that small appends left out of the indexes into them (see "The
    /// unindexed records" in `Docs/storage-format.md`), so that many lookups in a row (an
    /// import's, into a store that has events) read the indexes alone.
    package func indexUnindexedRecords() throws {
        try ensureWritable()
        do {
            try storage.environment.write { transaction in
                let mark = try storage.unindexedMark(in: transaction)
                guard mark.first != nil else { return }
                try storage.indexUnindexed(mark, cursors: AppendCursors(storage, in: transaction), in: transaction)
            }
        } catch {
            throw EventStore.storageError(error, while: "indexing the last records", at: path)
        }
    }

    /// Appends events to a stream through the store's single writer, which commits concurrent
    /// appends together (group commit), and returns once the commit is durable.
    ///
    /// Each append is still checked and applied on its own: a failing append fails alone. Once
    /// submitted, an append is not withdrawn when the calling task is cancelled.
    /// - Parameters:
    ///   - events: The events, in order. At least one.
    ///   - stream: The stream to append to.
    ///   - expectedVersion: The version the stream must be at.
    /// - Returns: The positions and the stream's new version.
    /// - Throws: ``EventStoreError``, as the synchronous overload.
    @discardableResult
    public func append(
        _ events: [NewEvent],
        to stream: StreamID,
        expectedVersion: ExpectedVersion = .any
    ) async throws -> AppendResult {
        try ensureWritable()
        let request = AppendRequest(stream: stream, events: events, expectedVersion: expectedVersion)
        return try await withCheckedThrowingContinuation { continuation in
            writer.submit(GroupCommitWriter.Pending(request: request, continuation: continuation))
        }
    }

    private func ensureWritable() throws(EventStoreError) {
        if options.readOnly {
            throw EventStoreError(.readOnly, "the store at \(path) was opened read-only")
        }
    }
}
