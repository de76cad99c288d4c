import Foundation
import HomewardStore

/// Binary values of the statistics buckets.
enum BucketCoding {
    /// Named counters, in the UTF-8 byte order of their names.
    static func counters(_ counters: [String: Int]) -> [UInt8] {
        var writer = PayloadWriter()
        writer.writeCount(counters.count)
        for key in counters.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            writer.write(key)
            writer.write(counters[key]!)
        }
        return writer.bytes
    }

    /// Adds changes to a stored counters value without making a string of any name: the stored
    /// counters and the changes, both in the byte order of their names, are merged; a counter
    /// that reaches zero is dropped.
    /// - Parameters:
    ///   - changes: Names (UTF-8) and amounts, in byte order of the names, each name once.
    ///   - stored: A value written by ``counters(_:)`` or by this function, if there is one.
    /// - Returns: The new value; `nil` when no counter is left.
    static func adding(_ changes: ArraySlice<(name: [UInt8], amount: Int)>, to stored: [UInt8]?) throws(PayloadDecodingError) -> [UInt8]? {
        var merged = Merge()
        let left: Bool
        if let stored {
            left = try stored.withUnsafeBytes { bytes in
                Result { () throws(PayloadDecodingError) -> Bool in try merged.adding(changes, to: bytes) }
            }.get()
        } else {
            left = try merged.adding(changes, to: nil)
        }
        return left ? merged.output : nil
    }

    /// The merge of ``adding(_:to:)``, reading the stored value where it lies (in the map)
    /// instead of from a copy, and writing the new value straight into an array made with room
    /// for it (a rebuild merges and encodes tens of thousands of buckets).
    struct Merge {
        /// The new value, after ``adding(_:to:)`` returned `true`.
        private(set) var output: [UInt8] = []

        /// Adds changes to a stored counters value (`nil` when there is none), as
        /// ``BucketCoding/adding(_:to:)`` does; the new value is left in ``output``.
        /// - Returns: `false` when no counter is left.
        mutating func adding(_ changes: ArraySlice<(name: [UInt8], amount: Int)>, to stored: UnsafeRawBufferPointer?) throws(PayloadDecodingError) -> Bool {
            // The names side by side in one buffer, lent as bytes to the merge.
            var joined: [UInt8] = []
            var ranges: [Range<Int>] = []
            for change in changes {
                ranges.append(joined.count..<(joined.count + change.name.count))
                joined += change.name
            }
            return try joined.withUnsafeBytes { bytes in
                let named = zip(ranges, changes).map { (name: UnsafeRawBufferPointer(rebasing: bytes[$0]), amount: $1.amount) }
                return Result { () throws(PayloadDecodingError) -> Bool in try adding(named[...], to: stored) }
            }.get()
        }

        /// Writes changes as the counters value of a new bucket into ``output``, zero changes
        /// left out.
        /// - Parameter changes: Names and amounts, in byte order of the names, each name once.
        /// - Returns: `false` when every change is zero (no bucket).
        mutating func encoding(_ changes: ArraySlice<(name: UnsafeRawBufferPointer, amount: Int)>) -> Bool {
            do {
                return try adding(changes, to: nil)
            } catch {
                preconditionFailure("no stored value, nothing to decode: \(error)")
            }
        }

        /// ``encoding(_:)-(ArraySlice<(name:UnsafeRawBufferPointer,amount:Int)>)`` for names
        /// given as arrays.
        mutating func encoding(_ changes: ArraySlice<(name: [UInt8], amount: Int)>) -> Bool {
            do {
                return try adding(changes, to: nil)
            } catch {
                preconditionFailure("no stored value, nothing to decode: \(error)")
            }
        }

        /// Adds changes given as a counters value (names in byte order, as ``counters(_:)``
        /// writes them) to a stored counters value: the merge of two buckets' values.
        /// - Returns: `false` when no counter is left.
        mutating func adding(counters changes: UnsafeRawBufferPointer, to stored: UnsafeRawBufferPointer?) throws(PayloadDecodingError) -> Bool {
            // Read into an array sized by the value's count, not grown counter by counter.
            var reader = PayloadReader(changes)
            let count = try reader.readCount()
            var named: [(name: UnsafeRawBufferPointer, amount: Int)] = []
            named.reserveCapacity(count)
            for _ in 0..<count { named.append((try reader.readTextBytes(), try reader.readInt())) }
            guard reader.isAtEnd else { throw PayloadDecodingError("bytes left after a counters value") }
            return try adding(named[...], to: stored)
        }

        /// Adds changes whose names are lent as bytes (valid for the call): the writer of a
        /// rebuild keeps every counter's name in one buffer, so that a bucket's changes cost no
        /// reference counting.
        /// - Returns: `false` when no counter is left.
        mutating func adding(_ changes: ArraySlice<(name: UnsafeRawBufferPointer, amount: Int)>, to stored: UnsafeRawBufferPointer?) throws(PayloadDecodingError) -> Bool {
            let storedBytes = stored ?? UnsafeRawBufferPointer(start: nil, count: 0)
            // The most the value can take: the stored counters, each change as a new counter (a
            // name and two varints of at most ten bytes), and a count of up to ten bytes.
            let bound = changes.reduce(10 + storedBytes.count) { $0 + $1.name.count + 20 }
            var written: Result<Int, PayloadDecodingError> = .success(0)
            output = [UInt8](unsafeUninitializedCapacity: bound) { buffer, initialized in
                written = Result { () throws(PayloadDecodingError) -> Int in
                    let (end, count) = try Self.merge(changes, into: UnsafeMutableRawPointer(buffer.baseAddress!), stored: stored)
                    initialized = end
                    return count
                }
            }
            return try written.get() > 0
        }

        /// Writes the merge of `changes` into `stored` at `output` (room enough: see
        /// ``adding(_:to:)-(ArraySlice<(name:UnsafeRawBufferPointer,amount:Int)>,_)``): the bytes
        /// are stored where they go, with no array's room and uniqueness checked for each of
        /// them (some 200 instructions a counter, over a million counters in a rebuild).
        /// - Returns: The bytes written and the counters among them.
        private static func merge(
            _ changes: ArraySlice<(name: UnsafeRawBufferPointer, amount: Int)>, into output: UnsafeMutableRawPointer, stored: UnsafeRawBufferPointer?
        ) throws(PayloadDecodingError) -> (end: Int, count: Int) {
            let storedBytes = stored ?? UnsafeRawBufferPointer(start: nil, count: 0)
            // The counters are written after one byte kept for their count, which is filled
            // in at the end (made longer in the rare bucket of 128 counters or more).
            var end = 1
            var count = 0
            func appendVarint(_ value: UInt64) {
                var remaining = value
                while remaining >= 0x80 {
                    output.storeBytes(of: UInt8(truncatingIfNeeded: remaining) | 0x80, toByteOffset: end, as: UInt8.self)
                    end += 1
                    remaining >>= 7
                }
                output.storeBytes(of: UInt8(remaining), toByteOffset: end, as: UInt8.self)
                end += 1
            }
            func appendBytes(_ bytes: UnsafeRawBufferPointer) {
                guard let start = bytes.baseAddress else { return }
                // A few bytes (a counter's name) byte by byte: cheaper than a call to copy them.
                if bytes.count <= 16 {
                    for index in 0..<bytes.count { output.storeBytes(of: bytes[index], toByteOffset: end + index, as: UInt8.self) }
                } else {
                    (output + end).copyMemory(from: start, byteCount: bytes.count)
                }
                end += bytes.count
            }
            func append(_ name: UnsafeRawBufferPointer, _ value: Int) {
                appendVarint(UInt64(name.count))
                appendBytes(name)
                appendVarint(PayloadWriter.zigzag(value))
                count += 1
            }
            var reader = PayloadReader(storedBytes)
            var next = changes.startIndex
            let storedCount = stored == nil ? 0 : try reader.readCount()
            // Stored counters that no change touches are copied as they lie, a run at a time:
            // a month's bucket holds hundreds of counters, and a group changes a few of them.
            var runStart = storedBytes.count - reader.remaining
            var runCount = 0
            func closeRun(at runEnd: Int) {
                if runEnd > runStart { appendBytes(UnsafeRawBufferPointer(rebasing: storedBytes[runStart..<runEnd])) }
                count += runCount
                runCount = 0
            }
            for _ in 0..<storedCount {
                let start = storedBytes.count - reader.remaining
                let name = try reader.readTextBytes()
                let storedValue = try reader.readInt()
                var value = storedValue
                // The changes to names before this one, then this one's (names compared as
                // bytes: the generic comparisons went element by element through iterators).
                while next < changes.endIndex {
                    let order = Self.order(changes[next].name, name)
                    if order > 0 { break }
                    if order == 0 {
                        value += changes[next].amount
                    } else if changes[next].amount != 0 {
                        closeRun(at: start)
                        runStart = start
                        append(changes[next].name, changes[next].amount)
                    }
                    next += 1
                    if order == 0 { break }
                }
                if value == storedValue, value != 0 {
                    runCount += 1
                } else {
                    closeRun(at: start)
                    if value != 0 { append(name, value) }
                    runStart = storedBytes.count - reader.remaining
                }
            }
            closeRun(at: storedBytes.count - reader.remaining)
            guard reader.isAtEnd else { throw PayloadDecodingError("bytes left after a counters bucket") }
            for change in changes[next...] where change.amount != 0 { append(change.name, change.amount) }
            guard count >= 0x80 else {
                output.storeBytes(of: UInt8(count), toByteOffset: 0, as: UInt8.self)
                return (end, count)
            }
            // A count of two bytes or more: the counters move to make room for it.
            let width = (UInt64.bitWidth - UInt64(count).leadingZeroBitCount + 6) / 7
            (output + width).copyMemory(from: output + 1, byteCount: end - 1)
            let counters = end - 1
            end = 0
            appendVarint(UInt64(count))
            return (width + counters, count)
        }

        /// How `left` sorts against `right` in byte order (`memcmp`, the shorter first on a
        /// tie): negative before, zero equal, positive after.
        @inline(__always)
        private static func order(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) -> Int {
            let shared = min(left.count, right.count)
            if shared > 0 {
                let result = memcmp(left.baseAddress!, right.baseAddress!, shared)
                if result != 0 { return Int(result) }
            }
            return left.count - right.count
        }
    }

    static func counters(_ bytes: [UInt8]) throws(PayloadDecodingError) -> [String: Int] {
        try read(bytes) { (reader) throws(PayloadDecodingError) in
            var counters: [String: Int] = [:]
            for _ in 0..<(try reader.readCount()) { counters[try reader.readString()] = try reader.readInt() }
            return counters
        }
    }

    /// Calls `body` with each counter of a counters value: its name's bytes (lent for the call)
    /// and its amount, in the order stored.
    static func forEachCounter(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer, Int) throws(PayloadDecodingError) -> Void) throws {
        try bytes.withUnsafeBytes { buffer in try forEachCounter(in: buffer, body) }
    }

    /// ``forEachCounter(_:_:)`` over bytes lent where they lie (the names are slices of them).
    static func forEachCounter(
        in buffer: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer, Int) throws(PayloadDecodingError) -> Void
    ) throws(PayloadDecodingError) {
        var reader = PayloadReader(buffer)
        for _ in 0..<(try reader.readCount()) { try body(try reader.readTextBytes(), try reader.readInt()) }
        guard reader.isAtEnd else { throw PayloadDecodingError("bytes left after a counters value") }
    }

    static func number(_ value: Int) -> [UInt8] {
        var writer = PayloadWriter()
        writer.write(value)
        return writer.bytes
    }

    static func number(_ bytes: [UInt8]) throws(PayloadDecodingError) -> Int {
        try read(bytes) { (reader) throws(PayloadDecodingError) in try reader.readInt() }
    }

    static func minutes(_ values: [Double]) -> [UInt8] {
        var writer = PayloadWriter()
        writer.writeCount(values.count)
        for value in values { writer.write(value) }
        return writer.bytes
    }

    static func minutes(_ bytes: [UInt8]) throws(PayloadDecodingError) -> [Double] {
        try read(bytes) { (reader) throws(PayloadDecodingError) in
            try reader.readArray { (reader: inout PayloadReader) throws(PayloadDecodingError) in try reader.readDouble() }
        }
    }

    /// A case's stays with its region.
    static func stays(region: String?, _ stays: [CaseContribution.Stay]) -> [UInt8] {
        CaseContribution(region: region, counts: [], admissions: [], pickupDelay: nil, stays: stays).binary
    }

    static func stays(_ bytes: [UInt8]) throws(PayloadDecodingError) -> (region: String?, stays: [CaseContribution.Stay]) {
        let contribution = try CaseContribution(binary: bytes)
        return (contribution.region, contribution.stays)
    }

    /// Person-id pairs (a component's links).
    static func pairs(_ pairs: [PersonLinks.Pair]) -> [UInt8] {
        var writer = PayloadWriter()
        writer.writeCount(pairs.count)
        for pair in pairs {
            writer.write(pair.first)
            writer.write(pair.second)
        }
        return writer.bytes
    }

    static func pairs(_ bytes: [UInt8]) throws(PayloadDecodingError) -> [PersonLinks.Pair] {
        try read(bytes) { (reader) throws(PayloadDecodingError) in
            try reader.readArray { (reader: inout PayloadReader) throws(PayloadDecodingError) in
                guard let pair = PersonLinks.Pair(try reader.readString(), try reader.readString()) else {
                    throw PayloadDecodingError("a person link joins an id to itself")
                }
                return pair
            }
        }
    }

    /// One change of the person links.
    static func linkChange(_ change: PersonLinks.Change) -> [UInt8] {
        var writer = PayloadWriter()
        writer.write(change.linked)
        writer.write(change.pair.first)
        writer.write(change.pair.second)
        writer.write(change.note)
        writer.write(change.occurredAt)
        writer.write(Int(change.position))
        return writer.bytes
    }

    static func linkChange(_ bytes: [UInt8]) throws(PayloadDecodingError) -> PersonLinks.Change {
        try read(bytes) { (reader) throws(PayloadDecodingError) in
            let linked = try reader.readBool()
            guard let pair = PersonLinks.Pair(try reader.readString(), try reader.readString()) else {
                throw PayloadDecodingError("a person link joins an id to itself")
            }
            return PersonLinks.Change(
                linked: linked, pair: pair, note: try reader.readString(),
                occurredAt: try reader.readTimestamp(), position: UInt64(try reader.readInt())
            )
        }
    }

    private static func read<T>(_ bytes: [UInt8], _ body: (inout PayloadReader) throws(PayloadDecodingError) -> T) throws(PayloadDecodingError) -> T {
        let result: Result<T, PayloadDecodingError> = bytes.withUnsafeBytes { buffer in
            var reader = PayloadReader(buffer)
            do throws(PayloadDecodingError) {
                let value = try body(&reader)
                guard reader.isAtEnd else { throw PayloadDecodingError("bytes left after a bucket value") }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}
