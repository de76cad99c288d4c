import HomewardStore

/// Distinct persons admitted per calendar month over all regions, linked person ids counted
/// once, kept up to date as admissions and person links change: a month's `personsAdmitted` and
/// `repeatPersons` are then two reads, whatever the size of the log.
///
/// Admissions are counted per person id and month; the month's sums count each id on its own.
/// For each component of linked ids (reading 7), a fix per month says what counting the
/// component as one person changes; the month's fixes are summed too. A fix is computed again
/// whenever an admission of a linked id changes, and whenever a link or unlink changes a
/// component. A pair's state is that of its change with the highest log position, so changes may
/// be applied in any order (a rebuild applies them stream by stream).
///
/// Keys, in the statistics projection (`·` is a zero byte, which no id contains):
/// - `pmonth/<personId>·<YYYY-MM>` → admissions of that id in that month;
/// - `monthsum/<YYYY-MM>` → ids admitted once or more, and twice or more;
/// - `linkpair/<first>·<second>` → the position and state of the pair's latest change;
/// - `linked/<personId>` → the canonical id of its component (only ids linked to another);
/// - `component/<canonicalId>` → the component's links;
/// - `compfix/<canonicalId>·<YYYY-MM>` → the component's fix in that month;
/// - `monthfix/<YYYY-MM>` → the sum of the month's fixes.
enum AdmittedPersonsRollup {
    /// A person id's admissions in one month. Ids are told apart by their bytes, as the keys
    /// keep them: two ids that Swift holds equal but are written differently are two persons.
    struct PersonMonth: Hashable, Sendable {
        var personId: String
        var month: String

        static func == (lhs: PersonMonth, rhs: PersonMonth) -> Bool {
            lhs.month == rhs.month && BytewiseString(lhs.personId) == BytewiseString(rhs.personId)
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(BytewiseString(personId))
            hasher.combine(month)
        }
    }

    /// Ids counted once or more, and twice or more (or, for a fix, the change to those counts).
    struct Counts: Equatable, Sendable {
        var persons = 0
        var repeats = 0

        static func + (lhs: Counts, rhs: Counts) -> Counts { Counts(persons: lhs.persons + rhs.persons, repeats: lhs.repeats + rhs.repeats) }
        static func - (lhs: Counts, rhs: Counts) -> Counts { Counts(persons: lhs.persons - rhs.persons, repeats: lhs.repeats - rhs.repeats) }

        /// Adds a change in place (one access to a dictionary's value instead of a read and a write).
        mutating func add(_ change: Counts) {
            persons += change.persons
            repeats += change.repeats
        }
    }

    /// `YYYY-MM` of a local date.
    static func month(of date: LocalDate) -> String { String(date.description.prefix(7)) }

    /// The month [from, to) is, when it is exactly one calendar month.
    static func wholeMonth(from: LocalDate, to: LocalDate) -> String? {
        let (year, month, day) = from.components
        guard day == 1 else { return nil }
        let next = month == 12 ? (year + 1, 1) : (year, month + 1)
        let (toYear, toMonth, toDay) = to.components
        return (toYear, toMonth, toDay) == (next.0, next.1, 1) ? Self.month(of: from) : nil
    }

    /// The month's counts, linked ids counted once.
    static func counts(month: String, in context: ProjectionContext) throws -> Counts {
        try read(key("monthsum", month), in: context) + read(key("monthfix", month), in: context)
    }

    // MARK: Admissions

    /// A change to an id's admissions in a month, with its count's key.
    struct OrderedChange: Sendable {
        var key: [UInt8]
        var entry: PersonMonth
        var change: Int
    }

    /// The changes that are not zero, with their keys, in the order of their keys: made where a
    /// rebuild folds a group (on the folding threads), so that the writer only applies them.
    static func ordered(_ changes: [PersonMonth: Int]) -> [OrderedChange] {
        let unordered = changes.compactMap { entry, change in change == 0 ? nil : OrderedChange(key: personMonthKey(entry.personId, entry.month), entry: entry, change: change) }
        // Their keys sorted (a radix sort of the keys' bytes), then the changes gathered in that
        // order: sorting the changes themselves moved their strings and arrays at every step.
        var keys = EntryBuffer()
        for change in unordered { keys.append(key: change.key, value: []) }
        return keys.indicesInKeyOrder().map { unordered[$0] }
    }

