/// A field of an event's data that cannot be read: which key, and what is wrong with it.
public struct FieldError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem it is.
    public enum Kind: String, Sendable, Hashable {
        /// A required field is absent.
        case missingField
        /// The value has the wrong JSON type.
        case wrongType
        /// A text is not one of the enumeration's values.
        case unknownValue
        /// A date, time or id is not written as the contract says.
        case malformed
        /// A key that the event does not have.
        case unknownField
        /// A number outside what the field accepts.
        case outOfRange
    }

    /// The key at fault, as a path such as `data.risks[1]`.
    public var path: String
    /// What kind of problem it is.
    public var kind: Kind
    /// What is wrong, in words.
    public var message: String

    /// Creates an error.
    public init(path: String, kind: Kind, message: String) {
        self.path = path
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
