public import HomewardStore

/// The three relief projections over one store, and the queries they answer.
///
/// Every query first catches the projections up with the log, so it sees every append made
/// before it, and reads them in one read transaction (a consistent snapshot).
///
/// ```swift
/// let projections = try ReliefProjections(store: store, configuration: rules)
/// let december = try projections.statistics(from: LocalDate("2026-12-01")!, to: LocalDate("2027-01-01")!)
/// let overdue = try projections.cases(overdue: .stay10Days, at: .now)
/// ```
public final class ReliefProjections: Sendable {
    /// The store.
    public let store: EventStore
    /// The engine that keeps the projections.
    public let engine: ProjectionEngine
    /// Lines, stations and the calendar.
    public let configuration: RegionConfiguration
    let caseProjection: CaseStateProjection
    let statisticsProjection: StatisticsProjection
    let entitlementsProjection: EntitlementsProjection

    /// Opens the projections of a store (creating their databases) and, unless the store is
    /// read-only or `catchUp` is false, catches them up from their checkpoints.
    /// - Parameters:
    ///   - store: The store.
    ///   - configuration: Lines, stations and the calendar; a new one rebuilds the projections.
    ///   - batchSize: Events per write transaction while catching up.
    ///   - rebuildBatchSize: Events per write transaction while rebuilding in batches (see
    ///     ``ProjectionEngine/rebuildBatchSize``).
    ///   - streamGroupSize: Events per write transaction while rebuilding stream by stream (see
    ///     ``ProjectionEngine/streamGroupSize``).
    ///   - catchUp: Whether to catch up now (queries catch up anyway).
    ///   - progress: Called after each batch with the position reached and the head.
    public init(
        store: EventStore,
        configuration: RegionConfiguration,
        batchSize: Int = 20_000,
        rebuildBatchSize: Int = 250_000,
        streamGroupSize: Int = 100_000,
        catchUp: Bool = true,
        progress: (@Sendable (_ position: UInt64, _ head: UInt64) -> Void)? = nil
    ) throws {
        self.store = store
        self.configuration = configuration
        caseProjection = CaseStateProjection(configuration: configuration)
        statisticsProjection = StatisticsProjection(configuration: configuration)
        entitlementsProjection = EntitlementsProjection(configuration: configuration)
        engine = try ProjectionEngine(
            store: store, projections: [caseProjection, statisticsProjection, entitlementsProjection], batchSize: batchSize,
            rebuildBatchSize: rebuildBatchSize,
            streamRebuilder: ReliefStreamRebuilder(cases: caseProjection, statistics: statisticsProjection, entitlements: entitlementsProjection),
            streamGroupSize: streamGroupSize,
            progress: progress
        )
        if catchUp { try self.catchUp() }
    }

    /// The projection names.
    public static let names = ["caseState", "entitlements", "statistics"]

    /// Brings every projection up to the log's head.
    public func catchUp() throws {
        if !store.options.readOnly { try engine.catchUp() }
    }

    // MARK: Cases

    /// A case's stored state, as of its latest event.
    public func caseState(_ caseId: String) throws -> CaseState? {
        try catchUp()
        let id = caseId.hasPrefix("case-") ? String(caseId.dropFirst(5)) : caseId
        return try engine.read(caseProjection.name) { context in
            try context.get(ProjectionCoding.key("case", id)).map { try CaseState(binary: $0) }
        }
    }

    /// One line of a case list.
    public struct CaseSummary: Sendable, Hashable, Codable {
        public var caseId: String
        public var status: CaseStatus?
        public var identity: IdentityStatus
        public var stayDays: Int?
        public var personId: String?
        public var station: String?
        public var region: String?
        public var overdue: [DeadlineRule]
    }

