import Foundation
import Homeward
import HomewardStore
import HomewardTesting
import Testing

/// The fixture campaign's statistics, case states and entitlements equal the expected outputs
/// under `Fixtures/expected/`, which were computed by an independent reading of the contract
/// (`Fixtures/reference/`) and checked by hand there.
@Suite(.serialized)
struct GoldenFixtureTests {
    static let model: ReliefModel = {
        let configuration = try! RegionConfiguration(contentsOf: Fixtures.path("rules/zhejiang-illustrative.json"))
        let (lines, _) = JSONLinesReader().read(try! Fixtures.bytes("campaigns/small-winter.jsonl"))
        let records = lines.map { line in
            (line.record.stream, CaseRecord(
                position: UInt64(line.number), eventId: line.record.eventId!, occurredAt: line.record.occurredAt,
                recordedAt: line.record.recordedAt!, actor: line.record.actor, event: line.event
            ))
        }
        return ReliefModel(records: records, configuration: configuration)
    }()

    static func expected(_ name: String) throws -> [JSONValue] {
        guard case .array(let entries) = try JSONParser.parse(String(decoding: try Fixtures.bytes("expected/\(name)"), as: UTF8.self)) else {
            throw CocoaError(.fileReadCorruptFile)
        }
        return entries
    }

    /// Compares two JSON values, numbers by value (1e-9 apart at most).
    static func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.integer(let x), .integer(let y)): return x == y
        case (.integer(let x), .number(let y)), (.number(let y), .integer(let x)): return abs(Double(x) - y) < 1e-9
        case (.number(let x), .number(let y)): return abs(x - y) < 1e-9
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        case (.object(let x), .object(let y)):
            return x.keys == y.keys && x.members.allSatisfy { member in same(member.value, y[member.key]!) }
        default: return a == b
        }
    }

    @Test func statisticsOfEveryPeriodMatch() throws {
        for entry in try Self.expected("small-winter.statistics.json") {
            let from = LocalDate(entry["from"]!.stringValue!)!
            let to = LocalDate(entry["to"]!.stringValue!)!
            let region = entry["region"]?.stringValue
            let actual = Self.model.statistics(from: from, to: to, regionPrefix: region).json
            let expected = entry["statistics"]!
            #expect(Self.same(actual, expected), "\(from)–\(to) \(region ?? "all"):\nexpected \(expected)\nactual   \(actual)")
        }
    }

    @Test func chosenCaseStatesMatch() throws {
        let entries = try Self.expected("small-winter.cases.json")
        #expect(entries.count >= 12)
        for entry in entries {
            let caseId = entry["caseId"]!.stringValue!
            let asOf = Timestamp(rfc3339: entry["asOf"]!.stringValue!)!
            let snapshot = try #require(Self.model.timeline(caseId)).snapshot(at: asOf)
            let actual: JSONObject = [
                "status": snapshot.status.map { .string($0.rawValue) } ?? .null,
                "identity": .string(snapshot.identity.rawValue),
                "stayDays": snapshot.stayDays.map { .integer($0) } ?? .null,
                "personId": snapshot.personId.map { .string($0) } ?? .null,
                "flags": .array(snapshot.flags.map { .string($0) }),
                "overdue": .array(snapshot.overdue.map { .string($0.rawValue) }),
                "missed": .array(snapshot.missed.map { .string($0.rawValue) }),
            ]
            for key in actual.keys {
                #expect(Self.same(actual[key]!, entry[key] ?? .null), "\(caseId) at \(asOf): \(key) expected \(entry[key] ?? .null), actual \(actual[key]!)")
            }
        }
    }

    @Test func chosenPersonsEntitlementsMatch() throws {
        let entries = try Self.expected("small-winter.entitlements.json")
        #expect(entries.count >= 12)
        for entry in entries {
            let personId = entry["personId"]!.stringValue!
            let asOf = Timestamp(rfc3339: entry["asOf"]!.stringValue!)!
            let programs = try #require(Self.model.entitlements(of: personId, at: asOf), "\(personId) did not return home")
            for program in EntitlementRules.programs {
                let check = programs[program]!
                let actual: JSONValue = .object([
                    "status": .string(check.status.rawValue),
                    "eligibility": .string(check.eligibility.rawValue),
                    "reasons": .array(check.reasons.map { .string($0) }),
                    "missing": .array(check.missing.map { .string($0) }),
                ])
                let expected = entry["programs"]![program.rawValue]!
                #expect(Self.same(actual, expected), "\(personId) \(program.rawValue): expected \(expected), actual \(actual)")
            }
        }
    }
}
