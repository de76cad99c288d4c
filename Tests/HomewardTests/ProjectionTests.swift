import Foundation
@testable import Homeward
import HomewardStore
import HomewardTesting
import Testing

@Suite(.serialized)
struct ProjectionTests {
    static let rules = try! RegionConfiguration(contentsOf: Fixtures.path("rules/zhejiang-illustrative.json"))
    static let end = Timestamp(rfc3339: "2027-02-28T16:00:00Z")!

    func importCampaign(_ store: EventStore, _ bytes: [UInt8]) throws {
        try JSONLinesImporter(service: ReliefService(store: store)).importFile(bytes)
    }

    /// The stored projections give the hand-checked outputs of the fixture campaign.
    @Test func storedProjectionsGiveTheExpectedOutputs() throws {
        try withTemporaryEventStore { store in
            try importCampaign(store, try Fixtures.bytes("campaigns/small-winter.jsonl"))
            let projections = try ReliefProjections(store: store, configuration: Self.rules)
            for entry in try GoldenFixtureTests.expected("small-winter.statistics.json") {
                let from = LocalDate(entry["from"]!.stringValue!)!
                let to = LocalDate(entry["to"]!.stringValue!)!
                let region = entry["region"]?.stringValue
                let actual = try projections.statistics(from: from, to: to, regionPrefix: region)[0].statistics.json
                #expect(GoldenFixtureTests.same(actual, entry["statistics"]!), "\(from)–\(to) \(region ?? "all")")
            }
            for entry in try GoldenFixtureTests.expected("small-winter.entitlements.json") {
                let person = try #require(try projections.entitlements(of: entry["personId"]!.stringValue!, at: Self.end))
                for program in EntitlementRules.programs {
                    let check = person.programs[program]!
                    let expected = entry["programs"]![program.rawValue]!
                    #expect(check.status.rawValue == expected["status"]!.stringValue, "\(person.personId) \(program)")
                    #expect(check.reasons == (expected["reasons"].flatMap { if case .array(let a) = $0 { a.compactMap(\.stringValue) } else { nil } } ?? []))
                }
            }
            for entry in try GoldenFixtureTests.expected("small-winter.cases.json") where entry["asOf"]!.stringValue == "2027-02-28T16:00:00Z" {
                let caseId = entry["caseId"]!.stringValue!
                let summary = try #require(try projections.cases(at: Self.end).first { $0.caseId == caseId })
                #expect(summary.status?.rawValue == entry["status"]!.stringValue, "\(caseId)")
                #expect(summary.overdue.map(\.rawValue) == (entry["overdue"].flatMap { if case .array(let a) = $0 { a.compactMap(\.stringValue) } else { nil } } ?? []), "\(caseId)")
                #expect(summary.stayDays == entry["stayDays"].flatMap { if case .integer(let days) = $0 { days } else { nil } }, "\(caseId)")
            }
            let model = try ReliefModel(store: store, configuration: Self.rules)
            #expect(try projections.differences(from: model) == [])
        }
    }

    /// Incremental catch-up after each part of an import gives exactly what a rebuild from
    /// scratch gives, for campaigns of several seeds.
    @Test(arguments: [3 as UInt64, 17, 2027])
    func incrementalEqualsRebuild(seed: UInt64) throws {
        var configuration = CampaignGenerator.Configuration()
        configuration.seed = seed
        configuration.cases = 120
        let lines = CampaignGenerator(configuration).jsonLines().split(separator: "\n", omittingEmptySubsequences: true)
        try withTemporaryEventStore { store in
            let projections = try ReliefProjections(store: store, configuration: Self.rules, batchSize: 97)
            var start = 0
            while start < lines.count {
                let end = min(lines.count, start + 333)
                try importCampaign(store, Array((lines[start..<end].joined(separator: "\n") + "\n").utf8))
                try projections.catchUp()
                start = end
            }
            let period = (LocalDate("2026-12-01")!, LocalDate("2027-03-01")!)
            let incremental = try projections.statistics(from: period.0, to: period.1, level: 4)
            let incrementalCases = try projections.cases(at: Self.end)
            for name in ReliefProjections.names { try projections.engine.rebuild(name) }
            #expect(try projections.statistics(from: period.0, to: period.1, level: 4) == incremental)
            #expect(try projections.cases(at: Self.end) == incrementalCases)
            #expect(try projections.differences(from: ReliefModel(store: store, configuration: Self.rules)) == [])
        }
    }

