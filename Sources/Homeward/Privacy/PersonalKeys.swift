public import HomewardStore

/// Which key of the key store an event's personal fields are sealed under.
///
/// A person's key once the person id is known (`person:<id>`); until then the case's key
/// (`case:<id>`). Events of a person stream use that person's key; events of other streams use
/// the stream's key (`stream:<name>`).
public enum PersonalKeys {
    /// The key name of a person.
    public static func person(_ personId: String) -> String { "person:\(personId)" }

    /// The key name of a case.
    public static func `case`(_ caseId: String) -> String { "case:\(caseId)" }

    /// The key an event is sealed under.
    /// - Parameters:
    ///   - event: The event.
    ///   - stream: Its stream.
    ///   - knownPersonId: The person id the case has before this event, if any.
    /// - Returns: The key's name.
    public static func name(for event: DomainEvent, in stream: StreamID, knownPersonId: String?) -> String {
        if let personId = personId(in: event) ?? knownPersonId { return person(personId) }
        if let caseId = StreamNames.caseId(of: stream) { return self.case(caseId) }
        if let personId = StreamNames.personId(of: stream) { return person(personId) }
        return "stream:\(stream.rawValue)"
    }

    /// The person id an event names for its case, if it names one.
    static func personId(in event: DomainEvent) -> String? {
        switch event {
        case .admitted(let admitted): return admitted.personId
        case .identityVerified(let verified): return verified.personId
        default: return nil
        }
    }
}
