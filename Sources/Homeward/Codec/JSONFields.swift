/// Reads the fields of one JSON object, naming the key and the problem in every error (the
/// accessors are those of ``FieldSource``).
public struct JSONFields: FieldSource {
    private let object: JSONObject
    /// The object's path, for errors (such as `data`).
    public let path: String

    /// Checks that `json` is an object holding no key outside `known`.
    /// - Parameters:
    ///   - json: The value to read.
    ///   - path: Its path, for errors (such as `data`).
    ///   - known: The keys the object may hold.
    /// - Throws: ``FieldError`` when `json` is not an object or holds an unknown key.
    public init(_ json: JSONValue, path: String, known: [String]) throws(FieldError) {
        guard case .object(let object) = json else {
            throw FieldError(path: path, kind: .wrongType, message: "expected an object, found \(json.kind)")
        }
        if let key = object.firstKey(notIn: known) {
            throw Self.unknownField(key, path: path, known: known)
        }
        self.object = object
        self.path = path
    }

    /// The value of a key; `nil` when absent or null.
    public func value(_ key: String) -> JSONValue? {
        guard let value = object[key] else { return nil }
        if case .null = value { return nil }
        return value
    }

    public func kind(of value: JSONValue) -> String { value.kind }

    public func text(of value: JSONValue) -> String? {
        if case .string(let text) = value { return text }
        return nil
    }

    public func integer(of value: JSONValue) -> Int? {
        if case .integer(let number) = value { return number }
        return nil
    }

    public func fractional(of value: JSONValue) -> Double? {
        if case .number(let number) = value { return number }
        return nil
    }

    public func boolean(of value: JSONValue) -> Bool? {
        if case .bool(let flag) = value { return flag }
        return nil
    }

    public func elements(of value: JSONValue) -> [JSONValue]? {
        if case .array(let elements) = value { return elements }
        return nil
    }

    public func fields(of value: JSONValue, path: String, known: [String]) throws(FieldError) -> JSONFields {
        try JSONFields(value, path: path, known: known)
    }

    public func json(of value: JSONValue) -> JSONValue { value }
}
