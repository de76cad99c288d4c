import Foundation

extension Array where Element == UInt8 {
    /// Whether these key bytes sort before `other` in LMDB's key order (`memcmp`, the shorter
    /// first on a tie): what the projections sort their entries by before writing them.
    ///
    /// The generic `lexicographicallyPrecedes` compares element by element through iterators;
    /// sorting a rebuild group's hundreds of thousands of keys spent a tenth of the writer's time
    /// there.
    @inline(__always)
    func precedesInKeyOrder(_ other: [UInt8]) -> Bool {
        withUnsafeBytes { left in other.withUnsafeBytes { right in left.precedesInKeyOrder(right) } }
    }

    /// Appends a text's UTF-8 bytes, copied at once where the string holds them (as native and
    /// literal strings do): appending the `utf8` view went byte by byte through its iterator, a
    /// few hundred instructions for each part of each key of a rebuild.
    @inline(__always)
    mutating func appendUTF8(of text: String) {
        let copied: Void? = text.utf8.withContiguousStorageIfAvailable { append(contentsOf: $0) }
        if copied == nil { append(contentsOf: text.utf8) }
    }
}

extension UnsafeRawBufferPointer {
    /// Whether these key bytes sort before `other` in LMDB's key order (`memcmp`, the shorter
    /// first on a tie).
    @inline(__always)
    func precedesInKeyOrder(_ other: UnsafeRawBufferPointer) -> Bool {
        let shared = Swift.min(count, other.count)
        if shared > 0 {
            let result = memcmp(baseAddress!, other.baseAddress!, shared)
            if result != 0 { return result < 0 }
        }
        return count < other.count
    }
}
