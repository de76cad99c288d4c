public import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A running `HomewardStoreProbe` process and the acknowledgements it has printed.
///
/// The probe prints `ack POSITION EVENT-ID STREAM VERSION [ATTEMPTS]` after each acknowledged
/// append (`append-loop`) or command (`service-loop`).
public final class ProbeProcess: Sendable {
    /// One acknowledged append, as the probe printed it.
    public struct Acknowledgement: Hashable, Sendable {
        /// The log position.
        public let position: UInt64
        /// The event's id.
        public let eventId: UUID
        /// The stream.
        public let stream: String
        /// The version in the stream.
        public let version: UInt64
        /// How many times the command was decided (1 when it met no conflict).
        public let attempts: Int
    }

    private let process: Process
    private final class OutputBuffer: Sendable {
        let data = Mutex(Data())
        let ended = Mutex(false)
    }

    private let buffer = OutputBuffer()
    private let errorOutputPath: String

    /// Starts the probe.
    /// - Parameter arguments: Its command and arguments.
    public init(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try BuiltExecutable.path(named: "HomewardStoreProbe"))
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        // Standard error goes to a file of its own, read by `errorOutput` (a failed probe says why).
        errorOutputPath = NSTemporaryDirectory() + "homeward-probe-\(UUID().uuidString).stderr"
        guard FileManager.default.createFile(atPath: errorOutputPath, contents: nil), let errors = FileHandle(forWritingAtPath: errorOutputPath) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: errorOutputPath])
        }
        process.standardError = errors
        self.process = process
        try process.run()
        // Read by a thread of its own with blocking reads until the end: a readability handler
        // (a dispatch source on the pipe) crashed the dispatch manager thread now and then when
        // many tests started and ended processes at once.
        let reading = pipe.fileHandleForReading
        let reader = Thread { [buffer] in
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = chunk.withUnsafeMutableBytes { Glibc.read(reading.fileDescriptor, $0.baseAddress, $0.count) }
                if count > 0 {
                    buffer.data.withLock { $0.append(contentsOf: chunk[0..<count]) }
                } else if count < 0 && errno == EINTR {
                    continue
                } else {
                    break  // the end (every writer closed it), or an error
                }
            }
            buffer.ended.withLock { $0 = true }
        }
        reader.start()
    }

    /// The process id.
    public var processIdentifier: Int32 { process.processIdentifier }

    /// What the probe wrote to standard error so far (why it failed, when it did).
    public var errorOutput: String {
        (try? String(contentsOfFile: errorOutputPath, encoding: .utf8)) ?? ""
    }

    deinit {
        try? FileManager.default.removeItem(atPath: errorOutputPath)
    }

    /// Kills the probe with SIGKILL and waits for it.
    public func kill() {
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Waits for the probe to exit and for everything it printed to be read.
    /// - Returns: Its exit status.
    public func waitUntilExit() -> Int32 {
        process.waitUntilExit()
        let deadline = Date().addingTimeInterval(5)
        while !buffer.ended.withLock({ $0 }) && Date() < deadline { usleep(1000) }
        return process.terminationStatus
    }

    /// Complete lines printed so far.
    public var lines: [String] {
        let text = buffer.data.withLock { String(decoding: $0, as: UTF8.self) }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.removeLast()  // the part after the last newline is not a whole line yet
        return lines
    }

    /// Every "ack" line printed so far.
    public var acknowledgements: [Acknowledgement] {
        lines.compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count == 5 || fields.count == 6, fields[0] == "ack", let position = UInt64(fields[1]),
                let id = UUID(uuidString: String(fields[2])), let version = UInt64(fields[4])
            else { return nil }
            let attempts = fields.count == 6 ? Int(fields[5]) : 1
            guard let attempts else { return nil }
            return Acknowledgement(position: position, eventId: id, stream: String(fields[3]), version: version, attempts: attempts)
        }
    }

    /// Waits until at least `count` acknowledgements are printed or the process ends.
    public func waitForAcknowledgements(_ count: Int, timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while acknowledgements.count < count && process.isRunning && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
