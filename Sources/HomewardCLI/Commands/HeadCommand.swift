import ArgumentParser
import HomewardStore

struct HeadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "head",
        abstract: "Print the last position and its chain hash.",
        discussion: "Keep the output elsewhere to prove later that the log was neither rewritten nor truncated.\nExample: homeward head"
    )

    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let head = try storeOptions.open(readOnly: true).head()
        print("position \(head.position)")
        print("hash \(head.hash.hex)")
        print("recordedAt \(head.recordedAt?.rfc3339 ?? "-")")
    }
}
