import HomewardLMDB

extension EventStore {
    /// Appends batches of several streams' events in one write transaction, taking each batch
    /// as the caller has it ready: every batch is stored, in the order given, or none is, also
    /// when the process is killed midway.
    ///
    /// For imports: the caller checks its input on other threads and hands over each batch as
    /// soon as it is checked, so the appends overlap the checks, and no batch is held once it
    /// is written. A problem found late (a bad line near the end of a file) is thrown from
    /// `nextBatch`, which aborts the transaction: nothing was stored. One transaction also
    /// writes each page of the indexes once, where a transaction per batch wrote it again in
    /// every batch that touched it.
    ///
    /// The transaction holds the store's writer lock until the last batch: other appends, of
    /// this process or another, wait for it. Each batch is applied like ``append(_:)`` applies
    /// its parts, in key order; a part that fails a check (an expected version, an event id
    /// already stored) aborts the whole transaction with an error naming its batch.
    ///
    /// ```swift
    /// var batches = checkedBatches.makeIterator()
    /// try store.appendInOneTransaction(expectedBytes: file.count * 2, nextBatch: { batches.next() })
    /// ```
    /// - Parameters:
    ///   - expectedBytes: About how many bytes the batches will add to the file. The map is
    ///     grown beforehand to hold them: a transaction that fills the map is lost (it cannot be
    ///     run again from the start, as ``append(_:)``'s is, since its batches were taken).
    ///   - nextBatch: Called on this thread, inside the transaction, for each batch in turn;
    ///     returns `nil` after the last. What it throws aborts the transaction and is rethrown.
    ///   - appended: Called after each batch is written (not yet durable) with its results.
    /// - Returns: The results of every batch, in order, once the transaction is committed (and,
    ///   with ``Durability/full``, on disk).
    /// - Throws: What `nextBatch` throws; ``EventStoreError`` for a part that fails a check, a
    ///   map that filled up regardless, or a storage failure. Nothing is stored then.
    @discardableResult
    public func appendInOneTransaction(
        expectedBytes: Int,
        nextBatch: () throws -> [StreamAppend]?,
        appended: ([AppendResult]) -> Void = { _ in }
    ) throws -> [[AppendResult]] {
        if options.readOnly {
            throw EventStoreError(.readOnly, "the store at \(path) was opened read-only")
        }
        do {
            try storage.environment.reserve(max(0, expectedBytes))
        } catch {
            throw EventStore.storageError(error, while: "growing the map for a long append", at: path)
        }
        var started = false
        var batchNumber = 0
        let results: [[AppendResult]]
        do {
            results = try storage.environment.write { transaction in
                // A write that fills the map runs again; these batches are gone by then.
                guard !started else {
                    throw EventStoreError(
                        .storage,
                        "the map filled up during batch \(batchNumber) although \(expectedBytes) bytes were reserved; nothing was stored, and the map has grown: run it again"
                    )
                }
                started = true
                let cursors = try AppendCursors(storage, in: transaction)
                var head = try storage.head(using: cursors.log, in: transaction)
                let now = options.clock()
                var results: [[AppendResult]] = []
                // The streams written by earlier batches: a case's later events (in later
                // batches) find its number and version here, not by two index lookups.
                var known: [StreamID: StreamPlace] = [:]
                while let batch = try Self.callersBatch(nextBatch) {
                    batchNumber += 1
                    guard !batch.isEmpty else { continue }
                    let requests = batch.map { AppendRequest(stream: $0.stream, events: $0.events, expectedVersion: $0.expectedVersion) }
                    let batchResults: [AppendResult]
                    do {
                        batchResults = try storage.applyInKeyOrder(requests, head: &head, now: now, cursors: cursors, known: &known, in: transaction)
                    } catch is LogStorage.KeyOrderFallback {
                        throw EventStoreError(
                            .wrongExpectedVersion,
                            "batch \(batchNumber) of a long append: a part's expected version does not hold, or one of its event ids is already stored; nothing was stored"
                        )
                    }
                    appended(batchResults)
                    results.append(batchResults)
                }
                return results
            }
        } catch let error as CallersError {
            throw error.underlying
        } catch let error as EventStoreError {
            throw error
        } catch {
            throw EventStore.storageError(error, while: "a long append (batch \(batchNumber))", at: path)
        }
        if results.contains(where: { $0.contains { !$0.wasAlreadyStored } }) { notifier.notify() }
        return results
    }

    /// What the caller's `nextBatch` threw, kept apart from the store's own errors.
    private struct CallersError: Error {
        let underlying: any Error
    }

    private static func callersBatch(_ nextBatch: () throws -> [StreamAppend]?) throws(CallersError) -> [StreamAppend]? {
        do {
            return try nextBatch()
        } catch {
            throw CallersError(underlying: error)
        }
    }
}
