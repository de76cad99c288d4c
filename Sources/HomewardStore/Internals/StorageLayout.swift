/// Names and key encodings of the store's LMDB databases (see `Docs/storage-format.md`).
enum StorageLayout {
    /// The store format this code writes and the newest it reads. Format 2 may leave the last
    /// records of the log out of the indexes (``unindexedFromKey``); format 1 never did, so a
    /// format 1 store is a format 2 store, and is marked as one when opened for writing.
    static let formatVersion: UInt32 = 2

    static let meta = "meta"
    static let log = "log"
    static let streams = "streams"
    static let streamEvents = "stream-events"
    static let eventIds = "event-ids"
    static let recordedAt = "recorded-at"

    static let formatKey = Array("format".utf8)
    static let createdKey = Array("created".utf8)
    /// SHA-256 of the `created` value, so that `verify` can prove it unchanged (stores created
    /// before it was written lack it).
    static let createdDigestKey = Array("created-sha256".utf8)
    /// In `meta`, when some records are not in the indexes yet: the position of the first of
    /// them (8 bytes, big-endian). Every later record is unindexed too; absent when none is.
    static let unindexedFromKey = Array("unindexed-from".utf8)
    /// The most records an append committed alone leaves out of the indexes: one that would
    /// leave more indexes them all. Every lookup through an index also reads these records.
    static let unindexedLimitAlone = 64
    /// The most records the appends of a group commit leave out of the indexes. A group of 64
    /// appends to 64 streams dirties 64 leaves of `stream-events`; left out, seven groups in
    /// eight commit the log's pages only, and the eighth indexes them all in those same leaves.
    /// The group's appends look the unindexed records up in a table made once per transaction.
    static let unindexedLimitInGroup = 448
    /// Projection checkpoints in `meta` are keyed `projection/<name>`.
    static let projectionKeyPrefix = Array("projection/".utf8)

    /// Size of the chain hash at the end of every log value.
    static let hashSize = 32
}

/// Big-endian byte encodings, so that LMDB's byte order equals numeric order.
enum BigEndian {
    @inline(__always)
    static func bytes(_ value: UInt64) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }

    @inline(__always)
    static func uint64(_ buffer: UnsafeRawBufferPointer, at offset: Int = 0) -> UInt64 {
        UInt64(bigEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    @inline(__always)
    static func streamEventKey(streamNumber: UInt64, version: UInt64) -> [UInt8] {
        bytes(streamNumber) + bytes(version)
    }

    /// The recorded-time index keeps one entry per second: the key is the whole second (sign
    /// bit flipped), floored.
    @inline(__always)
    static func second(of time: Timestamp) -> Int64 {
        let micros = time.microsecondsSinceEpoch
        return micros >= 0 ? micros / 1_000_000 : -((-micros + 999_999) / 1_000_000)
    }

    @inline(__always)
    static func secondKey(_ second: Int64) -> UInt64 {
        (UInt64(bitPattern: second) ^ (1 << 63)).bigEndian
    }

    @inline(__always)
    static func second(fromKey buffer: UnsafeRawBufferPointer) -> Int64 {
        Int64(bitPattern: uint64(buffer) ^ (1 << 63))
    }
}
