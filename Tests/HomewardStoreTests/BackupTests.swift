import Foundation
import HomewardStore
import HomewardTesting
import Synchronization
import Testing

@Suite(.serialized)
struct BackupTests {
    @Test func aBackupTakenWhileAppendsGoOnHoldsAVerifiedPrefix() throws {
        let directory = try TemporaryDirectory()
        let store = try EventStore(path: directory.appending("store"))
        for batch in 0..<50 { try store.append((0..<20).map { .sample(index: batch * 20 + $0) }, to: StreamID(validating: "case-\(batch % 7)")) }
        let stop = Atomic<Bool>(false)
        let finished = Atomic<Bool>(false)
        let appender = Thread {
            var index = 10_000
            while !stop.load(ordering: .relaxed) {
                _ = try? store.append([.sample(index: index)], to: "case-live")
                index += 1
            }
            finished.store(true, ordering: .releasing)
        }
        appender.start()
        let report = try store.backup(to: directory.appending("backup"))
        stop.store(true, ordering: .relaxed)
        while !finished.load(ordering: .acquiring) { usleep(1000) }
        #expect(report.verification.isSound)
        #expect(report.headBefore.position >= 1000)
        var options = EventStore.Options()
        options.readOnly = true
        let copy = try EventStore(path: directory.appending("backup"), options: options)
        let copiedHead = try copy.head()
        #expect(copiedHead.position >= report.headBefore.position, "the copy holds at least what was committed before it started")
        // Every copied event is the original, byte for byte in what a reader sees.
        let originals = try store.events(from: 1, limit: Int(copiedHead.position))
        let copies = try copy.events(from: 1, limit: Int(copiedHead.position))
        #expect(copies.map(\.eventId) == originals.map(\.eventId))
        #expect(copies.map { Array($0.payload.bytes) } == originals.map { Array($0.payload.bytes) })
        #expect(copies.last?.position == copiedHead.position)
        let permissions = try FileManager.default.attributesOfItem(atPath: directory.appending("backup"))[.posixPermissions] as? Int
        #expect(permissions == 0o700, "the backup directory is the owner's only")
    }

    @Test func aBackupNeverOverwrites() throws {
        try withTemporaryEventStore { store in
            try store.append([.sample(index: 1)], to: "case-1")
            let directory = try TemporaryDirectory()
            let occupied = directory.appending("occupied")
            try FileManager.default.createDirectory(atPath: occupied, withIntermediateDirectories: true)
            try Data("keep me".utf8).write(to: URL(fileURLWithPath: occupied + "/notes.txt"))
            let error = #expect(throws: EventStoreError.self) { try store.backup(to: occupied) }
            #expect(error?.message.contains("not empty") == true)
            #expect(try String(contentsOfFile: occupied + "/notes.txt", encoding: .utf8) == "keep me")
        }
    }
}
