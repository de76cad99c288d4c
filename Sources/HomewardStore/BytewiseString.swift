#if canImport(Glibc)
import Glibc
#endif

/// Text that is its UTF-8 bytes: equal, hashed and ordered by them, as the store keeps keys,
/// not as Swift compares strings.
///
/// Swift holds two strings equal when Unicode does (canonical equivalence): `José` written with a
/// composed `é` equals `José` written with `e` and a combining accent, though their bytes differ.
/// An id is a key in the store, and there they are two ids. Use this type wherever ids are
/// gathered into sets or tables, so that two ids are one only where the store makes them one:
/// a person's key, a case's statistics and a person's links never mix with another's.
///
/// ```swift
/// let composed: BytewiseString = "Jos\u{E9}"
/// let decomposed: BytewiseString = "Jose\u{301}"
/// composed == decomposed                      // false
/// composed.string == decomposed.string        // true, as Swift compares strings
/// ```
public struct BytewiseString: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The text.
    public let string: String

    /// Wraps a string.
    public init(_ string: String) { self.string = string }

    public init(stringLiteral value: String) { self.string = value }

    public var description: String { string }

    /// Whether the strings have the same UTF-8 bytes.
    public static func == (lhs: BytewiseString, rhs: BytewiseString) -> Bool {
        sameBytes(lhs.string, rhs.string)
    }

    /// Hashes the string's UTF-8 bytes.
    public func hash(into hasher: inout Hasher) {
        BytewiseString.hashBytes(of: string, into: &hasher)
    }

    /// Whether the string's UTF-8 bytes come first in byte order, the order of the store's keys.
    public static func < (lhs: BytewiseString, rhs: BytewiseString) -> Bool {
        compareBytes(lhs.string, rhs.string) < 0
    }

    /// Whether two strings have the same UTF-8 bytes.
    static func sameBytes(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.count == rhs.utf8.count && compareBytes(lhs, rhs) == 0
    }

    /// Hashes a string's UTF-8 bytes (where the string holds them, else a copy of them) and
    /// their count.
    static func hashBytes(of string: String, into hasher: inout Hasher) {
        hasher.combine(string.utf8.count)
        let hashed: Void? = string.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        if hashed == nil { Array(string.utf8).withUnsafeBytes { hasher.combine(bytes: $0) } }
    }

    /// The order of two strings' UTF-8 bytes, as `memcmp` gives it (a string before the strings
    /// it starts): negative, zero or positive. Compared with `memcmp` where the strings hold their
    /// bytes (native strings do), since going through the UTF-8 views byte by byte made an
    /// import a tenth slower.
    static func compareBytes(_ lhs: String, _ rhs: String) -> Int {
        let (left, right) = (lhs.utf8, rhs.utf8)
        let compared = left.withContiguousStorageIfAvailable { left in
            right.withContiguousStorageIfAvailable { right in
                let shared = min(left.count, right.count)
                let order = shared == 0 ? 0 : Int(memcmp(left.baseAddress!, right.baseAddress!, shared))
                return order != 0 ? order : left.count - right.count
            }
        }
        if let order = compared ?? nil { return order }
        if left.elementsEqual(right) { return 0 }
        return left.lexicographicallyPrecedes(right) ? -1 : 1
    }
}
