import Foundation
import Logging
import Synchronization

/// Store files are for their owner only; a store whose files others may read is reported once
/// per path and process.
enum FilePermissions {
    private static let warned = Mutex<Set<String>>([])

    /// The store's files whose mode lets the group or others in, with their modes.
    static func widerThanOwner(inStore path: String) -> [(file: String, mode: Int)] {
        ["data.mdb", "lock.mdb"].compactMap { name in
            let file = path + "/" + name
            guard let mode = (try? FileManager.default.attributesOfItem(atPath: file))?[.posixPermissions] as? Int else { return nil }
            return mode & 0o077 != 0 ? (file, mode) : nil
        }
    }

    /// Logs a warning for a store whose files are wider than owner-only, the first time only.
    static func warnIfWider(store path: String, logger: Logger) {
        let wide = widerThanOwner(inStore: path)
        guard !wide.isEmpty, warned.withLock({ $0.insert(path).inserted }) else { return }
        let files = wide.map { "\($0.file) (mode \(String($0.mode, radix: 8)))" }.joined(separator: ", ")
        logger.warning(
            "store files can be read by others than their owner: \(files); the log holds personal data of vulnerable people: chmod 600 them",
            metadata: ["path": "\(path)"]
        )
    }

    /// Makes a file owner-only.
    static func restrictToOwner(_ file: String) {
        _ = chmod(file, 0o600)
    }
}
