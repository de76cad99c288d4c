import Crypto
import Foundation
import HomewardLMDB
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An append-only, hash-chained log of events in an LMDB environment, with streams, idempotent
/// appends, recorded-time cuts and live subscriptions.
///
/// Open a store once and share it: it is `Sendable`, and every method may be called from any
/// thread or task. Several processes may append to the same store at once; positions stay gapless
/// and expected-version checks hold across them.
///
/// ```swift
/// let store = try EventStore(path: "relief.store")
/// let result = try store.append(
///     [NewEvent(type: "ReportReceived", actor: officer, payload: Payload(json: "{}"))],
///     to: "case-2026-0001",
///     expectedVersion: .noStream
/// )
/// for try await event in store.readAll(from: 1) { print(event.position, event.type) }
/// ```
///
/// ## Topics
/// ### Opening
/// - ``init(path:options:)``
/// - ``Options``
/// ### Appending
/// - ``append(_:to:expectedVersion:)-(_,_,_)``
/// - ``NewEvent``
/// - ``ExpectedVersion``
/// - ``AppendResult``
/// ### Reading
/// - ``readAll(from:through:pageSize:)``
/// - ``readStream(_:from:pageSize:)``
/// - ``subscribe(from:)``
/// - ``head()``
/// - ``verify(expecting:checkingPages:progress:)``
/// - ``verifyPages(ofStoreAt:)``
public final class EventStore: Sendable {
    /// The canonical path of the store's directory.
    public let path: String
    /// The options the store was opened with.
    public let options: Options
    let storage: LogStorage
    let writer: GroupCommitWriter
    let notifier = AppendNotifier()
    var logger: Logger { options.logger }

    /// Opens the store in a directory, creating it (and the directory) when it does not exist.
    ///
    /// - Parameters:
    ///   - path: The store's directory. It holds `data.mdb` and `lock.mdb`.
    ///   - options: How to open it.
    /// - Throws: ``EventStoreError`` with code ``EventStoreError/Code/cannotOpen`` when the path is
    ///   not a directory, cannot be read or written, or holds something that is not a Homeward
    ///   store, ``EventStoreError/Code/newerFormat`` when a newer Homeward wrote it, and
    ///   ``EventStoreError/Code/corrupted`` when a meta page or root page of the data file is
    ///   damaged (checked without LMDB, reading a few pages) or the format record is.
    public init(path: String, options: Options = Options()) throws {
        let isNew = try EventStore.prepareDirectory(path, options: options)
        if !isNew { try EventStore.checkPagesBeforeOpening(path) }
        var configuration = Environment.Configuration()
        configuration.mapSize = options.initialMapSize
        configuration.maxReaders = options.maxReaders
        configuration.readOnly = options.readOnly
        configuration.durability = options.durability == .full ? .full : .relaxed
        configuration.logger = options.logger
        let environment: Environment
        do {
            environment = try Environment.open(path: path, configuration: configuration)
        } catch {
            throw EventStore.openError(error, path: path)
        }
        self.path = environment.path
        self.options = options
        self.storage = try EventStore.openStorage(environment, isNew: isNew, options: options)
        self.writer = GroupCommitWriter(storage: storage, notifier: notifier, clock: options.clock, limit: options.groupCommitLimit)
        if !isNew { FilePermissions.warnIfWider(store: self.path, logger: logger) }
        let head = try storage.environment.read { try storage.head(in: $0) }
        logger.debug(
            "opened event store",
            metadata: ["path": "\(self.path)", "head": "\(head.position)", "readOnly": "\(options.readOnly)"]
        )
    }

    /// The key store that seals personal fields, if the store was opened with one.
    public var keys: KeyStore? { options.keys }

    deinit {
        writer.stop()
    }

