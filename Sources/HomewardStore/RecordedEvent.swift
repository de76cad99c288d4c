public import Foundation

/// An event as the log holds it.
///
/// A recorded event read from the store is a small view over a buffer shared by its page of
/// events: the fixed fields (positions, versions, times, id, hash) are decoded when the page is
/// read, and the text fields and the payload are read from the shared bytes when asked for. A
/// replay therefore costs one copy per page, not an allocation per field.
public struct RecordedEvent: Hashable, Sendable, CustomStringConvertible {
    let record: SharedBytes
    let layout: RecordLayout

    init(record: SharedBytes, layout: RecordLayout) {
        self.record = record
        self.layout = layout
    }

    @inline(__always)
    private func load<T: FixedWidthInteger>(_ offset: Int, as type: T.Type) -> T {
        T(littleEndian: record.bytes.loadUnaligned(fromByteOffset: Int(layout.start) + offset, as: T.self))
    }

    /// The global position in the log: gapless, from 1.
    public var position: UInt64 { load(8, as: UInt64.self) }
    /// The event's version within its stream: gapless, from 1.
    public var version: UInt64 { load(16, as: UInt64.self) }
    /// The version of the type's schema the payload was written with.
    public var schemaVersion: UInt32 { load(4, as: UInt32.self) }
    /// The event's unique id.
    public var eventId: UUID { UUID(storedAt: Int(layout.start) + 40, in: UnsafeRawBufferPointer(record.bytes)) }
    /// When it happened in the world (valid time).
    public var occurredAt: Timestamp { Timestamp(microsecondsSinceEpoch: load(24, as: Int64.self)) }
    /// When the store recorded it (system time); never decreases along positions.
    public var recordedAt: Timestamp { Timestamp(microsecondsSinceEpoch: load(32, as: Int64.self)) }
    /// The chain hash: SHA-256 of the previous record's hash followed by this record's canonical bytes.
    public var hash: ChainHash {
        ChainHash(UnsafeRawBufferPointer(rebasing: record.bytes[(layout.end - StorageLayout.hashSize)..<layout.end]))
    }

    /// Creates a recorded event from its fields, for tests and tools that build logs by hand.
    ///
    /// - Parameters:
    ///   - position: The global position.
    ///   - stream: The stream.
    ///   - version: The version in the stream.
    ///   - event: Everything else; its `occurredAt` and `recordedAt` default to `recordedAt`.
    ///   - recordedAt: When it was recorded.
    ///   - previousHash: The chain hash of the record before.
    public init(position: UInt64, stream: StreamID, version: UInt64, event: NewEvent, recordedAt: Timestamp, previousHash: ChainHash = .zero) {
        let size = Envelope.canonicalSize(event, stream: stream) + StorageLayout.hashSize
        let buffer = SharedBytes(count: size)
        _ = Envelope.write(
            event,
            position: position,
            stream: stream,
            version: version,
            recordedAt: event.recordedAt ?? recordedAt,
            previousHash: previousHash,
            into: UnsafeMutableRawBufferPointer(rebasing: buffer.bytes[0..<size])
        )
        // The record was just written by Envelope.write, so its layout is valid.
        let layout = try! RecordLayout(UnsafeRawBufferPointer(rebasing: buffer.bytes[0..<size]), start: 0)
        self.init(record: buffer, layout: layout)
    }

    private func text(_ field: Int) -> String {
        let range = layout.range(of: field)
        let bytes = UnsafeRawBufferPointer(rebasing: record.bytes[range]).assumingMemoryBound(to: UInt8.self)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The stream the event belongs to.
    public var stream: StreamID { StreamID(unchecked: text(RecordLayout.stream)) }
    /// The event's type name.
    public var type: String { text(RecordLayout.type) }
    /// Who recorded it.
    public var actor: EventActor {
        EventActor(id: text(RecordLayout.actorId), role: text(RecordLayout.actorRole), org: text(RecordLayout.actorOrg))
    }
    /// Groups the events of one piece of work.
    public var correlationId: String? { layout.hasField(RecordLayout.correlation) ? text(RecordLayout.correlation) : nil }
    /// What caused it.
    public var causationId: String? { layout.hasField(RecordLayout.causation) ? text(RecordLayout.causation) : nil }
    /// The event's data.
    public var payload: Payload {
        let codec = PayloadCodec(rawValue: load(2, as: UInt16.self))
        return Payload(codec: codec, shared: record, range: layout.range(of: RecordLayout.payload))
    }

    /// The payload's codec, read without making a ``Payload``.
    public var payloadCodec: PayloadCodec { PayloadCodec(rawValue: load(2, as: UInt16.self)) }

    /// Lends the payload's bytes to `body` without making a ``Payload`` (no reference counting:
    /// the hot path of a replay that decodes every event).
    ///
    /// Inlinable, so that a caller in another module calls a specialised copy, not the generic one
    /// (which returned `R` indirectly through its metadata: a tenth of decoding an event).
    /// - Parameter body: Reads the bytes; they are valid only during the call.
    /// - Returns: What `body` returns.
    @inlinable
    public func withPayloadBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        // The buffer belongs to `self`: kept alive until `body` returns.
        try withExtendedLifetime(self) { () throws(E) -> R in try body(payloadBuffer) }
    }

