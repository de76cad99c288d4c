import ArgumentParser
import Foundation
import Homeward
import HomewardStore

/// The store, its projections and the service, opened once for a command.
struct QueryContext {
    let store: EventStore
    let configuration: RegionConfiguration
    let service: ReliefService

    init(_ storeOptions: StoreOptions, _ rulesOptions: RulesOptions, readOnly: Bool = false) throws {
        store = try storeOptions.open(readOnly: readOnly)
        configuration = try rulesOptions.load()
        service = ReliefService(store: store, calendar: configuration.calendar)
    }

    func projections() throws -> ReliefProjections {
        try ReliefProjections(store: store, configuration: configuration)
    }

    /// A case's timeline on the time axis asked for, or exit 2 naming the case.
    func timeline(_ caseId: String, _ time: TimeOptions) throws -> CaseTimeline {
        let timeline = try service.timeline(of: caseId, recordedBy: try time.recordedCut)
        let known = try !timeline.events.isEmpty || !service.history(of: caseId).records.isEmpty
        guard known else {
            printError("there is no case \(caseId) in \(store.path)")
            throw ExitCode(2)
        }
        return timeline
    }
}

extension CaseSnapshot {
    var json: JSONValue {
        .object([
            "caseId": .string(caseId),
            "asOf": .string(asOf.rfc3339),
            "status": status.map { .string($0.rawValue) } ?? .null,
            "identity": .string(identity.rawValue),
            "stayDays": stayDays.map { .integer($0) } ?? .null,
            "personId": personId.map { .string($0) } ?? .null,
            "flags": .array(flags.map { .string($0) }),
            "overdue": .array(overdue.map { .string($0.rawValue) }),
            "missed": .array(missed.map { .string($0.rawValue) }),
            "station": station.map { .string($0) } ?? .null,
            "region": region.map { .string($0) } ?? .null,
        ])
    }
}

extension ProgramEntitlement {
    var json: JSONValue {
        .object([
            "status": .string(status.rawValue),
            "eligibility": .string(eligibility.rawValue),
            "reasons": .array(reasons.map { .string($0) }),
            "missing": .array(missing.map { .string($0) }),
        ])
    }
}
