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
            return WriterHead(position: 0, hash: .zero, recordedAt: nil)
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
        let events = request.events
        let firstPosition = head.position + 1

        // Claim every id in the id index first. A claim that finds its id taken means a retry
        // (or a conflict): the claims made so far are withdrawn and the request is judged whole.
        var claimed = 0
        for index in events.indices {
            var position = (firstPosition + UInt64(index)).bigEndian
            let taken = try withUnsafeBytes(of: events[index].eventId.uuid) { id in
                try withUnsafeBytes(of: &position) { value -> Bool in
                    do {
                        try transaction.put(eventIds, key: id, value: value, options: .noOverwrite)
                        return false
                    } catch LMDBError.keyExists {
                        return true
                    }
                }
            }
            if taken {
                try withdrawClaims(events.prefix(claimed), in: transaction)
                return try judgeStoredIds(request, firstNewPosition: firstPosition, duplicateAt: index, in: transaction)
            }
            claimed += 1
        }

        let state = try streamState(request.stream, in: transaction)
        guard request.expectedVersion.isSatisfied(by: state?.version) else {
            try withdrawClaims(events[...], in: transaction)
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
        recordedTimes.reserveCapacity(events.count)
        var last = head.recordedAt
        for index in events.indices {
            let time: Timestamp
            if let given = events[index].recordedAt {
                if let last, given < last {
                    try withdrawClaims(events[...], in: transaction)
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
        positions.reserveCapacity(events.count)
        var hash = head.hash
        for index in events.indices {
            version += 1
            let position = firstPosition + UInt64(index)
            let recorded = recordedTimes[index]
            var positionKey = position.bigEndian
            var streamEventKey = (streamNumber.bigEndian, version.bigEndian)
            try withUnsafeBytes(of: &positionKey) { key in
                let size = Envelope.canonicalSize(events[index], stream: request.stream) + StorageLayout.hashSize
                try transaction.reserve(log, key: key, count: size, options: .append) { buffer in
                    hash = Envelope.write(
                        events[index],
                        position: position,
                        stream: request.stream,
                        version: version,
                        recordedAt: recorded,
                        previousHash: hash,
                        into: buffer
                    )
                }
                try withUnsafeBytes(of: &streamEventKey) { streamKey in
                    try transaction.put(streamEvents, key: streamKey, value: key, options: .noOverwrite)
                }
                if index == events.count - 1 || recordedTimes[index + 1] != recorded {
                    var timeKey = (UInt64(bitPattern: recorded.microsecondsSinceEpoch) ^ (1 << 63)).bigEndian
                    try withUnsafeBytes(of: &timeKey) { try transaction.put(recordedAt, key: $0, value: key) }
                }
            }
            positions.append(position)
        }
        head = WriterHead(position: firstPosition + UInt64(events.count) - 1, hash: hash, recordedAt: recordedTimes.last)
        try transaction.put(
            streams,
            key: Array(request.stream.rawValue.utf8),
            value: BigEndian.bytes(streamNumber) + BigEndian.bytes(version)
        )
        return .success(AppendResult(positions: positions, streamVersion: version, wasAlreadyStored: false))
    }

    private func withdrawClaims(_ events: ArraySlice<NewEvent>, in transaction: Transaction) throws {
        for event in events {
            try withUnsafeBytes(of: event.eventId.uuid) { _ = try transaction.delete(eventIds, key: $0) }
        }
    }

    /// Some id of the request is already in the index: an exact retry, a partial overlap, or an
    /// id repeated within the request.
    private func judgeStoredIds(
        _ request: AppendRequest,
        firstNewPosition: UInt64,
        duplicateAt index: Int,
        in transaction: Transaction
    ) throws -> Result<AppendResult, EventStoreError> {
        var storedPositions: [UInt64] = []
        for event in request.events {
            if let position = try storedPosition(of: event.eventId, in: transaction) {
                storedPositions.append(position)
            }
        }
        let firstIndex = request.events.firstIndex { $0.eventId == request.events[index].eventId } ?? index
        if firstIndex != index {
            return .failure(EventStoreError(
                .invalidEvent,
                "event \(index + 1) of the append to '\(request.stream)' repeats eventId \(request.events[index].eventId.uuidString.lowercased()) of event \(firstIndex + 1) in the same append",
                stream: request.stream
            ))
        }
        do throws(EventStoreError) {
            return .success(try alreadyStored(request, positions: storedPositions, in: transaction))
        } catch {
            return .failure(error)
        }
    }

    private func validate(_ request: AppendRequest) -> EventStoreError? {
        func invalid(_ index: Int, _ problem: String) -> EventStoreError {
            EventStoreError(.invalidEvent, "event \(index + 1) of the append to '\(request.stream)' \(problem)", stream: request.stream)
        }
        if request.events.isEmpty {
            return EventStoreError(.invalidEvent, "an append to '\(request.stream)' holds no events", stream: request.stream)
        }
        for index in request.events.indices {
            let event = request.events[index]
            let typeLength = event.type.utf8.count
            if typeLength == 0 || typeLength > 200 { return invalid(index, "has a type name of \(typeLength) bytes; it must be 1 to 200") }
            let maxText = limits.maxTextBytes
            if event.actor.id.utf8.count > maxText || event.actor.role.utf8.count > maxText || event.actor.org.utf8.count > maxText
                || (event.correlationId?.utf8.count ?? 0) > maxText || (event.causationId?.utf8.count ?? 0) > maxText
            {
                return invalid(index, "has an actor, correlationId or causationId longer than \(maxText) bytes")
            }
            if event.payload.bytes.count > limits.maxPayloadBytes {
                return invalid(index, "has a payload of \(event.payload.bytes.count) bytes; the limit is \(limits.maxPayloadBytes)")
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
