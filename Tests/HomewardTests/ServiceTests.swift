import Foundation
import Homeward
import HomewardStore
import HomewardTesting
import Testing

struct ServiceTests {
    /// An identity is recorded in the case and the person's stream in one transaction, the fact
    /// caused by the case's event; refused by a guard, neither stream gets anything.
    @Test func anIdentityIsRecordedInBothStreamsOrInNeither() async throws {
        try await withService { service in
            try await service.report("HZ-8", ReportReceived(channel: .hotline, region: "330106001001", location: "bridge", description: "man asleep", risks: []), by: outreachWorker)
            let identity = IdentityVerified(personId: "P43", method: .face, name: "Li", birthDate: LocalDate("1970-05-05")!, hukouRegion: "411525102219")
            let result = try await service.verifyIdentity("HZ-8", identity, by: stationWorker)
            let fact = try #require(try service.store.events(in: "person-P43").first)
            #expect(fact.position == result.positions[0] + 1, "appended in the same transaction, right after the case's event")
            #expect(fact.causationId == result.eventIds[0].uuidString.lowercased())
            #expect(try service.personRecords("P43").map(\.event) == [.identityVerified(identity)])

            try await service.close("HZ-8", reason: "returned", by: stationWorker)
            let head = try service.store.head().position
            let refused = IdentityVerified(personId: "P44", method: .fingerprint, name: "Li", birthDate: LocalDate("1970-05-05")!, hukouRegion: "411525102219")
            let violation = await #expect(throws: RuleViolation.self) { try await service.verifyIdentity("HZ-8", refused, by: stationWorker) }
            #expect(violation?.rule == .eventAfterCaseClosed)
            #expect(try service.store.head().position == head)
            #expect(try service.personRecords("P44").isEmpty)
        }
    }

    @Test func aCaseFromReportToReturnThroughTheService() async throws {
        let clock = TestClock("2026-12-01T21:00:00+08:00")
        try await withService(clock: clock) { service in
            try await service.report("HZ-7", ReportReceived(channel: .police110, region: "330106001001", location: "bridge", description: "man asleep", risks: [.cold]), by: outreachWorker)
            try await service.dispatch("HZ-7", TeamDispatched(team: "t1"), by: outreachWorker)
            try await service.contact("HZ-7", PersonContacted(sex: .male, estimatedAge: 45, livingSituation: "x", risks: [.cold]), by: outreachWorker)
            try await service.pickUp("HZ-7", PickedUp(team: "t1", station: "HZ-01"), by: outreachWorker)
            try await service.requestAssistance("HZ-7", AssistanceRequested(station: "HZ-01", sex: .male, age: 45, conditions: allFour), by: stationWorker)
            try await service.admit("HZ-7", Admitted(station: "HZ-01", personId: "P42", category: .adult), by: stationWorker)
            clock.set("2026-12-03T09:00:00+08:00")
            #expect(try service.overdue("HZ-7") == [.tracingNotice24h])
            try await service.publishTracingNotice("HZ-7", TracingNoticePublished(channels: [.xunqinWebsite]), by: stationWorker)
            try await service.verifyIdentity("HZ-7", IdentityVerified(personId: "P42", method: .fingerprint, name: "Wang", birthDate: LocalDate("1981-03-02")!, hukouRegion: "411525102219"), by: stationWorker)
            try await service.startEscort("HZ-7", EscortStarted(staff: ["e1", "e2"], mode: .train), by: stationWorker)
            try await service.returnHome("HZ-7", ReturnedHome(receiver: .family, region: "411525102219"), by: stationWorker)
            let snapshot = try service.snapshot(of: "HZ-7")
            #expect(snapshot.status == .returnedHome)
            #expect(snapshot.identity == .verified)
            #expect(snapshot.stayDays == 2)
            #expect(snapshot.missed == [.tracingNotice24h])
            #expect(try service.personRecords("P42").count == 1, "the identity is also a fact of the person's stream")
            let records = try service.history(of: "HZ-7").records
            #expect(records.count == 10)
            #expect(records.allSatisfy { $0.occurredAt <= clock.now })
        }
    }

    @Test func concurrentCommandsOnOneCaseAreAllRecordedInOrder() async throws {
        // 24 writers racing on one stream: the last to win may lose 23 races first.
        try await withService(maxAttempts: 64) { service in
            try await service.requestAssistance("HZ-9", AssistanceRequested(station: "HZ-01", sex: .male, age: 30, conditions: allFour), by: stationWorker)
            try await service.admit("HZ-9", Admitted(station: "HZ-01", personId: "P9", category: .adult), by: stationWorker)
            let attempts = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<24 {
                    group.addTask { try await service.provideService("HZ-9", ServiceProvided(service: .meal), by: stationWorker).attempts }
                }
                return try await group.reduce(0, +)
            }
            let records = try service.history(of: "HZ-9").records
            #expect(records.count == 26)
            let versions = try service.store.events(in: "case-HZ-9").map(\.version)
            #expect(versions == Array(1...26))
            #expect(attempts >= 24)
        }
    }

    @Test func aLostRaceWithoutRetriesSurfacesAsAConflict() async throws {
        try await withService(maxAttempts: 1) { service in
            try await service.requestAssistance("HZ-8", AssistanceRequested(station: "HZ-01", sex: .male, age: 30, conditions: allFour), by: stationWorker)
            try await service.admit("HZ-8", Admitted(station: "HZ-01", personId: "P8", category: .adult), by: stationWorker)
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        do {
                            _ = try await service.provideService("HZ-8", ServiceProvided(service: .meal), by: stationWorker)
                            return true
                        } catch let error as EventStoreError {
                            #expect(error.code == .wrongExpectedVersion)
                            return false
                        } catch {
                            Issue.record("unexpected error \(error)")
                            return false
                        }
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            let succeeded = outcomes.filter { $0 }.count
            #expect(succeeded >= 1)
            let versions = try service.store.events(in: "case-HZ-8").map(\.version)
            #expect(versions == Array(1...UInt64(2 + succeeded)), "every acknowledged command is stored, and nothing else")
        }
    }

    @Test func asOfRecordedShowsWhatWasKnownThen() async throws {
        let clock = TestClock("2026-12-01T21:00:00+08:00")
        try await withService(clock: clock) { service in
            try await service.requestAssistance("HZ-3", AssistanceRequested(station: "HZ-01", sex: .male, age: 30, conditions: allFour), by: stationWorker)
            try await service.admit("HZ-3", Admitted(station: "HZ-01", personId: "P3", category: .adult), by: stationWorker)
            clock.set("2026-12-04T09:00:00+08:00")
            // Written up today, but the notice went out within the first day.
            try await service.publishTracingNotice("HZ-3", TracingNoticePublished(channels: [.wechat]), occurredAt: time("2026-12-02T10:00:00+08:00"), by: stationWorker)
            let knownThen = try service.snapshot(of: "HZ-3", asOfRecorded: time("2026-12-03T12:00:00+08:00"))
            #expect(knownThen.overdue.contains(.tracingNotice24h), "on the 3rd the notice was not known")
            let trueThen = try service.snapshot(of: "HZ-3", asOfOccurred: time("2026-12-03T12:00:00+08:00"))
            #expect(!trueThen.overdue.contains(.tracingNotice24h), "by everything known now, it went out on time")
            #expect(trueThen.missed.isEmpty || !trueThen.missed.contains(.tracingNotice24h))
        }
    }
}
