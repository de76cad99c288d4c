import Foundation
import HomewardStore
import HomewardTesting
import Synchronization
import Testing

/// Keeps each stream's number of events (`stream/<name>`) and the events of type `Bad` fail it.
struct StreamLengthProjection: Projection {
    var name = "lengths"
    var version = 1

    func apply(_ events: [RecordedEvent], in context: ProjectionContext) throws {
        for event in events {
            if event.hasType("Bad") { throw ProjectionFailure(position: event.position, type: event.type, cause: "a bad event") }
            let key = Array("stream/\(event.stream)".utf8)
            let count = try context.get(key).map { Int(String(decoding: $0, as: UTF8.self))! } ?? 0
            try context.put(key, Array(String(count + 1).utf8))
        }
    }

    static func lengths(_ engine: ProjectionEngine) throws -> [String: Int] {
        try engine.read("lengths") { context in
            var lengths: [String: Int] = [:]
            try context.scan(prefix: Array("stream/".utf8)) { key, value in
                lengths[String(decoding: key.dropFirst(7), as: UTF8.self)] = Int(String(decoding: value, as: UTF8.self))!
                return true
            }
            return lengths
        }
    }
}

/// Rebuilds ``StreamLengthProjection`` from whole streams and counts what it is handed.
struct StreamLengthRebuilder: StreamRebuilder {
    final class Seen: Sendable {
        let streams = Mutex<[String]>([])
        let groups = Mutex(0)
        /// The events of each group, in the order the groups were folded.
        let groupSizes = Mutex<[Int]>([])
    }

    let seen = Seen()
    var projectionNames: Set<String> { ["lengths"] }

    func fold(_ streams: [[RecordedEvent]], for projections: Set<String>, keys: KeyStore?) throws -> [(key: [UInt8], value: [UInt8])] {
        seen.groups.withLock { $0 += 1 }
        seen.groupSizes.withLock { $0.append(streams.reduce(0) { $0 + $1.count }) }
        return try streams.map { stream in
            if let bad = stream.first(where: { $0.hasType("Bad") }) {
                throw ProjectionFailure(position: bad.position, type: bad.type, cause: "a bad event")
            }
            #expect(stream.map(\.version) == Array(1...UInt64(stream.count)), "a stream comes whole, in version order")
            seen.streams.withLock { $0.append(stream[0].stream.rawValue) }
            return (Array("stream/\(stream[0].stream)".utf8), Array(String(stream.count).utf8))
        }
    }

    func write(_ folded: [(key: [UInt8], value: [UInt8])], into contexts: [String: ProjectionContext]) throws {
        for (key, value) in folded { try contexts["lengths"]!.put(key, value) }
    }
}

/// Counts stream lengths as ``StreamLengthRebuilder`` does, in two steps: the fold counts each
/// stream's events, the finish makes the entries (and fails on a stream named in `failingStream`).
struct FinishingLengthRebuilder: StreamRebuilder {
    final class Seen: Sendable {
        let folds = Mutex(0)
        let finishes = Mutex(0)
        let writes = Mutex(0)
    }

    struct FinishFailure: Error, CustomStringConvertible {
        var description: String { "the finish failed" }
    }

    let seen = Seen()
    var failingStream: String?
    var projectionNames: Set<String> { ["lengths"] }

    func fold(_ streams: [[RecordedEvent]], for projections: Set<String>, keys: KeyStore?) throws -> [(stream: String, count: Int)] {
        seen.folds.withLock { $0 += 1 }
        return streams.map { ($0[0].stream.rawValue, $0.count) }
    }

    func finish(_ folded: [(stream: String, count: Int)]) throws -> [(key: [UInt8], value: [UInt8])] {
        seen.finishes.withLock { $0 += 1 }
        if let failingStream, folded.contains(where: { $0.stream == failingStream }) { throw FinishFailure() }
        return folded.map { (Array("stream/\($0.stream)".utf8), Array(String($0.count).utf8)) }
    }

    func write(_ finished: [(key: [UInt8], value: [UInt8])], into contexts: [String: ProjectionContext]) throws {
        seen.writes.withLock { $0 += 1 }
        for (key, value) in finished { try contexts["lengths"]!.put(key, value) }
    }
}

