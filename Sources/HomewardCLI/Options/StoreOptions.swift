import ArgumentParser
import Foundation
import HomewardStore
import Logging

/// `--store PATH`, shared by every command.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The store directory (default: $HOMEWARD_STORE or ./homeward.store).")
    var store: String?

    var path: String {
        store ?? ProcessInfo.processInfo.environment["HOMEWARD_STORE"] ?? "homeward.store"
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
