import Foundation
import HomewardLMDB

extension EventStore {
    /// What ``EventStore/backup(to:)`` copied and how the copy verified.
    public struct BackupReport: Sendable, Hashable {
        /// Where the copy is.
        public var path: String
        /// The head before copying: the copy holds at least this prefix, unchanged.
        public var headBefore: StoreHead
        /// The verification of the copy (hash chain, every index, and `headBefore` as its prefix).
        public var verification: VerificationReport
    }

    /// Writes a consistent, compacted copy of the store (the log, its indexes and the projections
    /// kept in it) into `directory` while appends go on, then opens the copy read-only and
    /// verifies it against the head read before copying.
    ///
    /// The copy is taken inside one read transaction, so it holds exactly the events committed
    /// when it started; appends made meanwhile are not in it. To restore, stop the writers and
    /// open the copy's directory as the store (or move it where the store was).
    /// - Parameter directory: A directory that does not exist yet or is empty; it is created with
    ///   owner-only permissions.
    /// - Returns: The head before copying and the copy's verification.
    /// - Throws: ``EventStoreError`` with code ``EventStoreError/Code/invalidEvent`` when the
    ///   directory holds files, ``EventStoreError/Code/corrupted`` when the copy does not verify,
    ///   and a storage error when it cannot be written.
    @discardableResult
    public func backup(to directory: String) throws -> BackupReport {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw EventStoreError(.invalidEvent, "the backup destination \(directory) is a file, not a directory")
            }
            let entries = (try? manager.contentsOfDirectory(atPath: directory)) ?? []
            guard entries.isEmpty else {
                throw EventStoreError(.invalidEvent, "the backup destination \(directory) is not empty (it holds \(entries.sorted().prefix(3).joined(separator: ", "))); a backup never overwrites")
            }
        } else {
            do {
                try manager.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw EventStoreError(.storage, "the backup destination \(directory) cannot be created", underlying: "\(error)")
            }
        }
        let before = try head()
        do {
            try storage.environment.copy(to: directory, compacting: true)
        } catch {
            throw EventStore.storageError(error, while: "the backup to \(directory)")
        }
        // LMDB creates the copy with the process's default mode; the log holds personal data.
        FilePermissions.restrictToOwner(directory + "/data.mdb")
        var options = Options()
        options.readOnly = true
        let copy = try EventStore(path: directory, options: options)
        let verification = try copy.verify(expecting: before)
        guard verification.isSound else {
            let problems = verification.problems.map { "\($0.kind): \($0)" }.joined(separator: "; ")
            throw EventStoreError(.corrupted, "the backup at \(directory) does not verify: \(problems)")
        }
        return BackupReport(path: copy.path, headBefore: before, verification: verification)
    }
}
