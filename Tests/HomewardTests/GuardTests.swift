import Foundation
import Homeward
import HomewardStore
import Testing

/// Every guard of contract section 4 (reading 18), with its rule id and sentence.
struct GuardTests {
    let admittedAdult = fold([
        record(report(), at: "2026-12-01T21:00:00+08:00", position: 1),
        record(request(age: 40), at: "2026-12-01T22:00:00+08:00", position: 2),
        record(admitted(), at: "2026-12-01T22:30:00+08:00", position: 3),
    ])

    func check(_ event: DomainEvent, in state: CaseState, at: String = "2026-12-05T10:00:00+08:00") -> [RuleViolation.Rule] {
        Case.violations(of: event, occurredAt: time(at), in: state).map(\.rule)
    }

    @Test func anAdultMayLeaveWithTwentyYuan() {
        #expect(check(.selfDeparted(SelfDeparted(voucherIssued: true, cashCny: 20)), in: admittedAdult) == [])
    }

    @Test func moreThanTwentyYuanIsRefused() throws {
        let violation = try #require(Case.violations(of: .selfDeparted(SelfDeparted(voucherIssued: true, cashCny: 20.5)), occurredAt: time("2026-12-05T10:00:00+08:00"), in: admittedAdult).first)
        #expect(violation.rule == .selfDepartedCashOver20)
        #expect(violation.explanation == "20.5 CNY in cash is more than the 20 CNY a person leaving on their own may be given.")
    }

    @Test func underSixteenByBirthDateIsRefusedOnBothSidesOfTheBirthday() {
        func state(birth: String) -> CaseState {
            fold([
                record(report(), at: "2026-12-01T21:00:00+08:00", position: 1),
                record(request(age: 30), at: "2026-12-01T22:00:00+08:00", position: 2),
                record(admitted(), at: "2026-12-01T22:30:00+08:00", position: 3),
                record(.identityVerified(IdentityVerified(personId: "P1", method: .idCard, name: "N", birthDate: LocalDate(birth)!, hukouRegion: "341222109204")), at: "2026-12-02T10:00:00+08:00", position: 4),
            ])
        }
        let leave = DomainEvent.selfDeparted(SelfDeparted(voucherIssued: false, cashCny: 0))
        // Turns 16 on 2026-12-06 (local): refused on the 5th, allowed on the 6th.
        #expect(check(leave, in: state(birth: "2010-12-06"), at: "2026-12-05T23:59:00+08:00") == [.selfDepartedUnder16])
        #expect(check(leave, in: state(birth: "2010-12-06"), at: "2026-12-06T00:01:00+08:00") == [])
        let message = Case.violations(of: leave, occurredAt: time("2026-12-05T10:00:00+08:00"), in: state(birth: "2010-12-06")).first?.explanation
        #expect(message == "The person is 15 years old: a person under 16 may not leave on their own and must be escorted or collected.")
    }

    @Test func statedAndEstimatedAgesCountWhenNoBirthDateIsKnown() {
        let stated = fold([record(request(age: 15), at: "2026-12-01T22:00:00+08:00", position: 1)])
        #expect(check(.selfDeparted(SelfDeparted(voucherIssued: false, cashCny: 0)), in: stated) == [.selfDepartedUnder16])
        let estimated = fold([record(.personContacted(PersonContacted(sex: .male, estimatedAge: 14, livingSituation: "x", risks: [])), at: "2026-12-01T21:30:00+08:00", position: 1)])
        #expect(check(.selfDeparted(SelfDeparted(voucherIssued: false, cashCny: 0)), in: estimated) == [.selfDepartedUnder16])
        let unknown = fold([record(request(age: nil), at: "2026-12-01T22:00:00+08:00", position: 1)])
        #expect(check(.selfDeparted(SelfDeparted(voucherIssued: false, cashCny: 0)), in: unknown) == [], "an unknown age is not refused")
    }

    @Test(arguments: [Risk.mental, Risk.intellectual])
    func aPersonFlaggedMentalOrIntellectualMayNotLeaveAlone(risk: Risk) {
        let state = fold([record(report([.cold, risk]), at: "2026-12-01T21:00:00+08:00", position: 1)])
        #expect(check(.selfDeparted(SelfDeparted(voucherIssued: false, cashCny: 0)), in: state) == [.selfDepartedFlaggedMentalOrIntellectual])
    }

