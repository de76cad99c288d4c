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

    /// Several records within one second, and seconds before 1970: the cut is exact to the
    /// microsecond.
    @Test(arguments: ["2026-01-05T09:00:00.000000Z", "1969-12-31T23:59:58.400000Z"])
    func theCutIsExactWithinASecond(start: String) throws {
        let base = Timestamp(rfc3339: start)!
        let offsets: [Int64] = [0, 150_000, 150_000, 600_000, 999_999, 1_000_000, 1_300_000]
        let clock = ManualClock(base)
        var options = EventStore.Options()
        options.clock = { clock.now }
        try withTemporaryEventStore(options: options) { store in
            for (index, offset) in offsets.enumerated() {
                clock.set(Timestamp(microsecondsSinceEpoch: base.microsecondsSinceEpoch + offset))
                try store.append([.sample(index: index)], to: "case-1")
            }
            for probe in [-1, 0, 149_999, 150_000, 150_001, 599_999, 600_000, 999_999, 1_000_000, 1_299_999, 1_300_000, 5_000_000] as [Int64] {
                let expected = UInt64(offsets.filter { $0 <= probe }.count)
                let cut = try store.lastPosition(recordedAtOrBefore: Timestamp(microsecondsSinceEpoch: base.microsecondsSinceEpoch + probe))
                #expect(cut == expected, "at +\(probe) µs")
            }
            #expect(try store.verify().isSound)
        }
    }
}
