import HomewardStore

/// Binary values of the statistics buckets.
enum BucketCoding {
    static func counters(_ counters: [String: Int]) -> [UInt8] {
        var writer = PayloadWriter()
        writer.writeCount(counters.count)
        for key in counters.keys.sorted() {
            writer.write(key)
            writer.write(counters[key]!)
        }
        return writer.bytes
    }

    static func counters(_ bytes: [UInt8]) throws(PayloadDecodingError) -> [String: Int] {
        try read(bytes) { (reader) throws(PayloadDecodingError) in
            var counters: [String: Int] = [:]
            for _ in 0..<(try reader.readCount()) { counters[try reader.readString()] = try reader.readInt() }
            return counters
        }
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
