import ArgumentParser
import Foundation
import Homeward
import HomewardStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ends the process with a status.
private func terminate(_ status: Int32) -> Never {
    exit(status)
}

/// The `homeward` tool: replay, inspect and verify a Homeward event store.
@main
struct HomewardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "homeward",
        abstract: "Replay, inspect and verify a Homeward event store.",
        discussion: """
            The store is a directory given by --store (default ./homeward.store, or the \
            HOMEWARD_STORE environment variable). Exit codes: 0 success, 1 a finding or failed \
            check, 2 bad usage or bad input, 3 the store cannot be opened.

            Example:
              homeward demo
              homeward stats --from 2026-12-01 --to 2027-01-01 --level 4
              homeward verify
            """,
        version: "0.1.0",
        subcommands: [
            InitCommand.self, SeedCommand.self, DemoCommand.self, GenerateCommand.self, ImportCommand.self, ExportCommand.self,
            LogCommand.self, HistoryCommand.self, CaseCommand.self, CasesCommand.self, StatsCommand.self,
            EntitlementsCommand.self, AlertsCommand.self, VerifyCommand.self, ProjectionsCommand.self, TraceCommand.self,
            ReportCommand.self, HeadCommand.self, CheckpointCommand.self, KeygenCommand.self, BackupCommand.self, ForgetCommand.self,
        ]
    )

    /// The exit status for an error: bad usage is 2 (argument parsing's own code is 64).
    static func exitStatus(for error: any Error) -> Int32 {
        let code = exitCode(for: error).rawValue
        return code == ExitCode.validationFailure.rawValue ? 2 : code
    }

    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as EventStoreError {
            FileHandle.standardError.write(Data("homeward: \(error)\n".utf8))
            terminate(error.code == .cannotOpen || error.code == .newerFormat ? 3 : error.code == .invalidEvent ? 2 : 1)
        } catch let error as EventDecodingError {
            FileHandle.standardError.write(Data("homeward: \(error)\n".utf8))
            terminate(1)
        } catch {
            let status = exitStatus(for: error)
            let message = fullMessage(for: error)
            if !message.isEmpty {
                // Help and version (a clean exit) go to standard output, errors to standard error.
                let handle = exitCode(for: error) == .success ? FileHandle.standardOutput : FileHandle.standardError
                handle.write(Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
            }
            terminate(status == 0 && exitCode(for: error) != .success ? 2 : status)
        }
    }
}
