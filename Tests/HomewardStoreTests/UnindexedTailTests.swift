import Foundation
import HomewardLMDB
@testable import HomewardStore
import HomewardTesting
import Testing

/// Small appends committed on their own leave their events out of the indexes (a commit then
/// writes only the log's pages), up to a limit; every read still sees them.
@Suite(.serialized)
struct UnindexedTailTests {
    func unindexedFrom(_ store: EventStore) throws -> UInt64? {
        try store.read("test") { try store.storage.unindexedMark(in: $0).first }
    }

    func indexedIds(_ store: EventStore) throws -> Int {
        try store.read("test") { try $0.count(store.storage.eventIds) }
    }

    @Test func singleAppendsStayUnindexedAndEveryReadSeesThem() throws {
        let clock = ManualClock(Timestamp(rfc3339: "2026-12-01T08:00:00Z")!)
        var options = EventStore.Options()
        options.clock = { clock.now }
        try withTemporaryEventStore(options: options) { store in
            let streams = try ["case-a", "case-b", "case-c"].map { try StreamID(validating: $0) }
            var appended: [(stream: StreamID, event: NewEvent, position: UInt64)] = []
            for index in 0..<12 {
                clock.advance(seconds: 1)
                let event = NewEvent.sample(index: index)
                let result = try store.append([event], to: streams[index % 3])
                appended.append((streams[index % 3], event, result.lastPosition))
            }
            #expect(try unindexedFrom(store) == 1, "the first single append marks where the unindexed records start")
            #expect(try indexedIds(store) == 0, "no index entry was written")

            for stream in streams {
                let expected = appended.filter { $0.stream == stream }
                #expect(try store.events(in: stream).map(\.eventId) == expected.map(\.event.eventId))
                #expect(try store.events(in: stream, fromVersion: 3).map(\.version) == [3, 4])
                #expect(try store.version(of: stream) == 4)
            }
            for entry in appended {
                #expect(try store.event(withId: entry.event.eventId)?.position == entry.position)
            }
            // The recorded-time cut falls among the unindexed records.
            #expect(try store.lastPosition(recordedAtOrBefore: Timestamp(rfc3339: "2026-12-01T08:00:05Z")!) == 5)
            #expect(try store.lastPosition(recordedAtOrBefore: Timestamp(rfc3339: "2026-12-01T07:00:00Z")!) == 0)

            // A retry returns the original positions; a wrong expected version sees the last one.
            let retry = try store.append([appended[4].event], to: appended[4].stream)
            #expect(retry.wasAlreadyStored && retry.positions == [appended[4].position])
            #expect(throws: EventStoreError.self) { try store.append([.sample()], to: streams[0], expectedVersion: .exact(3)) }
            do {
                try store.append([.sample()], to: streams[0], expectedVersion: .exact(3))
            } catch let error as EventStoreError {
                #expect(error.code == .wrongExpectedVersion && error.actualVersion == 4)
            }
            // An id already among the unindexed records, in another stream: refused.
            #expect(throws: EventStoreError.self) { try store.append([appended[0].event], to: streams[1]) }
            #expect(try store.verify().isSound)
        }
    }

    @Test func theRecordsAreIndexedBeforeTheLimitIsPassedAndByLargerAppends() throws {
        try withTemporaryEventStore { store in
            let stream = try StreamID(validating: "case-1")
            for index in 0..<StorageLayout.unindexedLimitAlone {
                try store.append([.sample(index: index)], to: stream)
            }
            #expect(try unindexedFrom(store) == 1)
            #expect(try indexedIds(store) == 0)
            #expect(try store.verify().isSound)

            // One more would pass the limit: this append indexes them all, and itself.
            try store.append([.sample(index: 64)], to: stream)
            #expect(try unindexedFrom(store) == nil)
            #expect(try indexedIds(store) == 65)

            try store.append([.sample(index: 65), .sample(index: 66)], to: stream)
            #expect(try unindexedFrom(store) == 66, "a small batch stays unindexed too")
            try store.append((67..<167).map { NewEvent.sample(index: $0) }, to: stream)
            #expect(try unindexedFrom(store) == nil, "a batch larger than the limit is indexed with the records before it")
            #expect(try indexedIds(store) == 167)
            #expect(try store.events(in: stream).map(\.version) == Array(1...167))
            #expect(try store.verify().isSound)
        }
    }

    @Test func theRecordsCanBeIndexedOnRequest() throws {
        try withTemporaryEventStore { store in
            let stream = try StreamID(validating: "case-1")
            for index in 0..<5 { try store.append([.sample(index: index)], to: stream) }
            #expect(try unindexedFrom(store) == 1)
            try store.indexUnindexedRecords()
            #expect(try unindexedFrom(store) == nil)
            #expect(try indexedIds(store) == 5)
            try store.indexUnindexedRecords()  // nothing left: changes nothing
            #expect(try store.events(in: stream).map(\.version) == [1, 2, 3, 4, 5])
            #expect(try store.verify().isSound)
        }
    }

    @Test func anAppendToManyStreamsIndexesTheRecordsFirst() throws {
        try withTemporaryEventStore { store in
            let first = try StreamID(validating: "case-1")
            let second = try StreamID(validating: "case-2")
            try store.append([.sample(index: 0)], to: first)
            try store.append([.sample(index: 1)], to: second)
            #expect(try unindexedFrom(store) == 1)
            let results = try store.append([
                StreamAppend(stream: first, events: [.sample(index: 2)], expectedVersion: .exact(1)),
                StreamAppend(stream: second, events: [.sample(index: 3)], expectedVersion: .exact(1)),
            ])
            #expect(results.map(\.streamVersion) == [2, 2])
            #expect(try unindexedFrom(store) == nil)
            #expect(try indexedIds(store) == 4)
            #expect(try store.verify().isSound)
        }
    }

