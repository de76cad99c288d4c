/// What the appender believes a stream's version to be: the optimistic-concurrency check of an append.
///
/// Versions count a stream's events from 1, so a stream with three events is at version 3.
public enum ExpectedVersion: Hashable, Sendable, CustomStringConvertible {
    /// No check: append whatever the stream holds.
    case any
    /// The stream must not exist yet.
    case noStream
    /// The stream must already hold at least one event.
    case streamExists
    /// The stream must be at exactly this version; `.exact(0)` means the same as ``noStream``.
    case exact(UInt64)

    /// Whether a stream at `actual` (nil when it does not exist) satisfies the expectation.
    /// - Parameter actual: The stream's version, or `nil` when it has no events.
    /// - Returns: Whether an append may go ahead.
    public func isSatisfied(by actual: UInt64?) -> Bool {
        switch self {
        case .any: return true
        case .noStream: return actual == nil
        case .streamExists: return actual != nil
        case .exact(let version): return (actual ?? 0) == version
        }
    }

    public var description: String {
        switch self {
        case .any: return "any"
        case .noStream: return "no stream"
        case .streamExists: return "stream exists"
        case .exact(let version): return "version \(version)"
        }
    }
}