    /// Applies changes to the admissions of ids per month, given by ``ordered(_:)``.
    static func apply(_ ordered: [OrderedChange], in context: ProjectionContext) throws {
        var sums: [String: Counts] = [:]
        var fixes = Set<PersonMonth>()  // (canonical id, month)
        // In the order of their keys, and the counts before the links: the context's cursor
        // then moves forward through one range of keys at a time.
        for item in ordered {
            // Most counts of a rebuild are new: stored with one search, read only when there.
            var before = 0
            try item.key.withUnsafeBytes { key in
                try BucketCoding.number(item.change).withUnsafeBytes { fresh in
                    try context.insert(key, fresh) { stored in
                        before = try BucketCoding.number(Array(stored))
                        return before + item.change == 0 ? nil : BucketCoding.number(before + item.change)
                    }
                }
            }
            let delta = counted(before + item.change) - counted(before)
            if delta != Counts() { sums[item.entry.month, default: Counts()].add(delta) }
        }
        // Each person's months follow one another (the keys start with the id): its link is
        // looked up once, through one key buffer; not at all while no id is linked (a rebuild
        // folds the person streams, and so the links, last).
        var linkedKey = key("linked", "")
        let linkedPrefix = linkedKey.count
        var anyLinked = false
        try context.scan(prefix: linkedKey) { _, _ in
            anyLinked = true
            return false
        }
        var person: (id: BytewiseString, canonical: String?)?
        for entry in ordered.map(\.entry) where anyLinked {
            if person?.id != BytewiseString(entry.personId) {
                linkedKey.removeSubrange(linkedPrefix...)
                linkedKey.appendUTF8(of: entry.personId)
                person = (BytewiseString(entry.personId), try context.get(linkedKey).map { String(decoding: $0, as: UTF8.self) })
            }
            if let canonical = person?.canonical { fixes.insert(PersonMonth(personId: canonical, month: entry.month)) }
        }
        for (month, change) in sums where change != Counts() { try add(change, to: key("monthsum", month), in: context) }
        for fix in fixes { try refix(fix.personId, month: fix.month, in: context) }
    }

    private static func counted(_ admissions: Int) -> Counts {
        Counts(persons: admissions > 0 ? 1 : 0, repeats: admissions >= 2 ? 1 : 0)
    }

    // MARK: Links

    /// Applies link and unlink changes; a change older than the pair's stored one is ignored.
    ///
    /// The changes are applied together: the components they touch are dissolved once, their
    /// links changed, and the components those links make installed once. Applied one by one, a
    /// component was dissolved and installed again for each of its links, and a rebuild, which
    /// hands every change of the log over at the end, spent a fortieth of its time there.
    static func apply(_ changes: [PersonLinks.Change], in context: ProjectionContext) throws {
        // Each pair's last change among those of the highest position.
        var latest: [PersonLinks.Pair: PersonLinks.Change] = [:]
        for change in changes where latest[change.pair].map({ $0.position <= change.position }) ?? true { latest[change.pair] = change }
        var applied: [PersonLinks.Change] = []
        // In the byte order of their pairs' keys, each key made once (not two ids turned into
        // bytes again at every comparison of the sort).
        let unordered = Array(latest.values)
        let keys = unordered.map { key("linkpair", $0.pair.first, $0.pair.second) }
        var pairKeys = EntryBuffer()
        for pairKey in keys { pairKeys.append(key: pairKey, value: []) }
        for index in pairKeys.indicesInKeyOrder() {
            let (change, pairKey) = (unordered[index], keys[index])
            if let stored = try context.get(pairKey), try BucketCoding.number(stored) > Int(change.position) { continue }
            try context.put(pairKey, BucketCoding.number(Int(change.position)))
            applied.append(change)
        }
        // The links of every component an applied change touches (a component with none of
        // the changed ids keeps its links), then the changes.
        var canonicals = Set<BytewiseString>()
        var links = Set<PersonLinks.Pair>()
        for change in applied {
            for id in [change.pair.first, change.pair.second] {
                let (canonical, componentLinks) = try component(of: id, in: context)
                if let canonical, canonicals.insert(BytewiseString(canonical)).inserted { links.formUnion(componentLinks) }
            }
        }
        var changed = false
        for change in applied {
            if change.linked {
                changed = links.insert(change.pair).inserted || changed
            } else {
                changed = links.remove(change.pair) != nil || changed
            }
        }
        guard changed else { return }
        // The changes to the months' sums of fixes, summed here and stored once per month (a
        // rebuild installs tens of thousands of components, over a few months).
        var monthFixes: [String: Counts] = [:]
        for canonical in canonicals.sorted() { try dissolve(canonical.string, monthFixes: &monthFixes, in: context) }
        for component in components(of: links) { try install(component, monthFixes: &monthFixes, in: context) }
        for (month, change) in monthFixes.sorted(by: { $0.key < $1.key }) where change != Counts() {
            try add(change, to: key("monthfix", month), in: context)
        }
    }

