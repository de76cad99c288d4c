import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A progress line on standard error with events/s and time left, only when standard error is a
/// terminal.
final class Progress {
    let label: String
    private let total: UInt64
    private let started = ContinuousClock.now
    private var lastPrint = ContinuousClock.now
    private let enabled = isatty(STDERR_FILENO) == 1

    init(_ label: String, total: UInt64) {
        self.label = label
        self.total = total
    }

    func update(_ done: UInt64) {
        guard enabled, ContinuousClock.now - lastPrint > .milliseconds(200) else { return }
        lastPrint = ContinuousClock.now
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = seconds > 0 ? Double(done) / seconds : 0
        let left = rate > 0 && total > done ? Double(total - done) / rate : 0
        let line = "\(label): \(done)/\(total) events, \(Int(rate)) events/s, \(Int(left.rounded())) s left"
        FileHandle.standardError.write(Data(("\r" + line + "   ").utf8))
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}

/// A progress line shared with a `@Sendable` callback (called on the caller's thread).
final class ProgressBox: @unchecked Sendable {
    // @unchecked because the callbacks run synchronously on the thread that made the box.
    private var progress: Progress
    private var total: UInt64 = 0
    private let label: String

    init(_ progress: Progress) {
        self.progress = progress
        label = progress.label
    }

    func update(_ position: UInt64, _ head: UInt64) {
        if head != total {
            total = head
            progress = Progress(label, total: head)
        }
        progress.update(position)
    }

    func finish() { progress.finish() }
}
