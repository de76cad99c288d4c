public import Foundation

/// An event to append: everything but what the store assigns (position, version, hash and,
/// unless given, the recorded time).
public struct NewEvent: Hashable, Sendable {
    /// The event's type name, such as `ReportReceived` (1 to 200 bytes).
    public var type: String
    /// The version of the type's schema the payload follows. Default 1.
    public var schemaVersion: UInt32
    /// A unique id. Appending an id that is already stored is an idempotent no-op. Defaults to a
    /// time-ordered (version 7) UUID, which keeps the id index compact.
    public var eventId: UUID
    /// When it happened in the world; may lie in the past. Defaults to the recorded time.
    public var occurredAt: Timestamp?
    /// When it was recorded, for importing history. Must not be earlier than the log's last
    /// recorded time. Defaults to the store's clock.
    public var recordedAt: Timestamp?
    /// Who recorded it.
    public var actor: EventActor
    /// Groups the events of one piece of work.
    public var correlationId: String?
    /// The id of the event or command that caused this one.
    public var causationId: String?
    /// The event's data.
    public var payload: Payload

    /// Creates an event to append.
    /// - Parameters:
    ///   - type: The event's type name.
    ///   - schemaVersion: The payload's schema version.
    ///   - eventId: A unique id; a new time-ordered UUID by default.
    ///   - occurredAt: When it happened; the recorded time by default.
    ///   - recordedAt: When it was recorded; the store's clock by default.
    ///   - actor: Who recorded it.
    ///   - correlationId: Groups the events of one piece of work.
    ///   - causationId: What caused it.
    ///   - payload: The event's data.
    public init(
        type: String,
        schemaVersion: UInt32 = 1,
        eventId: UUID = UUID.timeOrdered(),
        occurredAt: Timestamp? = nil,
        recordedAt: Timestamp? = nil,
        actor: EventActor,
        correlationId: String? = nil,
        causationId: String? = nil,
        payload: Payload
    ) {
        self.type = type
        self.schemaVersion = schemaVersion
        self.eventId = eventId
        self.occurredAt = occurredAt
        self.recordedAt = recordedAt
        self.actor = actor
        self.correlationId = correlationId
        self.causationId = causationId
        self.payload = payload
    }
}
