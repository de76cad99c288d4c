import Foundation
import HomewardStore

/// The checks of an interchange file's lines, in file order, against each other and the store,
/// and what the append needs of the lines that pass: the file's runs of one stream, as the
/// store's parts, and the key each event's personal fields are sealed under.
///
/// Lines are checked as they are read; only what the append needs is kept of each, and the
/// importer takes it away in batches (``takeBatch()``) as it appends them.
struct ImportCheck {
    /// Checked lines, ready to append.
    struct Batch: Sendable {
        var parts: [StreamAppend] = []
        /// The key of each event, in order (only when the store seals personal fields).
        var keyNames: [String] = []
        var events = 0
    }

    /// What the checks found, besides the lines to append.
    struct Summary: Sendable {
        var lineCount: Int
        var findings: [JSONLinesImporter.Finding]
        var alreadyStored: Int
        var unknownTypes: [String: Int]
    }

    /// What the checks found so far.
    var summary: Summary {
        Summary(lineCount: lineCount, findings: findings, alreadyStored: alreadyStored, unknownTypes: unknownTypes)
    }

    /// A stream's state and version as the lines read so far leave it. Each line changes it in
    /// place: a reference, so that the check can change it while it also changes itself (a
    /// value taken out of the dictionary and put back cost two hash lookups and a copy a line).
    ///
    /// The stream's records are not kept: a million of them took hundreds of megabytes, and only
    /// a correction or a void needs them (to resolve the case anew), a few lines in a thousand.
    /// The stream keeps where its lines lie in the file instead, and reads them again then.
    private final class StreamProgress {
        var state: CaseState
        /// The stream's records already in the store (none in an empty store).
        var storedRecords: [CaseRecord]
        /// The stream's last line checked so far, in ``ImportCheck/checkedLines``; -1 for none.
        var lastLine = -1
        /// How many of the stream's lines were checked so far.
        var lineCount = 0
        var version: UInt64

        init(state: CaseState, storedRecords: [CaseRecord]) {
            self.state = state
            self.storedRecords = storedRecords
            version = UInt64(storedRecords.count)
        }
    }

    private let service: ReliefService
    private let bytes: JSONLinesFile
    private let recordViolations: Bool
    private let startingPosition: UInt64
    /// Nothing can be stored already in an empty store: no lookup per line.
    private let storeWasEmpty: Bool
    private let sealsPersonalFields: Bool
    private let largestPayload: Int

    /// Every bad line so far.
    private(set) var errors: [InterchangeError] = []
    private(set) var lineCount = 0
    private(set) var findings: [JSONLinesImporter.Finding] = []
    private(set) var alreadyStored = 0
    private(set) var unknownTypes: [String: Int] = [:]
    /// What passed since the last ``takeBatch()``.
    private(set) var batch = Batch()

    private var streams: [StreamID: StreamProgress] = [:]
    private var lastRecordedAt: Timestamp?
    private var contentOccurrences: [UUID: Int] = [:]
    /// The event ids given to lines without one, by where the line starts in the file.
    private var derivedIds: [Int: UUID] = [:]
    private var seenIds: Set<UUID>
    /// Every case line checked, in file order: where it lies in the file, and its stream's line
    /// before it (-1 for none). One table for the file instead of an array per stream, whose
    /// growth was a tenth of the checking thread.
    private var checkedLines: [(start: Int, end: Int, previous: Int)] = []

    /// Starts the checks of a file.
    /// - Parameters:
    ///   - bytes: The file, which lines are read from again when a correction or void needs it.
    ///   - head: The store's head when the import began.
    init(service: ReliefService, bytes: JSONLinesFile, recordViolations: Bool, head: StoreHead) {
        self.service = service
        self.bytes = bytes
        self.recordViolations = recordViolations
        startingPosition = head.position
        storeWasEmpty = head.position == 0
        lastRecordedAt = head.recordedAt
        sealsPersonalFields = service.registry.keys != nil
        largestPayload = service.store.options.maxPayloadBytes - JSONLinesImporter.sealingAllowance
        // About one line per 300 bytes: room made once, not grown a million times.
        seenIds = Set(minimumCapacity: bytes.count / 300 + 16)
        checkedLines.reserveCapacity(bytes.count / 300 + 16)
    }

    /// Hands over what passed so far, and starts a new batch.
    mutating func takeBatch() -> Batch {
        defer { batch = Batch() }
        return batch
    }

    /// Hands the tables the checks keep (every stream's progress, the ids seen) to another thread
    /// to be freed, leaving them empty: freed where the checks ran, a million lines' worth took
    /// the checking thread about a quarter of a second after its last line, while the import
    /// waited for its summary.
    mutating func releaseTablesInBackground() {
        var tables = Tables()
        swap(&tables.streams, &streams)
        swap(&tables.seenIds, &seenIds)
        swap(&tables.contentOccurrences, &contentOccurrences)
        swap(&tables.derivedIds, &derivedIds)
        BackgroundRelease.release(consume tables)
    }

    /// The tables ``releaseTablesInBackground()`` hands over.
    private struct Tables {
        var streams: [StreamID: StreamProgress] = [:]
        var seenIds: Set<UUID> = []
        var contentOccurrences: [UUID: Int] = [:]
        var derivedIds: [Int: UUID] = [:]
    }

    /// Records the error of the next line of the file.
    mutating func record(_ error: InterchangeError) {
        lineCount += 1
        errors.append(error)
    }

