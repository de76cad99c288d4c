import Foundation
import HomewardLMDB
import Logging

/// The LMDB side of the store: the only place that knows its databases and key layout.
///
/// Its interface is small on purpose (append requests, read a range, read a stream, head), so a
/// second backend could serve the same store later.
final class LogStorage: Sendable {
    let environment: Environment
    let meta: Database
    let log: Database
    let streams: Database
    let streamEvents: Database
    let eventIds: Database
    let recordedAt: Database
    let limits: Limits

    struct Limits: Sendable {
        var maxPayloadBytes: Int
        var maxTextBytes = 1000
    }

    init(environment: Environment, create: Bool, limits: Limits) throws {
        self.environment = environment
        self.limits = limits
        let options: DatabaseOptions = create ? [.create] : []
        meta = try environment.openDatabase(named: StorageLayout.meta, options: options)
        log = try environment.openDatabase(named: StorageLayout.log, options: options)
        streams = try environment.openDatabase(named: StorageLayout.streams, options: options)
        streamEvents = try environment.openDatabase(named: StorageLayout.streamEvents, options: options)
        eventIds = try environment.openDatabase(named: StorageLayout.eventIds, options: options)
        recordedAt = try environment.openDatabase(named: StorageLayout.recordedAt, options: options)
    }

    // MARK: Head

    func head(in transaction: Transaction) throws -> WriterHead {
        let cursor = try transaction.cursor(log)
        guard let last = try cursor.last() else {
            return WriterHead(position: 0, hash: [UInt8](repeating: 0, count: StorageLayout.hashSize), recordedAt: nil)
        }
        let position = BigEndian.uint64(last.key)
        guard last.value.count >= Envelope.fixedSize + StorageLayout.hashSize else {
            throw EventStoreError(.corrupted, "the record at position \(position) is too short to be an event")
        }
        let recorded = Int64(littleEndian: last.value.loadUnaligned(fromByteOffset: 32, as: Int64.self))
        return WriterHead(
            position: position,
            hash: Envelope.storedHash(of: last.value),
            recordedAt: Timestamp(microsecondsSinceEpoch: recorded)
        )
    }

    // MARK: Streams

    /// The stream's internal number and version, or nil when it has no events.
    func streamState(_ stream: StreamID, in transaction: Transaction) throws -> (number: UInt64, version: UInt64)? {
        guard let value = try transaction.get(streams, key: Array(stream.rawValue.utf8)) else { return nil }
        guard value.count == 16 else {
            throw EventStoreError(.corrupted, "the stream index entry of '\(stream)' is \(value.count) bytes, not 16")
        }
        return value.withUnsafeBytes { (BigEndian.uint64($0, at: 0), BigEndian.uint64($0, at: 8)) }
    }

    // MARK: Append

