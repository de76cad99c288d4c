public import HomewardStore

/// Statistics (contract section 3) kept in daily counts, so a period's figures need no replay.
///
/// Each case's contribution is stored (`contribution/<caseId>`, its counters by their numbers in
/// ``Counter``'s table); when a case changes (a late correction, a void), its old contribution is
/// taken out of the buckets and the new one put in.
/// Keys: `days/<YYYY-MM>/<region>` → that month's daily counters (region `*` sums every
/// region), each named by its day of the month (one byte) and the counter's ``Counter/code``,
/// among them the ended stays that were stranded over 10, 30 and 90 days at the start of that
/// date (a month of a region in one bucket: a rebuild wrote a fifth as many buckets as with a
/// bucket a day); `admitted/<date>/<region>·<personId>` → admissions of that person that day
/// (`·` is a zero byte, which no id holds: a person id may hold `/`);
/// `pickup/<date>/<region>` → minutes from report to first pickup, sorted (``PickupMinutes``);
/// `stays/<caseId>` → the case's open stays (for their bed nights and the stranded counts within
/// a region); `openall/<date>` → open stays of every region admitted that date, and the change
/// that date to the number of open stays present (admissions, hospital admissions and
/// discharges), so that a period over every region sums their nights and stranded counts without
/// reading each stay;
/// `link/<position>.<n>` → one person-link change; and the monthly counts of distinct persons
/// admitted (``AdmittedPersonsRollup``).
public struct StatisticsProjection: Projection {
    public let name = "statistics"
    public let version: Int
    let configuration: RegionConfiguration

    /// Creates the projection; its version follows the configuration.
    public init(configuration: RegionConfiguration) {
        self.configuration = configuration
        version = (10 << 20) | ProjectionCoding.digest(configuration)
    }

