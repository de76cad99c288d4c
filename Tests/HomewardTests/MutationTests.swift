import Foundation
import Homeward
import HomewardStore
import HomewardTesting
import Testing

/// Hostile input: 2,000 lines of the fixture campaign, each broken in one of the ways the world
/// breaks files (truncated, wrong types, huge numbers, invalid UTF-8, deep nesting, unknown
/// values, missing keys, 10 MB lines). Every one must give a clear error naming line 1, must not
/// crash, and must leave the store exactly as it was.
@Suite(.serialized)
struct MutationTests {
    enum Mutation: CaseIterable {
        case truncated, wrongEnvelopeType, wrongDataType, hugeNumber, invalidUTF8, deepNesting, unknownValue, missingKey
    }

    static let enumerationKeys: Set<String> = ["channel", "sex", "category", "method", "receiver", "service", "system", "mode", "response", "kind", "program", "disability", "scope"]
    static let integerKeys: Set<String> = ["age", "estimatedAge", "householdMembers", "candidates", "quantity"]

    /// One mutated line: its bytes, what was done, and the key the error should name, if known.
    struct Case: Sendable {
        var bytes: [UInt8]
        var what: String
        var key: String?
    }

    static func object(_ line: String) -> [String: Any] {
        try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
    }

    static func text(_ object: [String: Any]) -> [UInt8] {
        Array(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    static func mutate(_ line: String, _ mutation: Mutation, _ random: inout SeededRandom) -> Case {
        var record = object(line)
        var data = record["data"] as? [String: Any] ?? [:]
        switch mutation {
        case .truncated:
            let bytes = Array(line.utf8)
            let cut = Int.random(in: 1..<(bytes.count - 1), using: &random)
            return Case(bytes: Array(bytes[..<cut]), what: "truncated at byte \(cut)", key: nil)
        case .wrongEnvelopeType:
            let key = ["stream", "type", "occurredAt", "actor", "data", "version", "eventId"].randomElement(using: &random)!
            let wrong: Any = key == "version" ? "five" : [12_345, [1, 2], true].randomElement(using: &random)!
            record[key] = wrong
            return Case(bytes: text(record), what: "\(key) of a wrong type", key: key)
        case .wrongDataType:
            guard let key = data.keys.sorted().filter({ $0 != "changes" }).randomElement(using: &random) else {
                return mutate(line, .missingKey, &random)
            }
            // An object is the wrong type for text, numbers, booleans, lists and enumerations;
            // a list is wrong for an object.
            data[key] = data[key] is [String: Any] ? [1] : ["wrong": [1]]
            record["data"] = data
            return Case(bytes: text(record), what: "data.\(key) of a wrong type", key: "data.\(key)")
        case .hugeNumber:
            let huge = ["1e400", "123456789012345678901234567890", "-1e309", "18446744073709551616"].randomElement(using: &random)!
            if let key = data.keys.sorted().first(where: { integerKeys.contains($0) }) {
                data[key] = "HUGE"
                record["data"] = data
                let text = String(decoding: text(record), as: UTF8.self).replacingOccurrences(of: "\"HUGE\"", with: huge)
                return Case(bytes: Array(text.utf8), what: "data.\(key) = \(huge)", key: nil)
            }
            record["schemaVersion"] = "HUGE"
            let text = String(decoding: text(record), as: UTF8.self).replacingOccurrences(of: "\"HUGE\"", with: huge)
            return Case(bytes: Array(text.utf8), what: "schemaVersion = \(huge)", key: nil)
        case .invalidUTF8:
            var bytes = Array(line.utf8)
            // Inside a string value: just after the opening quote of the type's value.
            let anchor = Array("\"type\":\"".utf8)
            let at = (0..<(bytes.count - anchor.count)).first { Array(bytes[$0..<($0 + anchor.count)]) == anchor }! + anchor.count
            let bad: [[UInt8]] = [[0xFF], [0xC3, 0x28], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80]]
            bytes.insert(contentsOf: bad.randomElement(using: &random)!, at: at)
            return Case(bytes: bytes, what: "invalid UTF-8 in the type", key: nil)
        case .deepNesting:
            let depth = Int.random(in: 65...200_000, using: &random)
            let open = Bool.random(using: &random) ? "[" : "{\"a\":"
            let close = open == "[" ? "]" : "}"
            let nested = String(repeating: open, count: depth) + "1" + String(repeating: close, count: depth)
            record["data"] = "NEST"
            let text = String(decoding: text(record), as: UTF8.self).replacingOccurrences(of: "\"NEST\"", with: nested)
            return Case(bytes: Array(text.utf8), what: "data nested \(depth) deep", key: nil)
        case .unknownValue:
            guard let key = data.keys.sorted().first(where: { enumerationKeys.contains($0) && data[$0] is String }) else {
                return mutate(line, .wrongEnvelopeType, &random)
            }
            data[key] = "notAValue"
            record["data"] = data
            return Case(bytes: text(record), what: "data.\(key) = notAValue", key: "data.\(key)")
        case .missingKey:
            let key = ["stream", "type", "occurredAt", "actor", "data"].randomElement(using: &random)!
            record[key] = nil
            return Case(bytes: text(record), what: "without \(key)", key: key)
        }
    }

    /// Ten-megabyte lines: a huge text field, garbage, a huge number, and deep nesting.
    static func hugeLines(_ line: String) -> [Case] {
        var record = object(line)
        var data = record["data"] as? [String: Any] ?? [:]
        data["description"] = String(repeating: "x", count: 10 << 20)
        record["data"] = data
        let tenMegabytes = 10 << 20
        return [
            Case(bytes: text(record), what: "a 10 MB text field", key: "data"),
            Case(bytes: [UInt8](repeating: 0x41, count: tenMegabytes), what: "10 MB of letters", key: nil),
            Case(bytes: Array("{\"stream\":".utf8) + [UInt8](repeating: 0x39, count: tenMegabytes) + Array("}".utf8), what: "a 10 MB number", key: nil),
            Case(bytes: [UInt8](repeating: 0x5B, count: tenMegabytes), what: "10 MB of opening brackets", key: nil),
        ]
    }

    @Test func twoThousandBrokenLinesEachGiveAClearErrorAndChangeNothing() throws {
        let lines = String(decoding: try Fixtures.bytes("campaigns/small-winter.jsonl"), as: UTF8.self).split(separator: "\n").map(String.init)
        var random = SeededRandom(seed: 20_261_129)
        var cases: [Case] = (0..<1996).map { index in
            let mutation = Mutation.allCases[index % Mutation.allCases.count]
            return MutationTests.mutate(lines.randomElement(using: &random)!, mutation, &random)
        }
        cases += MutationTests.hugeLines(lines[0])
        #expect(cases.count == 2000)
        let directory = try TemporaryDirectory(prefix: "homeward-mutation")
        let store = try EventStore(path: directory.appending("store"))
        do {
            // A store that already holds the campaign's first hundred lines: nothing may touch them.
            let service = ReliefService(store: store)
            let importer = JSONLinesImporter(service: service)
            try importer.importFile(Array(lines.prefix(100).joined(separator: "\n").utf8))
            let head = try store.head()
            var kinds: [String: Int] = [:]
            for (index, mutated) in cases.enumerated() {
                do {
                    try importer.importFile(mutated.bytes + [0x0A])
                    Issue.record("case \(index) (\(mutated.what)) was imported")
                } catch let failure as JSONLinesImporter.Failure {
                    guard let first = failure.errors.first else {
                        Issue.record("case \(index) (\(mutated.what)) failed without naming a line")
                        continue
                    }
                    let label = "case \(index) (\(mutated.what)): \(failure.errors.map(\.description))"
                    #expect(first.line == 1, "\(label)")
                    #expect(first.problem.count >= 10, "the problem is not said: \(label)")
                    if let key = mutated.key {
                        let named = failure.errors.contains { error in error.key.map { $0.hasPrefix(key) } ?? false }
                        #expect(named, "\(label)")
                    }
                    kinds[first.kind, default: 0] += 1
                }
                #expect(try store.head() == head, "case \(index) (\(mutated.what)) changed the store")
            }
            #expect(try store.verify(expecting: head).isSound)
            // Syntax errors, wrong types, unknown values, missing keys and oversized data all occur.
            let seen = Set(kinds.keys)
            #expect(seen.isSuperset(of: ["syntax", "wrongType", "unknownValue", "missingField", "tooLarge"]), "kinds seen: \(kinds)")
        }
    }
}
