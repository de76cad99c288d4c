public import Foundation
public import HomewardStore

/// What an officer asks to record in a case.
public enum CaseCommand: Sendable, Hashable {
    /// Record an event of the catalogue (report, pickup, admission, tracing step, departure, …),
    /// at a time it occurred (the clock's time when `nil`; back-dating is normal in field work).
    case record(DomainEvent, occurredAt: Timestamp?)
    /// Correct fields of an earlier event of the case.
    case correct(target: UUID, changes: JSONObject, reason: String)
    /// Void an earlier event of the case (or a correction, which undoes it).
    case void(target: UUID, reason: String)
}

/// The events a command decided to record, with the time each occurred.
public struct Decision: Sendable, Hashable {
    /// The events, in order.
    public var events: [DomainEvent]
    /// When they occurred.
    public var occurredAt: Timestamp
}
