import Foundation

/// Numbers given to names (the statistics' counters and regions) in the order they are first
/// seen, found by the names' UTF-8 bytes in an open-addressing table.
///
/// Adding a case's contribution looks a counter's name up for each of its dozen counts: a
/// dictionary of strings hashed each name with SipHash after checking its normalisation, about
/// 400 instructions a lookup. Here a name's hash is its length and its first and last eight
/// bytes, mixed by a multiplication, and a probe compares the bytes.
struct NameNumbers: Sendable {
    /// The names, by number.
    private(set) var names: [String] = []
    /// Each name's UTF-8 bytes, by number.
    private var bytes: [[UInt8]] = []
    /// The number of the name in each slot, or -1.
    private var slots: [Int32] = Array(repeating: -1, count: 64)

    /// Makes a table holding `names`, numbered in their order (each once).
    init(_ names: [String] = []) {
        for name in names { _ = number(of: name) }
    }

    /// The number of names.
    var count: Int { names.count }

    /// The number of `name`, given one if it has none yet.
    mutating func number(of name: String) -> Int {
        if let known = name.utf8.withContiguousStorageIfAvailable({ find(UnsafeRawBufferPointer($0)) }) {
            return known >= 0 ? known : add(name)
        }
        let utf8 = Array(name.utf8)
        let known = utf8.withUnsafeBytes { find($0) }
        return known >= 0 ? known : add(name)
    }

    /// The number of the name with these bytes, or -1.
    private func find(_ name: UnsafeRawBufferPointer) -> Int {
        let mask = slots.count - 1
        var slot = Self.hash(name) & mask
        while true {
            let number = Int(slots[slot])
            if number < 0 { return -1 }
            let known = bytes[number]
            if known.count == name.count, known.withUnsafeBytes({ name.count == 0 || memcmp($0.baseAddress!, name.baseAddress!, name.count) == 0 }) {
                return number
            }
            slot = (slot + 1) & mask
        }
    }

    private mutating func add(_ name: String) -> Int {
        names.append(name)
        bytes.append(Array(name.utf8))
        if names.count * 2 > slots.count {
            slots = Array(repeating: -1, count: slots.count * 2)
            for number in bytes.indices { place(number) }
        } else {
            place(names.count - 1)
        }
        return names.count - 1
    }

    private mutating func place(_ number: Int) {
        let mask = slots.count - 1
        var slot = bytes[number].withUnsafeBytes { Self.hash($0) } & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(number)
    }

    /// The length and the first and last eight bytes (fewer when shorter), mixed.
    private static func hash(_ name: UnsafeRawBufferPointer) -> Int {
        var first: UInt64 = 0
        var last: UInt64 = 0
        let length = name.count
        if length >= 8 {
            first = name.loadUnaligned(as: UInt64.self)
            last = name.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self)
        } else {
            for index in 0..<length { first = first << 8 | UInt64(name[index]) }
        }
        let mixed = (first &* 0x9E37_79B9_7F4A_7C15 ^ last &+ UInt64(length)) &* 0xC2B2_AE3D_27D4_EB4F
        return Int(truncatingIfNeeded: mixed >> 32)
    }
}
