/// What an append did.
public struct AppendResult: Hashable, Sendable {
    /// The log positions of the appended events, in order.
    public var positions: [UInt64]
    /// The stream's version after the append: the version of its last event.
    public var streamVersion: UInt64
    /// `true` when every event was already stored (an idempotent retry) and nothing was written.
    public var wasAlreadyStored: Bool

    /// The position of the first appended event.
    public var firstPosition: UInt64 { positions.first ?? 0 }
    /// The position of the last appended event.
    public var lastPosition: UInt64 { positions.last ?? 0 }
}
