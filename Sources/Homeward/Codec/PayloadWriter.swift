public import Foundation
public import HomewardStore

/// Writes event fields in Homeward's compact binary payload codec (codec 2).
///
/// Fields are written in declaration order without names: counts and enumeration positions as
/// LEB128 varints, integers, dates and times as zigzag varints, numbers as 8-byte little-endian
/// doubles, text as a varint length and UTF-8, booleans as one byte, optionals as a presence byte
/// and the value. See `Docs/storage-format.md`.
///
/// A sealing writer (``init(sealing:)``) keeps personal fields apart: what is written between
/// ``beginPersonal()`` and ``endPersonal()`` goes to ``personalBytes``, to be sealed under a
/// person's key (see ``PersonalSealing``); the rest stays in ``bytes``. A plain writer writes
/// everything in place, so the binary codec's layout does not depend on sealing.
public struct PayloadWriter {
    /// The bytes written so far (the clear part, for a sealing writer).
    public private(set) var bytes: [UInt8] = []
    /// The personal fields written so far by a sealing writer.
    public private(set) var personalBytes: [UInt8] = []
    /// Whether personal fields are kept apart.
    public let sealing: Bool
    private var inPersonal = false

    /// Creates an empty writer.
    /// - Parameter sealing: Keep personal fields apart, in ``personalBytes``.
    public init(sealing: Bool = false) {
        self.init(sealing: sealing, capacity: 128)
    }

    /// Creates an empty writer with room for `capacity` bytes, for a writer that knows about how
    /// much it will write: its bytes are allocated once, not grown.
    init(sealing: Bool = false, capacity: Int) {
        self.sealing = sealing
        bytes.reserveCapacity(capacity)
    }

    /// Starts a personal field: until ``endPersonal()``, a sealing writer writes to ``personalBytes``.
    public mutating func beginPersonal() {
        precondition(!inPersonal, "personal fields do not nest")
        inPersonal = true
        if sealing { swap(&bytes, &personalBytes) }
    }

    /// Ends a personal field.
    public mutating func endPersonal() {
        precondition(inPersonal, "endPersonal() without beginPersonal()")
        inPersonal = false
        if sealing { swap(&bytes, &personalBytes) }
    }

    /// Writes a JSON object whose members named in `personal` are personal fields. A plain writer
    /// writes the object as it is; a sealing writer writes it in place with those members' values
    /// as `null`, and their values apart, in order.
    public mutating func writeSplit(_ value: JSONValue, personal: Set<String>) {
        guard sealing, case .object(let object) = value else {
            write(value)
            return
        }
        let isPersonal = object.members.map { personal.contains($0.key) }
        write(JSONValue.object(JSONObject(object.members.indices.map { index in
            (object.members[index].key, isPersonal[index] ? .null : object.members[index].value)
        })))
        beginPersonal()
        write(JSONValue.array(object.members.indices.filter { isPersonal[$0] }.map { object.members[$0].value }))
        endPersonal()
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
        Self.appendVarint(UInt64(max(0, value)), to: &bytes)
    }

    /// Writes a signed integer (zigzag varint).
    public mutating func write(_ value: Int) {
        Self.appendVarint(Self.zigzag(value), to: &bytes)
    }

    /// Appends `value` as a LEB128 varint, as counts are written: for code that writes this
    /// format into bytes of its own (the statistics' bucket merges).
    @inline(__always)
    static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var remaining = value
        while remaining >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        bytes.append(UInt8(remaining))
    }

    /// A signed integer as the unsigned varint it is written as (zigzag: small magnitudes small).
    @inline(__always)
    static func zigzag(_ value: Int) -> UInt64 {
        UInt64(bitPattern: Int64((value << 1) ^ (value >> 63)))
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
        // A native string lends its bytes where they lie; only another kind is copied first
        // (`withUTF8` needs a mutable copy, which cost a retain and a release per string).
        let written: Void? = value.utf8.withContiguousStorageIfAvailable { utf8 in
            writeCount(utf8.count)
            bytes.append(contentsOf: utf8)
        }
        if written == nil {
            var value = value
            value.withUTF8 { utf8 in
                writeCount(utf8.count)
                bytes.append(contentsOf: utf8)
            }
        }
    }

    /// Makes room for `count` more bytes, for a writer that knows about how much it will write.
    mutating func reserveCapacity(_ count: Int) {
        bytes.reserveCapacity(bytes.count + count)
    }

    /// Writes text given as its UTF-8 bytes (as ``write(_:)-(String)`` writes a string).
    mutating func writeText(utf8: ArraySlice<UInt8>) {
        writeCount(utf8.count)
        bytes.append(contentsOf: utf8)
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
