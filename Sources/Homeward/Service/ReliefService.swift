public import Foundation
public import HomewardStore

/// The API embedding applications record relief work through: one method per command.
///
/// Each command loads the case's stream, decides it against the guards (``Case/decide(_:_:now:calendar:)``),
/// and appends the resulting events with the stream's version as the expected version. When
/// another writer got there first, it waits a short random while, loads the case again and
/// decides again, up to ``maxAttempts`` times. Time comes from the injected clock.
///
/// ```swift
/// let service = ReliefService(store: store)
/// try await service.report("HZ-2026-0001", ReportReceived(channel: .hotline, region: "330106001001",
///     location: "under the Wulin bridge", description: "man sleeping on cardboard", risks: [.cold]), by: dispatcher)
/// ```
public final class ReliefService: Sendable {
    /// The event store.
    public let store: EventStore
    /// Reads and writes event payloads.
    public let registry: EventRegistry
    /// Local dates for deadlines and ages.
    public let calendar: LocalCalendar
    /// How many times a command is decided again after losing a race to another writer.
    public let maxAttempts: Int
    let clock: @Sendable () -> Timestamp
    /// Which roles may record which event types; `nil` lets every role record every type.
    public let policy: RolePolicy?

    /// Creates a service.
    /// - Parameters:
    ///   - store: The event store.
    ///   - registry: The event registry.
    ///   - calendar: Local dates for deadlines and ages.
    ///   - maxAttempts: Attempts per command under concurrent writers.
    ///   - clock: Where "now" comes from.
    ///   - policy: Which roles may record which event types; a refused event throws
    ///     ``PolicyRefusal`` and nothing of its command is stored.
    public init(
        store: EventStore,
        registry: EventRegistry = .standard,
        calendar: LocalCalendar = .chinaStandardTime,
        maxAttempts: Int = 16,
        clock: @escaping @Sendable () -> Timestamp = { .now },
        policy: RolePolicy? = nil
    ) {
        self.policy = policy
        self.store = store
        self.registry = registry.keys == nil ? registry.withKeys(store.keys) : registry
        self.calendar = calendar
        self.maxAttempts = max(1, maxAttempts)
        self.clock = clock
    }

    /// What a command recorded.
    public struct CommandResult: Sendable, Hashable {
        /// The stream written.
        public var stream: StreamID
        /// The log positions of the events.
        public var positions: [UInt64]
        /// The ids of the events.
        public var eventIds: [UUID]
        /// The stream's version after the command.
        public var streamVersion: UInt64
        /// How many times the command was decided (more than 1 after concurrent writers).
        public var attempts: Int
    }

    // MARK: Reading a case

    /// The stored records of a stream, typed.
    /// - Parameter stream: The stream.
    /// - Returns: Its records in log order.
    /// - Throws: ``HomewardStore/EventStoreError`` or ``EventDecodingError``.
    public func records(of stream: StreamID) throws -> [CaseRecord] {
        try store.events(in: stream).map { try record($0) }
    }

    /// A stored event, typed.
    public func record(_ event: RecordedEvent) throws -> CaseRecord {
        CaseRecord(
            position: event.position,
            eventId: event.eventId,
            occurredAt: event.occurredAt,
            recordedAt: event.recordedAt,
            actor: event.actor,
            event: try registry.decode(event)
        )
    }

    /// A case's records with corrections and voids resolved.
    /// - Parameters:
    ///   - caseId: The case id, with or without `case-`.
    ///   - recordedBy: Only records recorded at or before this time (what was known then).
    public func history(of caseId: String, recordedBy: Timestamp? = nil) throws -> CaseHistory {
        var records = try records(of: StreamNames.caseStream(caseId))
        if let recordedBy { records = records.filter { $0.recordedAt <= recordedBy } }
        return CaseHistory(records: records, registry: registry)
    }

