import Foundation
import HomewardStore

/// The fields of an object of interchange `data` read straight from a line's tape: no
/// ``JSONValue`` and no text is made for a field until the event's own value needs it.
struct TapeFields: FieldSource {
    private let tape: JSONTape
    private let object: Int
    let path: String

    /// Checks that the value at `token` is an object holding no key outside `known`.
    /// - Throws: ``FieldError`` as ``JSONFields/init(_:path:known:)`` does.
    init(_ tape: JSONTape, object token: Int, path: String, known: [String]) throws(FieldError) {
        guard tape.tokens[token].kind == .object else {
            throw FieldError(path: path, kind: .wrongType, message: "expected an object, found \(tape.kindDescription(token))")
        }
        var member = token + 1
        for _ in 0..<tape.tokens[token].start {
            if !known.contains(where: { tape.key(member, is: $0) }) {
                throw Self.unknownField(tape.string(member), path: path, known: known)
            }
            member = tape.after(member + 1)
        }
        self.tape = tape
        object = token
        self.path = path
    }

    func value(_ key: String) -> Int? {
        var found: Int?
        var member = object + 1
        for _ in 0..<tape.tokens[object].start {
            if tape.key(member, is: key) { found = member + 1 }
            member = tape.after(member + 1)
        }
        guard let found, tape.tokens[found].kind != .null else { return nil }
        return found
    }

    func kind(of value: Int) -> String { tape.kindDescription(value) }

    func text(of value: Int) -> String? { tape.tokens[value].kind == .string ? tape.string(value) : nil }

    func integer(of value: Int) -> Int? {
        tape.tokens[value].kind == .integer ? Int(truncatingIfNeeded: tape.tokens[value].bits) : nil
    }

    func fractional(of value: Int) -> Double? {
        tape.tokens[value].kind == .number ? Double(bitPattern: tape.tokens[value].bits) : nil
    }

    func boolean(of value: Int) -> Bool? { tape.tokens[value].kind == .boolean ? tape.tokens[value].bits != 0 : nil }

    func elements(of value: Int) -> [Int]? {
        guard tape.tokens[value].kind == .array else { return nil }
        var elements: [Int] = []
        elements.reserveCapacity(tape.tokens[value].start)
        var next = value + 1
        for _ in 0..<tape.tokens[value].start {
            elements.append(next)
            next = tape.after(next)
        }
        return elements
    }

    func fields(of value: Int, path: String, known: [String]) throws(FieldError) -> TapeFields {
        try TapeFields(tape, object: value, path: path, known: known)
    }

    func json(of value: Int) -> JSONValue { tape.value(value) }
}

/// A catalogue type that reads its `data` straight from an interchange line's tape: the
/// import's way, without a ``JSONValue``.
///
/// A requirement with a default, so that each type's witness is a copy specialised for it and
/// for ``TapeFields`` (called through the generic ``EventDataObject/init(fields:)`` on a type
/// only known at run time, every field was read through witness tables, slower than building
/// the JSON value first).
protocol TapeReadable: EventData {
    /// Reads the type's `data`, the object at `token` of `tape`, into the payload to store and
    /// the event.
    static func read(_ tape: JSONTape, data token: Int, path: String) throws(FieldError) -> (Payload, DomainEvent)
}

extension TapeReadable {
    static func read(_ tape: JSONTape, data token: Int, path: String) throws(FieldError) -> (Payload, DomainEvent) {
        let value = try Self(fields: TapeFields(tape, object: token, path: path, known: fieldNames))
        return (PayloadWriter.payload(of: value), value.domainEvent)
    }
}
