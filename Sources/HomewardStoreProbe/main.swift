// A small helper process for the store's multi-process and crash tests.
//
//   HomewardStoreProbe append-loop STORE PREFIX COUNT [STREAMS] [--async TASKS]
//       Appends COUNT events (0 = forever), one per append, to streams PREFIX-0 … PREFIX-(STREAMS-1),
//       printing "ack POSITION EVENT-ID STREAM VERSION" after each acknowledged (durable) append.
//   HomewardStoreProbe service-loop STORE CASES TASKS COUNT
//       Records COUNT ServiceProvided commands per task, TASKS tasks at once, through the relief
//       service on cases PROBE-0 … PROBE-(CASES-1) (admitted beforehand), each with the case's
//       version as the expected version, retried after every conflict; prints
//       "ack POSITION EVENT-ID STREAM VERSION ATTEMPTS" after each.
//   HomewardStoreProbe open STORE [--as-nobody]
//       Opens the store (after dropping root privileges with --as-nobody) and prints "opened" or
//       the error; exits 3 when it cannot be opened.
//   HomewardStoreProbe destroy-keys KEYSTORE NAME…
//       Destroys the named keys of a key store and prints "destroyed NAME…".
import Foundation
import Homeward
import HomewardStore

#if canImport(Glibc)
import Glibc
#endif

func acknowledge(_ result: AppendResult, _ event: NewEvent, _ stream: StreamID) {
    // An unbuffered write(2): the line is out before the next append starts.
    FileHandle.standardOutput.write(
        Data("ack \(result.lastPosition) \(event.eventId.uuidString.lowercased()) \(stream) \(result.streamVersion)\n".utf8)
    )
}

func makeEvent(_ index: Int) -> NewEvent {
    NewEvent(
        type: "ProbeAppended",
        actor: EventActor(id: "probe-\(getpid())", role: "test", org: "probe"),
        payload: Payload(json: "{\"pid\":\(getpid()),\"index\":\(index),\"pad\":\"\(String(repeating: "p", count: 200))\"}")
    )
}

func appendLoop(_ arguments: [String]) async throws {
    guard arguments.count >= 3 else { throw ProbeError("append-loop STORE PREFIX COUNT [STREAMS] [--async TASKS]") }
    let store = try EventStore(path: arguments[0])
    let prefix = arguments[1]
    let count = Int(arguments[2]) ?? 0
    let streams = arguments.count > 3 ? Int(arguments[3]) ?? 1 : 1
    let tasks = arguments.firstIndex(of: "--async").flatMap { Int(arguments[$0 + 1]) } ?? 0
    if tasks == 0 {
        try appendSynchronously(store, prefix: prefix, count: count, streams: streams)
        return
    }
    try await withThrowingTaskGroup(of: Void.self) { group in
        for task in 0..<tasks {
            group.addTask {
                var index = task
                while count == 0 || index < count {
                    let event = makeEvent(index)
                    let stream = try StreamID(validating: "\(prefix)-\(index % streams)")
                    acknowledge(try await store.append([event], to: stream), event, stream)
                    index += tasks
                }
            }
        }
        try await group.waitForAll()
    }
}

func appendSynchronously(_ store: EventStore, prefix: String, count: Int, streams: Int) throws {
        var index = 0
        while count == 0 || index < count {
            let event = makeEvent(index)
            let stream = try StreamID(validating: "\(prefix)-\(index % streams)")
            acknowledge(try store.append([event], to: stream), event, stream)
            index += 1
        }
}

func serviceLoop(_ arguments: [String]) async throws {
    guard arguments.count == 4, let cases = Int(arguments[1]), let tasks = Int(arguments[2]), let count = Int(arguments[3]) else {
        throw ProbeError("service-loop STORE CASES TASKS COUNT")
    }
    let service = ReliefService(store: try EventStore(path: arguments[0]), maxAttempts: 10_000)
    let actor = EventActor(id: "probe-\(getpid())", role: "station", org: "probe")
    try await withThrowingTaskGroup(of: Void.self) { group in
        for task in 0..<tasks {
            group.addTask {
                for index in 0..<count {
                    let caseId = "PROBE-\((task + index) % cases)"
                    let result = try await service.provideService(caseId, ServiceProvided(service: .meal), by: actor)
                    FileHandle.standardOutput.write(Data(
                        "ack \(result.positions[0]) \(result.eventIds[0].uuidString.lowercased()) \(result.stream) \(result.streamVersion) \(result.attempts)\n".utf8
                    ))
                }
            }
        }
        try await group.waitForAll()
    }
}

func open(_ arguments: [String]) -> Int32 {
    guard let path = arguments.first else { return 2 }
    if arguments.contains("--as-nobody"), geteuid() == 0 {
        guard setgid(65534) == 0, setuid(65534) == 0 else {
            FileHandle.standardOutput.write(Data("error: cannot drop privileges\n".utf8))
            return 2
        }
    }
    do {
        _ = try EventStore(path: path)
        FileHandle.standardOutput.write(Data("opened\n".utf8))
        return 0
    } catch {
        FileHandle.standardOutput.write(Data("error: \(error)\n".utf8))
        return 3
    }
}

struct ProbeError: Error, CustomStringConvertible {
    let description: String
    init(_ usage: String) { description = "usage: HomewardStoreProbe \(usage)" }
}

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "append-loop":
    do {
        try await appendLoop(Array(arguments.dropFirst()))
    } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        exit(1)
    }
case "service-loop":
    do {
        try await serviceLoop(Array(arguments.dropFirst()))
    } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        exit(1)
    }
case "open":
    exit(open(Array(arguments.dropFirst())))
case "destroy-keys":
    do {
        guard arguments.count >= 3 else { throw ProbeError("destroy-keys KEYSTORE NAME…") }
        let destroyed = try KeyStore(path: arguments[1]).destroy(arguments.dropFirst(2))
        print("destroyed \(destroyed.joined(separator: " "))")
    } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        exit(1)
    }
default:
    FileHandle.standardError.write(Data("usage: HomewardStoreProbe append-loop|service-loop|open|destroy-keys …\n".utf8))
    exit(2)
}
