/// Sorts 64-bit keys a byte at a time, least significant byte first (a stable radix sort), for
/// the rebuild's large sorts of packed integers: positions with their indices, and the
/// statistics' packed bucket keys.
///
/// The standard library's sort compares pairs through a closure about `n log n` times (for
/// 50,000 keys, some 800,000 comparisons and the moves of a merge sort); this one reads each
/// key once to count all eight bytes, then moves each key once per byte that is not the same in
/// every key (the high bytes of positions and dates seldom differ, and are skipped).
package enum RadixSort {
    /// Below this many keys the standard sort is used: the counting costs more than it saves.
    package static let minimumCount = 256

    /// Sorts `keys` in ascending order.
    /// - Parameter keys: The keys.
    @inlinable
    package static func sort(_ keys: inout [UInt64]) {
        // Payloads of no size: moving them compiles to nothing.
        var nothing: [Void] = Array(repeating: (), count: keys.count)
        sort(&keys, carrying: &nothing)
    }

    /// Sorts `keys` in ascending order and moves each payload with its key: `payloads[i]`
    /// belongs to `keys[i]` before and after. Equal keys keep their order.
    /// - Parameters:
    ///   - keys: The keys.
    ///   - payloads: One value per key.
    ///   - significantBytes: How many of the keys' low bytes may differ (the others are zero in
    ///     every key): only those are counted and sorted by.
    @inlinable
    package static func sort<Payload: BitwiseCopyable>(_ keys: inout [UInt64], carrying payloads: inout [Payload], significantBytes: Int = 8) {
        let count = keys.count
        precondition(payloads.count == count, "one payload per key")
        guard count >= minimumCount else {
            var pairs = Array(zip(keys, payloads))
            pairs.sort { $0.0 < $1.0 }  // stable
            keys = pairs.map(\.0)
            payloads = pairs.map(\.1)
            return
        }
        // How many keys have each value of each byte: 8 × 256 counters.
        precondition(1...8 ~= significantBytes, "a key has one to eight bytes")
        var counts = [Int](repeating: 0, count: 8 * 256)
        counts.withUnsafeMutableBufferPointer { counts in
            for key in keys {
                for byte in 0..<significantBytes { counts[byte << 8 | Int(truncatingIfNeeded: key >> (byte << 3)) & 0xff] += 1 }
            }
        }
        var otherKeys = keys
        var otherPayloads = payloads
        for byte in 0..<significantBytes {
            let shift = UInt64(byte << 3)
            // A byte that every key shares moves nothing.
            let first = byte << 8 | Int(truncatingIfNeeded: keys[0] >> shift) & 0xff
            if counts[first] == count { continue }
            // Where the keys of each value start in the output.
            var starts = [Int](repeating: 0, count: 256)
            var total = 0
            for value in 0..<256 {
                starts[value] = total
                total += counts[byte << 8 | value]
            }
            starts.withUnsafeMutableBufferPointer { starts in
                keys.withUnsafeBufferPointer { source in
                    otherKeys.withUnsafeMutableBufferPointer { target in
                        payloads.withUnsafeBufferPointer { sourcePayloads in
                            otherPayloads.withUnsafeMutableBufferPointer { targetPayloads in
                                for index in 0..<count {
                                    let key = source[index]
                                    let value = Int(truncatingIfNeeded: key >> shift) & 0xff
                                    let at = starts[value]
                                    starts[value] = at + 1
                                    target[at] = key
                                    targetPayloads[at] = sourcePayloads[index]
                                }
                            }
                        }
                    }
                }
            }
            swap(&keys, &otherKeys)
            swap(&payloads, &otherPayloads)
        }
    }
}
