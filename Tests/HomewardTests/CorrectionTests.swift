import Foundation
import Homeward
import HomewardStore
import HomewardTesting
import Testing

/// Corrections and voids (contract section 2, readings 3 and 4).
struct CorrectionTests {
    let contact = record(.personContacted(PersonContacted(sex: .male, estimatedAge: 15, livingSituation: "x", risks: [.cold])), at: "2026-12-01T21:40:00+08:00", position: 1)

    func correction(_ target: UUID, _ changes: JSONObject, position: UInt64) -> CaseRecord {
        record(.eventCorrected(EventCorrected(target: target, changes: .object(changes), reason: "misread")), at: "2026-12-02T09:00:00+08:00", position: position)
    }

    func void(_ target: UUID, position: UInt64) -> CaseRecord {
        record(.eventVoided(EventVoided(target: target, reason: "entered by mistake")), at: "2026-12-02T10:00:00+08:00", position: position)
    }

    @Test func readersSeeCorrectedValuesAndAuditorsSeeTheOriginal() throws {
        let fix = correction(contact.eventId, ["estimatedAge": .integer(51)], position: 2)
        let history = CaseHistory(records: [contact, fix])
        guard case .personContacted(let corrected) = history.effective.first?.event else {
            Issue.record("the contact is missing")
            return
        }
        #expect(corrected.estimatedAge == 51)
        #expect(corrected.livingSituation == "x", "fields not named stay as they were")
        guard case .personContacted(let original) = history.original(of: contact.eventId)?.event else {
            Issue.record("the original is missing")
            return
        }
        #expect(original.estimatedAge == 15)
        #expect(history.corrections[contact.eventId]?.map(\.reason) == ["misread"])
    }

    @Test func laterCorrectionsWinPerField() {
        let history = CaseHistory(records: [
            contact,
            correction(contact.eventId, ["estimatedAge": .integer(40), "livingSituation": .string("y")], position: 2),
            correction(contact.eventId, ["estimatedAge": .integer(45)], position: 3),
        ])
        guard case .personContacted(let corrected) = history.effective.first?.event else { return }
        #expect(corrected.estimatedAge == 45)
        #expect(corrected.livingSituation == "y")
    }

    @Test func anInvalidCorrectionIsIgnoredAndReported() {
        let history = CaseHistory(records: [contact, correction(contact.eventId, ["sex": .string("robot")], position: 2)])
        guard case .personContacted(let kept) = history.effective.first?.event else { return }
        #expect(kept.sex == .male)
        #expect(history.ignored.count == 1)
        #expect(history.ignored.first?.reason.contains("unknown value 'robot'") == true)
    }

    @Test func voidsResolveNewestFirst() {
        let firstVoid = void(contact.eventId, position: 2)
        #expect(CaseHistory(records: [contact, firstVoid]).effective.isEmpty)
        // Voiding the void restores the contact.
        let voidOfVoid = void(firstVoid.eventId, position: 3)
        #expect(CaseHistory(records: [contact, firstVoid, voidOfVoid]).effective.map(\.eventId) == [contact.eventId])
        // Voiding that restores the first void again.
        let third = void(voidOfVoid.eventId, position: 4)
        #expect(CaseHistory(records: [contact, firstVoid, voidOfVoid, third]).effective.isEmpty)
    }

    @Test func voidingACorrectionUndoesIt() {
        let fix = correction(contact.eventId, ["estimatedAge": .integer(51)], position: 2)
        let history = CaseHistory(records: [contact, fix, void(fix.eventId, position: 3)])
        guard case .personContacted(let event) = history.effective.first?.event else { return }
        #expect(event.estimatedAge == 15)
    }

    @Test func aTargetThatIsNotEarlierInTheLogIsIgnored() {
        let early = void(contact.eventId, position: 1)
        let later = record(contact.event, at: "2026-12-01T21:40:00+08:00", position: 2)
        var moved = later
        moved.eventId = contact.eventId
        let history = CaseHistory(records: [early, moved])
        #expect(history.effective.count == 1)
        #expect(history.ignored.count == 1)
    }