    /// The lists by status, station and region prefix (each alone and together) give the cases
    /// of the whole list that match, after a catch-up in small batches (statuses change from
    /// batch to batch) and after a rebuild; both keep the same list entries.
    @Test func filteredListsGiveTheMatchingCases() throws {
        var configuration = CampaignGenerator.Configuration()
        configuration.seed = 5
        configuration.cases = 150
        let lines = CampaignGenerator(configuration).jsonLines().split(separator: "\n", omittingEmptySubsequences: true)
        try withTemporaryEventStore { store in
            try importCampaign(store, Array((lines[0] + "\n").utf8))
            let projections = try ReliefProjections(store: store, configuration: Self.rules, batchSize: 50)
            try importCampaign(store, Array((lines.dropFirst().joined(separator: "\n") + "\n").utf8))
            try projections.catchUp()
            func listEntries() throws -> [[UInt8]: [UInt8]] {
                try projections.engine.read("caseState") { context in
                    var entries: [[UInt8]: [UInt8]] = [:]
                    try context.scan(prefix: Array("list/".utf8)) { key, value in
                        entries[key] = value
                        return true
                    }
                    return entries
                }
            }
            func checkLists(at time: Timestamp) throws {
                let all = try projections.cases(at: time)
                try #require(all.count == 150)
                let statuses = Set(all.compactMap(\.status))
                let stations = Set(all.compactMap(\.station))
                let regions = Set(all.compactMap { $0.region.map { String($0.prefix(4)) } })
                try #require(statuses.count >= 4 && stations.count >= 3 && regions.count >= 2, "a campaign spread over statuses, stations and regions")
                for status in statuses {
                    #expect(try projections.cases(status: status, at: time) == all.filter { $0.status == status })
                }
                for station in stations {
                    #expect(try projections.cases(station: station, at: time) == all.filter { $0.station == station })
                }
                for region in regions {
                    #expect(try projections.cases(regionPrefix: region, at: time) == all.filter { $0.region?.hasPrefix(region) == true })
                    for status in statuses {
                        #expect(
                            try projections.cases(status: status, regionPrefix: region, at: time) == all.filter { $0.status == status && $0.region?.hasPrefix(region) == true }
                        )
                    }
                }
                let station = try #require(stations.sorted().first)
                for status in statuses {
                    #expect(try projections.cases(status: status, station: station, at: time) == all.filter { $0.status == status && $0.station == station })
                }
                #expect(try projections.cases(regionPrefix: "", at: time) == all)
                #expect(try projections.cases(station: "no such station", at: time).isEmpty)
            }
            // The latest event time kept beside the lists is that of the latest case, so a list
            // at any later time reads the stored states alone.
            func latestStored() throws -> Timestamp? {
                try projections.engine.read("caseState") { try CaseStateProjection.latest(in: $0) }
            }
            let states = try ReliefModel(store: store, configuration: Self.rules).caseIds.compactMap { try projections.caseState($0) }
            let latest = try #require(states.compactMap(\.lastEventAt).max())
            let after = max(Self.end, latest)
            try checkLists(at: after)
            let incremental = try listEntries()
            #expect(incremental.count == 150, "one list entry a case")
            #expect(try latestStored() == latest)
            try projections.engine.rebuild("caseState")
            #expect(try listEntries() == incremental)
            #expect(try latestStored() == latest)
            try checkLists(at: after)
            // Before the latest event, the cases are folded at the time, and filtered the same way.
            let earlier = Timestamp(microsecondsSinceEpoch: latest.microsecondsSinceEpoch - 20 * 86_400_000_000)
            let then = try projections.cases(at: earlier)
            let statusesThen = Set(then.compactMap(\.status))
            try #require(statusesThen.count >= 2 && then != (try projections.cases(at: after)), "the cases differ twenty days before the last event")
            for status in statusesThen {
                #expect(try projections.cases(status: status, at: earlier) == then.filter { $0.status == status })
            }
        }
    }

    /// An aid item the counters' table does not list is counted under its name, the same after
    /// a catch-up in small batches (each case's stored contribution read back and replaced) and
    /// after a rebuild, and as the model counts it.
    @Test func anItemOutsideTheCountersTableIsCountedByName() throws {
        let text = String(decoding: try Fixtures.bytes("campaigns/small-winter.jsonl"), as: UTF8.self)
        let renamed = text.replacingOccurrences(of: #""item":"coat""#, with: #""item":"棉衣""#)
        try #require(renamed != text, "the fixture gives coats")
        let lines = renamed.split(separator: "\n", omittingEmptySubsequences: true)
        try withTemporaryEventStore { store in
            try importCampaign(store, Array((lines[0] + "\n").utf8))
            let projections = try ReliefProjections(store: store, configuration: Self.rules, batchSize: 7)
            try importCampaign(store, Array((lines.dropFirst().joined(separator: "\n") + "\n").utf8))
            try projections.catchUp()
            let (from, to) = (LocalDate("2026-11-01")!, LocalDate("2027-04-01")!)
            let model = try ReliefModel(store: store, configuration: Self.rules)
            let expected = model.statistics(from: from, to: to).itemsDistributed
            try #require((expected["棉衣"] ?? 0) > 0 && expected["coat"] == nil)
            #expect(try projections.statistics(from: from, to: to)[0].statistics.itemsDistributed == expected)
            try projections.rebuildAll()
            #expect(try projections.statistics(from: from, to: to)[0].statistics.itemsDistributed == expected)
            #expect(try projections.differences(from: model) == [])
        }
    }

    /// Person links applied one event at a time (a catch-up in batches of one) and all together
    /// (a rebuild hands every link of the log over at once) give the same months, and the
    /// model's: links and unlinks of a campaign where people come back under new ids.
    @Test func linksAppliedOneByOneOrTogetherGiveTheSameMonths() throws {
        var configuration = CampaignGenerator.Configuration()
        configuration.seed = 41
        configuration.cases = 400
        try withTemporaryEventStore { store in
            // Filled after the first event, so that they follow the rest in batches (a first fill
            // of a log goes stream by stream).
            let lines = CampaignGenerator(configuration).jsonLines().split(separator: "\n", omittingEmptySubsequences: true)
            try importCampaign(store, Array((lines[0] + "\n").utf8))
            let projections = try ReliefProjections(store: store, configuration: Self.rules, batchSize: 1)
            try projections.catchUp()
            try importCampaign(store, Array((lines.dropFirst().joined(separator: "\n") + "\n").utf8))
            let links = try store.events(limit: .max).filter { $0.hasType("PersonsLinked") || $0.hasType("PersonsUnlinked") }
            try #require(links.count >= 4, "the campaign links and unlinks persons")
            try projections.catchUp()
            let months = ["2026-11-01", "2026-12-01", "2027-01-01", "2027-02-01", "2027-03-01"].map { LocalDate($0)! }
            func figures() throws -> [PeriodStatistics] {
                try zip(months, months.dropFirst()).map { try projections.statistics(from: $0, to: $1)[0].statistics }
            }
            // The rollup's link entries, byte for byte.
            func rollup() throws -> [[UInt8]: [UInt8]] {
                try projections.engine.read("statistics") { context in
                    var entries: [[UInt8]: [UInt8]] = [:]
                    for prefix in ["linkpair/", "linked/", "component/", "compfix/", "monthfix/"] {
                        try context.scan(prefix: Array(prefix.utf8)) { key, value in
                            entries[key] = value
                            return true
                        }
                    }
                    return entries
                }
            }
            let oneByOne = try figures()
            let oneByOneRollup = try rollup()
            try #require(oneByOneRollup.keys.contains { $0.starts(with: Array("monthfix/".utf8)) }, "linked ids admitted in one month count once")
            try projections.rebuildAll()
            #expect(try figures() == oneByOne)
            #expect(try rollup() == oneByOneRollup)
            let model = try ReliefModel(store: store, configuration: Self.rules)
            #expect(zip(months, months.dropFirst()).map { model.statistics(from: $0, to: $1) } == oneByOne)
        }
    }

    /// Periods that start and end anywhere in a month, or span several (the daily counts are
    /// kept a month of a region per bucket), over every region or a prefix: the stored figures
    /// are the model's.
    @Test func periodsAcrossMonthsGiveTheModelsFigures() throws {
        var configuration = CampaignGenerator.Configuration()
        configuration.seed = 5
        configuration.cases = 300
        try withTemporaryEventStore { store in
            try importCampaign(store, Array(CampaignGenerator(configuration).jsonLines().utf8))
            let projections = try ReliefProjections(store: store, configuration: Self.rules)
            let model = try ReliefModel(store: store, configuration: Self.rules)
            let periods = [
                ("2026-11-15", "2026-12-01"), ("2026-11-28", "2027-01-03"), ("2026-12-01", "2027-01-01"), ("2026-12-17", "2026-12-18"),
                ("2026-12-31", "2027-02-01"), ("2027-01-20", "2027-03-15"), ("2026-10-01", "2027-06-01"), ("2027-02-28", "2027-03-01"),
            ].map { (LocalDate($0.0)!, LocalDate($0.1)!) }
            // The prefixes of the region with the most cases, at every level.
            let regions = Dictionary(grouping: model.contributions().compactMap(\.region), by: { $0 }).mapValues(\.count)
            let busiest = try #require(regions.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key)
            let prefixes: [String?] = [nil] + [2, 4, 6, 9].map { String(busiest.prefix($0)) }
            for prefix in prefixes {
                let season = try projections.statistics(from: periods[6].0, to: periods[6].1, regionPrefix: prefix)[0].statistics
                try #require(season.reports > 0 && season.bedNights > 0, "the campaign has cases in \(prefix ?? "every region")")
            }
            for (from, to) in periods {
                for prefix in prefixes {
                    let stored = try projections.statistics(from: from, to: to, regionPrefix: prefix)[0].statistics
                    #expect(stored == model.statistics(from: from, to: to, regionPrefix: prefix), "\(from)–\(to) \(prefix ?? "all")")
                }
            }
        }
    }

    /// A correction recorded weeks later moves the figures of the period of the event it corrects.
    @Test func aLateCorrectionChangesThePeriodItTouches() async throws {
        try await withTemporaryEventStore { (store: EventStore) async throws in
            try importCampaign(store, try Fixtures.bytes("campaigns/small-winter.jsonl"))
            let projections = try ReliefProjections(store: store, configuration: Self.rules)
            let december = (LocalDate("2026-12-01")!, LocalDate("2027-01-01")!)
            let january = (LocalDate("2027-01-01")!, LocalDate("2027-02-01")!)
            let before = try projections.statistics(from: december.0, to: december.1)[0].statistics
            let januaryBefore = try projections.statistics(from: january.0, to: january.1)[0].statistics
            // A December hotline report that really came through 110.
            let target = try store.events(from: 1, limit: 400).first { event in
                event.type == "ReportReceived" && event.occurredAt < Timestamp(rfc3339: "2026-12-20T00:00:00+08:00")!
                    && (try? EventRegistry.standard.decode(event)).map { if case .reportReceived(let r) = $0 { r.channel == .hotline } else { false } } == true
            }
            let report = try #require(target)
            let service = ReliefService(store: store, clock: { Timestamp(rfc3339: "2027-02-20T10:00:00+08:00")! })
            try await service.correct(String(report.stream.rawValue.dropFirst(5)), target: report.eventId, changes: ["channel": .string("police110")], reason: "came through 110", by: stationWorker)
            let after = try projections.statistics(from: december.0, to: december.1)[0].statistics
            #expect(after.reportsByChannel[.hotline] == (before.reportsByChannel[.hotline] ?? 0) - 1)
            #expect(after.reportsByChannel[.police110] == (before.reportsByChannel[.police110] ?? 0) + 1)
            #expect(after.reports == before.reports)
            #expect(try projections.statistics(from: january.0, to: january.1)[0].statistics == januaryBefore)
        }
    }

    /// Two person ids admitted in December count as one person admitted twice once they are
    /// linked, and as two again once unlinked; a rebuild (which applies links stream by stream)
    /// gives the same month.
    @Test func aLinkMakesTwoAdmittedIdsOnePersonInTheirMonth() async throws {
        try await withTemporaryEventStore { (store: EventStore) async throws in
            try importCampaign(store, try Fixtures.bytes("campaigns/small-winter.jsonl"))
            let projections = try ReliefProjections(store: store, configuration: Self.rules)
            let december = (LocalDate("2026-12-01")!, LocalDate("2027-01-01")!)
            let model = try ReliefModel(store: store, configuration: Self.rules)
            var admittedOnce: [String: Int] = [:]
            for contribution in model.contributions() {
                for admission in contribution.admissions where admission.date >= december.0 && admission.date < december.1 {
                    admittedOnce[model.links.canonicalId(of: admission.personId), default: 0] += 1
                }
            }
            let pair = admittedOnce.filter { $0.value == 1 && model.links.component(of: $0.key).count == 1 }.keys.sorted().prefix(2)
            try #require(pair.count == 2, "the fixture has two unlinked persons admitted once in December")
            let before = try projections.statistics(from: december.0, to: december.1)[0].statistics
            let service = ReliefService(store: store, clock: { Timestamp(rfc3339: "2027-02-20T10:00:00+08:00")! })
            try await service.link(pair.first!, pair.last!, basis: "fingerprint match", by: stationWorker)
            let linked = try projections.statistics(from: december.0, to: december.1)[0].statistics
            #expect(linked.personsAdmitted == before.personsAdmitted - 1)
            #expect(linked.repeatPersons == before.repeatPersons + 1)
            #expect(try linked == ReliefModel(store: store, configuration: Self.rules).statistics(from: december.0, to: december.1))
            try projections.rebuildAll()
            #expect(try projections.statistics(from: december.0, to: december.1)[0].statistics == linked)
            try await service.unlink(pair.last!, pair.first!, reason: "a different person after all", by: stationWorker)
            #expect(try projections.statistics(from: december.0, to: december.1)[0].statistics == before)
            try projections.rebuildAll()
            #expect(try projections.statistics(from: december.0, to: december.1)[0].statistics == before)
            #expect(try projections.differences(from: ReliefModel(store: store, configuration: Self.rules)) == [])
        }
    }

    /// Statistics as of a recorded time (what was known then) and as of an occurred time (what was
    /// true then by everything known now) differ by the back-dated events.
    @Test func statisticsOnBothTimeAxes() async throws {
        let clock = TestClock("2026-12-02T09:00:00+08:00")
        try await withService(clock: clock) { service in
            try await service.report("HZ-1", ReportReceived(channel: .patrol, region: "330106001001", location: "x", description: "y", risks: []), occurredAt: time("2026-12-01T22:00:00+08:00"), by: outreachWorker)
            clock.set("2026-12-05T09:00:00+08:00")
            // Written up on the 5th: aid given on the night of the 1st.
            try await service.giveAid("HZ-1", OnSiteAidGiven(items: [AidItem(item: "blanket", quantity: 2)]), occurredAt: time("2026-12-01T22:30:00+08:00"), by: outreachWorker)
            let day = (LocalDate("2026-12-01")!, LocalDate("2026-12-02")!)
            let knownOnThe3rd = try ReliefModel(store: service.store, configuration: Self.rules, recordedBy: time("2026-12-03T00:00:00+08:00"))
            #expect(knownOnThe3rd.statistics(from: day.0, to: day.1).onSiteAid == 0)
            let now = try ReliefModel(store: service.store, configuration: Self.rules)
            #expect(now.statistics(from: day.0, to: day.1).onSiteAid == 1)
            #expect(now.statistics(from: day.0, to: day.1).itemsDistributed == ["blanket": 2])
            // As of occurred 22:15 on the 1st: the report had happened, the aid not yet.
            let occurred = now.statistics(from: day.0, to: day.1, occurredBy: time("2026-12-01T22:15:00+08:00"))
            #expect(occurred.reports == 1)
            #expect(occurred.onSiteAid == 0)
        }
    }
}
