/// Who recorded an event: a person or system, their role and their organisation.
public struct EventActor: Hashable, Sendable, Codable {
    /// The actor's id, such as a staff number or a system name.
    public var id: String
    /// The actor's role, such as `outreach`, `station`, `tracer` or `civilAffairs`.
    public var role: String
    /// The organisation the actor acts for.
    public var org: String

    /// Creates an actor.
    /// - Parameters:
    ///   - id: The actor's id.
    ///   - role: The actor's role.
    ///   - org: The actor's organisation.
    public init(id: String, role: String, org: String) {
        self.id = id
        self.role = role
        self.org = org
    }
}
