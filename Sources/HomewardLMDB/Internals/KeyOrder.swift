#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How LMDB orders the keys (or duplicate values) of a tree, from its `md_flags`.
enum KeyOrder {
    /// `memcmp`, the shorter first on a tie (`mdb_cmp_memn`): the default.
    case bytes
    /// `memcmp` from the last byte backwards (`mdb_cmp_memnr`): `MDB_REVERSEKEY`, `MDB_REVERSEDUP`.
    case reverseBytes
    /// Native unsigned integers of 4 or 8 bytes (`mdb_cmp_int`, `mdb_cmp_cint`, `mdb_cmp_long`):
    /// `MDB_INTEGERKEY`, `MDB_INTEGERDUP`, and the free database.
    case integer

    /// The order of a tree's keys (`mdb_dbi_open`: reverse wins over integer).
    static func keys(flags: UInt16) -> KeyOrder {
        if flags & LMDBLayout.reverseKey != 0 { return .reverseBytes }
        if flags & LMDBLayout.integerKey != 0 { return .integer }
        return .bytes
    }

    /// The order of a sorted-duplicates tree's values.
    static func duplicates(flags: UInt16) -> KeyOrder {
        if flags & LMDBLayout.integerDuplicate != 0 { return .integer }
        if flags & LMDBLayout.reverseDuplicate != 0 { return .reverseBytes }
        return .bytes
    }

    /// Whether a key of `count` bytes can be compared in this order.
    func accepts(count: Int) -> Bool {
        self != .integer || count == 4 || count == 8
    }

    /// Compares two keys: negative, zero or positive. Integer keys of different sizes compare by
    /// size (callers report them first).
    func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        switch self {
        case .bytes:
            let shared = min(a.count, b.count)
            if shared > 0, let left = a.baseAddress, let right = b.baseAddress {
                let result = memcmp(left, right, shared)
                if result != 0 { return Int(result) }
            }
            return a.count - b.count
        case .reverseBytes:
            var left = a.count
            var right = b.count
            while left > 0 && right > 0 {
                left -= 1
                right -= 1
                if a[left] != b[right] { return Int(a[left]) - Int(b[right]) }
            }
            return a.count - b.count
        case .integer:
            if a.count != b.count { return a.count - b.count }
            if a.count == 8 {
                let left = a.loadUnaligned(as: UInt64.self)
                let right = b.loadUnaligned(as: UInt64.self)
                return left == right ? 0 : (left < right ? -1 : 1)
            }
            if a.count == 4 {
                let left = a.loadUnaligned(as: UInt32.self)
                let right = b.loadUnaligned(as: UInt32.self)
                return left == right ? 0 : (left < right ? -1 : 1)
            }
            return KeyOrder.bytes.compare(a, b)
        }
    }
}
