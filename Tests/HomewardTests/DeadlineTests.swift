import Foundation
import Homeward
import HomewardStore
import Testing

/// Every deadline rule of contract section 4 on both sides of its limit (reading 12).
struct DeadlineTests {
    /// Admitted on Friday 2026-12-04 at 22:00 local time.
    static let admittedAt = "2026-12-04T22:00:00+08:00"

    func timeline(_ category: AdmissionCategory = .adult, _ extra: [(DomainEvent, String)] = []) -> CaseTimeline {
        var records = [
            record(report(), at: "2026-12-04T20:00:00+08:00", position: 1),
            record(request(), at: "2026-12-04T21:30:00+08:00", position: 2),
            record(admitted(category), at: Self.admittedAt, position: 3),
        ]
        for (index, (event, at)) in extra.enumerated() {
            records.append(record(event, at: at, position: UInt64(4 + index)))
        }
        return CaseTimeline(caseId: "HZ-1", history: CaseHistory(records: records))
    }

    @Test func tracingNoticeWithin24Hours() {
        let none = timeline()
        #expect(!none.overdue(at: time("2026-12-05T22:00:00+08:00")).contains(.tracingNotice24h), "at exactly 24 hours it is not yet overdue")
        #expect(none.overdue(at: time("2026-12-05T22:00:01+08:00")).contains(.tracingNotice24h))
        let onTime = timeline(.adult, [(.tracingNoticePublished(TracingNoticePublished(channels: [.xunqinWebsite])), "2026-12-05T22:00:00+08:00")])
        #expect(!onTime.overdue(at: time("2026-12-09T00:00:00+08:00")).contains(.tracingNotice24h))
        #expect(!onTime.missed(upTo: time("2026-12-09T00:00:00+08:00")).contains(.tracingNotice24h))
    }

    @Test func aLateNoticeEndsTheOverdueButStaysMissed() {
        let late = timeline(.adult, [(.tracingNoticePublished(TracingNoticePublished(channels: [.wechat])), "2026-12-06T08:00:00+08:00")])
        #expect(late.overdue(at: time("2026-12-06T07:59:00+08:00")).contains(.tracingNotice24h))
        #expect(!late.overdue(at: time("2026-12-06T08:00:00+08:00")).contains(.tracingNotice24h))
        #expect(late.missed(upTo: time("2026-12-08T00:00:00+08:00")).contains(.tracingNotice24h))
        #expect(!late.missed(upTo: time("2026-12-05T22:00:00+08:00")).contains(.tracingNotice24h), "not missed before the deadline passed")
    }

    @Test func dnaRequestWithinSevenWorkingDays() {
        // Working days after Friday 4 December: 7, 8, 9, 10, 11, 14, 15. The deadline is the local
        // midnight ending Tuesday 15 December.
        #expect(CaseState.sevenWorkingDaysDeadline(after: time(Self.admittedAt), calendar: .chinaStandardTime) == time("2026-12-16T00:00:00+08:00"))
        // An elderly person: the 10-day rule, for adults, stays out of the way.
        let none = timeline(.elderly, [(.tracingNoticePublished(TracingNoticePublished(channels: [.wechat])), "2026-12-05T08:00:00+08:00")])
        #expect(none.overdue(at: time("2026-12-16T00:00:00+08:00")) == [])
        #expect(none.overdue(at: time("2026-12-16T00:00:01+08:00")) == [.dnaRequest7WorkingDays])
        let requested = timeline(.elderly, [
            (.tracingNoticePublished(TracingNoticePublished(channels: [.wechat])), "2026-12-05T08:00:00+08:00"),
            (.dnaSampleRequested(DnaSampleRequested()), "2026-12-15T23:59:59+08:00"),
        ])
        #expect(requested.overdue(at: time("2026-12-17T00:00:00+08:00")) == [])
    }

    @Test func verifyingTheIdentityLiftsBothIdentityRules() {
        let verified = timeline(.adult, [(.identityVerified(IdentityVerified(personId: "P1", method: .idCard, name: "N", birthDate: LocalDate("1980-01-01")!, hukouRegion: "341222109204")), "2026-12-05T10:00:00+08:00")])
        #expect(verified.overdue(at: time("2026-12-20T00:00:00+08:00")).filter { $0 == .tracingNotice24h || $0 == .dnaRequest7WorkingDays } == [])
    }

