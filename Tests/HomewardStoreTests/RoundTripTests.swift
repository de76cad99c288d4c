import Foundation
import HomewardStore
import HomewardTesting
import Testing

struct RoundTripTests {
    /// `readAll` and `forEachEvent` read pages ahead on other threads: whatever the page size,
    /// from and through positions, and appends made while they run, they give each position
    /// once, in order, up to the end they find.
    @Test func readingAheadGivesEveryPositionOnceInOrder() async throws {
        try await withTemporaryEventStore { (store: EventStore) async throws in
            for batch in 0..<20 { try await store.append((0..<10).map { .sample(index: batch * 10 + $0) }, to: StreamID(validating: "case-\(batch % 3)")) }
            for pageSize in [1, 2, 3, 7, 64, 200, 201, 4096] {
                var positions: [UInt64] = []
                for try await event in store.readAll(pageSize: pageSize) { positions.append(event.position) }
                #expect(positions == Array(1...200), "page size \(pageSize)")
                positions = []
                for try await event in store.readAll(from: 17, through: 150, pageSize: pageSize) { positions.append(event.position) }
                #expect(positions == Array(17...150), "page size \(pageSize), from 17 through 150")
                positions = []
                try store.forEachEvent(from: 17, through: 150, pageSize: pageSize) { positions.append($0.position) }
                #expect(positions == Array(17...150), "forEachEvent, page size \(pageSize)")
                positions = []
                try store.forEachEvent(pageSize: pageSize) { positions.append($0.position) }
                #expect(positions == Array(1...200), "forEachEvent, page size \(pageSize)")
            }
            // Appends while reading: the positions stay gapless and in order, each once.
            var positions: [UInt64] = []
            var appended = 0
            for try await event in store.readAll(pageSize: 5) {
                positions.append(event.position)
                if appended < 30, event.position % 9 == 0 {
                    try await store.append([.sample(index: 1000 + appended)], to: "case-9")
                    appended += 1
                }
            }
            #expect(positions == Array(1...UInt64(positions.count)))
            #expect(positions.count >= 200)
            #expect(try store.head().position == 200 + UInt64(appended))
        }
    }

    /// Values derived on the read-ahead threads come with their own events, in order, whatever
    /// the page size; a derivation that throws stops the replay at that event.
    @Test func derivedValuesComeWithTheirEventsInOrder() throws {
        struct Refused: Error, Equatable { var position: UInt64 }
        try withTemporaryEventStore { store in
            for batch in 0..<10 { try store.append((0..<10).map { .sample(index: batch * 10 + $0) }, to: StreamID(validating: "case-\(batch % 4)")) }
            for pageSize in [1, 3, 64, 4096] {
                var pairs: [(UInt64, UInt64)] = []
                try store.forEachEvent(from: 5, through: 95, pageSize: pageSize, deriving: { $0.position * 10 + $0.version }) { event, derived in
                    pairs.append((event.position, derived))
                }
                #expect(pairs.map(\.0) == Array(5...95), "page size \(pageSize)")
                let expected = try (5...95).map { position in try #require(try store.event(at: position)).version + position * 10 }
                #expect(pairs.map(\.1) == expected, "page size \(pageSize)")
                var delivered: [UInt64] = []
                let error = #expect(throws: Refused.self) {
                    try store.forEachEvent(pageSize: pageSize, deriving: { event in
                        if event.position == 42 { throw Refused(position: 42) }
                        return event.position
                    }) { _, position in delivered.append(position) }
                }
                #expect(error == Refused(position: 42))
                #expect(delivered == Array(1...41), "page size \(pageSize)")
            }
        }
    }

    @Test func tenThousandEventsComeBackWithEveryFieldIntact() async throws {
        try await withTemporaryEventStore { (store: EventStore) async throws in
            var written: [(stream: StreamID, event: NewEvent)] = []
            let base = Timestamp(rfc3339: "2026-01-01T00:00:00.123456Z")!
            for batch in 0..<100 {
                let stream = try StreamID(validating: "case-\(batch % 17)")
                var events: [NewEvent] = []
                for index in 0..<100 {
                    let number = batch * 100 + index
                    events.append(NewEvent(
                        type: ["ReportReceived", "PickedUp", "Admitted", "TracingNoticePublished"][number % 4],
                        schemaVersion: UInt32(1 + number % 3),
                        eventId: number % 2 == 0 ? UUID() : UUID.timeOrdered(),
                        occurredAt: base.adding(seconds: Int64(number * 37 - 50_000)),
                        recordedAt: base.adding(seconds: Int64(number)),
                        actor: EventActor(id: "worker-\(number % 11)", role: ["outreach", "station", "tracer"][number % 3], org: "站-\(number % 5)"),
                        correlationId: number % 5 == 0 ? nil : "corr-\(number / 10)",
                        causationId: number % 7 == 0 ? nil : "cause-\(number - 1)",
                        payload: Payload(
                            codec: number % 2 == 0 ? .json : .binary,
                            bytes: (0..<(number % 300)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ number) }
                        )
                    ))
                }
                try await store.append(events, to: stream)
                written += events.map { (stream, $0) }
            }
            var read: [RecordedEvent] = []
            for try await event in store.readAll(pageSize: 777) { read.append(event) }
            #expect(read.count == 10_000)
            var versions: [StreamID: UInt64] = [:]
            for (index, (stream, event)) in written.enumerated() {
                let stored = read[index]
                versions[stream, default: 0] += 1
                #expect(stored.position == UInt64(index + 1))
                #expect(stored.stream == stream)
                #expect(stored.version == versions[stream])
                #expect(stored.type == event.type)
                #expect(stored.schemaVersion == event.schemaVersion)
                #expect(stored.eventId == event.eventId)
                #expect(stored.occurredAt == event.occurredAt)
                #expect(stored.recordedAt == event.recordedAt)
                #expect(stored.actor == event.actor)
                #expect(stored.correlationId == event.correlationId)
                #expect(stored.causationId == event.causationId)
                #expect(stored.payload == event.payload)
                #expect(stored.payloadCodec == event.payload.codec)
                #expect(stored.withPayloadBytes { Array($0) } == event.payload.withUnsafeBytes { Array($0) })
                #expect(stored.hash != .zero)
            }
            let syncRead = try store.events(from: 1, limit: 20_000)
            #expect(syncRead == read)
            var streamRead: [RecordedEvent] = []
            for try await event in store.readStream("case-3", from: 50, pageSize: 64) { streamRead.append(event) }
            #expect(streamRead == read.filter { $0.stream == "case-3" && $0.version >= 50 })
            #expect(try store.event(withId: written[4321].event.eventId) == read[4321])
            #expect(try store.verify().isSound)
        }
    }

    @Test func headIsTheLastRecordsPositionAndHash() throws {
        try withTemporaryEventStore { store in
            #expect(try store.head().position == 0)
            #expect(try store.head().hash == .zero)
            try store.append([.sample(index: 1), .sample(index: 2)], to: "case-1")
            let head = try store.head()
            let last = try #require(try store.event(at: 2))
            #expect(head.position == 2)
            #expect(head.hash == last.hash)
            #expect(head.recordedAt == last.recordedAt)
            #expect(try store.event(at: 1)?.hash != last.hash)
        }
    }
}
