public import HomewardStore

/// Case state (contract section 4): per case its folded state, and lists by status, station and
/// region. A case touched by a batch is folded again from its stream, so corrections and voids
/// count however late they arrive.
///
/// Keys: `case/<caseId>` → the case's ``CaseState`` (binary); `list/<status>/<region>·<caseId>`
/// → the case's station (empty when it has none), one entry a case for the lists: by status,
/// by region prefix within each status, by station from the values (a status or region the
/// case does not have is empty; `·` is a zero byte, which no id holds, since a case id may hold
/// `/`). One entry, not one per list: a rebuild put a third as many list
/// entries. `latest` → the latest `lastEventAt` of any case stored (never lowered): a list at or
/// after it is read from the stored states alone, with no case folded at the query time.
public struct CaseStateProjection: Projection {
    public let name = "caseState"
    public let version: Int
    let configuration: RegionConfiguration

    /// Creates the projection; its version follows the configuration (a new one rebuilds it).
    public init(configuration: RegionConfiguration) {
        self.configuration = configuration
        version = (5 << 20) | ProjectionCoding.digest(configuration)
    }

    public func apply(_ events: [RecordedEvent], in context: ProjectionContext) throws {
        var latest: Timestamp?
        for caseId in ProjectionCoding.touched(events, in: context).cases {
            let state = try ProjectionCoding.folded(caseId, in: context, configuration: configuration).state
            try store(state, encoded: state.binary, replacing: true, in: context)
            latest = Self.later(latest, state.lastEventAt)
        }
        try Self.raiseLatest(to: latest, in: context)
    }

    /// The key of the latest event time of any stored case.
    static let latestKey = Array("latest".utf8)

    /// The later of two times, either of which may be unknown.
    static func later(_ first: Timestamp?, _ second: Timestamp?) -> Timestamp? {
        guard let first else { return second }
        guard let second else { return first }
        return max(first, second)
    }

    /// Raises the stored latest event time of any case to `time`, when that is later.
    static func raiseLatest(to time: Timestamp?, in context: ProjectionContext) throws {
        guard let time, try latest(in: context).map({ $0 < time }) ?? true else { return }
        var writer = PayloadWriter()
        writer.write(time)
        try context.put(latestKey, writer.bytes)
    }

    /// The latest event time of any stored case (`nil` before the first): no stored case has an
    /// event after it.
    static func latest(in context: ProjectionContext) throws -> Timestamp? {
        guard let bytes = try context.get(latestKey) else { return nil }
        return try bytes.withUnsafeBytes { (buffer) throws(PayloadDecodingError) -> Timestamp in
            var reader = PayloadReader(buffer)
            return try reader.readTimestamp()
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

    /// The key of a case's list entry (by status, region and case; the station is its value).
    func indexKeys(_ state: CaseState) -> [[UInt8]] {
        var entries = EntryBuffer()
        appendIndexEntries(state, to: &entries)
        return entries.pairs.map(\.key)
    }

    private func appendIndexEntries(_ state: CaseState, to entries: inout EntryBuffer) {
        entries.append(
            key: "list", state.status?.rawValue ?? "", Self.region(of: state, configuration) ?? "", state.caseId, lastSeparator: 0,
            text: Self.station(of: state) ?? ""
        )
    }

    /// The key prefixes of the list entries with a status (every status, none included, when
    /// `nil`) and a region starting with `regionPrefix`.
    static func listPrefixes(status: CaseStatus?, regionPrefix: String?) -> [[UInt8]] {
        let statuses = status.map { [$0.rawValue] } ?? [""] + CaseStatus.allCases.map(\.rawValue)
        return statuses.map { ProjectionCoding.key("list", $0, regionPrefix ?? "") }
    }

    /// The case id of a list entry's key: all after its zero byte.
    static func caseId(ofListKey key: [UInt8]) -> String? {
        key.firstIndex(of: 0).map { String(decoding: key[($0 + 1)...], as: UTF8.self) }
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