    @Test func aMinorByCategoryMayNotLeaveAlone() {
        let state = fold([record(admitted(.minor), at: "2026-12-01T22:30:00+08:00", position: 1)])
        #expect(check(.selfDeparted(SelfDeparted(voucherIssued: false, cashCny: 25)), in: state) == [.selfDepartedMinorCategory, .selfDepartedCashOver20])
    }

    @Test func anAdultNeedsAllFourConditions() {
        let three = AssistanceConditions(cannotAffordFoodOrLodging: true, noKinToRelyOn: true, notOnDibaoOrWubao: false, wanderingOrBegging: true)
        let withThree = fold([record(request(conditions: three), at: "2026-12-01T22:00:00+08:00", position: 1)])
        #expect(check(admitted(.adult), in: withThree) == [.admittedWithoutFourConditions])
        #expect(check(admitted(.elderly), in: withThree) == [], "other categories do not need the four conditions")
        #expect(check(admitted(.adult), in: fold([record(request(), at: "2026-12-01T22:00:00+08:00", position: 1)])) == [])
        let none = Case.violations(of: admitted(.adult), occurredAt: time("2026-12-01T22:00:00+08:00"), in: CaseState(caseId: "X"))
        #expect(none.first?.explanation.contains("none is recorded") == true)
    }

    @Test func nothingButAReopeningOrAMetaEventFollowsAClosure() {
        let closed = fold([
            record(report(), at: "2026-12-01T21:00:00+08:00", position: 1),
            record(.caseClosed(CaseClosed(reason: "done")), at: "2026-12-02T21:00:00+08:00", position: 2),
        ])
        #expect(check(.serviceProvided(ServiceProvided(service: .meal)), in: closed) == [.eventAfterCaseClosed])
        #expect(check(.caseReopened(CaseReopened(reason: "new facts")), in: closed) == [])
        #expect(check(.eventVoided(EventVoided(target: UUID(), reason: "x")), in: closed) == [])
        #expect(check(.consentRecorded(ConsentRecorded(scope: .publishPhoto, given: false)), in: closed) == [])
    }

