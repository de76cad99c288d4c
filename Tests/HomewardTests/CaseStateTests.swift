import Foundation
import Homeward
import HomewardStore
import Testing

struct CaseStateTests {
    @Test func statusFollowsTheEventsInOccurredOrder() {
        // The dispatch is back-dated: recorded after the contact, but it occurred before it.
        let history = CaseHistory(records: [
            record(report([.cold]), at: "2026-12-01T21:00:00+08:00", position: 1),
            record(.personContacted(PersonContacted(sex: .male, estimatedAge: 50, livingSituation: "x", risks: [.ill, .cold])), at: "2026-12-01T21:40:00+08:00", position: 2),
            record(.teamDispatched(TeamDispatched(team: "t")), at: "2026-12-01T21:10:00+08:00", position: 3, recorded: "2026-12-02T02:00:00+08:00"),
        ])
        let timeline = CaseTimeline(caseId: "HZ-1", history: history)
        let snapshot = timeline.snapshot(at: time("2026-12-02T08:00:00+08:00"))
        #expect(snapshot.status == .contacted)
        #expect(snapshot.flags == ["cold", "ill"])
        #expect(snapshot.identity == .unknown)
        #expect(snapshot.stayDays == nil)
        #expect(timeline.snapshot(at: time("2026-12-01T21:20:00+08:00")).status == .dispatched)
    }

    @Test func hospitalAndReopeningRestoreThePreviousStatus() {
        let history = CaseHistory(records: [
            record(request(), at: "2026-12-01T21:00:00+08:00", position: 1),
            record(admitted(), at: "2026-12-01T21:30:00+08:00", position: 2),
            record(.hospitalAdmitted(HospitalAdmitted(hospital: "h", reason: "r")), at: "2026-12-02T10:00:00+08:00", position: 3),
            record(.hospitalDischarged(HospitalDischarged()), at: "2026-12-04T10:00:00+08:00", position: 4),
            record(.caseClosed(CaseClosed(reason: "x")), at: "2026-12-05T10:00:00+08:00", position: 5),
            record(.caseReopened(CaseReopened(reason: "y")), at: "2026-12-06T10:00:00+08:00", position: 6),
        ])
        let timeline = CaseTimeline(caseId: "HZ-1", history: history)
        #expect(timeline.snapshot(at: time("2026-12-03T00:00:00+08:00")).status == .inHospital)
        #expect(timeline.snapshot(at: time("2026-12-04T12:00:00+08:00")).status == .admitted)
        #expect(timeline.snapshot(at: time("2026-12-05T12:00:00+08:00")).status == .closed)
        // The closure ended the stay; reopening restores the status, not the stay.
        let reopened = timeline.snapshot(at: time("2026-12-07T00:00:00+08:00"))
        #expect(reopened.status == .admitted)
        #expect(reopened.stayDays == 4)
    }

    @Test func stayDaysCountLocalDates() {
        let history = CaseHistory(records: [
            record(request(), at: "2026-12-01T21:00:00+08:00", position: 1),
            record(admitted(), at: "2026-12-01T23:30:00+08:00", position: 2),
        ])
        let timeline = CaseTimeline(caseId: "HZ-1", history: history)
        #expect(timeline.snapshot(at: time("2026-12-02T00:30:00+08:00")).stayDays == 1, "one local midnight passed")
        #expect(timeline.snapshot(at: time("2026-12-01T23:59:00+08:00")).stayDays == 0)
        #expect(timeline.snapshot(at: time("2026-12-11T12:00:00+08:00")).personId == "P100001")
    }

    @Test func identityMovesFromUnknownToTracingToVerified() {
        var records = [record(admitted(), at: "2026-12-01T21:00:00+08:00", position: 1)]
        #expect(CaseTimeline(caseId: "X", history: CaseHistory(records: records)).latestState.identity == .unknown)
        records.append(record(.familyContacted(FamilyContacted(relation: "son", response: .unreachable)), at: "2026-12-02T21:00:00+08:00", position: 2))
        #expect(CaseTimeline(caseId: "X", history: CaseHistory(records: records)).latestState.identity == .tracing)
        records.append(record(.identityVerified(IdentityVerified(personId: "P9", method: .dna, name: "N", birthDate: LocalDate("1970-05-05")!, hukouRegion: "411525102219")), at: "2026-12-03T21:00:00+08:00", position: 3))
        let state = CaseTimeline(caseId: "X", history: CaseHistory(records: records)).latestState
        #expect(state.identity == .verified)
        #expect(state.personId == "P9", "the verified id wins over the admitted one")
    }
}
