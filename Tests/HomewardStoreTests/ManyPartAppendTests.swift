import Foundation
import Homeward
@testable import HomewardStore
import HomewardTesting
import Testing

/// An append of many parts (an import) writes each index in key order, not in log order. What it
/// stores must be exactly what the same parts appended one at a time store.
struct ManyPartAppendTests {
    /// Recorded times of events that give none: the same in both stores compared.
    private static let clock: @Sendable () -> Timestamp = { Timestamp(microsecondsSinceEpoch: 1_767_225_600_000_000) }

    private static var options: EventStore.Options {
        var options = EventStore.Options()
        options.clock = clock
        return options
    }

    /// Streams written before the many-part append, in both stores.
    private static let existingStreams: [StreamID] = ["case-0", "case-1", "case-2"]

    /// 300 parts over 40 streams (three of which already exist), with random (not time-ordered)
    /// ids, recorded times that cross seconds (and some left to the clock), and expected versions
    /// that are exact for every third part, so that the id index, the stream index and the
    /// recorded-time index are each written in an order of their own.
    private static func parts(seed: UInt64) -> [StreamAppend] {
        var generator = SeededRandom(seed: seed)
        var versions: [StreamID: UInt64] = Dictionary(uniqueKeysWithValues: existingStreams.map { ($0, 2) })
        var parts: [StreamAppend] = []
        var micros: Int64 = 1_767_225_700_000_000
        for part in 0..<300 {
            let stream = try! StreamID(validating: "case-\(Int.random(in: 0..<40, using: &generator))")
            let events = (0..<Int.random(in: 1...4, using: &generator)).map { offset -> NewEvent in
                micros += Int64.random(in: 0...700_000, using: &generator)
                let bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let id = UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                                     bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
                let event = NewEvent.sample(index: part * 10 + offset, eventId: id)
                let givesTime = part < 250  // the last parts take the clock's time (never before the head)
                return NewEvent(
                    type: event.type, eventId: id, occurredAt: event.occurredAt,
                    recordedAt: givesTime ? Timestamp(microsecondsSinceEpoch: micros) : nil, actor: event.actor,
                    correlationId: "corr-\(part)", payload: event.payload
                )
            }
            let expected: ExpectedVersion = part % 3 == 0 ? versions[stream].map { .exact($0) } ?? .noStream : .any
            versions[stream, default: 0] += UInt64(events.count)
            parts.append(StreamAppend(stream: stream, events: events, expectedVersion: expected))
        }
        return parts
    }

    private static func writeExistingStreams(_ store: EventStore) throws {
        for (index, stream) in existingStreams.enumerated() {
            let events = (0..<2).map { NewEvent.sample(index: 10_000 + index * 2 + $0, eventId: UUID(uuidString: "00000000-0000-4000-8000-00000000000\(index * 2 + $0)")!) }
            try store.append(events.map {
                NewEvent(type: $0.type, eventId: $0.eventId, recordedAt: Timestamp(microsecondsSinceEpoch: 1_767_225_650_000_000),
                         actor: $0.actor, payload: $0.payload)
            }, to: stream)
        }
    }

    private static func requests(_ parts: [StreamAppend]) -> [AppendRequest] {
        parts.map { AppendRequest(stream: $0.stream, events: $0.events, expectedVersion: $0.expectedVersion) }
    }

    @Test func manyPartsStoreExactlyWhatTheirPartsOneByOneStore() throws {
        let parts = Self.parts(seed: 7)
        try withTemporaryEventStore(options: Self.options) { together in
            try withTemporaryEventStore(options: Self.options) { oneByOne in
                try Self.writeExistingStreams(together)
                try Self.writeExistingStreams(oneByOne)
                // Through the key-ordered path itself: it must not fall back for these parts.
                let results = try together.appendInKeyOrder(Self.requests(parts))
                var expected: [AppendResult] = []
                for part in parts { expected.append(try oneByOne.append(part.events, to: part.stream, expectedVersion: part.expectedVersion)) }
                #expect(results == expected)

                let stored = try together.events(from: 1, limit: .max)
                #expect(stored.count == 6 + parts.reduce(0) { $0 + $1.events.count })
                #expect(stored == (try oneByOne.events(from: 1, limit: .max)), "same records, versions and chain hashes")
                #expect(try together.head() == (try oneByOne.head()))
                for stream in Set(parts.map(\.stream) + Self.existingStreams) {
                    #expect(try together.events(in: stream) == (try oneByOne.events(in: stream)), "\(stream)")
                    #expect(try together.version(of: stream) == (try oneByOne.version(of: stream)), "\(stream)")
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

    @Test func retriesPartialRetriesAndRefusedPartsGetTheOneByOneOutcome() throws {
        let parts = Self.parts(seed: 11)
        try withTemporaryEventStore(options: Self.options) { store in
            try Self.writeExistingStreams(store)
            let first = try store.append(Array(parts.prefix(100)))
            #expect(first.allSatisfy { !$0.wasAlreadyStored })
            // All of them again: the first hundred are retries, the rest are appended.
            let all = try store.append(parts)
            #expect(all.prefix(100).allSatisfy { $0.wasAlreadyStored })
            #expect(all.prefix(100).map(\.positions) == first.map(\.positions))
            #expect(all.dropFirst(100).allSatisfy { !$0.wasAlreadyStored })
            #expect(try store.head().position == UInt64(6 + parts.reduce(0) { $0 + $1.events.count }))
            let head = try store.head()

            // A part expecting the wrong version refuses the whole append, naming the part.
            let wrongVersion = #expect(throws: EventStoreError.self) {
                try store.append([
                    StreamAppend(stream: "case-x", events: [.sample(index: 0, eventId: UUID())]),
                    StreamAppend(stream: "case-0", events: [.sample(index: 1, eventId: UUID())], expectedVersion: .exact(1)),
                ])
            }
            #expect(wrongVersion?.code == .wrongExpectedVersion)
            #expect(wrongVersion?.message.contains("part 2") == true, "\(String(describing: wrongVersion))")

            // An id repeated across parts is refused, naming the second part that carries it.
            let repeated = NewEvent.sample(index: 1, eventId: UUID())
            let repeatedId = #expect(throws: EventStoreError.self) {
                try store.append([
                    StreamAppend(stream: "case-x", events: [.sample(index: 0, eventId: UUID())]),
                    StreamAppend(stream: "case-y", events: [repeated]),
                    StreamAppend(stream: "case-z", events: [repeated]),
                ])
            }
            #expect(repeatedId?.message.contains("part 3") == true, "\(String(describing: repeatedId))")
            #expect(try store.head() == head, "nothing of the refused appends is stored")
            #expect(try store.version(of: "case-x") == nil, "no stream is left behind by a refused append")
            #expect(try store.verify().isSound)
        }
    }
}
