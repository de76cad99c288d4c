public import HomewardStore

/// Entitlement inputs (contract section 5): per case the facts the checks read, indexed by the
/// case's person id; the person links. Checks are evaluated at query time, for the query time.
///
/// Keys: `case/<caseId>` → the case's ``CaseState``; `person/<personId>/<caseId>` → empty;
/// `link/<position>.<n>` → one person-link change.
public struct EntitlementsProjection: Projection {
    public let name = "entitlements"
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
        for caseId in touched.cases {
            let key = ProjectionCoding.key("case", caseId)
            if let old = try context.get(key), let personId = try CaseState(binary: old).personId {
                try context.delete(ProjectionCoding.key("person", personId, caseId))
            }
            let state = try ProjectionCoding.folded(caseId, in: context, configuration: configuration).state
            try context.put(key, state.binary)
            if let personId = state.personId { try context.put(ProjectionCoding.key("person", personId, caseId), []) }
        }
    }

    /// The cases whose person id is in a person's component.
    func cases(of personId: String, links: PersonLinks, in context: ProjectionContext) throws -> [CaseState] {
        var states: [CaseState] = []
        for member in links.component(of: personId).sorted() {
            var caseIds: [String] = []
            try context.scan(prefix: ProjectionCoding.key("person", member, "")) { key, _ in
                caseIds.append(String(String(decoding: key, as: UTF8.self).split(separator: "/").last ?? ""))
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
