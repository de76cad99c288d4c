public import HomewardStore

/// Statistics (contract section 3) kept in daily buckets, so a period's figures need no replay.
///
/// Each case's contribution is stored (`contribution/<caseId>`); when a case changes (a late
/// correction, a void), its old contribution is taken out of the buckets and the new one put in.
/// Keys: `day/<date>/<region>` → counters; `admitted/<date>/<region>/<personId>` → admissions of
/// that person that day; `pickup/<date>/<region>` → minutes from report to first pickup;
/// `stays/<caseId>` → the case's stays (for bed nights and stranded counts); `links` → person links.
public struct StatisticsProjection: Projection {
    public let name = "statistics"
    public let version: Int
    let configuration: RegionConfiguration

    /// Creates the projection; its version follows the configuration.
    public init(configuration: RegionConfiguration) {
        self.configuration = configuration
        version = (1 << 20) | ProjectionCoding.digest(configuration)
    }

    public func apply(_ events: [RecordedEvent], in context: ProjectionContext) throws {
        let touched = ProjectionCoding.touched(events)
        if touched.links { try ProjectionCoding.updateLinks(events, in: context) }
        for caseId in touched.cases {
            let key = ProjectionCoding.key("contribution", caseId)
            if let old = try context.get(key) {
                try add(try ProjectionCoding.decode(CaseContribution.self, old), sign: -1, in: context)
            }
            let contribution = CaseContribution(try ProjectionCoding.timeline(caseId, in: context, configuration: configuration), configuration: configuration)
            try context.put(key, ProjectionCoding.encode(contribution))
            try add(contribution, sign: 1, in: context)
            let staysKey = ProjectionCoding.key("stays", caseId)
            if contribution.stays.isEmpty {
                try context.delete(staysKey)
            } else {
                try context.put(staysKey, ProjectionCoding.encode(StoredStays(region: contribution.region, stays: contribution.stays)))
            }
        }
    }

    struct StoredStays: Codable {
        var region: String?
        var stays: [CaseContribution.Stay]
    }

    private func add(_ contribution: CaseContribution, sign: Int, in context: ProjectionContext) throws {
        let region = contribution.region ?? "-"
        var days: [LocalDate: [String: Int]] = [:]
        for count in contribution.counts { days[count.date, default: [:]][count.key, default: 0] += sign * count.amount }
        for (date, changes) in days {
            let key = ProjectionCoding.key("day", date.description, region)
            var counters = try context.get(key).map { try ProjectionCoding.decode([String: Int].self, $0) } ?? [:]
            for (counter, amount) in changes { counters[counter, default: 0] += amount }
            counters = counters.filter { $0.value != 0 }
            if counters.isEmpty { try context.delete(key) } else { try context.put(key, ProjectionCoding.encode(counters)) }
        }
        for admission in contribution.admissions {
            let key = ProjectionCoding.key("admitted", admission.date.description, region, admission.personId)
            let count = (try context.get(key).map { try ProjectionCoding.decode(Int.self, $0) } ?? 0) + sign
            if count == 0 { try context.delete(key) } else { try context.put(key, ProjectionCoding.encode(count)) }
        }
        if let delay = contribution.pickupDelay {
            let key = ProjectionCoding.key("pickup", delay.date.description, region)
            var minutes = try context.get(key).map { try ProjectionCoding.decode([Double].self, $0) } ?? []
            if sign > 0 {
                minutes.append(delay.minutes)
            } else if let index = minutes.firstIndex(of: delay.minutes) {
                minutes.remove(at: index)
            }
            if minutes.isEmpty { try context.delete(key) } else { try context.put(key, ProjectionCoding.encode(minutes)) }
        }
    }

    /// A period's figures, read from the buckets.
    /// - Parameters:
    ///   - context: A read of the projection.
    ///   - from: The first local date.
    ///   - to: The date the period ends before.
    ///   - regionPrefix: Only cases whose region starts with it.
    /// - Returns: The figures.
    func statistics(in context: ProjectionContext, from: LocalDate, to: LocalDate, regionPrefix: String?) throws -> PeriodStatistics {
        let links = try ProjectionCoding.links(in: context)
        var period = CaseContribution.empty
        func regionMatches(_ region: String) -> Bool {
            guard let regionPrefix else { return true }
            return region != "-" && region.hasPrefix(regionPrefix)
        }
        var date = from
        while date < to {
            let day = date.description
            try context.scan(prefix: ProjectionCoding.key("day", day, "")) { key, value in
                let region = String(decoding: key, as: UTF8.self).split(separator: "/").last.map(String.init) ?? "-"
                if regionMatches(region) {
                    for (counter, amount) in try ProjectionCoding.decode([String: Int].self, value) {
                        period.counts.append(CaseContribution.Count(date: date, key: counter, amount: amount))
                    }
                }
                return true
            }
            try context.scan(prefix: ProjectionCoding.key("admitted", day, "")) { key, value in
                let parts = String(decoding: key, as: UTF8.self).split(separator: "/").map(String.init)
                if parts.count == 4, regionMatches(parts[2]) {
                    for _ in 0..<(try ProjectionCoding.decode(Int.self, value)) {
                        period.admissions.append(CaseContribution.AdmissionEntry(date: date, personId: parts[3], minor: false))
                    }
                }
                return true
            }
            try context.scan(prefix: ProjectionCoding.key("pickup", day, "")) { key, value in
                let region = String(decoding: key, as: UTF8.self).split(separator: "/").last.map(String.init) ?? "-"
                if regionMatches(region) {
                    period.delays += try ProjectionCoding.decode([Double].self, value)
                }
                return true
            }
            date = date.adding(days: 1)
        }
        var contributions = [period.contribution]
        try context.scan(prefix: ProjectionCoding.key("stays", "")) { _, value in
            let stored = try ProjectionCoding.decode(StoredStays.self, value)
            if regionMatches(stored.region ?? "-") {
                var stays = CaseContribution.empty
                stays.stays = stored.stays
                contributions.append(stays.contribution)
            }
            return true
        }
        return StatisticsCalculator(calendar: configuration.calendar).statistics(
            contributions, from: from, to: to, regionPrefix: nil, canonicalId: links.canonicalId(of:), medianSamples: period.delays
        )
    }
}