    /// A case's timeline (effective events in `occurredAt` order).
    public func timeline(of caseId: String, recordedBy: Timestamp? = nil) throws -> CaseTimeline {
        let stream = try StreamNames.caseStream(caseId)
        return CaseTimeline(caseId: StreamNames.caseId(of: stream) ?? caseId, history: try history(of: caseId, recordedBy: recordedBy), calendar: calendar)
    }

    /// A case's state now (or at `time`), as contract section 4 reports it.
    public func snapshot(of caseId: String, at time: Timestamp? = nil) throws -> CaseSnapshot {
        try timeline(of: caseId).snapshot(at: time ?? clock())
    }

    /// What the system knew of a case at recorded time `time` (reading 5): only records recorded by
    /// then; the query time defaults to `time`.
    public func snapshot(of caseId: String, asOfRecorded time: Timestamp, now: Timestamp? = nil) throws -> CaseSnapshot {
        try timeline(of: caseId, recordedBy: time).snapshot(at: now ?? time)
    }

    /// What was true of a case at occurred time `time` by everything known now (reading 6).
    public func snapshot(of caseId: String, asOfOccurred time: Timestamp, now: Timestamp? = nil) throws -> CaseSnapshot {
        try timeline(of: caseId).snapshot(at: now ?? time)
    }

    /// The rules overdue in a case at a time.
    public func overdue(_ caseId: String, at time: Timestamp? = nil) throws -> [DeadlineRule] {
        try timeline(of: caseId).overdue(at: time ?? clock())
    }

    /// The case state the guards judge a new event against: every effective event in log order.
    func decisionState(caseId: String, records: [CaseRecord]) -> CaseState {
        var state = CaseState(caseId: caseId)
        if records.isEmpty { return state }
        let history = CaseHistory(records: records, registry: registry)
        for record in history.effective { state.apply(record) }
        for record in records { state.noteStored(record) }
        return state
    }

    // MARK: Executing commands

    /// Decides and records a command in a case, retrying after concurrent writers.
    /// - Parameters:
    ///   - command: What to record.
    ///   - caseId: The case, with or without `case-`.
    ///   - actor: Who records it.
    ///   - correlationId: Groups the events of one piece of work.
    ///   - causationId: What caused it.
    /// - Returns: What was recorded.
    /// - Throws: ``RuleViolation`` when a guard refuses it; ``HomewardStore/EventStoreError``.
    @discardableResult
    public func execute(
        _ command: CaseCommand,
        on caseId: String,
        by actor: EventActor,
        correlationId: String? = nil,
        causationId: String? = nil
    ) async throws -> CommandResult {
        let stream = try StreamNames.caseStream(caseId)
        return try await retryingLostRaces { attempt in
            let records = try records(of: stream)
            let events = try caseEvents(command, in: stream, records: records, by: actor, correlationId: correlationId, causationId: causationId)
            let result = try await store.append(events, to: stream, expectedVersion: .exact(UInt64(records.count)))
            return CommandResult(stream: stream, positions: result.positions, eventIds: events.map(\.eventId), streamVersion: result.streamVersion, attempts: attempt)
        }
    }

    /// Decides a command against a case stream's records and makes its events to append: each
    /// allowed by the policy, with the decision's time, and sealed under the right key.
    private func caseEvents(
        _ command: CaseCommand,
        in stream: StreamID,
        records: [CaseRecord],
        by actor: EventActor,
        correlationId: String? = nil,
        causationId: String? = nil
    ) throws -> [NewEvent] {
        let state = decisionState(caseId: StreamNames.caseId(of: stream) ?? stream.rawValue, records: records)
        let decision = try Case.decide(state, command, now: clock(), calendar: calendar).get()
        for event in decision.events { try checkPolicy(event.typeName, by: actor) }
        var events = decision.events.map { event in
            NewEvent(
                type: event.typeName,
                schemaVersion: event.schemaVersion,
                occurredAt: decision.occurredAt,
                actor: actor,
                correlationId: correlationId,
                causationId: causationId,
                payload: event.payload
            )
        }
        var personId = state.personId
        let keyNames = decision.events.map { event in
            defer { personId = PersonalKeys.personId(in: event) ?? personId }
            return PersonalKeys.name(for: event, in: stream, knownPersonId: personId)
        }
        try registry.seal(&events, keyNames: keyNames)
        return events
    }

