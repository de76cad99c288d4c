import Foundation
import HomewardStore
import HomewardTesting
import Logging
import Synchronization
import Testing

/// Collects the messages logged through it.
final class CollectedMessages: Sendable {
    let messages = Mutex<[(Logger.Level, String)]>([])
}

struct CollectingLogHandler: LogHandler {
    let collected: CollectedMessages
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
        collected.messages.withLock { $0.append((event.level, "\(event.message)")) }
    }
}

@Suite(.serialized)
struct FilePermissionTests {
    func mode(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test func storesAndBackupsAreCreatedForTheirOwnerOnly() throws {
        let directory = try TemporaryDirectory()
        let path = directory.appending("store")
        let store = try EventStore(path: path)
        try store.append([.sample(index: 1)], to: "case-1")
        #expect(try mode(path) == 0o700)
        #expect(try mode(path + "/data.mdb") == 0o600)
        try store.backup(to: directory.appending("backup"))
        #expect(try mode(directory.appending("backup")) == 0o700)
        #expect(try mode(directory.appending("backup") + "/data.mdb") == 0o600)
    }

    @Test func aStoreReadableByOthersIsReportedOnce() throws {
        let directory = try TemporaryDirectory()
        let path = directory.appending("wide")
        do {
            let store = try EventStore(path: path)
            try store.append([.sample(index: 1)], to: "case-1")
        }
        #expect(chmod(path + "/data.mdb", 0o644) == 0)
        let collected = CollectedMessages()
        var options = EventStore.Options()
        options.logger = Logger(label: "test") { _ in CollectingLogHandler(collected: collected) }
        for _ in 0..<2 { _ = try EventStore(path: path, options: options) }
        let warnings = collected.messages.withLock { $0.filter { $0.0 == .warning }.map(\.1) }
        #expect(warnings.count == 1, "warned once, not at every open")
        #expect(warnings.first?.contains("data.mdb (mode 644)") == true)
    }
}
