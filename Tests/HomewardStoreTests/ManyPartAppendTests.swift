import Foundation
import HomewardStore
import HomewardTesting
import Testing

/// An append of many parts (an import) writes each index in key order, not in log order. What it
/// stores must be exactly what the same parts appended one at a time store.
struct ManyPartAppendTests {
    /// 300 parts over 40 streams, with random (not time-ordered) ids and recorded times that
    /// cross seconds, so that the id index, the stream index and the recorded-time index are each
    /// written in an order of their own.
    private static func parts(seed: Int) -> [StreamAppend] {
        var generator = SeededGenerator(seed: UInt64(seed))
        var parts: [StreamAppend] = []
        var micros: Int64 = 1_767_225_600_000_000
        for part in 0..<300 {
            let stream = try! StreamID(validating: "case-\(Int.random(in: 0..<40, using: &generator))")
            let events = (0..<Int.random(in: 1...4, using: &generator)).map { offset -> NewEvent in
                micros += Int64.random(in: 0...700_000, using: &generator)
                let event = NewEvent.sample(index: part * 10 + offset, eventId: UUID())
                return NewEvent(
                    type: event.type, eventId: event.eventId, occurredAt: event.occurredAt,
                    recordedAt: Timestamp(microsecondsSinceEpoch: micros), actor: event.actor,
                    correlationId: "corr-\(part)", payload: event.payload
                )
            }
            parts.append(StreamAppend(stream: stream, events: events))
        }
        return parts
    }

    @Test func manyPartsStoreExactlyWhatTheirPartsOneByOneStore() throws {
        let parts = Self.parts(seed: 7)
        try withTemporaryEventStore { together in
            try withTemporaryEventStore { oneByOne in
                let results = try together.append(parts)
                var expected: [AppendResult] = []
                for part in parts { expected.append(try oneByOne.append(part.events, to: part.stream)) }
                #expect(results == expected)

                let stored = try together.events(from: 1, limit: .max)
                #expect(stored.count == parts.reduce(0) { $0 + $1.events.count })
                #expect(stored == (try oneByOne.events(from: 1, limit: .max)), "same records, versions and chain hashes")
                #expect(try together.head() == (try oneByOne.head()))
                for stream in Set(parts.map(\.stream)) {
                    #expect(try together.events(in: stream) == (try oneByOne.events(in: stream)), "\(stream)")
                }
                for event in stored.shuffled() {
                    #expect(try together.event(withId: event.eventId)?.position == event.position)
                }
                // Cuts by recorded time, at every stored time and just before it.
                for event in stored {
                    let time = event.recordedAt
                    let before = Timestamp(microsecondsSinceEpoch: time.microsecondsSinceEpoch - 1)
                    #expect(try together.lastPosition(recordedAtOrBefore: time) == (try oneByOne.lastPosition(recordedAtOrBefore: time)))
                    #expect(try together.lastPosition(recordedAtOrBefore: before) == (try oneByOne.lastPosition(recordedAtOrBefore: before)))
                }
                #expect(try together.verify().isSound)
            }
        }
    }

    @Test func retryingManyPartsWritesNothingAndAnIdRepeatedAcrossPartsIsRefused() throws {
        let parts = Self.parts(seed: 11)
        try withTemporaryEventStore { store in
            let first = try store.append(parts)
            let retry = try store.append(parts)
            #expect(retry.allSatisfy { $0.wasAlreadyStored })
            #expect(retry.map(\.positions) == first.map(\.positions))
            #expect(try store.head().position == UInt64(parts.reduce(0) { $0 + $1.events.count }))

            let repeated = NewEvent.sample(index: 1, eventId: UUID())
            let error = #expect(throws: EventStoreError.self) {
                try store.append([
                    StreamAppend(stream: "case-x", events: [.sample(index: 0, eventId: UUID())]),
                    StreamAppend(stream: "case-y", events: [repeated]),
                    StreamAppend(stream: "case-z", events: [repeated]),
                ])
            }
            #expect(error?.message.contains("part 3") == true, "\(String(describing: error))")
            #expect(try store.head().position == first.last!.positions.last!, "nothing of the refused append is stored")
            #expect(try store.verify().isSound)
        }
    }
}

/// A small deterministic generator (SplitMix64), so a failing case can be rerun.
private struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
