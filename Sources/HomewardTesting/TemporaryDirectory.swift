import Foundation

/// A directory under the system's temporary directory, removed when the value goes away.
public final class TemporaryDirectory: Sendable {
    /// The directory's path.
    public let path: String

    /// Creates a new, empty directory.
    /// - Parameter prefix: The start of the directory's name.
    /// - Throws: When the directory cannot be created.
    public init(prefix: String = "homeward-test") throws {
        let base = FileManager.default.temporaryDirectory.path
        let candidate = "\(base)/\(prefix)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: candidate, withIntermediateDirectories: true)
        path = candidate
    }

    /// A path inside the directory.
    /// - Parameter name: The entry's name.
    /// - Returns: The joined path.
    public func appending(_ name: String) -> String { "\(path)/\(name)" }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}