    /// Checks and writes one request inside a write transaction. Returns a failure for problems of
    /// the request itself (the transaction stays usable); throws for storage failures.
    func apply(
        _ request: AppendRequest,
        head: inout WriterHead,
        now: Timestamp,
        in transaction: Transaction
    ) throws -> Result<AppendResult, EventStoreError> {
        if let problem = validate(request) { return .failure(problem) }

        // Idempotency: every id already stored (same stream, same order) is a no-op.
        var storedPositions: [UInt64] = []
        for event in request.events {
            if let position = try storedPosition(of: event.eventId, in: transaction) {
                storedPositions.append(position)
            }
        }
        if !storedPositions.isEmpty {
            do throws(EventStoreError) {
                return .success(try alreadyStored(request, positions: storedPositions, in: transaction))
            } catch {
                return .failure(error)
            }
        }

        let state = try streamState(request.stream, in: transaction)
        guard request.expectedVersion.isSatisfied(by: state?.version) else {
            let actual = state.map { "is at version \($0.version)" } ?? "does not exist"
            return .failure(EventStoreError(
                .wrongExpectedVersion,
                "stream '\(request.stream)' \(actual); the append expected \(request.expectedVersion)",
                stream: request.stream,
                actualVersion: state?.version
            ))
        }

        // Recorded times: given ones must not go backwards; the clock never does.
        var recordedTimes: [Timestamp] = []
        recordedTimes.reserveCapacity(request.events.count)
        var last = head.recordedAt
        for (index, event) in request.events.enumerated() {
            let time: Timestamp
            if let given = event.recordedAt {
                if let last, given < last {
                    return .failure(EventStoreError(
                        .invalidEvent,
                        "event \(index + 1) of the append to '\(request.stream)' has recordedAt \(given), earlier than \(last), the latest recorded time in the log",
                        stream: request.stream
                    ))
                }
                time = given
            } else {
                time = max(now, last ?? now)
            }
            recordedTimes.append(time)
            last = time
        }

        let streamNumber = try state?.number ?? UInt64(transaction.count(streams) + 1)
        var version = state?.version ?? 0
        var positions: [UInt64] = []
        positions.reserveCapacity(request.events.count)
        for (index, event) in request.events.enumerated() {
            version += 1
            let position = head.position + 1
            let recorded = recordedTimes[index]
            let fields = Envelope.Fields(
                position: position,
                stream: request.stream,
                version: version,
                event: event,
                occurredAt: event.occurredAt ?? recorded,
                recordedAt: recorded
            )
            let positionKey = BigEndian.bytes(position)
            var hash: [UInt8] = []
            try positionKey.withUnsafeBytes { key in
                try transaction.reserve(log, key: key, count: Envelope.canonicalSize(fields) + StorageLayout.hashSize, options: .append) {
                    hash = Envelope.write(fields, previousHash: head.hash, into: $0)
                }
            }
            try transaction.put(
                streamEvents,
                key: BigEndian.streamEventKey(streamNumber: streamNumber, version: version),
                value: positionKey,
                options: .noOverwrite
            )
            try withUnsafeBytes(of: event.eventId.uuid) { id in
                try positionKey.withUnsafeBytes { value in
                    try transaction.put(eventIds, key: id, value: value, options: .noOverwrite)
                }
            }
            if index == request.events.count - 1 || recordedTimes[index + 1] != recorded {
                try transaction.put(recordedAt, key: BigEndian.bytes(recorded), value: positionKey)
            }
            head = WriterHead(position: position, hash: hash, recordedAt: recorded)
            positions.append(position)
        }
        try transaction.put(
            streams,
            key: Array(request.stream.rawValue.utf8),
            value: BigEndian.bytes(streamNumber) + BigEndian.bytes(version)
        )
        return .success(AppendResult(positions: positions, streamVersion: version, wasAlreadyStored: false))
    }

    private func validate(_ request: AppendRequest) -> EventStoreError? {
        func invalid(_ index: Int, _ problem: String) -> EventStoreError {
            EventStoreError(.invalidEvent, "event \(index + 1) of the append to '\(request.stream)' \(problem)", stream: request.stream)
        }
        if request.events.isEmpty {
            return EventStoreError(.invalidEvent, "an append to '\(request.stream)' holds no events", stream: request.stream)
        }
        var seen = Set<UUID>()
        for (index, event) in request.events.enumerated() {
            let typeLength = event.type.utf8.count
            if typeLength == 0 || typeLength > 200 { return invalid(index, "has a type name of \(typeLength) bytes; it must be 1 to 200") }
            for (name, value) in [("actor id", event.actor.id), ("actor role", event.actor.role), ("actor org", event.actor.org),
                                  ("correlationId", event.correlationId ?? ""), ("causationId", event.causationId ?? "")]
            where value.utf8.count > limits.maxTextBytes {
                return invalid(index, "has a \(name) of \(value.utf8.count) bytes; the limit is \(limits.maxTextBytes)")
            }
            if event.payload.bytes.count > limits.maxPayloadBytes {
                return invalid(index, "has a payload of \(event.payload.bytes.count) bytes; the limit is \(limits.maxPayloadBytes)")
            }
            if !seen.insert(event.eventId).inserted {
                return invalid(index, "repeats eventId \(event.eventId.uuidString.lowercased()) of an earlier event in the same append")
            }
        }
        return nil
    }

