/// How hard a commit works to survive a crash of the machine.
///
/// Neither level ever risks a corrupted file: Homeward never uses `MDB_WRITEMAP`, `MDB_MAPASYNC`,
/// `MDB_NOSYNC` or `MDB_NOMEMINIT`.
public enum Durability: Sendable, Hashable {
    /// Every commit is flushed to disk (data, then meta page) before it returns. An acknowledged
    /// commit survives a process kill and a power cut. The default.
    case full
    /// Data pages are flushed at every commit but the meta page is not (`MDB_NOMETASYNC`): a power
    /// cut or operating-system crash may undo the last committed transactions; it never corrupts
    /// the file. A killed process loses nothing.
    case relaxed
}
