import ArgumentParser
import Homeward
import HomewardStore

struct HeadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "head",
        abstract: "Print the last position and its chain hash.",
        discussion: """
            Keep the JSON output elsewhere: `homeward verify --checkpoint FILE` later proves that the \
            log was neither rewritten nor truncated up to it.
            Example: homeward head --format json > head-2027-01-31.json
            """
    )

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let head = try storeOptions.open(readOnly: true).head()
        let json: JSONValue = .object([
            "position": .integer(Int(head.position)), "hash": .string(head.hash.hex),
            "recordedAt": head.recordedAt.map { .string($0.rfc3339) } ?? .null,
        ])
        guard case .object(let object) = json else { return }
        try output.printKeyValues(object)
    }
}
