import Foundation
public import HomewardStore

/// Reads interchange JSON Lines (contract section 1): each line one event, checked key by key.
///
/// A line is checked against the envelope (required keys, types, RFC 3339 times, a UUID
/// `eventId`, no unknown keys) and its `data` against the event type's fields through the
/// registry. Errors name the line, the key and the problem.
public struct JSONLinesReader: Sendable {
    /// One valid line: the record, its payload to store and the typed event.
    public struct Line: Sendable {
        /// The 1-based line number.
        public var number: Int
        /// The record as read.
        public var record: InterchangeRecord
        /// The payload to store.
        public var payload: Payload
        /// The event, at its current schema version.
        public var event: DomainEvent
        /// The key its personal fields are sealed under, once the importer has chosen it.
        public var keyName: String?
        /// Where the line lies in the bytes read, without its newline.
        public var range: Range<Int> = 0..<0
    }

    /// Keys an interchange line may hold.
    public static let envelopeKeys = [
        "stream", "type", "occurredAt", "data", "actor", "eventId", "version", "recordedAt",
        "correlationId", "causationId", "schemaVersion", "position", "hash",
    ]

    private let registry: EventRegistry
    /// Whether each line's ``InterchangeRecord/data`` is kept (see ``init(registry:keepsData:)``).
    let keepsData: Bool

    /// Creates a reader.
    /// - Parameter registry: Reads each event's data.
    public init(registry: EventRegistry = .standard) {
        self.init(registry: registry, keepsData: true)
    }

    /// Creates a reader that keeps each record's `data`, or one that does not (an import's):
    /// then the data of a line with an event id and a known type and schema version is read
    /// straight from the line's bytes into the typed event and its payload, and its
    /// ``InterchangeRecord/data`` is left an empty object.
    init(registry: EventRegistry, keepsData: Bool) {
        self.registry = registry
        self.keepsData = keepsData
    }

    /// Reads every line of a file's bytes, collecting every bad line instead of stopping at the
    /// first. Empty lines (and a final newline) are skipped.
    /// - Parameter bytes: The file's contents.
    /// - Returns: The valid lines and the errors, both in line order.
    public func read(_ bytes: [UInt8]) -> (lines: [Line], errors: [InterchangeError]) {
        var lines: [Line] = []
        var errors: [InterchangeError] = []
        forEachLine(bytes) { result in
            switch result {
            case .success(let line): lines.append(line)
            case .failure(let error): errors.append(error)
            }
        }
        return (lines, errors)
    }

    /// Reads a file's lines one at a time, skipping blank ones, so that a caller need not hold
    /// every parsed line at once.
    ///
    /// The lines are parsed in chunks on other threads, a few chunks ahead of `body`, which
    /// receives them in file order: a large import parses on one core while it checks and
    /// appends on another.
    /// - Parameters:
    ///   - bytes: The file.
    ///   - body: Called with each non-blank line, valid or with its error, in file order.
    public func forEachLine<E: Error>(_ bytes: [UInt8], _ body: (Result<Line, InterchangeError>) throws(E) -> Void) throws(E) {
        try forEachLine(JSONLinesFile(bytes: bytes), body)
    }

    /// ``forEachLine(_:_:)-([UInt8],_)`` for a file held in memory or mapped from disk.
    /// - Parameters:
    ///   - bytes: The file.
    ///   - body: Called with each non-blank line, valid or with its error, in file order.
    public func forEachLine<E: Error>(_ bytes: JSONLinesFile, _ body: (Result<Line, InterchangeError>) throws(E) -> Void) throws(E) {
        try forEachLine(bytes, line: { (line) throws(E) in try body(.success(line)) }, error: { (error) throws(E) in try body(.failure(error)) })
    }

