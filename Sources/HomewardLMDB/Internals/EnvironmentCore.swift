internal import HomewardCLMDB
import Logging
import Synchronization

/// The single LMDB environment of one path in this process, shared by every ``Environment`` handle
/// opened on that path.
final class EnvironmentCore: @unchecked Sendable {
    // @unchecked because `pointer` is an MDB_env, which LMDB makes safe to share between threads;
    // everything mutable is behind `databases` (a Mutex) or `resizeLock`.
    let pointer: OpaquePointer
    let path: String
    let configuration: Environment.Configuration
    let resizeLock = ResizeLock()
    let databases = Mutex<[String: Database]>([:])
    var logger: Logger { configuration.logger }

    init(path: String, configuration: Environment.Configuration) throws(LMDBError) {
        var environment: OpaquePointer?
        try check(mdb_env_create(&environment), "mdb_env_create")
        guard let environment else { throw LMDBError(.invalidArgument, operation: "mdb_env_create") }
        do {
            try check(mdb_env_set_maxdbs(environment, MDB_dbi(configuration.maxDatabases)), "mdb_env_set_maxdbs")
            try check(mdb_env_set_maxreaders(environment, UInt32(configuration.maxReaders)), "mdb_env_set_maxreaders")
            try check(mdb_env_set_mapsize(environment, configuration.mapSize), "mdb_env_set_mapsize")
            var flags = UInt32(MDB_NOTLS)
            if configuration.readOnly { flags |= UInt32(MDB_RDONLY) }
            if configuration.durability == .relaxed { flags |= UInt32(MDB_NOMETASYNC) }
            try check(mdb_env_open(environment, path, flags, mdb_mode_t(configuration.fileMode)), "mdb_env_open")
        } catch {
            mdb_env_close(environment)
            throw error
        }
        self.pointer = environment
        self.path = path
        self.configuration = configuration
        var stale: Int32 = 0
        if (try? check(mdb_reader_check(environment, &stale), "mdb_reader_check")) != nil, stale > 0 {
            logger.info("cleared stale readers", metadata: ["path": "\(path)", "count": "\(stale)"])
        }
        logger.debug(
            "opened environment",
            metadata: ["path": "\(path)", "mapSize": "\(currentMapSize)", "lmdb": "\(Environment.libraryVersion)"]
        )
    }

    private let isClosed = Mutex(false)

    /// Closes the LMDB environment. Called by the registry, under its lock, when the last handle goes.
    func close() {
        let wasClosed = isClosed.withLock { closed in
            defer { closed = true }
            return closed
        }
        if !wasClosed {
            mdb_env_close(pointer)
            logger.debug("closed environment", metadata: ["path": "\(path)"])
        }
    }

    deinit {
        close()
    }

    var currentMapSize: Int {
        var info = MDB_envinfo()
        mdb_env_info(pointer, &info)
        return info.me_mapsize
    }

    var pageSize: Int {
        var stat = MDB_stat()
        mdb_env_stat(pointer, &stat)
        return Int(stat.ms_psize)
    }

    /// Runs `body` with every transaction of this process quiesced.
    func withTransactionsQuiesced<T>(_ body: () throws -> T) rethrows -> T {
        resizeLock.lockExclusive()
        defer { resizeLock.unlock() }
        return try body()
    }

    /// Doubles the map (or more, if the file is already larger). Called with no transaction open.
    func grow(because reason: String) throws(LMDBError) {
        try resize(because: reason) { mapSize, used in max(mapSize * 2, used * 2) }
    }

    /// Grows the map, if needed, so that `bytes` more bytes fit within the growth threshold.
    /// Called with no transaction open.
    func reserve(_ bytes: Int) throws(LMDBError) {
        let threshold = configuration.growthThreshold
        try resize(because: "\(bytes) bytes reserved") { mapSize, used in
            let needed = Int((Double(used + bytes) / threshold).rounded(.up))
            return needed > mapSize ? max(mapSize * 2, needed) : nil
        }
    }

    /// Sets the map to the size `newSize` gives for the current map size and the bytes in use
    /// (`nil`: leave it), with every transaction of this process quiesced.
    private func resize(because reason: String, _ newSize: (_ mapSize: Int, _ used: Int) -> Int?) throws(LMDBError) {
        resizeLock.lockExclusive()
        defer { resizeLock.unlock() }
        var info = MDB_envinfo()
        mdb_env_info(pointer, &info)
        guard let size = newSize(info.me_mapsize, (info.me_last_pgno + 1) * pageSize) else { return }
        try check(mdb_env_set_mapsize(pointer, size), "mdb_env_set_mapsize")
        logger.info(
            "grew the map",
            metadata: ["path": "\(path)", "from": "\(info.me_mapsize)", "to": "\(size)", "reason": "\(reason)"]
        )
    }

    /// Adopts the map size another process has set. Called with no transaction open.
    func adoptMapSizeOfOtherProcess() throws(LMDBError) {
        resizeLock.lockExclusive()
        defer { resizeLock.unlock() }
        try check(mdb_env_set_mapsize(pointer, 0), "mdb_env_set_mapsize")
        logger.debug("adopted a map grown by another process", metadata: ["mapSize": "\(currentMapSize)"])
    }

    /// Whether the used share of the map is past the growth threshold.
    var isNearlyFull: Bool {
        var info = MDB_envinfo()
        mdb_env_info(pointer, &info)
        let used = Double((info.me_last_pgno + 1) * pageSize)
        return used > configuration.growthThreshold * Double(info.me_mapsize)
    }
}
