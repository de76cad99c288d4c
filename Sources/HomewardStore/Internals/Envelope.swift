import Crypto
import Foundation
internal import HomewardCSHA256

/// The binary encoding of one log record (see `Docs/storage-format.md`).
///
/// Fixed-width fields first, little-endian, then length-prefixed strings and the payload; the
/// stored value ends with the 32-byte chain hash, which is not part of the canonical bytes.
enum Envelope {
    static let recordFormat: UInt8 = 1
    static let fixedSize = 56

    /// The size of the canonical bytes of a record.
    @inline(__always)
    static func canonicalSize(_ event: borrowing NewEvent, stream: StreamID) -> Int {
        var size = fixedSize + 10 + 4
        size += stream.rawValue.utf8.count + event.type.utf8.count
        size += event.actor.id.utf8.count + event.actor.role.utf8.count + event.actor.org.utf8.count
        if let correlation = event.correlationId { size += 2 + correlation.utf8.count }
        if let causation = event.causationId { size += 2 + causation.utf8.count }
        return size + event.payload.count
    }

    /// Writes the canonical bytes and, after them, the chain hash; returns the hash.
    @inline(__always)
    static func write(
        _ event: borrowing NewEvent,
        position: UInt64,
        stream: StreamID,
        version: UInt64,
        recordedAt: Timestamp,
        previousHash: ChainHash,
        into buffer: UnsafeMutableRawBufferPointer
    ) -> ChainHash {
        let count = writeCanonical(event, position: position, stream: stream, version: version, recordedAt: recordedAt, into: buffer)
        let hash = chainHash(previous: previousHash, canonical: UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        hash.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buffer[count..<(count + StorageLayout.hashSize)]).copyMemory(from: $0) }
        return hash
    }

    /// Writes the canonical bytes (everything but the chain hash); returns their count.
    @inline(__always)
    static func writeCanonical(
        _ event: borrowing NewEvent,
        position: UInt64,
        stream: StreamID,
        version: UInt64,
        recordedAt: Timestamp,
        into buffer: UnsafeMutableRawBufferPointer
    ) -> Int {
        var writer = ByteWriter(buffer: buffer)
        writer.write(recordFormat)
        writer.write(UInt8((event.correlationId != nil ? 1 : 0) | (event.causationId != nil ? 2 : 0)))
        writer.write(event.payload.codec.rawValue)
        writer.write(event.schemaVersion)
        writer.write(position)
        writer.write(version)
        writer.write(UInt64(bitPattern: (event.occurredAt ?? recordedAt).microsecondsSinceEpoch))
        writer.write(UInt64(bitPattern: recordedAt.microsecondsSinceEpoch))
        writer.write(event.eventId)
        writer.writeShortString(stream.rawValue)
        writer.writeShortString(event.type)
        writer.writeShortString(event.actor.id)
        writer.writeShortString(event.actor.role)
        writer.writeShortString(event.actor.org)
        if let correlation = event.correlationId { writer.writeShortString(correlation) }
        if let causation = event.causationId { writer.writeShortString(causation) }
        writer.write(UInt32(event.payload.count))
        event.payload.withUnsafeBytes { writer.write($0) }
        return writer.offset
    }

    /// `SHA-256(previous || canonical)`, as appends write it.
    ///
    /// Computed by the store's own SHA-256 (`HomewardCSHA256`): one call per record, no
    /// allocation, the processor's SHA instructions when present. Through swift-crypto, half of
    /// the sealing time of a batch went to setting up and finishing each digest. `verify()`
    /// recomputes every hash with swift-crypto instead (``verifiedChainHash(previous:canonical:)``),
    /// so the two implementations check each other on every record verified.
    @inline(__always)
    static func chainHash(previous: ChainHash, canonical: UnsafeRawBufferPointer) -> ChainHash {
        var digest = ChainHash.zero
        withUnsafeBytes(of: previous.words) { previousBytes in
            withUnsafeMutableBytes(of: &digest.words) { digestBytes in
                homeward_sha256_two_parts(
                    previousBytes.baseAddress, 32,
                    canonical.baseAddress ?? previousBytes.baseAddress, canonical.count,
                    digestBytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
                )
            }
        }
        return digest
    }

    /// `SHA-256(previous || canonical)` by swift-crypto: how `verify()` recomputes the chain,
    /// independently of the implementation that wrote it.
    static func verifiedChainHash(previous: ChainHash, canonical: UnsafeRawBufferPointer) -> ChainHash {
        var hasher = SHA256()
        previous.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        hasher.update(bufferPointer: canonical)
        return hasher.finalize().withUnsafeBytes { ChainHash($0) }
    }

    /// The canonical bytes of a stored value (everything but the trailing hash).
    static func canonicalBytes(of value: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: value[0..<max(0, value.count - StorageLayout.hashSize)])
    }

    /// The stored chain hash at the end of a value.
    static func storedHash(of value: UnsafeRawBufferPointer) -> ChainHash {
        guard value.count >= StorageLayout.hashSize else { return .zero }
        return ChainHash(UnsafeRawBufferPointer(rebasing: value[(value.count - StorageLayout.hashSize)...]))
    }

    /// The stream name of a stored value, read without decoding the rest.
    static func streamName(of value: UnsafeRawBufferPointer) throws(EnvelopeError) -> String {
        var reader = ByteReader(buffer: value, offset: fixedSize)
        return try reader.readShortString()
    }

    /// The stream name's bytes of a stored value, borrowed from it.
    static func streamNameBytes(of value: UnsafeRawBufferPointer) throws(EnvelopeError) -> UnsafeRawBufferPointer {
        var reader = ByteReader(buffer: value, offset: fixedSize)
        let length = Int(try reader.read(UInt16.self))
        return try reader.borrowBytes(length)
    }

    /// The event id of a stored value (at least ``fixedSize`` bytes long).
    static func eventId(of value: UnsafeRawBufferPointer) -> UUID {
        UUID(storedAt: 40, in: value)
    }

    /// The recorded time of a stored value (at least ``fixedSize`` bytes long).
    static func recordedAt(of value: UnsafeRawBufferPointer) -> Timestamp {
        Timestamp(microsecondsSinceEpoch: Int64(littleEndian: value.loadUnaligned(fromByteOffset: 32, as: Int64.self)))
    }

    /// The stream version of a stored value.
    static func version(of value: UnsafeRawBufferPointer) throws(EnvelopeError) -> UInt64 {
        guard value.count >= fixedSize else { throw EnvelopeError("the record is \(value.count) bytes long, shorter than its header") }
        return UInt64(littleEndian: value.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
    }

    /// Decodes a stored value, copying it out of the buffer.
    static func decode(_ value: UnsafeRawBufferPointer) throws(EnvelopeError) -> RecordedEvent {
        try RecordDecoder.decode(value)
    }
}

/// A stored record that cannot be decoded.
struct EnvelopeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