    /// ``forEachLine(_:_:)-(JSONLinesFile,_)`` with the valid lines and the bad ones handed to
    /// two closures, still in file order. A valid line is lent in place, not copied out of its
    /// chunk (a copy was a retain and a release of each of its fields, a tenth of an import's
    /// checking thread).
    func forEachLine<E: Error>(
        _ bytes: JSONLinesFile,
        line: (Line) throws(E) -> Void,
        error: (InterchangeError) throws(E) -> Void
    ) throws(E) {
        var ahead: [BackgroundWork<ParsedChunk>] = []
        defer { for chunk in ahead { chunk.wait() } }
        var next = Chunk(start: 0, firstNumber: 1)
        while true {
            while ahead.count < JSONLinesReader.chunksAhead, next.start < bytes.count {
                let (chunk, after) = (next, next.following(in: bytes, lines: JSONLinesReader.linesPerChunk))
                let reader = self
                ahead.append(BackgroundWork { reader.parse(chunk, upTo: after.start, of: bytes) })
                next = after
            }
            guard !ahead.isEmpty else { return }
            // Parsing a chunk never throws (a bad line is a value), so no line is lost here.
            // Taken, not copied, out of the work: the lines are then moved in place below.
            guard var parsed = try? ahead.removeFirst().take() else { preconditionFailure("parsing a chunk threw") }
            var errors = parsed.errors[...]
            // Each line is moved out of its slot for the call and moved back after it: handed
            // to `line` straight from the array, it was copied first.
            try parsed.lines.withUnsafeMutableBufferPointer { (lines) throws(E) in
                for index in lines.indices {
                    let slot = lines.baseAddress! + index
                    let current = slot.move()
                    defer { slot.initialize(to: current) }
                    while let first = errors.first, first.line < current.number {
                        try error(first)
                        errors = errors.dropFirst()
                    }
                    try line(current)
                }
            }
            for remaining in errors { try error(remaining) }
            // Freed on another thread: a thousand parsed lines (their JSON trees, strings and
            // payloads) took the caller about as long to free as to check.
            var checked = ParsedChunk()
            swap(&checked, &parsed)
            BackgroundRelease.release(consume checked)
        }
    }

    /// A chunk's valid lines and its errors, each in file order.
    private struct ParsedChunk: Sendable {
        var lines: [Line] = []
        var errors: [InterchangeError] = []
    }

    /// Lines per chunk parsed on another thread.
    static let linesPerChunk = 1024
    /// Chunks parsed ahead of the caller. The import runs four threads on two cores (two
    /// parsing, the checks and the append): with three chunks ahead the cores were busy 1.76 of
    /// 2 on average, with sixteen 1.84 (means of five alternating runs of a million lines, 6.05
    /// → 5.82 s), for about 25 MB more held.
    static let chunksAhead = 16

    /// Where a chunk of lines starts in the file, and the number of its first line.
    private struct Chunk: Sendable {
        var start: Int
        var firstNumber: Int

