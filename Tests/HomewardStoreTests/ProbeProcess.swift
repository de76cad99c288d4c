import Foundation
import HomewardStore
import HomewardTesting
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A running `HomewardStoreProbe` process and the acknowledgements it has printed.
final class ProbeProcess: Sendable {
    struct Acknowledgement: Hashable, Sendable {
        let position: UInt64
        let eventId: UUID
        let stream: String
        let version: UInt64
    }

    private let process: Process
    private final class OutputBuffer: Sendable {
        let data = Mutex(Data())
    }

    private let buffer = OutputBuffer()

    init(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try BuiltExecutable.path(named: "HomewardStoreProbe"))
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        self.process = process
        pipe.fileHandleForReading.readabilityHandler = { [buffer] handle in
            let data = handle.availableData
            buffer.data.withLock { $0.append(data) }
        }
        try process.run()
    }

    var processIdentifier: Int32 { process.processIdentifier }

    func kill() {
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func waitUntilExit() -> Int32 {
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Complete lines printed so far.
    var lines: [String] {
        let text = buffer.data.withLock { String(decoding: $0, as: UTF8.self) }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.removeLast()  // the part after the last newline is not a whole line yet
        return lines
    }

    /// Every "ack" line printed so far.
    var acknowledgements: [Acknowledgement] {
        lines.compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count == 5, fields[0] == "ack", let position = UInt64(fields[1]),
                let id = UUID(uuidString: String(fields[2])), let version = UInt64(fields[4])
            else { return nil }
            return Acknowledgement(position: position, eventId: id, stream: String(fields[3]), version: version)
        }
    }

    /// Waits until at least `count` acknowledgements are printed or the process ends.
    func waitForAcknowledgements(_ count: Int, timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while acknowledgements.count < count && process.isRunning && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
