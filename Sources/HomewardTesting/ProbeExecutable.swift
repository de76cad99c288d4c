import Foundation

/// Finds executables built beside the test bundle, such as the crash-test probe.
public enum BuiltExecutable {
    /// The path of an executable product of this package built in the same build folder as the
    /// running tests.
    /// - Parameter name: The executable's name, such as `HomewardStoreProbe`.
    /// - Returns: Its path.
    /// - Throws: When it cannot be found.
    public static func path(named name: String) throws -> String {
        var candidates: [String] = []
        let arguments = CommandLine.arguments.first.map { URL(fileURLWithPath: $0) }
        if let arguments {
            var directory = arguments.deletingLastPathComponent()
            for _ in 0..<4 {
                candidates.append(directory.appendingPathComponent(name).path)
                directory = directory.deletingLastPathComponent()
            }
        }
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent(name).path)
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: name, NSLocalizedDescriptionKey: "cannot find the executable \(name) near \(candidates.first ?? "?")"])
    }
}
