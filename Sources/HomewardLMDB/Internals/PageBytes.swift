/// Bounds-checked little-endian reads from a buffer holding bytes of the data file.
///
/// Every read checks its offset: a read outside the buffer gives 0 instead of trapping, so no
/// byte of a damaged file can crash the audit. Callers check ranges before they rely on a value.
struct PageBytes {
    let buffer: UnsafeRawBufferPointer

    var count: Int { buffer.count }

    /// Whether `length` bytes from `offset` lie inside the buffer.
    @inline(__always)
    func contains(_ offset: Int, _ length: Int) -> Bool {
        offset >= 0 && length >= 0 && offset <= buffer.count && length <= buffer.count - offset
    }

    @inline(__always)
    func u8(_ offset: Int) -> UInt8 {
        contains(offset, 1) ? buffer[offset] : 0
    }

    @inline(__always)
    func u16(_ offset: Int) -> UInt16 {
        contains(offset, 2) ? UInt16(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt16.self)) : 0
    }

    @inline(__always)
    func u32(_ offset: Int) -> UInt32 {
        contains(offset, 4) ? UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) : 0
    }

    @inline(__always)
    func u64(_ offset: Int) -> UInt64 {
        contains(offset, 8) ? UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) : 0
    }

    /// The bytes `offset..<offset+length`, or an empty buffer when they are not all inside.
    @inline(__always)
    func slice(_ offset: Int, _ length: Int) -> UnsafeRawBufferPointer {
        guard contains(offset, length), let base = buffer.baseAddress else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: base + offset, count: length)
    }
}