    public func apply(_ events: [RecordedEvent], in context: ProjectionContext) throws {
        let touched = ProjectionCoding.touched(events, in: context)
        if touched.links {
            let changes = try ProjectionCoding.linkChanges(events, in: context)
            try ProjectionCoding.updateLinks(changes, in: context)
            try AdmittedPersonsRollup.apply(changes, in: context)
        }
        var deltas = Deltas(calendar: configuration.calendar)
        for caseId in touched.cases {
            let folded = try ProjectionCoding.folded(caseId, in: context, configuration: configuration)
            let contribution = CaseContribution(folded.timeline, latestState: folded.state, configuration: configuration)
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
        if replacing, !contribution.stays.contains(where: { $0.endedAt == nil }) { try context.delete(ProjectionCoding.key("stays", caseId)) }
    }

    /// The keys and values stored for a case: its contribution, and its open stays.
    func entries(_ contribution: CaseContribution, of caseId: String) -> [(key: [UInt8], value: [UInt8])] {
        var entries = EntryBuffer()
        appendEntries(contribution, of: caseId, to: &entries)
        return entries.pairs
    }

    /// Appends the keys and values stored for a case: its contribution and its open stays.
    func appendEntries(_ contribution: CaseContribution, of caseId: String, to entries: inout EntryBuffer) {
        entries.append(key: "contribution", caseId, value: contribution.binary)
        let open = contribution.stays.filter { $0.endedAt == nil }
        if !open.isEmpty {
            entries.append(key: "stays", caseId, value: BucketCoding.stays(region: contribution.region, open))
        }
    }

    /// The counters of `openall/<date>`: open stays admitted that date, and the change to the
    /// number of open stays present that night.
    static let openAdmitted = "admitted"
    static let openPresent = "present"

    /// The counter of ended stays stranded over a number of hours at the start of a date.
    static let strandedCounters: [(hours: Int64, key: String)] = [
        (240, "strandedAtStart.over10Days"), (720, "strandedAtStart.over30Days"), (2160, "strandedAtStart.over90Days"),
    ]

    /// The region part of the buckets that sum every region, for queries without a region.
    static let allRegions = "*"

    /// What follows a key's last `/`: the region of a bucket.
    static func lastPart(_ key: [UInt8]) -> ArraySlice<UInt8> {
        key[((key.lastIndex(of: UInt8(ascii: "/")) ?? -1) + 1)...]
    }

    /// `YYYY-MM`, the month part of a daily counters bucket's key (`days/<YYYY-MM>/<region>`).
    static func monthText(year: Int, month: Int) -> String {
        String(LocalDate(year: year, month: month, day: 1)?.description.prefix(7) ?? "\(year)-\(month)")
    }

    /// Sums the daily counters of the dates in [from, to), and, apart, those of the date `to`
    /// (the stranded counts at the period's end), from the buckets of every month they fall
    /// in: each bucket holds a month of one region, each counter named by its day of the month
    /// (a byte) and its ``Counter/code``.
    func dailyCounters(
        in context: ProjectionContext, from: LocalDate, to: LocalDate, regionMatches: (ArraySlice<UInt8>) -> Bool, regionPrefix: [UInt8]?
    ) throws -> (period: [String: Int], atEnd: [String: Int]) {
        var period: [String: Int] = [:]
        var atEnd: [String: Int] = [:]
        var (year, month, _) = min(from, to).components
        let (lastYear, lastMonth, _) = to.components
        while (year, month) <= (lastYear, lastMonth) {
            let first = LocalDate(year: year, month: month, day: 1)!
            let text = Self.monthText(year: year, month: month)
            func add(_ value: [UInt8]) throws {
                try BucketCoding.forEachCounter(value) { (name, amount) throws(PayloadDecodingError) in
                    guard let day = name.first, day >= 1 else { throw PayloadDecodingError("a daily counter without its day") }
                    let date = first.adding(days: Int(day) - 1)
                    guard date >= from && date < to || date == to else { return }
                    let counter = try Counter(code: name.dropFirst()).name
                    if date == to { atEnd[counter, default: 0] += amount } else { period[counter, default: 0] += amount }
                }
            }
            if let regionPrefix {
                try context.scan(prefix: ProjectionCoding.key("days", text, "") + regionPrefix) { key, value in
                    if regionMatches(Self.lastPart(key)) { try add(value) }
                    return true
                }
            } else {
                try context.get(ProjectionCoding.key("days", text, Self.allRegions)).map(add)
            }
            (year, month) = month == 12 ? (year + 1, 1) : (year, month + 1)
        }
        return (period, atEnd)
    }

    /// The key of a person's admissions in a region on a date: `admitted/<date>/<region>`, a zero
    /// byte, and the person id.
    static func admittedKey(_ date: LocalDate, _ region: String, _ personId: String) -> [UInt8] {
        var key = ProjectionCoding.key("admitted", date.description, region, room: 1 + personId.utf8.count)
        key.append(0)
        key.appendUTF8(of: personId)
        return key
    }

    /// The changes of one batch to the buckets, summed before each bucket is read and written once.
    /// Keys stay structured until the write: formatting them per count was a quarter of a rebuild.
    struct Deltas: Sendable {
        struct Bucket: Hashable, Sendable {
            var date: LocalDate
            var region: String
            func key(_ kind: String) -> [UInt8] { ProjectionCoding.key(kind, date.description, region) }
        }
        /// A person's admissions in a bucket; persons told apart by their ids' bytes.
        struct Admitted: Hashable, Sendable {
            var bucket: Bucket
            var personId: String

            static func == (lhs: Admitted, rhs: Admitted) -> Bool {
                lhs.bucket == rhs.bucket && BytewiseString(lhs.personId) == BytewiseString(rhs.personId)
            }

            func hash(into hasher: inout Hasher) {
                hasher.combine(bucket)
                hasher.combine(BytewiseString(personId))
            }
        }
        let calendar: LocalCalendar
        /// Changes to the daily counters, by a key packing the date, the region (an index into
        /// `regions`) and the counter (an index into `counters`): one integer hashed per count,
        /// instead of two strings and a dictionary per bucket.
        var days = PackedCounts()
        var regions = NameNumbers([StatisticsProjection.allRegions])
        /// Every counter of ``Counter``'s table in its order (a numbered counter's number here is
        /// its number less one: no name looked up), then the counters named outside it.
        var counters = NameNumbers(Array(Counter.names.dropFirst()))
        /// The numbers in `counters` of the counts of stranded stays.
        private static let strandedNumbers = StatisticsProjection.strandedCounters.map { Counter(name: $0.key).number - 1 }
        var admitted: [Admitted: Int] = [:]
        var pickups: [Bucket: (added: [Double], removed: [Double])] = [:]
        var personMonths: [AdmittedPersonsRollup.PersonMonth: Int] = [:]
        var openStays: [LocalDate: [String: Int]] = [:]
        /// Each admission date's month (`YYYY-MM`), made once per date, not once per admission: a
        /// table by the date's low byte (a batch's dates span a few months, so two dates seldom
        /// share a slot).
        private var monthTexts = [(date: Int, text: String)](repeating: (.min, ""), count: 256)

        /// Which of a contribution's changes a ``Deltas`` keeps.
        struct Parts: OptionSet, Sendable {
            let rawValue: Int
            /// The daily counters, the open stays and the pickup times.
            static let counters = Parts(rawValue: 1)
            /// The admissions by person (a region's and a month's distinct persons).
            static let persons = Parts(rawValue: 2)
            static let all: Parts = [.counters, .persons]
        }

        /// The changes kept: two deltas of one set of contributions, one of each part, make
        /// their bucket changes on two threads.
        let parts: Parts

        init(calendar: LocalCalendar, parts: Parts = .all) {
            self.calendar = calendar
            self.parts = parts
        }

        /// Makes room for the changes of about `cases` cases' contributions, so that the tables
        /// are not grown (and every entry moved) again and again.
        mutating func reserveCapacity(cases: Int) {
            // About a dozen daily counters change per case, and most cases are admitted once.
            if parts.contains(.counters) {
                days.reserveCapacity(12 * cases)
                // Fewer buckets than cases (two for each case picked up, most of them shared).
                pickups.reserveCapacity(cases / 2)
            }
            if parts.contains(.persons) {
                admitted.reserveCapacity(cases)
                personMonths.reserveCapacity(cases)
            }
        }

        /// The number in the packed keys of a counter: a numbered counter's follows from its
        /// number, a named one's is found by its name.
        private mutating func number(of counter: Counter) -> Int {
            counter.number > 0 ? counter.number - 1 : Self.number(of: counter.name, in: &counters, below: 1 << 12, "counters")
        }

        private mutating func monthText(of date: LocalDate) -> String {
            let slot = Int(UInt8(truncatingIfNeeded: date.daysSinceEpoch))
            if monthTexts[slot].date != date.daysSinceEpoch { monthTexts[slot] = (date.daysSinceEpoch, AdmittedPersonsRollup.month(of: date)) }
            return monthTexts[slot].text
        }

        static func pack(_ date: LocalDate, region: Int, counter: Int) -> UInt64 {
            UInt64(UInt32(truncatingIfNeeded: date.daysSinceEpoch)) << 32 | UInt64(region) << 12 | UInt64(counter)
        }

        /// The number of a name (a region, a counter) in the packed keys, given one if it has none
        /// yet.
        private static func number(of name: String, in names: inout NameNumbers, below limit: Int, _ kind: String) -> Int {
            let number = names.number(of: name)
            precondition(number < limit, "more than \(limit) \(kind) in one batch")
            return number
        }

        mutating func add(_ contribution: CaseContribution, sign: Int) {
            let region = contribution.region ?? "-"
            if parts.contains(.persons) {
                for admission in contribution.admissions {
                    admitted[Admitted(bucket: Bucket(date: admission.date, region: region), personId: admission.personId), default: 0] += sign
                    personMonths[AdmittedPersonsRollup.PersonMonth(personId: admission.personId, month: monthText(of: admission.date)), default: 0] += sign
                }
            }
            guard parts.contains(.counters) else { return }
            let regionNumber = Self.number(of: region, in: &regions, below: 1 << 20, "regions")
            func count(_ counter: Int, _ amount: Int, on date: LocalDate) {
                days.add(sign * amount, to: Self.pack(date, region: regionNumber, counter: counter))
                days.add(sign * amount, to: Self.pack(date, region: 0, counter: counter))
            }
            for item in contribution.counts {
                count(number(of: item.counter), item.amount, on: item.date)
            }
            // An ended stay is stranded over N hours at the start E of each date with
            // admittedAt + N hours < E <= endedAt.
            for stay in contribution.stays {
                guard let endedAt = stay.endedAt else {
                    // Present from its admission date, except from each hospital admission's
                    // date to its discharge's date.
                    let admitted = calendar.date(stay.admittedAt)
                    openStays[admitted, default: [:]][StatisticsProjection.openAdmitted, default: 0] += sign
                    openStays[admitted, default: [:]][StatisticsProjection.openPresent, default: 0] += sign
                    for interval in stay.hospital {
                        openStays[calendar.date(interval.start), default: [:]][StatisticsProjection.openPresent, default: 0] -= sign
                        if let end = interval.end { openStays[calendar.date(end), default: [:]][StatisticsProjection.openPresent, default: 0] += sign }
                    }
                    continue
                }
                let lastDate = calendar.date(endedAt)
                for (counter, stranded) in zip(Self.strandedNumbers, StatisticsProjection.strandedCounters) {
                    var date = calendar.date(Timestamp(microsecondsSinceEpoch: stay.admittedAt.microsecondsSinceEpoch + stranded.hours * 3_600_000_000)).adding(days: 1)
                    while date <= lastDate {
                        count(counter, 1, on: date)
                        date = date.adding(days: 1)
                    }
                }
            }
            if let delay = contribution.pickupDelay {
                for bucket in [Bucket(date: delay.date, region: region), Bucket(date: delay.date, region: StatisticsProjection.allRegions)] {
                    if sign > 0 { pickups[bucket, default: ([], [])].added.append(delay.minutes) } else { pickups[bucket, default: ([], [])].removed.append(delay.minutes) }
                }
            }
        }

        /// The bits that hold the numbers below `count` (one at least).
        private static func bitWidth(_ count: Int) -> Int {
            max(1, Int.bitWidth - max(0, count - 1).leadingZeroBitCount)
        }

        /// Each name's rank in byte order, and the name of each rank.
        private static func ranks(_ names: [[UInt8]]) -> (rank: [Int], ofRank: [Int]) {
            let ofRank = names.indices.sorted { names[$0].precedesInKeyOrder(names[$1]) }
            var rank = [Int](repeating: 0, count: names.count)
            for (position, name) in ofRank.enumerated() { rank[name] = position }
            return (rank, ofRank)
        }

        /// Stores the changes (``changes()``, then ``BucketChanges/write(in:)``).
        func write(in context: ProjectionContext) throws {
            try changes().write(in: context)
        }

        /// The changes encoded and in key order, each also the value of its bucket if the bucket
        /// is new: made where the batch was folded, so that a rebuild's writer only stores them.
        func changes() -> BucketChanges {
            var changes = BucketChanges()
            changes.personMonths = AdmittedPersonsRollup.ordered(personMonths)
            for (entry, change) in admitted where change != 0 {
                changes.admissions.append(key: StatisticsProjection.admittedKey(entry.bucket.date, entry.bucket.region, entry.personId), value: BucketCoding.number(change))
            }
            changes.admissions.sortInKeyOrder()
            var merged = BucketCoding.Merge()  // one for every bucket
            // The daily counters, a month of a region per bucket (`days/<YYYY-MM>/<region>`),
            // each counter named by its day of the month (one byte) and its code (its number, or
            // 0 and its name); buckets in the byte order of their keys, counters in the byte
            // order of their names: each packed key is mapped to one that sorts by month, then
            // by the region's rank in byte order,
            // then by the day, then by the counter's rank, each in as few bits as it needs (the
            // month counted from the batch's first), so that the sort deals fewer bytes.
            let names = counters.names.map { Counter(name: $0).code }
            let regionNames = regions.names.map { Array($0.utf8) }
            let (counterRank, counterOfRank) = Self.ranks(names)
            let (regionRank, regionOfRank) = Self.ranks(regionNames)
            // Every counter's code after every day of the month, in one buffer, lent as bytes to
            // the merges: a bucket's changes then cost no reference counting.
            var nameBytes: [UInt8] = []
            var nameRanges: [Range<Int>] = []  // day 1's names by number, then day 2's, …
            for day in 1...31 {
                for name in names {
                    nameRanges.append(nameBytes.count..<(nameBytes.count + 1 + name.count))
                    nameBytes.append(UInt8(day))
                    nameBytes += name
                }
            }
            var firstDate = Int32.max
            days.forEach { key, _ in firstDate = min(firstDate, Int32(truncatingIfNeeded: key >> 32)) }
            let firstMonth = firstDate == .max ? 0 : LocalDate(daysSinceEpoch: Int(firstDate)).monthNumber
            let dayShift = UInt64(Self.bitWidth(names.count))
            let regionShift = dayShift + 5
            let regionBits = UInt64(Self.bitWidth(regionNames.count))
            let monthShift = regionShift + regionBits
            // Each change's amount moves with its key, so that it is not looked up in `days` again.
            var orderedKeys: [UInt64] = []
            var amounts: [Int] = []
            orderedKeys.reserveCapacity(days.count)
            amounts.reserveCapacity(days.count)
            // Each date's month and day, worked out once per date, not once per change: a
            // table by the date's low byte (a batch's dates span a few months, so two dates
            // seldom share a slot).
            var months = [(date: Int32, monthAndDay: UInt64)](repeating: (.min, 0), count: 256)
            days.forEach { key, amount in
                let date = Int32(truncatingIfNeeded: key >> 32)
                let slot = Int(UInt8(truncatingIfNeeded: date))
                if months[slot].date != date {
                    let local = LocalDate(daysSinceEpoch: Int(date))
                    months[slot] = (date, UInt64(local.monthNumber - firstMonth) << monthShift | UInt64(local.components.day) << dayShift)
                }
                orderedKeys.append(months[slot].monthAndDay | UInt64(regionRank[Int(key >> 12 & 0xfffff)]) << regionShift | UInt64(counterRank[Int(key & 0xfff)]))
                amounts.append(amount)
            }
            let widest = orderedKeys.max() ?? 0
            RadixSort.sort(&orderedKeys, carrying: &amounts, significantBytes: max(1, (64 - widest.leadingZeroBitCount + 7) / 8))
            let (regionMask, dayMask, counterMask) = ((UInt64(1) << regionBits) - 1, UInt64(0x1f), (UInt64(1) << dayShift) - 1)
            nameBytes.withUnsafeBytes { nameBuffer in
                let dayNames = nameRanges.map { UnsafeRawBufferPointer(rebasing: nameBuffer[$0]) }
                var bucketChanges: [(name: UnsafeRawBufferPointer, amount: Int)] = []
                var bucketKey: [UInt8] = []
                var monthPrefix: (number: UInt64, bytes: [UInt8])?
                var index = 0
                while index < orderedKeys.count {
                    let bucket = orderedKeys[index] >> regionShift
                    let region = regionOfRank[Int(bucket & regionMask)]
                    if monthPrefix?.number != bucket >> regionBits {
                        let number = Int(bucket >> regionBits) + firstMonth
                        monthPrefix = (bucket >> regionBits, Array("days/\(StatisticsProjection.monthText(year: number / 12, month: number % 12 + 1))/".utf8))
                    }
                    bucketChanges.removeAll(keepingCapacity: true)
                    while index < orderedKeys.count, orderedKeys[index] >> regionShift == bucket {
                        let day = Int(orderedKeys[index] >> dayShift & dayMask)
                        bucketChanges.append((dayNames[(day - 1) * names.count + counterOfRank[Int(orderedKeys[index] & counterMask)]], amounts[index]))
                        index += 1
                    }
                    // Changes that sum to nothing leave no bucket (and do not touch a stored one).
                    guard merged.encoding(bucketChanges[...]) else { continue }
                    bucketKey.removeAll(keepingCapacity: true)
                    bucketKey += monthPrefix!.bytes
                    bucketKey += regionNames[region]
                    changes.counters.append(key: bucketKey, value: merged.output)
                }
            }
            for (date, counters) in openStays.sorted(by: { $0.key < $1.key }) {
                let sorted = counters.map { (name: Array($0.key.utf8), amount: $0.value) }.sorted { $0.name.precedesInKeyOrder($1.name) }
                if merged.encoding(sorted[...]) {
                    changes.counters.append(key: ProjectionCoding.key("openall", date.description), value: merged.output)
                }
            }
            let pickupChanges = pickups.map { bucket, change in (key: bucket.key("pickup"), change: change) }
            for (key, change) in pickupChanges.sorted(by: { $0.key.precedesInKeyOrder($1.key) }) {
                changes.pickups.append(key: key, value: PickupMinutes.encode(change.added))
                if !change.removed.isEmpty { changes.pickupsRemoved[key] = change.removed }
            }
            return changes
        }
    }

    /// The nights in [from, to) of the stays still open, and how many of them were stranded over
    /// 10, 30 and 90 days at the period's end (local midnight of `to`), every region: from the
    /// daily changes (`openall/<date>`) up to `to`.
    func openStays(in context: ProjectionContext, from: LocalDate, to: LocalDate) throws -> (nights: Int, stranded: [Int]) {
        // Stranded over N days at the start of `to`: admitted before the start of `to` - N days
        // (N days are N × 24 hours, and the start of a date is local midnight).
        let strandedBefore = Self.strandedCounters.map { to.adding(days: -Int($0.hours / 24)) }
        var stranded = [0, 0, 0]
        var nights = 0
        var present = 0
        var since = from  // the first night not counted yet
        let end = Array(ProjectionCoding.key("openall", to.description))
        try context.scan(prefix: ProjectionCoding.key("openall", "")) { key, value in
            guard key.lexicographicallyPrecedes(end), let date = LocalDate(String(decoding: key.dropFirst(8), as: UTF8.self)) else { return false }
            let counters = try BucketCoding.counters(value)
            if date > since {
                nights += present * (date.daysSinceEpoch - since.daysSinceEpoch)
                since = date
            }
            present += counters[Self.openPresent] ?? 0
            for (index, before) in strandedBefore.enumerated() where date < before { stranded[index] += counters[Self.openAdmitted] ?? 0 }
            return true
        }
        nights += present * max(0, to.daysSinceEpoch - since.daysSinceEpoch)
        return (nights, stranded)
    }

    /// A period's figures, read from the buckets.
    /// - Parameters:
    ///   - context: A read of the projection.
    ///   - from: The first local date.
    ///   - to: The date the period ends before.
    ///   - regionPrefix: Only cases whose region starts with it.
    /// - Returns: The figures.
    func statistics(in context: ProjectionContext, from: LocalDate, to: LocalDate, regionPrefix: String?) throws -> PeriodStatistics {
        // A whole calendar month over all regions reads its distinct persons from the monthly
        // counts; other periods count the persons of each day's admissions.
        let month = regionPrefix == nil ? AdmittedPersonsRollup.wholeMonth(from: from, to: to) : nil
        let links = month == nil ? try ProjectionCoding.links(in: context) : PersonLinks()
        let prefixBytes = regionPrefix.map { Array($0.utf8) }
        // Keys are parsed as bytes: a month touches thousands of them.
        func regionMatches(_ region: ArraySlice<UInt8>) -> Bool {
            guard let prefixBytes else { return true }
            return region.first != UInt8(ascii: "-") && region.first != UInt8(ascii: "*") && region.starts(with: prefixBytes)
        }
        // The daily counters of the period, and those of the date it ends before (the ended
        // stays stranded at the period's end).
        let (counters, countersAtEnd) = try dailyCounters(in: context, from: from, to: to, regionMatches: regionMatches, regionPrefix: prefixBytes)
        var admissions: [ArraySlice<UInt8>: Int] = [:]
        var delays: [PickupMinutes] = []
        var date = from
        while date < to {
            let day = date.description
            if regionPrefix == nil {
                if let bucket = try context.get(ProjectionCoding.key("pickup", day, Self.allRegions)) { delays.append(try PickupMinutes(bucket)) }
            } else {
                try context.scan(prefix: ProjectionCoding.key("pickup", day, "")) { key, value in
                    if regionMatches(Self.lastPart(key)) { delays.append(try PickupMinutes(value)) }
                    return true
                }
            }
            if month == nil {
                try context.scan(prefix: ProjectionCoding.key("admitted", day, "")) { key, value in
                    // admitted/<date>/<region>·<personId>
                    guard let regionEnd = key.firstIndex(of: 0) else { throw PayloadDecodingError("an admission's key without its person") }
                    let regionStart = (key[..<regionEnd].lastIndex(of: UInt8(ascii: "/")) ?? -1) + 1
                    if regionMatches(key[regionStart..<regionEnd]) {
                        admissions[key[(regionEnd + 1)...], default: 0] += try BucketCoding.number(value)
                    }
                    return true
                }
            }
            date = date.adding(days: 1)
        }
        // Ended stays stranded at the period's end: the counters of the date it ends before.
        let stranded = countersAtEnd.filter { $0.key.hasPrefix("strandedAtStart.") }
        var period = CaseContribution.empty
        period.counts = counters.map { CaseContribution.Count(date: from, key: $0.key, amount: $0.value) }
        for (person, count) in admissions {
            let entry = CaseContribution.AdmissionEntry(date: from, personId: String(decoding: person, as: UTF8.self), minor: false)
            period.admissions += repeatElement(entry, count: count)
        }
        if regionPrefix != nil {
            try context.scan(prefix: ProjectionCoding.key("stays", "")) { _, value in
                let stored = try BucketCoding.stays(value)
                if regionMatches(Array((stored.region ?? "-").utf8)[...]) { period.stays += stored.stays }
                return true
            }
        }
        var figures = StatisticsCalculator(calendar: configuration.calendar).statistics(
            [period.contribution], from: from, to: to, regionPrefix: nil, canonicalId: links.canonicalId(of:)
        )
        figures.medianMinutesReportToPickup = PickupMinutes.median(delays)
        if regionPrefix == nil {
            let open = try openStays(in: context, from: from, to: to)
            figures.bedNights += open.nights
            figures.strandedOver10Days += open.stranded[0]
            figures.strandedOver30Days += open.stranded[1]
            figures.strandedOver90Days += open.stranded[2]
        }
        figures.strandedOver10Days += stranded["strandedAtStart.over10Days"] ?? 0
        figures.strandedOver30Days += stranded["strandedAtStart.over30Days"] ?? 0
        figures.strandedOver90Days += stranded["strandedAtStart.over90Days"] ?? 0
        if let month {
            let persons = try AdmittedPersonsRollup.counts(month: month, in: context)
            figures.personsAdmitted = persons.persons
            figures.repeatPersons = persons.repeats
        }
        return figures
    }
}
