import Foundation
import HomewardStore
import HomewardTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A size-limited tmpfs mounted by the test (root only), unmounted when it goes away.
final class SmallFileSystem {
    let directory: TemporaryDirectory
    var path: String { directory.path }

    /// Whether this process may mount one: root, and a trial mount works.
    static let available: Bool = {
        guard geteuid() == 0, let trial = try? SmallFileSystem(megabytes: 1) else { return false }
        _ = trial
        return true
    }()

    init(megabytes: Int) throws {
        directory = try TemporaryDirectory(prefix: "homeward-small-fs")
        guard mount("tmpfs", directory.path, "tmpfs", 0, "size=\(megabytes)m,mode=0700") == 0 else {
            throw CocoaError(.fileWriteNoPermission)
        }
    }

    deinit { _ = umount2(directory.path, Int32(MNT_DETACH)) }
}

struct ResourceExhaustionTests {
    /// Appends until a small file system is full: the failing append is a clear disk-full error,
    /// nothing acknowledged is lost, and once space is freed the store opens, verifies and takes
    /// appends again.
    @Test(.enabled(if: SmallFileSystem.available, "needs root to mount a size-limited tmpfs; skipped"))
    func aFullDiskIsAClearErrorAndLosesNothing() throws {
        let fileSystem = try SmallFileSystem(megabytes: 6)
        let filler = fileSystem.path + "/filler"
        try Data(repeating: 0xAB, count: 1 << 20).write(to: URL(fileURLWithPath: filler))
        var options = EventStore.Options()
        options.initialMapSize = 1 << 20
        let path = fileSystem.path + "/store"
        let store = try EventStore(path: path, options: options)
        var acknowledged: [UUID] = []
        var failure: EventStoreError?
        let payload = Payload(codec: .opaque, bytes: [UInt8](repeating: 0x42, count: 2_000))
        for batch in 0..<10_000 {
            let events = (0..<10).map { _ in NewEvent(type: "Filler", actor: .testOfficer, payload: payload) }
            do {
                try store.append(events, to: StreamID(validating: "fill-\(batch % 7)"))
                acknowledged += events.map(\.eventId)
            } catch let error as EventStoreError {
                failure = error
                break
            }
        }
        let error = try #require(failure, "the file system never filled up")
        #expect(error.code == .diskFull, "\(error) \(error.underlying ?? "")")
        #expect(error.message.contains("disk is full"))
        #expect(acknowledged.count > 100)
        #expect(try store.head().position == UInt64(acknowledged.count), "the failed append left nothing behind")

        try FileManager.default.removeItem(atPath: filler)
        let reopened = try EventStore(path: path, options: options)
        #expect(try reopened.verify().isSound)
        for id in acknowledged.shuffled().prefix(200) { #expect(try reopened.event(withId: id) != nil) }
        try reopened.append([NewEvent(type: "AfterSpaceFreed", actor: .testOfficer, payload: payload)], to: "fill-after")
        #expect(try reopened.head().position == UInt64(acknowledged.count + 1))
    }

    /// Every reader slot taken: the next reader gets a clear error, and the store works again
    /// once a slot is free.
    @Test func exhaustedReaderSlotsAreAClearError() throws {
        let directory = try TemporaryDirectory()
        var options = EventStore.Options()
        options.maxReaders = 2
        let store = try EventStore(path: directory.appending("store"), options: options)
        try store.append([.sample(index: 1)], to: "case-1")
        let engine = try ProjectionEngine(store: store, projections: [CountingProjection()])
        try engine.catchUp()
        #expect {
            try engine.read("counts") { _ in
                try engine.read("counts") { _ in
                    try engine.read("counts") { _ in 0 }
                }
            }
        } throws: { error in
            guard let error = error as? EventStoreError else { return false }
            return error.code == .storage && error.message.contains("every reader slot of the store is taken") && error.message.contains("maxReaders")
        }
        #expect(try store.head().position == 1, "the store reads again once the slots are free")
    }

    /// A reader pinned in a long read transaction while the writer fills the map: the map grows
    /// once the reader lets go, nothing fails, and the reader saw one consistent snapshot.
    @Test func theMapGrowsWhileAReaderHoldsASnapshot() async throws {
        let directory = try TemporaryDirectory()
        var options = EventStore.Options()
        options.initialMapSize = 1 << 20
        let store = try EventStore(path: directory.appending("store"), options: options)
        try await store.append((0..<10).map { .sample(index: $0) }, to: "case-0")
        let engine = try ProjectionEngine(store: store, projections: [CountingProjection()])
        try engine.catchUp()
        let reader = Task.detached {
            try engine.read("counts") { context -> Int in
                // Holds the snapshot for a while as the writer needs more map than there is.
                let before = try context.events(in: "case-0").count
                Thread.sleep(forTimeInterval: 0.3)
                return before + (try context.events(in: "case-0").count == before ? 0 : 1_000)
            }
        }
        let payload = Payload(codec: .opaque, bytes: [UInt8](repeating: 7, count: 8_000))
        for batch in 0..<50 {
            try await store.append((0..<20).map { _ in NewEvent(type: "Blob", actor: .testOfficer, payload: payload) }, to: StreamID(validating: "blob-\(batch % 3)"))
        }
        let seen = try await reader.value
        #expect(seen == 10, "the reader's snapshot did not change under it")
        #expect(try store.head().position == 10 + 1_000)
        #expect(try store.verify().isSound)
    }
}
