import Foundation
import HomewardTesting
import Testing

/// The table, JSON and CSV output of `stats`, `case`, `history` and `entitlements` on the fixture
/// campaign equal the files under `Fixtures/cli/` (JSON output is stable: scripts depend on it).
/// Set HOMEWARD_RECORD_GOLDENS=1 to write them anew after a deliberate change.
@Suite(.serialized)
struct GoldenOutputTests {
    static let commands: [(name: String, arguments: [String])] = [
        ("stats-december", ["stats", "--from", "2026-12-01", "--to", "2027-01-01"]),
        ("stats-hangzhou-by-district", ["stats", "--from", "2026-12-01", "--to", "2027-03-01", "--region", "3301", "--level", "6"]),
        ("case-SX-0014", ["case", "SX-0014", "--now", "2027-03-01"]),
        ("history-WZ-0292", ["history", "case-WZ-0292"]),
        ("entitlements-P100016", ["entitlements", "P100016", "--now", "2027-03-01"]),
    ]

    @Test(arguments: ["table", "json", "csv"])
    func outputsMatchTheGoldenFiles(format: String) throws {
        for (name, arguments) in Self.commands {
            let result = try homeward(arguments + ["--store", FixtureStore.path, "--format", format])
            #expect(result.status == 0, "\(name): \(result.errors)")
            let golden = Fixtures.path("cli/\(name).\(format)")
            if ProcessInfo.processInfo.environment["HOMEWARD_RECORD_GOLDENS"] == "1" {
                try Data(result.output.utf8).write(to: URL(fileURLWithPath: golden))
                continue
            }
            let expected = String(decoding: try Fixtures.bytes("cli/\(name).\(format)"), as: UTF8.self)
            #expect(result.output == expected, "\(name).\(format) differs from \(golden)")
        }
    }
}
