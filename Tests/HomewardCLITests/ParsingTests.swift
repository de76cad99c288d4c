import ArgumentParser
import Testing
@testable import HomewardCLI

/// Every command parses its documented flags, and refuses bad usage with a clear message.
struct ParsingTests {
    @Test(arguments: [
        ["init", "--store", "s"],
        ["seed", "--cases", "10", "--seed", "3", "--start", "2026-12-01", "--days", "30"],
        ["demo", "--cases", "20"],
        ["generate", "--cases", "5"],
        ["import", "f.jsonl", "--record-violations"],
        ["export", "--from-position", "5", "--stream", "case-X", "--redact-pii"],
        ["log", "--stream", "case-X", "--type", "Admitted", "--from-position", "2", "--limit", "9", "--format", "csv"],
        ["history", "X", "--as-of-recorded", "2026-12-24"],
        ["history", "X", "--as-of-occurred", "2026-12-24T10:00:00+08:00"],
        ["case", "X", "--as-of-occurred", "2026-12-24", "--now", "2026-12-25"],
        ["cases", "--status", "admitted", "--overdue", "stay10Days", "--station", "HZ-01", "--region", "3301"],
        ["stats", "--from", "2026-12-01", "--to", "2027-01-01", "--region", "33", "--level", "4", "--as-of-recorded", "2027-01-05"],
        ["entitlements", "P1", "--program", "dibao", "--status", "eligible"],
        ["entitlements", "--all"],
        ["alerts", "--now", "2027-01-10"],
        ["verify", "--checkpoint", "head.json"],
        ["projections", "status"],
        ["projections", "rebuild", "statistics"],
        ["trace", "0f8e5f3c-1d2b-4c5a-9e6f-7a8b9c0d1e2f"],
        ["report", "--from", "2026-12-01", "--to", "2027-03-01", "--out", "r.html"],
        ["head", "--format", "json"],
        ["projections", "catch-up", "--batch-size", "5000"],
        ["checkpoint", "--key", "signer.pem", "--out", "head.signed.json"],
        ["keygen", "--out", "signer"],
        ["backup", "copy.store"],
        ["forget", "P100016", "--reason", "request of the person", "--actor", "a", "--role", "officer", "--org", "HZ"],
        ["import", "f.jsonl", "--batch-size", "1000", "--policy", "p.policy"],
        ["seed", "--cases", "10", "--part-lines", "97", "--no-keys"],
    ])
    func everyCommandParses(arguments: [String]) throws {
        _ = try HomewardCommand.parseAsRoot(arguments)
    }

    @Test(arguments: [
        (["stats", "--from", "2026-12-01"], "--to"),
        (["stats", "--from", "2026-12-01", "--to", "2027-01-01", "--level", "5"], "--level must be 2, 4, 6 or 9"),
        (["case", "X", "--as-of-recorded", "2026-12-01", "--as-of-occurred", "2026-12-01"], "not both"),
        (["entitlements"], "Give a person id or --all"),
        (["cases", "--status", "sleeping"], "sleeping"),
        (["seed", "--cases", "0"], "at least 1"),
    ])
    func badUsageIsRefusedClearly(arguments: [String], message: String) {
        do {
            _ = try HomewardCommand.parseAsRoot(arguments)
            Issue.record("\(arguments) parsed")
        } catch {
            #expect(HomewardCommand.message(for: error).contains(message), "\(HomewardCommand.message(for: error))")
            #expect(HomewardCommand.exitStatus(for: error) == 2)
        }
    }
}