    /// The cases, optionally only those with a status, station, region prefix or overdue rule at
    /// a time, sorted by case id (in the byte order of their UTF-8).
    public func cases(
        status: CaseStatus? = nil,
        station: String? = nil,
        regionPrefix: String? = nil,
        overdue rule: DeadlineRule? = nil,
        at time: Timestamp
    ) throws -> [CaseSummary] {
        try catchUp()
        // One read transaction: whether the time is before some case's last event, and the
        // states, from the same snapshot (in two, an append between them could move a case's
        // list entry away from the status it had at the time).
        let states = try engine.read(caseProjection.name) { context -> [CaseState] in
            // Before the latest event of some case, the lists (kept for the latest states) do
            // not apply: every case is folded at the time and filtered then. At or after every
            // case's last event, the stored states are the answer.
            var past = false
            if try CaseStateProjection.latest(in: context).map({ $0 > time }) ?? true {
                try context.scan(prefix: ProjectionCoding.key("case", "")) { _, value in
                    if (try CaseState(binary: value).lastEventAt ?? time) > time { past = true }
                    return !past
                }
            }
            // The list entries of the status (of each, when none is asked for) whose region
            // starts with the prefix, and whose value is the station asked for.
            var ids: [String]?
            if !past, status != nil || station != nil || regionPrefix != nil {
                var found: [String] = []
                let stationBytes = station.map { Array($0.utf8) }
                for prefix in CaseStateProjection.listPrefixes(status: status, regionPrefix: regionPrefix) {
                    try context.scan(prefix: prefix) { key, value in
                        if stationBytes == nil || stationBytes == value, let caseId = CaseStateProjection.caseId(ofListKey: key) { found.append(caseId) }
                        return true
                    }
                }
                ids = found
            }
            var states: [CaseState] = []
            if let ids {
                // Each case is in one list entry: no id comes twice.
                for id in ids {
                    if let bytes = try context.get(ProjectionCoding.key("case", id)) { states.append(try CaseState(binary: bytes)) }
                }
            } else {
                try context.scan(prefix: ProjectionCoding.key("case", "")) { _, value in
                    states.append(try CaseState(binary: value))
                    return true
                }
            }
            return states
        }
        let service = ReliefService(store: store, calendar: configuration.calendar)
        var summaries: [CaseSummary] = []
        for stored in states.sorted(by: { BytewiseString($0.caseId) < BytewiseString($1.caseId) }) {
            // The stored state is the latest; before its last event, fold the case at the time.
            let state = (stored.lastEventAt ?? time) > time ? try service.timeline(of: stored.caseId).state(at: time) : stored
            let overdue = state.overdue(at: time, calendar: configuration.calendar)
            if let rule, !overdue.contains(rule) { continue }
            let caseStation = state.latestAdmission?.station ?? state.firstStation
            let caseRegion = CaseStateProjection.region(of: state, configuration)
            if let status, state.status != status { continue }
            if let station, caseStation != station { continue }
            if let regionPrefix, !(caseRegion ?? "").hasPrefix(regionPrefix) { continue }
            var stayDays: Int?
            if let admission = state.latestAdmission {
                let end = admission.endedAt.map { min($0, time) } ?? time
                stayDays = configuration.calendar.date(end).daysSinceEpoch - configuration.calendar.date(admission.admittedAt).daysSinceEpoch
            }
            summaries.append(CaseSummary(
                caseId: state.caseId, status: state.status, identity: state.identity, stayDays: stayDays, personId: state.personId,
                station: caseStation, region: caseRegion, overdue: overdue
            ))
        }
        return summaries
    }

    // MARK: Statistics

    /// A region's figures for a period.
    public struct RegionStatistics: Sendable, Hashable {
        /// The region prefix the figures cover (`nil` for all regions).
        public var region: String?
        public var statistics: PeriodStatistics

        /// Creates an entry.
        public init(region: String?, statistics: PeriodStatistics) {
            self.region = region
            self.statistics = statistics
        }
    }

    /// A period's figures [from, to), for a region prefix, or one entry per region rolled up to
    /// `level` digits (2, 4, 6 or 9; 12 keeps the full codes).
    public func statistics(from: LocalDate, to: LocalDate, regionPrefix: String? = nil, level: Int? = nil) throws -> [RegionStatistics] {
        try catchUp()
        return try engine.read(statisticsProjection.name) { context in
            guard let level, level > (regionPrefix?.count ?? 0) else {
                return [RegionStatistics(region: regionPrefix, statistics: try statisticsProjection.statistics(in: context, from: from, to: to, regionPrefix: regionPrefix))]
            }
            var groups = Set<String>()
            try context.scan(prefix: ProjectionCoding.key("contribution", "")) { _, value in
                let contribution = try CaseContribution(binary: value)
                if let region = contribution.region, region.hasPrefix(regionPrefix ?? ""), region.count >= level {
                    groups.insert(String(region.prefix(level)))
                }
                return true
            }
            return try groups.sorted().map { group in
                RegionStatistics(region: group, statistics: try statisticsProjection.statistics(in: context, from: from, to: to, regionPrefix: group))
            }
        }
    }

    // MARK: Entitlements

    /// A person's checks at a time.
    public struct PersonEntitlements: Sendable, Hashable {
        /// The canonical person id.
        public var personId: String
        /// The query time.
        public var asOf: Timestamp
        /// One check per programme.
        public var programs: [Program: ProgramEntitlement]
    }

    /// A person's entitlement checks, by any of their linked ids; `nil` when they never returned home.
    public func entitlements(of personId: String, at time: Timestamp) throws -> PersonEntitlements? {
        try catchUp()
        return try engine.read(entitlementsProjection.name) { context in
            let links = try ProjectionCoding.links(in: context)
            return try evaluate(personId, links: links, at: time, in: context)
        }
    }

