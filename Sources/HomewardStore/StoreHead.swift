/// The newest record of the log: its position and chain hash.
///
/// Keep a head somewhere else (or sign it) and later prove that the log still begins with exactly
/// that prefix: neither rewritten nor truncated.
public struct StoreHead: Hashable, Sendable, Codable {
    /// The position of the last record; 0 for an empty log.
    public var position: UInt64
    /// The chain hash of that record (32 zero bytes for an empty log).
    public var hash: ChainHash
    /// When that record was recorded; `nil` for an empty log.
    public var recordedAt: Timestamp?

    /// Creates a head, for example from one kept elsewhere.
    /// - Parameters:
    ///   - position: The position of the last record.
    ///   - hash: Its chain hash.
    ///   - recordedAt: When it was recorded, if known.
    public init(position: UInt64, hash: ChainHash, recordedAt: Timestamp? = nil) {
        self.position = position
        self.hash = hash
        self.recordedAt = recordedAt
    }
}
