import HomewardStore

/// Rebuilds the three relief projections stream by stream: each case stream is read once,
/// folded once, and its state, entitlement entry and statistics contribution written once; the
/// person streams give the person links.
///
/// This replaces folding the log in batches for rebuilds and first fills: there a case is folded
/// again by every batch that touches it, and its stored state read back and replaced. Folding
/// (decoding, resolving corrections, the state, the contribution, the encoded keys and values)
/// runs on every core while the engine writes earlier groups. What follows it (each projection's
/// entries joined and sorted, the contributions summed into bucket changes and encoded) is the
/// finish, which runs beside the next group's fold: its one long piece, the bucket changes, would
/// otherwise leave a core idle at the end of every fold. The writer only stores what it is handed.
struct ReliefStreamRebuilder: StreamRebuilder {
    let cases: CaseStateProjection
    let statistics: StatisticsProjection
    let entitlements: EntitlementsProjection

    var projectionNames: Set<String> { [cases.name, statistics.name, entitlements.name] }

    /// A group of streams, folded: what each run of case streams gave, and the person links.
    struct Folded: Sendable {
        fileprivate var runs: [FoldedCases]
        fileprivate var caseCount: Int
        fileprivate var projections: Set<String>
        var linkChanges: [PersonLinks.Change]
        fileprivate var linkEntries: EntryBuffer
    }

    /// A group of streams, finished: the entries to put into each projection, the cases'
    /// contributions to the statistics summed into bucket changes (encoded, in key order), and
    /// the person-link changes.
    struct Finished: Sendable {
        var entries: [String: EntryBuffer] = [:]
        /// The latest event time of the group's cases.
        var latestEventAt: Timestamp?
        var bucketChanges: BucketChanges?
        var linkChanges: [PersonLinks.Change] = []
    }

    /// What a run of case streams gives each projection: their entries packed into one buffer
    /// per projection (not arrays per case), and their contributions.
    fileprivate struct FoldedCases: Sendable {
        var caseEntries = EntryBuffer()
        var entitlementEntries = EntryBuffer()
        var statisticsEntries = EntryBuffer()
        var contributions: [CaseContribution] = []
        var latestEventAt: Timestamp?
    }

    /// The work left once the cases are folded, done on every core.
    private enum FoldPiece: Sendable {
        /// The bucket changes of one part of the contributions: the daily counters (the largest
        /// piece) apart from the admissions by person, so that neither keeps one core busy
        /// while the other has nothing left.
        case bucketChanges(StatisticsProjection.Deltas.Parts)
        case statisticsEntries, caseEntries, entitlementEntries
    }

    /// What a ``FoldPiece`` gives.
    private enum FoldedPiece: Sendable {
        case entries(EntryBuffer)
        case bucketChanges(BucketChanges)
    }

    /// Case streams folded together by one thread: enough that a group makes a few dozen runs
    /// for the folding threads to share.
    static let casesPerRun = 256

    func fold(_ streams: [[RecordedEvent]], for projections: Set<String>, keys: KeyStore?) throws -> Folded {
        let registry = ProjectionCoding.registry(keys: keys)
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
        let caseStreamsFound = caseStreams
        let runs = stride(from: 0, to: caseStreams.count, by: Self.casesPerRun).map { $0..<min($0 + Self.casesPerRun, caseStreams.count) }
        let foldedRuns = try ParallelMap.map(runs, minimumPerWorker: 1) { run in
            var folded = FoldedCases()
            // About what the run's cases give (a case's state and list entry take under 300
            // bytes, its entitlement entries under 250, its contribution and open stays under
            // 150), so that the buffers are allocated once, not grown and copied again and again.
            if wantsCases { folded.caseEntries.reserveCapacity(entries: 2 * run.count, bytes: 300 * run.count) }
            if wantsEntitlements { folded.entitlementEntries.reserveCapacity(entries: 2 * run.count, bytes: 250 * run.count) }
            if wantsStatistics {
                folded.statisticsEntries.reserveCapacity(entries: 2 * run.count, bytes: 150 * run.count)
                folded.contributions.reserveCapacity(run.count)
            }
            for stream in caseStreamsFound[run] {
                let timeline = try ProjectionCoding.timeline(stream.caseId, of: stream.events, registry: registry, configuration: configuration)
                let state = timeline.latestState
                if wantsCases || wantsEntitlements {
                    let encoded = state.binary
                    if wantsCases {
                        cases.appendEntries(state, encoded: encoded, to: &folded.caseEntries)
                        folded.latestEventAt = CaseStateProjection.later(folded.latestEventAt, state.lastEventAt)
                    }
                    if wantsEntitlements { entitlements.appendEntries(state, encoded: encoded, to: &folded.entitlementEntries) }
                }
                if wantsStatistics {
                    let contribution = CaseContribution(timeline, latestState: state, configuration: configuration)
                    statistics.appendEntries(contribution, of: stream.caseId, to: &folded.statisticsEntries)
                    folded.contributions.append(contribution)
                }
            }
            return folded
        }
        let linkChanges = linkEvents.isEmpty ? [] : try ProjectionCoding.linkChanges(linkEvents, registry: registry)
        var linkEntries = EntryBuffer()
        for (key, value) in ProjectionCoding.linkEntries(linkChanges) { linkEntries.append(key: key, value: value) }
        return Folded(runs: foldedRuns, caseCount: caseStreams.count, projections: projections, linkChanges: linkChanges, linkEntries: linkEntries)
    }

