import Foundation
import HomewardStore

/// Keys and JSON values of the relief projections' stored state.
enum ProjectionCoding {
    static func key(_ parts: String...) -> [UInt8] {
        // Straight into the key's bytes: joining the parts into a string first made a string
        // and copied it again (a rebuild makes several keys per case).
        var key: [UInt8] = []
        key.reserveCapacity(parts.reduce(parts.count) { $0 + $1.utf8.count })
        for (index, part) in parts.enumerated() {
            if index > 0 { key.append(UInt8(ascii: "/")) }
            key.appendUTF8(of: part)
        }
        return key
    }

    /// ``key(_:)`` of three parts, with `more` bytes of room for what a caller appends: without
    /// the array of parts that a variadic call allocates (a rebuild's finish makes a key of three
    /// parts for every admission and every pickup bucket).
    static func key(_ first: String, _ second: String, _ third: String, room more: Int = 0) -> [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(first.utf8.count + second.utf8.count + third.utf8.count + 2 + more)
        key.appendUTF8(of: first)
        key.append(UInt8(ascii: "/"))
        key.appendUTF8(of: second)
        key.append(UInt8(ascii: "/"))
        key.appendUTF8(of: third)
        return key
    }

    static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        Array(try JSONEncoder().encode(value))
    }

    static func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8]) throws -> T {
        try JSONDecoder().decode(type, from: Data(bytes))
    }

    /// A stable 20-bit digest of a configuration, folded into a projection's version so that a
    /// new configuration rebuilds it.
    static func digest(_ configuration: RegionConfiguration) -> Int {
        var text = configuration.calendar.utcOffsetSeconds.description
        for prefix in configuration.regions.keys.sorted() {
            let settings = configuration.regions[prefix]!
            text += "|\(prefix):\(settings.dibaoLine ?? -1):\(settings.lowIncomeFactor ?? -1)"
        }
        for station in configuration.stations.keys.sorted() { text += "|\(station):\(configuration.stations[station]!.region)" }
        var hash: UInt32 = 2_166_136_261
        for byte in text.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return Int(hash & 0xfffff)
    }

    /// The case streams touched by a batch, and whether it touched person links; computed once
    /// per batch for the projections that apply it together.
    static func touched(_ events: [RecordedEvent], in context: ProjectionContext) -> (cases: [String], links: Bool) {
        context.batchCache.value("touched") { touched(events) }
    }

    /// The case streams touched by a batch, and whether it touched person links.
    static func touched(_ events: [RecordedEvent]) -> (cases: [String], links: Bool) {
        var cases: [String] = []
        // By the ids' bytes: two cases whose ids Swift holds equal are two cases to fold.
        var seen = Set<BytewiseString>()
        var links = false
        for event in events {
            if let id = StreamNames.caseId(of: event.stream) {
                if seen.insert(BytewiseString(id)).inserted { cases.append(id) }
            } else if event.hasType("PersonsLinked") || event.hasType("PersonsUnlinked") {
                links = true
            }
        }
        return (cases, links)
    }

    /// A case's timeline and latest state, read from the log in the projection's transaction once
    /// per batch (the projections applying the batch together share it).
    static func folded(_ caseId: String, in context: ProjectionContext, configuration: RegionConfiguration) throws -> (timeline: CaseTimeline, state: CaseState) {
        try context.batchCache.value("case/\(caseId)") {
            let timeline = try timeline(caseId, in: context, configuration: configuration)
            return (timeline, timeline.latestState)
        }
    }

    /// A case's timeline, read from the log in the projection's transaction.
    static func timeline(_ caseId: String, in context: ProjectionContext, configuration: RegionConfiguration) throws -> CaseTimeline {
        let registry = ProjectionCoding.registry(keys: context.keys)
        return try timeline(caseId, of: try context.events(in: StreamNames.caseStream(caseId)), registry: registry, configuration: configuration)
    }

    /// The event types whose personal fields a projection reads: the only one is
    /// `IdentityVerified.birthDate` (ages, for the entitlements and the guards), which a
    /// correction may change. Opening every sealed payload (a key lookup and an AES-GCM open
    /// each) was a quarter of rebuilding a store with a key store.
    static let typesWithPersonalFieldsRead: Set<String> = [IdentityVerified.typeName, EventCorrected.typeName]

    /// The registry the projections decode with: sealed personal fields are opened only for
    /// ``typesWithPersonalFieldsRead``.
    static func registry(keys: KeyStore?) -> EventRegistry {
        EventRegistry.standard.withKeys(keys).openingPersonalFields(only: typesWithPersonalFieldsRead)
    }

    /// Stands for who recorded each event in the projections' timelines: no projection reads
    /// it, and reading it made three strings per event (most of them allocated) in a rebuild.
    static let actorNotRead = EventActor(id: "", role: "", org: "")

    /// A case's timeline from its stream's events, for the projections: its records leave out
    /// who recorded each event (``actorNotRead``).
    static func timeline(_ caseId: String, of events: [RecordedEvent], registry: EventRegistry, configuration: RegionConfiguration) throws -> CaseTimeline {
        let records = try events.map { event in
            do {
                return CaseRecord(
                    position: event.position, eventId: event.eventId, occurredAt: event.occurredAt,
                    recordedAt: event.recordedAt, actor: actorNotRead, event: try registry.decode(event)
                )
            } catch {
                throw ProjectionFailure(position: event.position, type: event.type, cause: "\(error)")
            }
        }
        return CaseTimeline(caseId: caseId, history: CaseHistory(records: records, registry: registry), calendar: configuration.calendar)
    }

    /// Applies the batch's link events to the stored links: each change is its own entry,
    /// `link/<position>` (position zero-padded so keys sort in log order), so a batch writes only
    /// its own changes.
    static func updateLinks(_ events: [RecordedEvent], in context: ProjectionContext) throws {
        try updateLinks(linkChanges(events, in: context), in: context)
    }

    /// The batch's link changes, decoded once for the projections that apply it together.
    static func linkChanges(_ events: [RecordedEvent], in context: ProjectionContext) throws -> [PersonLinks.Change] {
        try context.batchCache.value("linkChanges") { try linkChanges(events, registry: ProjectionCoding.registry(keys: context.keys)) }
    }

    /// Stores link changes.
    static func updateLinks(_ changes: [PersonLinks.Change], in context: ProjectionContext) throws {
        for (key, value) in linkEntries(changes) { try context.put(key, value) }
    }

    /// The stored entries of link changes.
    static func linkEntries(_ changes: [PersonLinks.Change]) -> [(key: [UInt8], value: [UInt8])] {
        var entries: [(key: [UInt8], value: [UInt8])] = []
        var index = 0
        for (offset, change) in changes.enumerated() {
            index = offset > 0 && changes[offset - 1].position == change.position ? index + 1 : 0
            entries.append((linkKey(position: change.position, index: index), BucketCoding.linkChange(change)))
        }
        return entries
    }

    /// The link changes of the link events among `events`, in their order.
    static func linkChanges(_ events: [RecordedEvent], registry: EventRegistry) throws -> [PersonLinks.Change] {
        var changes: [PersonLinks.Change] = []
        for event in events where event.hasType("PersonsLinked") || event.hasType("PersonsUnlinked") {
            let record: CaseRecord
            do {
                record = CaseRecord(
                    position: event.position, eventId: event.eventId, occurredAt: event.occurredAt,
                    recordedAt: event.recordedAt, actor: event.actor, event: try registry.decode(event)
                )
            } catch {
                throw ProjectionFailure(position: event.position, type: event.type, cause: "\(error)")
            }
            var links = PersonLinks()
            links.apply(record)
            changes += links.history
        }
        return changes
    }

    private static func linkKey(position: UInt64, index: Int) -> [UInt8] {
        let digits = String(position)
        return key("link", String(repeating: "0", count: max(0, 20 - digits.count)) + digits + "." + String(index))
    }

    /// The stored links.
    static func links(in context: ProjectionContext) throws -> PersonLinks {
        var changes: [PersonLinks.Change] = []
        try context.scan(prefix: key("link", "")) { _, value in
            changes.append(try BucketCoding.linkChange(value))
            return true
        }
        return PersonLinks(replaying: changes)
    }
}
