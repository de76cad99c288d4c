import Foundation
public import HomewardStore

/// Imports an interchange file: validates every line first and appends nothing if any line is
/// invalid; then appends the file's events in the file's order, in transactions of whole streams'
/// runs.
///
/// Guard violations are errors unless the importer is asked to record them, in which case the
/// events are stored and the violations listed as findings. A line whose `eventId` is already
/// stored is a no-op, so importing the same file twice appends nothing the second time.
public struct JSONLinesImporter: Sendable {
    /// A guard violation recorded on purpose.
    public struct Finding: Sendable, Hashable, CustomStringConvertible {
        /// The line.
        public var line: Int
        /// The stream.
        public var stream: StreamID
        /// The rule broken.
        public var violation: RuleViolation
        public var description: String { "line \(line), \(stream): \(violation)" }
    }

    /// What an import did.
    public struct Report: Sendable, Hashable {
        /// Lines read.
        public var lines: Int
        /// Events appended.
        public var appended: Int
        /// Lines skipped because their event id was already stored.
        public var alreadyStored: Int
        /// The positions appended, if any.
        public var positions: ClosedRange<UInt64>?
        /// Guard violations stored on purpose (with `recordViolations`).
        public var findings: [Finding]
        /// Events of types (or schema versions) this version does not know, kept as they came:
        /// "type vN" → count.
        public var unknownTypes: [String: Int]
    }

