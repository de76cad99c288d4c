import HomewardLMDB

/// Turns stored log values into ``RecordedEvent``s: one copy of a page's records into one shared
/// buffer (or a few, for many records), then a check of each record's field lengths. Text fields
/// and payloads are read from that buffer when they are asked for.
enum RecordDecoder {
    /// How many values ahead of the one being copied are prefetched.
    static let prefetchDistance = 8
    /// The largest buffer records are copied into; more records take more buffers. A group of
    /// streams read for a rebuild (tens of megabytes) then reuses buffers that earlier groups
    /// gave back (see ``PageBufferPool``) instead of fresh memory, zeroed page by page.
    static let largestBuffer = 4 << 20

    /// Copies and checks a page of stored values (valid for the read transaction), asking for the
    /// values a few ahead while copying one: for values scattered over the map (a rebuild's
    /// group), and for values in log order too, since the hardware prefetcher stops at the end of
    /// each 4 KB page of the map (`forEachEvent` over a million seeded events: about 9 → 12
    /// million /s).
    /// - Parameter values: The values, each with the position it was read at.
    /// - Throws: ``EnvelopeError`` with the position of the first record that is not well formed.
    static func decodePage(_ values: [(position: UInt64, value: UnsafeRawBufferPointer)]) throws(PageDecodingError) -> [RecordedEvent] {
        var copier = PageCopier(values)
        var events: [RecordedEvent] = []
        events.reserveCapacity(values.count)
        for index in values.indices { events.append(try copier.event(index)) }
        return events
    }

    /// Copies and checks stored values as ``decodePage(_:)`` does, into one array per stream:
    /// stream `n` holds the values from `streamStarts[n]` up to the next start (streams without
    /// values are left out). Made directly, each event is handed over once; copied out of one
    /// array of the whole page, every event was retained and released again.
    static func decodePage(
        _ values: [(position: UInt64, value: UnsafeRawBufferPointer)], streamStarts starts: [Int]
    ) throws(PageDecodingError) -> [[RecordedEvent]] {
        var copier = PageCopier(values)
        var streams: [[RecordedEvent]] = []
        streams.reserveCapacity(starts.count)
        for (number, start) in starts.enumerated() {
            let end = number + 1 < starts.count ? starts[number + 1] : values.count
            guard start < end else { continue }
            var events: [RecordedEvent] = []
            events.reserveCapacity(end - start)
            for index in start..<end { events.append(try copier.event(index)) }
            streams.append(events)
        }
        return streams
    }

    /// Copies values one after the other into shared buffers, checking each record.
    private struct PageCopier {
        let values: [(position: UInt64, value: UnsafeRawBufferPointer)]
        var page: SharedBytes
        var offset = 0
        var remaining: Int

        init(_ values: [(position: UInt64, value: UnsafeRawBufferPointer)]) {
            self.values = values
            remaining = values.reduce(0) { $0 + $1.value.count }
            page = SharedBytes(count: min(remaining, RecordDecoder.largestBuffer))
        }

        /// The event of the value at `index` (values are copied in the order asked for).
        mutating func event(_ index: Int) throws(PageDecodingError) -> RecordedEvent {
            let (position, value) = values[index]
            if index + RecordDecoder.prefetchDistance < values.count {
                ConsecutiveKeyPages.prefetch(values[index + RecordDecoder.prefetchDistance].value)
            }
            if offset + value.count > page.bytes.count {
                page = SharedBytes(count: max(min(remaining, RecordDecoder.largestBuffer), value.count))
                offset = 0
            }
            if value.count > 0 {
                (page.bytes.baseAddress! + offset).copyMemory(from: value.baseAddress!, byteCount: value.count)
            }
            let event: RecordedEvent
            do throws(EnvelopeError) {
                let layout = try RecordLayout(UnsafeRawBufferPointer(rebasing: page.bytes[0..<(offset + value.count)]), start: offset)
                event = RecordedEvent(record: page, layout: layout)
                guard event.position == position else {
                    throw EnvelopeError("the record says it is at position \(event.position)")
                }
            } catch {
                throw PageDecodingError(position: position, problem: error)
            }
            offset += value.count
            remaining -= value.count
            return event
        }
    }

    /// Copies and checks one stored value.
    static func decode(_ value: UnsafeRawBufferPointer) throws(EnvelopeError) -> RecordedEvent {
        let record = SharedBytes(count: value.count)
        if value.count > 0 { record.bytes.baseAddress!.copyMemory(from: value.baseAddress!, byteCount: value.count) }
        let layout = try RecordLayout(UnsafeRawBufferPointer(rebasing: record.bytes[0..<value.count]), start: 0)
        return RecordedEvent(record: record, layout: layout)
    }
}

/// A record of a page that is not well formed.
struct PageDecodingError: Error {
    let position: UInt64
    let problem: EnvelopeError
}