@Suite(.serialized)
struct StreamRebuilderTests {
    /// Events over streams of different lengths (19 streams for 300 events: the squares modulo 37).
    func fill(_ store: EventStore, type: String = "Seen", count: Int = 300) throws {
        for index in 0..<count {
            try store.append([.sample(type, index: index)], to: StreamID(validating: "case-\(index * index % 37)"))
        }
    }

    /// Each stream's length as the projection folds it in batches of 16 events (version 1).
    func lengthsFoldedInBatches(_ store: EventStore) throws -> [String: Int] {
        let batchwise = try ProjectionEngine(store: store, projections: [StreamLengthProjection(name: "lengths", version: 1)], batchSize: 16)
        try batchwise.catchUp()
        return try StreamLengthProjection.lengths(batchwise)
    }

    @Test func aRebuildFoldsEveryStreamOnceAndEqualsTheBatchFold() throws {
        try withTemporaryEventStore { store in
            try fill(store)
            let expected = try lengthsFoldedInBatches(store)
            #expect(expected.values.reduce(0, +) == 300)

            let rebuilder = StreamLengthRebuilder()
            let streamwise = try ProjectionEngine(
                store: store, projections: [StreamLengthProjection(name: "lengths", version: 2)], streamRebuilder: rebuilder, streamGroupSize: 50
            )
            try streamwise.catchUp()
            #expect(try StreamLengthProjection.lengths(streamwise) == expected)
            let folded = rebuilder.seen.streams.withLock { $0 }
            #expect(folded.count == expected.count, "every stream is folded exactly once")
            #expect(Set(folded).count == folded.count)
            #expect(rebuilder.seen.groups.withLock { $0 } > 1, "groups of about 50 events each commit on their own")
            let status = try #require(try streamwise.status().first)
            #expect(status.state == .live)
            #expect(status.version == 2)
            #expect(status.position == 300)
            #expect(status.streamRebuild == nil)
            #expect(status.eventsPerSecond > 0)
        }
    }

    /// Groups are a quarter, a half, then the whole of the group size; what would be left after
    /// a group, when less than a quarter of a group, joins it instead of making a small last
    /// group (a commit of its own, at the end, where the writer works alone).
    @Test func aSmallRemainderJoinsTheLastGroup() throws {
        try withTemporaryEventStore { store in
            for index in 0..<300 {
                try store.append([.sample("Seen", index: index)], to: StreamID(validating: "case-\(1000 + index)"))
            }
            let rebuilder = StreamLengthRebuilder()
            let engine = try ProjectionEngine(store: store, projections: [StreamLengthProjection()], streamRebuilder: rebuilder, streamGroupSize: 44)
            try engine.catchUp()
            // 11 + 22 + 5 × 44 = 253 events leave 47: one group of 47, not 44 and then 3.
            #expect(rebuilder.seen.groupSizes.withLock { $0 } == [11, 22, 44, 44, 44, 44, 44, 47])
            #expect(try StreamLengthProjection.lengths(engine).count == 300)
        }
    }

    @Test func eachGroupIsFinishedOnceBeforeItIsWritten() throws {
        try withTemporaryEventStore { store in
            try fill(store)
            let expected = try lengthsFoldedInBatches(store)

            let rebuilder = FinishingLengthRebuilder()
            let streamwise = try ProjectionEngine(
                store: store, projections: [StreamLengthProjection(name: "lengths", version: 2)], streamRebuilder: rebuilder, streamGroupSize: 50
            )
            try streamwise.catchUp()
            #expect(try StreamLengthProjection.lengths(streamwise) == expected, "what the finish made is what was written")
            let (folds, finishes, writes) = (rebuilder.seen.folds.withLock { $0 }, rebuilder.seen.finishes.withLock { $0 }, rebuilder.seen.writes.withLock { $0 })
            #expect(folds > 2)
            #expect(finishes == folds, "every folded group is finished once")
            #expect(writes == finishes, "every finished group is written once")
            #expect(try streamwise.status().first?.state == .live)
        }
    }

