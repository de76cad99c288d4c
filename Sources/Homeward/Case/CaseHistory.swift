public import Foundation

/// A stream's events with corrections and voids resolved (contract section 2 and readings 3–4).
///
/// Readers of a case see ``effective``: the domain events that are not voided, each as if it had
/// carried its corrected values. The original record and every correction applied to it, with
/// reasons, stay available for auditors.
public struct CaseHistory: Sendable {
    /// A correction as applied to its target.
    public struct AppliedCorrection: Sendable, Hashable {
        /// The `EventCorrected` record.
        public var correction: CaseRecord
        /// The fields it changed, with their new values.
        public var changes: JSONObject
        /// Why.
        public var reason: String
    }

    /// A correction or void that had no effect, and why.
    public struct IgnoredMeta: Sendable, Hashable {
        /// The `EventCorrected` or `EventVoided` record.
        public var record: CaseRecord
        /// Why it was ignored.
        public var reason: String
    }

    /// Every record of the stream in log order, as stored (not corrected).
    public let records: [CaseRecord]
    /// The domain events in force: not voided, corrections applied, in log order.
    public let effective: [CaseRecord]
    /// Ids of voided records (domain events, corrections or voids).
    public let voided: Set<UUID>
    /// Corrections applied, by target id, in log order.
    public let corrections: [UUID: [AppliedCorrection]]
    /// The void in force for each voided record.
    public let voidedBy: [UUID: CaseRecord]
    /// Corrections and voids without effect.
    public let ignored: [IgnoredMeta]

    /// Resolves a stream's records.
    /// - Parameters:
    ///   - records: The stream's records in log order.
    ///   - registry: Re-reads corrected data.
    public init(records: [CaseRecord], registry: EventRegistry = .standard) {
        self.records = records
        // Most streams hold no correction or void: nothing to resolve.
        if !records.contains(where: \.isMeta) {
            effective = records
            voided = []
            corrections = [:]
            voidedBy = [:]
            ignored = []
            return
        }
        // Each event's place in the records (event ids are unique in a store).
        var indexById: [UUID: Int] = [:]
        indexById.reserveCapacity(records.count)  // grown step by step, it was rehashed again and again
        for index in records.indices { indexById[records[index].eventId] = index }

        var voided = Set<UUID>()
        var voidedBy: [UUID: CaseRecord] = [:]
        var ignored: [IgnoredMeta] = []
        for record in records.reversed() {
            guard case .eventVoided(let void) = record.event else { continue }
            if voided.contains(record.eventId) { continue }
            guard let target = indexById[void.target], records[target].position < record.position else {
                ignored.append(IgnoredMeta(record: record, reason: "its target \(void.target.uuidString.lowercased()) is not an earlier event of the stream"))
                continue
            }
            voided.insert(void.target)
            voidedBy[void.target] = record
        }

        // The corrected events only: the others are their records' (a copy of every event, in a
        // table by id, was most of resolving a stream with a correction).
        var corrected: [UUID: DomainEvent] = [:]
        var corrections: [UUID: [AppliedCorrection]] = [:]
        for record in records {
            guard case .eventCorrected(let correction) = record.event, !voided.contains(record.eventId) else { continue }
            guard let targetIndex = indexById[correction.target], records[targetIndex].position < record.position, !records[targetIndex].isMeta,
                case let target = corrected[correction.target] ?? records[targetIndex].event
            else {
                ignored.append(IgnoredMeta(record: record, reason: "its target \(correction.target.uuidString.lowercased()) is not an earlier domain event of the stream"))
                continue
            }
            if voided.contains(correction.target) { continue }
            guard case .object(let changes) = correction.changes else {
                ignored.append(IgnoredMeta(record: record, reason: "its changes are not an object"))
                continue
            }
            guard var data = target.json.objectValue else { continue }
            for member in changes.members { data[member.key] = member.value }
            let typeName = target.typeName
            do {
                let (_, event) = try registry.read(
                    typeName: typeName,
                    schemaVersion: registry.currentVersion(of: typeName) ?? target.schemaVersion,
                    data: .object(data),
                    path: "changes"
                )
                corrected[correction.target] = event
                corrections[correction.target, default: []].append(AppliedCorrection(correction: record, changes: changes, reason: correction.reason))
            } catch {
                ignored.append(IgnoredMeta(record: record, reason: "the corrected \(typeName) is not valid: \(error)"))
            }
        }

        effective = records.compactMap { record in
            guard !record.isMeta, voided.isEmpty || !voided.contains(record.eventId) else { return nil }
            guard !corrected.isEmpty, let event = corrected[record.eventId] else { return record }
            var correctedRecord = record
            correctedRecord.event = event
            return correctedRecord
        }
        self.voided = voided
        self.voidedBy = voidedBy
        self.corrections = corrections
        self.ignored = ignored
    }

    /// The record of an event as first stored.
    public func original(of eventId: UUID) -> CaseRecord? {
        records.first { $0.eventId == eventId }
    }
}
