/// Sorts the entries of an ``EntryBuffer`` by their keys' bytes (LMDB's order: `memcmp`, a key
/// that is a prefix of another first), equal keys in the order they were appended: a radix sort
/// from the most significant byte, over borrowed buffers.
///
/// A range of entries whose keys are equal up to `depth` is dealt by its byte at `depth` into
/// 257 piles (pile 0 for the keys that end there, pile `b + 1` for byte `b`), stably; each pile
/// is then sorted from the next byte. The bytes that every key of a range shares are passed over
/// at once (compared eight at a time with the first key's), and a range of fewer than
/// ``smallRange`` entries is sorted by comparing the rest of its keys.
struct KeySorter {
    /// The keys and values of the buffer.
    let bytes: UnsafeRawBufferPointer
    /// Where each entry's key starts, and its length.
    let spans: UnsafeBufferPointer<(start: Int, keyCount: Int32, valueCount: Int32)>
    /// The entries' indices, sorted in place.
    let order: UnsafeMutableBufferPointer<Int32>
    /// Room for one range of indices while it is dealt.
    let scratch: UnsafeMutableBufferPointer<Int32>

    /// Below this many entries a range is sorted by comparisons: dealing it costs more.
    static let smallRange = 32

    /// Sorts `order[range]`, whose keys are equal in their first `depth` bytes.
    func sort(_ range: Range<Int>, depth: Int) {
        // Keys all empty (no bytes at all): equal, already in the order appended.
        guard bytes.baseAddress != nil else { return }
        // The ranges left to sort, each with the depth its keys are equal to: a list, not
        // recursion, so that keys of hundreds of bytes do not nest hundreds of calls.
        var pending = [(range: range, depth: depth)]
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * 257) { table in
            // Each pile's size, its start, and where its next entry goes.
            let (counts, starts, next) = (table.baseAddress!, table.baseAddress! + 257, table.baseAddress! + 514)
            while let (range, depth) = pending.popLast() {
                guard range.count >= Self.smallRange else {
                    sortByComparing(range, from: depth)
                    continue
                }
                // Keys already in order (a group's keys of each case, appended case by case in
                // the order of the case ids) stay as they are: a walk that stops at the first
                // pair out of order costs less than dealing them again and again.
                if isInOrder(range, from: depth) { continue }
                let depth = depth + sharedLength(range, from: depth)
                counts.initialize(repeating: 0, count: 257)
                for position in range { counts[pile(Int(order[position]), depth)] += 1 }
                // Every key ended at `depth`: the keys are equal, already in the order appended.
                if counts[0] == range.count { continue }
                var total = range.lowerBound
                for pile in 0..<257 {
                    starts[pile] = total
                    next[pile] = total
                    total += counts[pile]
                }
                for position in range {
                    let entry = order[position]
                    let pile = pile(Int(entry), depth)
                    scratch[next[pile]] = entry
                    next[pile] += 1
                }
                for position in range { order[position] = scratch[position] }
                // Pile 0 holds equal keys (each ended at `depth`), in the order appended; each
                // other pile is sorted from the next byte.
                for pile in 1..<257 where counts[pile] > 1 {
                    pending.append((starts[pile]..<(starts[pile] + counts[pile]), depth + 1))
                }
            }
        }
    }

    /// The pile of an entry at `depth`: 0 when its key has ended, else its byte there plus one.
    @inline(__always)
    private func pile(_ entry: Int, _ depth: Int) -> Int {
        let span = spans[entry]
        return depth < Int(span.keyCount) ? Int(bytes[span.start + depth]) + 1 : 0
    }

    /// Whether the keys of the range follow one another in order already (equal keys in any
    /// order: they are in the order appended), compared from `depth` on.
    private func isInOrder(_ range: Range<Int>, from depth: Int) -> Bool {
        for position in (range.lowerBound + 1)..<range.upperBound where precedes(order[position], order[position - 1], from: depth) {
            return false
        }
        return true
    }

    /// How many bytes from `depth` on every key of the range shares with the first (none past
    /// the end of a key).
    private func sharedLength(_ range: Range<Int>, from depth: Int) -> Int {
        let first = spans[Int(order[range.lowerBound])]
        var shared = Int(first.keyCount) - depth
        guard shared > 0 else { return 0 }
        let firstBytes = bytes.baseAddress! + first.start + depth
        for position in range.dropFirst() {
            let span = spans[Int(order[position])]
            shared = Swift.min(shared, Int(span.keyCount) - depth)
            guard shared > 0 else { return 0 }
            let other = bytes.baseAddress! + span.start + depth
            var same = 0
            while same + 8 <= shared, firstBytes.loadUnaligned(fromByteOffset: same, as: UInt64.self) == other.loadUnaligned(fromByteOffset: same, as: UInt64.self) {
                same += 8
            }
            while same < shared, firstBytes.load(fromByteOffset: same, as: UInt8.self) == other.load(fromByteOffset: same, as: UInt8.self) {
                same += 1
            }
            shared = same
            if shared == 0 { return 0 }
        }
        return shared
    }

    /// Sorts a small range by comparing its keys from `depth` on (an insertion sort: equal keys
    /// stay in the order appended).
    private func sortByComparing(_ range: Range<Int>, from depth: Int) {
        guard range.count > 1 else { return }
        for position in (range.lowerBound + 1)..<range.upperBound {
            let entry = order[position]
            var place = position
            while place > range.lowerBound, precedes(entry, order[place - 1], from: depth) {
                order[place] = order[place - 1]
                place -= 1
            }
            order[place] = entry
        }
    }

    /// Whether the key of `left` sorts before the key of `right`, both equal before `depth`.
    @inline(__always)
    private func precedes(_ left: Int32, _ right: Int32, from depth: Int) -> Bool {
        let (leftSpan, rightSpan) = (spans[Int(left)], spans[Int(right)])
        let leftKey = UnsafeRawBufferPointer(start: bytes.baseAddress! + leftSpan.start + depth, count: Int(leftSpan.keyCount) - depth)
        let rightKey = UnsafeRawBufferPointer(start: bytes.baseAddress! + rightSpan.start + depth, count: Int(rightSpan.keyCount) - depth)
        return leftKey.precedesInKeyOrder(rightKey)
    }
}
