internal import HomewardCLMDB
import Logging
import Synchronization

/// An LMDB environment: one directory holding `data.mdb` and `lock.mdb`, with named databases
/// inside.
///
/// A path is opened at most once per process. Opening it again returns another handle to the same
/// environment; the environment closes when the last handle goes away.
///
/// Transactions are closure-scoped and synchronous: ``read(_:)`` and ``write(_:)`` commit when the
/// closure returns and abort when it throws, so a transaction can never span an `await`.
///
/// The map grows by itself. A write that fills the map is aborted, every transaction of this
/// process is quiesced, the map is doubled and the write closure runs again, so callers never see
/// `MDB_MAP_FULL`. Maps are also grown ahead of need once they pass
/// ``Configuration/growthThreshold``.
///
/// ## Topics
/// ### Opening
/// - ``open(path:configuration:)``
/// - ``Configuration``
/// ### Transactions
/// - ``read(_:)``
/// - ``write(_:)``
/// - ``Transaction``
public final class Environment: Sendable {
    let core: EnvironmentCore

    /// Opens the environment in an existing directory, or returns another handle to it if this
    /// process already has it open.
    ///
    /// Stale reader slots left by crashed processes are cleared when the environment is first opened.
    /// - Parameters:
    ///   - path: The directory of the environment. It must exist.
    ///   - configuration: How to open it. Ignored (but for a check of `readOnly` and `durability`) when
    ///     the path is already open in this process.
    /// - Returns: A handle to the environment.
    /// - Throws: ``LMDBError``, for example ``LMDBError/Code/invalidFile`` when the directory holds a
    ///   file that is not an LMDB environment. The corresponding LMDB function is `mdb_env_open`.
    public static func open(path: String, configuration: Configuration = Configuration()) throws(LMDBError)
        -> Environment
    {
        Environment(core: try EnvironmentRegistry.acquire(path: path, configuration: configuration))
    }

    private init(core: EnvironmentCore) {
        self.core = core
    }

    deinit {
        EnvironmentRegistry.release(core)
    }

    /// The canonical path of the environment's directory.
    public var path: String { core.path }

    /// The configuration the environment was first opened with.
    public var configuration: Configuration { core.configuration }

    /// The version of the LMDB library linked at run time, such as `0.9.24`.
    /// The corresponding LMDB function is `mdb_version`.
    public static var libraryVersion: String {
        var major: Int32 = 0
        var minor: Int32 = 0
        var patch: Int32 = 0
        _ = mdb_version(&major, &minor, &patch)
        return "\(major).\(minor).\(patch)"
    }

    /// Runs `body` in a read-only transaction and returns its result.
    ///
    /// The transaction sees a consistent snapshot. Do not start another transaction inside `body`.
    /// - Parameter body: Reads through the transaction. Values it gets point into the memory map and
    ///   are valid only inside `body`: copy what must outlive it.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws, or ``LMDBError``.
    public func read<T>(_ body: (Transaction) throws -> T) throws -> T {
        try run(readOnly: true, body)
    }

    /// Runs `body` in a write transaction, commits it when `body` returns and aborts it when `body`
    /// throws.
    ///
    /// Only one write transaction runs at a time across all processes; this call waits for the
    /// writer lock. When the map fills up, the transaction is aborted, the map grows and `body`
    /// runs again from the start: `body` must not have effects outside the transaction that would
    /// be wrong to repeat.
    /// - Parameter body: Reads and writes through the transaction.
    /// - Returns: What `body` returns, once the commit is done (and, with ``Durability/full``, on disk).
    /// - Throws: What `body` throws, or ``LMDBError``. The corresponding LMDB function is `mdb_txn_commit`.
    public func write<T>(_ body: (Transaction) throws -> T) throws -> T {
        while true {
            let transactionHitMapFull: Bool
            do {
                let result = try run(readOnly: false, body)
                if core.isNearlyFull {
                    try core.grow(because: "more than \(Int(core.configuration.growthThreshold * 100))% used")
                }
                return result
            } catch let error as TransactionAbortedForMapFull {
                transactionHitMapFull = error.hitMapFull
                if !transactionHitMapFull { throw error.underlying }
            }
            try core.grow(because: "map full")
        }
    }

    private func run<T>(readOnly: Bool, _ body: (Transaction) throws -> T) throws -> T {
        while true {
            core.resizeLock.lockShared()
            var transactionPointer: OpaquePointer?
            let flags = readOnly ? UInt32(MDB_RDONLY) : 0
            let beginCode = mdb_txn_begin(core.pointer, nil, flags, &transactionPointer)
            if beginCode == MDB_MAP_RESIZED {
                core.resizeLock.unlock()
                try core.adoptMapSizeOfOtherProcess()
                continue
            }
            defer { core.resizeLock.unlock() }
            try check(beginCode, "mdb_txn_begin")
            guard let transactionPointer else { throw LMDBError(.badTransaction, operation: "mdb_txn_begin") }
            let transaction = Transaction(pointer: transactionPointer, environment: self, isReadOnly: readOnly)
            let result: T
            do {
                result = try body(transaction)
            } catch {
                transaction.abort()
                if readOnly { throw error }
                throw TransactionAbortedForMapFull(underlying: error, hitMapFull: transaction.hitMapFull)
            }
            do {
                try transaction.commit()
            } catch {
                if readOnly { throw error }
                throw TransactionAbortedForMapFull(underlying: error, hitMapFull: transaction.hitMapFull)
            }
            return result
        }
    }

