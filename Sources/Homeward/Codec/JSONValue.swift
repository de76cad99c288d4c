/// A JSON value, with object keys kept in their order.
///
/// Integers (numbers written without a fraction or exponent) are kept apart from other numbers,
/// so that counts round-trip exactly.
public enum JSONValue: Sendable, Hashable, CustomStringConvertible {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The value as compact JSON text.
    public var serialized: String {
        var writer = JSONTextWriter()
        writer.write(self)
        return writer.text
    }

    public var description: String { serialized }

    /// The value's kind, in words, for error messages.
    public var kind: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .integer, .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// The members of an object, or `nil`.
    public var objectValue: JSONObject? {
        if case .object(let object) = self { return object }
        return nil
    }

    /// The text of a string, or `nil`.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// Looks up a key of an object; `nil` for other values or a missing key.
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }
}

/// The members of a JSON object, in order.
public struct JSONObject: Sendable, Hashable, ExpressibleByDictionaryLiteral {
    /// The keys and values, in order.
    public private(set) var members: [(key: String, value: JSONValue)]

    /// Creates an object from its members.
    /// - Parameter members: The keys and values, in order.
    public init(_ members: [(String, JSONValue)]) {
        self.members = members.map { (key: $0.0, value: $0.1) }
    }

    /// Creates an object from members already labelled (the parser's, kept without a copy).
    init(members: [(key: String, value: JSONValue)]) {
        self.members = members
    }

    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }

    /// The number of members.
    public var count: Int { members.count }

    /// The first member whose key is not one of `known`, if any.
    ///
    /// Keys are compared by length first: most pairs of different keys differ in length, and
    /// then need no string comparison.
    func firstKey(notIn known: [String]) -> String? {
        members.first { member in
            let length = member.key.utf8.count
            return !known.contains { $0.utf8.count == length && $0 == member.key }
        }?.key
    }

    /// The keys, in order.
    public var keys: [String] { members.map(\.key) }

    /// The value of a key (the last one, if a key repeats); setting `nil` removes it.
    public subscript(key: String) -> JSONValue? {
        get {
            // Keys of another length are passed over without a string comparison (an out-of-line
            // call for every pair of different keys, a dozen per key looked up in a line).
            let length = key.utf8.count
            return members.last { $0.key.utf8.count == length && $0.key == key }?.value
        }
        set {
            if let index = members.firstIndex(where: { $0.key == key }) {
                if let newValue {
                    members[index].value = newValue
                } else {
                    members.remove(at: index)
                }
            } else if let newValue {
                members.append((key, newValue))
            }
        }
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(members.count)
        for member in members {
            hasher.combine(member.key)
            hasher.combine(member.value)
        }
    }
}
