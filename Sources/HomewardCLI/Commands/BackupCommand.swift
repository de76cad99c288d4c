import ArgumentParser
import HomewardStore

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the store, consistently and compacted, while appends go on; then verify the copy.",
        discussion: """
            The copy holds every event committed when it started, with the projections kept in the \
            store, and is verified (hash chain, every index, the head read before copying) before \
            this command succeeds. DEST must not exist or be empty: a backup never overwrites. \
            To restore, stop the writers and use the copy as the store (--store DEST), or move it \
            where the store was.
            Example: homeward backup /backups/homeward-2027-01-31
            """
    )

    @OptionGroup var storeOptions: StoreOptions
    @Argument(help: "The directory to copy into (created; must be empty if it exists).") var destination: String

    func run() throws {
        let store = try storeOptions.open(readOnly: true)
        let report: EventStore.BackupReport
        do {
            report = try store.backup(to: destination)
        } catch let error as EventStoreError {
            printError(error.message)
            throw ExitCode(error.code == .corrupted ? 1 : 2)
        }
        print("copied the store to \(report.path): \(report.verification.eventsChecked) events in \(report.verification.streamsChecked) streams, verified")
        print("head before copying: position \(report.headBefore.position), hash \(report.headBefore.hash.hex)")
        if let keys = store.keys {
            print("the key store \(keys.path) is not in this copy: back it up apart (the sealed personal fields cannot be read without it)")
        }
    }
}
