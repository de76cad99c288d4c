import Foundation
import Homeward
import HomewardStore
import HomewardTesting
import Testing

@Suite(.serialized)
struct EndToEndTests {
    /// A redacted export holds no name or place, and every statistic is computed from it alike.
    @Test func everyStatisticIsReproducibleFromARedactedExport() throws {
        let directory = try TemporaryDirectory(prefix: "homeward-redacted")
        let original = directory.appending("original.store")
        let shared = directory.appending("shared.store")
        #expect(try homeward(["import", Fixtures.path("campaigns/small-winter.jsonl"), "--store", original]).status == 0)
        let export = try homeward(["export", "--redact-pii", "--store", original])
        #expect(export.status == 0)
        #expect(!export.output.contains("person-108"), "names are gone")
        #expect(!export.output.contains("武林广场"), "places are gone")
        let file = directory.appending("redacted.jsonl")
        try export.output.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try homeward(["import", file, "--store", shared]).status == 0)
        let periods = [
            ["--from", "2026-12-01", "--to", "2027-03-01"], ["--from", "2026-12-01", "--to", "2027-03-01", "--level", "4"],
            ["--from", "2027-01-01", "--to", "2027-02-01", "--region", "3301"], ["--from", "2027-02-01", "--to", "2027-03-01", "--level", "6"],
        ]
        for period in periods {
            let arguments = ["stats"] + period + ["--format", "json"]
            let fromOriginal = try homeward(arguments + ["--store", original])
            #expect(fromOriginal.status == 0)
            #expect(try homeward(arguments + ["--store", shared]).output == fromOriginal.output, "\(period)")
        }
    }

    /// Under a role policy, an import with one refused line names it and stores nothing.
    @Test func importUnderARolePolicy() throws {
        let directory = try TemporaryDirectory(prefix: "homeward-policy")
        let store = directory.appending("policy.store")
        var lines = String(decoding: try Fixtures.bytes("campaigns/small-winter.jsonl"), as: UTF8.self).split(separator: "\n").map(String.init)
        let index = try #require(lines.firstIndex { $0.contains(#""type":"BenefitDecided""#) })
        lines[index] = lines[index].replacingOccurrences(of: #""role":"civilAffairs""#, with: #""role":"tracer""#)
        let file = directory.appending("refused.jsonl")
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let policy = Fixtures.path("policy/sample.policy")
        let refused = try homeward(["import", file, "--policy", policy, "--store", store])
        #expect(refused.status == 2)
        #expect(refused.errors.contains("line \(index + 1), key actor.role: role 'tracer' may not record BenefitDecided"))
        #expect(refused.errors.contains("line 4 allows only civilAffairs"))
        #expect(try homeward(["import", Fixtures.path("campaigns/small-winter.jsonl"), "--policy", policy, "--store", store]).status == 0)
    }

    /// A campaign seeded in parts (each validated whole, then appended) is the same log, byte for
    /// byte, as one seeded in a single part; seeding it again appends nothing.
    @Test func aCampaignSeededInPartsIsTheSameLog() throws {
        let directory = try TemporaryDirectory(prefix: "homeward-seed-parts")
        let whole = directory.appending("whole.store")
        let parts = directory.appending("parts.store")
        let seeded = try homeward(["seed", "--cases", "40", "--seed", "9", "--store", whole, "--no-keys"])
        #expect(seeded.status == 0)
        let inParts = try homeward(["seed", "--cases", "40", "--seed", "9", "--part-lines", "97", "--store", parts, "--no-keys"])
        #expect(inParts.status == 0)
        #expect(inParts.output == seeded.output, "the same events at the same positions")
        let head = try homeward(["head", "--store", whole, "--no-keys"]).output
        #expect(!head.isEmpty)
        #expect(try homeward(["head", "--store", parts, "--no-keys"]).output == head)
        let again = try homeward(["seed", "--cases", "40", "--seed", "9", "--part-lines", "97", "--store", parts, "--no-keys"])
        #expect(again.status == 0)
        #expect(again.output.contains("appended 0 events"))
        #expect(try homeward(["head", "--store", parts, "--no-keys"]).output == head)
    }

    /// A signed checkpoint verifies with its signer's key and is refused with another key or when altered.
    @Test func aSignedCheckpointProvesThePrefixAndCatchesForgery() throws {
        let directory = try TemporaryDirectory(prefix: "homeward-checkpoint")
        let store = directory.appending("live.store")
        let key = directory.appending("signer")
        let other = directory.appending("other")
        let checkpoint = directory.appending("checkpoint.json")
        #expect(try homeward(["seed", "--cases", "40", "--seed", "5", "--store", store]).status == 0)
        #expect(try homeward(["keygen", "--out", key]).status == 0)
        #expect(try homeward(["keygen", "--out", other]).status == 0)
        #expect(try homeward(["keygen", "--out", key]).status == 2, "a key is never overwritten")
        #expect(try homeward(["checkpoint", "--key", key + ".pem", "--out", checkpoint, "--store", store]).status == 0)
        let good = try homeward(["verify", "--checkpoint", checkpoint, "--public-key", key + ".pub", "--store", store])
        #expect(good.status == 0)
        #expect(good.output.contains("carries a valid signature"))
        let wrongKey = try homeward(["verify", "--checkpoint", checkpoint, "--public-key", other + ".pub", "--store", store])
        #expect(wrongKey.status == 1)
        #expect(wrongKey.output.contains("not by the given public key"))
        let text = try String(contentsOfFile: checkpoint, encoding: .utf8)
        let forged = directory.appending("forged.json")
        try text.replacingOccurrences(of: #""position":"#, with: #""position":1"#).write(toFile: forged, atomically: true, encoding: .utf8)
        let altered = try homeward(["verify", "--checkpoint", forged, "--public-key", key + ".pub", "--store", store])
        #expect(altered.status == 1)
        #expect(altered.output.contains("altered or forged"))
        let unsigned = directory.appending("unsigned.json")
        try (try homeward(["head", "--format", "json", "--store", store])).output.write(toFile: unsigned, atomically: true, encoding: .utf8)
        let plainHead = try homeward(["verify", "--checkpoint", unsigned, "--public-key", key + ".pub", "--store", store])
        #expect(plainHead.status == 1)
        #expect(plainHead.output.contains("it is not a signed checkpoint"))
    }

    /// A backup answers every query as the store does, and refuses to overwrite.
    @Test func aBackupAnswersLikeTheStoreAndNeverOverwrites() throws {
        let directory = try TemporaryDirectory(prefix: "homeward-backup")
        let store = directory.appending("live.store")
        let backup = directory.appending("backup")
        #expect(try homeward(["seed", "--cases", "80", "--seed", "3", "--store", store]).status == 0)
        let copied = try homeward(["backup", backup, "--store", store])
        #expect(copied.status == 0)
        #expect(copied.output.contains("verified"))
        let stats = ["stats", "--from", "2026-12-01", "--to", "2027-03-01", "--format", "json"]
        #expect(try homeward(stats + ["--store", backup]).output == (try homeward(stats + ["--store", store]).output))
        #expect(try homeward(["head", "--format", "json", "--store", backup]).output == (try homeward(["head", "--format", "json", "--store", store]).output))
        #expect(try homeward(["verify", "--store", backup]).status == 0)
        let again = try homeward(["backup", backup, "--store", store])
        #expect(again.status == 2)
        #expect(again.errors.contains("not empty"))
    }

    /// Seed, export, import into a new store: the same statistics, and `verify` passes on both.
    @Test func seedExportImportGivesTheSameStatistics() throws {
        let directory = try TemporaryDirectory(prefix: "homeward-e2e")
        let first = directory.appending("first.store")
        let second = directory.appending("second.store")
        #expect(try homeward(["seed", "--cases", "150", "--seed", "8", "--store", first]).status == 0)
        let exported = try homeward(["export", "--store", first])
        #expect(exported.status == 0)
        let file = directory.appending("export.jsonl")
        try Data(exported.output.utf8).write(to: URL(fileURLWithPath: file))
        let imported = try homeward(["import", file, "--store", second])
        #expect(imported.status == 0, "\(imported.errors)")
        #expect(imported.output.hasPrefix("appended "))
        let arguments = ["stats", "--from", "2026-12-01", "--to", "2027-03-01", "--level", "4", "--format", "json"]
        let statsFirst = try homeward(arguments + ["--store", first])
        let statsSecond = try homeward(arguments + ["--store", second])
        #expect(statsFirst.status == 0)
        #expect(statsFirst.output == statsSecond.output)
        #expect(statsFirst.output.contains("\"reports\""))
        for store in [first, second] {
            let verify = try homeward(["verify", "--store", store])
            #expect(verify.status == 0, "\(verify.output)")
            #expect(verify.output.contains("every projection equals a fresh rebuild"))
        }
        let again = try homeward(["import", file, "--store", second])
        #expect(again.output.contains("appended nothing"))
        // Each store seals personal fields under its own keys with fresh nonces, so the chains
        // differ; everything else is the same, line for line.
        let reexported = try homeward(["export", "--store", second]).output
        #expect(withoutHashes(reexported) == withoutHashes(exported.output))
        #expect(reexported != exported.output, "sealed bytes differ between stores")
        // Without key stores the payloads are deterministic and so are the chains.
        let plainFirst = directory.appending("plain-first.store")
        let plainSecond = directory.appending("plain-second.store")
        #expect(try homeward(["import", file, "--store", plainFirst, "--no-keys"]).status == 0)
        #expect(try homeward(["import", file, "--store", plainSecond, "--no-keys"]).status == 0)
        #expect(try homeward(["export", "--store", plainFirst, "--no-keys"]).output == homeward(["export", "--store", plainSecond, "--no-keys"]).output)
    }

    private func withoutHashes(_ export: String) -> [String] {
        export.split(separator: "\n").map { line in
            guard let range = line.range(of: ",\"hash\":\"") else { return String(line) }
            return String(line[..<range.lowerBound])
        }
    }

    /// Every invalid fixture gives its errors on standard error, exit status 2, and the store
    /// is unchanged.
    @Test func invalidFilesAreRefusedAndChangeNothing() throws {
        let directory = try TemporaryDirectory(prefix: "homeward-e2e")
        let store = directory.appending("store")
        // Events recorded before the invalid files' times, so that only their own problems show.
        #expect(try homeward(["seed", "--cases", "5", "--start", "2026-01-01", "--days", "10", "--store", store]).status == 0)
        let head = try homeward(["head", "--store", store, "--format", "json"]).output
        let files = try FileManager.default.contentsOfDirectory(atPath: Fixtures.path("invalid")).filter { $0.hasSuffix(".jsonl") }.sorted()
        #expect(files.count >= 10)
        for file in files {
            let result = try homeward(["import", Fixtures.path("invalid/\(file)"), "--store", store])
            #expect(result.status == 2, "\(file)")
            let expected = String(decoding: try Fixtures.bytes("invalid/\(file.dropLast(6)).expected"), as: UTF8.self)
            for line in expected.split(separator: "\n") { #expect(result.errors.contains(line), "\(file): \(result.errors)") }
            #expect(result.output.isEmpty)
            #expect(try homeward(["head", "--store", store, "--format", "json"]).output == head, "\(file) changed the store")
        }
    }

    @Test func theReportHoldsEveryChart() throws {
        let directory = try TemporaryDirectory(prefix: "homeward-e2e")
        let out = directory.appending("report.html")
        let result = try homeward(["report", "--store", FixtureStore.path, "--from", "2026-12-01", "--to", "2027-03-01", "--out", out])
        #expect(result.status == 0)
        let html = String(decoding: try Data(contentsOf: URL(fileURLWithPath: out)), as: UTF8.self)
        for chart in ["chart-daily", "chart-returns", "chart-tracing", "chart-stranded", "chart-overdue"] {
            #expect(html.contains("id=\"\(chart)\"><svg"), "\(chart) is missing")
        }
        #expect(html.contains("Reports and admissions per day"))
        #expect(html.contains("<td>bedNights</td><td class=\"n\">2218</td>"))
        #expect(!html.contains("<script"), "self-contained, no scripts")
        #expect(html.contains("Findings"))
    }

    @Test func verifyFindsATamperedRecordAndATruncatedLog() throws {
        let directory = try TemporaryDirectory(prefix: "homeward-e2e")
        let store = directory.appending("store")
        #expect(try homeward(["seed", "--cases", "20", "--store", store]).status == 0)
        let head = try homeward(["head", "--store", store, "--format", "json"])
        let checkpoint = directory.appending("head.json")
        try Data(head.output.utf8).write(to: URL(fileURLWithPath: checkpoint))
        #expect(try homeward(["verify", "--store", store, "--checkpoint", checkpoint]).status == 0)
        // A flipped byte in every copy of one event's bytes (an actor id: stored in the clear).
        let file = URL(fileURLWithPath: store + "/data.mdb")
        var bytes = try Data(contentsOf: file)
        let marker = Data("trc-HZ-".utf8)
        var from = bytes.startIndex
        while let range = bytes.range(of: marker, in: from..<bytes.endIndex) {
            bytes[range.lowerBound] ^= 0x20
            from = range.upperBound
        }
        try bytes.write(to: file)
        let tampered = try homeward(["verify", "--store", store, "--checkpoint", checkpoint])
        #expect(tampered.status == 1)
        #expect(tampered.output.contains("problem (hashMismatch)"))
        #expect(tampered.output.contains("NOT sound"))
    }

    /// `homeward forget`: the person's fields are forgotten in every output; verify passes and the
    /// statistics are the same.
    @Test func forgetMakesAPersonUnreadableEverywhereAndChangesNothingElse() throws {
        let directory = try TemporaryDirectory(prefix: "homeward-e2e")
        let store = directory.appending("store")
        #expect(try homeward(["seed", "--cases", "40", "--seed", "3", "--store", store]).status == 0)
        #expect(FileManager.default.fileExists(atPath: store + ".keys/master.key"), "a new store gets a key store beside it")
        let export = try homeward(["export", "--store", store]).output
        let identity = try #require(export.split(separator: "\n").first { $0.contains("\"type\":\"IdentityVerified\"") })
        let data = try #require(try JSONSerialization.jsonObject(with: Data(identity.utf8)) as? [String: Any])
        let fields = try #require(data["data"] as? [String: Any])
        let person = try #require(fields["personId"] as? String)
        let name = try #require(fields["name"] as? String)
        let caseId = String(try #require(data["stream"] as? String).dropFirst(5))
        let raw = try Data(contentsOf: URL(fileURLWithPath: store + "/data.mdb"))
        #expect(raw.range(of: Data("\"\(name)\"".utf8)) == nil && raw.range(of: Data(name.utf8)) == nil, "the name is sealed in the log file")
        #expect(try homeward(["history", caseId, "--store", store]).output.contains(name))
        let stats = ["stats", "--from", "2026-12-01", "--to", "2027-03-01", "--format", "json", "--store", store]
        let statsBefore = try homeward(stats).output

        let forget = try homeward(["forget", person, "--reason", "erasure order 2027-031", "--store", store])
        #expect(forget.status == 0, "\(forget.errors)")
        #expect(forget.output.contains("forgot person \(person)"))
        for command in [["export"], ["log", "--stream", "case-\(caseId)"], ["history", caseId]] {
            let output = try homeward(command + ["--store", store]).output
            #expect(!output.contains("\"\(name)\""), "\(command[0]) still shows the name")
            #expect(output.contains("[forgotten]"), "\(command[0])")
        }
        let verify = try homeward(["verify", "--store", store])
        #expect(verify.status == 0, "\(verify.output)")
        #expect(try homeward(stats).output == statsBefore)
        #expect(try homeward(["log", "--stream", "person-\(person)", "--store", store]).output.contains("PersonForgotten"))
        // Without its key store a store cannot forget anyone.
        let refused = try homeward(["forget", person, "--reason", "again", "--store", store, "--no-keys"])
        #expect(refused.status == 2)
        #expect(refused.errors.contains("without a key store"))
    }

    /// The README's main job runs end to end on a fresh store, with its key store beside it.
    @Test func theDemoRunsOnAFreshStore() throws {
        let directory = try TemporaryDirectory(prefix: "homeward-e2e")
        let store = directory.appending("demo.store")
        let demo = try homeward(["demo", "--cases", "30", "--store", store])
        #expect(demo.status == 0, "\(demo.errors)")
        #expect(demo.output.contains("Homeward demo: a winter campaign of 30 cases"))
        #expect(demo.output.contains("The season 2026-12-01 to 2027-03-01"))
        #expect(demo.output.contains(".html"), "it says where the HTML report is")
        #expect(FileManager.default.fileExists(atPath: store + ".keys/master.key"))
        #expect(try homeward(["verify", "--store", store]).status == 0)
    }

    @Test func errorsGoToStandardErrorWithTheirExitStatus() throws {
        let missing = try homeward(["stats", "--from", "2026-12-01", "--to", "2027-01-01", "--store", "/nonexistent/store"])
        #expect(missing.status == 3)
        #expect(missing.errors.contains("there is no store at /nonexistent/store"))
        #expect(missing.output.isEmpty)
        let noCase = try homeward(["case", "NOPE-1", "--store", FixtureStore.path])
        #expect(noCase.status == 2)
        #expect(noCase.errors.contains("there is no case NOPE-1"))
        let badTime = try homeward(["case", "SX-0014", "--now", "yesterday", "--store", FixtureStore.path])
        #expect(badTime.status == 2)
        #expect(badTime.errors.contains("--now 'yesterday'"))
    }

    @Test func traceAndAlertsAnswer() throws {
        let log = try homeward(["log", "--store", FixtureStore.path, "--stream", "case-WZ-0292", "--format", "json", "--limit", "1"])
        guard case .array(let rows)? = try? JSONParser.parse(log.output), let first = rows.first else {
            Issue.record("no log output")
            return
        }
        #expect(first["type"]?.stringValue == "ReportReceived")
        let history = try homeward(["history", "WZ-0292", "--store", FixtureStore.path, "--format", "json"])
        guard case .array(let events)? = try? JSONParser.parse(history.output) else { return }
        let correction = events.first { $0["type"]?.stringValue == "EventCorrected" }
        #expect(correction != nil)
        let alerts = try homeward(["alerts", "--store", FixtureStore.path, "--now", "2027-03-01", "--format", "csv"])
        #expect(alerts.output.hasPrefix("rule,station,cases,caseIds\n"))
        #expect(alerts.output.contains("stay10Days,"))
    }

    /// A campaign of another seed conflicts with the stored streams: `seed` names the conflicts,
    /// exits with 2 (bad input) and appends nothing.
    @Test func seedingAConflictingCampaignAppendsNothing() throws {
        let directory = try TemporaryDirectory(prefix: "homeward-seed-conflict")
        let store = directory.appending("seeded.store")
        #expect(try homeward(["seed", "--cases", "20", "--seed", "1", "--store", store, "--no-keys"]).status == 0)
        let head = try homeward(["head", "--store", store, "--format", "json"]).output
        let conflicting = try homeward(["seed", "--cases", "20", "--seed", "2", "--store", store, "--no-keys"])
        #expect(conflicting.status == 2)
        #expect(conflicting.errors.hasPrefix("homeward: the campaign cannot be added to this store:"))
        #expect(conflicting.errors.contains("line 1, key recordedAt:"))
        #expect(try homeward(["head", "--store", store, "--format", "json"]).output == head)
    }

    /// `log` JSON gives each event as the contract's record, and `--stream` takes a case id alone;
    /// `history` JSON uses the same keys for its records.
    @Test func logAndHistoryJSONUseTheContractsKeys() throws {
        let directory = try TemporaryDirectory(prefix: "homeward-log-json")
        let store = directory.appending("fixture.store")
        #expect(try homeward(["import", Fixtures.path("campaigns/small-winter.jsonl"), "--store", store]).status == 0)
        let log = try homeward(["log", "--stream", "WZ-0292", "--limit", "3", "--store", store, "--format", "json"])
        #expect(log.status == 0)
        guard case .array(let events) = try JSONParser.parse(log.output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            Issue.record("log did not print a JSON array")
            return
        }
        #expect(events.count == 3)
        let first = try #require(events.first?.objectValue)
        #expect(first.keys == ["position", "stream", "version", "type", "schemaVersion", "eventId", "occurredAt", "recordedAt", "actor", "correlationId", "causationId", "data", "hash"])
        #expect(first["stream"] == .string("case-WZ-0292"))
        #expect(first["version"] == .integer(1))
        #expect(first["actor"]?.objectValue?.keys == ["id", "role", "org"])
        let exported = try homeward(["export", "--stream", "WZ-0292", "--store", store])
        let firstLine = try #require(exported.output.split(separator: "\n").first)
        #expect(try JSONParser.parse(String(firstLine)) == .object(first), "log's JSON record is export's line")
        let history = try homeward(["history", "WZ-0292", "--store", store, "--format", "json"])
        guard case .array(let records) = try JSONParser.parse(history.output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            Issue.record("history did not print a JSON array")
            return
        }
        let record = try #require(records.first?.objectValue)
        #expect(record.keys == ["position", "stream", "version", "type", "eventId", "occurredAt", "recordedAt", "actor", "data", "notes"])
        #expect(record["eventId"] == first["eventId"])
    }

    /// An import file that is missing, or is not a file, is named with the reason; an empty one
    /// appends nothing; the store is left as it was.
    @Test func anImportFileThatCannotBeReadIsNamedWithItsReason() throws {
        let directory = try TemporaryDirectory(prefix: "homeward-import-file")
        let store = directory.appending("seeded.store")
        #expect(try homeward(["seed", "--cases", "3", "--store", store, "--no-keys"]).status == 0)
        let head = try homeward(["head", "--store", store, "--no-keys"]).output
        let missing = try homeward(["import", directory.appending("none.jsonl"), "--store", store, "--no-keys"])
        #expect(missing.status == 2)
        #expect(missing.errors == "homeward: cannot read \(directory.appending("none.jsonl")): No such file or directory\n")
        let notAFile = try homeward(["import", directory.path, "--store", store, "--no-keys"])
        #expect(notAFile.status == 2)
        #expect(notAFile.errors == "homeward: cannot read \(directory.path): not a regular file\n")
        let empty = directory.appending("empty.jsonl")
        try "".write(toFile: empty, atomically: true, encoding: .utf8)
        let nothing = try homeward(["import", empty, "--store", store, "--no-keys"])
        #expect(nothing.status == 0)
        #expect(nothing.output == "appended nothing\n")
        #expect(try homeward(["head", "--store", store, "--no-keys"]).output == head)
    }

    /// A checkpoint file that cannot be read, or that is not a checkpoint, is bad input named as such.
    @Test func aMissingOrMalformedCheckpointIsNamed() throws {
        let directory = try TemporaryDirectory(prefix: "homeward-checkpoint-file")
        let store = directory.appending("seeded.store")
        #expect(try homeward(["seed", "--cases", "5", "--store", store, "--no-keys"]).status == 0)
        let missing = try homeward(["verify", "--checkpoint", directory.appending("none.json"), "--store", store, "--no-keys"])
        #expect(missing.status == 2)
        #expect(missing.errors == "homeward: cannot read the checkpoint \(directory.appending("none.json"))\n")
        let file = directory.appending("wrong.json")
        try "{\"position\": 3}".write(toFile: file, atomically: true, encoding: .utf8)
        let malformed = try homeward(["verify", "--checkpoint", file, "--store", store, "--no-keys"])
        #expect(malformed.status == 2)
        #expect(malformed.errors.contains("is not a checkpoint"))
    }

    /// `trace` gives an event's cause, its effects (by causation id) and the rest of its
    /// correlation group; another case's events are not in it.
    @Test func traceFollowsCausationAndCorrelation() throws {
        let directory = try TemporaryDirectory(prefix: "homeward-trace")
        let store = directory.appending("trace.store")
        let file = directory.appending("caused.jsonl")
        let lines = [
            #"{"stream":"case-HZ-1","type":"ReportReceived","eventId":"0190a1b2-0000-7000-8000-000000000001","occurredAt":"2026-12-03T21:00:00+08:00","actor":{"id":"d","role":"dispatcher","org":"HZ"},"correlationId":"HZ-1","data":{"channel":"hotline","region":"330106001001","location":"bridge","description":"man sleeping","risks":["cold"]}}"#,
            #"{"stream":"case-HZ-1","type":"TeamDispatched","eventId":"0190a1b2-0000-7000-8000-000000000002","occurredAt":"2026-12-03T21:05:00+08:00","actor":{"id":"d","role":"dispatcher","org":"HZ"},"correlationId":"HZ-1","causationId":"0190a1b2-0000-7000-8000-000000000001","data":{"team":"t1"}}"#,
            #"{"stream":"case-HZ-1","type":"PersonContacted","eventId":"0190a1b2-0000-7000-8000-000000000003","occurredAt":"2026-12-03T21:30:00+08:00","actor":{"id":"o","role":"outreach","org":"HZ-01"},"correlationId":"HZ-1","causationId":"0190a1b2-0000-7000-8000-000000000002","data":{"sex":"male","estimatedAge":40,"livingSituation":"x","risks":["cold"]}}"#,
            #"{"stream":"case-HZ-2","type":"ReportReceived","eventId":"0190a1b2-0000-7000-8000-000000000004","occurredAt":"2026-12-03T22:00:00+08:00","actor":{"id":"d","role":"dispatcher","org":"HZ"},"correlationId":"HZ-2","data":{"channel":"hotline","region":"330106001001","location":"park","description":"woman","risks":["cold"]}}"#
        ]
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try homeward(["import", file, "--store", store, "--no-keys"]).status == 0)
        let traced = try homeward(["trace", "0190a1b2-0000-7000-8000-000000000002", "--store", store, "--no-keys", "--format", "json"])
        #expect(traced.status == 0)
        guard case .array(let rows) = try JSONParser.parse(traced.output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            Issue.record("trace did not print a JSON array")
            return
        }
        let relations = rows.map { "\($0["relation"]?.stringValue ?? "?") \($0["position"].map { "\($0)" } ?? "?")" }
        #expect(relations == ["event 2", "cause 1", "effect 3", "correlated 1", "correlated 3"])
        let unknown = try homeward(["trace", "0190a1b2-0000-7000-8000-00000000ffff", "--store", store, "--no-keys"])
        #expect(unknown.status == 2)
    }
}
