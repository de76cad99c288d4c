public import Foundation
public import HomewardStore

/// Writes event fields in Homeward's compact binary payload codec (codec 2).
///
/// Fields are written in declaration order without names: counts and enumeration positions as
/// LEB128 varints, integers, dates and times as zigzag varints, numbers as 8-byte little-endian
/// doubles, text as a varint length and UTF-8, booleans as one byte, optionals as a presence byte
/// and the value. See `Docs/storage-format.md`.
public struct PayloadWriter {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []

    /// Creates an empty writer.
    public init() {
        bytes.reserveCapacity(128)
    }

    /// The payload of an event, in the binary codec.
    /// - Parameter event: The event.
    /// - Returns: Its payload.
    public static func payload(of event: some EventDataObject) -> Payload {
        var writer = PayloadWriter()
        event.encode(to: &writer)
        return Payload(codec: .binary, bytes: writer.bytes)
    }

    /// Writes a count or an enumeration position.
    public mutating func writeCount(_ value: Int) {
        var remaining = UInt64(max(0, value))
        while remaining >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        bytes.append(UInt8(remaining))
    }

    /// Writes a signed integer (zigzag varint).
    public mutating func write(_ value: Int) {
        let zigzag = UInt64(bitPattern: Int64((value << 1) ^ (value >> 63)))
        var remaining = zigzag
        while remaining >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        bytes.append(UInt8(remaining))
    }

    /// Writes a number.
    public mutating func write(_ value: Double) {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Writes a boolean.
    public mutating func write(_ value: Bool) {
        bytes.append(value ? 1 : 0)
    }

    /// Writes text.
    public mutating func write(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            writeCount(utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    /// Writes a UUID's 16 bytes.
    public mutating func write(_ value: UUID) {
        withUnsafeBytes(of: value.uuid) { bytes.append(contentsOf: $0) }
    }

    /// Writes a local date as days since 1970-01-01.
    public mutating func write(_ value: LocalDate) {
        write(value.daysSinceEpoch)
    }

    /// Writes an instant as microseconds since the Unix epoch.
    public mutating func write(_ value: Timestamp) {
        write(Int(value.microsecondsSinceEpoch))
    }

    /// Writes any JSON value: a tag byte, then the value.
    public mutating func write(_ value: JSONValue) {
        switch value {
        case .null: bytes.append(0)
        case .bool(let flag): bytes.append(flag ? 2 : 1)
        case .integer(let number):
            bytes.append(3)
            write(number)
        case .number(let number):
            bytes.append(4)
            write(number)
        case .string(let text):
            bytes.append(5)
            write(text)
        case .array(let elements):
            bytes.append(6)
            writeCount(elements.count)
            for element in elements { write(element) }
        case .object(let object):
            bytes.append(7)
            writeCount(object.count)
            for (key, element) in object.members {
                write(key)
                write(element)
            }
        }
    }
}
