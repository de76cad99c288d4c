import Foundation
@testable import Homeward
import HomewardStore
import HomewardTesting
import Testing

/// Ids are their bytes, as the store keeps them: two person ids that Swift holds equal but that
/// are written differently (`José` with a composed `é`, and with `e` and a combining accent) are
/// two persons in every table, and two cases' ids likewise. Gathered into Swift sets and tables
/// keyed by `String`, they were one: their keys were one key, their admissions one person, and
/// forgetting one destroyed the other's case keys.
struct BytewiseIdTests {
    private let composed = "Jos\u{E9}"
    private let decomposed = "Jose\u{301}"

    /// One case's lines: reported, assistance asked, admitted and identified as `personId`.
    private func caseLines(_ caseId: String, personId: String, name: String, day: Int) -> [String] {
        let actor = #"{"id":"stn-HZ-01-1","role":"station","org":"HZ-01"}"#
        func line(_ version: Int, _ type: String, _ hour: Int, _ data: String) -> String {
            let time = String(format: "2026-12-%02dT%02d:00:00Z", day, hour)
            return #"{"stream":"case-\#(caseId)","version":\#(version),"type":"\#(type)","schemaVersion":\#(type == "ReportReceived" ? 2 : 1),"eventId":"\#(UUID().uuidString.lowercased())","occurredAt":"\#(time)","recordedAt":"\#(time)","actor":\#(actor),"correlationId":"\#(caseId)","causationId":null,"data":\#(data)}"#
        }
        return [
            line(1, "ReportReceived", 8, #"{"channel":"hotline","region":"330106001001","location":"under the bridge","description":"thin coat","risks":["cold"]}"#),
            line(2, "AssistanceRequested", 9, #"{"station":"HZ-01","sex":"male","age":60,"conditions":{"cannotAffordFoodOrLodging":true,"noKinToRelyOn":true,"notOnDibaoOrWubao":true,"wanderingOrBegging":true}}"#),
            line(3, "Admitted", 10, #"{"station":"HZ-01","personId":"\#(personId)","category":"adult"}"#),
            line(4, "IdentityVerified", 11, #"{"personId":"\#(personId)","method":"fingerprint","name":"\#(name)","birthDate":"1960-01-01","hukouRegion":"411525102219"}"#),
        ]
    }

    private func openStore(_ directory: TemporaryDirectory) throws -> EventStore {
        var options = EventStore.Options()
        options.keys = try KeyStore(path: directory.appending("keys"))
        return try EventStore(path: directory.appending("store"), options: options)
    }

    /// The name an IdentityVerified of a case reads as, in a store opened afresh.
    private func identityName(_ caseId: String, in directory: TemporaryDirectory) throws -> String? {
        let store = try openStore(directory)
        let registry = EventRegistry.standard.withKeys(store.keys)
        for event in try store.events(in: StreamID(validating: "case-" + caseId)) where event.type == IdentityVerified.typeName {
            if case .identityVerified(let identity) = try registry.decode(event) { return identity.name }
        }
        return nil
    }

    @Test func personIdsWrittenDifferentlyAreTwoPersonsWithTwoKeys() async throws {
        #expect(composed == decomposed, "Swift holds the two ids equal")
        let directory = try TemporaryDirectory(prefix: "homeward-bytewise")
        let lines = caseLines("HZ-U1", personId: composed, name: "first person", day: 3) + caseLines("HZ-U2", personId: decomposed, name: "second person", day: 4)
        do {
            let store = try openStore(directory)
            let clock = TestClock("2027-01-02T09:00:00+08:00")
            let service = ReliefService(store: store, clock: { clock.now })
            // One import, one batch: both persons' keys are made in one commit of the key store.
            try JSONLinesImporter(service: service).importFile(Array(lines.joined(separator: "\n").utf8))
            let projections = try ReliefProjections(store: store, configuration: .illustrative)
            let model = try ReliefModel(store: store, configuration: .illustrative)
            let (from, to) = (LocalDate("2026-12-01")!, LocalDate("2027-01-01")!)
            #expect(model.statistics(from: from, to: to).personsAdmitted == 2)
            #expect(try projections.statistics(from: from, to: to)[0].statistics.personsAdmitted == 2)
            #expect(try projections.statistics(from: LocalDate("2026-12-03")!, to: LocalDate("2026-12-05")!)[0].statistics.personsAdmitted == 2)
            #expect(try projections.differences(from: model) == [])
            try projections.rebuildAll()
            #expect(try projections.statistics(from: from, to: to)[0].statistics.personsAdmitted == 2)
            #expect(try projections.caseState("HZ-U2")?.personId?.utf8.elementsEqual(decomposed.utf8) == true)
            #expect(model.caseIds == ["HZ-U1", "HZ-U2"])
        }
        // Each person's fields open with that person's own key, in a process that reads the keys
        // from the key store (not from memory).
        #expect(try identityName("HZ-U1", in: directory) == "first person")
        #expect(try identityName("HZ-U2", in: directory) == "second person")
        let keys = try KeyStore(path: directory.appending("keys"))
        #expect(try keys.key("person:" + composed) != nil && keys.key("person:" + decomposed) != nil)

        // Forgetting one forgets that person and that person's case alone.
        do {
            let store = try openStore(directory)
            let clock = TestClock("2027-01-02T10:00:00+08:00")
            let service = ReliefService(store: store, clock: { clock.now })
            let forgetting = try await service.forget(person: composed, reason: "erasure order 2027-002", by: stationWorker)
            #expect(forgetting.personIds.map { Array($0.utf8) } == [Array(composed.utf8)])
            #expect(forgetting.caseIds == ["HZ-U1"])
            #expect(forgetting.destroyedKeys.map { Array($0.utf8) } == [Array("case:HZ-U1".utf8), Array(("person:" + composed).utf8)])
        }
        #expect(try identityName("HZ-U1", in: directory) == PersonalData.forgottenMark)
        #expect(try identityName("HZ-U2", in: directory) == "second person")
    }

    /// Two cases whose ids Swift holds equal but are written differently are two cases in the
    /// lists, filtered or not, and in the model.
    @Test func caseIdsWrittenDifferentlyAreTwoCasesInTheLists() throws {
        let directory = try TemporaryDirectory(prefix: "homeward-bytewise-cases")
        let store = try EventStore(path: directory.appending("store"))
        let clock = TestClock("2027-01-02T09:00:00+08:00")
        let service = ReliefService(store: store, clock: { clock.now })
        let lines = caseLines(composed, personId: "P1", name: "first person", day: 3) + caseLines(decomposed, personId: "P2", name: "second person", day: 4)
        try JSONLinesImporter(service: service).importFile(Array(lines.joined(separator: "\n").utf8))
        let projections = try ReliefProjections(store: store, configuration: .illustrative)
        let model = try ReliefModel(store: store, configuration: .illustrative)
        #expect(model.caseIds.map { Array($0.utf8) } == [Array(decomposed.utf8), Array(composed.utf8)])
        let later = Timestamp(rfc3339: "2027-01-01T00:00:00Z")!
        for (label, listed) in [
            ("every case", try projections.cases(at: later)),
            ("by status", try projections.cases(status: .admitted, at: later)),
            ("by station", try projections.cases(station: "HZ-01", at: later)),
            ("by region", try projections.cases(regionPrefix: "3301", at: later)),
            ("before the last event", try projections.cases(status: .admitted, at: Timestamp(rfc3339: "2026-12-04T10:30:00Z")!)),
        ] {
            #expect(listed.map { Array($0.caseId.utf8) } == [Array(decomposed.utf8), Array(composed.utf8)], "\(label)")
        }
    }

    /// An id may hold `/`: the lists still find such a case, a person's cases are that person's
    /// only, not those of a person whose id starts with it and a `/` (`P` and `P/7`), and both
    /// count as persons admitted.
    @Test func idsHoldingASlashAreFoundByTheListsAndTheirPerson() throws {
        let directory = try TemporaryDirectory(prefix: "homeward-slash-ids")
        let store = try EventStore(path: directory.appending("store"))
        let clock = TestClock("2027-01-02T09:00:00+08:00")
        let service = ReliefService(store: store, clock: { clock.now })
        let lines = caseLines("HZ/7", personId: "P/7", name: "first person", day: 3) + caseLines("HZ-8", personId: "P", name: "second person", day: 4)
        try JSONLinesImporter(service: service).importFile(Array(lines.joined(separator: "\n").utf8))
        let projections = try ReliefProjections(store: store, configuration: .illustrative)
        let later = Timestamp(rfc3339: "2027-01-01T00:00:00Z")!
        for rebuilt in [false, true] {
            if rebuilt { try projections.rebuildAll() }
            #expect(try projections.cases(status: .admitted, at: later).map(\.caseId) == ["HZ-8", "HZ/7"], "rebuilt: \(rebuilt)")
            #expect(try projections.cases(regionPrefix: "3301", at: later).map(\.caseId) == ["HZ-8", "HZ/7"], "rebuilt: \(rebuilt)")
            let casesOf = { (person: String) in
                try projections.engine.read("entitlements") { context in
                    try projections.entitlementsProjection.cases(of: person, links: PersonLinks(), in: context).map(\.caseId)
                }
            }
            #expect(try casesOf("P") == ["HZ-8"], "rebuilt: \(rebuilt)")
            #expect(try casesOf("P/7") == ["HZ/7"], "rebuilt: \(rebuilt)")
            // Two persons admitted, over a period that is not a whole month (read by admission).
            #expect(try projections.statistics(from: LocalDate("2026-12-02")!, to: LocalDate("2026-12-10")!, regionPrefix: "3301")[0].statistics.personsAdmitted == 2, "rebuilt: \(rebuilt)")
        }
    }

    /// Two such ids are two persons to link, and a person's component holds each id once.
    @Test func personLinksTellTheIdsApart() {
        let at = Timestamp(microsecondsSinceEpoch: 0)
        #expect(PersonLinks.Pair(composed, decomposed) != nil, "two ids, not one")
        let pair = PersonLinks.Pair(composed, "A9")!
        var links = PersonLinks(replaying: [PersonLinks.Change(linked: true, pair: pair, note: "fingerprint", occurredAt: at, position: 1)])
        #expect(links.component(of: composed).map { Array($0.utf8) } == [Array("A9".utf8), Array(composed.utf8)])
        #expect(links.component(of: decomposed).map { Array($0.utf8) } == [Array(decomposed.utf8)], "the other id is not linked")
        #expect(Array(links.canonicalId(of: composed).utf8) == Array("A9".utf8))
        #expect(Array(links.canonicalId(of: decomposed).utf8) == Array(decomposed.utf8))
        #expect(links.history(of: decomposed).isEmpty && links.history(of: composed).count == 1)
        links = PersonLinks(replaying: [PersonLinks.Change(linked: true, pair: PersonLinks.Pair(composed, decomposed)!, note: "dna", occurredAt: at, position: 1)])
        #expect(links.component(of: composed).count == 2)
        #expect(Array(links.canonicalId(of: composed).utf8) == Array(decomposed.utf8), "the smaller in byte order: e before é")
    }
}
