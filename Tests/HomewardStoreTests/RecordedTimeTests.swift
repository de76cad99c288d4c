import HomewardStore
import HomewardTesting
import Testing

struct RecordedTimeTests {
    @Test func theCutAtATimeIsTheLastPositionRecordedByThen() throws {
        let t1 = Timestamp(rfc3339: "2026-01-05T09:00:00+08:00")!
        let t2 = t1.adding(seconds: 3600)
        let t3 = t2.adding(seconds: 86_400)
        let clock = ManualClock(t1)
        var options = EventStore.Options()
        options.clock = { clock.now }
        try withTemporaryEventStore(options: options) { store in
            try store.append([.sample(index: 1)], to: "case-1")
            clock.set(t2)
            try store.append([.sample(index: 2), .sample(index: 3)], to: "case-2")
            clock.set(t3)
            try store.append([.sample(index: 4)], to: "case-1")
            #expect(try store.lastPosition(recordedAtOrBefore: t1.adding(seconds: -1)) == 0)
            #expect(try store.lastPosition(recordedAtOrBefore: t1) == 1)
            #expect(try store.lastPosition(recordedAtOrBefore: t2.adding(seconds: -1)) == 1)
            #expect(try store.lastPosition(recordedAtOrBefore: t2) == 3)
            #expect(try store.lastPosition(recordedAtOrBefore: t3.adding(seconds: -1)) == 3)
            #expect(try store.lastPosition(recordedAtOrBefore: t3) == 4)
            #expect(try store.lastPosition(recordedAtOrBefore: t3.adding(seconds: 9_999_999)) == 4)
        }
    }
}