    /// Checks the directory; returns whether it still has to become a store.
    private static func prepareDirectory(_ path: String, options: Options) throws -> Bool {
        var isDirectory: ObjCBool = false
        let files = FileManager.default
        if files.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw EventStoreError(.cannotOpen, "\(path) is a file, not a store directory")
            }
            let contents: [String]
            do {
                contents = try files.contentsOfDirectory(atPath: path)
            } catch {
                throw EventStoreError(.cannotOpen, "cannot read the directory \(path): \(EventStore.reason(errno))")
            }
            if contents.contains("data.mdb") { return false }
            let foreign = contents.filter { $0 != "lock.mdb" && !$0.hasPrefix(".") }
            if !foreign.isEmpty {
                throw EventStoreError(
                    .cannotOpen,
                    "\(path) is not a Homeward store: it holds other files (\(foreign.sorted().prefix(3).joined(separator: ", "))) and no data.mdb"
                )
            }
            if options.readOnly || !options.createIfMissing {
                throw EventStoreError(.cannotOpen, "\(path) holds no store (no data.mdb)")
            }
            return true
        }
        if options.readOnly || !options.createIfMissing {
            throw EventStoreError(.cannotOpen, "there is no store at \(path)")
        }
        if mkdir(path, 0o700) != 0 {
            let code = errno
            if code == ENOENT {
                do {
                    try files.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                } catch {
                    throw EventStoreError(.cannotOpen, "cannot create the store directory \(path): \(error.localizedDescription)")
                }
            } else if code != EEXIST {
                throw EventStoreError(.cannotOpen, "cannot create the store directory \(path): \(EventStore.reason(code))")
            }
        }
        return true
    }

    static func reason(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    private static func openError(_ error: LMDBError, path: String) -> EventStoreError {
        switch error.code {
        case .invalidFile:
            return EventStoreError(.cannotOpen, "\(path)/data.mdb is not a Homeward store: it is not an LMDB data file", underlying: "\(error)")
        case .versionMismatch:
            return EventStoreError(.cannotOpen, "\(path)/data.mdb was written by an incompatible LMDB version", underlying: "\(error)")
        case .permissionDenied, .readOnlyFileSystem, LMDBError.Code(rawValue: EPERM):
            return EventStoreError(
                .cannotOpen,
                "cannot open the store at \(path) for writing: \(error.message); open it read-only or fix its permissions",
                underlying: "\(error)"
            )
        case .incompatible:
            return EventStoreError(.cannotOpen, "the store at \(path) is already open in this process with other options", underlying: "\(error)")
        default:
            return EventStoreError(.cannotOpen, "cannot open the store at \(path): \(error.message)", underlying: "\(error)")
        }
    }

    private static func openStorage(_ environment: Environment, isNew: Bool, options: Options) throws -> LogStorage {
        let limits = LogStorage.Limits(maxPayloadBytes: options.maxPayloadBytes)
        let path = environment.path
        do {
            let main = try environment.openDatabase(named: nil)
            let hasMeta = try environment.read { transaction in
                try transaction.get(main, key: Array(StorageLayout.meta.utf8)) != nil
            }
            let isEmpty = try environment.read { try $0.count(main) == 0 }
            if !hasMeta && !isEmpty {
                throw EventStoreError(.cannotOpen, "\(path) is an LMDB environment of another program, not a Homeward store")
            }
            if !hasMeta && options.readOnly {
                throw EventStoreError(.cannotOpen, "\(path) holds an empty LMDB environment, not a Homeward store")
            }
            // The format record is written last when a store is created: without it, a creation
            // was cut short (each database is created in a transaction of its own), and is finished now.
            var creating = !hasMeta
            if hasMeta, !options.readOnly {
                let meta = try environment.openDatabase(named: StorageLayout.meta)
                creating = try environment.read { try $0.get(meta, key: StorageLayout.formatKey) == nil }
            }
            let storage = try LogStorage(environment: environment, create: creating, limits: limits)
            if creating {
                try environment.write { transaction in
                    if try transaction.get(storage.meta, key: StorageLayout.formatKey) == nil {
                        try transaction.put(storage.meta, key: StorageLayout.formatKey, value: withUnsafeBytes(of: StorageLayout.formatVersion.littleEndian) { Array($0) })
                        let created = Array(options.clock().rfc3339.utf8)
                        try transaction.put(storage.meta, key: StorageLayout.createdKey, value: created)
                        try transaction.put(storage.meta, key: StorageLayout.createdDigestKey, value: Array(SHA256.hash(data: created)))
                    }
                }
            }
            guard let format = try environment.read({ try $0.get(storage.meta, key: StorageLayout.formatKey) }) else {
                throw EventStoreError(.cannotOpen, "\(path) is not a Homeward store: it has no format version")
            }
            guard format.count == 4 else {
                throw EventStoreError(.corrupted, "the format version of the store at \(path) is \(format.count) bytes long, not 4")
            }
            let version = format.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) }
            if version == 0 {
                throw EventStoreError(.corrupted, "the store at \(path) says it has format 0, which no Homeward writes: its format record is damaged")
            }
            if version > StorageLayout.formatVersion {
                throw EventStoreError(
                    .newerFormat,
                    "the store at \(path) has format \(version), newer than format \(StorageLayout.formatVersion) that this Homeward reads; use a newer Homeward"
                )
            }
            if version < StorageLayout.formatVersion, !options.readOnly {
                // Format 1 is format 2 without unindexed records: only the number changes, so
                // that an older Homeward refuses the store once it may hold some.
                try environment.write { transaction in
                    try transaction.put(storage.meta, key: StorageLayout.formatKey, value: withUnsafeBytes(of: StorageLayout.formatVersion.littleEndian) { Array($0) })
                }
            }
            return storage
        } catch let error as EventStoreError {
            throw error
        } catch LMDBError.notFound {
            throw EventStoreError(.cannotOpen, "\(path) is not a Homeward store: its databases are missing")
        } catch let error as LMDBError {
            throw openError(error, path: path)
        }
    }

    /// Maps a storage failure to the store's error.
    /// - Parameters:
    ///   - error: The failure.
    ///   - doing: What failed, for the message.
    ///   - path: The store's directory, to tell a full disk from another input/output error:
    ///     LMDB reports a write cut short by a full disk as `EIO`, not `ENOSPC`.
    static func storageError(_ error: any Error, while doing: String, at path: String? = nil) -> EventStoreError {
        if let error = error as? EventStoreError { return error }
        if let error = error as? LMDBError {
            switch error.code {
            case .diskFull:
                return EventStoreError(.diskFull, "the disk is full: \(doing) was not stored", underlying: "\(error)")
            case .ioError:
                if let path, let free = FreeSpace.bytesAvailable(at: path), free < FreeSpace.nearlyFull {
                    return EventStoreError(.diskFull, "the disk is full (\(free) bytes free): \(doing) was not stored", underlying: "\(error)")
                }
                return EventStoreError(.storage, "an input/output error: \(doing) was not stored", underlying: "\(error)")
            case .permissionDenied, .readOnlyFileSystem:
                return EventStoreError(.readOnly, "the store cannot be written: \(doing) was not stored", underlying: "\(error)")
            case .readersFull:
                return EventStoreError(.storage, "every reader slot of the store is taken; close other readers or raise maxReaders", underlying: "\(error)")
            default:
                return EventStoreError(.storage, "\(doing) failed in the storage engine", underlying: "\(error)")
            }
        }
        return EventStoreError(.storage, "\(doing) failed", underlying: "\(error)")
    }
}
