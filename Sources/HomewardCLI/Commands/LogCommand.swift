import ArgumentParser
import Homeward
import HomewardStore

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Print the raw events: position, times, stream and version, type, actor and data.",
        discussion: "Example: homeward log --stream case-HZ-0001 --type Admitted --limit 20"
    )

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Only this stream.") var stream: String?
    @Option(help: "Only events of this type.") var type: String?
    @Option(help: "Start at this position.") var fromPosition: UInt64 = 1
    @Option(help: "Print at most this many events.") var limit: Int = 100

    func run() throws {
        let store = try storeOptions.open(readOnly: true)
        let registry = EventRegistry.standard.withKeys(store.keys)
        var rows: [[JSONValue]] = []
        // JSON gives each event as the contract's record (with its position and hash).
        var objects: [JSONValue] = []
        let keep: (RecordedEvent) throws -> Bool = { event in
            if let type, event.type != type { return true }
            let data = (try? registry.storedData(of: event)) ?? .string("(\(event.payload.count) bytes of codec \(event.payload.codec) that do not decode)")
            rows.append([
                .integer(Int(event.position)), .string(event.occurredAt.rfc3339), .string(event.recordedAt.rfc3339),
                .string("\(event.stream)@\(event.version)"), .string(event.type), .string("\(event.actor.id) (\(event.actor.role))"), data,
            ])
            objects.append(InterchangeRecord(event, data: data).json)
            return rows.count < limit
        }
        if let stream {
            let id: StreamID
            // A case id alone names its case stream, as in `export --stream`.
            let name = stream.hasPrefix("case-") || stream.hasPrefix("person-") ? stream : "case-" + stream
            do { id = try StreamID(validating: name) } catch {
                printError("\(error)")
                throw ExitCode(2)
            }
            for event in try store.events(in: id) where event.position >= fromPosition {
                if try !keep(event) { break }
            }
        } else {
            var next = fromPosition
            paging: while rows.count < limit {
                let page = try store.events(from: next, limit: 1000)
                guard let last = page.last else { break }
                for event in page where try !keep(event) { break paging }
                next = last.position + 1
            }
        }
        try output.print(headers: ["position", "occurredAt", "recordedAt", "stream", "type", "actor", "data"], rows: rows, json: objects)
    }
}