    /// The canonical id and links of an id's component; `nil` and no links for an unlinked id.
    private static func component(of personId: String, in context: ProjectionContext) throws -> (String?, Set<PersonLinks.Pair>) {
        guard let canonical = try context.get(key("linked", personId)).map({ String(decoding: $0, as: UTF8.self) }) else { return (nil, []) }
        return (canonical, try links(of: canonical, in: context))
    }

    private static func links(of canonical: String, in context: ProjectionContext) throws -> Set<PersonLinks.Pair> {
        guard let bytes = try context.get(key("component", canonical)) else { return [] }
        return Set(try BucketCoding.pairs(bytes))
    }

    /// The connected components of a set of links, each as its links, in the byte order of
    /// their smallest ids.
    ///
    /// Each id is numbered once and the links join numbers (union–find): a search through the
    /// ids' table for every step of a walk through each component hashed two ids per link
    /// again and again, a fifth of applying a rebuild's links.
    private static func components(of links: Set<PersonLinks.Pair>) -> [Set<PersonLinks.Pair>] {
        let links = Array(links)
        var numbers: [BytewiseString: Int] = [:]
        numbers.reserveCapacity(2 * links.count)
        var ids: [BytewiseString] = []
        func number(_ id: String) -> Int {
            let id = BytewiseString(id)
            if let number = numbers[id] { return number }
            numbers[id] = ids.count
            ids.append(id)
            return ids.count - 1
        }
        let ends = links.map { (number($0.first), number($0.second)) }
        var parent = Array(ids.indices)
        func root(_ number: Int) -> Int {
            var number = number
            while parent[number] != number {
                parent[number] = parent[parent[number]]
                number = parent[number]
            }
            return number
        }
        for (first, second) in ends {
            let (a, b) = (root(first), root(second))
            if a != b { parent[max(a, b)] = min(a, b) }
        }
        // Each component under its smallest id, found by the ids in byte order.
        var smallest = [Int?](repeating: nil, count: ids.count)
        for number in ids.indices.sorted(by: { ids[$0] < ids[$1] }) where smallest[root(number)] == nil {
            smallest[root(number)] = number
        }
        var linksOfRoot: [Int: [PersonLinks.Pair]] = [:]
        for (link, ends) in zip(links, ends) { linksOfRoot[root(ends.0), default: []].append(link) }
        return linksOfRoot.sorted { ids[smallest[$0.key]!] < ids[smallest[$1.key]!] }.map { Set($0.value) }
    }

    /// Removes a component: its fixes (from the months' sums), its links and its members' entries.
    private static func dissolve(_ canonical: String, monthFixes: inout [String: Counts], in context: ProjectionContext) throws {
        var fixes: [(key: [UInt8], month: String, fix: Counts)] = []
        try context.scan(prefix: personMonthKey(canonical, "", kind: "compfix")) { key, value in
            fixes.append((key, String(decoding: key.suffix(7), as: UTF8.self), try decodeCounts(value)))
            return true
        }
        for fix in fixes {
            try context.delete(fix.key)
            monthFixes[fix.month, default: Counts()].add(Counts() - fix.fix)
        }
        for member in members(of: try links(of: canonical, in: context)) { try context.delete(key("linked", member.string)) }
        try context.delete(key("component", canonical))
    }

