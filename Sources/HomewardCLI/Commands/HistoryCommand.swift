import ArgumentParser
import Foundation
import Homeward
import HomewardStore

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "A case's timeline: occurred and recorded times, actor, event, and corrections and voids beside what they change.",
        discussion: "Example: homeward history HZ-0042 --as-of-recorded 2026-12-20"
    )

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var rulesOptions: RulesOptions
    @OptionGroup var time: TimeOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The case id, with or without case-.") var caseId: String

    func run() throws {
        let context = try QueryContext(storeOptions, rulesOptions, readOnly: true)
        _ = try context.timeline(caseId, time)
        let history = try context.service.history(of: caseId, recordedBy: try time.recordedCut)
        let cut = try time.occurredCut
        let positions = Dictionary(uniqueKeysWithValues: history.records.map { ($0.eventId, $0.position) })
        var rows: [[JSONValue]] = []
        // JSON gives each record with the contract's keys, its data as corrected, and the notes.
        var objects: [JSONValue] = []
        let stream = try StreamNames.caseStream(caseId)
        for (index, record) in history.records.enumerated() where cut.map({ record.isMeta || record.occurredAt <= $0 }) ?? true {
            var notes: [String] = []
            for correction in history.corrections[record.eventId] ?? [] {
                notes.append("corrected at \(correction.correction.position) (\(correction.changes.keys.joined(separator: ", "))): \(correction.reason)")
            }
            if let void = history.voidedBy[record.eventId], case .eventVoided(let voided) = void.event {
                notes.append("voided at \(void.position): \(voided.reason)")
            }
            switch record.event {
            case .eventCorrected(let correction):
                notes.append("corrects position \(positions[correction.target].map(String.init) ?? "?")")
            case .eventVoided(let void):
                notes.append("voids position \(positions[void.target].map(String.init) ?? "?")")
            default:
                break
            }
            if let ignored = history.ignored.first(where: { $0.record.eventId == record.eventId }) { notes.append("ignored: \(ignored.reason)") }
            let effective = history.effective.first { $0.eventId == record.eventId }?.event ?? record.event
            rows.append([
                .integer(Int(record.position)), .string(record.occurredAt.rfc3339), .string(record.recordedAt.rfc3339),
                .string("\(record.actor.id) (\(record.actor.role))"), .string(record.event.typeName), effective.json,
                .array(notes.map { .string($0) }),
            ])
            objects.append(.object([
                "position": .integer(Int(record.position)),
                "stream": .string(stream.rawValue),
                "version": .integer(index + 1),
                "type": .string(record.event.typeName),
                "eventId": .string(record.eventId.uuidString.lowercased()),
                "occurredAt": .string(record.occurredAt.rfc3339),
                "recordedAt": .string(record.recordedAt.rfc3339),
                "actor": .object(["id": .string(record.actor.id), "role": .string(record.actor.role), "org": .string(record.actor.org)]),
                "data": effective.json,
                "notes": .array(notes.map { .string($0) }),
            ]))
        }
        try output.print(headers: ["position", "occurredAt", "recordedAt", "actor", "type", "data", "notes"], rows: rows, json: objects)
    }
}
