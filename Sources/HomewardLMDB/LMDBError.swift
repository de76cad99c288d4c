internal import HomewardCLMDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An error returned by LMDB, with the name of the operation that failed.
///
/// Codes are an extensible set of values rather than an exhaustive enumeration, so new codes can be
/// added without breaking callers. Match a code with `catch LMDBError.mapFull { ... }` or by
/// comparing ``code``.
public struct LMDBError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A numeric LMDB or system error code.
    public struct Code: RawRepresentable, Hashable, Sendable {
        /// The raw value as returned by the C library (an `MDB_*` code or an `errno` value).
        public let rawValue: Int32

        /// Creates a code from its raw C value.
        public init(rawValue: Int32) { self.rawValue = rawValue }

        /// A key/data pair already exists. The corresponding LMDB code is `MDB_KEYEXIST`.
        public static let keyExists = Code(rawValue: MDB_KEYEXIST)
        /// A key/data pair was not found. The corresponding LMDB code is `MDB_NOTFOUND`.
        public static let notFound = Code(rawValue: MDB_NOTFOUND)
        /// A requested page was not found: usually a corrupted file. The corresponding LMDB code is `MDB_PAGE_NOTFOUND`.
        public static let pageNotFound = Code(rawValue: MDB_PAGE_NOTFOUND)
        /// A located page was the wrong type. The corresponding LMDB code is `MDB_CORRUPTED`.
        public static let corrupted = Code(rawValue: MDB_CORRUPTED)
        /// An update of the meta page failed or the environment had a fatal error. The corresponding LMDB code is `MDB_PANIC`.
        public static let panic = Code(rawValue: MDB_PANIC)
        /// The environment was written by another LMDB version. The corresponding LMDB code is `MDB_VERSION_MISMATCH`.
        public static let versionMismatch = Code(rawValue: MDB_VERSION_MISMATCH)
        /// The file is not an LMDB data file. The corresponding LMDB code is `MDB_INVALID`.
        public static let invalidFile = Code(rawValue: MDB_INVALID)
        /// The environment's map size is reached. The corresponding LMDB code is `MDB_MAP_FULL`.
        public static let mapFull = Code(rawValue: MDB_MAP_FULL)
        /// The environment's limit of named databases is reached. The corresponding LMDB code is `MDB_DBS_FULL`.
        public static let databasesFull = Code(rawValue: MDB_DBS_FULL)
        /// Every reader slot is taken. The corresponding LMDB code is `MDB_READERS_FULL`.
        public static let readersFull = Code(rawValue: MDB_READERS_FULL)
        /// A transaction has too many dirty pages. The corresponding LMDB code is `MDB_TXN_FULL`.
        public static let transactionFull = Code(rawValue: MDB_TXN_FULL)
        /// Another process grew the map beyond this process's map size. The corresponding LMDB code is `MDB_MAP_RESIZED`.
        public static let mapResized = Code(rawValue: MDB_MAP_RESIZED)
        /// The operation is incompatible with the database's flags. The corresponding LMDB code is `MDB_INCOMPATIBLE`.
        public static let incompatible = Code(rawValue: MDB_INCOMPATIBLE)
        /// A reader slot was used wrongly. The corresponding LMDB code is `MDB_BAD_RSLOT`.
        public static let badReaderSlot = Code(rawValue: MDB_BAD_RSLOT)
        /// The transaction must abort, has a child, or is invalid. The corresponding LMDB code is `MDB_BAD_TXN`.
        public static let badTransaction = Code(rawValue: MDB_BAD_TXN)
        /// A key or value has an unsupported size. The corresponding LMDB code is `MDB_BAD_VALSIZE`.
        public static let badValueSize = Code(rawValue: MDB_BAD_VALSIZE)
        /// A database handle was changed unexpectedly. The corresponding LMDB code is `MDB_BAD_DBI`.
        public static let badDatabase = Code(rawValue: MDB_BAD_DBI)
        /// The disk is full. The corresponding system code is `ENOSPC`.
        public static let diskFull = Code(rawValue: ENOSPC)
        /// Permission was denied. The corresponding system code is `EACCES`.
        public static let permissionDenied = Code(rawValue: EACCES)
        /// The file system is read-only. The corresponding system code is `EROFS`.
        public static let readOnlyFileSystem = Code(rawValue: EROFS)
        /// No such file or directory. The corresponding system code is `ENOENT`.
        public static let noSuchFile = Code(rawValue: ENOENT)
        /// An argument was invalid. The corresponding system code is `EINVAL`.
        public static let invalidArgument = Code(rawValue: EINVAL)
        /// An input or output error. The corresponding system code is `EIO`.
        public static let ioError = Code(rawValue: EIO)
        /// The resource is busy or locked. The corresponding system code is `EBUSY`.
        public static let busy = Code(rawValue: EBUSY)
    }

    /// What went wrong.
    public var code: Code
    /// The name of the LMDB function (or wrapper operation) that failed, such as `mdb_put`.
    public var operation: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: What went wrong.
    ///   - operation: The name of the failing operation.
    public init(_ code: Code, operation: String) {
        self.code = code
        self.operation = operation
    }

    /// The message LMDB gives for ``code``. The corresponding LMDB function is `mdb_strerror`.
    public var message: String {
        guard let text = mdb_strerror(code.rawValue) else { return "error \(code.rawValue)" }
        return String(cString: text)
    }

    public var description: String {
        "\(operation) failed: \(message) (code \(code.rawValue))"
    }

    /// The environment's map size is reached. See ``Code/mapFull``.
    public static var mapFull: Code { .mapFull }
    /// A key/data pair already exists. See ``Code/keyExists``.
    public static var keyExists: Code { .keyExists }
    /// A key/data pair was not found. See ``Code/notFound``.
    public static var notFound: Code { .notFound }
    /// Every reader slot is taken. See ``Code/readersFull``.
    public static var readersFull: Code { .readersFull }
    /// The disk is full. See ``Code/diskFull``.
    public static var diskFull: Code { .diskFull }
    /// The file is not an LMDB data file. See ``Code/invalidFile``.
    public static var invalidFile: Code { .invalidFile }
}

/// Matches an error against an LMDB error code: `catch LMDBError.mapFull { ... }`.
/// - Parameters:
///   - code: The code to look for.
///   - error: A caught error.
/// - Returns: Whether `error` is an ``LMDBError`` with that code.
public func ~= (code: LMDBError.Code, error: any Error) -> Bool {
    (error as? LMDBError)?.code == code
}