    func finish(_ folded: Folded) throws -> Finished {
        let (cases, statistics, entitlements) = (self.cases, self.statistics, self.entitlements)
        let projections = folded.projections
        let (wantsCases, wantsStatistics, wantsEntitlements) =
            (projections.contains(cases.name), projections.contains(statistics.name), projections.contains(entitlements.name))
        var result = Finished()
        result.linkChanges = folded.linkChanges
        result.latestEventAt = folded.runs.reduce(nil) { CaseStateProjection.later($0, $1.latestEventAt) }
        let foldedRuns = folded.runs
        // What is left after the cases' folds (joining and sorting each projection's entries,
        // summing and encoding the bucket changes) is done as separate pieces on every core,
        // the largest first: done one after the other, they took a third of a group's fold.
        let links = folded.linkEntries
        let pieces: [FoldPiece] = (wantsStatistics ? [.bucketChanges(.counters), .bucketChanges(.persons), .statisticsEntries] : [])
            + (wantsCases ? [.caseEntries] : []) + (wantsEntitlements ? [.entitlementEntries] : [])
        let calendar = cases.configuration.calendar
        let caseCount = folded.caseCount
        let done = try ParallelMap.map(pieces, minimumPerWorker: 1) { piece -> FoldedPiece in
            func joined(_ part: KeyPath<FoldedCases, EntryBuffer>, then more: EntryBuffer? = nil) -> FoldedPiece {
                var entries = EntryBuffer()
                entries.reserveCapacity(
                    entries: foldedRuns.reduce(more?.count ?? 0) { $0 + $1[keyPath: part].count },
                    bytes: foldedRuns.reduce(more?.byteCount ?? 0) { $0 + $1[keyPath: part].byteCount }
                )
                for run in foldedRuns { entries.append(contentsOf: run[keyPath: part]) }
                if let more { entries.append(contentsOf: more) }
                entries.sortInKeyOrder()
                return .entries(entries)
            }
            switch piece {
            case .caseEntries: return joined(\.caseEntries)
            case .entitlementEntries: return joined(\.entitlementEntries, then: links)
            case .statisticsEntries: return joined(\.statisticsEntries, then: links)
            case .bucketChanges(let parts):
                var deltas = StatisticsProjection.Deltas(calendar: calendar, parts: parts)
                deltas.reserveCapacity(cases: caseCount)
                for run in foldedRuns {
                    for contribution in run.contributions { deltas.add(contribution, sign: 1) }
                }
                return .bucketChanges(deltas.changes())
            }
        }
        for (piece, folded) in zip(pieces, done) {
            switch (piece, folded) {
            case (.caseEntries, .entries(let entries)): result.entries[cases.name] = entries
            case (.entitlementEntries, .entries(let entries)): result.entries[entitlements.name] = entries
            case (.statisticsEntries, .entries(let entries)): result.entries[statistics.name] = entries
            case (.bucketChanges, .bucketChanges(let changes)): result.bucketChanges = result.bucketChanges.map { $0.joined(with: changes) } ?? changes
            default: preconditionFailure("a fold piece gave another piece's result")
            }
        }
        return result
    }

    func write(_ finished: Finished, into contexts: [String: ProjectionContext]) throws {
        for (name, entries) in finished.entries {
            guard let context = contexts[name] else { continue }
            try context.putting { put in try entries.forEachInKeyOrder(put) }
        }
        if let context = contexts[cases.name] { try CaseStateProjection.raiseLatest(to: finished.latestEventAt, in: context) }
        if let context = contexts[statistics.name] {
            try finished.bucketChanges?.write(in: context)
            try AdmittedPersonsRollup.apply(finished.linkChanges, in: context)
        }
    }
}
