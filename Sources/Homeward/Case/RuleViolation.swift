/// A command or record that breaks a guard: the rule id and a sentence an officer understands.
public struct RuleViolation: Error, Hashable, Sendable, CustomStringConvertible {
    /// A guard of contract section 4 (reading 18), or a structural rule of the service.
    public struct Rule: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Self-departure of a person under 16.
        public static let selfDepartedUnder16 = Rule(rawValue: "selfDepartedUnder16")
        /// Self-departure of a person flagged `mental` or `intellectual`.
        public static let selfDepartedFlaggedMentalOrIntellectual = Rule(rawValue: "selfDepartedFlaggedMentalOrIntellectual")
        /// Self-departure of a person admitted as a `minor`.
        public static let selfDepartedMinorCategory = Rule(rawValue: "selfDepartedMinorCategory")
        /// Self-departure with more than 20 CNY in cash.
        public static let selfDepartedCashOver20 = Rule(rawValue: "selfDepartedCashOver20")
        /// An `adult` admitted without an `AssistanceRequested` stating all four conditions.
        public static let admittedWithoutFourConditions = Rule(rawValue: "admittedWithoutFourConditions")
        /// Anything but `CaseReopened` or a meta event after `CaseClosed`.
        public static let eventAfterCaseClosed = Rule(rawValue: "eventAfterCaseClosed")
        /// A correction or void whose target is not an earlier event of the stream.
        public static let targetNotFound = Rule(rawValue: "targetNotFound")
        /// A correction of an envelope field (`occurredAt`, `type`, `stream`): such an event is
        /// voided and recorded again (contract reading 4).
        public static let envelopeFieldNotCorrectable = Rule(rawValue: "envelopeFieldNotCorrectable")
        /// An event in the wrong kind of stream (a case event in a person stream, or the reverse).
        public static let wrongStream = Rule(rawValue: "wrongStream")
        /// A link or unlink that does not name two different person ids.
        public static let invalidPersonLink = Rule(rawValue: "invalidPersonLink")
    }

    /// The rule broken.
    public var rule: Rule
    /// What is wrong, for an officer.
    public var explanation: String

    /// Creates a violation.
    public init(_ rule: Rule, _ explanation: String) {
        self.rule = rule
        self.explanation = explanation
    }

    public var description: String { "\(rule): \(explanation)" }
}
