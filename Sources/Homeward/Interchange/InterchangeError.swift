/// A line of an interchange file that cannot be imported: the line, the key and what is wrong.
public struct InterchangeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The 1-based line number.
    public var line: Int
    /// The key at fault, as a path such as `data.risks[1]`; `nil` when the line is not JSON.
    public var key: String?
    /// What kind of problem it is (for fields, ``FieldError/Kind``'s names; `syntax` for JSON text).
    public var kind: String
    /// What is wrong, in words.
    public var problem: String

    /// Creates an error.
    public init(line: Int, key: String?, kind: String, problem: String) {
        self.line = line
        self.key = key
        self.kind = kind
        self.problem = problem
    }

    public var description: String {
        if let key { return "line \(line), key \(key): \(problem)" }
        return "line \(line): \(problem)"
    }
}
