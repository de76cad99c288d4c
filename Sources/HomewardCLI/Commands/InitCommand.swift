import ArgumentParser
import HomewardStore

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create an empty store.",
        discussion: "Example: homeward init --store relief.store"
    )

    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let store = try storeOptions.open(create: true)
        let head = try store.head()
        print(head.position == 0 ? "created an empty store at \(store.path)" : "\(store.path) already holds \(head.position) events")
    }
}
