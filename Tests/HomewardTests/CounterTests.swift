@testable import Homeward
import HomewardStore
import Testing

/// Statistics counters numbered for the stored contributions, and the contributions' compact
/// form.
struct CounterTests {
    /// The table's numbers are stored: its names are pinned here, so that a change to it is a
    /// decision (and a new statistics projection version), never an accident.
    @Test func theTableIsPinned() {
        #expect(Counter.names.count == 33)
        #expect(Counter.names[1] == "reports")
        #expect(Counter.names[10] == "bedNights")
        #expect(Counter.names[13] == "reportsByChannel.hotline")
        #expect(Counter.names[24] == "tracingSuccessByChannel.other")
        #expect(Counter.names[25] == "itemsDistributed.blanket")
        #expect(Counter.names[32] == "strandedAtStart.over90Days")
        #expect(Set(Counter.names).count == Counter.names.count, "every name once")
        for stranded in StatisticsProjection.strandedCounters {
            #expect(Counter(name: stranded.key).number > 0, "the statistics count stranded stays by number: \(stranded.key)")
        }
    }

    /// Every counter a contribution makes from the contract's values has a number; an aid item
    /// the contract does not list keeps its name.
    @Test func contractCountersAreNumberedAndOthersNamed() {
        for channel in Channel.allCases {
            let counter = Counter.reportsByChannel[channel.ordinal]
            #expect(counter.number > 0)
            #expect(counter.name == "reportsByChannel.\(channel.rawValue)")
        }
        for channel in TracingChannel.allCases {
            let counter = Counter.tracingSuccessByChannel[channel.ordinal]
            #expect(counter.number > 0)
            #expect(counter.name == "tracingSuccessByChannel.\(channel.rawValue)")
        }
        for item in ["blanket", "coat", "food", "water", "medicine"] {
            #expect(Counter.item(item).number > 0)
            #expect(Counter.item(item).name == "itemsDistributed.\(item)")
        }
        let other = Counter.item("棉被")
        #expect(other.number == 0)
        #expect(other.name == "itemsDistributed.棉被")
        #expect(Counter(name: "bedNights") == Counter.bedNights, "a name in the table gives its number")
        #expect(Counter(stored: 0) == nil)
        #expect(Counter(stored: Counter.names.count) == nil)
    }

    /// A count's key reads and writes the counter by name, and a count made by name equals the
    /// one made by number.
    @Test func aCountsKeyIsItsCountersName() throws {
        let date = try #require(LocalDate("2026-12-01"))
        var count = CaseContribution.Count(date: date, counter: .reports, amount: 2)
        #expect(count.key == "reports")
        #expect(count == CaseContribution.Count(date: date, key: "reports", amount: 2))
        count.key = "itemsDistributed.棉被"
        #expect(count.counter == Counter.item("棉被"))
        count.key = "pickups"
        #expect(count.counter == Counter.pickups)
    }

    /// A contribution read back from its stored bytes equals the contribution: numbered and named
    /// counters, dates out of order (a negative step), open and ended stays.
    @Test func aContributionReadsBackAsWritten() throws {
        let december = try #require(LocalDate("2026-12-10"))
        let contribution = CaseContribution(
            region: "440106001",
            counts: [
                .init(date: december, counter: .reports, amount: 1),
                .init(date: december, key: "itemsDistributed.棉被", amount: 3),
                .init(date: december.adding(days: 40), counter: .bedNights, amount: 1),
                .init(date: december.adding(days: -400), counter: .item("coat"), amount: 2),
                .init(date: december, counter: .tracingSuccessByChannel[TracingChannel.dna.ordinal], amount: -1),
            ],
            admissions: [.init(date: december, personId: "P1", minor: true)],
            pickupDelay: .init(date: december, minutes: 12.5),
            stays: [.init(admittedAt: Timestamp(microsecondsSinceEpoch: 1_765_000_000_000_000), endedAt: nil, hospital: [])]
        )
        let bytes = contribution.binary
        #expect(try CaseContribution(binary: bytes) == contribution)
        // Five counts of five or six bytes each, the named one with its name: under 100 bytes.
        #expect(bytes.count < 100)
    }

    /// Stored bytes naming a counter number the table does not have are refused, with the number.
    @Test func anUnknownCounterNumberIsRefused() throws {
        var writer = PayloadWriter()
        writer.write(false)
        writer.writeCount(1)
        writer.writeCount(40)
        for _ in 0..<60 { writer.write(false) }  // what a count reads after its counter
        #expect {
            _ = try CaseContribution(binary: writer.bytes)
        } throws: { error in
            "\(error)".contains("counter number 40")
        }
    }

    /// The daily buckets name a counter by its number (one byte), or by a zero byte and its
    /// name; a number the table does not have is refused, with the number.
    @Test func aDailyBucketsCodeReadsBackAsItsCounter() throws {
        func counter(of code: [UInt8]) throws -> Counter {
            try code.withUnsafeBytes { bytes in try Counter(code: bytes[...]) }
        }
        #expect(Counter.reports.code == [1])
        #expect(try counter(of: Counter.reports.code) == .reports)
        let hotline = Counter(name: "reportsByChannel.hotline")
        #expect(hotline.code == [13])
        #expect(try counter(of: hotline.code).name == "reportsByChannel.hotline")
        let lantern = Counter.item("lantern")
        #expect(lantern.code == [0] + Array("itemsDistributed.lantern".utf8))
        #expect(try counter(of: lantern.code) == lantern)
        #expect(throws: PayloadDecodingError.self) { try counter(of: []) }
        #expect { try counter(of: [200]) } throws: { "\($0)".contains("number 200") }
    }
}
