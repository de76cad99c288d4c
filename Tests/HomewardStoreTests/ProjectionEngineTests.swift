import Foundation
import HomewardStore
import HomewardTesting
import Synchronization
import Testing

/// Counts events by type; `failAt` makes it fail on that position; `tag` changes what it stores.
struct CountingProjection: Projection {
    var name = "counts"
    var version = 1
    var failAt: UInt64?
    var tag = "v1"

    func apply(_ events: [RecordedEvent], in context: ProjectionContext) throws {
        for event in events {
            if event.position == failAt {
                throw ProjectionFailure(position: event.position, type: event.type, cause: "cannot count this one")
            }
            let key = Array("\(tag)/\(event.type)".utf8)
            let count = try context.get(key).map { Int(String(decoding: $0, as: UTF8.self))! } ?? 0
            try context.put(key, Array(String(count + 1).utf8))
        }
    }

    static func read(_ engine: ProjectionEngine, _ key: String) throws -> Int {
        try engine.read("counts") { context in
            try context.get(Array(key.utf8)).map { Int(String(decoding: $0, as: UTF8.self))! } ?? 0
        }
    }
}

@Suite(.serialized)
struct ProjectionEngineTests {
    func fill(_ store: EventStore, _ count: Int, type: String = "Seen") throws {
        for index in 0..<count { try store.append([.sample(type, index: index)], to: StreamID(validating: "case-\(index % 5)")) }
    }

    @Test func catchUpAppliesEveryEventOnceAndFollowsAppends() throws {
        try withTemporaryEventStore { store in
            try fill(store, 250)
            let engine = try ProjectionEngine(store: store, projections: [CountingProjection()], batchSize: 64)
            try engine.catchUp()
            #expect(try CountingProjection.read(engine, "v1/Seen") == 250)
            try engine.catchUp()
            #expect(try CountingProjection.read(engine, "v1/Seen") == 250, "a second catch-up applies nothing twice")
            try fill(store, 10, type: "Other")
            try engine.catchUp()
            #expect(try CountingProjection.read(engine, "v1/Other") == 10)
            let status = try #require(try engine.status().first)
            #expect(status.position == 260)
            #expect(status.lag == 0)
            #expect(status.state == .live)
        }
    }

    @Test func theCheckpointSurvivesReopening() throws {
        let directory = try TemporaryDirectory()
        let path = directory.appending("store")
        do {
            let store = try EventStore(path: path)
            try fill(store, 100)
            try ProjectionEngine(store: store, projections: [CountingProjection()]).catchUp()
        }
        let store = try EventStore(path: path)
        try fill(store, 5, type: "Later")
        let engine = try ProjectionEngine(store: store, projections: [CountingProjection()])
        #expect(try engine.status().first?.position == 100)
        try engine.catchUp()
        #expect(try CountingProjection.read(engine, "v1/Seen") == 100)
        #expect(try CountingProjection.read(engine, "v1/Later") == 5)
    }

    @Test func aFailingProjectionStopsAtTheEventAndSaysWhy() throws {
        try withTemporaryEventStore { store in
            try fill(store, 100)
            let engine = try ProjectionEngine(store: store, projections: [CountingProjection(failAt: 77)], batchSize: 10)
            try engine.catchUp()
            let status = try #require(try engine.status().first)
            #expect(status.state == .failed)
            #expect(status.position == 70, "batches before the failing one are kept; the failing batch is rolled back")
            #expect(status.failure == "position 77 (Seen): cannot count this one")
            #expect(try CountingProjection.read(engine, "v1/Seen") == 70)
            try engine.catchUp()
            #expect(try engine.status().first?.position == 70, "it never skips the event")
            // Fixed code: a rebuild clears the failure.
            let fixed = try ProjectionEngine(store: store, projections: [CountingProjection()], batchSize: 10)
            try fixed.rebuild("counts")
            #expect(try fixed.status().first?.state == .live)
            #expect(try CountingProjection.read(fixed, "v1/Seen") == 100)
        }
    }

    @Test func aNewVersionIsRebuiltInAShadowAndSwappedIn() throws {
        try withTemporaryEventStore { store in
            try fill(store, 120)
            let first = try ProjectionEngine(store: store, projections: [CountingProjection()], batchSize: 25)
            try first.catchUp()
            // Version 2 fails half way through its rebuild: readers still see version 1, whole.
            let broken = try ProjectionEngine(
                store: store, projections: [CountingProjection(version: 2, failAt: 60, tag: "v2")], batchSize: 25, rebuildBatchSize: 25
            )
            try broken.catchUp()
            #expect(try CountingProjection.read(broken, "v1/Seen") == 120)
            #expect(try CountingProjection.read(broken, "v2/Seen") == 0, "the half-built shadow is never read")
            #expect(try broken.status().first?.state == .failed)
            let second = try ProjectionEngine(store: store, projections: [CountingProjection(version: 2, tag: "v2")], batchSize: 25)
            try second.rebuild("counts")
            #expect(try CountingProjection.read(second, "v2/Seen") == 120)
            #expect(try CountingProjection.read(second, "v1/Seen") == 0, "the old copy is emptied after the swap")
            let status = try #require(try second.status().first)
            #expect(status.version == 2)
            #expect(status.state == .live)
            #expect(status.eventsPerSecond > 0)
        }
    }

    @Test func catchUpAndRebuildCommitInTheirOwnBatchSizes() throws {
        try withTemporaryEventStore { store in
            try fill(store, 120)
            let positions = Mutex<[UInt64]>([])
            let engine = try ProjectionEngine(
                store: store, projections: [CountingProjection()], batchSize: 25, rebuildBatchSize: 50,
                progress: { position, _ in positions.withLock { $0.append(position) } }
            )
            try engine.catchUp()
            #expect(positions.withLock { $0 } == [25, 50, 75, 100, 120])
            positions.withLock { $0.removeAll() }
            try engine.rebuild("counts")
            #expect(positions.withLock { $0 } == [50, 100, 120])
            #expect(try CountingProjection.read(engine, "v1/Seen") == 120)
        }
    }

    @Test func anUnknownProjectionNameIsAClearError() throws {
        try withTemporaryEventStore { store in
            let engine = try ProjectionEngine(store: store, projections: [CountingProjection()])
            let error = #expect(throws: EventStoreError.self) { try engine.rebuild("nope") }
            #expect(error?.message.contains("no projection named 'nope'") == true)
        }
    }
}
