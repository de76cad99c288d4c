/// The minutes from first report to first pickup of one day's bucket, kept sorted, read in place;
/// and the exact median of several such buckets without merging or copying them.
///
/// A month of a ten-million-event campaign holds hundreds of thousands of pickup times: the
/// median is found by a search over the values' 64-bit order keys, counting in each sorted
/// bucket by halves (64 steps × buckets × log of a bucket), instead of by selection over a copy
/// of every value.
struct PickupMinutes {
    private let bytes: [UInt8]
    private let start: Int
    /// The number of values.
    let count: Int

    /// Reads a bucket value written by ``encode(_:)``.
    init(_ bytes: [UInt8]) throws(PayloadDecodingError) {
        (count, start) = try bytes.withUnsafeBytes { buffer in
            Result { () throws(PayloadDecodingError) in try Self.header(of: buffer) }
        }.get()
        self.bytes = bytes
    }

    /// The value at `index` in ascending order.
    subscript(index: Int) -> Double {
        bytes.withUnsafeBytes { Double(bitPattern: UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: start + index * 8, as: UInt64.self))) }
    }

    /// A bucket value: the values sorted (by ``orderKey(_:)``), after their count.
    static func encode(_ values: [Double]) -> [UInt8] {
        BucketCoding.minutes(values.sorted { orderKey($0) < orderKey($1) })
    }

    /// The bucket value of the values of two bucket values (each written by ``encode(_:)``),
    /// made by merging their sorted runs straight into the new value: what ``encode(_:)`` gives
    /// for all their values, without decoding them into arrays, joining and sorting them again
    /// (a rebuild merges a group's minutes into most stored buckets, hundreds of thousands of
    /// times at ten million events).
    static func merged(_ stored: UnsafeRawBufferPointer, _ added: UnsafeRawBufferPointer) throws(PayloadDecodingError) -> [UInt8] {
        let (left, leftStart) = try header(of: stored)
        let (right, rightStart) = try header(of: added)
        let total = left + right
        var countBytes: [UInt8] = []
        PayloadWriter.appendVarint(UInt64(total), to: &countBytes)
        return [UInt8](unsafeUninitializedCapacity: countBytes.count + total * 8) { buffer, initialized in
            let output = UnsafeMutableRawPointer(buffer.baseAddress!)
            for (index, byte) in countBytes.enumerated() { output.storeBytes(of: byte, toByteOffset: index, as: UInt8.self) }
            func bits(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ index: Int) -> UInt64 {
                bytes.loadUnaligned(fromByteOffset: start + index * 8, as: UInt64.self)
            }
            var (i, j, end) = (0, 0, countBytes.count)
            while i < left || j < right {
                // Equal keys are equal bits: which one goes first makes the same bytes.
                let takeLeft = j == right || (i < left && orderKey(Double(bitPattern: UInt64(littleEndian: bits(stored, leftStart, i))))
                    <= orderKey(Double(bitPattern: UInt64(littleEndian: bits(added, rightStart, j)))))
                let value = takeLeft ? bits(stored, leftStart, i) : bits(added, rightStart, j)
                output.storeBytes(of: value, toByteOffset: end, as: UInt64.self)
                end += 8
                if takeLeft { i += 1 } else { j += 1 }
            }
            initialized = end
        }
    }

    /// The number of values of a bucket value and where they start, checked against its length.
    private static func header(of bytes: UnsafeRawBufferPointer) throws(PayloadDecodingError) -> (count: Int, start: Int) {
        var reader = PayloadReader(bytes)
        let count = try reader.readCount()
        let start = bytes.count - reader.remaining
        guard reader.remaining == count * 8 else { throw PayloadDecodingError("a pickup bucket holds \(reader.remaining) bytes for \(count) values") }
        return (count, start)
    }

    /// A key whose unsigned order is the numeric order of doubles (negative values first).
    static func orderKey(_ value: Double) -> UInt64 {
        let bits = value.bitPattern
        return bits >> 63 == 1 ? ~bits : bits | (1 << 63)
    }

    private static func value(ofKey key: UInt64) -> Double {
        Double(bitPattern: key >> 63 == 1 ? key & ~(1 << 63) : ~key)
    }

    /// How many values have an order key at or below `key`.
    private func countAtMost(_ key: UInt64) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if Self.orderKey(self[middle]) <= key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The value of 0-based rank `rank` among all values of `buckets`.
    private static func value(ofRank rank: Int, in buckets: [PickupMinutes]) -> Double {
        // The smallest key with more than `rank` values at or below it is a value's key.
        var low: UInt64 = 0
        var high = UInt64.max
        while low < high {
            let middle = low + (high - low) / 2
            if buckets.reduce(0, { $0 + $1.countAtMost(middle) }) > rank { high = middle } else { low = middle + 1 }
        }
        return value(ofKey: low)
    }

    /// The exact median of every value of the buckets (the mean of the two middle values for an
    /// even count); `nil` when there is none.
    static func median(_ buckets: [PickupMinutes]) -> Double? {
        let total = buckets.reduce(0) { $0 + $1.count }
        guard total > 0 else { return nil }
        let upper = value(ofRank: total / 2, in: buckets)
        return total % 2 == 1 ? upper : (value(ofRank: total / 2 - 1, in: buckets) + upper) / 2
    }
}
