import Foundation

/// Reads little-endian fields from a buffer, checking every length against its end.
struct ByteReader {
    let buffer: UnsafeRawBufferPointer
    private(set) var offset: Int

    init(buffer: UnsafeRawBufferPointer, offset: Int = 0) {
        self.buffer = buffer
        self.offset = offset
    }

    var isAtEnd: Bool { offset == buffer.count }
    var remaining: Int { buffer.count - offset }

    @inline(__always)
    private mutating func advance(_ count: Int) throws(EnvelopeError) -> Int {
        guard count >= 0, count <= buffer.count - offset else {
            throw EnvelopeError("a field of \(count) bytes runs past the end of the record at byte \(offset)")
        }
        defer { offset += count }
        return offset
    }

    @inline(__always)
    mutating func read<T: FixedWidthInteger>(_ type: T.Type) throws(EnvelopeError) -> T {
        let start = try advance(MemoryLayout<T>.size)
        return T(littleEndian: buffer.loadUnaligned(fromByteOffset: start, as: T.self))
    }

    /// Passes over the next `count` bytes.
    @inline(__always)
    mutating func skip(_ count: Int) throws(EnvelopeError) {
        _ = try advance(count)
    }

    /// The next `count` bytes, borrowed from the buffer.
    mutating func borrowBytes(_ count: Int) throws(EnvelopeError) -> UnsafeRawBufferPointer {
        let start = try advance(count)
        return UnsafeRawBufferPointer(rebasing: buffer[start..<(start + count)])
    }

    mutating func readBytes(_ count: Int) throws(EnvelopeError) -> [UInt8] {
        let start = try advance(count)
        return Array(buffer[start..<(start + count)])
    }

    mutating func readUUID() throws(EnvelopeError) -> UUID {
        let start = try advance(16)
        return UUID(storedAt: start, in: buffer)
    }

    mutating func readShortString() throws(EnvelopeError) -> String {
        let length = Int(try read(UInt16.self))
        let start = try advance(length)
        // Fast path: decoding repairs invalid UTF-8 instead of failing; `verify()` reports a
        // changed byte through the hash chain.
        let bytes = UnsafeRawBufferPointer(rebasing: buffer[start..<(start + length)]).assumingMemoryBound(to: UInt8.self)
        return String(decoding: bytes, as: UTF8.self)
    }
}
