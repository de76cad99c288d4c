public import HomewardStore

/// Statistics (contract section 3) kept in daily buckets, so a period's figures need no replay.
///
/// Each case's contribution is stored (`contribution/<caseId>`); when a case changes (a late
/// correction, a void), its old contribution is taken out of the buckets and the new one put in.
/// Keys: `day/<date>/<region>` → counters (region `*` sums every region);
/// `admitted/<date>/<region>/<personId>` → admissions of that person that day; `pickup/<date>/<region>` → minutes from report to first pickup;
/// `stays/<caseId>` → the case's open and long stays (for open stays' bed nights and the stranded
/// counts); `link/<position>.<n>` → one person-link change.
public struct StatisticsProjection: Projection {
    public let name = "statistics"
    public let version: Int
    let configuration: RegionConfiguration

    /// Creates the projection; its version follows the configuration.
    public init(configuration: RegionConfiguration) {
        self.configuration = configuration
        version = (3 << 20) | ProjectionCoding.digest(configuration)
    }

    public func apply(_ events: [RecordedEvent], in context: ProjectionContext) throws {
        let touched = ProjectionCoding.touched(events, in: context)
        if touched.links { try ProjectionCoding.updateLinks(events, in: context) }
        var deltas = Deltas()
        for caseId in touched.cases {
            let contribution = CaseContribution(try ProjectionCoding.folded(caseId, in: context, configuration: configuration).timeline, configuration: configuration)
            try store(contribution, of: caseId, replacing: true, deltas: &deltas, in: context)
        }
        try deltas.write(in: context)
    }

    /// Stores a case's contribution and adds the change to the buckets' deltas.
    /// - Parameters:
    ///   - contribution: The case's contribution.
    ///   - caseId: The case.
    ///   - replacing: Whether a stored contribution may have to be taken out first.
    ///   - deltas: The bucket changes of the transaction, written by ``Deltas/write(in:)``.
    ///   - context: The projection's state.
    func store(_ contribution: CaseContribution, of caseId: String, replacing: Bool, deltas: inout Deltas, in context: ProjectionContext) throws {
        if replacing, let old = try context.get(ProjectionCoding.key("contribution", caseId)) {
            deltas.add(try CaseContribution(binary: old), sign: -1)
        }
        for (key, value) in entries(contribution, of: caseId) { try context.put(key, value) }
        deltas.add(contribution, sign: 1)
        if replacing, contribution.stays.isEmpty { try context.delete(ProjectionCoding.key("stays", caseId)) }
    }

    /// The keys and values stored for a case: its contribution, and its open and long stays.
    func entries(_ contribution: CaseContribution, of caseId: String) -> [(key: [UInt8], value: [UInt8])] {
        var entries = [(key: ProjectionCoding.key("contribution", caseId), value: contribution.binary)]
        if !contribution.stays.isEmpty {
            entries.append((ProjectionCoding.key("stays", caseId), BucketCoding.stays(region: contribution.region, contribution.stays)))
        }
        return entries
    }

    /// The region part of the buckets that sum every region, for queries without a region.
    static let allRegions = "*"

    /// The changes of one batch to the buckets, summed before each bucket is read and written once.
    /// Keys stay structured until the write: formatting them per count was a quarter of a rebuild.
    struct Deltas: Sendable {
        struct Bucket: Hashable, Sendable {
            var date: LocalDate
            var region: String
            func key(_ kind: String) -> [UInt8] { ProjectionCoding.key(kind, date.description, region) }
        }
        struct Admitted: Hashable, Sendable {
            var bucket: Bucket
            var personId: String
        }
        var days: [Bucket: [String: Int]] = [:]
        var admitted: [Admitted: Int] = [:]
        var pickups: [Bucket: (added: [Double], removed: [Double])] = [:]

        mutating func add(_ contribution: CaseContribution, sign: Int) {
            let region = contribution.region ?? "-"
            for count in contribution.counts {
                days[Bucket(date: count.date, region: region), default: [:]][count.key, default: 0] += sign * count.amount
                days[Bucket(date: count.date, region: StatisticsProjection.allRegions), default: [:]][count.key, default: 0] += sign * count.amount
            }
            for admission in contribution.admissions {
                admitted[Admitted(bucket: Bucket(date: admission.date, region: region), personId: admission.personId), default: 0] += sign
            }
            if let delay = contribution.pickupDelay {
                for bucket in [Bucket(date: delay.date, region: region), Bucket(date: delay.date, region: StatisticsProjection.allRegions)] {
                    if sign > 0 { pickups[bucket, default: ([], [])].added.append(delay.minutes) } else { pickups[bucket, default: ([], [])].removed.append(delay.minutes) }
                }
            }
        }