    /// Stores a component and computes its fixes for every month one of its ids was admitted in.
    private static func install(_ links: Set<PersonLinks.Pair>, monthFixes: inout [String: Counts], in context: ProjectionContext) throws {
        let members = members(of: links).sorted()
        guard let canonical = members.first?.string else { return }
        try context.put(key("component", canonical), BucketCoding.pairs(links.sorted(by: inByteOrder)))
        // Each member's admissions by month, read once by the scan that finds the months (the
        // fixes of every month need them; they were looked up again per month and member).
        var admissions: [String: [Int]] = [:]
        for member in members.map(\.string) {
            try context.put(key("linked", member), Array(canonical.utf8))
            try context.scanLent(prefix: personMonthKey(member, "")) { key, value in
                admissions[String(decoding: key.suffix(7), as: UTF8.self), default: []].append(try BucketCoding.number(Array(value)))
                return true
            }
        }
        // No fix of this canonical id is stored: its ids were in no component, or in ones
        // dissolved before (which took their fixes away), so each fix is stored as it is.
        for (month, counts) in admissions {
            let fix = fix(counts)
            guard fix != Counts() else { continue }
            try context.put(personMonthKey(canonical, month, kind: "compfix"), encode(fix))
            monthFixes[month, default: Counts()].add(fix)
        }
    }

    /// A component's ids, by their bytes.
    private static func members(of links: Set<PersonLinks.Pair>) -> Set<BytewiseString> {
        Set(links.flatMap { [BytewiseString($0.first), BytewiseString($0.second)] })
    }

    /// Pairs in the byte order of their ids.
    private static func inByteOrder(_ lhs: PersonLinks.Pair, _ rhs: PersonLinks.Pair) -> Bool {
        let (first, other) = (BytewiseString(lhs.first), BytewiseString(rhs.first))
        return first != other ? first < other : BytewiseString(lhs.second) < BytewiseString(rhs.second)
    }

    /// Computes a component's fix for a month again and moves the month's sum of fixes by the change.
    private static func refix(_ canonical: String, month: String, members: Set<BytewiseString>? = nil, in context: ProjectionContext) throws {
        let members = try members ?? Self.members(of: links(of: canonical, in: context))
        var admissions: [Int] = []
        for member in members {
            admissions.append(try context.get(personMonthKey(member.string, month)).map { try BucketCoding.number($0) } ?? 0)
        }
        try store(fix(admissions), of: canonical, month: month, in: context) { try add($0, to: key("monthfix", month), in: context) }
    }

    /// A component's fix for a month, from its ids' admissions that month: what counting the
    /// component as one person changes.
    private static func fix(_ admissions: [Int]) -> Counts {
        counted(admissions.reduce(0, +)) - admissions.reduce(Counts()) { $0 + counted($1) }
    }

    /// Stores a component's fix for a month, and hands the change of the fix (when it changed)
    /// to `changed`, for the month's sum of fixes.
    private static func store(_ fix: Counts, of canonical: String, month: String, in context: ProjectionContext, changed: (Counts) throws -> Void) throws {
        let fixKey = personMonthKey(canonical, month, kind: "compfix")
        let before = try context.get(fixKey).map(decodeCounts) ?? Counts()
        if fix == Counts() { try context.delete(fixKey) } else { try context.put(fixKey, encode(fix)) }
        if fix != before { try changed(fix - before) }
    }

    // MARK: Keys and values

    /// `<kind>/<first>`, then `·<second>` when there is one. Sized once, not grown part by part,
    /// and with no array of parts (a rebuild makes one or two for each admission, and several
    /// for each link).
    private static func key(_ kind: String, _ first: String, _ second: String? = nil) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(kind.utf8.count + 2 + first.utf8.count + (second?.utf8.count ?? 0))
        bytes.appendUTF8(of: kind)
        bytes.append(UInt8(ascii: "/"))
        bytes.appendUTF8(of: first)
        if let second {
            bytes.append(0)
            bytes.appendUTF8(of: second)
        }
        return bytes
    }

    private static func personMonthKey(_ personId: String, _ month: String, kind: String = "pmonth") -> [UInt8] {
        key(kind, personId, month)
    }

    private static func read(_ key: [UInt8], in context: ProjectionContext) throws -> Counts {
        try context.get(key).map(decodeCounts) ?? Counts()
    }

    private static func add(_ change: Counts, to key: [UInt8], in context: ProjectionContext) throws {
        let total = try read(key, in: context) + change
        if total == Counts() { try context.delete(key) } else { try context.put(key, encode(total)) }
    }

    private static func encode(_ counts: Counts) -> [UInt8] { BucketCoding.counters(["persons": counts.persons, "repeats": counts.repeats]) }

    private static func decodeCounts(_ bytes: [UInt8]) throws -> Counts {
        let counters = try BucketCoding.counters(bytes)
        return Counts(persons: counters["persons"] ?? 0, repeats: counters["repeats"] ?? 0)
    }
}
