@testable import Homeward
import HomewardStore
import Testing

/// The bucket changes of a set of contributions made in two parts (the daily counters apart
/// from the admissions by person, as a rebuild's finish makes them on two threads) and joined
/// are the changes made at once.
struct DeltaPartsTests {
    func date(_ day: Int) -> LocalDate { LocalDate(year: 2026, month: 12, day: day)! }
    func time(_ text: String) -> Timestamp { Timestamp(rfc3339: text)! }

    var contributions: [CaseContribution] {
        (0..<40).map { index in
            let day = 1 + index % 20
            return CaseContribution(
                region: ["110101", "110102", "3301"][index % 3],
                counts: [
                    CaseContribution.Count(date: date(day), key: "reports", amount: 1),
                    CaseContribution.Count(date: date(day + 1), key: "itemsDistributed.blanket", amount: index % 4),
                    CaseContribution.Count(date: date(day), key: "admissions", amount: index % 2),
                ],
                admissions: index % 2 == 0 ? [] : [CaseContribution.AdmissionEntry(date: date(day), personId: "P\(index % 7)", minor: index % 5 == 0)],
                pickupDelay: index % 3 == 0 ? nil : CaseContribution.PickupDelay(date: date(day), minutes: Double(index * 7)),
                stays: index % 4 == 1 ? [CaseContribution.Stay(admittedAt: time("2026-12-0\(1 + index % 9)T10:00:00Z"), endedAt: nil, hospital: [])] : []
            )
        }
    }

    @Test(arguments: [1, -1])
    func countersAndPersonsJoinedGiveTheChangesOfAll(sign: Int) {
        var all = StatisticsProjection.Deltas(calendar: .chinaStandardTime)
        var counters = StatisticsProjection.Deltas(calendar: .chinaStandardTime, parts: .counters)
        var persons = StatisticsProjection.Deltas(calendar: .chinaStandardTime, parts: .persons)
        for contribution in contributions {
            all.add(contribution, sign: sign)
            counters.add(contribution, sign: sign)
            persons.add(contribution, sign: sign)
        }
        let whole = all.changes()
        let counterChanges = counters.changes()
        let personChanges = persons.changes()
        #expect(counterChanges.admissions.count == 0 && counterChanges.personMonths.isEmpty, "the counters part has no admissions by person")
        #expect(personChanges.counters.count == 0 && personChanges.pickups.count == 0, "the persons part has no counters")
        let joined = counterChanges.joined(with: personChanges)
        #expect(whole.counters.count > 0 && whole.admissions.count > 0 && whole.pickups.count > 0)
        #expect(joined.counters.pairs.map(\.key) == whole.counters.pairs.map(\.key))
        #expect(joined.counters.pairs.map(\.value) == whole.counters.pairs.map(\.value))
        #expect(joined.pickups.pairs.map(\.value) == whole.pickups.pairs.map(\.value))
        #expect(joined.pickupsRemoved == whole.pickupsRemoved)
        var joinedAdmissions = joined.admissions
        var wholeAdmissions = whole.admissions
        var joinedInOrder: [[UInt8]] = []
        var wholeInOrder: [[UInt8]] = []
        joinedAdmissions.sortInKeyOrder()
        wholeAdmissions.sortInKeyOrder()
        joinedAdmissions.forEachInKeyOrder { key, value in joinedInOrder.append(Array(key) + [0xff] + Array(value)) }
        wholeAdmissions.forEachInKeyOrder { key, value in wholeInOrder.append(Array(key) + [0xff] + Array(value)) }
        #expect(joinedInOrder == wholeInOrder)
        #expect(joined.personMonths.map(\.key) == whole.personMonths.map(\.key))
        #expect(joined.personMonths.map(\.change) == whole.personMonths.map(\.change))
    }
}
