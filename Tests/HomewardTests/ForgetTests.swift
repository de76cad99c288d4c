import Foundation
import Homeward
import HomewardStore
import HomewardTesting
import Testing

/// Crypto-shredding: personal fields are sealed before they reach the log, and forgetting a
/// person destroys their keys without touching the log or anything that does not need them.
struct ForgetTests {
    private let name = "Wang Xiaoming"
    private let place = "under the Qianjiang bridge"
    private let relative = "elder sister Wang Li"

    /// A store with a key store, holding one case of a named person and a generated campaign.
    private func withSealedStore(_ body: (EventStore, ReliefService, TemporaryDirectory) async throws -> Void) async throws {
        let directory = try TemporaryDirectory(prefix: "homeward-forget")
        var options = EventStore.Options()
        options.keys = try KeyStore(path: directory.appending("keys"))
        let store = try EventStore(path: directory.appending("store"), options: options)
        var campaign = CampaignGenerator.Configuration()
        campaign.cases = 120
        campaign.seed = 5
        let clock = TestClock("2027-03-02T09:00:00+08:00")
        let service = ReliefService(store: store, clock: { clock.now })
        try JSONLinesImporter(service: service).importFile(Array(CampaignGenerator(campaign).jsonLines().utf8))
        try await service.report("HZ-F1", ReportReceived(channel: .hotline, region: "330106001001", location: place, description: "old man, thin coat", risks: [.cold, .elderly]), by: outreachWorker)
        try await service.requestAssistance("HZ-F1", AssistanceRequested(station: "HZ-01", sex: .male, age: 70, conditions: allFour, claimedName: "Lao Wang"), by: stationWorker)
        try await service.admit("HZ-F1", Admitted(station: "HZ-01", personId: "PF1", category: .elderly), by: stationWorker)
        try await service.verifyIdentity("HZ-F1", IdentityVerified(personId: "PF1", method: .fingerprint, name: name, birthDate: LocalDate("1950-06-15")!, hukouRegion: "411525102219"), by: stationWorker)
        try await service.record(.familyContacted(FamilyContacted(relation: relative, response: .willCollect)), in: "HZ-F1", by: stationWorker)
        try await body(store, service, directory)
    }

    private func fileContains(_ path: String, _ text: String) throws -> Bool {
        try Data(contentsOf: URL(fileURLWithPath: path)).range(of: Data(text.utf8)) != nil
    }

    private func exportText(_ store: EventStore, _ registry: EventRegistry) throws -> String {
        try store.events(from: 1, limit: Int(store.head().position)).map { try InterchangeRecord($0, registry: registry).line }.joined(separator: "\n")
    }

    @Test func personalFieldsNeverReachTheLogInTheClear() async throws {
        try await withSealedStore { store, service, directory in
            for text in [name, place, relative, "Lao Wang"] {
                #expect(try !fileContains(directory.appending("store/data.mdb"), text), "\(text) is in the log file")
                #expect(try !fileContains(directory.appending("keys/data.mdb"), text))
            }
            // Readable through the service while the key exists.
            let verified = try service.history(of: "HZ-F1").records.compactMap { record -> IdentityVerified? in
                if case .identityVerified(let event) = record.event { return event }
                return nil
            }
            #expect(verified.first?.name == name)
            #expect(verified.first?.birthDate == LocalDate("1950-06-15"))
            #expect(try exportText(store, service.registry).contains(name))
            // Fields that are not personal stay in the clear: statistics and audits read them.
            #expect(try fileContains(directory.appending("store/data.mdb"), "411525102219"))
        }
    }

    /// The nonces of a batch are drawn at once: each sealed payload must still have its own (a
    /// nonce used twice under one key breaks AES-GCM), and each must open with its key.
    @Test func everySealedPayloadHasItsOwnNonceAndOpens() async throws {
        try await withSealedStore { store, service, _ in
            let events = try store.events(from: 1, limit: Int(store.head().position))
            var nonces: Set<[UInt8]> = []
            var sealed = 0
            for event in events where event.payload.codec == .sealedBinary {
                sealed += 1
                let nonce = try event.payload.withUnsafeBytes { bytes in Array(try PersonalSealing.parts(of: bytes).sealed.prefix(12)) }
                #expect(nonces.insert(nonce).inserted, "the nonce of position \(event.position) was used before")
                #expect(!service.registry.isForgotten(event))
                _ = try service.registry.decode(event)
            }
            #expect(sealed > 300, "the campaign seals most events: \(sealed) of \(events.count)")
            #expect(!nonces.contains([UInt8](repeating: 0, count: 12)))
        }
    }

