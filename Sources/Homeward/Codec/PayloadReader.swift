public import Foundation
public import HomewardStore

/// Reads fields written by ``PayloadWriter``, straight from borrowed bytes, checking every length
/// and count against what is left.
///
/// Personal fields (see ``PayloadWriter/beginPersonal()``) are read where they were written, from
/// an opened sealed section, or, when their key is destroyed, given as a placeholder.
public struct PayloadReader {
    /// Where a payload's personal fields are.
    public enum PersonalFields {
        /// In place, among the other fields (the plain binary codec).
        case inline
        /// In a separate section, opened with the person's key; valid while the reader is used.
        case opened(UnsafeRawBufferPointer)
        /// Sealed under a key that is destroyed: each reads as its placeholder.
        case forgotten
        /// In place, among the other fields, but not wanted by the reader: each reads as its
        /// placeholder, as a forgotten one does, and its bytes are passed over (its text is not
        /// made into a string).
        case passedOver
    }

    private var buffer: UnsafeRawBufferPointer
    private var offset = 0
    private var personalBuffer = UnsafeRawBufferPointer(start: nil, count: 0)
    private var personalOffset = 0
    private let personal: PersonalFields
    /// Whether a personal field is being passed over: its text is skipped, not decoded.
    private var passingOver = false

    /// Creates a reader over bytes that stay valid while it is used.
    /// - Parameters:
    ///   - buffer: The payload's bytes (the clear part, for a sealed payload).
    ///   - personal: Where the personal fields are.
    public init(_ buffer: UnsafeRawBufferPointer, personal: PersonalFields = .inline) {
        self.buffer = buffer
        self.personal = personal
        if case .opened(let section) = personal { personalBuffer = section }
    }

    /// The bytes not read yet.
    public var remaining: Int { buffer.count - offset }

    /// Whether every byte has been read, of the personal section too.
    public var isAtEnd: Bool { offset == buffer.count && personalOffset == personalBuffer.count }

    /// Whether the personal fields read as placeholders because their key is destroyed.
    public var personalFieldsForgotten: Bool {
        if case .forgotten = personal { return true }
        return false
    }

    /// Reads a personal field with `read`, from wherever the personal fields are.
    /// - Parameters:
    ///   - placeholder: The value of a forgotten field.
    ///   - read: Reads the field.
    public mutating func readPersonal<T>(
        _ placeholder: @autoclosure () -> T,
        _ read: (inout PayloadReader) throws(PayloadDecodingError) -> T
    ) throws(PayloadDecodingError) -> T {
        switch personal {
        case .inline:
            return try read(&self)
        case .forgotten:
            return placeholder()
        case .passedOver:
            passingOver = true
            defer { passingOver = false }
            _ = try read(&self)
            return placeholder()
        case .opened:
            swap(&buffer, &personalBuffer)
            swap(&offset, &personalOffset)
            defer {
                swap(&buffer, &personalBuffer)
                swap(&offset, &personalOffset)
            }
            return try read(&self)
        }
    }

    /// Reads a JSON object written by ``PayloadWriter/writeSplit(_:personal:)``; its personal
    /// members read as `placeholder` when they are forgotten.
    public mutating func readSplitJSON(personal personalKeys: Set<String>, placeholder: JSONValue) throws(PayloadDecodingError) -> JSONValue {
        switch personal {
        case .inline:
            return try readJSON()
        case .passedOver:
            // Not split: the personal members lie among the others.
            guard case .object(let object) = try readJSON() else { throw PayloadDecodingError("a split object is not an object") }
            return .object(JSONObject(object.members.map { ($0.key, personalKeys.contains($0.key) ? placeholder : $0.value) }))
        case .forgotten, .opened:
            break
        }
        let clear = try readJSON()
        let values = try readPersonal(JSONValue.null) { (reader: inout PayloadReader) throws(PayloadDecodingError) in try reader.readJSON() }
        guard case .object(let object) = clear else { throw PayloadDecodingError("a split object is not an object") }
        var remaining: [JSONValue] = []
        if case .array(let elements) = values { remaining = elements.reversed() }
        var members: [(String, JSONValue)] = []
        for member in object.members {
            if personalKeys.contains(member.key) {
                members.append((member.key, remaining.popLast() ?? placeholder))
            } else {
                members.append((member.key, member.value))
            }
        }
        return .object(JSONObject(members))
    }

    @inline(__always)
    private mutating func byte() throws(PayloadDecodingError) -> UInt8 {
        guard offset < buffer.count else { throw PayloadDecodingError("the payload ends early at byte \(offset)") }
        defer { offset += 1 }
        return buffer[offset]
    }

    @inline(__always)
    private mutating func varint() throws(PayloadDecodingError) -> UInt64 {
        // Most counts, lengths and small integers take one byte: read it with no loop.
        if offset < buffer.count {
            let first = buffer.load(fromByteOffset: offset, as: UInt8.self)
            if first < 0x80 {
                offset += 1
                return UInt64(first)
            }
        }
        return try longVarint()
    }

