public import Foundation
public import HomewardStore

/// Reads the fields of one JSON object, naming the key and the problem in every error.
public struct JSONFields {
    private let object: JSONObject
    private let path: String

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
            throw FieldError(path: "\(path).\(key)", kind: .unknownField, message: "is not a field of this event (its fields: \(known.joined(separator: ", ")))")
        }
        self.object = object
        self.path = path
    }

    private func at(_ key: String) -> String { "\(path).\(key)" }

    /// The value of a key; `nil` when absent or null.
    public func value(_ key: String) -> JSONValue? {
        guard let value = object[key] else { return nil }
        if case .null = value { return nil }
        return value
    }

    private func required(_ key: String) throws(FieldError) -> JSONValue {
        guard let value = value(key) else { throw FieldError(path: at(key), kind: .missingField, message: "missing field") }
        return value
    }

    private func wrongType(_ path: String, _ expected: String, _ value: JSONValue) -> FieldError {
        FieldError(path: path, kind: .wrongType, message: "expected \(expected), found \(value.kind)")
    }

    // MARK: Scalars

    /// The paths of errors are made only when an error is thrown: a line reads a dozen fields.
    static func string(_ value: JSONValue, path: @autoclosure () -> String) throws(FieldError) -> String {
        guard case .string(let text) = value else { throw FieldError(path: path(), kind: .wrongType, message: "expected a string, found \(value.kind)") }
        return text
    }

    /// A required text.
    public func string(_ key: String) throws(FieldError) -> String { try JSONFields.string(required(key), path: at(key)) }
    /// An optional text.
    public func optionalString(_ key: String) throws(FieldError) -> String? { value(key) == nil ? nil : try string(key) }

    /// A required whole number.
    public func int(_ key: String) throws(FieldError) -> Int {
        switch try required(key) {
        case .integer(let number): return number
        case .number(let number) where number == number.rounded() && abs(number) < 9e15: return Int(number)
        case .number: throw FieldError(path: at(key), kind: .outOfRange, message: "expected a whole number")
        case let other: throw wrongType(at(key), "a whole number", other)
        }
    }

    /// An optional whole number.
    public func optionalInt(_ key: String) throws(FieldError) -> Int? { value(key) == nil ? nil : try int(key) }

    /// A required number.
    public func number(_ key: String) throws(FieldError) -> Double {
        switch try required(key) {
        case .integer(let number): return Double(number)
        case .number(let number): return number
        case let other: throw wrongType(at(key), "a number", other)
        }
    }

    /// An optional number.
    public func optionalNumber(_ key: String) throws(FieldError) -> Double? { value(key) == nil ? nil : try number(key) }

    /// A required boolean.
    public func bool(_ key: String) throws(FieldError) -> Bool {
        switch try required(key) {
        case .bool(let flag): return flag
        case let other: throw wrongType(at(key), "true or false", other)
        }
    }

    /// An optional boolean.
    public func optionalBool(_ key: String) throws(FieldError) -> Bool? { value(key) == nil ? nil : try bool(key) }

    /// A required local date, `YYYY-MM-DD`.
    public func date(_ key: String) throws(FieldError) -> LocalDate {
        let text = try string(key)
        if text == PersonalData.forgottenMark { return .forgotten }
        guard let date = LocalDate(text) else {
            throw FieldError(path: at(key), kind: .malformed, message: "malformed date '\(text.prefix(40))', expected YYYY-MM-DD")
        }
        return date
    }

    /// An optional local date.
    public func optionalDate(_ key: String) throws(FieldError) -> LocalDate? { value(key) == nil ? nil : try date(key) }

    /// A required instant, RFC 3339 with an offset.
    public func timestamp(_ key: String) throws(FieldError) -> Timestamp {
        let text = try string(key)
        guard let time = Timestamp(rfc3339: text) else {
            throw FieldError(path: at(key), kind: .malformed, message: "malformed time '\(text.prefix(40))', expected RFC 3339 with an offset such as 2026-01-15T08:30:00+08:00")
        }
        return time
    }

    /// An optional instant.
    public func optionalTimestamp(_ key: String) throws(FieldError) -> Timestamp? { value(key) == nil ? nil : try timestamp(key) }

    /// A required UUID.
    public func uuid(_ key: String) throws(FieldError) -> UUID {
        let text = try string(key)
        guard let id = UUID(canonicalText: text) else {
            throw FieldError(path: at(key), kind: .malformed, message: "malformed event id '\(text.prefix(40))', expected a UUID")
        }
        return id
    }

    /// Any JSON value, required.
    public func json(_ key: String) throws(FieldError) -> JSONValue { try required(key) }

    // MARK: Enumerations, objects, arrays

    static func enumeration<E: EnumerationValue>(_ value: JSONValue, path: @autoclosure () -> String, of type: E.Type) throws(FieldError) -> E {
        let text = try string(value, path: path())
        guard let result = E(rawValue: text) else {
            throw FieldError(
                path: path(),
                kind: .unknownValue,
                message: "unknown value '\(text.prefix(40))' (allowed: \(E.allCases.map(\.rawValue).joined(separator: ", ")))"
            )
        }
        return result
    }

    /// A required enumeration value.
    public func enumeration<E: EnumerationValue>(_ key: String, of type: E.Type) throws(FieldError) -> E {
        try JSONFields.enumeration(required(key), path: at(key), of: type)
    }

    /// An optional enumeration value.
    public func optionalEnumeration<E: EnumerationValue>(_ key: String, of type: E.Type) throws(FieldError) -> E? {
        value(key) == nil ? nil : try enumeration(key, of: type)
    }

    private func elements(_ key: String) throws(FieldError) -> [JSONValue] {
        switch try required(key) {
        case .array(let elements): return elements
        case let other: throw wrongType(at(key), "an array", other)
        }
    }

    /// A required array of enumeration values.
    public func enumArray<E: EnumerationValue>(_ key: String, of type: E.Type) throws(FieldError) -> [E] {
        var result: [E] = []
        for (index, element) in try elements(key).enumerated() {
            result.append(try JSONFields.enumeration(element, path: "\(at(key))[\(index)]", of: type))
        }
        return result
    }

    /// An optional array of enumeration values.
    public func optionalEnumArray<E: EnumerationValue>(_ key: String, of type: E.Type) throws(FieldError) -> [E]? {
        value(key) == nil ? nil : try enumArray(key, of: type)
    }

    /// A required array of texts.
    public func stringArray(_ key: String) throws(FieldError) -> [String] {
        var result: [String] = []
        for (index, element) in try elements(key).enumerated() {
            result.append(try JSONFields.string(element, path: "\(at(key))[\(index)]"))
        }
        return result
    }

    /// A required nested object.
    public func object<T: EventDataObject>(_ key: String, of type: T.Type) throws(FieldError) -> T {
        try T(json: required(key), path: at(key))
    }

    /// A required array of nested objects.
    public func objectArray<T: EventDataObject>(_ key: String, of type: T.Type) throws(FieldError) -> [T] {
        var result: [T] = []
        for (index, element) in try elements(key).enumerated() {
            result.append(try T(json: element, path: "\(at(key))[\(index)]"))
        }
        return result
    }
}
