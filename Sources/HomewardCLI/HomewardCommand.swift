import ArgumentParser

/// The `homeward` tool: replay and inspect a Homeward event store.
@main
struct HomewardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "homeward",
        abstract: "Replay, inspect and verify a Homeward event store.",
        discussion: """
            The store is a directory given by --store (default ./homeward.store, or the
            HOMEWARD_STORE environment variable).

            Example:
              homeward demo
              homeward log --limit 5
              homeward verify
            """,
        version: "0.1.0",
        subcommands: [
            InitCommand.self, SeedCommand.self, DemoCommand.self, GenerateCommand.self, ImportCommand.self, ExportCommand.self,
            LogCommand.self, HistoryCommand.self, CaseCommand.self, CasesCommand.self, StatsCommand.self,
            EntitlementsCommand.self, AlertsCommand.self, VerifyCommand.self, ProjectionsCommand.self, TraceCommand.self,
            ReportCommand.self, HeadCommand.self,
        ]
    )
}
