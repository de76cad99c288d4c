/// Where a projection stands.
public struct ProjectionStatus: Sendable, Hashable, Codable {
    /// What the projection is doing.
    public enum State: String, Sendable, Hashable, Codable {
        /// Up to date with the log (or within one catch-up of it).
        case live
        /// Applying events the log has and it has not.
        case catchingUp
        /// Building a new version in a shadow copy; the old one serves meanwhile.
        case rebuilding
        /// Stopped at an event it could not apply; see ``ProjectionStatus/failure``.
        case failed
    }

    /// The projection's name.
    public var name: String
    /// Its version.
    public var version: Int
    /// The last position applied.
    public var position: UInt64
    /// How far it is behind the log's head.
    public var lag: UInt64
    /// Events per second of the last catch-up or rebuild.
    public var eventsPerSecond: Double
    /// What it is doing.
    public var state: State
    /// For a failed projection: the position, type and cause.
    public var failure: String?
    /// While a new copy is built: the position it has reached (0 while streams are rebuilt whole).
    public var rebuildPosition: UInt64?
    /// While streams are rebuilt whole: the log position they are rebuilt as of, and the last
    /// stream done.
    public var streamRebuild: StreamRebuildProgress?

    /// How far a stream-by-stream rebuild got (see ``StreamRebuilder``).
    public struct StreamRebuildProgress: Sendable, Hashable, Codable {
        /// The log position the streams are rebuilt as of.
        public var snapshotHead: UInt64
        /// The name of the last stream written (streams are rebuilt in name order); `nil` before
        /// the first group is written.
        public var lastStreamDone: String?
    }
}
