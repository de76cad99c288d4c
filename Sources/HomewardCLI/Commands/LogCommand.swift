import ArgumentParser
import HomewardStore

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Print the raw events, one per line.",
        discussion: "Example: homeward log --stream case-HZ-0001 --limit 20"
    )

    @OptionGroup var storeOptions: StoreOptions
    @Option(help: "Only this stream.") var stream: String?
    @Option(help: "Only events of this type.") var type: String?
    @Option(help: "Start at this position.") var fromPosition: UInt64 = 1
    @Option(help: "Print at most this many events.") var limit: Int = 100

    func run() throws {
        let store = try storeOptions.open(readOnly: true)
        var printed = 0
        let show: (RecordedEvent) -> Bool = { event in
            if let type, event.type != type { return true }
            print(LogCommand.line(event))
            printed += 1
            return printed < limit
        }
        if let stream {
            let id: StreamID
            do { id = try StreamID(validating: stream) } catch {
                printError("\(error)")
                throw ExitCode(2)
            }
            for event in try store.events(in: id) where event.position >= fromPosition {
                if !show(event) { break }
            }
            return
        }
        var next = fromPosition
        while true {
            let page = try store.events(from: next, limit: 1000)
            guard let last = page.last else { return }
            for event in page where !show(event) { return }
            next = last.position + 1
        }
    }

    static func line(_ event: RecordedEvent) -> String {
        let payload = event.payload.codec == .json ? String(decoding: event.payload.bytes, as: UTF8.self) : "\(event.payload.bytes.count) bytes (\(event.payload.codec))"
        return "\(event.position)\t\(event.recordedAt.rfc3339)\t\(event.stream)@\(event.version)\t\(event.type)\t\(event.actor.id)/\(event.actor.role)\t\(payload)"
    }
}
