import Foundation
import Homeward
import HomewardStore
import HomewardTesting
import Testing

struct GeneratorTests {
    @Test func theSameSeedGivesTheSameBytes() {
        var configuration = CampaignGenerator.Configuration()
        configuration.cases = 60
        let first = CampaignGenerator(configuration).jsonLines()
        #expect(first == CampaignGenerator(configuration).jsonLines())
        configuration.seed = 7
        #expect(first != CampaignGenerator(configuration).jsonLines())
    }

    /// Records handed over one at a time are the campaign's records, in log order, and each
    /// comes with how many there are; the fixture is that campaign's text.
    @Test func recordsHandedOverOneAtATimeAreTheCampaign() throws {
        var configuration = CampaignGenerator.Configuration()
        configuration.cases = 40
        let generator = CampaignGenerator(configuration)
        let records = generator.records()
        var handed: [InterchangeRecord] = []
        var counts = Set<Int>()
        generator.forEachRecord { record, count in
            handed.append(record)
            counts.insert(count)
        }
        #expect(handed == records)
        #expect(counts == [records.count])
        #expect(zip(records, records.dropFirst()).allSatisfy { $0.recordedAt! <= $1.recordedAt! })
        #expect(generator.jsonLines() == records.map { $0.line + "\n" }.joined())
    }

    /// A campaign imported in parts, each made, validated and appended before the next, is the
    /// same log as the campaign imported as one file; a second import of it appends nothing.
    @Test func aCampaignImportedInPartsIsTheSameLogAsOneFile() async throws {
        var configuration = CampaignGenerator.Configuration()
        configuration.cases = 30
        let generator = CampaignGenerator(configuration)
        try await withTemporaryEventStore { (whole: EventStore) async throws in
            try await withTemporaryEventStore { (parts: EventStore) async throws in
                let file = Array(generator.jsonLines().utf8)
                let once = try JSONLinesImporter(service: ReliefService(store: whole)).importFile(file)
                var progress: [(Int, Int)] = []
                let importer = JSONLinesImporter(service: ReliefService(store: parts))
                let inParts = try importer.importCampaign(generator, linesPerPart: 37) { progress.append(($0, $1)) }
                #expect(inParts.appended == once.appended)
                #expect(inParts.lines == once.lines)
                #expect(inParts.positions == once.positions)
                #expect(progress.last.map { $0.0 == once.appended && $0.1 == once.lines } == true)
                // The same records give the same chain: the heads' hashes are equal.
                #expect(try parts.head() == whole.head())
                #expect(try parts.events(from: 1, limit: 100_000) == whole.events(from: 1, limit: 100_000))
                #expect(try importer.importCampaign(generator, linesPerPart: 37).appended == 0)
            }
        }
    }

    /// The fixture campaign is frozen test data: a valid campaign whose every line imports
    /// without a guard violation.
    @Test func theFixtureCampaignImportsCleanly() async throws {
        try await withTemporaryEventStore { (store: EventStore) async throws in
            let report = try JSONLinesImporter(service: ReliefService(store: store)).importFile(try Fixtures.bytes("campaigns/small-winter.jsonl"))
            #expect(report.appended == 3849)
            #expect(report.findings.isEmpty)
        }
    }

    @Test(arguments: [1 as UInt64, 99, 31337, 4242])
    func noGeneratedEventBreaksAGuard(seed: UInt64) async throws {
        var configuration = CampaignGenerator.Configuration()
        configuration.seed = seed
        configuration.cases = 250
        let lines = CampaignGenerator(configuration).jsonLines()
        try await withTemporaryEventStore { (store: EventStore) async throws in
            let report = try JSONLinesImporter(service: ReliefService(store: store)).importFile(Array(lines.utf8))
            #expect(report.findings.isEmpty)
            #expect(report.appended == lines.split(separator: "\n").count)
        }
    }

    @Test func theCampaignTakesEveryPath() {
        var configuration = CampaignGenerator.Configuration()
        configuration.cases = 400
        let records = CampaignGenerator(configuration).records()
        let types = Set(records.map(\.type))
        #expect(types.count == 43, "missing: \(Set(EventRegistry.standard.typeNames).subtracting(types).sorted())")
        #expect(records.contains { ($0.recordedAt!.microsecondsSinceEpoch - $0.occurredAt.microsecondsSinceEpoch) > 3_600_000_000 }, "some events are back-dated")
        let recorded = records.compactMap(\.recordedAt)
        #expect(recorded == recorded.sorted(), "recorded times never go backwards")
        let end = LocalCalendar.chinaStandardTime.start(of: configuration.start.adding(days: configuration.days))
        #expect(records.allSatisfy { $0.occurredAt < end })
        // Every value of the enumerations that tell the paths apart occurs.
        var texts = Set<String>()
        func collect(_ value: JSONValue) {
            switch value {
            case .string(let text): texts.insert(text)
            case .array(let values): values.forEach(collect)
            case .object(let object): object.members.forEach { collect($0.value) }
            default: break
            }
        }
        records.forEach { collect($0.data) }
        let values = NoticeChannel.allCases.map(\.rawValue) + VerificationMethod.allCases.map(\.rawValue) + PlacementKind.allCases.map(\.rawValue)
            + AdmissionRefusalReason.allCases.map(\.rawValue) + FamilyResponse.allCases.map(\.rawValue) + Risk.allCases.map(\.rawValue)
            + Channel.allCases.map(\.rawValue)
        #expect(values.filter { !texts.contains($0) } == [], "values never generated")
    }
}
