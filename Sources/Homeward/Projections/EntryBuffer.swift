/// Keys and values to put into a projection, packed into one byte array.
///
/// A rebuild's group of streams gives hundreds of thousands of entries; as an array of pairs of
/// arrays, each key and each value cost an allocation, reference counting wherever the pair was
/// copied, and a release and a free at the end. Here they are bytes in one array, each entry a
/// span of it: its key, then its value.
struct EntryBuffer: Sendable {
    private var bytes: [UInt8] = []
    /// Where each entry's key starts in `bytes`, and its key's and its value's lengths (the value
    /// follows the key).
    private var spans: [(start: Int, keyCount: Int32, valueCount: Int32)] = []

    init() {}

    /// The number of entries.
    var count: Int { spans.count }

    /// The number of bytes of the keys and values.
    var byteCount: Int { bytes.count }

    /// Makes room for `entries` entries of `bytes` bytes in all, so that a buffer joined from
    /// others is allocated once, not grown (and copied) again and again.
    mutating func reserveCapacity(entries: Int, bytes: Int) {
        spans.reserveCapacity(entries)
        self.bytes.reserveCapacity(bytes)
    }

    /// Appends an entry whose key is `parts` joined with `/` (the last part after
    /// `lastSeparator`).
    mutating func append(key parts: String, _ more: String, _ last: String? = nil, lastSeparator: UInt8 = UInt8(ascii: "/"), value: [UInt8] = []) {
        let start = bytes.count
        bytes.appendUTF8(of: parts)
        bytes.append(UInt8(ascii: "/"))
        bytes.appendUTF8(of: more)
        if let last {
            bytes.append(lastSeparator)
            bytes.appendUTF8(of: last)
        }
        let keyCount = bytes.count - start
        bytes.append(contentsOf: value)
        spans.append((start, Int32(keyCount), Int32(value.count)))
        order = nil
    }

    /// Appends an entry whose key is four parts joined by `/` (the last after `lastSeparator`)
    /// and whose value is text.
    mutating func append(key first: String, _ second: String, _ third: String, _ fourth: String, lastSeparator: UInt8 = UInt8(ascii: "/"), text value: String) {
        let start = bytes.count
        bytes.appendUTF8(of: first)
        bytes.append(UInt8(ascii: "/"))
        bytes.appendUTF8(of: second)
        bytes.append(UInt8(ascii: "/"))
        bytes.appendUTF8(of: third)
        bytes.append(lastSeparator)
        bytes.appendUTF8(of: fourth)
        let keyCount = bytes.count - start
        bytes.appendUTF8(of: value)
        spans.append((start, Int32(keyCount), Int32(bytes.count - start - keyCount)))
        order = nil
    }

    /// Appends an entry.
    mutating func append(key: [UInt8], value: [UInt8]) {
        spans.append((bytes.count, Int32(key.count), Int32(value.count)))
        bytes.append(contentsOf: key)
        bytes.append(contentsOf: value)
        order = nil
    }

    /// Appends every entry of another buffer, in its order.
    mutating func append(contentsOf other: EntryBuffer) {
        let offset = bytes.count
        bytes.append(contentsOf: other.bytes)
        spans.append(contentsOf: other.spans.lazy.map { ($0.start + offset, $0.keyCount, $0.valueCount) })
        order = nil
    }

    /// The entries as pairs of arrays, in order.
    var pairs: [(key: [UInt8], value: [UInt8])] {
        spans.map { span in
            let keyEnd = span.start + Int(span.keyCount)
            return (Array(bytes[span.start..<keyEnd]), Array(bytes[keyEnd..<(keyEnd + Int(span.valueCount))]))
        }
    }

    /// The entries' indices in the byte order of their keys, once ``sortInKeyOrder()`` ran.
    private var order: [Int32]?

    /// Sorts the entries by key (equal keys in the order they were appended), ahead of
    /// ``forEachInKeyOrder(_:)``: a rebuild sorts each group on its folding thread, not on the
    /// thread that writes.
    ///
    /// A radix sort on the keys' bytes from the first (most significant) on: the entries are
    /// dealt by their byte at one depth into 257 piles (a key that ended first), each pile
    /// dealt again by the next byte, the bytes that every key of a pile shares passed over at
    /// once, and piles of fewer than 32 entries sorted by comparing their keys. Most keys of a
    /// group share long prefixes (`status/returnedHome/` and a case id): a comparison sort
    /// compared those prefixes again at every comparison, about 950 instructions an entry.
    mutating func sortInKeyOrder() {
        guard order == nil else { return }
        let count = spans.count
        var sorted = [Int32](unsafeUninitializedCapacity: count) { buffer, initialized in
            for index in 0..<count { buffer[index] = Int32(index) }
            initialized = count
        }
        var scratch = [Int32](repeating: 0, count: count)
        bytes.withUnsafeBytes { buffer in
            spans.withUnsafeBufferPointer { spans in
                sorted.withUnsafeMutableBufferPointer { sorted in
                    scratch.withUnsafeMutableBufferPointer { scratch in
                        let sorter = KeySorter(bytes: buffer, spans: spans, order: sorted, scratch: scratch)
                        sorter.sort(0..<count, depth: 0)
                    }
                }
            }
        }
        order = sorted
    }

    /// The entries' places in the order they were appended, in the byte order of their keys
    /// (equal keys in the order appended): for sorting other values by keys made for them.
    func indicesInKeyOrder() -> [Int] {
        var sorted = self
        sorted.sortInKeyOrder()
        return sorted.order!.map { Int($0) }
    }

    /// Calls `body` with each entry's key and value in the byte order of the keys (LMDB then
    /// fills its pages in order instead of at random); entries with equal keys in the order
    /// they were appended. Sorts them first unless ``sortInKeyOrder()`` did.
    func forEachInKeyOrder(_ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Void) rethrows {
        var sorted = self
        sorted.sortInKeyOrder()
        try bytes.withUnsafeBytes { buffer in
            for index in sorted.order! {
                let span = spans[Int(index)]
                let keyEnd = span.start + Int(span.keyCount)
                try body(
                    UnsafeRawBufferPointer(rebasing: buffer[span.start..<keyEnd]),
                    UnsafeRawBufferPointer(rebasing: buffer[keyEnd..<(keyEnd + Int(span.valueCount))])
                )
            }
        }
    }

    /// Calls `body` with each entry's key and value in the order they were appended: for
    /// entries made in key order, which need no sort.
    func forEachInAppendOrder(_ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Void) rethrows {
        try bytes.withUnsafeBytes { buffer in
            for span in spans {
                let keyEnd = span.start + Int(span.keyCount)
                try body(
                    UnsafeRawBufferPointer(rebasing: buffer[span.start..<keyEnd]),
                    UnsafeRawBufferPointer(rebasing: buffer[keyEnd..<(keyEnd + Int(span.valueCount))])
                )
            }
        }
    }
}