    /// Checks the next line of the file.
    mutating func check(_ line: JSONLinesReader.Line) throws {
        lineCount += 1
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

    private mutating func checkIdentified(_ line: JSONLinesReader.Line) throws {
        let record = line.record
        // A refused line is still followed through, so that the lines after it are judged as
        // if it had been allowed: one refusal, not a cascade of version conflicts.
        if let refusal = service.policy?.refusal(of: record.type, by: record.actor.role) {
            errors.append(InterchangeError(line: line.number, key: "actor.role", kind: "notAllowed", problem: refusal.description))
        }
        // Checked here, not at the append, so that a file is still imported all or nothing.
        if line.payload.count > largestPayload {
            errors.append(InterchangeError(line: line.number, key: "data", kind: "tooLarge", problem: "the event's data takes \(line.payload.count) bytes stored; the store accepts at most \(largestPayload)"))
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
        let entry: StreamProgress
        if let existing = streams[record.stream] {
            entry = existing
        } else {
            let records = storeWasEmpty ? [] : try service.records(of: record.stream)
            let id = StreamNames.caseId(of: record.stream) ?? record.stream.rawValue
            entry = StreamProgress(state: service.decisionState(caseId: id, records: records), storedRecords: records)
            streams[record.stream] = entry
        }
        try follow(line, in: entry)
    }

    /// Checks a line against its stream and moves the stream on.
    private mutating func follow(_ line: JSONLinesReader.Line, in entry: StreamProgress) throws {
        let record = line.record
        if let version = record.version, version != entry.version + 1 {
            errors.append(InterchangeError(line: line.number, key: "version", kind: "conflict", problem: "stream \(record.stream) would give this event version \(entry.version + 1), not \(version)"))
            return
        }
        let caseRecord = CaseRecord(position: provisionalPosition(of: line.range), eventId: record.eventId ?? UUID(), occurredAt: record.occurredAt,
                                    recordedAt: record.recordedAt ?? record.occurredAt, actor: record.actor, event: line.event)
        let keyName = sealsPersonalFields ? PersonalKeys.name(for: line.event, in: record.stream, knownPersonId: entry.state.personId) : nil
        if StreamNames.isCaseStream(record.stream) {
            checkedLines.append((line.range.lowerBound, line.range.upperBound, entry.lastLine))
            entry.lastLine = checkedLines.count - 1
            entry.lineCount += 1
            // A correction or void can change earlier events: the case is resolved again.
            let resolvedAgain = caseRecord.isMeta ? try records(of: entry) : nil
            judge(line, caseRecord, resolvedAgain: resolvedAgain, in: &entry.state)
        }
        entry.version += 1
        // Only what the append needs is kept of the line.
        let event = record.newEvent(payload: line.payload)
        if let last = batch.parts.indices.last, batch.parts[last].stream == record.stream {
            // A line with a version pins the run's start, should its first lines have none.
            if case .any = batch.parts[last].expectedVersion, let version = record.version {
                batch.parts[last].expectedVersion = .exact(version - 1 - UInt64(batch.parts[last].events.count))
            }
            batch.parts[last].events.append(event)
        } else {
            let expected: ExpectedVersion = record.version.map { .exact($0 - 1) } ?? .any
            batch.parts.append(StreamAppend(stream: record.stream, events: [event], expectedVersion: expected))
        }
        if let keyName { batch.keyNames.append(keyName) }
        batch.events += 1
    }

    /// Checks a case's line against the guards, then moves the case's state on.
    ///
    /// The state is lent in place (`inout`): handed over as a value from its stream's progress,
    /// a reference, it was copied at every line, a retain of each of its fields.
    private mutating func judge(_ line: JSONLinesReader.Line, _ caseRecord: CaseRecord, resolvedAgain: [CaseRecord]?, in state: inout CaseState) {
        for violation in Case.violations(of: line.event, occurredAt: caseRecord.occurredAt, in: state, calendar: service.calendar) {
            if recordViolations {
                findings.append(JSONLinesImporter.Finding(line: line.number, stream: line.record.stream, violation: violation))
            } else {
                errors.append(InterchangeError(line: line.number, key: "type", kind: violation.rule.rawValue, problem: "\(line.record.type) breaks \(violation)"))
            }
        }
        if let resolvedAgain {
            state = service.decisionState(caseId: state.caseId, records: resolvedAgain)
        } else {
            state.apply(caseRecord)
            state.noteStored(caseRecord)
        }
    }

    /// A position for a line not yet stored, after every stored one and in file order (where
    /// the line starts in the file, past the head), so that a correction or void finds its
    /// target among the earlier events of its stream, as it will once stored.
    private func provisionalPosition(of range: Range<Int>) -> UInt64 {
        startingPosition + 1 + UInt64(range.lowerBound)
    }

    /// A stream's records: those stored, then its lines checked so far, read again.
    private func records(of entry: StreamProgress) throws -> [CaseRecord] {
        let reader = JSONLinesReader(registry: service.registry, keepsData: false)
        var records = entry.storedRecords
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(entry.lineCount)
        var index = entry.lastLine
        while index >= 0 {
            ranges.append(checkedLines[index].start..<checkedLines[index].end)
            index = checkedLines[index].previous
        }
        records.reserveCapacity(records.count + ranges.count)
        for range in ranges.reversed() {
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
}
