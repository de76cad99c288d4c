import Foundation
import HomewardStore
import HomewardTesting
import Testing

struct AppendTests {
    @Test func positionsAndVersionsAreGaplessAcrossStreams() throws {
        try withTemporaryEventStore { store in
            let first = try store.append([.sample(index: 1), .sample(index: 2)], to: "case-a")
            let second = try store.append([.sample(index: 3)], to: "case-b")
            let third = try store.append([.sample(index: 4)], to: "case-a")
            #expect(first.positions == [1, 2])
            #expect(second.positions == [3])
            #expect(third.positions == [4])
            #expect(third.streamVersion == 3)
            let events = try store.events(in: "case-a")
            #expect(events.map(\.version) == [1, 2, 3])
            #expect(events.map(\.position) == [1, 2, 4])
        }
    }

    /// One transaction that comes back to a stream sees the versions its earlier parts gave it,
    /// and a part that then expects the wrong version undoes the whole transaction.
    @Test func partsOfOneAppendThatReturnToAStreamSeeItsNewVersion() throws {
        try withTemporaryEventStore { store in
            try store.append([.sample(index: 0)], to: "case-a")
            let results = try store.append([
                StreamAppend(stream: "case-a", events: [.sample(index: 1), .sample(index: 2)], expectedVersion: .exact(1)),
                StreamAppend(stream: "case-b", events: [.sample(index: 3)], expectedVersion: .noStream),
                StreamAppend(stream: "case-a", events: [.sample(index: 4)], expectedVersion: .exact(3)),
                StreamAppend(stream: "case-b", events: [.sample(index: 5)], expectedVersion: .exact(1)),
            ])
            #expect(results.map(\.streamVersion) == [3, 1, 4, 2])
            #expect(results.map(\.positions) == [[2, 3], [4], [5], [6]])
            #expect(try store.events(in: "case-a").map(\.version) == [1, 2, 3, 4])
            let error = #expect(throws: EventStoreError.self) {
                try store.append([
                    StreamAppend(stream: "case-a", events: [.sample(index: 6)], expectedVersion: .exact(4)),
                    StreamAppend(stream: "case-a", events: [.sample(index: 7)], expectedVersion: .exact(4)),
                ])
            }
            #expect(error?.code == .wrongExpectedVersion)
            #expect(error?.actualVersion == 5, "the first part had made it 5")
            #expect(try store.head().position == 6, "nothing of the failed transaction is stored")
            #expect(try store.version(of: "case-a") == 4)
        }
    }

    /// An append refused for its ids leaves no trace of the stream it would have created: the
    /// stream still does not exist, and an append expecting no stream succeeds.
    @Test func aRefusedAppendToANewStreamLeavesNoStreamBehind() throws {
        try withTemporaryEventStore { store in
            let stored = NewEvent.sample(index: 0)
            try store.append([stored], to: "case-a")
            let error = #expect(throws: EventStoreError.self) { try store.append([stored], to: "case-new") }
            #expect(error?.code == .idempotencyConflict)
            #expect(try store.version(of: "case-new") == nil)
            let created = try store.append([.sample(index: 1)], to: "case-new", expectedVersion: .noStream)
            #expect(created.streamVersion == 1)
        }
    }

    @Test func aBatchIsStoredWholeOrNotAtAll() throws {
        try withTemporaryEventStore { store in
            try store.append([.sample(index: 0)], to: "case-1")
            let tooLarge = NewEvent(type: "Big", actor: .testOfficer, payload: Payload(codec: .opaque, bytes: [UInt8](repeating: 1, count: (1 << 20) + 1)))
            let error = #expect(throws: EventStoreError.self) {
                try store.append([.sample(index: 1), .sample(index: 2), tooLarge], to: "case-1")
            }
            #expect(error?.code == .invalidEvent)
            #expect(error?.message.contains("event 3") == true)
            #expect(try store.head().position == 1)
            #expect(try store.version(of: "case-1") == 1)
        }
    }

    @Test func retryingAStoredBatchWritesNothingAndReturnsTheOriginalPositions() throws {
        try withTemporaryEventStore { store in
            let batch = [NewEvent.sample(index: 1), .sample(index: 2), .sample(index: 3)]
            try store.append([.sample(index: 0)], to: "case-other")
            let original = try store.append(batch, to: "case-1", expectedVersion: .noStream)
            let headBefore = try store.head()
            let retry = try store.append(batch, to: "case-1", expectedVersion: .noStream)
            #expect(retry.positions == original.positions)
            #expect(retry.streamVersion == 3)
            #expect(retry.wasAlreadyStored)
            #expect(try store.head() == headBefore)
        }
    }

    @Test func aBatchThatPartlyOverlapsStoredIdsFails() throws {
        try withTemporaryEventStore { store in
            let stored = NewEvent.sample(index: 1)
            try store.append([stored], to: "case-1")
            let error = #expect(throws: EventStoreError.self) {
                try store.append([stored, .sample(index: 2)], to: "case-1")
            }
            #expect(error?.code == .idempotencyConflict)
            let elsewhere = #expect(throws: EventStoreError.self) { try store.append([stored], to: "case-2") }
            #expect(elsewhere?.code == .idempotencyConflict)
            #expect(try store.head().position == 1)
        }
    }

    @Test func anIdRepeatedWithinOneBatchIsRefused() throws {
        try withTemporaryEventStore { store in
            let event = NewEvent.sample(index: 1)
            let error = #expect(throws: EventStoreError.self) { try store.append([event, event], to: "case-1") }
            #expect(error?.code == .invalidEvent)
            #expect(error?.message.contains("repeats eventId") == true)
        }
    }

    @Test func recordedTimeNeverGoesBackwards() throws {
        let clock = ManualClock(Timestamp(rfc3339: "2026-01-10T08:00:00Z")!)
        var options = EventStore.Options()
        options.clock = { clock.now }
        try withTemporaryEventStore(options: options) { store in
            try store.append([.sample(index: 1)], to: "case-1")
            clock.set(Timestamp(rfc3339: "2026-01-09T08:00:00Z")!)  // the system clock jumps back
            try store.append([.sample(index: 2)], to: "case-1")
            let events = try store.events(from: 1)
            #expect(events[1].recordedAt == events[0].recordedAt)

            var imported = NewEvent.sample(index: 3)
            imported.recordedAt = Timestamp(rfc3339: "2026-01-01T00:00:00Z")
            let error = #expect(throws: EventStoreError.self) { try store.append([imported], to: "case-1") }
            #expect(error?.code == .invalidEvent)
            #expect(error?.message.contains("recordedAt") == true)
        }
    }

    @Test func occurredAtMayBeBackDated() throws {
        try withTemporaryEventStore { store in
            let backDated = Timestamp(rfc3339: "2025-12-24T23:10:00+08:00")!
            try store.append([.sample(index: 1, occurredAt: backDated)], to: "case-1")
            let event = try #require(try store.event(at: 1))
            #expect(event.occurredAt == backDated)
            #expect(event.recordedAt > backDated)
        }
    }

    @Test func invalidStreamNamesAreRefused() {
        #expect(throws: EventStoreError.self) { try StreamID(validating: "") }
        #expect(throws: EventStoreError.self) { try StreamID(validating: String(repeating: "c", count: 201)) }
        #expect(throws: EventStoreError.self) { try StreamID(validating: "case-1\n") }
        #expect((try? StreamID(validating: "case-收容-1")) != nil)
    }

    @Test func aReadOnlyStoreRefusesAppends() throws {
        let directory = try TemporaryDirectory()
        do {
            let store = try EventStore(path: directory.appending("store"))
            try store.append([.sample()], to: "case-1")
        }
        var options = EventStore.Options()
        options.readOnly = true
        let reader = try EventStore(path: directory.appending("store"), options: options)
        #expect(try reader.head().position == 1)
        let error = #expect(throws: EventStoreError.self) { try reader.append([.sample()], to: "case-1") }
        #expect(error?.code == .readOnly)
    }
}
