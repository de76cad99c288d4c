import HomewardStore

/// Rebuilds the three relief projections stream by stream: each case stream is read once,
/// folded once, and its state, entitlement entry and statistics contribution written once; the
/// person streams give the person links.
///
/// This replaces folding the log in batches for rebuilds and first fills: there a case is folded
/// again by every batch that touches it, and its stored state read back and replaced. Folding
/// (decoding, resolving corrections, the state, the contribution, the encoded keys and values)
/// runs on every core while the engine writes the previous group; the writer sorts the keys,
/// sums the contributions into bucket changes and writes them.
struct ReliefStreamRebuilder: StreamRebuilder {
    let cases: CaseStateProjection
    let statistics: StatisticsProjection
    let entitlements: EntitlementsProjection

    var projectionNames: Set<String> { [cases.name, statistics.name, entitlements.name] }

    typealias Entries = [(key: [UInt8], value: [UInt8])]

    /// A group of streams, folded: the entries to put into each projection, the cases'
    /// contributions to the statistics summed into bucket changes, and the person-link changes.
    /// (The writer sorts the entries: in a rebuild it waits for the folding threads otherwise.)
    struct Folded: Sendable {
        var entries: [String: Entries] = [:]
        var deltas: StatisticsProjection.Deltas?
        var linkChanges: [PersonLinks.Change] = []
    }

    /// What one case stream gives each projection.
    private struct FoldedCase: Sendable {
        var caseEntries: Entries = []
        var entitlementEntries: Entries = []
        var statisticsEntries: Entries = []
        var contribution: CaseContribution?
    }

    func fold(_ streams: [[RecordedEvent]], for projections: Set<String>, keys: KeyStore?) throws -> Folded {
        let registry = EventRegistry.standard.withKeys(keys)
        var caseStreams: [(caseId: String, events: [RecordedEvent])] = []
        var linkEvents: [RecordedEvent] = []
        for stream in streams {
            if let caseId = StreamNames.caseId(of: stream[0].stream) {
                caseStreams.append((caseId, stream))
            } else {
                linkEvents += stream.filter { $0.hasType("PersonsLinked") || $0.hasType("PersonsUnlinked") }
            }
        }
        let (cases, statistics, entitlements) = (self.cases, self.statistics, self.entitlements)
        let configuration = cases.configuration
        let (wantsCases, wantsStatistics, wantsEntitlements) =
            (projections.contains(cases.name), projections.contains(statistics.name), projections.contains(entitlements.name))
        let foldedCases = try ParallelMap.map(caseStreams) { stream in
            let timeline = try ProjectionCoding.timeline(stream.caseId, of: stream.events, registry: registry, configuration: configuration)
            var folded = FoldedCase()
            let state = timeline.latestState
            if wantsCases || wantsEntitlements {
                let encoded = state.binary
                if wantsCases { folded.caseEntries = cases.entries(state, encoded: encoded) }
                if wantsEntitlements { folded.entitlementEntries = entitlements.entries(state, encoded: encoded) }
            }
            if wantsStatistics {
                let contribution = CaseContribution(timeline, latestState: state, configuration: configuration)
                folded.statisticsEntries = statistics.entries(contribution, of: stream.caseId)
                folded.contribution = contribution
            }
            return folded
        }
        var result = Folded()
        result.linkChanges = linkEvents.isEmpty ? [] : try ProjectionCoding.linkChanges(linkEvents, registry: registry)
        let links = ProjectionCoding.linkEntries(result.linkChanges)
        if wantsCases { result.entries[cases.name] = foldedCases.flatMap(\.caseEntries) }
        if wantsEntitlements { result.entries[entitlements.name] = foldedCases.flatMap(\.entitlementEntries) + links }
        if wantsStatistics {
            result.entries[statistics.name] = foldedCases.flatMap(\.statisticsEntries) + links
            var deltas = StatisticsProjection.Deltas(calendar: configuration.calendar)
            for case let contribution? in foldedCases.lazy.map(\.contribution) { deltas.add(contribution, sign: 1) }
            result.deltas = deltas
        }
        return result
    }

    func write(_ folded: Folded, into contexts: [String: ProjectionContext]) throws {
        for (name, entries) in folded.entries {
            guard let context = contexts[name] else { continue }
            for (key, value) in Self.sorted(entries) { try context.put(key, value) }
        }
        if let context = contexts[statistics.name] {
            try folded.deltas?.write(in: context)
            try AdmittedPersonsRollup.apply(folded.linkChanges, in: context)
        }
    }

    /// Entries in key order: LMDB then fills its pages in order instead of at random.
    ///
    /// Sorted by each key's first sixteen bytes as two integers, the rest compared only when
    /// those are equal: comparing the keys themselves reached into two arrays per comparison.
    static func sorted(_ entries: Entries) -> Entries {
        var order = entries.indices.map { index in
            let (high, low) = entries[index].key.withUnsafeBytes { prefixWords(of: $0) }
            return (high: high, low: low, index: index)
        }
        order.sort { left, right in
            if left.high != right.high { return left.high < right.high }
            if left.low != right.low { return left.low < right.low }
            return entries[left.index].key.precedesInKeyOrder(entries[right.index].key)
        }
        return order.map { entries[$0.index] }
    }

    /// A key's first sixteen bytes as two big-endian integers, padded with zeros: they order
    /// keys as their bytes do, up to ties that the whole keys decide.
    private static func prefixWords(of key: UnsafeRawBufferPointer) -> (UInt64, UInt64) {
        var words: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &words) { target in
            target.copyMemory(from: UnsafeRawBufferPointer(rebasing: key.prefix(16)))
        }
        return (UInt64(bigEndian: words.0), UInt64(bigEndian: words.1))
    }
}
