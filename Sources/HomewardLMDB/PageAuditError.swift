/// Why a ``PageAudit`` could not look at a file at all.
///
/// Damage inside a data file is not an error: it is reported as ``PageAudit/problems``. This error
/// means there was nothing to audit: no file, a file that cannot be read, or one that is not an
/// LMDB data file.
public struct PageAuditError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure it is. An extensible set of values.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// There is no file at the path.
        public static let noSuchFile = Code("noSuchFile")
        /// The file cannot be opened or read, or it is not a regular file.
        public static let cannotRead = Code("cannotRead")
        /// Neither of the first two pages is an LMDB meta page (magic `0xBEEFC0DE`, version 1): the
        /// file is not an LMDB data file, or not one of the 64-bit little-endian layout.
        public static let notAnLMDBFile = Code("notAnLMDBFile")
    }

    /// What kind of failure it is.
    public var code: Code
    /// The file's path.
    public var path: String
    /// Why, in a few words.
    public var reason: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: What kind of failure it is.
    ///   - path: The file's path.
    ///   - reason: Why, in a few words.
    public init(_ code: Code, path: String, reason: String) {
        self.code = code
        self.path = path
        self.reason = reason
    }

    public var description: String {
        switch code {
        case .noSuchFile: return "there is no file \(path)"
        case .notAnLMDBFile: return "\(path) is not an LMDB data file: \(reason)"
        default: return "cannot read \(path): \(reason)"
        }
    }
}
