public import Foundation
public import HomewardStore

/// One event of a case as the rules see it: typed, with its envelope times.
public struct CaseRecord: Sendable, Hashable {
    /// The log position (0 for an event not stored yet).
    public var position: UInt64
    /// The event's id.
    public var eventId: UUID
    /// When it happened.
    public var occurredAt: Timestamp
    /// When it was recorded.
    public var recordedAt: Timestamp
    /// Who recorded it.
    public var actor: EventActor
    /// The event, with corrections applied when it comes from ``CaseHistory``.
    public var event: DomainEvent

    /// Creates a record.
    public init(position: UInt64, eventId: UUID, occurredAt: Timestamp, recordedAt: Timestamp, actor: EventActor, event: DomainEvent) {
        self.position = position
        self.eventId = eventId
        self.occurredAt = occurredAt
        self.recordedAt = recordedAt
        self.actor = actor
        self.event = event
    }

    /// Whether the event is a meta event (correction, void, link, unlink, consent).
    public var isMeta: Bool {
        switch event {
        case .eventCorrected, .eventVoided, .personsLinked, .personsUnlinked, .consentRecorded, .personForgotten: return true
        default: return false
        }
    }
}
