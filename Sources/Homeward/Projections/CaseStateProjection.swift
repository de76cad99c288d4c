public import HomewardStore

/// Case state (contract section 4): per case its folded state, and lists by status, station and
/// region. A case touched by a batch is folded again from its stream, so corrections and voids
/// count however late they arrive.
///
/// Keys: `case/<caseId>` → the case's ``CaseState`` (JSON); `status/<status>/<caseId>`,
/// `station/<station>/<caseId>` and `region/<region>/<caseId>` → empty, for the lists.
public struct CaseStateProjection: Projection {
    public let name = "caseState"
    public let version: Int
    let configuration: RegionConfiguration

    /// Creates the projection; its version follows the configuration (a new one rebuilds it).
    public init(configuration: RegionConfiguration) {
        self.configuration = configuration
        version = (2 << 20) | ProjectionCoding.digest(configuration)
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
        [(ProjectionCoding.key("case", state.caseId), encoded)] + indexKeys(state).map { ($0, []) }
    }

    func indexKeys(_ state: CaseState) -> [[UInt8]] {
        var keys: [[UInt8]] = []
        if let status = state.status { keys.append(ProjectionCoding.key("status", status.rawValue, state.caseId)) }
        if let station = state.latestAdmission?.station ?? state.firstStation { keys.append(ProjectionCoding.key("station", station, state.caseId)) }
        if let region = Self.region(of: state, configuration) { keys.append(ProjectionCoding.key("region", region, state.caseId)) }
        return keys
    }

    /// A case's region (reading 13).
    static func region(of state: CaseState, _ configuration: RegionConfiguration) -> String? {
        state.firstReport?.region ?? state.firstStation.flatMap { configuration.region(ofStation: $0) }
    }
}