    /// "After" is later in the stream: a back-dated event recorded after the closure breaks it.
    @Test func aBackDatedEventRecordedAfterTheClosureIsRefused() async throws {
        let clock = TestClock("2026-12-03T09:00:00+08:00")
        try await withService(clock: clock) { service in
            try await service.report("HZ-1", ReportReceived(channel: .hotline, region: "330106001001", location: "x", description: "y", risks: []), occurredAt: time("2026-12-01T21:00:00+08:00"), by: outreachWorker)
            try await service.close("HZ-1", reason: "declined", by: stationWorker)
            let violation = await #expect(throws: RuleViolation.self) {
                try await service.giveAid("HZ-1", OnSiteAidGiven(items: [AidItem(item: "blanket", quantity: 1)]), occurredAt: time("2026-12-01T21:30:00+08:00"), by: outreachWorker)
            }
            #expect(violation?.rule == .eventAfterCaseClosed)
        }
    }

    /// Each guard's sentence, word for word, as an officer reads it.
    @Test func everyGuardExplainsItselfInASentence() {
        let leave = DomainEvent.selfDeparted(SelfDeparted(voucherIssued: false, cashCny: 0))
        let flagged = fold([record(report([.mental, .intellectual]), at: "2026-12-01T21:00:00+08:00", position: 1)])
        #expect(Case.violations(of: leave, occurredAt: time("2026-12-05T10:00:00+08:00"), in: flagged).map(\.explanation) == [
            "The person is flagged intellectual and mental: they may not leave on their own and must be escorted or placed.",
        ])
        let minor = fold([record(admitted(.minor), at: "2026-12-01T22:30:00+08:00", position: 1)])
        #expect(Case.violations(of: leave, occurredAt: time("2026-12-05T10:00:00+08:00"), in: minor).map(\.explanation) == [
            "The person was admitted as a minor: a minor may not leave on their own.",
        ])
        let three = AssistanceConditions(cannotAffordFoodOrLodging: true, noKinToRelyOn: false, notOnDibaoOrWubao: true, wanderingOrBegging: true)
        let withoutAllFour = fold([record(request(conditions: three), at: "2026-12-01T22:00:00+08:00", position: 1)])
        #expect(Case.violations(of: admitted(.adult), occurredAt: time("2026-12-01T23:00:00+08:00"), in: withoutAllFour).map(\.explanation) == [
            "An adult can be admitted only when an assistance request states all four conditions; no request of this case does.",
        ])
        #expect(Case.violations(of: admitted(.adult), occurredAt: time("2026-12-01T23:00:00+08:00"), in: CaseState(caseId: "X")).map(\.explanation) == [
            "An adult can be admitted only after an assistance request stating all four conditions; none is recorded.",
        ])
        let closed = fold([
            record(report(), at: "2026-12-01T21:00:00+08:00", position: 1),
            record(.caseClosed(CaseClosed(reason: "done")), at: "2026-12-02T21:00:00+08:00", position: 2),
        ], caseId: "HZ-0009")
        #expect(Case.violations(of: .serviceProvided(ServiceProvided(service: .meal)), occurredAt: time("2026-12-03T10:00:00+08:00"), in: closed).map(\.explanation) == [
            "Case HZ-0009 is closed: only a reopening or a correction may be recorded until it is reopened.",
        ])
    }

    /// A correction or void must name an earlier event of the case; envelope fields cannot be
    /// corrected; and a correction may not give its target a value the target's guard refuses.
    @Test func correctionsAndVoidsAreDecidedAgainstTheCase() throws {
        let departure = record(.selfDeparted(SelfDeparted(voucherIssued: true, cashCny: 10)), at: "2026-12-03T10:00:00+08:00", position: 4)
        let admission = record(admitted(.elderly), at: "2026-12-01T22:30:00+08:00", position: 2)
        let records = [record(report(), at: "2026-12-01T21:00:00+08:00", position: 1), admission, departure]
        var state = fold(records)
        for stored in records { state.noteStored(stored) }
        let now = time("2026-12-04T09:00:00+08:00")
        func decide(_ command: CaseCommand) -> Result<Decision, RuleViolation> { Case.decide(state, command, now: now) }

        let unknown = UUID()
        guard case .failure(let missing) = decide(.correct(target: unknown, changes: ["cashCny": .integer(5)], reason: "typo")) else {
            Issue.record("a correction of an unknown event was accepted")
            return
        }
        #expect(missing.rule == .targetNotFound)
        #expect(missing.explanation == "There is no event \(unknown.uuidString.lowercased()) in case HZ-0001 to correct.")
        guard case .failure(let missingVoid) = decide(.void(target: unknown, reason: "wrong case")) else {
            Issue.record("a void of an unknown event was accepted")
            return
        }
        #expect(missingVoid.rule == .targetNotFound)

        guard case .failure(let envelope) = decide(.correct(target: departure.eventId, changes: ["occurredAt": .string("2026-12-03T11:00:00+08:00")], reason: "time")) else {
            Issue.record("a correction of occurredAt was accepted")
            return
        }
        #expect(envelope.rule == .envelopeFieldNotCorrectable)
        #expect(envelope.explanation == "occurredAt cannot be corrected: void the event and record it again.")

        guard case .failure(let cash) = decide(.correct(target: departure.eventId, changes: ["cashCny": .integer(50)], reason: "typo")) else {
            Issue.record("a correction to 50 CNY was accepted")
            return
        }
        #expect(cash.rule == .selfDepartedCashOver20)
        #expect(cash.explanation == "The correction would give 50 CNY in cash, more than the 20 CNY a person leaving on their own may be given.")
        guard case .failure(let adult) = decide(.correct(target: admission.eventId, changes: ["category": .string("adult")], reason: "age")) else {
            Issue.record("a correction to an adult admission without a request was accepted")
            return
        }
        #expect(adult.rule == .admittedWithoutFourConditions)

        guard case .success(let allowed) = decide(.correct(target: departure.eventId, changes: ["cashCny": .integer(15)], reason: "typo")) else {
            Issue.record("a correction within the guard was refused")
            return
        }
        #expect(allowed.events.map(\.typeName) == ["EventCorrected"])
        #expect(allowed.occurredAt == now)
        guard case .success(let voided) = decide(.void(target: departure.eventId, reason: "wrong person")) else {
            Issue.record("a void of a stored event was refused")
            return
        }
        #expect(voided.events == [.eventVoided(EventVoided(target: departure.eventId, reason: "wrong person"))])
    }
}
