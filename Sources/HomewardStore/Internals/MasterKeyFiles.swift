import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The key store's master key on disk: `master.key` (32 raw bytes, owner-only), and
/// `master.key.next` while a rotation is under way. The environment stores the fingerprint of the
/// current one, so a crash mid-rotation is resolved at the next open by picking the file that
/// matches.
struct MasterKeyFiles: Sendable {
    let directory: String
    var current: String { directory + "/master.key" }
    var next: String { directory + "/master.key.next" }

    /// The fingerprint stored in the environment: SHA-256 over a label and the key.
    static func fingerprint(of key: SymmetricKey) -> [UInt8] {
        var hash = SHA256()
        hash.update(data: Array("homeward master key".utf8))
        key.withUnsafeBytes { hash.update(bufferPointer: $0) }
        return Array(hash.finalize())
    }

    /// The master key whose fingerprint is `fingerprint`, finishing a rotation a crash interrupted.
    func load(matching fingerprint: [UInt8]) throws -> SymmetricKey {
        if let key = read(current), MasterKeyFiles.fingerprint(of: key) == fingerprint {
            discardNext()
            return key
        }
        if let key = read(next), MasterKeyFiles.fingerprint(of: key) == fingerprint {
            try promoteNext()
            return key
        }
        throw EventStoreError(
            .keyStore,
            "the master key of the key store at \(directory) is missing or does not belong to it (\(current)): no personal field can be read or sealed"
        )
    }

    /// Any master key on disk, for a key store that has not recorded one yet.
    func loadAny() throws -> SymmetricKey? {
        read(current) ?? read(next)
    }

    /// Makes and durably writes a first master key.
    func create() throws -> SymmetricKey {
        let key = SymmetricKey(size: .bits256)
        try write(key, to: current)
        return key
    }

    /// Durably writes the master key a rotation moves to.
    func writeNext(_ key: SymmetricKey) throws {
        try write(key, to: next)
    }

    /// Overwrites the old master key and puts the new one in its place.
    func promoteNext() throws {
        scrub(current)
        guard rename(next, current) == 0 else {
            throw EventStoreError(.keyStore, "cannot move \(next) to \(current): \(String(cString: strerror(errno)))")
        }
        syncDirectory()
    }

    /// Removes a next master key whose rotation did not happen.
    func discardNext() {
        scrub(next)
        unlink(next)
    }

    private func read(_ file: String) -> SymmetricKey? {
        guard let data = FileManager.default.contents(atPath: file), data.count == 32 else { return nil }
        return SymmetricKey(data: data)
    }

    private func write(_ key: SymmetricKey, to file: String) throws {
        let descriptor = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else {
            throw EventStoreError(.keyStore, "cannot write \(file): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let written = key.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
        guard written == 32, fsync(descriptor) == 0 else {
            throw EventStoreError(.keyStore, "cannot write \(file): \(String(cString: strerror(errno)))")
        }
        syncDirectory()
    }

    /// Overwrites a key file's bytes with zeros on disk, so the old key is not left in its blocks.
    private func scrub(_ file: String) {
        let descriptor = open(file, O_WRONLY)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        let zeros = [UInt8](repeating: 0, count: 32)
        _ = zeros.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, 32, 0) }
        _ = fsync(descriptor)
    }

    private func syncDirectory() {
        let descriptor = open(directory, O_RDONLY)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }
}