    /// Grows the map beforehand, if needed, so that `bytes` more bytes fit without growing it
    /// again: for a long write transaction that must not fill the map midway (a write that fills
    /// it is aborted and run again from the start, see ``write(_:)``).
    ///
    /// Call this outside any transaction of this process.
    /// - Parameter bytes: The bytes the coming writes may add to the file.
    /// - Throws: ``LMDBError``. The corresponding LMDB function is `mdb_env_set_mapsize`.
    public func reserve(_ bytes: Int) throws(LMDBError) {
        try core.reserve(bytes)
    }

    /// Opens (and with `create`, creates) a named database, or the unnamed main database when `name`
    /// is `nil`. Handles are cached: opening the same name again is cheap.
    ///
    /// Call this outside any transaction; it runs its own.
    /// - Parameters:
    ///   - name: The database's name.
    ///   - options: How keys and duplicates are kept; include ``DatabaseOptions/create`` to create it.
    /// - Returns: A handle valid for the life of the environment.
    /// - Throws: ``LMDBError/Code/notFound`` when the database does not exist and `create` is not given.
    ///   The corresponding LMDB function is `mdb_dbi_open`.
    public func openDatabase(named name: String?, options: DatabaseOptions = []) throws -> Database {
        let key = name ?? ""
        if let cached = core.databases.withLock({ $0[key] }) { return cached }
        let open: (Transaction) throws -> Database = { transaction in
            var handle = MDB_dbi()
            let flags = options.rawValue & ~(options.contains(.create) && self.core.configuration.readOnly ? UInt32(MDB_CREATE) : 0)
            try check(mdb_dbi_open(transaction.pointer, name, flags, &handle), "mdb_dbi_open")
            return Database(handle: handle, name: name)
        }
        // mdb_dbi_open must not run concurrently: hold the cache lock across the open.
        return try core.databases.withLock { cache in
            if let cached = cache[key] { return cached }
            let database = core.configuration.readOnly ? try read(open) : try write(open)
            cache[key] = database
            return database
        }
    }

    /// Facts about the environment's map and readers.
    /// The corresponding LMDB functions are `mdb_env_info` and `mdb_env_stat`.
    public var info: Info {
        var info = MDB_envinfo()
        // The meta pages it reads lie in the map, which a resize replaces.
        core.resizeLock.lockShared()
        mdb_env_info(core.pointer, &info)
        core.resizeLock.unlock()
        return Info(
            mapSize: info.me_mapsize,
            pageSize: core.pageSize,
            lastPageNumber: info.me_last_pgno,
            lastTransactionID: info.me_last_txnid,
            maxReaders: Int(info.me_maxreaders),
            readersInUse: Int(info.me_numreaders)
        )
    }

    /// The id of the last transaction committed to the environment, by any process: it changes
    /// with every commit, so a value read from the environment is still current while it stays
    /// the same. Reading it opens no transaction (it reads the newer meta page).
    /// The corresponding LMDB function is `mdb_env_info`.
    public var lastCommittedTransactionID: Int {
        var info = MDB_envinfo()
        core.resizeLock.lockShared()
        mdb_env_info(core.pointer, &info)
        core.resizeLock.unlock()
        return info.me_last_txnid
    }

    /// Clears reader slots left by processes that died while reading.
    /// - Returns: How many slots were cleared.
    /// - Throws: ``LMDBError``. The corresponding LMDB function is `mdb_reader_check`.
    @discardableResult
    public func clearStaleReaders() throws(LMDBError) -> Int {
        var cleared: Int32 = 0
        try check(mdb_reader_check(core.pointer, &cleared), "mdb_reader_check")
        return Int(cleared)
    }

    /// Flushes buffers to disk; useful after commits made with ``Durability/relaxed``.
    /// - Throws: ``LMDBError``. The corresponding LMDB function is `mdb_env_sync`.
    public func sync() throws(LMDBError) {
        try check(mdb_env_sync(core.pointer, 1), "mdb_env_sync")
    }

    /// Writes a consistent copy of the environment into an existing empty directory while other
    /// transactions go on.
    /// - Parameters:
    ///   - directory: Where the copy goes.
    ///   - compacting: Leaves out free pages and renumbers the rest.
    /// - Throws: ``LMDBError``. The corresponding LMDB function is `mdb_env_copy2`.
    public func copy(to directory: String, compacting: Bool = true) throws(LMDBError) {
        try check(mdb_env_copy2(core.pointer, directory, compacting ? UInt32(MDB_CP_COMPACT) : 0), "mdb_env_copy2")
    }
}

extension Environment {
    /// Facts about an environment's map and readers.
    public struct Info: Sendable, Hashable {
        /// The size of the memory map in bytes.
        public var mapSize: Int
        /// The size of a database page in bytes.
        public var pageSize: Int
        /// The number of the last page used.
        public var lastPageNumber: Int
        /// The id of the last committed transaction.
        public var lastTransactionID: Int
        /// How many reader slots exist.
        public var maxReaders: Int
        /// How many reader slots have been used.
        public var readersInUse: Int
    }
}

/// Carries a write transaction's failure out of `run` together with whether the map filled up.
struct TransactionAbortedForMapFull: Error {
    let underlying: any Error
    let hitMapFull: Bool
}
