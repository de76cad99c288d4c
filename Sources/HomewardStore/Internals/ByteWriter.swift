import Foundation

/// Writes little-endian fields into a buffer sized in advance.
struct ByteWriter {
    let buffer: UnsafeMutableRawBufferPointer
    private(set) var offset = 0

    init(buffer: UnsafeMutableRawBufferPointer) {
        self.buffer = buffer
    }

    @inline(__always)
    mutating func write<T: FixedWidthInteger>(_ value: T) {
        buffer.storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self)
        offset += MemoryLayout<T>.size
    }

    @inline(__always)
    mutating func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { source in
            if let base = source.baseAddress, let target = buffer.baseAddress {
                (target + offset).copyMemory(from: base, byteCount: source.count)
            }
        }
        offset += bytes.count
    }

    @inline(__always)
    mutating func write(_ bytes: UnsafeRawBufferPointer) {
        if let base = bytes.baseAddress, let target = buffer.baseAddress {
            (target + offset).copyMemory(from: base, byteCount: bytes.count)
        }
        offset += bytes.count
    }

    @inline(__always)
    mutating func write(_ uuid: UUID) {
        withUnsafeBytes(of: uuid.uuid) { source in
            (buffer.baseAddress! + offset).copyMemory(from: source.baseAddress!, byteCount: 16)
        }
        offset += 16
    }

    /// A string of at most 65,535 UTF-8 bytes, after its 16-bit length.
    @inline(__always)
    mutating func writeShortString(_ text: String) {
        // Read in place where the text is contiguous (always, for a native string): `withUTF8`
        // needs a mutable copy, and the writer of a record copied the whole event to make one.
        func copy(_ utf8: UnsafeBufferPointer<UInt8>) {
            write(UInt16(utf8.count))
            if let base = utf8.baseAddress, let target = buffer.baseAddress {
                (target + offset).copyMemory(from: base, byteCount: utf8.count)
            }
            offset += utf8.count
        }
        if text.utf8.withContiguousStorageIfAvailable({ copy($0) }) == nil {
            var text = text
            text.withUTF8 { copy($0) }
        }
    }
}
