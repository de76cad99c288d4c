import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps one ``EnvironmentCore`` per canonical path in this process, so a path is never opened
/// twice: two LMDB handles on one file in one process would break LMDB's file locks.
enum EnvironmentRegistry {
    private struct Entry {
        let core: EnvironmentCore
        var handles: Int
    }

    private static let entries = Mutex<[String: Entry]>([:])

    static func canonicalPath(_ path: String) throws(LMDBError) -> String {
        guard let resolved = realpath(path, nil) else {
            throw LMDBError(LMDBError.Code(rawValue: errno), operation: "realpath")
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func acquire(path: String, configuration: Environment.Configuration) throws(LMDBError) -> EnvironmentCore {
        let key = try canonicalPath(path)
        let result: Result<EnvironmentCore, LMDBError> = entries.withLock { entries in
            if var entry = entries[key] {
                if entry.core.configuration.readOnly != configuration.readOnly
                    || entry.core.configuration.durability != configuration.durability
                {
                    return .failure(LMDBError(.incompatible, operation: "Environment.open (already open with other options)"))
                }
                entry.handles += 1
                entries[key] = entry
                return .success(entry.core)
            }
            do throws(LMDBError) {
                let core = try EnvironmentCore(path: key, configuration: configuration)
                entries[key] = Entry(core: core, handles: 1)
                return .success(core)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Drops one handle; the last one closes the environment while the registry is locked, so an
    /// open racing with the close cannot create a second handle.
    static func release(_ core: EnvironmentCore) {
        entries.withLock { entries in
            guard var entry = entries[core.path], entry.core === core else { return }
            entry.handles -= 1
            if entry.handles == 0 {
                entries[core.path] = nil
                core.close()
            } else {
                entries[core.path] = entry
            }
        }
    }

    static func isOpen(path: String) -> Bool {
        guard let key = try? canonicalPath(path) else { return false }
        return entries.withLock { $0[key] != nil }
    }
}
