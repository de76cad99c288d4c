internal import HomewardCLMDB

/// A handle to a named database inside an ``Environment``.
///
/// Get one from ``Environment/openDatabase(named:options:)``; it stays valid for the environment's
/// life and may be used from any thread.
public struct Database: Sendable, Hashable {
    let handle: MDB_dbi
    /// The database's name, or `nil` for the environment's main database.
    public let name: String?
}

/// How a database keeps its keys and values.
public struct DatabaseOptions: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Creates the database if it does not exist. The corresponding LMDB flag is `MDB_CREATE`.
    public static let create = DatabaseOptions(rawValue: UInt32(MDB_CREATE))
    /// Keys may hold several sorted values. The corresponding LMDB flag is `MDB_DUPSORT`.
    public static let duplicateSort = DatabaseOptions(rawValue: UInt32(MDB_DUPSORT))
    /// With ``duplicateSort``, every value has the same size. The corresponding LMDB flag is `MDB_DUPFIXED`.
    public static let duplicateFixed = DatabaseOptions(rawValue: UInt32(MDB_DUPFIXED))
}

/// How a value is written.
public struct PutOptions: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Fails with ``LMDBError/Code/keyExists`` if the key is already there. The corresponding LMDB flag is `MDB_NOOVERWRITE`.
    public static let noOverwrite = PutOptions(rawValue: UInt32(MDB_NOOVERWRITE))
    /// The key sorts after every key already in the database: written without comparisons.
    /// A key out of order fails with ``LMDBError/Code/keyExists``. The corresponding LMDB flag is `MDB_APPEND`.
    public static let append = PutOptions(rawValue: UInt32(MDB_APPEND))
    /// With duplicates, the value sorts after the key's other values. The corresponding LMDB flag is `MDB_APPENDDUP`.
    public static let appendDuplicate = PutOptions(rawValue: UInt32(MDB_APPENDDUP))
    /// With duplicates, fails if the key/value pair is already there. The corresponding LMDB flag is `MDB_NODUPDATA`.
    public static let noDuplicateData = PutOptions(rawValue: UInt32(MDB_NODUPDATA))
    /// Replaces the value of the entry a cursor stands on, without searching for its key again;
    /// the key given must be that entry's key. Only for ``Cursor/put(key:value:options:)`` on a
    /// database without duplicates. The corresponding LMDB flag is `MDB_CURRENT`.
    public static let current = PutOptions(rawValue: UInt32(MDB_CURRENT))
}
