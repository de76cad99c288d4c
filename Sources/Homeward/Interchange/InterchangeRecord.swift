public import Foundation
public import HomewardStore

/// One event as a line of an interchange file (contract section 1).
public struct InterchangeRecord: Sendable, Hashable {
    /// `case-<caseId>` or `person-<personId>`.
    public var stream: StreamID
    /// The event type.
    public var type: String
    /// When it happened (valid time).
    public var occurredAt: Timestamp
    /// The event's fields, as given.
    public var data: JSONValue
    /// Who recorded it.
    public var actor: EventActor
    /// The event's id; a retry with an id already stored is a no-op.
    public var eventId: UUID?
    /// The stream version the event must get.
    public var version: UInt64?
    /// When it was recorded, for importing history.
    public var recordedAt: Timestamp?
    /// Groups the events of one piece of work.
    public var correlationId: String?
    /// What caused it.
    public var causationId: String?
    /// The schema version `data` follows (default 1).
    public var schemaVersion: UInt32
    /// The log position (export only).
    public var position: UInt64?
    /// The chain hash (export only).
    public var hash: ChainHash?

    /// Creates a record.
    public init(
        stream: StreamID,
        type: String,
        occurredAt: Timestamp,
        data: JSONValue,
        actor: EventActor,
        eventId: UUID? = nil,
        version: UInt64? = nil,
        recordedAt: Timestamp? = nil,
        correlationId: String? = nil,
        causationId: String? = nil,
        schemaVersion: UInt32 = 1,
        position: UInt64? = nil,
        hash: ChainHash? = nil
    ) {
        self.stream = stream
        self.type = type
        self.occurredAt = occurredAt
        self.data = data
        self.actor = actor
        self.eventId = eventId
        self.version = version
        self.recordedAt = recordedAt
        self.correlationId = correlationId
        self.causationId = causationId
        self.schemaVersion = schemaVersion
        self.position = position
        self.hash = hash
    }

    /// The record of a stored event, with `data` at its stored schema version.
    /// - Parameters:
    ///   - event: The stored event.
    ///   - registry: Reads the payload.
    /// - Throws: ``EventDecodingError`` when a known event's payload does not decode.
    public init(_ event: RecordedEvent, registry: EventRegistry = .standard) throws(EventDecodingError) {
        self.init(event, data: try registry.storedData(of: event))
    }

    /// The record of a stored event with `data` given (such as a note in place of a payload that
    /// does not decode).
    /// - Parameters:
    ///   - event: The stored event.
    ///   - data: The record's `data`.
    public init(_ event: RecordedEvent, data: JSONValue) {
        self.init(
            stream: event.stream,
            type: event.type,
            occurredAt: event.occurredAt,
            data: data,
            actor: event.actor,
            eventId: event.eventId,
            version: event.version,
            recordedAt: event.recordedAt,
            correlationId: event.correlationId,
            causationId: event.causationId,
            schemaVersion: event.schemaVersion,
            position: event.position,
            hash: event.hash
        )
    }

    /// The record as an object with every key of the contract filled in (absent correlation and
    /// causation ids as `null`), in a fixed order.
    public var json: JSONValue {
        var members: [(String, JSONValue)] = []
        if let position { members.append(("position", .integer(Int(position)))) }
        members.append(("stream", .string(stream.rawValue)))
        if let version { members.append(("version", .integer(Int(version)))) }
        members.append(("type", .string(type)))
        members.append(("schemaVersion", .integer(Int(schemaVersion))))
        if let eventId { members.append(("eventId", .string(eventId.uuidString.lowercased()))) }
        members.append(("occurredAt", .string(occurredAt.rfc3339)))
        if let recordedAt { members.append(("recordedAt", .string(recordedAt.rfc3339))) }
        members.append(("actor", .object(["id": .string(actor.id), "role": .string(actor.role), "org": .string(actor.org)])))
        members.append(("correlationId", correlationId.map { .string($0) } ?? .null))
        members.append(("causationId", causationId.map { .string($0) } ?? .null))
        members.append(("data", data))
        if let hash { members.append(("hash", .string(hash.hex))) }
        return .object(JSONObject(members))
    }

    /// The record as one line of JSON, without the newline.
    public var line: String { json.serialized }

    /// The event to append, with its payload encoded as the registry says.
    /// - Parameter payload: The payload read from ``data``.
    /// - Returns: The event to append.
    public func newEvent(payload: Payload) -> NewEvent {
        NewEvent(
            type: type,
            schemaVersion: schemaVersion,
            eventId: eventId ?? UUID.timeOrdered(),
            occurredAt: occurredAt,
            recordedAt: recordedAt,
            actor: actor,
            correlationId: correlationId,
            causationId: causationId,
            payload: payload
        )
    }
}
