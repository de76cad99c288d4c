public import HomewardStore

/// Entitlement inputs (contract section 5): per case with a person id the facts the checks
/// read, indexed by that id; the person links. Checks are evaluated at query time, for the query
/// time.
///
/// Keys: `case/<caseId>` → the case's ``CaseState``, for a case with a person id (checks are per
/// person: a case without one is never read, and about one case in five of a generated campaign
/// has none);
/// `person/<personId>·<caseId>` → empty (`·` is a zero byte, which no id holds: an id may hold
/// `/`, and `person/P/` would also start the keys of a person `P/7`); `link/<position>.<n>` →
/// one person-link change.
public struct EntitlementsProjection: Projection {
    public let name = "entitlements"
    public let version: Int
    let configuration: RegionConfiguration

    /// Creates the projection; its version follows the configuration.
    public init(configuration: RegionConfiguration) {
        self.configuration = configuration
        version = (5 << 20) | ProjectionCoding.digest(configuration)
    }

    public func apply(_ events: [RecordedEvent], in context: ProjectionContext) throws {
        let touched = ProjectionCoding.touched(events, in: context)
        if touched.links { try ProjectionCoding.updateLinks(events, in: context) }
        for caseId in touched.cases {
            let state = try ProjectionCoding.folded(caseId, in: context, configuration: configuration).state
            try store(state, encoded: state.binary, replacing: true, in: context)
        }
    }

    /// Stores a case's state and its entry under its person id.
    /// - Parameters:
    ///   - state: The case's latest state.
    ///   - encoded: `state.binary`.
    ///   - replacing: Whether a stored state may have to be replaced.
    ///   - context: The projection's state.
    func store(_ state: CaseState, encoded: [UInt8], replacing: Bool, in context: ProjectionContext) throws {
        let caseKey = ProjectionCoding.key("case", state.caseId)
        if replacing, let old = try context.get(caseKey) {
            if let personId = try CaseState(binary: old).personId { try context.delete(Self.personKey(personId) + Array(state.caseId.utf8)) }
            if state.personId == nil { try context.delete(caseKey) }
        }
        for (key, value) in entries(state, encoded: encoded) { try context.put(key, value) }
    }

    /// The keys and values stored for a case: its state and its entry under its person id
    /// (nothing for a case without one).
    func entries(_ state: CaseState, encoded: [UInt8]) -> [(key: [UInt8], value: [UInt8])] {
        var entries = EntryBuffer()
        appendEntries(state, encoded: encoded, to: &entries)
        return entries.pairs
    }

    /// Appends the keys and values stored for a case: its state and its entry under its person
    /// id (nothing for a case without one).
    func appendEntries(_ state: CaseState, encoded: [UInt8], to entries: inout EntryBuffer) {
        guard let personId = state.personId else { return }
        entries.append(key: "case", state.caseId, value: encoded)
        entries.append(key: "person", personId, state.caseId, lastSeparator: 0)
    }

    /// The start of the keys of a person's cases: `person/<personId>` and a zero byte.
    static func personKey(_ personId: String) -> [UInt8] {
        ProjectionCoding.key("person", personId) + [0]
    }

    /// The cases whose person id is in a person's component.
    func cases(of personId: String, links: PersonLinks, in context: ProjectionContext) throws -> [CaseState] {
        var states: [CaseState] = []
        for member in links.component(of: personId) {
            var caseIds: [String] = []
            let prefix = Self.personKey(member)
            try context.scan(prefix: prefix) { key, _ in
                caseIds.append(String(decoding: key.dropFirst(prefix.count), as: UTF8.self))
                return true
            }
            for caseId in caseIds {
                if let bytes = try context.get(ProjectionCoding.key("case", caseId)) {
                    states.append(try CaseState(binary: bytes))
                }
            }
        }
        return states
    }
}
