/// Sorts 64-bit keys a digit of up to 11 bits at a time, least significant digit first (a stable
/// radix sort), for the rebuild's large sorts of packed integers: positions with their indices,
/// and the statistics' packed bucket keys.
///
/// The standard library's sort compares pairs through a closure about `n log n` times (for
/// 50,000 keys, some 800,000 comparisons and the moves of a merge sort); this one reads each
/// key once to count all its digits, then moves each key once per digit that is not the same in
/// every key. Only the bits below the highest bit set in any key are dealt, in as few digits as
/// 11 bits allow (a table of 2,048 counts per digit stays in the processor's first cache): the
/// 44 bits of a million positions packed with their indices take four passes, where a byte at a
/// time took six.
package enum RadixSort {
    /// Below this many keys the standard sort is used: the counting costs more than it saves.
    package static let minimumCount = 256

    /// The widest digit, in bits.
    package static let maximumDigitBits = 11

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
        precondition(1...8 ~= significantBytes, "a key has one to eight bytes")
        // The bits that may differ: up to the highest bit set in any key, within the
        // significant bytes.
        let significantMask = significantBytes == 8 ? UInt64.max : (UInt64(1) << UInt64(significantBytes * 8)) - 1
        var anyBits: UInt64 = 0
        for key in keys { anyBits |= key }
        anyBits &= significantMask
        let bits = UInt64.bitWidth - anyBits.leadingZeroBitCount
        guard bits > 0 else { return }  // every key is zero: all equal, already in order
        // As few digits as the widest digit allows, of equal widths.
        let digits = (bits + maximumDigitBits - 1) / maximumDigitBits
        let width = (bits + digits - 1) / digits
        let radix = 1 << width
        let digitMask = UInt64(radix - 1)
        // How many keys have each value of each digit.
        var counts = [Int](repeating: 0, count: digits * radix)
        counts.withUnsafeMutableBufferPointer { counts in
            keys.withUnsafeBufferPointer { keys in
                for key in keys {
                    var rest = key
                    for digit in 0..<digits {
                        counts[digit &* radix &+ Int(truncatingIfNeeded: rest & digitMask)] += 1
                        rest >>= UInt64(width)
                    }
                }
            }
        }
        var otherKeys = keys
        var otherPayloads = payloads
        var starts = [Int](repeating: 0, count: radix)
        for digit in 0..<digits {
            let shift = UInt64(digit * width)
            // A digit that every key shares moves nothing.
            let first = digit * radix + Int(truncatingIfNeeded: keys[0] >> shift & digitMask)
            if counts[first] == count { continue }
            // Where the keys of each value start in the output.
            var total = 0
            for value in 0..<radix {
                starts[value] = total
                total += counts[digit * radix + value]
            }
            starts.withUnsafeMutableBufferPointer { starts in
                keys.withUnsafeBufferPointer { source in
                    otherKeys.withUnsafeMutableBufferPointer { target in
                        payloads.withUnsafeBufferPointer { sourcePayloads in
                            otherPayloads.withUnsafeMutableBufferPointer { targetPayloads in
                                for index in 0..<count {
                                    let key = source[index]
                                    let value = Int(truncatingIfNeeded: key >> shift & digitMask)
                                    let at = starts[value]
                                    starts[value] = at &+ 1
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
