public import HomewardStore

extension ReliefService {
    /// What forgetting a person destroyed.
    public struct Forgetting: Sendable, Hashable {
        /// The person ids forgotten: the one asked for and every id linked to it now (one human).
        public var personIds: [String]
        /// The cases whose personal fields became unreadable.
        public var caseIds: [String]
        /// The keys destroyed.
        public var destroyedKeys: [String]
        /// The `PersonForgotten` event recorded.
        public var result: CommandResult
    }

    /// Forgets a person: destroys the keys that seal the person's personal fields, so that names,
    /// birth dates, free text and relatives of the person can never be read again, and records a
    /// `PersonForgotten` event (with no personal data) in `person-<personId>`.
    ///
    /// The person ids linked to `personId` are forgotten with it, and so is every case that names
    /// one of them (through `Admitted` or `IdentityVerified`), including what was recorded before
    /// the person was known. Nothing is removed from the log: its hash chain covers the sealed
    /// bytes, so ``HomewardStore/EventStore/verify(expecting:progress:)`` passes before and after.
    /// Statistics do not read personal fields and do not change. Rebuild the projections afterwards
    /// (``ReliefProjections/rebuildAll()``): case states and entitlements that used the forgotten
    /// birth date fall back to the stated age.
    ///
    /// Forgetting again is harmless: the keys are already gone and another event is recorded.
    /// - Parameters:
    ///   - personId: The person.
    ///   - reason: The legal ground, such as a decision's reference; not personal data.
    ///   - actor: Who forgets.
    /// - Returns: What was destroyed.
    /// - Throws: ``ForgettingError`` when the store has no key store;
    ///   ``PolicyRefusal``; ``HomewardStore/EventStoreError``.
    @discardableResult
    public func forget(person personId: String, reason: String, by actor: EventActor) async throws -> Forgetting {
        guard let keys = registry.keys else { throw ForgettingError.noKeyStore(store.path) }
        // Checked before any key is destroyed; the append checks both again.
        try checkPolicy(PersonForgotten.typeName, by: actor)
        _ = try StreamNames.personStream(personId)
        let links = try personLinks()
        // Ids by their bytes, as the store keeps them: a person whose id Swift holds equal but is
        // written differently (a composed accent, or a letter and a combining accent) is another
        // person, whose keys stay.
        let personIds = links.component(of: personId)
        var caseIds = Set<BytewiseString>()
        let wanted = Set(personIds.map { BytewiseString($0) })
        try store.forEachEvent { event in
            guard event.hasType("Admitted") || event.hasType("IdentityVerified"), let caseId = StreamNames.caseId(of: event.stream) else { return }
            if let named = PersonalKeys.personId(in: try registry.decode(event)), wanted.contains(BytewiseString(named)) { caseIds.insert(BytewiseString(caseId)) }
        }
        let names = personIds.map(PersonalKeys.person) + caseIds.sorted().map { PersonalKeys.case($0.string) }
        let destroyed = try keys.destroy(names)
        let event = PersonForgotten(personId: personId, reason: reason, keys: names)
        let result = try await appendPersonFact(.personForgotten(event), to: personId, occurredAt: nil, by: actor)
        return Forgetting(personIds: personIds, caseIds: caseIds.sorted().map(\.string), destroyedKeys: destroyed, result: result)
    }
}

/// Why a person cannot be forgotten.
public enum ForgettingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The store was opened without a key store, so personal fields are stored as given.
    case noKeyStore(String)

    public var description: String {
        switch self {
        case .noKeyStore(let path):
            return "the store at \(path) was opened without a key store: its personal fields are not sealed and cannot be forgotten"
        }
    }
}