    @Test func anAdultStayOfMoreThanTenDays() {
        let tracingDone: [(DomainEvent, String)] = [
            (.tracingNoticePublished(TracingNoticePublished(channels: [.wechat])), "2026-12-05T08:00:00+08:00"),
            (.dnaSampleRequested(DnaSampleRequested()), "2026-12-07T08:00:00+08:00"),
        ]
        let stay = timeline(.adult, tracingDone)
        #expect(stay.overdue(at: time("2026-12-14T22:00:00+08:00")) == [], "240 hours exactly is not more than 10 days")
        #expect(stay.overdue(at: time("2026-12-14T22:00:01+08:00")) == [.stay10Days])
        #expect(timeline(.elderly, tracingDone).overdue(at: time("2026-12-20T00:00:00+08:00")) == [], "the rule is for adults")
        let departed = timeline(.adult, tracingDone + [(.selfDeparted(SelfDeparted(voucherIssued: true, cashCny: 0)), "2026-12-10T10:00:00+08:00")])
        #expect(departed.overdue(at: time("2026-12-20T00:00:00+08:00")) == [], "only while the stay is open")
    }

    @Test func anExtensionCoversTheStayUntilItsDueDate() {
        let extended = timeline(.adult, [
            (.tracingNoticePublished(TracingNoticePublished(channels: [.wechat])), "2026-12-05T08:00:00+08:00"),
            (.dnaSampleRequested(DnaSampleRequested()), "2026-12-07T08:00:00+08:00"),
            (.stayExtensionFiled(StayExtensionFiled(reason: "unknown identity", newDueDate: LocalDate("2026-12-24")!, filedWith: "bureau")), "2026-12-16T10:00:00+08:00"),
        ])
        #expect(extended.overdue(at: time("2026-12-16T09:00:00+08:00")) == [.stay10Days], "before it was filed")
        #expect(extended.overdue(at: time("2026-12-24T23:59:59+08:00")) == [])
        #expect(extended.overdue(at: time("2026-12-25T00:00:00+08:00")) == [.stay10Days])
        #expect(extended.missed(upTo: time("2026-12-20T00:00:00+08:00")) == [.stay10Days])
    }

    @Test func aMinorNeedsGuardianshipWithin24Hours() {
        let onTime = timeline(.minor, [
            (.tracingNoticePublished(TracingNoticePublished(channels: [.wechat])), "2026-12-05T08:00:00+08:00"),
            (.transferredToMinorsCentre(TransferredToMinorsCentre(centre: "centre")), "2026-12-05T21:00:00+08:00"),
        ])
        #expect(onTime.overdue(at: time("2026-12-08T00:00:00+08:00")) == [])
        let none = timeline(.minor, [(.tracingNoticePublished(TracingNoticePublished(channels: [.wechat])), "2026-12-05T08:00:00+08:00")])
        #expect(none.overdue(at: time("2026-12-05T22:00:00+08:00")) == [])
        #expect(none.overdue(at: time("2026-12-05T22:00:01+08:00")) == [.minorGuardianship24h])
    }

    @Test func aFollowUpWithin30DaysOfTheReturn() {
        let returned: [(DomainEvent, String)] = [
            (.identityVerified(IdentityVerified(personId: "P1", method: .idCard, name: "N", birthDate: LocalDate("1980-01-01")!, hukouRegion: "341222109204")), "2026-12-05T10:00:00+08:00"),
            (.escortStarted(EscortStarted(staff: ["e1"], mode: .train)), "2026-12-06T08:00:00+08:00"),
            (.returnedHome(ReturnedHome(receiver: .family, region: "341222109204")), "2026-12-07T12:00:00+08:00"),
        ]
        let none = timeline(.adult, returned)
        #expect(none.overdue(at: time("2027-01-06T12:00:00+08:00")) == [], "720 hours exactly")
        #expect(none.overdue(at: time("2027-01-06T12:00:01+08:00")) == [.followUp30Days])
        let visited = timeline(.adult, returned + [(.followUpVisited(FollowUpVisited(householdMembers: 2, monthlyHouseholdIncomeCny: 800, propertyWithinLimit: true, ableSupporter: false, workCapacity: true, disability: .none, chronicIllness: false, visitedBy: "v")), "2027-01-06T11:00:00+08:00")])
        #expect(visited.overdue(at: time("2027-02-01T00:00:00+08:00")) == [])
        let closed = timeline(.adult, returned + [(.caseClosed(CaseClosed(reason: "done")), "2026-12-20T12:00:00+08:00")])
        #expect(closed.overdue(at: time("2027-02-01T00:00:00+08:00")) == [], "nothing is overdue while the case is closed")
    }
}