    /// The payload's bytes; valid while this event (its buffer) lives.
    @usableFromInline
    var payloadBuffer: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: record.bytes[layout.range(of: RecordLayout.payload)])
    }

    /// The type name's bytes; valid while this event (its buffer) lives.
    @usableFromInline
    var typeBuffer: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: record.bytes[layout.range(of: RecordLayout.type)])
    }

    /// Lends the type name's UTF-8 bytes to `body` without making a string.
    /// - Parameter body: Reads the bytes.
    /// - Returns: What `body` returns.
    @inlinable
    public func withTypeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withExtendedLifetime(self) { try body(typeBuffer) }
    }

    /// Whether the event's type is `name`, compared without making a string.
    /// - Parameter name: A type name.
    /// - Returns: Whether they are equal.
    public func hasType(_ name: StaticString) -> Bool {
        withTypeBytes { bytes in
            bytes.count == name.utf8CodeUnitCount && memcmp(bytes.baseAddress!, name.utf8Start, bytes.count) == 0
        }
    }

    /// The record's canonical bytes, as hashed into the chain.
    public var canonicalBytes: [UInt8] {
        Array(record.bytes[Int(layout.start)..<(layout.end - StorageLayout.hashSize)])
    }

    public static func == (lhs: RecordedEvent, rhs: RecordedEvent) -> Bool {
        lhs.hash == rhs.hash && lhs.position == rhs.position
            && lhs.record.bytes[Int(lhs.layout.start)..<lhs.layout.end].elementsEqual(rhs.record.bytes[Int(rhs.layout.start)..<rhs.layout.end])
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(position)
        hasher.combine(hash)
    }

    public var description: String {
        "\(position) \(stream)@\(version) \(type) \(eventId.uuidString.lowercased())"
    }
}

/// Where the variable-length fields of a record lie in its page buffer.
struct RecordLayout: Sendable {
    static let stream = 0
    static let type = 1
    static let actorId = 2
    static let actorRole = 3
    static let actorOrg = 4
    static let correlation = 5
    static let causation = 6
    static let payload = 7

    /// Offset of the record in the page buffer (pages stay under 4 GiB).
    let start: UInt32
    private var payloadLength: UInt32 = 0
    /// Start of each field's bytes (after its length), relative to `start`; 0 for an absent field.
    private var offsets: (UInt16, UInt16, UInt16, UInt16, UInt16, UInt16, UInt16, UInt16) = (0, 0, 0, 0, 0, 0, 0, 0)
    private var lengths: (UInt16, UInt16, UInt16, UInt16, UInt16, UInt16, UInt16) = (0, 0, 0, 0, 0, 0, 0)

    /// The offset just past the record (after its hash).
    var end: Int { Int(start) + Int(offsets.7) + Int(payloadLength) + StorageLayout.hashSize }

    /// Reads the field lengths of the record at `start` of `buffer`, checking each against its end.
    init(_ buffer: UnsafeRawBufferPointer, start: Int) throws(EnvelopeError) {
        self.start = UInt32(start)
        let record = UnsafeRawBufferPointer(rebasing: buffer[start...])
        guard record.count >= Envelope.fixedSize + StorageLayout.hashSize else {
            throw EnvelopeError("the record is \(record.count) bytes long, shorter than its header")
        }
        guard record[0] == Envelope.recordFormat else { throw EnvelopeError("unknown record format \(record[0])") }
        let flags = record[1]
        let canonicalEnd = record.count - StorageLayout.hashSize
        var reader = ByteReader(buffer: UnsafeRawBufferPointer(rebasing: record[0..<canonicalEnd]), offset: Envelope.fixedSize)
        var offsets: (UInt16, UInt16, UInt16, UInt16, UInt16, UInt16, UInt16, UInt16) = (0, 0, 0, 0, 0, 0, 0, 0)
        var lengths: (UInt16, UInt16, UInt16, UInt16, UInt16, UInt16, UInt16) = (0, 0, 0, 0, 0, 0, 0)
        for field in 0..<7 {
            if field == RecordLayout.correlation && flags & 1 == 0 || field == RecordLayout.causation && flags & 2 == 0 {
                continue
            }
            let length = try reader.read(UInt16.self)
            guard reader.offset <= Int(UInt16.max) else { throw EnvelopeError("the record's text fields are longer than 65,535 bytes") }
            let fieldOffset = UInt16(reader.offset)
            withUnsafeMutableBytes(of: &offsets) { $0.storeBytes(of: fieldOffset, toByteOffset: field * 2, as: UInt16.self) }
            withUnsafeMutableBytes(of: &lengths) { $0.storeBytes(of: length, toByteOffset: field * 2, as: UInt16.self) }
            try reader.skip(Int(length))
        }
        let payloadLength = try reader.read(UInt32.self)
        guard reader.offset <= Int(UInt16.max) else { throw EnvelopeError("the record's text fields are longer than 65,535 bytes") }
        offsets.7 = UInt16(reader.offset)
        try reader.skip(Int(payloadLength))
        guard reader.isAtEnd else { throw EnvelopeError("\(reader.remaining) unexpected bytes after the payload") }
        self.offsets = offsets
        self.lengths = lengths
        self.payloadLength = payloadLength
    }

    func hasField(_ field: Int) -> Bool { offset(field) != 0 }

    private func offset(_ field: Int) -> Int {
        withUnsafeBytes(of: offsets) { Int($0.load(fromByteOffset: field * 2, as: UInt16.self)) }
    }

    func range(of field: Int) -> Range<Int> {
        let length = field == RecordLayout.payload
            ? Int(payloadLength)
            : withUnsafeBytes(of: lengths) { Int($0.load(fromByteOffset: field * 2, as: UInt16.self)) }
        let begin = Int(start) + offset(field)
        return begin..<(begin + length)
    }
}

extension [UInt8] {
    /// The bytes as lower-case hexadecimal.
    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(count * 2)
        for byte in self {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
