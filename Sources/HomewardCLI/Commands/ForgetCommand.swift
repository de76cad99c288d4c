import ArgumentParser
import Homeward
import HomewardStore

struct ForgetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget",
        abstract: "Forget a person: destroy the keys of their personal fields, record PersonForgotten, rebuild the projections.",
        discussion: """
            Names, birth dates, free text and relatives sealed under the person's keys (and those of \
            every person id linked to them, and of every case that names one of them) become \
            unreadable for good: exports, logs and timelines show them as [forgotten]. Nothing is \
            removed from the log, so verify still passes; statistics do not change. Backups of the \
            key store made before still hold the keys: destroy them too.
            Example: homeward forget P-330106-000042 --reason "erasure order 2027-031"
            """
    )

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var rulesOptions: RulesOptions
    @Argument(help: "The person id.") var person: String
    @Option(help: "The legal ground (recorded in the log; give no personal data).") var reason: String
    @Option(help: "Who forgets: an actor id.") var actor: String = "homeward-cli"
    @Option(help: "The actor's role.") var role: String = "civilAffairs"
    @Option(help: "The actor's organisation.") var org: String = "civil affairs"

    func run() async throws {
        let context = try QueryContext(storeOptions, rulesOptions)
        let forgetting: ReliefService.Forgetting
        do {
            forgetting = try await context.service.forget(person: person, reason: reason, by: EventActor(id: actor, role: role, org: org))
        } catch let error as ForgettingError {
            printError(error.description)
            throw ExitCode(2)
        }
        try context.projections().rebuildAll()
        print("forgot person \(forgetting.personIds.joined(separator: ", ")): destroyed \(forgetting.destroyedKeys.count) key\(forgetting.destroyedKeys.count == 1 ? "" : "s")"
            + (forgetting.caseIds.isEmpty ? "" : " of cases \(forgetting.caseIds.joined(separator: ", "))"))
        print("recorded PersonForgotten at position \(forgetting.result.positions.first.map(String.init) ?? "?") in \(forgetting.result.stream); projections rebuilt")
    }
}
