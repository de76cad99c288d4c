public import HomewardStore

/// Case state (contract section 4): per case its folded state, and lists by status, station and
/// region. A case touched by a batch is folded again from its stream, so corrections and voids
/// count however late they arrive.
///
/// Keys: `case/<caseId>` → the case's ``CaseState`` (binary); `list/<status>/<region>/<caseId>`
/// → the case's station (empty when it has none), one entry a case for the lists: by status,
/// by region prefix within each status, by station from the values (a status or region the
/// case does not have is empty). One entry, not one per list: a rebuild put a third as many list
/// entries.
public struct CaseStateProjection: Projection {
    public let name = "caseState"
    public let version: Int
    let configuration: RegionConfiguration

    /// Creates the projection; its version follows the configuration (a new one rebuilds it).
    public init(configuration: RegionConfiguration) {
        self.configuration = configuration
        version = (3 << 20) | ProjectionCoding.digest(configuration)
    }

    public func apply(_ events: [RecordedEvent], in context: ProjectionContext) throws {
        for caseId in ProjectionCoding.touched(events, in: context).cases {
            let state = try ProjectionCoding.folded(caseId, in: context, configuration: configuration).state
            try store(state, encoded: state.binary, replacing: true, in: context)
        }
    }

    /// Stores a case's state and its list entries.
    /// - Parameters:
    ///   - state: The case's latest state.
    ///   - encoded: `state.binary`.
    ///   - replacing: Whether a stored state may have to be replaced (false while filling an
    ///     empty copy stream by stream).
    ///   - context: The projection's state.
    func store(_ state: CaseState, encoded: [UInt8], replacing: Bool, in context: ProjectionContext) throws {
        if replacing, let old = try context.get(ProjectionCoding.key("case", state.caseId)) {
            for indexKey in indexKeys(try CaseState(binary: old)) { try context.delete(indexKey) }
        }
        for (key, value) in entries(state, encoded: encoded) { try context.put(key, value) }
    }

    /// The keys and values stored for a case: its state and its list entries.
    func entries(_ state: CaseState, encoded: [UInt8]) -> [(key: [UInt8], value: [UInt8])] {
        var entries = EntryBuffer()
        appendEntries(state, encoded: encoded, to: &entries)
        return entries.pairs
    }

    /// Appends the keys and values stored for a case: its state, then its list entries.
    func appendEntries(_ state: CaseState, encoded: [UInt8], to entries: inout EntryBuffer) {
        entries.append(key: "case", state.caseId, value: encoded)
        appendIndexEntries(state, to: &entries)
    }

    /// The keys of a case's list entries (by status, station and region).
    func indexKeys(_ state: CaseState) -> [[UInt8]] {
        var entries = EntryBuffer()
        appendIndexEntries(state, to: &entries)
        return entries.pairs.map(\.key)
    }

    private func appendIndexEntries(_ state: CaseState, to entries: inout EntryBuffer) {
        entries.append(
            key: "list", state.status?.rawValue ?? "", Self.region(of: state, configuration) ?? "", state.caseId,
            text: Self.station(of: state) ?? ""
        )
    }

    /// The key prefixes of the list entries with a status (every status, none included, when
    /// `nil`) and a region starting with `regionPrefix`.
    static func listPrefixes(status: CaseStatus?, regionPrefix: String?) -> [[UInt8]] {
        let statuses = status.map { [$0.rawValue] } ?? [""] + CaseStatus.allCases.map(\.rawValue)
        return statuses.map { ProjectionCoding.key("list", $0, regionPrefix ?? "") }
    }

    /// A case's station in the lists: that of its latest admission, else the first one named.
    static func station(of state: CaseState) -> String? {
        state.latestAdmission?.station ?? state.firstStation
    }

    /// A case's region (reading 13).
    static func region(of state: CaseState, _ configuration: RegionConfiguration) -> String? {
        state.firstReport?.region ?? state.firstStation.flatMap { configuration.region(ofStation: $0) }
    }
}
