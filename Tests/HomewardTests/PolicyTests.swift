import Foundation
import Homeward
import HomewardStore
import HomewardTesting
import Testing

struct PolicyTests {
    static func samplePolicy() throws -> RolePolicy {
        try RolePolicy(text: String(decoding: try Fixtures.bytes("policy/sample.policy"), as: UTF8.self), source: "sample.policy")
    }

    @Test func eachRuleAllowsItsRolesAndRefusesAnother() throws {
        let policy = try Self.samplePolicy()
        let expected: [(type: String, allowed: [String], refused: String, line: Int)] = [
            ("BenefitDecided", ["civilAffairs"], "station", 4),
            ("Admitted", ["station"], "outreach", 5),
            ("IdentityVerified", ["tracer"], "station", 6),
            ("ReturnedHome", ["escort", "station"], "police", 7),
        ]
        #expect(policy.rules.count == expected.count)
        for rule in expected {
            for role in rule.allowed { #expect(policy.refusal(of: rule.type, by: role) == nil, "\(role) may record \(rule.type)") }
            let refusal = try #require(policy.refusal(of: rule.type, by: rule.refused))
            #expect(refusal.description.contains("role '\(rule.refused)' may not record \(rule.type)"))
            #expect(refusal.description.contains("sample.policy, line \(rule.line)"))
        }
        #expect(policy.refusal(of: "PickedUp", by: "anyone") == nil, "a type the policy does not name is open to every role")
    }

    @Test func aBadPolicyLineIsNamed() {
        let cases: [(String, String)] = [
            ("Admited station\n", "line 1: Admited is not an event type"),
            ("# roles\nAdmitted\n", "line 2: Admitted names no role"),
            ("Admitted station\nAdmitted outreach\n", "line 2: Admitted already has a rule on line 1"),
        ]
        for (text, message) in cases {
            let error = #expect(throws: PolicyError.self) { try RolePolicy(text: text, source: "p") }
            #expect(error?.description.contains(message) == true, "\(error?.description ?? "no error")")
        }
    }

    @Test func theServiceRefusesARoleAndStoresNothingOfTheCommand() async throws {
        try await withTemporaryEventStore { (store: EventStore) async throws in
            let service = ReliefService(store: store, policy: try Self.samplePolicy())
            try await service.requestAssistance("HZ-5", AssistanceRequested(station: "HZ-01", sex: .male, age: 50, conditions: allFour), by: stationWorker)
            let head = try store.head()
            await #expect(throws: PolicyRefusal.self) {
                try await service.admit("HZ-5", Admitted(station: "HZ-01", personId: "P5", category: .adult), by: outreachWorker)
            }
            #expect(try store.head() == head)
            try await service.admit("HZ-5", Admitted(station: "HZ-01", personId: "P5", category: .adult), by: stationWorker)
            #expect(try store.head().position == head.position + 1)
        }
    }

    @Test func anImportUnderThePolicyNamesTheRefusedLineAndAppendsNothing() async throws {
        let campaign = String(decoding: try Fixtures.bytes("campaigns/small-winter.jsonl"), as: UTF8.self)
        var lines = campaign.split(separator: "\n").map(String.init)
        let admitted = try #require(lines.firstIndex { $0.contains(#""type":"Admitted""#) })
        lines[admitted] = lines[admitted].replacingOccurrences(of: #""role":"station""#, with: #""role":"outreach""#)
        try await withTemporaryEventStore { (store: EventStore) async throws in
            let importer = JSONLinesImporter(service: ReliefService(store: store, policy: try Self.samplePolicy()))
            let failure = #expect(throws: JSONLinesImporter.Failure.self) {
                try importer.importFile(Array((lines.joined(separator: "\n") + "\n").utf8))
            }
            let error = try #require(failure?.errors.first)
            #expect(failure?.errors.count == 1)
            #expect(error.line == admitted + 1)
            #expect(error.description.contains("role 'outreach' may not record Admitted"))
            #expect(error.description.contains("sample.policy, line 5"))
            #expect(try store.head().position == 0, "nothing of the file is stored")
            // The campaign as recorded keeps to the policy.
            #expect(try importer.importFile(Array(campaign.utf8)).appended == 3849)
        }
    }
}