    /// A varint of more than one byte (or one past the end, which throws).
    private mutating func longVarint() throws(PayloadDecodingError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte()
            if shift == 63 && next > 1 { throw PayloadDecodingError("a number at byte \(offset) is too large") }
            result |= UInt64(next & 0x7f) << shift
            if next & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw PayloadDecodingError("a number at byte \(offset) is too long") }
        }
    }

    /// Reads a count or an enumeration position; a count can never exceed the bytes left.
    public mutating func readCount() throws(PayloadDecodingError) -> Int {
        let value = try varint()
        guard value <= UInt64(buffer.count - offset) + 64 else {
            throw PayloadDecodingError("a count of \(value) at byte \(offset) exceeds the payload")
        }
        return Int(value)
    }

    /// Reads a signed integer.
    public mutating func readInt() throws(PayloadDecodingError) -> Int {
        let zigzag = try varint()
        return Int(Int64(bitPattern: (zigzag >> 1) ^ (0 &- (zigzag & 1))))
    }

    /// Reads a number.
    public mutating func readDouble() throws(PayloadDecodingError) -> Double {
        guard buffer.count - offset >= 8 else { throw PayloadDecodingError("the payload ends inside a number at byte \(offset)") }
        defer { offset += 8 }
        return Double(bitPattern: UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
    }

    /// Reads a boolean.
    public mutating func readBool() throws(PayloadDecodingError) -> Bool {
        switch try byte() {
        case 0: return false
        case 1: return true
        case let other: throw PayloadDecodingError("byte \(offset - 1) is \(other), not a boolean")
        }
    }

    /// Reads text.
    public mutating func readString() throws(PayloadDecodingError) -> String {
        let bytes = try readTextBytes()
        if passingOver { return "" }
        return String(decoding: bytes.assumingMemoryBound(to: UInt8.self), as: UTF8.self)
    }

    /// Reads text as its UTF-8 bytes where they lie (valid as long as the reader's buffer),
    /// without making a string.
    mutating func readTextBytes() throws(PayloadDecodingError) -> UnsafeRawBufferPointer {
        let count = try readCount()
        guard buffer.count - offset >= count else { throw PayloadDecodingError("text of \(count) bytes runs past the payload at byte \(offset)") }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + count)])
    }

    /// Reads a UUID.
    public mutating func readUUID() throws(PayloadDecodingError) -> UUID {
        guard buffer.count - offset >= 16 else { throw PayloadDecodingError("the payload ends inside an id at byte \(offset)") }
        defer { offset += 16 }
        return UUID(storedAt: offset, in: buffer)
    }

    /// Reads a local date.
    public mutating func readDate() throws(PayloadDecodingError) -> LocalDate {
        LocalDate(daysSinceEpoch: try readInt())
    }

    /// Reads an instant.
    public mutating func readTimestamp() throws(PayloadDecodingError) -> Timestamp {
        Timestamp(microsecondsSinceEpoch: Int64(try readInt()))
    }

    /// Reads an array, one element at a time.
    /// - Parameter element: Reads one element.
    public mutating func readArray<T>(_ element: (inout PayloadReader) throws(PayloadDecodingError) -> T) throws(PayloadDecodingError) -> [T] {
        let count = try readCount()
        var result: [T] = []
        result.reserveCapacity(count)
        for _ in 0..<count { result.append(try element(&self)) }
        return result
    }

    /// Reads any JSON value, at most 64 levels deep.
    public mutating func readJSON() throws(PayloadDecodingError) -> JSONValue {
        try readJSON(depth: 0)
    }

    private mutating func readJSON(depth: Int) throws(PayloadDecodingError) -> JSONValue {
        guard depth < 64 else { throw PayloadDecodingError("JSON nested deeper than 64 levels") }
        switch try byte() {
        case 0: return .null
        case 1: return .bool(false)
        case 2: return .bool(true)
        case 3: return .integer(try readInt())
        case 4: return .number(try readDouble())
        case 5: return .string(try readString())
        case 6:
            let count = try readCount()
            var elements: [JSONValue] = []
            for _ in 0..<count { elements.append(try readJSON(depth: depth + 1)) }
            return .array(elements)
        case 7:
            let count = try readCount()
            var members: [(String, JSONValue)] = []
            for _ in 0..<count {
                let key = try readString()
                members.append((key, try readJSON(depth: depth + 1)))
            }
            return .object(JSONObject(members))
        case let tag:
            throw PayloadDecodingError("unknown JSON tag \(tag) at byte \(offset - 1)")
        }
    }
}

/// A binary payload that does not decode: truncated, or with a value out of range.
public struct PayloadDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong.
    public var description: String
    /// Creates an error.
    public init(_ description: String) { self.description = description }
}
