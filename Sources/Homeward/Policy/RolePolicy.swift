import Foundation

/// Which actor roles may record which event types.
///
/// A policy file has one rule per line: an event type, then the roles allowed to record it,
/// separated by spaces or commas. `#` starts a comment; blank lines are skipped. Event types the
/// policy does not name may be recorded by any role.
///
/// ```
/// # event type       roles
/// BenefitDecided     civilAffairs
/// Admitted           station
/// IdentityVerified   tracer
/// ```
public struct RolePolicy: Sendable, Hashable {
    /// One rule: an event type and the roles that may record it.
    public struct Rule: Sendable, Hashable {
        /// The event type.
        public var eventType: String
        /// The roles allowed.
        public var roles: Set<String>
        /// The line of the policy file it came from.
        public var line: Int
        /// That line's text, for messages.
        public var text: String
    }

    /// The rules by event type.
    public private(set) var rules: [String: Rule] = [:]
    /// Where the policy came from, for messages.
    public let source: String

    /// Reads a policy file's text.
    /// - Parameters:
    ///   - text: The file's text.
    ///   - source: Its name, for messages.
    ///   - knownTypes: The event types that exist; a rule for another type is an error.
    /// - Throws: ``PolicyError`` naming the line and what is wrong with it.
    public init(text: String, source: String = "policy", knownTypes: Set<String> = Set(EventRegistry.standard.typeNames)) throws(PolicyError) {
        self.source = source
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let content = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let words = content.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," || $0 == "\r" }).map(String.init)
            guard let eventType = words.first else { continue }
            guard knownTypes.contains(eventType) else {
                throw PolicyError("\(source), line \(number): \(eventType) is not an event type of the catalogue")
            }
            guard words.count > 1 else {
                throw PolicyError("\(source), line \(number): \(eventType) names no role; list the roles that may record it")
            }
            if let earlier = rules[eventType] {
                throw PolicyError("\(source), line \(number): \(eventType) already has a rule on line \(earlier.line)")
            }
            rules[eventType] = Rule(eventType: eventType, roles: Set(words.dropFirst()), line: number, text: rawLine.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// Why `role` may not record `eventType`, or `nil` when it may.
    public func refusal(of eventType: String, by role: String) -> PolicyRefusal? {
        guard let rule = rules[eventType], !rule.roles.contains(role) else { return nil }
        return PolicyRefusal(role: role, eventType: eventType, source: source, rule: rule)
    }
}

/// An event refused because its actor's role may not record it.
public struct PolicyRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// The actor's role.
    public var role: String
    /// The event type.
    public var eventType: String
    /// The policy's name.
    public var source: String
    /// The rule that refuses it.
    public var rule: RolePolicy.Rule

    /// The refusal, naming the role, the type and the policy line.
    public var description: String {
        "role '\(role)' may not record \(eventType): \(source), line \(rule.line) allows only \(rule.roles.sorted().joined(separator: ", ")) (\(rule.text))"
    }
}

/// A policy file that cannot be read.
public struct PolicyError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, with the policy's name and line.
    public let description: String
    init(_ description: String) { self.description = description }
}