    private func alreadyStored(
        _ request: AppendRequest,
        positions: [UInt64],
        in transaction: Transaction
    ) throws(EventStoreError) -> AppendResult {
        guard positions.count == request.events.count else {
            throw EventStoreError(
                .idempotencyConflict,
                "\(positions.count) of the \(request.events.count) events appended to '\(request.stream)' are already stored; an append must be retried whole",
                stream: request.stream
            )
        }
        var lastVersion: UInt64 = 0
        do {
            for (index, position) in positions.enumerated() {
                guard let value = try transaction.get(log, key: BigEndian.bytes(position)) else {
                    throw EventStoreError(.corrupted, "the id index points at position \(position), which is not in the log")
                }
                let (name, version) = try value.withUnsafeBytes { try (Envelope.streamName(of: $0), Envelope.version(of: $0)) }
                guard name == request.stream.rawValue, index == 0 || version == lastVersion + 1 else {
                    throw EventStoreError(
                        .idempotencyConflict,
                        "event \(index + 1) of the append to '\(request.stream)' has the id of the event at position \(position) in stream '\(name)'",
                        stream: request.stream
                    )
                }
                lastVersion = version
            }
        } catch let error as EventStoreError {
            throw error
        } catch {
            throw EventStoreError(.storage, "could not read back already stored events", underlying: "\(error)")
        }
        return AppendResult(positions: positions, streamVersion: lastVersion, wasAlreadyStored: true)
    }

    func storedPosition(of eventId: UUID, in transaction: Transaction) throws -> UInt64? {
        try withUnsafeBytes(of: eventId.uuid) { id in
            try transaction.get(eventIds, key: id).map { BigEndian.uint64($0) }
        }
    }

    // MARK: Reads

    func event(at position: UInt64, in transaction: Transaction) throws -> RecordedEvent? {
        try BigEndian.bytes(position).withUnsafeBytes { key in
            try transaction.get(log, key: key).map { try decode($0, position: position) }
        }
    }

    func decode(_ value: UnsafeRawBufferPointer, position: UInt64) throws -> RecordedEvent {
        do {
            return try Envelope.decode(value)
        } catch {
            throw EventStoreError(.corrupted, "the record at position \(position) cannot be decoded: \(error)")
        }
    }

    /// Events from `position` on, at most `limit`, not past `through`.
    func events(from position: UInt64, through: UInt64, limit: Int, in transaction: Transaction) throws -> [RecordedEvent] {
        var result: [RecordedEvent] = []
        guard position <= through, limit > 0 else { return result }
        result.reserveCapacity(min(limit, 4096))
        let cursor = try transaction.cursor(log)
        var entry = try cursor.seek(atLeast: BigEndian.bytes(max(position, 1)))
        while let current = entry, result.count < limit {
            let key = BigEndian.uint64(current.key)
            if key > through { break }
            result.append(try decode(current.value, position: key))
            entry = try cursor.next()
        }
        return result
    }

    /// A stream's events from `version` on, at most `limit`.
    func streamEvents(
        _ stream: StreamID,
        from version: UInt64,
        limit: Int,
        in transaction: Transaction
    ) throws -> [RecordedEvent] {
        guard let state = try streamState(stream, in: transaction), limit > 0 else { return [] }
        var result: [RecordedEvent] = []
        let cursor = try transaction.cursor(streamEvents)
        var entry = try cursor.seek(atLeast: BigEndian.streamEventKey(streamNumber: state.number, version: max(version, 1)))
        while let current = entry, result.count < limit, BigEndian.uint64(current.key) == state.number {
            let position = BigEndian.uint64(current.value)
            guard let event = try event(at: position, in: transaction) else {
                throw EventStoreError(.corrupted, "the stream index of '\(stream)' points at position \(position), which is not in the log")
            }
            result.append(event)
            entry = try cursor.next()
        }
        return result
    }

    /// The last position recorded at or before `time`; 0 when there is none.
    func lastPosition(recordedAtOrBefore time: Timestamp, in transaction: Transaction) throws -> UInt64 {
        let cursor = try transaction.cursor(recordedAt)
        let after = Timestamp(microsecondsSinceEpoch: time.microsecondsSinceEpoch &+ 1)
        let entry: Cursor.Entry?
        if time.microsecondsSinceEpoch == .max {
            entry = try cursor.last()
        } else if try cursor.seek(atLeast: BigEndian.bytes(after)) != nil {
            entry = try cursor.previous()
        } else {
            entry = try cursor.last()
        }
        guard let entry else { return 0 }
        return BigEndian.timestamp(entry.key) <= time ? BigEndian.uint64(entry.value) : 0
    }
}
