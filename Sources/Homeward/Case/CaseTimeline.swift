public import HomewardStore

/// A case's effective events in fold order, and its state and deadlines at any time, on both time
/// axes (readings 5, 6, 8, 11, 12).
public struct CaseTimeline: Sendable {
    /// The case id.
    public let caseId: String
    /// The effective events in fold order: `occurredAt`, ties by position.
    public let events: [CaseRecord]
    /// The calendar for local dates.
    public let calendar: LocalCalendar

    /// Builds the timeline of a resolved history.
    /// - Parameters:
    ///   - caseId: The case id.
    ///   - history: The stream's records with corrections and voids resolved.
    ///   - calendar: The calendar for local dates.
    public init(caseId: String, history: consuming CaseHistory, calendar: LocalCalendar = .chinaStandardTime) {
        self.caseId = caseId
        self.calendar = calendar
        var effective = history.effective
        // The history let go of, its records are this timeline's alone: sorted where they lie
        // (moved), not copied record by record into a new array (a third of the cases of a
        // campaign have back-dated events).
        _ = consume history
        let inOrder = effective.indices.dropFirst().allSatisfy { index in
            (effective[index - 1].occurredAt, effective[index - 1].position) < (effective[index].occurredAt, effective[index].position)
        }
        if !inOrder { effective.sort { ($0.occurredAt, $0.position) < ($1.occurredAt, $1.position) } }
        events = effective
    }

    private init(caseId: String, events: [CaseRecord], calendar: LocalCalendar) {
        self.caseId = caseId
        self.events = events
        self.calendar = calendar
    }

    /// The timeline without the domain events that occurred after `time` (reading 6).
    public func occurred(by time: Timestamp) -> CaseTimeline {
        CaseTimeline(caseId: caseId, events: events.filter { $0.occurredAt <= time }, calendar: calendar)
    }

    /// The state folded from every event that occurred at or before `time`.
    public func state(at time: Timestamp) -> CaseState {
        var state = CaseState(caseId: caseId)
        for record in events where record.occurredAt <= time { state.apply(record) }
        return state
    }

    /// The state folded from every event.
    public var latestState: CaseState {
        var state = CaseState(caseId: caseId)
        for index in events.indices { state.apply(events[index]) }
        return state
    }

    /// The rules overdue at `time`.
    public func overdue(at time: Timestamp) -> [DeadlineRule] {
        state(at: time).overdue(at: time, calendar: calendar)
    }

    /// Every rule that was overdue at some instant up to `time` (reading 11): deadlines met late
    /// stay here.
    public func missed(upTo time: Timestamp) -> [DeadlineRule] {
        var candidates = latestState.deadlineInstants(calendar: calendar).map { $0.adding(seconds: 0) }
        candidates = candidates.map { Timestamp(microsecondsSinceEpoch: $0.microsecondsSinceEpoch + 1) }
        for record in events {
            candidates.append(Timestamp(microsecondsSinceEpoch: record.occurredAt.microsecondsSinceEpoch - 1))
            candidates.append(record.occurredAt)
        }
        candidates.append(time)
        var missed = Set<DeadlineRule>()
        for candidate in Set(candidates) where candidate <= time {
            missed.formUnion(overdue(at: candidate))
            if missed.count == DeadlineRule.allCases.count { break }
        }
        return missed.sorted()
    }

    /// The case's state as contract section 4 reports it, at a query time.
    /// - Parameters:
    ///   - time: The query time.
    ///   - includingLaterEvents: Fold every event, also those that occurred after `time`
    ///     (`--now T` alone moves only the clock for deadlines and ages, reading 6); by default
    ///     events after `time` are left out (as of occurred `time`).
    public func snapshot(at time: Timestamp, includingLaterEvents: Bool = false) -> CaseSnapshot {
        let state = includingLaterEvents ? latestState : state(at: time)
        var stayDays: Int?
        if let admission = state.latestAdmission {
            let end = admission.endedAt.map { min($0, time) } ?? time
            stayDays = calendar.date(end).daysSinceEpoch - calendar.date(admission.admittedAt).daysSinceEpoch
        }
        return CaseSnapshot(
            caseId: caseId,
            status: state.status,
            identity: state.identity,
            stayDays: stayDays,
            personId: state.personId,
            flags: state.flags.map(\.rawValue).sorted(),
            overdue: state.overdue(at: time, calendar: calendar),
            missed: missed(upTo: time),
            station: state.latestAdmission?.station ?? state.firstStation,
            region: state.firstReport?.region,
            asOf: time
        )
    }
}

/// A case's state for people and scripts (contract section 4).
public struct CaseSnapshot: Sendable, Hashable, Codable {
    /// The case id.
    public var caseId: String
    /// The status; `nil` when no event set one.
    public var status: CaseStatus?
    /// How far the identity is established.
    public var identity: IdentityStatus
    /// Local days of the latest stay (to its end or the query time); `nil` if never admitted.
    public var stayDays: Int?
    /// The latest verified person id, else the latest admitted one.
    public var personId: String?
    /// Risks seen, sorted.
    public var flags: [String]
    /// Rules overdue at the query time, in the table's order.
    public var overdue: [DeadlineRule]
    /// Rules overdue at some instant up to the query time.
    public var missed: [DeadlineRule]
    /// The station of the latest admission, else the first station named.
    public var station: String?
    /// The region of the first report.
    public var region: String?
    /// The query time.
    public var asOf: Timestamp
}
