import Foundation
import Homeward
import HomewardStore
import HomewardTesting
import Testing

/// Every file of `Fixtures/invalid/` gives exactly its expected errors and changes nothing stored.
struct InvalidFixtureTests {
    static let names: [String] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: Fixtures.path("invalid"))) ?? []
        return files.filter { $0.hasSuffix(".jsonl") }.map { String($0.dropLast(6)) }.sorted()
    }()

    @Test func thereAreInvalidFixtures() {
        #expect(Self.names.count >= 10)
    }

    @Test(arguments: names)
    func anInvalidFileGivesItsErrorsAndLeavesTheStoreUnchanged(name: String) async throws {
        let expected = String(decoding: try Fixtures.bytes("invalid/\(name).expected"), as: UTF8.self)
            .split(separator: "\n").map(String.init)
        // The event already stored is recorded before every fixture line (whatever today's date),
        // so that only the fixture's own times can go backwards.
        let before = Timestamp(rfc3339: "2026-12-01T09:00:00+08:00")!
        var options = EventStore.Options()
        options.clock = { before }
        try await withTemporaryEventStore(options: options) { (store: EventStore) async throws in
            let service = ReliefService(store: store, clock: { before })
            try await service.report("HZ-1", ReportReceived(channel: .patrol, region: "330106001001", location: "x", description: "y", risks: []), by: outreachWorker)
            let head = try store.head()
            let failure = #expect(throws: JSONLinesImporter.Failure.self) {
                try JSONLinesImporter(service: service).importFile(try Fixtures.bytes("invalid/\(name).jsonl"))
            }
            #expect(failure?.errors.map(\.description) == expected)
            #expect(try store.head() == head)
            #expect(try store.verify().isSound)
        }
    }
}
