/// Sums by a 64-bit key, in one open-addressing table with a multiplicative hash: the statistics'
/// daily changes of a batch, keyed by packed (date, region, counter) integers.
///
/// A dictionary of the standard library hashed each key with SipHash and looked it up through
/// generic code: a seventh of adding a case's contribution to the changes. Here a key costs a
/// multiplication and, most often, one probe.
struct PackedCounts: Sendable {
    private var keys: [UInt64]
    private var sums: [Int]
    private var occupied: [Bool]
    /// The number of keys.
    private(set) var count = 0
    /// The table's size less one (a power of two less one).
    private var mask: Int
    /// How far right a key's product is shifted to give a slot: 64 less the table's bits.
    private var shift: UInt64

    /// Makes a table with room for `capacity` keys before it grows.
    init(capacity: Int = 8) {
        var size = 16
        while size * 3 < capacity * 4 { size *= 2 }  // at most three quarters full
        keys = Array(repeating: 0, count: size)
        sums = Array(repeating: 0, count: size)
        occupied = Array(repeating: false, count: size)
        mask = size - 1
        shift = UInt64(64 - size.trailingZeroBitCount)
    }

    /// Makes room for `capacity` keys in all.
    mutating func reserveCapacity(_ capacity: Int) {
        if capacity * 4 > keys.count * 3 { rehash(capacity: capacity) }
    }

    /// Adds `amount` to the sum of `key` (a key first added has the sum 0).
    mutating func add(_ amount: Int, to key: UInt64) {
        var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
        while occupied[slot] {
            if keys[slot] == key {
                sums[slot] += amount
                return
            }
            slot = (slot + 1) & mask
        }
        occupied[slot] = true
        keys[slot] = key
        sums[slot] = amount
        count += 1
        if count * 4 > keys.count * 3 { rehash(capacity: count * 2) }
    }

    /// The sum of `key`; `nil` when it was never added to.
    subscript(key: UInt64) -> Int? {
        var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
        while occupied[slot] {
            if keys[slot] == key { return sums[slot] }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// Calls `body` with each key and its sum, in no particular order.
    func forEach(_ body: (_ key: UInt64, _ sum: Int) throws -> Void) rethrows {
        for slot in keys.indices where occupied[slot] { try body(keys[slot], sums[slot]) }
    }

    private mutating func rehash(capacity: Int) {
        var grown = PackedCounts(capacity: capacity)
        forEach { key, sum in grown.add(sum, to: key) }
        self = grown
    }
}
