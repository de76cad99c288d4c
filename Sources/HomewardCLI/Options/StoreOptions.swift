import ArgumentParser
import Foundation
import HomewardStore
import Logging

/// `--store PATH`, shared by every command.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The store directory (default: $HOMEWARD_STORE or ./homeward.store).")
    var store: String?

    @Option(name: .long, help: "The key store that seals personal fields (default: $HOMEWARD_KEYS, or STORE.keys beside the store; made with a new store).")
    var keys: String?

    @Flag(name: .long, help: "Open the store without its key store: personal fields are neither sealed nor read.")
    var noKeys = false

    var path: String {
        store ?? ProcessInfo.processInfo.environment["HOMEWARD_STORE"] ?? "homeward.store"
    }

    /// The key store named by `--keys` or `$HOMEWARD_KEYS`, if any.
    private var namedKeysPath: String? {
        keys ?? ProcessInfo.processInfo.environment["HOMEWARD_KEYS"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The key store's path: named, or `STORE.keys`.
    var keysPath: String {
        if let namedKeysPath { return namedKeysPath }
        var store = path
        while store.count > 1, store.hasSuffix("/") { store.removeLast() }
        return store + ".keys"
    }

    /// Whether to use a key store: named, or already beside the store, or the store is new.
    private func usesKeys(storeIsNew: Bool) -> Bool {
        if noKeys { return false }
        return namedKeysPath != nil || storeIsNew || FileManager.default.fileExists(atPath: keysPath)
    }

    /// Opens the store, or prints why not and exits with code 3.
    func open(readOnly: Bool = false, create: Bool = false) throws -> EventStore {
        var options = EventStore.Options()
        options.readOnly = readOnly
        options.createIfMissing = create
        var logger = Logger(label: "homeward", factory: { label in StreamLogHandler.standardError(label: label) })
        logger.logLevel = ProcessInfo.processInfo.environment["HOMEWARD_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        options.logger = logger
        do {
            let storeIsNew = create && !readOnly && !FileManager.default.fileExists(atPath: path + "/data.mdb")
            if usesKeys(storeIsNew: storeIsNew) { options.keys = try KeyStore(path: keysPath) }
            return try EventStore(path: path, options: options)
        } catch {
            printError("\(error)")
            throw ExitCode(3)
        }
    }
}

/// Writes one line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data("homeward: \(message)\n".utf8))
}
