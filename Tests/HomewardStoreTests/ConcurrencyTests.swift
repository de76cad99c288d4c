import Foundation
import HomewardStore
import HomewardTesting
import Synchronization
import Testing

struct ConcurrencyTests {
    @Test func sixtyFourConcurrentAppendersLoseNothing() async throws {
        try await withTemporaryEventStore { (store: EventStore) async throws in
            let appenders = 64
            let perAppender = 20
            try await withThrowingTaskGroup(of: [UUID].self) { group in
                for appender in 0..<appenders {
                    group.addTask {
                        var ids: [UUID] = []
                        for index in 0..<perAppender {
                            // 8 shared streams, each append checked against the version just read.
                            let stream = try StreamID(validating: "case-\((appender + index) % 8)")
                            let event = NewEvent.sample(index: appender * 1000 + index)
                            while true {
                                let version = try store.version(of: stream) ?? 0
                                do {
                                    try await store.append([event], to: stream, expectedVersion: .exact(version))
                                    break
                                } catch EventStoreError.Code.wrongExpectedVersion {
                                    continue  // another appender got there first: read and retry
                                }
                            }
                            ids.append(event.eventId)
                        }
                        return ids
                    }
                }
                var acknowledged = Set<UUID>()
                for try await ids in group { acknowledged.formUnion(ids) }
                let stored = try store.events(from: 1, limit: 10_000)
                #expect(stored.count == appenders * perAppender)
                #expect(stored.map(\.position) == Array(1...UInt64(appenders * perAppender)))
                #expect(Set(stored.map(\.eventId)) == acknowledged)
                for number in 0..<8 {
                    let versions = try store.events(in: StreamID(validating: "case-\(number)")).map(\.version)
                    #expect(versions == Array(1...UInt64(versions.count)))
                }
            }
            #expect(try store.verify().isSound)
        }
    }

    @Test func readersSeeConsistentPrefixesWhileATaskWrites() async throws {
        try await withTemporaryEventStore { (store: EventStore) async throws in
            let writer = Task {
                for batch in 0..<200 {
                    try await store.append((0..<5).map { NewEvent.sample(index: batch * 5 + $0) }, to: StreamID(validating: "case-\(batch % 3)"))
                }
            }
            var reads = 0
            for _ in 0..<100_000 {
                let head = try store.head()
                let events = try store.events(from: 1, limit: Int(head.position))
                #expect(events.count == Int(head.position))
                #expect(events.map(\.position) == Array(1...max(1, head.position)).prefix(events.count).map { $0 })
                // Batches of five are atomic: a reader never sees part of one.
                #expect(events.count % 5 == 0)
                reads += 1
                if head.position == 1000 { break }
                try await Task.sleep(for: .milliseconds(1))
            }
            try await writer.value
            #expect(reads > 1)
            #expect(try store.head().position == 1000)
        }
    }
}
