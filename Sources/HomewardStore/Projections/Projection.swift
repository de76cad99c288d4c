/// A view rebuilt from the log: a name, a version, and a fold of events in batches into state
/// kept in LMDB beside the log.
///
/// The engine calls ``apply(_:in:)`` with consecutive batches of events, in log order, inside a
/// write transaction that also advances the projection's checkpoint: every event is applied
/// exactly once, also across crashes. Bump ``version`` when the fold changes: the engine then
/// rebuilds the projection from position 1 into a shadow copy and swaps it in at the end.
public protocol Projection: Sendable {
    /// A unique name, such as `caseState`.
    var name: String { get }
    /// The version of the fold; a change triggers a rebuild.
    var version: Int { get }
    /// Applies a batch of events, in log order, to the projection's state.
    /// - Parameters:
    ///   - events: Consecutive events of the log.
    ///   - context: Reads and writes the projection's state, and reads the log, in the batch's
    ///     write transaction.
    /// - Throws: Anything; the batch is then rolled back and the projection marked failed at the
    ///   event it names (``ProjectionFailure``) or at the batch's first event.
    func apply(_ events: [RecordedEvent], in context: ProjectionContext) throws
}

/// Thrown by a projection to say which event it could not apply.
public struct ProjectionFailure: Error, Sendable, CustomStringConvertible {
    /// The event's position.
    public var position: UInt64
    /// The event's type.
    public var type: String
    /// What went wrong.
    public var cause: String

    /// Creates a failure.
    public init(position: UInt64, type: String, cause: String) {
        self.position = position
        self.type = type
        self.cause = cause
    }

    public var description: String { "position \(position) (\(type)): \(cause)" }
}