    /// The projections open the sealed personal fields of the events whose personal fields they
    /// read (a birth date, also one a correction sets) and no others: folded incrementally and
    /// rebuilt, they equal a fresh model that opens every event.
    @Test func projectionsOpenTheBirthDatesTheyReadAlsoFromACorrection() async throws {
        try await withSealedStore { store, service, _ in
            let projections = try ReliefProjections(store: store, configuration: .illustrative)
            #expect(try projections.caseState("HZ-F1")?.verification?.birthDate == LocalDate("1950-06-15"))
            let identity = try #require(try store.events(in: "case-HZ-F1").first { $0.type == "IdentityVerified" })
            try await service.correct("HZ-F1", target: identity.eventId, changes: ["birthDate": .string("2012-03-01")], reason: "misread", by: stationWorker)
            #expect(try projections.caseState("HZ-F1")?.verification?.birthDate == LocalDate("2012-03-01"))
            #expect(try projections.differences(from: ReliefModel(store: store, configuration: .illustrative)) == [])
            try projections.rebuildAll()
            #expect(try projections.caseState("HZ-F1")?.verification?.birthDate == LocalDate("2012-03-01"))
            #expect(try projections.differences(from: ReliefModel(store: store, configuration: .illustrative)) == [])
        }
    }

    /// A registry that opens only some types reads the others' personal fields as forgotten,
    /// and their clear fields as they are.
    @Test func aRegistryOpensThePersonalFieldsOfTheTypesItIsGivenOnly() async throws {
        try await withSealedStore { store, service, _ in
            let events = try store.events(in: "case-HZ-F1")
            let report = try #require(events.first { $0.type == "ReportReceived" })
            let identity = try #require(events.first { $0.type == "IdentityVerified" })
            let registry = service.registry.openingPersonalFields(only: ["IdentityVerified"])
            guard case .reportReceived(let closed) = try registry.decode(report), case .identityVerified(let opened) = try registry.decode(identity) else {
                Issue.record("decoded as other types")
                return
            }
            #expect(closed.location == PersonalData.forgottenMark)
            #expect(closed.region == "330106001001")
            #expect(opened.name == name && opened.birthDate == LocalDate("1950-06-15"))
            guard case .reportReceived(let full) = try service.registry.decode(report) else { return }
            #expect(full.location == place)
        }
    }

    /// In a store without a key store, a registry that opens only some types passes over the
    /// others' personal fields (they read as forgotten, as in a sealed store) and reads every
    /// field after them as it is.
    @Test func aRegistryOpeningSomeTypesPassesOverTheOthersPlainPersonalFields() async throws {
        let directory = try TemporaryDirectory(prefix: "homeward-forget-plain")
        let store = try EventStore(path: directory.appending("store"))
        let clock = TestClock("2027-03-02T09:00:00+08:00")
        let service = ReliefService(store: store, clock: { clock.now })
        try await service.report("HZ-P1", ReportReceived(channel: .hotline, region: "330106001001", location: place, description: "old man, thin coat", risks: [.cold, .elderly]), by: outreachWorker)
        try await service.verifyIdentity("HZ-P1", IdentityVerified(personId: "PP1", method: .fingerprint, name: name, birthDate: LocalDate("1950-06-15")!, hukouRegion: "411525102219"), by: stationWorker)
        let events = try store.events(in: "case-HZ-P1")
        let report = try #require(events.first { $0.type == "ReportReceived" })
        let identity = try #require(events.first { $0.type == "IdentityVerified" })
        let correction = EventCorrected(target: report.eventId, changes: .object(["location": .string("the bus station"), "region": .string("330106001002")]), reason: "a typo")
        let stored = RecordedEvent(
            position: 99, stream: "case-HZ-P1", version: 9,
            event: NewEvent(type: EventCorrected.typeName, schemaVersion: EventCorrected.schemaVersion, actor: stationWorker, payload: PayloadWriter.payload(of: correction)),
            recordedAt: report.recordedAt
        )
        let registry = service.registry.openingPersonalFields(only: ["IdentityVerified"])
        guard case .reportReceived(let passedOver) = try registry.decode(report), case .identityVerified(let opened) = try registry.decode(identity),
            case .eventCorrected(let changes) = try registry.decode(stored)
        else {
            Issue.record("decoded as other types")
            return
        }
        #expect(passedOver.location == PersonalData.forgottenMark && passedOver.description == PersonalData.forgottenMark)
        #expect(passedOver.channel == .hotline && passedOver.region == "330106001001" && passedOver.risks == [.cold, .elderly])
        #expect(opened.name == name && opened.birthDate == LocalDate("1950-06-15") && opened.hukouRegion == "411525102219")
        #expect(changes.changes == .object(["location": .string(PersonalData.forgottenMark), "region": .string("330106001002")]))
        #expect(changes.reason == PersonalData.forgottenMark)
        guard case .reportReceived(let full) = try service.registry.decode(report) else { return }
        #expect(full.location == place)
    }

