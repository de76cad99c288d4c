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

    /// Events per write transaction by default. Large: an interchange file's events touch pages
    /// all over the id and stream indexes, and each transaction writes every page it touched
    /// once, so fewer, larger transactions write far less (a million-event import: 5,000 per
    /// transaction wrote its indexes 200 times over and took twice as long).
    public static let defaultTransactionSize = 50_000


    /// Hands a large value to another thread, where its memory is freed, so that freeing a
    /// million records does not hold up the caller.
    private static func releaseInBackground<Value>(_ value: Value) {
        let handoff = Handoff(value)
        _ = BackgroundWork { handoff.value = nil }
    }

    /// A stream's state and version as the lines read so far leave it. Each line changes it in
    /// place, in the importer's dictionary (no copy of its state).
    ///
    /// The stream's records are not kept: a million of them took hundreds of megabytes, and only
    /// a correction or a void needs them (to resolve the case anew), a few lines in a thousand.
    /// The stream keeps where its lines lie in the file instead, and reads them again then.
    private struct StreamProgress {
        var state: CaseState
        /// The stream's records already in the store (none in an empty store).
        var storedRecords: [CaseRecord]
        /// Where each of the stream's lines checked so far lies in the file.
        var lines: [Range<Int>] = []
        var version: UInt64

        init(state: CaseState, storedRecords: [CaseRecord]) {
            self.state = state
            self.storedRecords = storedRecords
            version = UInt64(storedRecords.count)
        }
    }

    /// Room kept in the store's payload limit for sealing personal fields (key name, lengths,
    /// nonce and tag).
    static let sealingAllowance = 512

    /// Creates an importer writing through a service's store, registry and calendar.
    public init(service: ReliefService) {
        self.service = service
    }

    /// Imports a file's bytes.
    /// - Parameters:
    ///   - bytes: The file.
    ///   - recordViolations: Store events that break a guard and list them as findings.
    ///   - transactionSize: Events per transaction when appending.
    /// - Returns: What was appended.
    /// - Throws: ``Failure`` listing every bad line (nothing is appended); ``HomewardStore/EventStoreError``.
    @discardableResult
    public func importFile(
        _ bytes: [UInt8],
        recordViolations: Bool = false,
        transactionSize: Int = JSONLinesImporter.defaultTransactionSize,
        progress: ((_ appended: Int, _ total: Int) -> Void)? = nil
    ) throws -> Report {
        var errors: [InterchangeError] = []
        var lineCount = 0
        var findings: [Finding] = []
        // Each stream's state as the lines so far leave it, changed in place.
        var streams: [StreamID: StreamProgress] = [:]
        // What the append needs of the checked lines: the file's runs of one stream, as the
        // store's parts, and the key each event's personal fields are sealed under.
        var parts: [StreamAppend] = []
        var keyNames: [String] = []
        // About one line per 300 bytes: room made once, not grown a million times.
        let estimatedLines = bytes.count / 300 + 16
        keyNames.reserveCapacity(estimatedLines)
        var alreadyStored = 0
        let startingHead = try service.store.head()
        var lastRecordedAt = startingHead.recordedAt
        var contentOccurrences: [UUID: Int] = [:]
        // The event ids given to lines without one, by where the line starts in the file.
        var derivedIds: [Int: UUID] = [:]
        var seenIds = Set<UUID>(minimumCapacity: estimatedLines)
        // Nothing can be stored already in an empty store: no lookup per line. In another, the
        // last records are indexed first, so that the lookups read the indexes alone.
        let storeWasEmpty = startingHead.position == 0
        if !storeWasEmpty { try service.store.indexUnindexedRecords() }
        var unknownTypes: [String: Int] = [:]
        // Lines are validated as they are read; only what the append needs is kept of each.
        func check(_ line: JSONLinesReader.Line) throws {
            if case .unknown(let unknown) = line.event {
                unknownTypes["\(unknown.typeName) v\(unknown.schemaVersion)", default: 0] += 1
            }
            // A line without an event id gets one derived from its content (and how many identical
            // lines came before it), so that importing the same file again is a no-op.
            guard line.record.eventId != nil else {
                var identified = line
                // Occurrences are counted by the first occurrence's id, not by the text: a million
                // lines of text would be held twice.
                let content = line.record.json.serialized
                let firstId = ContentIdentifier.uuid(for: content, occurrence: 0)
                let occurrence = contentOccurrences[firstId, default: 0]
                contentOccurrences[firstId] = occurrence + 1
                identified.record.eventId = occurrence == 0 ? firstId : ContentIdentifier.uuid(for: content, occurrence: occurrence)
                derivedIds[line.range.lowerBound] = identified.record.eventId
                return try checkIdentified(identified)
            }
            try checkIdentified(line)
        }
        func checkIdentified(_ line: JSONLinesReader.Line) throws {
            let record = line.record
            // A refused line is still followed through, so that the lines after it are judged as
            // if it had been allowed: one refusal, not a cascade of version conflicts.
            if let refusal = service.policy?.refusal(of: record.type, by: record.actor.role) {
                errors.append(InterchangeError(line: line.number, key: "actor.role", kind: "notAllowed", problem: refusal.description))
            }
            // Checked here, not at the append, so that a file is still imported all or nothing.
            let largest = service.store.options.maxPayloadBytes - JSONLinesImporter.sealingAllowance
            if line.payload.count > largest {
                errors.append(InterchangeError(line: line.number, key: "data", kind: "tooLarge", problem: "the event's data takes \(line.payload.count) bytes stored; the store accepts at most \(largest)"))
                return
            }
            if let id = record.eventId {
                if !seenIds.insert(id).inserted {
                    errors.append(InterchangeError(line: line.number, key: "eventId", kind: "duplicate", problem: "\(id.uuidString.lowercased()) appears on an earlier line"))
                    return
                }
                if !storeWasEmpty, try service.store.event(withId: id) != nil {
                    alreadyStored += 1
                    return
                }
            }
            if let recordedAt = record.recordedAt {
                if let last = lastRecordedAt, recordedAt < last {
                    errors.append(InterchangeError(line: line.number, key: "recordedAt", kind: "outOfRange", problem: "\(recordedAt) is earlier than \(last), recorded on an earlier line or already in the store: recorded times must not go backwards"))
                    return
                }
                lastRecordedAt = recordedAt
            }
            // Looked up by index: `streams[key] == nil` would copy the stream's state out.
            if streams.index(forKey: record.stream) == nil {
                let records = storeWasEmpty ? [] : try service.records(of: record.stream)
                let id = StreamNames.caseId(of: record.stream) ?? record.stream.rawValue
                streams[record.stream] = StreamProgress(state: service.decisionState(caseId: id, records: records), storedRecords: records)
            }
            // Through the subscript with a default, which lends the stored value in place
            // (`streams[key]!` lent a copy: the stream's state was copied at every line).
            try follow(line, in: &streams[record.stream, default: StreamProgress(state: CaseState(caseId: ""), storedRecords: [])])
        }
        /// A position for a line not yet stored, after every stored one and in file order (where
        /// the line starts in the file, past the head), so that a correction or void finds its
        /// target among the earlier events of its stream, as it will once stored.
        func provisionalPosition(of range: Range<Int>) -> UInt64 {
            startingHead.position + 1 + UInt64(range.lowerBound)
        }
        /// A stream's records: those stored, then its lines checked so far, read again.
        func records(of entry: StreamProgress) throws -> [CaseRecord] {
            let reader = JSONLinesReader(registry: service.registry)
            var records = entry.storedRecords
            records.reserveCapacity(records.count + entry.lines.count)
            for range in entry.lines {
                let line = try bytes.withUnsafeBufferPointer { buffer in
                    try reader.readLine(UnsafeBufferPointer(rebasing: buffer[range]), number: 0)
                }
                let record = line.record
                guard let eventId = record.eventId ?? derivedIds[range.lowerBound] else {
                    preconditionFailure("a line read again has no event id")
                }
                records.append(CaseRecord(position: provisionalPosition(of: range), eventId: eventId, occurredAt: record.occurredAt,
                                          recordedAt: record.recordedAt ?? record.occurredAt, actor: record.actor, event: line.event))
            }
            return records
        }
        /// Checks a line against its stream and moves the stream on.
        func follow(_ line: JSONLinesReader.Line, in entry: inout StreamProgress) throws {
            let record = line.record
            if let version = record.version, version != entry.version + 1 {
                errors.append(InterchangeError(line: line.number, key: "version", kind: "conflict", problem: "stream \(record.stream) would give this event version \(entry.version + 1), not \(version)"))
                return
            }
            let keyName = PersonalKeys.name(for: line.event, in: record.stream, knownPersonId: entry.state.personId)
            let caseRecord = CaseRecord(position: provisionalPosition(of: line.range), eventId: record.eventId ?? UUID(), occurredAt: record.occurredAt,
                                        recordedAt: record.recordedAt ?? record.occurredAt, actor: record.actor, event: line.event)
            if StreamNames.caseId(of: record.stream) != nil {
                for violation in Case.violations(of: line.event, occurredAt: record.occurredAt, in: entry.state, calendar: service.calendar) {
                    if recordViolations {
                        findings.append(Finding(line: line.number, stream: record.stream, violation: violation))
                    } else {
                        errors.append(InterchangeError(line: line.number, key: "type", kind: violation.rule.rawValue, problem: "\(line.record.type) breaks \(violation)"))
                    }
                }
                entry.lines.append(line.range)
                if caseRecord.isMeta {
                    // A correction or void can change earlier events: resolve the case again.
                    entry.state = service.decisionState(caseId: entry.state.caseId, records: try records(of: entry))
                } else {
                    entry.state.apply(caseRecord)
                    entry.state.noteStored(caseRecord)
                }
            }
            entry.version += 1
            // Only what the append needs is kept of the line.
            let event = record.newEvent(payload: line.payload)
            if let last = parts.indices.last, parts[last].stream == record.stream {
                // A line with a version pins the run's start, should its first lines have none.
                if case .any = parts[last].expectedVersion, let version = record.version {
                    parts[last].expectedVersion = .exact(version - 1 - UInt64(parts[last].events.count))
                }
                parts[last].events.append(event)
            } else {
                let expected: ExpectedVersion = record.version.map { .exact($0 - 1) } ?? .any
                parts.append(StreamAppend(stream: record.stream, events: [event], expectedVersion: expected))
            }
            keyNames.append(keyName)
        }
        try JSONLinesReader(registry: service.registry).forEachLine(bytes) { (result) throws in
            lineCount += 1
            switch result {
            case .success(let line): try check(line)
            case .failure(let error): errors.append(error)
            }
        }
        if !errors.isEmpty {
            throw Failure(errors: errors.sorted { $0.line < $1.line })
        }
        // The streams' records are no longer needed: freed on another core while this one appends.
        Self.releaseInBackground(streams)
        streams = [:]
        var appended = 0
        var positions: ClosedRange<UInt64>?
        let transactionSize = max(1, transactionSize)
        var partIndex = 0
        // How many events of `parts[partIndex]` earlier transactions took.
        var partOffset = 0
        var eventIndex = 0
        while partIndex < parts.count {
            // The next `transactionSize` events, in parts; a part cut at the end of a
            // transaction goes on in the next one, expecting the version its first half left.
            var batch: [StreamAppend] = []
            var count = 0
            while partIndex < parts.count && count < transactionSize {
                let part = parts[partIndex]
                let taken = min(part.events.count - partOffset, transactionSize - count)
                var piece = part
                if partOffset > 0 || taken < part.events.count {
                    piece.events = Array(part.events[partOffset..<(partOffset + taken)])
                    if partOffset > 0, case .exact(let version) = part.expectedVersion {
                        piece.expectedVersion = .exact(version + UInt64(partOffset))
                    }
                }
                batch.append(piece)
                count += taken
                partOffset += taken
                if partOffset == part.events.count {
                    partIndex += 1
                    partOffset = 0
                }
            }
            if service.registry.keys != nil {
                var events = batch.flatMap(\.events)
                try service.registry.seal(&events, keyNames: Array(keyNames[eventIndex..<(eventIndex + count)]))
                var offset = 0
                for index in batch.indices {
                    let size = batch[index].events.count
                    batch[index].events = Array(events[offset..<(offset + size)])
                    offset += size
                }
            }
            eventIndex += count
            for result in try service.store.append(batch) where !result.wasAlreadyStored {
                appended += result.positions.count
                if let first = result.positions.first, let last = result.positions.last {
                    positions = (positions?.lowerBound ?? first)...max(positions?.upperBound ?? last, last)
                }
            }
            progress?(eventIndex, keyNames.count)
            Self.releaseInBackground(batch)
        }
        Self.releaseInBackground(parts)
        parts = []
        return Report(
            lines: lineCount, appended: appended, alreadyStored: alreadyStored,
            positions: positions, findings: findings, unknownTypes: unknownTypes
        )
    }
}

/// A value handed to another thread to be freed there.
private final class Handoff<Value>: @unchecked Sendable {
    // Touched by no one after the hand-off but the thread that frees it.
    var value: Value?
    init(_ value: Value) { self.value = value }
}