        /// The chunk after this one, which holds `lines` lines (fewer at the end of the file).
        func following(in bytes: JSONLinesFile, lines: Int) -> Chunk {
            bytes.withUnsafeBufferPointer { buffer in
                var end = start
                var count = 0
                while count < lines, end < buffer.count {
                    let rest = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: buffer[end...]))
                    if let newline = memchr(rest.baseAddress!, 0x0a, rest.count) {
                        end += rest.baseAddress!.distance(to: UnsafeRawPointer(newline)) + 1
                    } else {
                        end = buffer.count
                    }
                    count += 1
                }
                return Chunk(start: end, firstNumber: firstNumber + count)
            }
        }
    }

    /// Parses the non-blank lines of `bytes[chunk.start..<end]`.
    private func parse(_ chunk: Chunk, upTo end: Int, of bytes: JSONLinesFile) -> ParsedChunk {
        bytes.withUnsafeBufferPointer { buffer in
            var results = ParsedChunk()
            results.lines.reserveCapacity(JSONLinesReader.linesPerChunk)
            var start = chunk.start
            var number = chunk.firstNumber
            var spare: [JSONTape.Token] = []
            while start < end {
                // The newline found by `memchr` (a byte at a time, this was 2% of an import).
                var lineEnd = end
                if let newline = memchr(buffer.baseAddress! + start, 0x0a, end - start) {
                    lineEnd = buffer.baseAddress!.distance(to: newline.assumingMemoryBound(to: UInt8.self))
                }
                let next = lineEnd + 1
                if lineEnd > start, buffer[lineEnd - 1] == 0x0d { lineEnd -= 1 }
                let slice = UnsafeBufferPointer(rebasing: buffer[start..<lineEnd])
                if !slice.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                    do throws(InterchangeError) {
                        var line = try readLine(slice, number: number, reusing: &spare)
                        line.range = start..<lineEnd
                        results.lines.append(line)
                    } catch {
                        results.errors.append(error)
                    }
                }
                start = next
                number += 1
            }
            return results
        }
    }

    /// Reads one line.
    /// - Parameters:
    ///   - bytes: The line's bytes, without the newline.
    ///   - number: Its 1-based line number, for errors.
    /// - Returns: The valid line.
    /// - Throws: ``InterchangeError`` naming the key and the problem.
    public func readLine(_ bytes: UnsafeBufferPointer<UInt8>, number: Int) throws(InterchangeError) -> Line {
        var spare: [JSONTape.Token] = []
        return try readLine(bytes, number: number, reusing: &spare)
    }

    /// ``readLine(_:number:)`` with the room for the line's tokens taken from `spare`, and given
    /// back to it, for the next line.
    func readLine(_ bytes: UnsafeBufferPointer<UInt8>, number: Int, reusing spare: inout [JSONTape.Token]) throws(InterchangeError) -> Line {
        var tape: JSONTape
        do {
            tape = try JSONTape(bytes, reusing: &spare)
        } catch {
            throw InterchangeError(line: number, key: nil, kind: "syntax", problem: "not valid JSON: \(error)")
        }
        do throws(FieldError) {
            defer { spare = tape.takeTokens() }
            var (record, dataToken) = try JSONLinesReader.record(from: tape, keepingData: keepsData)
            if !keepsData, record.eventId != nil,
                let (payload, event) = try registry.read(typeName: record.type, schemaVersion: record.schemaVersion, tape: tape, data: dataToken)
            {
                return Line(number: number, record: record, payload: payload, event: event, range: 0..<bytes.count)
            }
            if !keepsData { record.data = tape.value(dataToken) }
            let (payload, event) = try registry.read(typeName: record.type, schemaVersion: record.schemaVersion, data: record.data)
            return Line(number: number, record: record, payload: payload, event: event, range: 0..<bytes.count)
        } catch {
            throw InterchangeError(line: number, key: error.path.isEmpty ? nil : error.path, kind: error.kind.rawValue, problem: error.message)
        }
    }

    /// The keys of ``envelopeKeys``, in its order.
    enum EnvelopeKey: Int, CaseIterable {
        case stream, type, occurredAt, data, actor, eventId, version, recordedAt, correlationId, causationId, schemaVersion, position, hash

        /// The key as it is written.
        var name: String { JSONLinesReader.envelopeKeys[rawValue] }
    }

    /// The envelope key of each (length, first byte) pair of ``envelopeKeys`` (no two share
    /// one, and none is longer than 15 bytes), by `length << 8 | first byte`; -1 for none.
    private static let envelopeKeySlots: [Int8] = {
        var slots = [Int8](repeating: -1, count: 16 << 8)
        for key in EnvelopeKey.allCases {
            let name = key.name.utf8
            let slot = name.count << 8 | Int(name.first!)
            precondition(name.count < 16 && slots[slot] == -1, "envelope keys told apart by length and first byte")
            slots[slot] = Int8(key.rawValue)
        }
        return slots
    }()

    /// The envelope key a member's key is, or `nil` for any other key: the only candidate of its
    /// length and first byte, then compared once (a `switch` over the thirteen names compared
    /// them one after the other, most of the time of reading an envelope).
    static func envelopeKey(_ key: String) -> EnvelopeKey? {
        var key = key
        return key.withUTF8 { envelopeKey(bytes: $0) }
    }

    /// The keys of a line's `actor`.
    private static let actorKeys = ["id", "role", "org"]

    /// The names of ``envelopeKeys`` as bytes, in its order.
    private static let envelopeKeyBytes = envelopeKeys.map { Array($0.utf8) }

    /// ``envelopeKey(_:)`` for a key given as UTF-8 bytes.
    private static func envelopeKey(bytes key: UnsafeBufferPointer<UInt8>) -> EnvelopeKey? {
        guard key.count < 16, let first = key.first else { return nil }
        let slot = envelopeKeySlots[key.count << 8 | Int(first)]
        guard slot >= 0, envelopeKeyBytes[Int(slot)].withUnsafeBufferPointer({ memcmp($0.baseAddress!, key.baseAddress!, key.count) == 0 }) else {
            return nil
        }
        return EnvelopeKey(rawValue: Int(slot))
    }

    /// Reads the envelope of one record from its tape: times, the event id and the hash straight
    /// from the line's bytes, without strings; `actor` through ``TapeFields``; `data` made into a
    /// value if `keepingData` (else left an empty object).
    /// - Returns: The record, and the token of its `data`.
    static func record(from tape: JSONTape, keepingData: Bool = true) throws(FieldError) -> (record: InterchangeRecord, data: Int) {
        guard tape.tokens[0].kind == .object else {
            throw FieldError(path: "", kind: .wrongType, message: "expected a JSON object, found \(tape.kindDescription(0))")
        }
        // One pass over the members puts each envelope key's value token in its slot (the last
        // one, if a key repeats) and finds the first unknown key.
        var slots = (-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1)
        precondition(MemoryLayout.size(ofValue: slots) == EnvelopeKey.allCases.count * MemoryLayout<Int>.stride, "one slot per envelope key")
        var member = 1
        for _ in 0..<tape.tokens[0].start {
            let found = tape.unescapedBytes(member).map { envelopeKey(bytes: $0) } ?? envelopeKey(tape.string(member))
            guard let key = found else {
                throw FieldError(path: tape.string(member), kind: .unknownField, message: "is not a key of an interchange record")
            }
            withUnsafeMutableBytes(of: &slots) { $0.storeBytes(of: member + 1, toByteOffset: key.rawValue * MemoryLayout<Int>.stride, as: Int.self) }
            member = tape.after(member + 1)
        }
        /// The token of a key's value; `nil` when absent or null.
        func token(_ key: EnvelopeKey) -> Int? {
            let token = withUnsafeBytes(of: slots) { $0.load(fromByteOffset: key.rawValue * MemoryLayout<Int>.stride, as: Int.self) }
            return token < 0 || tape.tokens[token].kind == .null ? nil : token
        }
        func required(_ key: EnvelopeKey) throws(FieldError) -> Int {
            guard let token = token(key) else { throw FieldError(path: key.name, kind: .missingField, message: "missing key") }
            return token
        }
        func stringToken(_ key: EnvelopeKey) throws(FieldError) -> Int {
            let token = try required(key)
            guard tape.tokens[token].kind == .string else {
                throw FieldError(path: key.name, kind: .wrongType, message: "expected a string, found \(tape.kindDescription(token))")
            }
            return token
        }
        func string(_ key: EnvelopeKey) throws(FieldError) -> String { tape.string(try stringToken(key)) }
        func optionalString(_ key: EnvelopeKey) throws(FieldError) -> String? { token(key) == nil ? nil : try string(key) }
        /// A string token read from its bytes by `parse`, or from its text when it has escapes.
        func parsed<T>(_ token: Int, _ parse: (UnsafeBufferPointer<UInt8>) -> T?) -> T? {
            if let bytes = tape.unescapedBytes(token) { return parse(bytes) }
            var text = tape.string(token)
            return text.withUTF8 { parse($0) }
        }
        func time(_ key: EnvelopeKey) throws(FieldError) -> Timestamp {
            let token = try stringToken(key)
            guard let parsed = parsed(token, Timestamp.parse) else {
                throw FieldError(path: key.name, kind: .malformed, message: "malformed time '\(tape.string(token).prefix(40))', expected RFC 3339 with an offset such as 2026-01-15T08:30:00+08:00")
            }
            return Timestamp(microsecondsSinceEpoch: parsed)
        }
        func positive(_ key: EnvelopeKey) throws(FieldError) -> UInt64? {
            guard let token = token(key) else { return nil }
            guard tape.tokens[token].kind == .integer else {
                throw FieldError(path: key.name, kind: .wrongType, message: "expected a whole number, found \(tape.kindDescription(token))")
            }
            let number = Int(truncatingIfNeeded: tape.tokens[token].bits)
            guard number >= 1 else { throw FieldError(path: key.name, kind: .outOfRange, message: "must be 1 or more, found \(number)") }
            return UInt64(number)
        }

        let streamName = try string(.stream)
        let stream: StreamID
        do {
            stream = try StreamID(validating: streamName)
        } catch {
            throw FieldError(path: "stream", kind: .malformed, message: error.message)
        }
        guard let id = StreamNames.caseId(of: stream) ?? StreamNames.personId(of: stream), !id.isEmpty else {
            throw FieldError(path: "stream", kind: .malformed, message: "'\(streamName.prefix(40))' is neither case-<caseId> nor person-<personId>")
        }
        let type = try string(.type)
        guard !type.isEmpty, type.utf8.count <= 200 else { throw FieldError(path: "type", kind: .malformed, message: "must be 1 to 200 bytes") }
        let occurredAt = try time(.occurredAt)
        let dataToken = try required(.data)
        guard tape.tokens[dataToken].kind == .object else {
            throw FieldError(path: "data", kind: .wrongType, message: "expected an object, found \(tape.kindDescription(dataToken))")
        }
        let data = keepingData ? tape.value(dataToken) : .object(JSONObject())
        let actorFields = try TapeFields(tape, object: try required(.actor), path: "actor", known: JSONLinesReader.actorKeys)
        let actor = EventActor(id: try actorFields.string("id"), role: try actorFields.string("role"), org: try actorFields.string("org"))
        var eventId: UUID?
        if token(.eventId) != nil {
            let token = try stringToken(.eventId)
            guard let id = parsed(token, UUID.parse) else {
                throw FieldError(path: "eventId", kind: .malformed, message: "malformed event id '\(tape.string(token).prefix(40))', expected a UUID")
            }
            eventId = id
        }
        let recordedAt = token(.recordedAt) == nil ? nil : try time(.recordedAt)
        let schemaVersion = try positive(.schemaVersion).map { UInt32(clamping: $0) } ?? 1
        var hash: ChainHash?
        if token(.hash) != nil {
            guard let parsed = parsed(try stringToken(.hash), { ChainHash.parse(hexDigits: $0) }) else {
                throw FieldError(path: "hash", kind: .malformed, message: "expected 64 hexadecimal digits")
            }
            hash = parsed
        }
        let record = InterchangeRecord(
            stream: stream,
            type: type,
            occurredAt: occurredAt,
            data: data,
            actor: actor,
            eventId: eventId,
            version: try positive(.version),
            recordedAt: recordedAt,
            correlationId: try optionalString(.correlationId),
            causationId: try optionalString(.causationId),
            schemaVersion: schemaVersion,
            position: try positive(.position),
            hash: hash
        )
        return (record, dataToken)
    }
}
