import Foundation
import HomewardStore
import HomewardTesting
import Testing

@Suite(.serialized)
struct CrashTests {
    /// A helper appends in a loop and prints each acknowledged position; it is killed with SIGKILL
    /// at a random moment, 50 times (`HOMEWARD_CRASH_ROUNDS`). After every kill the store opens,
    /// the chain verifies, and every event acknowledged so far is there.
    @Test(arguments: [false, true])
    func everyAcknowledgedAppendSurvivesSIGKILL(groupCommit: Bool) async throws {
        let directory = try TemporaryDirectory()
        let path = directory.appending("store")
        _ = try EventStore(path: path)
        var generator = SystemRandomNumberGenerator()
        var acknowledged: [ProbeProcess.Acknowledgement] = []
        let rounds = ProcessInfo.processInfo.environment["HOMEWARD_CRASH_ROUNDS"].flatMap(Int.init) ?? 50
        for round in 0..<rounds {
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
            let reopened = try EventStore(path: path)
            let report = try reopened.verify()
            #expect(report.isSound, "round \(round): \(report.problems)")
            for ack in acks {
                #expect(try reopened.event(withId: ack.eventId)?.position == ack.position, "round \(round): acknowledged event at \(ack.position) is missing")
            }
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