    /// A correction that removes a risk flag lets the guard allow what it refused before.
    @Test func correctionsReachTheGuardsThroughTheService() async throws {
        try await withService { service in
            try await service.requestAssistance("HZ-1", AssistanceRequested(station: "HZ-01", sex: .male, age: 15, conditions: allFour), by: stationWorker)
            try await service.admit("HZ-1", Admitted(station: "HZ-01", personId: "P1", category: .adult), by: stationWorker)
            await #expect(throws: RuleViolation.self) {
                try await service.recordSelfDeparture("HZ-1", SelfDeparted(voucherIssued: false, cashCny: 0), by: stationWorker)
            }
            let request = try service.history(of: "HZ-1").records[0].eventId
            try await service.correct("HZ-1", target: request, changes: ["age": .integer(35)], reason: "age misheard", by: stationWorker)
            try await service.recordSelfDeparture("HZ-1", SelfDeparted(voucherIssued: false, cashCny: 0), by: stationWorker)
            #expect(try service.snapshot(of: "case-HZ-1").status == .departed)
        }
    }

    /// A void through the service takes the event out of what readers see, keeps it for
    /// auditors, and is refused for an event the case does not hold.
    @Test func aVoidThroughTheServiceUndoesTheEventForReaders() async throws {
        try await withService { service in
            try await service.requestAssistance("HZ-2", AssistanceRequested(station: "HZ-01", sex: .female, age: 40, conditions: allFour), by: stationWorker)
            try await service.admit("HZ-2", Admitted(station: "HZ-01", personId: "P2", category: .adult), by: stationWorker)
            #expect(try service.snapshot(of: "HZ-2").status == .admitted)
            let admission = try service.history(of: "HZ-2").records[1].eventId
            let result = try await service.void("HZ-2", target: admission, reason: "admitted in the wrong case", by: stationWorker)
            #expect(result.streamVersion == 3)
            #expect(try service.snapshot(of: "HZ-2").status != .admitted, "readers no longer see the admission")
            let history = try service.history(of: "HZ-2")
            #expect(history.records.count == 3, "the voided event and the void both stay in the log")
            #expect(!history.effective.contains { $0.eventId == admission })
            let violation = await #expect(throws: RuleViolation.self) {
                try await service.void("HZ-2", target: UUID(), reason: "no such event", by: stationWorker)
            }
            #expect(violation?.rule == .targetNotFound)
        }
    }

    /// Entitlement inputs are kept only for cases with a person id: a void of the admission that
    /// gave a case its id takes the case out of them as the batch is applied, as a rebuild would.
    @Test func aVoidedAdmissionTakesTheCaseOutOfTheEntitlementInputs() async throws {
        try await withService { service in
            let rules = try RegionConfiguration(contentsOf: Fixtures.path("rules/zhejiang-illustrative.json"))
            let projections = try ReliefProjections(store: service.store, configuration: rules)
            try await service.requestAssistance("HZ-3", AssistanceRequested(station: "HZ-01", sex: .female, age: 40, conditions: allFour), by: stationWorker)
            try projections.catchUp()  // a first fill; later events follow in batches
            try await service.admit("HZ-3", Admitted(station: "HZ-01", personId: "P3", category: .adult), by: stationWorker)
            try await service.requestAssistance("HZ-4", AssistanceRequested(station: "HZ-01", sex: .male, age: 50, conditions: allFour), by: stationWorker)
            func stored() throws -> [String] {
                try projections.engine.read("entitlements") { context in
                    var keys: [String] = []
                    try context.scan(prefix: []) { key, _ in
                        keys.append(String(decoding: key, as: UTF8.self))
                        return true
                    }
                    return keys
                }
            }
            try projections.catchUp()
            #expect(try stored() == ["case/HZ-3", "person/P3\u{0}HZ-3"], "a case without a person id (HZ-4) is not kept")
            let admission = try service.history(of: "HZ-3").records[1].eventId
            try await service.void("HZ-3", target: admission, reason: "admitted in the wrong case", by: stationWorker)
            try projections.catchUp()
            #expect(try stored() == [])
            #expect(try projections.differences(from: ReliefModel(store: service.store, configuration: rules)) == [])
            try projections.rebuildAll()
            #expect(try stored() == [])
        }
    }
}