    @Test func aFailingFinishMarksTheRebuildFailedAndKeepsTheLiveCopy() throws {
        try withTemporaryEventStore { store in
            try fill(store)
            let live = try ProjectionEngine(store: store, projections: [StreamLengthProjection()])
            try live.catchUp()
            let before = try StreamLengthProjection.lengths(live)
            let engine = try ProjectionEngine(
                store: store, projections: [StreamLengthProjection(name: "lengths", version: 2)],
                streamRebuilder: FinishingLengthRebuilder(failingStream: "case-30"), streamGroupSize: 50
            )
            try engine.catchUp()
            let status = try #require(try engine.status().first)
            #expect(status.state == .failed)
            #expect(status.failure?.contains("of the same group: the finish failed") == true, "\(status.failure ?? "")")
            #expect(try StreamLengthProjection.lengths(engine) == before, "readers keep the live copy")
        }
    }

    @Test func aFirstFillGoesStreamByStreamAndLaterAppendsInBatches() throws {
        try withTemporaryEventStore { store in
            try fill(store)
            let rebuilder = StreamLengthRebuilder()
            let engine = try ProjectionEngine(store: store, projections: [StreamLengthProjection()], streamRebuilder: rebuilder)
            try engine.catchUp()
            let streams = Set((0..<300).map { $0 * $0 % 37 }).count
            #expect(rebuilder.seen.streams.withLock { $0.count } == streams)
            try store.append([.sample("Later"), .sample("Later")], to: StreamID(validating: "case-3"))
            try engine.catchUp()
            #expect(rebuilder.seen.streams.withLock { $0.count } == streams, "appends after the fill are folded in batches")
            let lengths = try StreamLengthProjection.lengths(engine)
            #expect(lengths["case-3"] == (0..<300).filter { $0 * $0 % 37 == 3 }.count + 2)
            #expect(try engine.status().first?.position == 302)
        }
    }

    @Test func aFailingStreamMarksTheRebuildFailedAndKeepsTheLiveCopy() throws {
        try withTemporaryEventStore { store in
            try fill(store, count: 100)
            let live = try ProjectionEngine(store: store, projections: [StreamLengthProjection()])
            try live.catchUp()
            let before = try StreamLengthProjection.lengths(live)
            try store.append([.sample("Bad")], to: StreamID(validating: "case-bad"))
            let engine = try ProjectionEngine(
                store: store, projections: [StreamLengthProjection(name: "lengths", version: 2)], streamRebuilder: StreamLengthRebuilder(), streamGroupSize: 10
            )
            try engine.catchUp()
            let status = try #require(try engine.status().first)
            #expect(status.state == .failed)
            #expect(status.failure?.contains("position 101 (Bad): a bad event") == true, "\(status.failure ?? "")")
            #expect(try StreamLengthProjection.lengths(engine) == before, "readers keep the live copy")
        }
    }

    /// While a group is written, the next two are folded and the one after them read: a failure
    /// in an early group stops the rebuild there, no further work is started, and the work in
    /// flight ends first.
    @Test func aFailureInAnEarlyGroupStopsTheRebuildThere() throws {
        try withTemporaryEventStore { store in
            try fill(store)
            // "case-00bad" sorts right after "case-0". The first two groups are a quarter and a
            // half of the group size (2 and 5 events here): "case-0" alone fills the first, and
            // the bad stream opens the second.
            try store.append([.sample("Bad")], to: StreamID(validating: "case-00bad"))
            let rebuilder = StreamLengthRebuilder()
            let engine = try ProjectionEngine(
                store: store, projections: [StreamLengthProjection()], streamRebuilder: rebuilder, streamGroupSize: 10
            )
            try engine.catchUp()
            let status = try #require(try engine.status().first)
            #expect(status.state == .failed)
            #expect(status.failure?.contains("position 301 (Bad): a bad event") == true, "\(status.failure ?? "")")
            #expect(rebuilder.seen.groups.withLock { $0 } <= 3, "no group folded beyond the one already queued after the bad one")
            #expect(try StreamLengthProjection.lengths(engine).isEmpty, "nothing of the failed rebuild is visible")
        }
    }
}