    /// An import refused: every bad line, and nothing appended.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// The bad lines, in order.
        public var errors: [InterchangeError]
        public var description: String {
            "\(errors.count) invalid line\(errors.count == 1 ? "" : "s"); nothing was imported:\n" + errors.map { "  \($0)" }.joined(separator: "\n")
        }
    }

    private let service: ReliefService

    /// Events per write transaction suggested for an import in transactions (`transactionSize`
    /// of ``importFile(_:recordViolations:transactionSize:progress:)``). Large: an interchange file's events touch pages
    /// all over the id and stream indexes, and each transaction writes every page it touched
    /// once, so fewer, larger transactions write far less (a million-event import: 5,000 per
    /// transaction wrote its indexes 200 times over and took twice as long).
    public static let defaultTransactionSize = 50_000

    /// Events per batch handed from the checks to the append when the whole file is appended in
    /// one transaction.
    static let oneTransactionBatchSize = 20_000

    /// Batches checked ahead of the append, at most.
    static let batchesAhead = 2

    /// Room kept in the store's payload limit for sealing personal fields (key name, lengths,
    /// nonce and tag).
    static let sealingAllowance = 512

    /// Creates an importer writing through a service's store, registry and calendar.
    public init(service: ReliefService) {
        self.service = service
    }

    /// Imports a file's bytes: all of it, or nothing.
    ///
    /// By default the whole file is appended in one write transaction, batch by batch as its
    /// lines are checked (the checks on other threads): a bad line anywhere, or a crash, leaves
    /// nothing stored, and no more than a few batches of checked lines are held at a time. The
    /// transaction holds the store's writer lock until the end: other appends wait for it.
    ///
    /// With a `transactionSize`, the whole file is checked first (nothing is appended if a line
    /// is bad), then appended in transactions of that many events, each durable on its own: a
    /// crash during the appends leaves whole transactions, and importing the file again
    /// appends the rest.
    /// - Parameters:
    ///   - bytes: The file.
    ///   - recordViolations: Store events that break a guard and list them as findings.
    ///   - transactionSize: Events per transaction, appended after the whole file is checked;
    ///     `nil` (the default) appends the whole file in one transaction while it is checked.
    ///   - progress: Called after each batch with the events appended so far (not yet
    ///     durable in one transaction) and the file's events (about as many as its lines,
    ///     until the last call).
    /// - Returns: What was appended.
    /// - Throws: ``Failure`` listing every bad line (nothing is appended); ``HomewardStore/EventStoreError``.
    @discardableResult
    public func importFile(
        _ bytes: [UInt8],
        recordViolations: Bool = false,
        transactionSize: Int? = nil,
        progress: ((_ appended: Int, _ total: Int) -> Void)? = nil
    ) throws -> Report {
        try importFile(JSONLinesFile(bytes: bytes), recordViolations: recordViolations, transactionSize: transactionSize, progress: progress)
    }

    /// Imports a file held in memory or mapped from disk (``JSONLinesFile/init(mapping:)``: a
    /// large file is then read from the page cache, not copied into the process's memory), as
    /// the byte-array variant does: all of it, or nothing.
    /// - Parameters:
    ///   - file: The file.
    ///   - recordViolations: Store events that break a guard and list them as findings.
    ///   - transactionSize: Events per transaction, appended after the whole file is checked;
    ///     `nil` (the default) appends the whole file in one transaction while it is checked.
    ///   - progress: Called after each batch with the events appended so far and the file's
    ///     events (about as many as its lines, until the last call).
    /// - Returns: What was appended.
    /// - Throws: ``Failure`` listing every bad line (nothing is appended); ``HomewardStore/EventStoreError``.
    @discardableResult
    public func importFile(
        _ file: JSONLinesFile,
        recordViolations: Bool = false,
        transactionSize: Int? = nil,
        progress: ((_ appended: Int, _ total: Int) -> Void)? = nil
    ) throws -> Report {
        try importFile(file, recordViolations: recordViolations, transactionSize: transactionSize, checkedBatchSize: JSONLinesImporter.oneTransactionBatchSize, progress: progress)
    }

    /// ``importFile(_:recordViolations:transactionSize:progress:)``, handing the append batches
    /// of `checkedBatchSize` events when it appends in one transaction.
    func importFile(
        _ bytes: JSONLinesFile,
        recordViolations: Bool,
        transactionSize: Int?,
        checkedBatchSize: Int,
        progress: ((_ appended: Int, _ total: Int) -> Void)?
    ) throws -> Report {
        let head = try service.store.head()
        // In a store with events, the last records are indexed first, so that the lookups of
        // the checks read the indexes alone (and before the long append holds the writer).
        if head.position > 0 { try service.store.indexUnindexedRecords() }
        var appended = Appended()
        let checked: ImportCheck.Summary
        if let transactionSize {
            let batch: ImportCheck.Batch
            do {
                var check = ImportCheck(service: service, bytes: bytes, recordViolations: recordViolations, head: head)
                try JSONLinesReader(registry: service.registry, keepsData: false).forEachLine(bytes, line: { line throws in try check.check(line) }, error: { check.record($0) })
                if !check.errors.isEmpty { throw Failure(errors: check.errors.sorted { $0.line < $1.line }) }
                batch = check.takeBatch()
                checked = check.summary
                // The streams' states are no longer needed: freed on another core while this
                // one appends.
                check.releaseTablesInBackground()
            }
            try appendInTransactions(batch, size: max(1, transactionSize), into: &appended, progress: progress)
            // The checked events (all of the file) are freed on another core.
            BackgroundRelease.release(consume batch)
        } else {
            checked = try appendWhileChecking(
                bytes, recordViolations: recordViolations, head: head, batchSize: max(1, checkedBatchSize), into: &appended, progress: progress
            )
        }
        return Report(
            lines: checked.lineCount, appended: appended.count, alreadyStored: checked.alreadyStored,
            positions: appended.positions, findings: checked.findings, unknownTypes: checked.unknownTypes
        )
    }

    /// The events appended so far and their positions.
    private struct Appended {
        var count = 0
        var positions: ClosedRange<UInt64>?

        mutating func add(_ results: [AppendResult]) {
            for result in results where !result.wasAlreadyStored {
                count += result.positions.count
                if let first = result.positions.first, let last = result.positions.last {
                    positions = (positions?.lowerBound ?? first)...max(positions?.upperBound ?? last, last)
                }
            }
        }
    }

    /// Checks the file on another thread, handing over a batch of checked lines at a time, and
    /// appends the batches in one transaction; a bad line aborts it (nothing stored) once the
    /// whole file is checked, so that every bad line is listed.
    private func appendWhileChecking(
        _ bytes: JSONLinesFile,
        recordViolations: Bool,
        head: StoreHead,
        batchSize: Int,
        into appended: inout Appended,
        progress: ((_ appended: Int, _ total: Int) -> Void)?
    ) throws -> ImportCheck.Summary {
        let handover = BatchHandover<BackgroundWork<ImportCheck.Batch>>(capacity: JSONLinesImporter.batchesAhead)
        let (service, registry) = (self.service, self.service.registry)
        // On a thread of its own: it waits whenever the handover is full.
        let checking = BackgroundWork(onOwnThread: { () throws -> ImportCheck.Summary in
            // Made and used on the checking thread only.
            var check = ImportCheck(service: service, bytes: bytes, recordViolations: recordViolations, head: head)
            do {
                try JSONLinesReader(registry: registry, keepsData: false).forEachLine(
                    bytes,
                    line: { line throws in
                        try check.check(line)
                        // Nothing more is handed over once a line is bad: the import will fail.
                        if check.batch.events >= batchSize, check.errors.isEmpty {
                            guard handover.put(sealing(check.takeBatch())) else { throw CancellationError() }
                        }
                    },
                    error: { check.record($0) }
                )
                if check.errors.isEmpty {
                    if check.batch.events > 0, !handover.put(sealing(check.takeBatch())) { throw CancellationError() }
                    handover.finish(.success(()))
                } else {
                    handover.finish(.failure(Failure(errors: check.errors.sorted { $0.line < $1.line })))
                }
                let summary = check.summary
                check.releaseTablesInBackground()
                return summary
            } catch {
                handover.finish(.failure(error))
                throw error
            }
        })
        // About one event per line: the total shown until the checks know it.
        let estimatedTotal = Self.lineCount(of: bytes)
        var done = 0
        var taken: [ImportCheck.Batch] = []
        do {
            try service.store.appendInOneTransaction(
                expectedBytes: bytes.count * 2,
                nextBatch: {
                    // The batch before is written: its memory is freed on another core.
                    if !taken.isEmpty {
                        var previous: [ImportCheck.Batch] = []
                        swap(&previous, &taken)
                        BackgroundRelease.release(consume previous)
                    }
                    guard let batch = try handover.take()?.take() else { return nil }
                    done += batch.events
                    taken = [batch]
                    return batch.parts
                },
                appended: { results in
                    appended.add(results)
                    progress?(done, max(done, estimatedTotal))
                }
            )
        } catch {
            handover.cancel()
            checking.wait()
            throw error
        }
        let summary = try checking.value()
        progress?(done, done)
        return summary
    }

    /// How many lines `bytes` holds (its newlines, and a last line without one).
    private static func lineCount(of bytes: JSONLinesFile) -> Int {
        bytes.withUnsafeBytes { buffer in
            guard var cursor = buffer.baseAddress else { return 0 }
            let end = cursor + buffer.count
            var count = 0
            while cursor < end, let newline = memchr(cursor, 0x0a, cursor.distance(to: end)) {
                count += 1
                cursor = UnsafeRawPointer(newline) + 1
            }
            return count + (cursor < end ? 1 : 0)
        }
    }

    /// Appends checked lines in transactions of `size` events; a part cut at the end of a
    /// transaction goes on in the next one, expecting the version its first half left.
    private func appendInTransactions(
        _ batch: ImportCheck.Batch,
        size transactionSize: Int,
        into appended: inout Appended,
        progress: ((_ appended: Int, _ total: Int) -> Void)?
    ) throws {
        let parts = batch.parts
        var partIndex = 0
        // How many events of `parts[partIndex]` earlier transactions took.
        var partOffset = 0
        var eventIndex = 0
        while partIndex < parts.count {
            var piece = ImportCheck.Batch()
            while partIndex < parts.count && piece.events < transactionSize {
                let part = parts[partIndex]
                let taken = min(part.events.count - partOffset, transactionSize - piece.events)
                var cut = part
                if partOffset > 0 || taken < part.events.count {
                    cut.events = Array(part.events[partOffset..<(partOffset + taken)])
                    if partOffset > 0, case .exact(let version) = part.expectedVersion {
                        cut.expectedVersion = .exact(version + UInt64(partOffset))
                    }
                }
                piece.parts.append(cut)
                piece.events += taken
                partOffset += taken
                if partOffset == part.events.count {
                    partIndex += 1
                    partOffset = 0
                }
            }
            if !batch.keyNames.isEmpty {
                piece.keyNames = Array(batch.keyNames[eventIndex..<(eventIndex + piece.events)])
                piece = try sealed(piece)
            }
            eventIndex += piece.events
            appended.add(try service.store.append(piece.parts))
            progress?(eventIndex, batch.events)
            var written = ImportCheck.Batch()
            swap(&written, &piece)
            BackgroundRelease.release(consume written)
        }
    }

    /// A batch with each event's personal fields sealed under its key.
    private func sealed(_ batch: ImportCheck.Batch) throws -> ImportCheck.Batch {
        var sealed = batch
        try service.registry.seal(&sealed.parts, keyNames: batch.keyNames)
        return sealed
    }

    /// Seals a checked batch on another thread, while the next batch is checked and the one
    /// before appended: sealed on the appending thread (inside the write transaction), the
    /// personal fields' keys and AES-GCM took a third of it, and it was the slowest stage.
    private func sealing(_ batch: ImportCheck.Batch) -> BackgroundWork<ImportCheck.Batch> {
        BackgroundWork { [self] in service.registry.keys == nil ? batch : try sealed(batch) }
    }
}