    /// Runs `body` (numbered from 1) until it does not lose a race on an expected version,
    /// pausing between tries, at most ``maxAttempts`` times; the last loss is thrown.
    private func retryingLostRaces<Result>(_ body: (_ attempt: Int) async throws -> Result) async throws -> Result {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await body(attempt)
            } catch EventStoreError.Code.wrongExpectedVersion where attempt < maxAttempts {
                try await Task.sleep(nanoseconds: Self.backoff(afterAttempt: attempt))
            }
        }
    }

    /// A random pause before deciding again, growing with each lost race, so writers that keep
    /// colliding on one stream spread out instead of colliding again: up to 0.1 ms after the first
    /// loss, doubling to at most 6.4 ms.
    static func backoff(afterAttempt attempt: Int) -> UInt64 {
        let ceiling: UInt64 = 100_000 << UInt64(min(max(attempt - 1, 0), 6))
        return UInt64.random(in: 0...ceiling)
    }

    /// Records an event of the catalogue in a case.
    @discardableResult
    public func record(_ event: DomainEvent, in caseId: String, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        try await execute(.record(event, occurredAt: occurredAt), on: caseId, by: actor)
    }

    // MARK: Persons

    /// The links and unlinks recorded in a person's stream.
    public func personRecords(_ personId: String) throws -> [CaseRecord] {
        try records(of: StreamNames.personStream(personId))
    }

    /// The current links between person ids, from every person stream of the log.
    public func personLinks() throws -> PersonLinks {
        var links = PersonLinks()
        try store.forEachEvent { event in
            guard event.hasType("PersonsLinked") || event.hasType("PersonsUnlinked") else { return }
            links.apply(try record(event))
        }
        return links
    }

    /// Records that two person ids are one human, in stream `person-<first id>`, appended with
    /// that stream's version as the expected one (decided again after a concurrent append).
    @discardableResult
    public func link(_ first: String, _ second: String, basis: String, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        guard PersonLinks.Pair(first, second) != nil else {
            throw RuleViolation(.invalidPersonLink, "A link needs two different person ids; both are \(first).")
        }
        let event = DomainEvent.personsLinked(PersonsLinked(personIds: [first, second], basis: basis))
        return try await appendPersonFactDecided(to: first, occurredAt: occurredAt, by: actor) { _ in event }
    }

    /// Records that two linked person ids are no longer one human, in stream `person-<first id>`.
    /// The pair must be linked when the unlink is decided; it is appended with that stream's
    /// version as the expected one, so of two concurrent unlinks of a pair one is recorded and
    /// the other, decided again, is refused.
    @discardableResult
    public func unlink(_ first: String, _ second: String, reason: String, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        guard PersonLinks.Pair(first, second) != nil else {
            throw RuleViolation(.invalidPersonLink, "An unlink needs two different person ids; both are \(first).")
        }
        let event = DomainEvent.personsUnlinked(PersonsUnlinked(personIds: [first, second], reason: reason))
        return try await appendPersonFactDecided(to: first, occurredAt: occurredAt, by: actor) { firstRecords in
            var links = PersonLinks()
            for record in try firstRecords + personRecords(second) { links.apply(record) }
            guard links.areLinked(first, second) else {
                throw RuleViolation(.invalidPersonLink, "Person ids \(first) and \(second) are not linked, so they cannot be unlinked.")
            }
            return event
        }
    }

    /// Decides a fact of `person-<personId>` against that stream as stored, and appends it with
    /// the stream's version as the expected one; after a concurrent append to the stream it
    /// decides again (with the same pauses as case commands), up to ``maxAttempts`` times.
    func appendPersonFactDecided(
        to personId: String,
        occurredAt: Timestamp?,
        by actor: EventActor,
        decide: ([CaseRecord]) throws -> DomainEvent
    ) async throws -> CommandResult {
        let stream = try StreamNames.personStream(personId)
        return try await retryingLostRaces { attempt in
            let records = try records(of: stream)
            var result = try await appendPersonFact(try decide(records), to: personId, occurredAt: occurredAt, by: actor, expectedVersion: .exact(UInt64(records.count)))
            result.attempts = attempt
            return result
        }
    }

    /// Throws ``PolicyRefusal`` when the policy does not let the actor's role record the type.
    func checkPolicy(_ eventType: String, by actor: EventActor) throws(PolicyRefusal) {
        if let refusal = policy?.refusal(of: eventType, by: actor.role) { throw refusal }
    }

    func appendPersonFact(
        _ event: DomainEvent, to personId: String, occurredAt: Timestamp?, by actor: EventActor,
        eventId: UUID = .timeOrdered(), causationId: String? = nil, expectedVersion: ExpectedVersion = .any
    ) async throws -> CommandResult {
        try checkPolicy(event.typeName, by: actor)
        let stream = try StreamNames.personStream(personId)
        var events = [NewEvent(
            type: event.typeName,
            schemaVersion: event.schemaVersion,
            eventId: eventId,
            occurredAt: occurredAt ?? clock(),
            actor: actor,
            causationId: causationId,
            payload: event.payload
        )]
        try registry.seal(&events, keyNames: [PersonalKeys.person(personId)])
        let newEvent = events[0]
        let result = try await store.append(events, to: stream, expectedVersion: expectedVersion)
        return CommandResult(stream: stream, positions: result.positions, eventIds: [newEvent.eventId], streamVersion: result.streamVersion, attempts: 1)
    }

    /// Records that a case's person was identified, in the case and as a fact of the person's
    /// stream (`person-<personId>`, caused by the case's event), both in one transaction: either
    /// both are stored or neither is.
    ///
    /// The case event is decided and guarded like any command and appended with the case's
    /// version as the expected one, deciding again after a concurrent append. (The two streams'
    /// transaction is committed on the calling thread, not through the group-commit writer.)
    @discardableResult
    public func verifyIdentity(_ caseId: String, _ event: IdentityVerified, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        let stream = try StreamNames.caseStream(caseId)
        let personStream = try StreamNames.personStream(event.personId)
        let domainEvent = DomainEvent.identityVerified(event)
        return try await retryingLostRaces { attempt in
            let records = try records(of: stream)
            let caseEvent = try caseEvents(.record(domainEvent, occurredAt: occurredAt), in: stream, records: records, by: actor)[0]
            var fact = [NewEvent(
                type: domainEvent.typeName, schemaVersion: domainEvent.schemaVersion,
                eventId: ReliefService.personFactId(for: caseEvent.eventId), occurredAt: caseEvent.occurredAt, actor: actor,
                causationId: caseEvent.eventId.uuidString.lowercased(), payload: domainEvent.payload
            )]
            try registry.seal(&fact, keyNames: [PersonalKeys.person(event.personId)])
            let results = try store.append([
                StreamAppend(stream: stream, events: [caseEvent], expectedVersion: .exact(UInt64(records.count))),
                StreamAppend(stream: personStream, events: fact),
            ])
            return CommandResult(stream: stream, positions: results[0].positions, eventIds: [caseEvent.eventId], streamVersion: results[0].streamVersion, attempts: attempt)
        }
    }

    /// The id of a person-stream fact derived from a case event, so that a retry stores it once.
    static func personFactId(for caseEventId: UUID) -> UUID {
        var bytes = caseEventId.uuid
        withUnsafeMutableBytes(of: &bytes) { raw in
            for index in 0..<16 where index != 6 && index != 8 { raw[index] ^= 0x5a }
            raw[6] = (raw[6] & 0x0f) | 0x80
        }
        return UUID(uuid: bytes)
    }
}
