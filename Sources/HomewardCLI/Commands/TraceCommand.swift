import ArgumentParser
import Foundation
import Homeward
import HomewardStore

struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "The events that caused an event and that it caused (causation), and its correlation group.",
        discussion: "Example: homeward trace 0f8e5f3c-1d2b-4c5a-9e6f-7a8b9c0d1e2f"
    )

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The event id.") var eventId: String

    func run() throws {
        let store = try storeOptions.open(readOnly: true)
        guard let id = UUID(uuidString: eventId) else {
            printError("'\(eventId)' is not an event id (a UUID)")
            throw ExitCode(2)
        }
        guard let event = try store.event(withId: id) else {
            printError("there is no event \(eventId) in \(store.path)")
            throw ExitCode(2)
        }
        // Causes: follow causationId back; effects: events whose causationId names this one (or its effects).
        var causes: [RecordedEvent] = []
        var next = event.causationId
        while let cause = next, let causeId = UUID(uuidString: cause), let found = try store.event(withId: causeId), causes.count < 100 {
            causes.append(found)
            next = found.causationId
        }
        var caused: [String: [RecordedEvent]] = [:]
        var correlated: [RecordedEvent] = []
        try store.forEachEvent { candidate in
            if let cause = candidate.causationId?.lowercased() { caused[cause, default: []].append(candidate) }
            if let correlation = event.correlationId, candidate.correlationId == correlation, candidate.position != event.position {
                correlated.append(candidate)
            }
        }
        // Effects, direct and indirect, whatever order they were recorded in.
        var effects: [RecordedEvent] = []
        var seen: Set<UInt64> = [event.position]
        var frontier = [event.eventId.uuidString.lowercased()]
        while let next = frontier.popLast() {
            for effect in caused[next] ?? [] where seen.insert(effect.position).inserted {
                effects.append(effect)
                frontier.append(effect.eventId.uuidString.lowercased())
            }
        }
        effects.sort { $0.position < $1.position }
        let rows: [[JSONValue]] = [("event", [event]), ("cause", causes), ("effect", effects), ("correlated", correlated)].flatMap { relation, events in
            events.map { [.string(relation), .integer(Int($0.position)), .string($0.eventId.uuidString.lowercased()), .string($0.stream.rawValue),
                          .string($0.type), .string($0.occurredAt.rfc3339), $0.causationId.map { .string($0) } ?? .null] }
        }
        try output.print(headers: ["relation", "position", "eventId", "stream", "type", "occurredAt", "causationId"], rows: rows)
    }
}