    /// Every person who returned home, with their checks, optionally only those with a
    /// programme in a status; sorted by person id.
    public func entitlements(program: Program? = nil, status: EntitlementStatus? = nil, at time: Timestamp) throws -> [PersonEntitlements] {
        try catchUp()
        return try engine.read(entitlementsProjection.name) { context in
            let links = try ProjectionCoding.links(in: context)
            var persons = Set<BytewiseString>()
            try context.scan(prefix: ProjectionCoding.key("case", "")) { _, value in
                let state = try CaseState(binary: value)
                if !state.returns.isEmpty, let personId = state.personId { persons.insert(BytewiseString(links.canonicalId(of: personId))) }
                return true
            }
            return try persons.sorted().compactMap { person in
                guard let checks = try evaluate(person.string, links: links, at: time, in: context) else { return nil }
                if let program, let status, checks.programs[program]?.status != status { return nil }
                if program == nil, let status, !checks.programs.values.contains(where: { $0.status == status }) { return nil }
                return checks
            }
        }
    }

    private func evaluate(_ personId: String, links: PersonLinks, at time: Timestamp, in context: ProjectionContext) throws -> PersonEntitlements? {
        var states = try entitlementsProjection.cases(of: personId, links: links, in: context)
        if states.contains(where: { ($0.lastEventAt ?? time) > time }) {
            let service = ReliefService(store: store, calendar: configuration.calendar)
            states = try states.map { try service.timeline(of: $0.caseId).state(at: time) }
            let component = Set(links.component(of: personId).map { BytewiseString($0) })
            states = states.filter { $0.personId.map { component.contains(BytewiseString($0)) } ?? false }
        }
        let inputs = EntitlementInputs(personId: links.canonicalId(of: personId), cases: states)
        guard inputs.latestReturn != nil else { return nil }
        return PersonEntitlements(personId: inputs.personId, asOf: time, programs: EntitlementRules.evaluate(inputs, configuration: configuration, at: time))
    }

    // MARK: Checking

    /// Compares the stored projections with a fresh in-memory rebuild of the whole log.
    /// - Returns: Every difference, in words; empty when they agree.
    public func differences(from model: ReliefModel) throws -> [String] {
        try catchUp()
        var problems: [String] = []
        let storedStates = try engine.read(caseProjection.name) { context -> [BytewiseString: CaseState] in
            var states: [BytewiseString: CaseState] = [:]
            try context.scan(prefix: ProjectionCoding.key("case", "")) { _, value in
                let state = try CaseState(binary: value)
                states[BytewiseString(state.caseId)] = state
                return true
            }
            return states
        }
        for caseId in Set(model.cases.keys).union(storedStates.keys).sorted() {
            let fresh = model.timeline(caseId.string)?.latestState
            if fresh != storedStates[caseId] { problems.append("caseState: case \(caseId) differs from a fresh rebuild") }
        }
        let storedContributions = try engine.read(statisticsProjection.name) { context -> [CaseContribution] in
            var contributions: [CaseContribution] = []
            try context.scan(prefix: ProjectionCoding.key("contribution", "")) { _, value in
                contributions.append(try CaseContribution(binary: value))
                return true
            }
            return contributions
        }
        if storedContributions != model.contributions() {
            problems.append("statistics: the stored case contributions differ from a fresh rebuild")
        }
        if let first = model.contributions().flatMap(\.counts).map(\.date).min(), let last = model.contributions().flatMap(\.counts).map(\.date).max() {
            let stored = try statistics(from: first, to: last.adding(days: 1))[0].statistics
            let fresh = model.statistics(from: first, to: last.adding(days: 1))
            if stored != fresh { problems.append("statistics: the figures from \(first) to \(last) differ from a fresh rebuild") }
            // Each calendar month, whose distinct persons come from the monthly counts.
            var (year, month, _) = first.components
            while let start = LocalDate(year: year, month: month, day: 1), start <= last {
                (year, month) = month == 12 ? (year + 1, 1) : (year, month + 1)
                let end = LocalDate(year: year, month: month, day: 1)!
                if try statistics(from: start, to: end)[0].statistics != model.statistics(from: start, to: end) {
                    problems.append("statistics: the figures of \(String(start.description.prefix(7))) differ from a fresh rebuild")
                }
            }
        }
        let storedEntitlementStates = try engine.read(entitlementsProjection.name) { context -> Int in
            var count = 0
            try context.scan(prefix: ProjectionCoding.key("case", "")) { _, value in
                let state = try CaseState(binary: value)
                if model.timeline(state.caseId)?.latestState != state { problems.append("entitlements: case \(state.caseId) differs from a fresh rebuild") }
                count += 1
                return true
            }
            return count
        }
        let casesWithPersons = model.caseIds.filter { model.timeline($0)?.latestState.personId != nil }.count
        if storedEntitlementStates != casesWithPersons {
            problems.append("entitlements: \(storedEntitlementStates) cases stored, \(casesWithPersons) with a person id in the log")
        }
        return problems
    }
}

extension ReliefProjections {
    /// Rebuilds every projection from position 1, as after forgetting a person: case states and
    /// entitlements that used a forgotten birth date must not keep it.
    public func rebuildAll() throws {
        try engine.rebuild(ReliefProjections.names)
    }
}
