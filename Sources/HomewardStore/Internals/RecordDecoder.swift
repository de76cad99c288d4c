/// Turns stored log values into ``RecordedEvent``s: one copy of a page's records into one shared
/// buffer, then a check of each record's field lengths. Text fields and payloads are read from
/// that buffer when they are asked for.
enum RecordDecoder {
    /// Copies and checks a page of stored values (valid for the read transaction).
    /// - Throws: ``EnvelopeError`` with the position of the first record that is not well formed.
    static func decodePage(_ values: [(position: UInt64, value: UnsafeRawBufferPointer)]) throws(PageDecodingError) -> [RecordedEvent] {
        let total = values.reduce(0) { $0 + $1.value.count }
        let page = SharedBytes(count: total)
        var events: [RecordedEvent] = []
        events.reserveCapacity(values.count)
        var offset = 0
        for (position, value) in values {
            if value.count > 0 {
                (page.bytes.baseAddress! + offset).copyMemory(from: value.baseAddress!, byteCount: value.count)
            }
            do throws(EnvelopeError) {
                let layout = try RecordLayout(UnsafeRawBufferPointer(rebasing: page.bytes[0..<(offset + value.count)]), start: offset)
                let event = RecordedEvent(record: page, layout: layout)
                guard event.position == position else {
                    throw EnvelopeError("the record says it is at position \(event.position)")
                }
                events.append(event)
            } catch {
                throw PageDecodingError(position: position, problem: error)
            }
            offset += value.count
        }
        return events
    }

    /// Copies and checks one stored value.
    static func decode(_ value: UnsafeRawBufferPointer) throws(EnvelopeError) -> RecordedEvent {
        let record = SharedBytes(count: value.count)
        if value.count > 0 { record.bytes.baseAddress!.copyMemory(from: value.baseAddress!, byteCount: value.count) }
        let layout = try RecordLayout(UnsafeRawBufferPointer(rebasing: record.bytes[0..<value.count]), start: 0)
        return RecordedEvent(record: record, layout: layout)
    }
}

/// Copies records one at a time, in any order, into shared buffers of a few megabytes each, and
/// checks each: for records read from scattered places, each copied while its cache lines are
/// still warm from the read.
struct RecordCopier {
    /// The size of each shared buffer (a larger record gets a buffer of its own).
    static let bufferSize = 4 << 20
    private var buffer: SharedBytes?
    private var used = 0

    /// Copies and checks the stored value of the record at `position`.
    /// - Throws: ``PageDecodingError`` when the record is not well formed or is not at `position`.
    mutating func copy(_ value: UnsafeRawBufferPointer, position: UInt64) throws(PageDecodingError) -> RecordedEvent {
        let target: SharedBytes
        if let buffer, used + value.count <= buffer.bytes.count {
            target = buffer
        } else {
            target = SharedBytes(count: max(Self.bufferSize, value.count))
            buffer = target
            used = 0
        }
        if value.count > 0 {
            (target.bytes.baseAddress! + used).copyMemory(from: value.baseAddress!, byteCount: value.count)
        }
        do throws(EnvelopeError) {
            let layout = try RecordLayout(UnsafeRawBufferPointer(rebasing: target.bytes[0..<(used + value.count)]), start: used)
            let event = RecordedEvent(record: target, layout: layout)
            guard event.position == position else {
                throw EnvelopeError("the record says it is at position \(event.position)")
            }
            used += value.count
            return event
        } catch {
            throw PageDecodingError(position: position, problem: error)
        }
    }
}

/// A record of a page that is not well formed.
struct PageDecodingError: Error {
    let position: UInt64
    let problem: EnvelopeError
}
