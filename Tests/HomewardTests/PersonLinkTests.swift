import Foundation
import Homeward
import HomewardStore
import Testing

struct PersonLinkTests {
    @Test func linksFormComponentsAndAnUnlinkRestoresBoth() {
        var links = PersonLinks()
        links.apply(record(.personsLinked(PersonsLinked(personIds: ["P3", "P1"], basis: "fingerprint")), at: "2026-12-01T10:00:00+08:00", position: 1))
        links.apply(record(.personsLinked(PersonsLinked(personIds: ["P1", "P7"], basis: "face")), at: "2026-12-02T10:00:00+08:00", position: 2))
        #expect(links.component(of: "P7") == ["P1", "P3", "P7"])
        #expect(links.canonicalId(of: "P7") == "P1")
        links.apply(record(.personsUnlinked(PersonsUnlinked(personIds: ["P1", "P7"], reason: "DNA")), at: "2026-12-03T10:00:00+08:00", position: 3))
        #expect(links.component(of: "P7") == ["P7"])
        #expect(links.component(of: "P3") == ["P1", "P3"], "the unlink removes exactly that pair")
        #expect(links.history(of: "P7").map(\.linked) == [true, false])
    }

    @Test func theServiceRecordsLinksInTheFirstPersonsStream() async throws {
        try await withService { service in
            try await service.link("P200", "P100", basis: "fingerprint", by: stationWorker)
            #expect(try service.personRecords("P200").count == 1)
            #expect(try service.personLinks().canonicalId(of: "P200") == "P100")
            await #expect(throws: RuleViolation.self) { try await service.unlink("P200", "P300", reason: "x", by: stationWorker) }
            await #expect(throws: RuleViolation.self) { try await service.link("P5", "P5", basis: "x", by: stationWorker) }
            try await service.unlink("P100", "P200", reason: "DNA mismatch", by: stationWorker)
            #expect(try service.personLinks().canonicalId(of: "P200") == "P200")
        }
    }

    /// Unlinks of one pair racing on its stream: exactly one is recorded; the others, decided
    /// again after losing the race, find the pair no longer linked and are refused.
    @Test func concurrentUnlinksOfOnePairRecordOne() async throws {
        try await withService { service in
            try await service.link("P700", "P800", basis: "fingerprint", by: stationWorker)
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for index in 0..<6 {
                    group.addTask {
                        do {
                            try await service.unlink("P700", "P800", reason: "DNA mismatch \(index)", by: stationWorker)
                            return true
                        } catch {
                            return false
                        }
                    }
                }
                var results: [Bool] = []
                for await outcome in group { results.append(outcome) }
                return results
            }
            #expect(outcomes.filter { $0 }.count == 1)
            let records = try service.personRecords("P700")
            #expect(records.map(\.event.typeName) == ["PersonsLinked", "PersonsUnlinked"])
            #expect(try service.personLinks().canonicalId(of: "P800") == "P800")
        }
    }
}
