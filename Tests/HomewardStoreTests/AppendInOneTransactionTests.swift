import Foundation
import HomewardStore
import HomewardTesting
import Testing

/// A long append takes its batches one at a time inside one write transaction: all of them are
/// stored, in order, or none.
struct AppendInOneTransactionTests {
    private struct StopImport: Error, Equatable {}

    /// Batch `number` of three: parts for two streams, two events each.
    private static func batch(_ number: Int) -> [StreamAppend] {
        (0..<2).map { part in
            StreamAppend(
                stream: try! StreamID(validating: "case-\(part)"),
                events: (0..<2).map { NewEvent.sample(index: number * 10 + part * 2 + $0) }
            )
        }
    }

    @Test func everyBatchIsStoredInOrderAndReportedAsItIsWritten() throws {
        try withTemporaryEventStore { (store: EventStore) throws in
            var next = 0
            var reported: [Int] = []
            let results = try store.appendInOneTransaction(
                expectedBytes: 1 << 20,
                nextBatch: {
                    guard next < 3 else { return nil }
                    next += 1
                    return Self.batch(next)
                },
                appended: { results in reported.append(results.reduce(0) { $0 + $1.positions.count }) }
            )
            #expect(reported == [4, 4, 4])
            #expect(results.flatMap { $0.flatMap { Array($0.positions) } } == Array(1...12))
            let stored = try store.events(from: 1, limit: .max)
            #expect(stored.count == 12)
            #expect(try store.events(in: "case-0").map(\.version) == Array(1...6))
            #expect(try store.verify().isSound)
        }
    }

    @Test func whatTheCallerThrowsAbortsEveryBatchAndComesBackAsItIs() throws {
        try withTemporaryEventStore { (store: EventStore) throws in
            var next = 0
            #expect(throws: StopImport()) {
                try store.appendInOneTransaction(expectedBytes: 1 << 20, nextBatch: {
                    next += 1
                    if next == 3 { throw StopImport() }
                    return Self.batch(next)
                })
            }
            #expect(next == 3, "two batches were written before the caller stopped")
            #expect(try store.head().position == 0)
            // The writer is free again: a plain append goes through.
            try store.append([NewEvent.sample(index: 99)], to: "case-9")
            #expect(try store.head().position == 1)
        }
    }

    @Test func aPartWhoseExpectedVersionFailsAbortsTheWholeAppendNamingItsBatch() throws {
        try withTemporaryEventStore { (store: EventStore) throws in
            var next = 0
            let error = #expect(throws: EventStoreError.self) {
                try store.appendInOneTransaction(expectedBytes: 1 << 20, nextBatch: {
                    next += 1
                    if next == 2 { return [StreamAppend(stream: "case-0", events: [NewEvent.sample(index: 50)], expectedVersion: .exact(7))] }
                    return next > 3 ? nil : Self.batch(next)
                })
            }
            #expect(error?.code == .wrongExpectedVersion)
            #expect((error?.message ?? "").range(of: "batch 2") != nil, "\(error?.message ?? "")")
            #expect(try store.head().position == 0)
        }
    }

    /// A stream's version carries from batch to batch (kept by the transaction, not looked up
    /// again): exact expected versions that hold pass, in later batches too, also for a stream
    /// stored before the append began, and one that does not hold fails.
    @Test func expectedVersionsHoldAcrossBatchesForOldAndNewStreams() throws {
        try withTemporaryEventStore { (store: EventStore) throws in
            try store.append([NewEvent.sample(index: 1), NewEvent.sample(index: 2)], to: "case-old")
            let script: [[StreamAppend]] = [
                [StreamAppend(stream: "case-new", events: [NewEvent.sample(index: 10)], expectedVersion: .exact(0))],
                [StreamAppend(stream: "case-old", events: [NewEvent.sample(index: 11)], expectedVersion: .exact(2)),
                 StreamAppend(stream: "case-new", events: [NewEvent.sample(index: 12), NewEvent.sample(index: 13)], expectedVersion: .exact(1))],
                [StreamAppend(stream: "case-new", events: [NewEvent.sample(index: 14)], expectedVersion: .exact(3)),
                 StreamAppend(stream: "case-old", events: [NewEvent.sample(index: 15)], expectedVersion: .exact(3))],
            ]
            var next = 0
            try store.appendInOneTransaction(expectedBytes: 1 << 20, nextBatch: {
                defer { next += 1 }
                return next < script.count ? script[next] : nil
            })
            #expect(try store.events(in: "case-old").map(\.version) == [1, 2, 3, 4])
            #expect(try store.events(in: "case-new").map(\.version) == [1, 2, 3, 4])
            #expect(try store.verify().isSound)
            next = 0
            let error = #expect(throws: EventStoreError.self) {
                try store.appendInOneTransaction(expectedBytes: 1 << 20, nextBatch: {
                    defer { next += 1 }
                    switch next {
                    case 0: return [StreamAppend(stream: "case-new", events: [NewEvent.sample(index: 20)], expectedVersion: .exact(4))]
                    case 1: return [StreamAppend(stream: "case-new", events: [NewEvent.sample(index: 21)], expectedVersion: .exact(4))]
                    default: return nil
                    }
                })
            }
            #expect(error?.code == .wrongExpectedVersion)
            #expect(try store.head().position == 8)
        }
    }

    @Test func theMapIsGrownBeforehandForTheBytesExpected() throws {
        try withTemporaryEventStore { (store: EventStore) throws in
            let before = store.mapUsage().mapSize
            try store.appendInOneTransaction(expectedBytes: before * 3, nextBatch: { nil })
            #expect(store.mapUsage().mapSize >= before * 3)
            #expect(try store.head().position == 0)
        }
    }
}
