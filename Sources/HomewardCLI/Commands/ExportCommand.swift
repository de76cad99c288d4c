import ArgumentParser
import Foundation
import Homeward
import HomewardStore

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the log as interchange JSON Lines to standard output.",
        discussion: "Example: homeward export --stream case-HZ-0001 > case.jsonl"
    )

    @OptionGroup var storeOptions: StoreOptions
    @Option(help: "Start at this position.") var fromPosition: UInt64 = 1
    @Option(help: "Only this stream.") var stream: String?
    @Flag(help: "Leave out personal fields (names, birth dates, free text, relatives) so the file can be shared.") var redactPii = false

    func run() throws {
        let store = try storeOptions.open(readOnly: true)
        let registry = EventRegistry.standard.withKeys(store.keys)
        var buffer = Data()
        let progress = Progress("export", total: try store.head().position)
        func emit(_ event: RecordedEvent) throws {
            var record = try InterchangeRecord(event, registry: registry)
            if redactPii { record.data = PersonalData.redacted(record.data, type: record.type) }
            progress.update(event.position)
            buffer.append(contentsOf: Array(record.line.utf8))
            buffer.append(0x0a)
            if buffer.count > 1 << 20 {
                FileHandle.standardOutput.write(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        if let stream {
            let name = stream.hasPrefix("case-") || stream.hasPrefix("person-") ? stream : "case-" + stream
            for event in try store.events(in: StreamID(validating: name)) where event.position >= fromPosition { try emit(event) }
        } else {
            try store.forEachEvent(from: fromPosition) { try emit($0) }
        }
        FileHandle.standardOutput.write(buffer)
        progress.finish()
    }
}
