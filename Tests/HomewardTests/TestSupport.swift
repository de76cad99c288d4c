import Foundation
import Homeward
import HomewardStore
import HomewardTesting
import Synchronization

/// A clock tests set by hand.
final class TestClock: Sendable {
    private let current: Mutex<Timestamp>
    init(_ start: String) { current = Mutex(Timestamp(rfc3339: start)!) }
    var now: Timestamp { current.withLock { $0 } }
    func set(_ time: String) { current.withLock { $0 = Timestamp(rfc3339: time)! } }
}

func time(_ text: String) -> Timestamp { Timestamp(rfc3339: text)! }

let outreachWorker = EventActor(id: "out-HZ-01-1", role: "outreach", org: "HZ-01")
let stationWorker = EventActor(id: "stn-HZ-01-1", role: "station", org: "HZ-01")

/// A case record for fold and rule tests.
func record(_ event: DomainEvent, at occurred: String, position: UInt64, recorded: String? = nil) -> CaseRecord {
    CaseRecord(
        position: position,
        eventId: UUID(),
        occurredAt: time(occurred),
        recordedAt: time(recorded ?? occurred),
        actor: stationWorker,
        event: event
    )
}

let allFour = AssistanceConditions(cannotAffordFoodOrLodging: true, noKinToRelyOn: true, notOnDibaoOrWubao: true, wanderingOrBegging: true)

func report(_ risks: [Risk] = [.cold]) -> DomainEvent {
    .reportReceived(ReportReceived(channel: .hotline, region: "330106001001", location: "Wulin Square", description: "sleeping rough", risks: risks))
}

func request(age: Int? = 40, conditions: AssistanceConditions = allFour) -> DomainEvent {
    .assistanceRequested(AssistanceRequested(station: "HZ-01", sex: .male, age: age, conditions: conditions))
}

func admitted(_ category: AdmissionCategory = .adult, personId: String = "P100001") -> DomainEvent {
    .admitted(Admitted(station: "HZ-01", personId: personId, category: category))
}

/// Folds records (in the order given) into a state.
func fold(_ records: [CaseRecord], caseId: String = "HZ-0001") -> CaseState {
    records.reduce(CaseState(caseId: caseId)) { $0.evolve($1) }
}
