import Foundation

/// The package's `Fixtures/` folder, found from this source file's path.
public enum Fixtures {
    /// The folder's path.
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // Fixtures.swift, HomewardTesting, Sources
        return url.appendingPathComponent("Fixtures").path
    }()

    /// The path of a fixture file.
    /// - Parameter name: Its path below `Fixtures/`, such as `campaigns/small-winter.jsonl`.
    public static func path(_ name: String) -> String { root + "/" + name }

    /// The bytes of a fixture file.
    /// - Parameter name: Its path below `Fixtures/`.
    /// - Throws: When it cannot be read.
    public static func bytes(_ name: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path(name)) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path(name)])
        }
        return Array(data)
    }
}
