#if canImport(Glibc)
import Glibc
#endif

/// The registry's schemas by (type name bytes, schema version): an open-addressing table probed
/// with a hash of the stored bytes, so decoding a stored event makes no string and hashes no
/// string.
///
/// A value held directly by the registry (not behind a shared class), with every name in one
/// byte array: a lookup reads flat arrays of a borrowed value and retains nothing, so threads
/// decoding at once do not contend on shared reference counts.
struct SchemaTable: Sendable {
    /// Where a schema's name lies in `nameBytes`, and its version.
    private struct Entry: Sendable {
        var version: UInt32
        var nameStart: Int32
        var nameCount: Int32
    }

    private var slots: [Int32] = Array(repeating: -1, count: 128)
    private var entries: [Entry] = []
    private var schemas: [EventRegistry.Schema] = []
    /// Whether the personal fields of each schema's plain payloads are passed over (see
    /// ``passOverPersonalFields(exceptOf:)``).
    private var passesOver: [Bool] = []
    private var nameBytes: [UInt8] = []

    /// Adds a schema, replacing one of the same type and version.
    /// - Parameters:
    ///   - schema: The schema.
    ///   - passingOverPersonalFields: Whether its payloads' plain personal fields are passed over.
    mutating func insert(_ schema: EventRegistry.Schema, passingOverPersonalFields: Bool = false) {
        let name = Array(schema.typeName.utf8)
        if let index = name.withUnsafeBytes({ find($0, version: schema.version) }) {
            schemas[Int(slots[index])] = schema
            passesOver[Int(slots[index])] = passingOverPersonalFields
            return
        }
        entries.append(Entry(version: schema.version, nameStart: Int32(nameBytes.count), nameCount: Int32(name.count)))
        nameBytes += name
        schemas.append(schema)
        passesOver.append(passingOverPersonalFields)
        if schemas.count * 2 > slots.count {
            slots = Array(repeating: -1, count: slots.count * 2)
            for entry in schemas.indices { place(entry) }
        } else {
            place(schemas.count - 1)
        }
    }

    /// The schema of a type name at a version, not retained: valid while this table lives.
    func unmanagedSchema(_ name: UnsafeRawBufferPointer, version: UInt32) -> Unmanaged<EventRegistry.Schema>? {
        lookUp(name, version: version)?.schema
    }

    /// The schema of a type name at a version, not retained (valid while this table lives), and
    /// whether the personal fields of its plain payloads are passed over.
    func lookUp(_ name: UnsafeRawBufferPointer, version: UInt32) -> (schema: Unmanaged<EventRegistry.Schema>, passesOverPersonalFields: Bool)? {
        guard let slot = find(name, version: version) else { return nil }
        let index = Int(slots[slot])
        return (schemas.withUnsafeBufferPointer { Unmanaged.passUnretained($0[index]) }, passesOver[index])
    }

    /// Marks the schemas whose plain payloads' personal fields are passed over: those with
    /// personal fields whose type is not among `typeNames` (none when `typeNames` is `nil`).
    mutating func passOverPersonalFields(exceptOf typeNames: Set<String>?) {
        for index in schemas.indices {
            passesOver[index] = Self.passesOver(schemas[index], exceptOf: typeNames)
        }
    }

    /// Whether a schema's plain personal fields are passed over when only `typeNames` are read.
    static func passesOver(_ schema: EventRegistry.Schema, exceptOf typeNames: Set<String>?) -> Bool {
        guard let typeNames, schema.hasPersonalFields else { return false }
        return !typeNames.contains(schema.typeName)
    }

    private mutating func place(_ entry: Int) {
        let name = entries[entry]
        var index = nameBytes.withUnsafeBytes {
            Self.hash(UnsafeRawBufferPointer(rebasing: $0[Int(name.nameStart)..<Int(name.nameStart + name.nameCount)]), version: name.version)
        } & (slots.count - 1)
        while slots[index] >= 0 { index = (index + 1) & (slots.count - 1) }
        slots[index] = Int32(entry)
    }

    /// The slot holding (name, version), if any.
    private func find(_ name: UnsafeRawBufferPointer, version: UInt32) -> Int? {
        var index = Self.hash(name, version: version) & (slots.count - 1)
        while slots[index] >= 0 {
            let entry = entries[Int(slots[index])]
            if entry.version == version, Int(entry.nameCount) == name.count,
                name.isEmpty || nameBytes.withUnsafeBytes({ memcmp($0.baseAddress! + Int(entry.nameStart), name.baseAddress!, name.count) == 0 })
            {
                return index
            }
            index = (index + 1) & (slots.count - 1)
        }
        return nil
    }

    /// A hash of the name's length, first and last eight bytes, and the version: two loads, not a
    /// step per byte (type names differ in those bytes; a collision only costs a probe).
    private static func hash(_ name: UnsafeRawBufferPointer, version: UInt32) -> Int {
        var head: UInt64 = 0
        var tail: UInt64 = 0
        if name.count >= 8 {
            head = name.loadUnaligned(as: UInt64.self)
            tail = name.loadUnaligned(fromByteOffset: name.count - 8, as: UInt64.self)
        } else {
            for (index, byte) in name.enumerated() { head |= UInt64(byte) << (8 * UInt64(index)) }
        }
        var hash = head &* 0x9e37_79b9_7f4a_7c15
        hash ^= (tail &+ UInt64(name.count) &+ UInt64(version) << 32) &* 0xc2b2_ae3d_27d4_eb4f
        return Int(truncatingIfNeeded: hash ^ (hash >> 29))
    }
}
