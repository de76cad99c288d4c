public import HomewardStore

/// What one case adds to the statistics, with a local date on every item: the counted events
/// (the bed nights of ended stays among them, as dated `bedNights` counts), the admissions with
/// their person ids, the first-report-to-pickup time, and the stays that a period's figures still
/// need whole: open stays and stays longer than ten days. Kept per case so that a late correction
/// or void replaces the case's whole contribution.
public struct CaseContribution: Sendable, Hashable, Codable {
    /// A counted event: its local date and what it counts as.
    public struct Count: Sendable, Hashable, Codable {
        public var date: LocalDate
        /// The counter, such as `reports`, `reportsByChannel.hotline` or `itemsDistributed.blanket`.
        public var key: String {
            get { counter.name }
            set { counter = Counter(name: newValue) }
        }
        public var amount: Int
        /// The counter, by its number where the table has it (what the stored form keeps).
        var counter: Counter

        init(date: LocalDate, key: String, amount: Int) {
            self.init(date: date, counter: Counter(name: key), amount: amount)
        }

        init(date: LocalDate, counter: Counter, amount: Int) {
            self.date = date
            self.counter = counter
            self.amount = amount
        }

        private enum CodingKeys: String, CodingKey {
            case date, key, amount
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                date: try container.decode(LocalDate.self, forKey: .date), key: try container.decode(String.self, forKey: .key),
                amount: try container.decode(Int.self, forKey: .amount)
            )
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(date, forKey: .date)
            try container.encode(key, forKey: .key)
            try container.encode(amount, forKey: .amount)
        }
    }

    /// An admission: its local date, its person id and whether it was of a minor.
    public struct AdmissionEntry: Sendable, Hashable, Codable {
        public var date: LocalDate
        public var personId: String
        public var minor: Bool
    }

    /// A stay, for bed nights and the stranded counts.
    public struct Stay: Sendable, Hashable, Codable {
        public var admittedAt: Timestamp
        /// When it ended, if it has.
        public var endedAt: Timestamp?
        /// Hospital stays within it, in and out (out closed at the stay's end).
        public var hospital: [Interval]
    }

    /// An interval of instants; an open end means "not yet".
    public struct Interval: Sendable, Hashable, Codable {
        public var start: Timestamp
        public var end: Timestamp?
    }

    /// The case's region (reading 13); `nil` when neither a report nor a configured station names one.
    public var region: String?
    public var counts: [Count] = []
    public var admissions: [AdmissionEntry] = []
    /// The local date of the first pickup and the minutes from the first report to it.
    public var pickupDelay: PickupDelay?
    /// Open stays (their nights depend on the period end) and ended stays longer than 240 hours
    /// (they may be stranded at some period end); shorter ended stays are counted as `bedNights`.
    public var stays: [Stay] = []

    /// The longest ended stay that can never be stranded over ten days at any period end.
    static let strandedThresholdHours: Int64 = 240

    /// Minutes from the first report to the first pickup, dated by the pickup.
    public struct PickupDelay: Sendable, Hashable, Codable {
        public var date: LocalDate
        public var minutes: Double
    }

    /// An empty contribution, for summing buckets.
    static var empty: Builder { Builder() }

    /// Collects bucket contents into a contribution.
    struct Builder {
        var counts: [Count] = []
        var admissions: [AdmissionEntry] = []
        var delays: [Double] = []
        var stays: [Stay] = []
        var contribution: CaseContribution {
            CaseContribution(region: nil, counts: counts, admissions: admissions, pickupDelay: nil, stays: stays)
        }
    }

    init(region: String?, counts: [Count], admissions: [AdmissionEntry], pickupDelay: PickupDelay?, stays: [Stay]) {
        self.region = region
        self.counts = counts
        self.admissions = admissions
        self.pickupDelay = pickupDelay
        self.stays = stays
    }

    /// Computes a case's contribution from its effective events in fold order.
    /// - Parameters:
    ///   - timeline: The case.
    ///   - configuration: Station regions and the local calendar.
    public init(_ timeline: CaseTimeline, configuration: RegionConfiguration) {
        self.init(timeline, latestState: timeline.latestState, configuration: configuration)
    }

    /// Computes a case's contribution from its effective events, given its latest state (when
    /// the caller has it already, the events are not folded again).
    /// - Parameters:
    ///   - timeline: The case.
    ///   - state: `timeline.latestState`.
    ///   - configuration: Station regions and the local calendar.
    public init(_ timeline: CaseTimeline, latestState state: CaseState, configuration: RegionConfiguration) {
        let calendar = configuration.calendar
        region = state.firstReport?.region ?? state.firstStation.flatMap { configuration.region(ofStation: $0) }
        var firstPickup: Timestamp?
        var firstReport: Timestamp?
        var currentStay: Int?
        func count(_ counter: Counter, _ time: Timestamp, _ amount: Int = 1) {
            counts.append(Count(date: calendar.date(time), counter: counter, amount: amount))
        }
        func endStay(_ time: Timestamp) {
            if let index = currentStay {
                stays[index].endedAt = time
                if let last = stays[index].hospital.indices.last, stays[index].hospital[last].end == nil {
                    stays[index].hospital[last].end = time
                }
                currentStay = nil
            }
        }
        // By index: the records are read in place, not copied out one by one.
        let events = timeline.events
        counts.reserveCapacity(events.count + 8)  // about one count an event, and the nights
        for index in events.indices {
            let time = events[index].occurredAt
            switch events[index].event {
            case .reportReceived(let report):
                count(.reports, time)
                count(Counter.reportsByChannel[report.channel.ordinal], time)
                if firstReport == nil { firstReport = time }
            case .personContacted:
                count(.contacts, time)
            case .onSiteAidGiven(let aid):
                count(.onSiteAid, time)
                for item in aid.items { count(.item(item.item), time, item.quantity) }
            case .aidDeclined:
                count(.aidDeclined, time)
            case .pickedUp:
                count(.pickups, time)
                if firstPickup == nil { firstPickup = time }
            case .admitted(let admission):
                endStay(time)
                count(.admissions, time)
                if admission.category == .minor { count(.minorsAdmitted, time) }
                admissions.append(AdmissionEntry(date: calendar.date(time), personId: admission.personId, minor: admission.category == .minor))
                stays.append(Stay(admittedAt: time, endedAt: nil, hospital: []))
                currentStay = stays.count - 1
            case .hospitalAdmitted:
                if let index = currentStay { stays[index].hospital.append(Interval(start: time, end: nil)) }
            case .hospitalDischarged:
                if let index = currentStay, let last = stays[index].hospital.indices.last, stays[index].hospital[last].end == nil {
                    stays[index].hospital[last].end = time
                }
            case .returnedHome:
                count(.returnedHome, time)
                endStay(time)
            case .collectedByRelative:
                count(.collectedByRelatives, time)
                endStay(time)
            case .tracingSucceeded(let success):
                count(Counter.tracingSuccessByChannel[success.channel.ordinal], time)
            case .selfDeparted, .absconded, .assistanceTerminated, .escortStarted, .placedInCare, .caseClosed:
                endStay(time)
            default:
                break
            }
        }
        foldEndedStays(calendar: calendar)
        if let firstPickup, let firstReport {
            pickupDelay = PickupDelay(
                date: calendar.date(firstPickup),
                minutes: Double(firstPickup.microsecondsSinceEpoch - firstReport.microsecondsSinceEpoch) / 60_000_000
            )
        }
    }

    /// Counts the nights of ended stays as dated `bedNights` counts (reading 16) and keeps in
    /// `stays` only what a period end still changes.
    private mutating func foldEndedStays(calendar: LocalCalendar) {
        let calculator = StatisticsCalculator(calendar: calendar)
        var kept: [Stay] = []
        // Each date's nights, in date order: the stays follow one another, so the dates come in
        // order and a list does (a dictionary per case cost a table and a sort).
        var nightsByDate: [(date: LocalDate, nights: Int)] = []
        for stay in stays {
            guard let endedAt = stay.endedAt else {
                kept.append(stay)
                continue
            }
            // Each date's night, counted by the same rule as a period's (hospital nights left out).
            var date = calendar.date(stay.admittedAt)
            let endDate = calendar.date(endedAt)
            while date < endDate {
                let next = date.adding(days: 1)
                let nights = calculator.bedNights(stay, from: date, to: next)
                if nights > 0 {
                    if let last = nightsByDate.indices.last, nightsByDate[last].date == date {
                        nightsByDate[last].nights += nights
                    } else {
                        nightsByDate.append((date, nights))
                    }
                }
                date = next
            }
            let hours = (endedAt.microsecondsSinceEpoch - stay.admittedAt.microsecondsSinceEpoch) / 3_600_000_000
            if hours >= Self.strandedThresholdHours { kept.append(Stay(admittedAt: stay.admittedAt, endedAt: endedAt, hospital: [])) }
        }
        // The stays of a timeline follow one another (an admission ends the stay before it); were
        // they ever to overlap, their dates would come out of order: then summed by date.
        if zip(nightsByDate, nightsByDate.dropFirst()).contains(where: { $0.date >= $1.date }) {
            var summed: [LocalDate: Int] = [:]
            for entry in nightsByDate { summed[entry.date, default: 0] += entry.nights }
            nightsByDate = summed.map { ($0.key, $0.value) }.sorted { $0.date < $1.date }
        }
        for (date, nights) in nightsByDate {
            counts.append(Count(date: date, counter: .bedNights, amount: nights))
        }
        stays = kept
    }
}
