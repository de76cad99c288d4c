import Crypto
import Foundation

/// The binary encoding of one log record (see `Docs/storage-format.md`).
///
/// Fixed-width fields first, little-endian, then length-prefixed strings and the payload; the
/// stored value ends with the 32-byte chain hash, which is not part of the canonical bytes.
enum Envelope {
    static let recordFormat: UInt8 = 1
    static let fixedSize = 56

    struct Fields {
        var position: UInt64
        var stream: StreamID
        var version: UInt64
        var event: NewEvent
        var occurredAt: Timestamp
        var recordedAt: Timestamp
    }

    /// The size of the canonical bytes of a record.
    static func canonicalSize(_ fields: Fields) -> Int {
        var size = fixedSize
        size += 2 + fields.stream.rawValue.utf8.count
        size += 2 + fields.event.type.utf8.count
        size += 2 + fields.event.actor.id.utf8.count
        size += 2 + fields.event.actor.role.utf8.count
        size += 2 + fields.event.actor.org.utf8.count
        if let correlation = fields.event.correlationId { size += 2 + correlation.utf8.count }
        if let causation = fields.event.causationId { size += 2 + causation.utf8.count }
        size += 4 + fields.event.payload.bytes.count
        return size
    }

    /// Writes the canonical bytes and, after them, the chain hash; returns the hash.
    static func write(
        _ fields: Fields,
        previousHash: [UInt8],
        into buffer: UnsafeMutableRawBufferPointer
    ) -> [UInt8] {
        var writer = ByteWriter(buffer: buffer)
        let event = fields.event
        writer.write(recordFormat)
        writer.write(UInt8((event.correlationId != nil ? 1 : 0) | (event.causationId != nil ? 2 : 0)))
        writer.write(event.payload.codec.rawValue)
        writer.write(event.schemaVersion)
        writer.write(fields.position)
        writer.write(fields.version)
        writer.write(UInt64(bitPattern: fields.occurredAt.microsecondsSinceEpoch))
        writer.write(UInt64(bitPattern: fields.recordedAt.microsecondsSinceEpoch))
        writer.write(event.eventId)
        writer.writeShortString(fields.stream.rawValue)
        writer.writeShortString(event.type)
        writer.writeShortString(event.actor.id)
        writer.writeShortString(event.actor.role)
        writer.writeShortString(event.actor.org)
        if let correlation = event.correlationId { writer.writeShortString(correlation) }
        if let causation = event.causationId { writer.writeShortString(causation) }
        writer.write(UInt32(event.payload.bytes.count))
        writer.write(event.payload.bytes)
        let canonical = UnsafeRawBufferPointer(rebasing: buffer[0..<writer.offset])
        let hash = chainHash(previous: previousHash, canonical: canonical)
        writer.write(hash)
        return hash
    }

    /// `SHA-256(previous || canonical)`.
    static func chainHash(previous: [UInt8], canonical: UnsafeRawBufferPointer) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: previous)
        hasher.update(bufferPointer: canonical)
        return Array(hasher.finalize())
    }

    /// The canonical bytes of a stored value (everything but the trailing hash).
    static func canonicalBytes(of value: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: value[0..<max(0, value.count - StorageLayout.hashSize)])
    }

    /// The stored chain hash at the end of a value.
    static func storedHash(of value: UnsafeRawBufferPointer) -> [UInt8] {
        Array(value[max(0, value.count - StorageLayout.hashSize)...])
    }

    /// The stream name of a stored value, read without decoding the rest.
    static func streamName(of value: UnsafeRawBufferPointer) throws(EnvelopeError) -> String {
        var reader = ByteReader(buffer: value, offset: fixedSize)
        return try reader.readShortString()
    }

    /// The stream version of a stored value.
    static func version(of value: UnsafeRawBufferPointer) throws(EnvelopeError) -> UInt64 {
        guard value.count >= fixedSize else { throw EnvelopeError("the record is \(value.count) bytes long, shorter than its header") }
        return UInt64(littleEndian: value.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
    }

    /// Decodes a stored value, copying every field out of the buffer.
    static func decode(_ value: UnsafeRawBufferPointer) throws(EnvelopeError) -> RecordedEvent {
        guard value.count >= fixedSize + StorageLayout.hashSize else {
            throw EnvelopeError("the record is \(value.count) bytes long, shorter than its header")
        }
        var reader = ByteReader(buffer: UnsafeRawBufferPointer(rebasing: value[0..<(value.count - StorageLayout.hashSize)]))
        let format = try reader.read(UInt8.self)
        guard format == recordFormat else { throw EnvelopeError("unknown record format \(format)") }
        let flags = try reader.read(UInt8.self)
        let codec = PayloadCodec(rawValue: try reader.read(UInt16.self))
        let schemaVersion = try reader.read(UInt32.self)
        let position = try reader.read(UInt64.self)
        let version = try reader.read(UInt64.self)
        let occurredAt = Timestamp(microsecondsSinceEpoch: Int64(bitPattern: try reader.read(UInt64.self)))
        let recordedAt = Timestamp(microsecondsSinceEpoch: Int64(bitPattern: try reader.read(UInt64.self)))
        let eventId = try reader.readUUID()
        let stream = StreamID(unchecked: try reader.readShortString())
        let type = try reader.readShortString()
        let actor = EventActor(id: try reader.readShortString(), role: try reader.readShortString(), org: try reader.readShortString())
        let correlationId = flags & 1 != 0 ? try reader.readShortString() : nil
        let causationId = flags & 2 != 0 ? try reader.readShortString() : nil
        let payloadLength = Int(try reader.read(UInt32.self))
        let payload = try reader.readBytes(payloadLength)
        guard reader.isAtEnd else { throw EnvelopeError("\(reader.remaining) unexpected bytes after the payload") }
        return RecordedEvent(
            position: position,
            stream: stream,
            version: version,
            type: type,
            schemaVersion: schemaVersion,
            eventId: eventId,
            occurredAt: occurredAt,
            recordedAt: recordedAt,
            actor: actor,
            correlationId: correlationId,
            causationId: causationId,
            payload: Payload(codec: codec, bytes: payload),
            hash: storedHash(of: value)
        )
    }
}

/// A stored record that cannot be decoded.
struct EnvelopeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