    @Test func afterForgettingEveryOutputShowsTheFieldsAsForgottenAndNothingElseChanges() async throws {
        try await withSealedStore { store, service, directory in
            let projections = try ReliefProjections(store: store, configuration: .illustrative)
            let from = LocalDate("2026-12-01")!, to = LocalDate("2027-04-01")!
            let statisticsBefore = try projections.statistics(from: from, to: to, level: 4)
            let otherCase = try #require(try service.store.events(from: 1, limit: 1).first)
            let otherBefore = try service.registry.storedData(of: otherCase)
            let headBefore = try store.head()
            let stateBefore = try service.snapshot(of: "HZ-F1")

            let forgetting = try await service.forget(person: "PF1", reason: "erasure order 2027-031", by: stationWorker)
            #expect(forgetting.caseIds == ["HZ-F1"])
            #expect(Set(forgetting.destroyedKeys) == ["person:PF1", "case:HZ-F1"])
            try projections.rebuildAll()

            // Every output shows the fields as forgotten.
            let export = try exportText(store, service.registry)
            for text in [name, place, relative, "Lao Wang", "1950-06-15"] {
                #expect(!export.contains(text), "\(text) is still exported")
                #expect(try !fileContains(directory.appending("store/data.mdb"), text))
            }
            #expect(export.contains("\"name\":\"[forgotten]\""))
            #expect(export.contains("\"birthDate\":\"[forgotten]\""))
            #expect(export.contains("\"location\":\"[forgotten]\""))
            let timeline = try service.history(of: "HZ-F1").records
            #expect(timeline.count == 5)
            for record in timeline {
                let text = "\(record.event.json)"
                #expect(!text.contains(name) && !text.contains(place) && !text.contains(relative))
            }
            let identity = try #require(try store.events(in: "case-HZ-F1").first { $0.type == "IdentityVerified" })
            #expect(service.registry.isForgotten(identity))
            // The forgetting is itself on record, without personal data.
            let forgotten = try #require(try store.events(in: "person-PF1").last)
            #expect(forgotten.type == "PersonForgotten")
            let data = try service.registry.storedData(of: forgotten)
            #expect(!"\(data)".contains(name))
            #expect(data.objectValue?["reason"] == .string("erasure order 2027-031"))

            // The log is untouched: the chain covers the sealed bytes.
            let verification = try store.verify(expecting: headBefore)
            #expect(verification.isSound)
            #expect(try projections.differences(from: ReliefModel(store: store, configuration: .illustrative)).isEmpty)
            // Statistics, other people's data and the case's state do not change.
            #expect(try projections.statistics(from: from, to: to, level: 4) == statisticsBefore)
            #expect(try service.registry.storedData(of: otherCase) == otherBefore)
            let stateAfter = try service.snapshot(of: "HZ-F1")
            #expect(stateAfter.status == stateBefore.status)
            #expect(stateAfter.identity == stateBefore.identity)
            #expect(stateAfter.personId == "PF1")
            // The stated age (70) still makes the person elderly for the rules.
            #expect(try service.snapshot(of: "HZ-F1").flags == stateBefore.flags)
        }
    }

    @Test func forgettingWithoutAKeyStoreIsRefused() async throws {
        _ = try await withService { service in
            await #expect(throws: ForgettingError.self) {
                try await service.forget(person: "P1", reason: "order", by: stationWorker)
            }
        }
    }

    @Test func aChangedSealedSectionIsFoundNotMisread() async throws {
        try await withSealedStore { store, service, _ in
            let event = try #require(try store.events(in: "case-HZ-F1").first { $0.type == "IdentityVerified" })
            #expect(event.payload.codec == .sealedBinary)
            var bytes = event.payload.bytes
            bytes[bytes.count - 20] ^= 1
            let changed = RecordedEvent(
                position: event.position, stream: event.stream, version: event.version,
                event: NewEvent(type: event.type, schemaVersion: event.schemaVersion, eventId: event.eventId, occurredAt: event.occurredAt, actor: event.actor, payload: Payload(codec: .sealedBinary, bytes: bytes)),
                recordedAt: event.recordedAt
            )
            #expect(throws: EventDecodingError.self) { try service.registry.decode(changed) }
        }
    }
}