    @Test func anAsyncAppendAloneStaysUnindexed() async throws {
        try await withTemporaryEventStore { store in
            let stream = try StreamID(validating: "case-1")
            for index in 0..<3 {
                try await store.append([NewEvent.sample(index: index)], to: stream)
            }
            #expect(try unindexedFrom(store) == 1)
            #expect(try store.events(in: stream).map(\.version) == [1, 2, 3])
            #expect(try store.verify().isSound)
        }
    }

    /// The appends of a group commit may leave up to 448 records unindexed; a lone append that
    /// finds more than 64 indexes them.
    @Test func groupCommitsLeaveMoreUnindexedAndEveryReadStillSeesThem() async throws {
        try await withTemporaryEventStore { store in
            let streams = try (0..<16).map { try StreamID(validating: "case-\($0)") }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<16 {
                    group.addTask {
                        for index in 0..<25 { try await store.append([NewEvent.sample(index: task * 100 + index)], to: streams[task]) }
                    }
                }
                try await group.waitForAll()
            }
            let head = try store.head().position
            #expect(head == 400)
            let unindexed = try unindexedFrom(store).map { Int(head - $0 + 1) } ?? 0
            #expect(unindexed <= StorageLayout.unindexedLimitInGroup)
            #expect(try indexedIds(store) + unindexed == 400, "every record is either indexed or after the mark")
            for stream in streams {
                #expect(try store.events(in: stream).map(\.version) == Array(1...25))
                #expect(try store.version(of: stream) == 25)
            }
            #expect(try store.verify().isSound)

            try await store.append([NewEvent.sample()], to: streams[0])
            if unindexed >= StorageLayout.unindexedLimitAlone {
                #expect(try unindexedFrom(store) == nil, "more than a lone append may leave: indexed")
            }
            #expect(try store.events(in: streams[0]).count == 26)
            #expect(try store.verify().isSound)
        }
    }

    /// The group-commit writer keeps its table of unindexed records from one transaction to the
    /// next; another writer of the same environment (a second store value here, another process
    /// in production) appends, leaves records unindexed and indexes them in between.
    @Test func aWriterKeepsItsTableWhileAnotherWriterAppendsInBetween() async throws {
        let directory = try TemporaryDirectory(prefix: "homeward-two-writers")
        let first = try EventStore(path: directory.appending("store"))
        let second = try EventStore(path: directory.appending("store"))
        let streams = try (0..<8).map { try StreamID(validating: "case-\($0)") }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (number, store) in [first, second].enumerated() {
                for task in 0..<8 {
                    group.addTask {
                        for index in 0..<30 {
                            let event = NewEvent.sample(index: number * 10_000 + task * 100 + index)
                            if index % 10 == 9 {
                                // Now and then a batch larger than any limit, appended synchronously
                                // (by another transaction than the writer's): it indexes everything.
                                let batch = [event] + (1...70).map { NewEvent.sample(index: number * 10_000 + task * 100 + index + $0 * 1_000_000) }
                                let appendNow = { try store.append(batch, to: streams[task]) }
                                _ = try appendNow()
                            } else {
                                try await store.append([event], to: streams[task])
                            }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        for stream in streams {
            let versions = try first.events(in: stream).map(\.version)
            #expect(versions == Array(1...UInt64(versions.count)), "versions of \(stream) are gapless")
            #expect(try second.version(of: stream) == UInt64(versions.count))
        }
        #expect(try first.head().position == 2 * 8 * (27 + 3 * 71))
        #expect(try first.verify().isSound)
    }

    @Test func verifyFindsAnIndexEntryOfAnUnindexedRecordAndAMarkPastTheEnd() throws {
        try withTemporaryEventStore { store in
            let stream = try StreamID(validating: "case-1")
            let events = (0..<3).map { NewEvent.sample(index: $0) }
            for event in events { try store.append([event], to: stream) }
            try store.storage.environment.write { transaction in
                var position = UInt64(2).bigEndian
                try withUnsafeBytes(of: events[1].eventId.uuid) { id in
                    try withUnsafeBytes(of: &position) { try transaction.put(store.storage.eventIds, key: id, value: $0) }
                }
            }
            let report = try store.verify()
            #expect(report.problemCounts[.eventIdIndex] != nil)
            #expect(report.problems.contains { $0.position == 2 && $0.message.contains("not indexed yet") }, "\(report.problems)")
        }
        try withTemporaryEventStore { store in
            try store.append([.sample()], to: StreamID(validating: "case-1"))
            try store.storage.environment.write { transaction in
                try transaction.put(store.storage.meta, key: StorageLayout.unindexedFromKey, value: BigEndian.bytes(9))
            }
            let report = try store.verify()
            #expect(report.problems.contains { $0.kind == .storeMeta && $0.message.contains("marked unindexed") }, "\(report.problems)")
        }
    }

    @Test func aFormatOneStoreIsMarkedFormatTwoWhenOpenedForWriting() throws {
        let directory = try TemporaryDirectory(prefix: "homeward-format-one")
        let path = directory.appending("store")
        do {
            let store = try EventStore(path: path)
            try store.storage.environment.write { transaction in
                try transaction.put(store.storage.meta, key: StorageLayout.formatKey, value: withUnsafeBytes(of: UInt32(1).littleEndian) { Array($0) })
            }
        }
        let store = try EventStore(path: path)
        let format = try store.read("test") { try $0.get(store.storage.meta, key: StorageLayout.formatKey) }
        #expect(format == withUnsafeBytes(of: UInt32(2).littleEndian) { Array($0) })
        #expect(try store.verify().isSound)
    }
}
