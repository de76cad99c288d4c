import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How much room is left on a file system.
enum FreeSpace {
    /// Below this many free bytes an input/output error while writing is taken for a full disk.
    static let nearlyFull: UInt64 = 4 << 20

    /// The bytes an unprivileged writer may still use on the file system holding `path`.
    static func bytesAvailable(at path: String) -> UInt64? {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        return UInt64(info.f_bavail) * UInt64(info.f_frsize)
    }
}
