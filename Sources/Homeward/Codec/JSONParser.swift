/// Parses one JSON text (RFC 8259) into a ``JSONValue``, with errors that give the byte column.
///
/// Objects keep their key order. Nesting is limited to 64 levels, text must be valid UTF-8, and
/// numbers must fit a `Double` (integers an `Int`) so hostile input gives an error, not a crash.
public enum JSONParser {
    /// The deepest nesting accepted.
    public static let maximumDepth = JSONTape.maximumDepth

    /// Parses UTF-8 bytes holding exactly one JSON value (white space around it allowed).
    /// - Parameter bytes: The text.
    /// - Returns: The value.
    /// - Throws: ``JSONSyntaxError`` naming the column and what was expected.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        try JSONTape(bytes).value(0)
    }

    /// Parses a string holding exactly one JSON value.
    /// - Parameter text: The text.
    /// - Returns: The value.
    /// - Throws: ``JSONSyntaxError``.
    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        var text = text
        let result: Result<JSONValue, JSONSyntaxError> = text.withUTF8 { utf8 in
            do throws(JSONSyntaxError) { return .success(try parse(utf8)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}

/// JSON text that does not parse.
public struct JSONSyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The 1-based byte column where the problem was found.
    public var column: Int
    /// What was wrong.
    public var message: String

    public var description: String { "\(message) (column \(column))" }
}
