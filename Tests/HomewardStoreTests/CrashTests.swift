import Foundation
import HomewardStore
import HomewardTesting
import Testing

@Suite(.serialized)
struct CrashTests {
    /// A helper appends in a loop and prints each acknowledged position; it is killed with SIGKILL
    /// at a random moment, twenty times. Every acknowledged event must be there afterwards, and
    /// the chain must verify.
    @Test(arguments: [false, true])
    func everyAcknowledgedAppendSurvivesSIGKILL(groupCommit: Bool) async throws {
        let directory = try TemporaryDirectory()
        let path = directory.appending("store")
        _ = try EventStore(path: path)
        var generator = SystemRandomNumberGenerator()
        var acknowledged: [ProbeProcess.Acknowledgement] = []
        for round in 0..<20 {
            var arguments = ["append-loop", path, "case-round\(round)", "0", "4"]
            if groupCommit { arguments += ["--async", "8"] }
            let probe = try ProbeProcess(arguments)
            try await probe.waitForAcknowledgements(1)
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...60, using: &generator)))
            probe.kill()
            try await Task.sleep(for: .milliseconds(20))
            let acks = probe.acknowledgements
            #expect(!acks.isEmpty, "round \(round) acknowledged nothing")
            acknowledged += acks
        }
        let store = try EventStore(path: path)
        let report = try store.verify()
        #expect(report.isSound, "\(report.problems)")
        for ack in acknowledged {
            let event = try store.event(withId: ack.eventId)
            #expect(event?.position == ack.position, "acknowledged event at \(ack.position) is missing")
            #expect(event?.stream.rawValue == ack.stream)
        }
        // The log holds whole appends only: every stream's versions are gapless.
        let events = try store.events(from: 1, limit: .max)
        #expect(events.map(\.position) == Array(1...UInt64(events.count)))
        #expect(events.count >= acknowledged.count)
    }
}