        func write(in context: ProjectionContext) throws {
            for (bucket, changes) in days where changes.values.contains(where: { $0 != 0 }) {
                let bytes = bucket.key("day")
                var counters = try context.get(bytes).map { try BucketCoding.counters($0) } ?? [:]
                for (counter, amount) in changes { counters[counter, default: 0] += amount }
                counters = counters.filter { $0.value != 0 }
                if counters.isEmpty { try context.delete(bytes) } else { try context.put(bytes, BucketCoding.counters(counters)) }
            }
            for (entry, change) in admitted where change != 0 {
                let bytes = entry.bucket.key("admitted") + Array("/\(entry.personId)".utf8)
                let count = (try context.get(bytes).map { try BucketCoding.number($0) } ?? 0) + change
                if count == 0 { try context.delete(bytes) } else { try context.put(bytes, BucketCoding.number(count)) }
            }
            for (bucket, change) in pickups {
                let bytes = bucket.key("pickup")
                var minutes = try context.get(bytes).map { try BucketCoding.minutes($0) } ?? []
                for value in change.removed { if let index = minutes.firstIndex(of: value) { minutes.remove(at: index) } }
                minutes += change.added
                if minutes.isEmpty { try context.delete(bytes) } else { try context.put(bytes, BucketCoding.minutes(minutes)) }
            }
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
        let prefixBytes = regionPrefix.map { Array($0.utf8) }
        // Keys are parsed as bytes: a month touches thousands of them.
        func regionMatches(_ region: ArraySlice<UInt8>) -> Bool {
            guard let prefixBytes else { return true }
            return region.first != UInt8(ascii: "-") && region.first != UInt8(ascii: "*") && region.starts(with: prefixBytes)
        }
        func lastPart(_ key: [UInt8]) -> ArraySlice<UInt8> {
            key[((key.lastIndex(of: UInt8(ascii: "/")) ?? -1) + 1)...]
        }
        var counters: [String: Int] = [:]
        var admissions: [ArraySlice<UInt8>: Int] = [:]
        var delays: [Double] = []
        var date = from
        func addCounters(_ value: [UInt8]) throws {
            for (counter, amount) in try BucketCoding.counters(value) { counters[counter, default: 0] += amount }
        }
        while date < to {
            let day = date.description
            if regionPrefix == nil {
                try context.get(ProjectionCoding.key("day", day, Self.allRegions)).map(addCounters)
                delays += try context.get(ProjectionCoding.key("pickup", day, Self.allRegions)).map { try BucketCoding.minutes($0) } ?? []
            } else {
                try context.scan(prefix: ProjectionCoding.key("day", day, "")) { key, value in
                    if regionMatches(lastPart(key)) { try addCounters(value) }
                    return true
                }
                try context.scan(prefix: ProjectionCoding.key("pickup", day, "")) { key, value in
                    if regionMatches(lastPart(key)) { delays += try BucketCoding.minutes(value) }
                    return true
                }
            }
            try context.scan(prefix: ProjectionCoding.key("admitted", day, "")) { key, value in
                // admitted/<date>/<region>/<personId>
                let person = lastPart(key)
                let regionEnd = person.startIndex - 1
                let regionStart = (key[..<regionEnd].lastIndex(of: UInt8(ascii: "/")) ?? -1) + 1
                if regionMatches(key[regionStart..<regionEnd]) {
                    admissions[person, default: 0] += try BucketCoding.number(value)
                }
                return true
            }
            date = date.adding(days: 1)
        }
        var period = CaseContribution.empty
        period.counts = counters.map { CaseContribution.Count(date: from, key: $0.key, amount: $0.value) }
        for (person, count) in admissions {
            let entry = CaseContribution.AdmissionEntry(date: from, personId: String(decoding: person, as: UTF8.self), minor: false)
            period.admissions += repeatElement(entry, count: count)
        }
        try context.scan(prefix: ProjectionCoding.key("stays", "")) { _, value in
            let stored = try BucketCoding.stays(value)
            if regionPrefix == nil || regionMatches(Array((stored.region ?? "-").utf8)[...]) {
                period.stays += stored.stays
            }
            return true
        }
        return StatisticsCalculator(calendar: configuration.calendar).statistics(
            [period.contribution], from: from, to: to, regionPrefix: nil, canonicalId: links.canonicalId(of:), medianSamples: delays
        )
    }
}
