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

    /// - Parameter cursor: A cursor on `log` to use (an append's); a new one if nil.
    func head(using cursor: Cursor? = nil, in transaction: Transaction) throws -> WriterHead {
        let cursor = try cursor ?? transaction.cursor(log)
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
    ///
    /// The number comes from `streams` (written once, when the stream is created); the version is
    /// the last key of the stream's range in `stream-events`, so an append to an existing stream
    /// dirties no page of `streams`.
    /// A stream's last events may be unindexed: its version is then the last of theirs.
    /// - Parameters:
    ///   - cursor: A cursor on `stream-events` to use (an append's, which the lookup then leaves
    ///     at the end of the stream's range, where the append writes); a new one if nil.
    ///   - mark: Where the unindexed records start, when the caller has read it in this transaction.
    func streamState(
        _ stream: StreamID,
        using cursor: Cursor? = nil,
        mark: UnindexedMark? = nil,
        in transaction: Transaction
    ) throws -> (number: UInt64, version: UInt64)? {
        guard let number = try streamNumber(stream, in: transaction) else { return nil }
        if let version = try unindexedVersion(of: stream, mark ?? unindexedMark(in: transaction), in: transaction) { return (number, version) }
        return (number, try lastVersion(ofStreamNumber: number, using: cursor ?? transaction.cursor(streamEvents)))
    }

    func streamNumber(_ stream: StreamID, in transaction: Transaction) throws -> UInt64? {
        var name = stream.rawValue
        let value = try name.withUTF8 { try transaction.get(streams, key: UnsafeRawBufferPointer($0)) }
        guard let value else { return nil }
        guard value.count == 8 else {
            throw EventStoreError(.corrupted, "the stream index entry of '\(stream)' is \(value.count) bytes, not 8")
        }
        return BigEndian.uint64(value)
    }

    func lastVersion(ofStreamNumber number: UInt64, using cursor: Cursor) throws -> UInt64 {
        var next = (number &+ 1).bigEndian
        let after = try withUnsafeBytes(of: &next) { try cursor.seek(atLeast: $0) }
        let entry = after == nil ? try cursor.last() : try cursor.previous()
        guard let entry, entry.key.count == 16, BigEndian.uint64(entry.key) == number else { return 0 }
        return BigEndian.uint64(entry.key, at: 8)
    }

    // MARK: Append

    /// Checks and writes one request inside a write transaction. Returns a failure for problems of
    /// the request itself (the transaction stays usable); throws for storage failures.
    /// - Parameter unindexedLimit: How many records (the request's and those before it) may stay
    ///   out of the indexes after this append (see `LogStorage+Unindexed.swift`); 0 when its
    ///   events must be indexed. Only appends committed alone, or in a group commit, leave any.
    func apply(
        _ request: AppendRequest,
        head: inout WriterHead,
        now: Timestamp,
        cursors: AppendCursors,
        leavingUnindexed unindexedLimit: Int = 0,
        in transaction: Transaction
    ) throws -> Result<AppendResult, EventStoreError> {
        if let problem = validate(request) { return .failure(problem) }
        let events = request.events
        let firstPosition = head.position + 1
        let table = cursors.unindexed
        let mark = try table.mark(self, in: transaction)

        // The checks that need no writes. When one fails, the append may still be a retry of one
        // that succeeded: that is judged by its ids.
        let state: (number: UInt64, version: UInt64)?
        if let number = try streamNumber(request.stream, in: transaction) {
            let unindexedVersion = mark.first == nil ? nil : try table.version(of: request.stream, self, in: transaction)
            state = (number, try unindexedVersion ?? lastVersion(ofStreamNumber: number, using: cursors.streamEvents))
        } else {
            state = nil
        }
        let recordedTimes: [Timestamp]
        switch checkTimesAndVersion(request, state: state, head: head, now: now) {
        case .success(let times):
            recordedTimes = times
        case .failure(let problem):
            if try events.contains(where: { try storedPosition(of: $0.eventId, mark: mark, in: transaction) != nil }) {
                return try judgeStoredIds(request, duplicateAt: nil, in: transaction)
            }
            return .failure(problem)
        }
        let firstVersion = (state?.version ?? 0) + 1
        // The unindexed records run from the mark to the head.
        let unindexedCount = mark.first.map { head.position >= $0 ? Int(head.position - $0 + 1) : 0 } ?? 0
        let leavesUnindexed = unindexedCount + events.count <= unindexedLimit
        if !leavesUnindexed, mark.first != nil {
            try indexUnindexed(mark, cursors: cursors, in: transaction)
            table.removeAll()
        }

        // Large appends are encoded and hashed on another core meanwhile.
        let sealer = events.count >= RecordSealer.threshold
            ? RecordSealer(eventRuns: [events], firstPosition: firstPosition, recordedTimes: recordedTimes, previousHash: head.hash) {
                (request.stream, firstVersion + UInt64($0))
            }
            : nil

        // Claim every id in the id index. A claim that finds its id taken means a retry, a
        // conflict or a repeated id: the claims made so far are withdrawn and the append is judged.
        // Events left unindexed claim nothing: their ids are looked up instead.
        if leavesUnindexed {
            for index in events.indices {
                let id = events[index].eventId
                let isStored = try indexedPosition(of: id, in: transaction) != nil
                    || mark.first != nil && table.position(of: id, self, in: transaction) != nil
                if events[..<index].contains(where: { $0.eventId == id }) || isStored {
                    _ = sealer?.wait()
                    return try judgeStoredIds(request, duplicateAt: index, in: transaction)
                }
            }
        } else {
            for index in events.indices {
                if try !cursors.claim(events[index].eventId, at: firstPosition + UInt64(index)) {
                    _ = sealer?.wait()
                    try withdrawClaims(events.prefix(index), in: transaction)
                    return try judgeStoredIds(request, duplicateAt: index, in: transaction)
                }
            }
        }

        // A new stream gets its number only now: an append judged above leaves no stream behind.
        let streamNumber: UInt64
        if let state {
            streamNumber = state.number
        } else {
            streamNumber = try UInt64(transaction.count(streams) + 1)
            try createStream(request.stream, number: streamNumber, in: transaction)
        }

        let positions = (0..<UInt64(events.count)).map { firstPosition + $0 }
        if leavesUnindexed {
            try markUnindexed(from: firstPosition, after: mark, in: transaction)
            table.add(events, of: request.stream, lastVersion: firstVersion + UInt64(events.count) - 1, from: firstPosition)
        } else {
            for index in events.indices {
                try cursors.putStreamEvent(streamNumber: streamNumber, version: firstVersion + UInt64(index), at: positions[index])
            }
            try cursors.putRecordedSeconds(recordedTimes, from: firstPosition)
        }

        var hash = head.hash
        if let sealer {
            hash = try cursors.writeSealedRecords(of: sealer, from: firstPosition)
        } else {
            for index in events.indices {
                let position = firstPosition + UInt64(index)
                var positionKey = position.bigEndian
                try withUnsafeBytes(of: &positionKey) { key in
                    let size = Envelope.canonicalSize(events[index], stream: request.stream) + StorageLayout.hashSize
                    try cursors.log.reserve(key: key, count: size, options: .append) { buffer in
                        hash = Envelope.write(
                            events[index],
                            position: position,
                            stream: request.stream,
                            version: firstVersion + UInt64(index),
                            recordedAt: recordedTimes[index],
                            previousHash: hash,
                            into: buffer
                        )
                    }
                }
            }
        }
        let version = firstVersion + UInt64(events.count) - 1
        head = WriterHead(position: firstPosition + UInt64(events.count) - 1, hash: hash, recordedAt: recordedTimes.last)
        return .success(AppendResult(positions: positions, streamVersion: version, wasAlreadyStored: false))
    }

    /// Records a new stream's number in `streams`.
    func createStream(_ stream: StreamID, number: UInt64, in transaction: Transaction) throws {
        try withUnsafeBytes(of: number.bigEndian) { value in
            var name = stream.rawValue
            try name.withUTF8 { try transaction.put(streams, key: UnsafeRawBufferPointer($0), value: value, options: .noOverwrite) }
        }
    }

    /// The expected version, and the recorded time of each event: given ones must not go
    /// backwards; the clock never does.
    func checkTimesAndVersion(
        _ request: AppendRequest,
        state: (number: UInt64, version: UInt64)?,
        head: WriterHead,
        now: Timestamp
    ) -> Result<[Timestamp], EventStoreError> {
        guard request.expectedVersion.isSatisfied(by: state?.version) else {
            let actual = state.map { "is at version \($0.version)" } ?? "does not exist"
            return .failure(EventStoreError(
                .wrongExpectedVersion,
                "stream '\(request.stream)' \(actual); the append expected \(request.expectedVersion)",
                stream: request.stream,
                actualVersion: state?.version
            ))
        }
        var times: [Timestamp] = []
        times.reserveCapacity(request.events.count)
        var last = head.recordedAt
        for index in request.events.indices {
            let time: Timestamp
            if let given = request.events[index].recordedAt {
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
            times.append(time)
            last = time
        }
        return .success(times)
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
        duplicateAt index: Int?,
        in transaction: Transaction
    ) throws -> Result<AppendResult, EventStoreError> {
        var storedPositions: [UInt64] = []
        for event in request.events {
            if let position = try storedPosition(of: event.eventId, in: transaction) {
                storedPositions.append(position)
            }
        }
        if let index, let firstIndex = request.events.firstIndex(where: { $0.eventId == request.events[index].eventId }),
            firstIndex != index
        {
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

    func validate(_ request: AppendRequest) -> EventStoreError? {
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
            if event.payload.count > limits.maxPayloadBytes {
                return invalid(index, "has a payload of \(event.payload.count) bytes; the limit is \(limits.maxPayloadBytes)")
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

    /// The position of the event with an id, through the id index or among the unindexed records.
    /// - Parameter mark: Where the unindexed records start, when the caller has read it in this transaction.
    func storedPosition(of eventId: UUID, mark: UnindexedMark? = nil, in transaction: Transaction) throws -> UInt64? {
        if let indexed = try indexedPosition(of: eventId, in: transaction) { return indexed }
        return try unindexedPosition(of: eventId, mark ?? unindexedMark(in: transaction), in: transaction)
    }

    /// The position of the event with an id, through the id index alone.
    func indexedPosition(of eventId: UUID, in transaction: Transaction) throws -> UInt64? {
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
        guard position <= through, limit > 0 else { return [] }
        var values: [(position: UInt64, value: UnsafeRawBufferPointer)] = []
        values.reserveCapacity(min(limit, 4096))
        let cursor = try transaction.cursor(log)
        var entry = try cursor.seek(atLeast: BigEndian.bytes(max(position, 1)))
        var bytes = 0
        while let current = entry, values.count < limit, values.isEmpty || bytes + current.value.count <= 64 << 20 {
            let key = BigEndian.uint64(current.key)
            if key > through { break }
            values.append((key, current.value))
            bytes += current.value.count
            entry = try cursor.next()
        }
        do {
            return try RecordDecoder.decodePage(values)
        } catch {
            throw EventStoreError(.corrupted, "the record at position \(error.position) cannot be decoded: \(error.problem)")
        }
    }

    /// A stream's events from `version` on, at most `limit`.
    func streamEvents(
        _ stream: StreamID,
        from version: UInt64,
        limit: Int,
        in transaction: Transaction
    ) throws -> [RecordedEvent] {
        let mark = try unindexedMark(in: transaction)
        guard let state = try streamState(stream, mark: mark, in: transaction), limit > 0 else { return [] }
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
        // The stream's unindexed events come after all its indexed ones.
        if result.count < limit {
            for position in try unindexedPositions(of: stream, from: version, mark, in: transaction).prefix(limit - result.count) {
                guard let event = try event(at: position, in: transaction) else { continue }
                result.append(event)
            }
        }
        return result
    }

    /// Whole streams in name order, after the stream named `after` (from the first when empty):
    /// each with its events at or before position `head`, in version order, until at least
    /// `minimumEvents` events are read (a stream is never split). Streams with no event at or
    /// before `head` are left out.
    ///
    /// Name order, not creation order: projections that key their state by stream (a case's
    /// state under its id) then write each group into one range of keys, so a group's write
    /// transaction dirties few pages however large the log.
    ///
    /// The records are read straight from the log's pages in the map where `logPages` (see
    /// ``logPages(through:in:)``) holds them, else through a cursor; an empty index reads them
    /// all through a cursor.
    /// - Returns: The streams, and the name of the last stream looked at (`nil` when there was
    ///   none after `after`).
    func wholeStreams(
        after: String,
        through head: UInt64,
        minimumEvents: Int,
        logPages: ConsecutiveKeyPages,
        in transaction: Transaction
    ) throws -> (streams: [[RecordedEvent]], lastStream: String?) {
        var positions: [UInt64] = []
        var starts: [Int] = []
        // The name of the last stream looked at, as stored (valid in the transaction): made a
        // string once, at the end, not for every stream.
        var lastStreamKey: UnsafeRawBufferPointer?
        // Each stream's unindexed events follow its indexed ones.
        var unindexedPositions: [StreamID: [UInt64]] = [:]
        for record in try unindexedRecords(unindexedMark(in: transaction), in: transaction) where record.position <= head {
            unindexedPositions[record.stream, default: []].append(record.position)
        }
        let names = try transaction.cursor(streams)
        let versions = try transaction.cursor(streamEvents)
        // The stream index read where its pages lie: a stream's entries found by a binary
        // search in each page down from the root and read slot by slot, not through a cursor
        // call for every entry. Through the cursor when the pages cannot be read so.
        let tree = try PairKeyTree(streamEvents, in: transaction)
        var entry = after.isEmpty ? try names.first() : try names.seek(atLeast: Array(after.utf8))
        if let current = entry, !after.isEmpty, current.key.elementsEqual(after.utf8) { entry = try names.next() }
        while let current = entry, positions.count < minimumEvents {
            guard current.value.count == 8 else {
                throw EventStoreError(.corrupted, "the stream index entry of '\(String(decoding: current.key, as: UTF8.self))' is \(current.value.count) bytes, not 8")
            }
            let number = BigEndian.uint64(current.value)
            lastStreamKey = current.key
            starts.append(positions.count)
            func wrongSize(_ count: Int) -> EventStoreError {
                EventStoreError(.corrupted, "an entry of the stream index of '\(String(decoding: current.key, as: UTF8.self))' is \(count) bytes, not 8")
            }
            var readThroughTree = false
            if let found = tree {
                readThroughTree = try found.forEachValue(first: number, from: 1) { _, value in
                    guard value.count == 8 else { throw wrongSize(value.count) }
                    let position = BigEndian.uint64(value)
                    if position > head { return false }
                    positions.append(position)
                    return true
                }
                // A page that did not check out: this stream again, through the cursor.
                if !readThroughTree { positions.removeSubrange(starts.last!...) }
            }
            if !readThroughTree {
                // The key of the stream's first event, on the stack (not three arrays per stream).
                var firstKey = (number.bigEndian, UInt64(1).bigEndian)
                var version = try withUnsafeBytes(of: &firstKey) { try versions.seek(atLeast: $0) }
                while let stored = version, stored.key.count == 16, BigEndian.uint64(stored.key) == number {
                    guard stored.value.count == 8 else { throw wrongSize(stored.value.count) }
                    let position = BigEndian.uint64(stored.value)
                    if position > head { break }
                    positions.append(position)
                    version = try versions.next()
                }
            }
            if !unindexedPositions.isEmpty, let more = unindexedPositions[StreamID(unchecked: String(decoding: current.key, as: UTF8.self))] { positions += more }
            entry = try names.next()
        }
        let lastStream = lastStreamKey.map { String(decoding: $0, as: UTF8.self) }
        // The records are found in log order (through the page index where it holds them, else
        // through a cursor, whose next lookup often falls on the page it stands on or the next),
        // then copied in stream order, a few ahead prefetched.
        let empty = UnsafeRawBufferPointer(start: nil, count: 0)
        var values = [(position: UInt64, value: UnsafeRawBufferPointer)](repeating: (0, empty), count: positions.count)
        let order = Self.indicesInOrder(of: positions)
        let ascending = order.map { positions[$0] }
        // Kept through a buffer pointer, not the captured array: a closure that modifies a
        // captured variable has every access checked for exclusivity while it runs (two calls
        // into the runtime for each record).
        _ = try values.withUnsafeMutableBufferPointer { kept in
            try logPages.forEachValue(ofKeys: ascending, in: log, transaction) { rank, value in
                guard let value else {
                    throw EventStoreError(.corrupted, "the stream index points at position \(ascending[rank]), which is not in the log")
                }
                kept[order[rank]] = (ascending[rank], value)
            }
        }
        do {
            return (try RecordDecoder.decodePage(values, streamStarts: starts), lastStream)
        } catch {
            throw EventStoreError(.corrupted, "the record at position \(error.position) cannot be decoded: \(error.problem)")
        }
    }

    /// The leaf pages of the log up to position `head`, for ``wholeStreams(after:through:minimumEvents:logPages:in:)``
    /// to read records from, in this transaction and later ones (the log is only ever appended to).
    func logPages(through head: UInt64, in transaction: Transaction) throws -> ConsecutiveKeyPages {
        try ConsecutiveKeyPages(log, keys: 1...max(1, head), in: transaction)
    }

    /// The indices of `positions` in the order of the positions. Below 2^40 positions and 2^24
    /// indices (always, in practice) each pair is packed into one integer, so that the sort
    /// orders integers (by their bytes: ``RadixSort``) instead of calling a closure that looks
    /// both positions up.
    static func indicesInOrder(of positions: [UInt64]) -> [Int] {
        guard positions.count < 1 << 24, positions.allSatisfy({ $0 < 1 << 40 }) else {
            return positions.indices.sorted { positions[$0] < positions[$1] }
        }
        var packed = positions.enumerated().map { $0.element << 24 | UInt64($0.offset) }
        RadixSort.sort(&packed)
        return packed.map { Int($0 & 0xff_ffff) }
    }

    /// The last position recorded at or before `time`; 0 when there is none.
    ///
    /// The index gives, for each second with records, the last position recorded in it. The
    /// entry before `time`'s second bounds the positions below; within `time`'s own second the
    /// log is searched by halves (recordedAt never decreases along positions).
    func lastPosition(recordedAtOrBefore time: Timestamp, in transaction: Transaction) throws -> UInt64 {
        // The unindexed records are the last ones: the cut is among them once it reaches the first.
        if let position = try lastUnindexedPosition(recordedAtOrBefore: time, unindexedMark(in: transaction), in: transaction) {
            return position
        }
        let second = BigEndian.second(of: time)
        let cursor = try transaction.cursor(recordedAt)
        var key = BigEndian.secondKey(second)
        let atOrAfter = try withUnsafeBytes(of: &key) { try cursor.seek(atLeast: $0) }
        var lastInSecond: UInt64?
        let before: Cursor.Entry?
        if let atOrAfter {
            if BigEndian.second(fromKey: atOrAfter.key) == second { lastInSecond = BigEndian.uint64(atOrAfter.value) }
            before = try cursor.previous()
        } else {
            before = try cursor.last()
        }
        let low = before.map { BigEndian.uint64($0.value) } ?? 0
        guard var high = lastInSecond else { return low }
        // Invariant: every position <= result is recorded at or before `time`; find the largest.
        var result = low
        var lower = low + 1
        while lower <= high {
            let middle = lower + (high - lower) / 2
            var middleKey = middle.bigEndian
            let value = try withUnsafeBytes(of: &middleKey) { try transaction.get(log, key: $0) }
            guard let value, value.count >= Envelope.fixedSize else {
                throw EventStoreError(.corrupted, "the recorded-time index points past position \(middle), which is not in the log")
            }
            let recorded = Int64(littleEndian: value.loadUnaligned(fromByteOffset: 32, as: Int64.self))
            if recorded <= time.microsecondsSinceEpoch {
                result = middle
                lower = middle + 1
            } else {
                high = middle - 1
            }
        }
        return result
    }
}
