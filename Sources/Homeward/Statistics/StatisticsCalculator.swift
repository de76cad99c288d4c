import HomewardStore

/// Sums case contributions into a period's figures (contract section 3, readings 13 to 17).
public struct StatisticsCalculator: Sendable {
    /// The local calendar.
    public let calendar: LocalCalendar

    /// Creates a calculator.
    public init(calendar: LocalCalendar) {
        self.calendar = calendar
    }

    /// The figures of a period [from, to) of local dates for the cases whose region starts with
    /// `regionPrefix` (all cases when `nil`).
    /// - Parameters:
    ///   - contributions: Every case's contribution.
    ///   - from: The first local date.
    ///   - to: The local date the period ends before.
    ///   - regionPrefix: A region-code prefix.
    ///   - canonicalId: The canonical person id of a person id (reading 7).
    /// - Returns: The figures.
    public func statistics(
        _ contributions: some Sequence<CaseContribution>,
        from: LocalDate,
        to: LocalDate,
        regionPrefix: String?,
        canonicalId: (String) -> String
    ) -> PeriodStatistics {
        var figures = PeriodStatistics()
        let periodEnd = calendar.start(of: to)
        // By the ids' bytes: ids that Swift holds equal but are written differently are two persons.
        var admittedPersons: [BytewiseString: Int] = [:]
        var delays: [Double] = []
        for contribution in contributions {
            if let regionPrefix, !(contribution.region ?? "").hasPrefix(regionPrefix) { continue }
            for count in contribution.counts where count.date >= from && count.date < to {
                add(count.key, count.amount, to: &figures)
            }
            for admission in contribution.admissions where admission.date >= from && admission.date < to {
                admittedPersons[BytewiseString(canonicalId(admission.personId)), default: 0] += 1
            }
            if let delay = contribution.pickupDelay, delay.date >= from, delay.date < to {
                delays.append(delay.minutes)
            }
            for stay in contribution.stays {
                // Ended stays' nights arrive as `bedNights` counts; only open stays' nights are counted here.
                if stay.endedAt == nil { figures.bedNights += bedNights(stay, from: from, to: to) }
                // Stranded at the period end E: admitted before E and not ended before E.
                if stay.admittedAt < periodEnd, stay.endedAt.map({ $0 >= periodEnd }) ?? true {
                    let exactHours = Double(periodEnd.microsecondsSinceEpoch - stay.admittedAt.microsecondsSinceEpoch) / 3_600_000_000
                    if exactHours > 240 { figures.strandedOver10Days += 1 }
                    if exactHours > 720 { figures.strandedOver30Days += 1 }
                    if exactHours > 2160 { figures.strandedOver90Days += 1 }
                }
            }
        }
        figures.personsAdmitted = admittedPersons.count
        figures.repeatPersons = admittedPersons.values.filter { $0 >= 2 }.count
        figures.medianMinutesReportToPickup = StatisticsCalculator.median(delays)
        return figures
    }

    private func add(_ key: String, _ amount: Int, to figures: inout PeriodStatistics) {
        switch key {
        case "reports": figures.reports += amount
        case "contacts": figures.contacts += amount
        case "onSiteAid": figures.onSiteAid += amount
        case "aidDeclined": figures.aidDeclined += amount
        case "pickups": figures.pickups += amount
        case "admissions": figures.admissions += amount
        case "minorsAdmitted": figures.minorsAdmitted += amount
        case "returnedHome": figures.returnedHome += amount
        case "collectedByRelatives": figures.collectedByRelatives += amount
        case "bedNights": figures.bedNights += amount
        default:
            if key.hasPrefix("reportsByChannel."), let channel = Channel(rawValue: String(key.dropFirst(17))) {
                figures.reportsByChannel[channel, default: 0] += amount
            } else if key.hasPrefix("tracingSuccessByChannel."), let channel = TracingChannel(rawValue: String(key.dropFirst(24))) {
                figures.tracingSuccessByChannel[channel, default: 0] += amount
            } else if key.hasPrefix("itemsDistributed.") {
                figures.itemsDistributed[String(key.dropFirst(17)), default: 0] += amount
            }
        }
    }

    /// Nights of a stay within [from, to): a night of local date d counts when the admission date
    /// is on or before d and the stay's end date after it, and it is not a hospital night
    /// (reading 16); an open stay counts up to the period end.
    func bedNights(_ stay: CaseContribution.Stay, from: LocalDate, to: LocalDate) -> Int {
        let first = max(calendar.date(stay.admittedAt), from)
        let endDate = stay.endedAt.map { calendar.date($0) } ?? to
        let last = min(endDate, to)  // exclusive
        guard first < last else { return 0 }
        var nights = last.daysSinceEpoch - first.daysSinceEpoch
        for interval in stay.hospital {
            let hospitalFirst = max(calendar.date(interval.start), first)
            let hospitalEnd = min(interval.end.map { calendar.date($0) } ?? endDate, last)
            if hospitalFirst < hospitalEnd { nights -= hospitalEnd.daysSinceEpoch - hospitalFirst.daysSinceEpoch }
        }
        return nights
    }

    /// The exact median; the mean of the two middle values for an even count; `nil` when empty.
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
