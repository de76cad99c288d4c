public import Foundation

/// An event as the log holds it.
public struct RecordedEvent: Hashable, Sendable {
    /// The global position in the log: gapless, from 1.
    public var position: UInt64
    /// The stream the event belongs to.
    public var stream: StreamID
    /// The event's version within its stream: gapless, from 1.
    public var version: UInt64
    /// The event's type name.
    public var type: String
    /// The version of the type's schema the payload was written with.
    public var schemaVersion: UInt32
    /// The event's unique id.
    public var eventId: UUID
    /// When it happened in the world (valid time).
    public var occurredAt: Timestamp
    /// When the store recorded it (system time); never decreases along positions.
    public var recordedAt: Timestamp
    /// Who recorded it.
    public var actor: EventActor
    /// Groups the events of one piece of work.
    public var correlationId: String?
    /// What caused it.
    public var causationId: String?
    /// The event's data.
    public var payload: Payload
    /// The chain hash: SHA-256 of the previous record's hash followed by this record's canonical bytes.
    public var hash: ChainHash
}

extension [UInt8] {
    /// The bytes as lower-case hexadecimal.
    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(count * 2)
        for byte in self {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
