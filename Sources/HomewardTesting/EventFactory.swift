public import Foundation
public import HomewardStore

extension EventActor {
    /// An actor for tests: an outreach worker of a city's relief station.
    public static let testOfficer = EventActor(id: "officer-7", role: "outreach", org: "HZ-01")
}

extension NewEvent {
    /// An event for tests, with a JSON payload of about `payloadSize` bytes.
    /// - Parameters:
    ///   - type: The event's type name.
    ///   - index: A number written into the payload, to tell events apart.
    ///   - payloadSize: Roughly how large the payload is.
    ///   - eventId: The event's id; a new one by default.
    ///   - occurredAt: When it happened; the recorded time by default.
    /// - Returns: The event.
    public static func sample(
        _ type: String = "ReportReceived",
        index: Int = 0,
        payloadSize: Int = 64,
        eventId: UUID = UUID.timeOrdered(),
        occurredAt: Timestamp? = nil
    ) -> NewEvent {
        let head = "{\"index\":\(index),\"note\":\""
        let filler = String(repeating: "x", count: max(0, payloadSize - head.utf8.count - 2))
        return NewEvent(
            type: type,
            eventId: eventId,
            occurredAt: occurredAt,
            actor: .testOfficer,
            correlationId: "corr-\(index % 7)",
            causationId: index % 3 == 0 ? nil : "cause-\(index)",
            payload: Payload(json: head + filler + "\"}")
        )
    }
}
