public import HomewardStore

/// Every case, person link and statistic of a log, folded in memory from its events: the fresh
/// rebuild that the stored projections are checked against, and the engine of small stores.
public struct ReliefModel: Sendable {
    /// Case histories by case id, each with corrections and voids resolved.
    ///
    /// Keyed by the ids' bytes, as the store keeps them: two ids that Swift holds equal but that
    /// are written differently (a composed accent, or a letter and a combining accent) are two
    /// cases.
    public private(set) var cases: [BytewiseString: CaseHistory] = [:]

    /// Every case id, in the byte order of their UTF-8 (the store's order).
    public var caseIds: [String] { cases.keys.sorted().map(\.string) }
    /// The current links between person ids.
    public private(set) var links = PersonLinks()
    /// The region configuration.
    public let configuration: RegionConfiguration

    /// Folds stored events.
    /// - Parameters:
    ///   - records: Every record of the log, typed, in log order.
    ///   - configuration: Station regions, lines and the calendar.
    public init(records: [(stream: StreamID, record: CaseRecord)], configuration: RegionConfiguration) {
        self.configuration = configuration
        var byCase: [BytewiseString: [CaseRecord]] = [:]
        for (stream, record) in records {
            if let caseId = StreamNames.caseId(of: stream) {
                byCase[BytewiseString(caseId), default: []].append(record)
            } else {
                links.apply(record)
            }
        }
        for (caseId, caseRecords) in byCase {
            cases[caseId] = CaseHistory(records: caseRecords)
        }
    }

    /// Reads and folds every event of a store, or those recorded at or before a time.
    /// - Parameters:
    ///   - store: The store.
    ///   - configuration: Station regions, lines and the calendar.
    ///   - recordedBy: Only records recorded at or before this time (what was known then).
    /// - Throws: ``HomewardStore/EventStoreError`` or ``EventDecodingError``.
    public init(store: EventStore, configuration: RegionConfiguration, recordedBy: Timestamp? = nil) throws {
        let registry = EventRegistry.standard.withKeys(store.keys)
        var records: [(stream: StreamID, record: CaseRecord)] = []
        let last = try recordedBy.map { try store.lastPosition(recordedAtOrBefore: $0) }
        if last == 0 {
            self.init(records: [], configuration: configuration)
            return
        }
        try store.forEachEvent(through: last) { event in
            let record = CaseRecord(
                position: event.position, eventId: event.eventId, occurredAt: event.occurredAt,
                recordedAt: event.recordedAt, actor: event.actor, event: try registry.decode(event)
            )
            records.append((event.stream, record))
        }
        self.init(records: records, configuration: configuration)
    }

    /// A case's timeline.
    public func timeline(_ caseId: String) -> CaseTimeline? {
        let id = caseId.hasPrefix("case-") ? String(caseId.dropFirst(5)) : caseId
        return cases[BytewiseString(id)].map { CaseTimeline(caseId: id, history: $0, calendar: configuration.calendar) }
    }

    /// Every case's contribution to the statistics, with domain events after `occurredBy` left out.
    public func contributions(occurredBy: Timestamp? = nil) -> [CaseContribution] {
        cases.keys.sorted().map { id in
            var timeline = CaseTimeline(caseId: id.string, history: cases[id]!, calendar: configuration.calendar)
            if let occurredBy { timeline = timeline.occurred(by: occurredBy) }
            return CaseContribution(timeline, configuration: configuration)
        }
    }

    /// A period's figures for a region prefix.
    public func statistics(from: LocalDate, to: LocalDate, regionPrefix: String? = nil, occurredBy: Timestamp? = nil) -> PeriodStatistics {
        StatisticsCalculator(calendar: configuration.calendar).statistics(
            contributions(occurredBy: occurredBy), from: from, to: to, regionPrefix: regionPrefix, canonicalId: links.canonicalId(of:)
        )
    }

    /// The states of every case at a time.
    public func states(at time: Timestamp) -> [CaseState] {
        caseIds.compactMap { timeline($0)?.state(at: time) }
    }

    /// Canonical ids of every person who returned home (`ReturnedHome` or `CollectedByRelative`)
    /// by a time, in the byte order of their UTF-8.
    public func returnedPersons(at time: Timestamp) -> [String] {
        var persons = Set<BytewiseString>()
        for state in states(at: time) where !state.returns.isEmpty {
            if let personId = state.personId { persons.insert(BytewiseString(links.canonicalId(of: personId))) }
        }
        return persons.sorted().map(\.string)
    }

    /// A person's entitlement checks at a time (contract section 5, reading 19).
    /// - Parameters:
    ///   - personId: Any of the person's linked ids.
    ///   - time: The query time.
    /// - Returns: One check per programme, or `nil` when the person never returned home.
    public func entitlements(of personId: String, at time: Timestamp) -> [Program: ProgramEntitlement]? {
        let component = Set(links.component(of: personId).map { BytewiseString($0) })
        let states = states(at: time).filter { state in state.personId.map { component.contains(BytewiseString($0)) } ?? false }
        let inputs = EntitlementInputs(personId: links.canonicalId(of: personId), cases: states)
        guard inputs.latestReturn != nil else { return nil }
        return EntitlementRules.evaluate(inputs, configuration: configuration, at: time)
    }
}
