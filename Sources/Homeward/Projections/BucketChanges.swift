import HomewardStore

/// A batch's changes to the statistics' buckets, encoded and in key order, ready to be stored.
///
/// ``StatisticsProjection/Deltas/changes()`` makes them where the batch is folded: in a rebuild,
/// on the folding threads, so that the one thread that writes only stores them. Each change is
/// also the value of its bucket when the bucket is new, as most buckets of a rebuild are: it is
/// stored with one search of the tree (``ProjectionContext/insert(_:_:orMerge:)``), and merged
/// with the stored value only when the bucket is already there.
struct BucketChanges: Sendable {
    /// `admitted/<date>/<region>/<personId>` → the change to that person's admissions that day
    /// (``BucketCoding/number(_:)-(Int)``), none zero; sorted in key order where it was made.
    var admissions = EntryBuffer()
    /// `days/<YYYY-MM>/<region>`, then `openall/<date>` → the counters that change, as a counters
    /// value (names in byte order, no zero changes); in key order.
    var counters = EntryBuffer()
    /// `pickup/<date>/<region>` → the minutes added (``PickupMinutes/encode(_:)``); in key order.
    var pickups = EntryBuffer()
    /// The minutes taken out of pickup buckets, by key (only when cases change).
    var pickupsRemoved: [[UInt8]: [Double]] = [:]
    /// The changes to the monthly counts of persons admitted (``AdmittedPersonsRollup``), keyed
    /// and in key order.
    var personMonths: [AdmittedPersonsRollup.OrderedChange] = []

    /// These changes and those of `other`, made from the other parts of the same contributions
    /// (``StatisticsProjection/Deltas/Parts``): each family is taken from the one that has it.
    func joined(with other: BucketChanges) -> BucketChanges {
        func either<Family>(_ mine: Family, _ theirs: Family, isEmpty: (Family) -> Bool) -> Family {
            precondition(isEmpty(mine) || isEmpty(theirs), "two parts of the contributions changed the same family")
            return isEmpty(mine) ? theirs : mine
        }
        var joined = BucketChanges()
        joined.admissions = either(admissions, other.admissions) { $0.count == 0 }
        joined.counters = either(counters, other.counters) { $0.count == 0 }
        joined.pickups = either(pickups, other.pickups) { $0.count == 0 }
        joined.pickupsRemoved = either(pickupsRemoved, other.pickupsRemoved) { $0.isEmpty }
        joined.personMonths = either(personMonths, other.personMonths) { $0.isEmpty }
        return joined
    }

    /// Stores the changes: each family's buckets in key order, so that the context's cursor
    /// moves forward through the keys.
    func write(in context: ProjectionContext) throws {
        try admissions.forEachInKeyOrder { key, change in
            try context.insert(key, change) { stored in
                let count = try BucketCoding.number(Array(stored)) + BucketCoding.number(Array(change))
                return count == 0 ? nil : BucketCoding.number(count)
            }
        }
        var merge = BucketCoding.Merge()  // one for every bucket
        try counters.forEachInAppendOrder { key, change in
            try context.insert(key, change) { stored in try merge.adding(counters: change, to: stored) ? merge.output : nil }
        }
        try pickups.forEachInAppendOrder { key, added in
            if let removed = pickupsRemoved.isEmpty ? nil : pickupsRemoved[Array(key)] {
                try context.update(Array(key)) { stored in
                    var minutes = try stored.map { try BucketCoding.minutes(Array($0)) } ?? []
                    for value in removed { if let index = minutes.firstIndex(of: value) { minutes.remove(at: index) } }
                    minutes += try BucketCoding.minutes(Array(added))
                    return minutes.isEmpty ? nil : PickupMinutes.encode(minutes)
                }
            } else {
                try context.insert(key, added) { stored in try PickupMinutes.merged(stored, added) }
            }
        }
        try AdmittedPersonsRollup.apply(personMonths, in: context)
    }
}
