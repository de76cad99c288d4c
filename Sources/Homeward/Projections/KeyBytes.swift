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
        withUnsafeBufferPointer { left in
            other.withUnsafeBufferPointer { right in
                let shared = Swift.min(left.count, right.count)
                if shared > 0 {
                    let result = memcmp(left.baseAddress!, right.baseAddress!, shared)
                    if result != 0 { return result < 0 }
                }
                return left.count < right.count
            }
        }
    }
}
