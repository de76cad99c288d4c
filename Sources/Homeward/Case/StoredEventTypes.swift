public import Foundation

/// The type of every event stored in a case's stream, by event id: what a correction or a void
/// may target.
///
/// A case holds a few dozen events: they are kept in one array, in the order noted, and looked
/// up from the newest back; past 32 events an index by id is kept as well, so a long stream is
/// never scanned. (A dictionary per case hashed every id and grew four times on the way to a
/// dozen events: a tenth of an import's checking thread.)
public struct StoredEventTypes: Sendable, Equatable {
    private var entries: [(id: UUID, type: String)] = []
    private var index: [UUID: Int]?

    /// Entries before an index is kept.
    static let scanned = 32

    /// No events.
    public init() {}

    /// The number of events noted (an id noted twice counts twice).
    public var count: Int { entries.count }

    /// The type of the event with an id (the one noted last, if the id was noted twice), or
    /// `nil`; setting a type notes the event (a stored event is never removed: setting `nil`
    /// changes nothing).
    public subscript(id: UUID) -> String? {
        get {
            if let index { return index[id].map { entries[$0].type } }
            return entries.last { $0.id == id }?.type
        }
        set {
            if let newValue { note(id, type: newValue) }
        }
    }

    /// Notes an event's id and type.
    public mutating func note(_ id: UUID, type: String) {
        if entries.isEmpty { entries.reserveCapacity(16) }
        entries.append((id, type))
        if index != nil {
            index![id] = entries.count - 1
        } else if entries.count > Self.scanned {
            var built: [UUID: Int] = [:]
            built.reserveCapacity(entries.count * 2)
            for (position, entry) in entries.enumerated() { built[entry.id] = position }
            index = built
        }
    }

    public static func == (lhs: StoredEventTypes, rhs: StoredEventTypes) -> Bool {
        lhs.entries.count == rhs.entries.count && zip(lhs.entries, rhs.entries).allSatisfy { $0.id == $1.id && $0.type == $1.type }
    }
}
