public import Foundation
public import HomewardStore

/// Where the fields of one object of interchange `data` are read from: a ``JSONValue``
/// (``JSONFields``) or, in an import, the line's bytes themselves.
///
/// A source gives its values' kinds and scalars; the typed accessors (``string(_:)``,
/// ``enumeration(_:of:)``, ``object(_:of:)`` and the others, in an extension) are written once
/// on top of them, so every source checks the same things and names the same key and problem in
/// its errors. The catalogue's types read their fields through ``EventDataObject/init(fields:)``
/// from any source.
public protocol FieldSource {
    /// A field's value.
    associatedtype Value

    /// The path of the object, for errors (such as `data` or `data.conditions`).
    var path: String { get }
    /// The value of a key (the last one, if the key repeats); `nil` when absent or null.
    func value(_ key: String) -> Value?
    /// The value's kind, in words, for errors (as ``JSONValue/kind`` gives it).
    func kind(of value: Value) -> String
    /// The text of a string value; `nil` for any other.
    func text(of value: Value) -> String?
    /// A whole number's value; `nil` for any other value.
    func integer(of value: Value) -> Int?
    /// A number with a fraction or exponent; `nil` for any other value (whole numbers included).
    func fractional(of value: Value) -> Double?
    /// A boolean's value; `nil` for any other.
    func boolean(of value: Value) -> Bool?
    /// An array's elements; `nil` for any other value.
    func elements(of value: Value) -> [Value]?
    /// The fields of a nested object, checked to hold no key outside `known`.
    /// - Throws: ``FieldError`` when `value` is not an object or holds an unknown key.
    func fields(of value: Value, path: String, known: [String]) throws(FieldError) -> Self
    /// The value as a ``JSONValue``.
    func json(of value: Value) -> JSONValue
}

extension FieldSource {
    private func at(_ key: String) -> String { "\(path).\(key)" }

    private func required(_ key: String) throws(FieldError) -> Value {
        guard let value = value(key) else { throw FieldError(path: at(key), kind: .missingField, message: "missing field") }
        return value
    }

    private func wrongType(_ path: String, _ expected: String, _ value: Value) -> FieldError {
        FieldError(path: path, kind: .wrongType, message: "expected \(expected), found \(kind(of: value))")
    }

    /// The error for an unknown key of an object with the fields `known`.
    static func unknownField(_ key: String, path: String, known: [String]) -> FieldError {
        FieldError(path: "\(path).\(key)", kind: .unknownField, message: "is not a field of this event (its fields: \(known.joined(separator: ", ")))")
    }

    // MARK: Scalars

    /// The paths of errors are made only when an error is thrown: a line reads a dozen fields.
    private func string(_ value: Value, path: @autoclosure () -> String) throws(FieldError) -> String {
        guard let text = text(of: value) else { throw wrongType(path(), "a string", value) }
        return text
    }

    /// A required text.
    public func string(_ key: String) throws(FieldError) -> String { try string(required(key), path: at(key)) }
    /// An optional text.
    public func optionalString(_ key: String) throws(FieldError) -> String? { value(key) == nil ? nil : try string(key) }

    /// A required whole number (a number with a fraction of zero is one, up to 9e15).
    public func int(_ key: String) throws(FieldError) -> Int {
        let value = try required(key)
        if let number = integer(of: value) { return number }
        if let number = fractional(of: value) {
            guard number == number.rounded(), abs(number) < 9e15 else {
                throw FieldError(path: at(key), kind: .outOfRange, message: "expected a whole number")
            }
            return Int(number)
        }
        throw wrongType(at(key), "a whole number", value)
    }

    /// An optional whole number.
    public func optionalInt(_ key: String) throws(FieldError) -> Int? { value(key) == nil ? nil : try int(key) }

    /// A required number.
    public func number(_ key: String) throws(FieldError) -> Double {
        let value = try required(key)
        if let number = integer(of: value) { return Double(number) }
        if let number = fractional(of: value) { return number }
        throw wrongType(at(key), "a number", value)
    }

    /// An optional number.
    public func optionalNumber(_ key: String) throws(FieldError) -> Double? { value(key) == nil ? nil : try number(key) }

    /// A required boolean.
    public func bool(_ key: String) throws(FieldError) -> Bool {
        let value = try required(key)
        guard let flag = boolean(of: value) else { throw wrongType(at(key), "true or false", value) }
        return flag
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
    public func json(_ key: String) throws(FieldError) -> JSONValue { json(of: try required(key)) }

    // MARK: Enumerations, objects, arrays

    private func enumeration<E: EnumerationValue>(_ value: Value, path: @autoclosure () -> String, of type: E.Type) throws(FieldError) -> E {
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
        try enumeration(required(key), path: at(key), of: type)
    }

    /// An optional enumeration value.
    public func optionalEnumeration<E: EnumerationValue>(_ key: String, of type: E.Type) throws(FieldError) -> E? {
        value(key) == nil ? nil : try enumeration(key, of: type)
    }

    private func elements(_ key: String) throws(FieldError) -> [Value] {
        let value = try required(key)
        guard let elements = elements(of: value) else { throw wrongType(at(key), "an array", value) }
        return elements
    }

    /// A required array of enumeration values.
    public func enumArray<E: EnumerationValue>(_ key: String, of type: E.Type) throws(FieldError) -> [E] {
        var result: [E] = []
        for (index, element) in try elements(key).enumerated() {
            result.append(try enumeration(element, path: "\(at(key))[\(index)]", of: type))
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
            result.append(try string(element, path: "\(at(key))[\(index)]"))
        }
        return result
    }

    /// A required nested object.
    public func object<T: EventDataObject>(_ key: String, of type: T.Type) throws(FieldError) -> T {
        try T(fields: fields(of: required(key), path: at(key), known: T.fieldNames))
    }

    /// A required array of nested objects.
    public func objectArray<T: EventDataObject>(_ key: String, of type: T.Type) throws(FieldError) -> [T] {
        var result: [T] = []
        for (index, element) in try elements(key).enumerated() {
            result.append(try T(fields: fields(of: element, path: "\(at(key))[\(index)]", known: T.fieldNames)))
        }
        return result
    }
}
