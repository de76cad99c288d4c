import Dispatch
import Foundation
import Synchronization

/// Something that ends once, and tells whoever asks when it has.
package protocol BackgroundCompletion: Sendable {
    /// Calls `body` once the work has ended (at once when it has), on no particular thread.
    func whenFinished(_ body: @escaping @Sendable () -> Void)
}

/// Work started on another thread now, whose value is waited for later (synchronously: it is
/// waited for inside write transactions, which never span an `await`).
///
/// Work runs on Dispatch's shared threads, which are as many as the cores. It must never wait
/// there for other work: a waiting piece holds one of those few threads, and the work that runs
/// on every core (`DispatchQueue.concurrentPerform`) then ran on one thread until Dispatch
/// noticed and added another. So work that needs other work's results names it
/// (``init(after:_:)``) and is started only once that has ended; and work that waits by its
/// nature (the import's checks wait for room to hand over a batch) runs on a thread of its own
/// (``init(onOwnThread:)``). A thread of its own for every piece of work would not do either:
/// each new thread gets a memory arena of its own from the C allocator, and a ten-million-event
/// rebuild then held 390 MB instead of 230.
///
/// Visible to the package's other modules (the domain parses files ahead with it), not to users.
package final class BackgroundWork<Value: Sendable>: BackgroundCompletion {
    private struct State {
        var outcome: Result<Value, any Error>?
        var isFinished = false
        var waiting: [@Sendable () -> Void] = []
    }

    private let state = Mutex(State())
    private let finished = DispatchSemaphore(value: 0)

    /// Starts `work` on Dispatch's shared threads once every piece of work in `dependencies` has
    /// ended (at once when there is none); `work` may then read their values without waiting.
    package init(after dependencies: [any BackgroundCompletion] = [], _ work: @escaping @Sendable () throws -> Value) {
        guard !dependencies.isEmpty else {
            DispatchQueue.global().async { [self] in run(work) }
            return
        }
        let group = DispatchGroup()
        for dependency in dependencies {
            group.enter()
            dependency.whenFinished { group.leave() }
        }
        group.notify(queue: .global()) { [self] in run(work) }
    }

    /// Starts `work` on a new thread of its own: for work that waits for others while it runs,
    /// and that would hold one of Dispatch's shared threads meanwhile.
    package init(onOwnThread work: @escaping @Sendable () throws -> Value) {
        Thread { [self] in run(work) }.start()
    }

    private func run(_ work: () throws -> Value) {
        let result = Result { try work() }
        let waiting = state.withLock { state in
            state.outcome = result
            state.isFinished = true
            defer { state.waiting = [] }
            return state.waiting
        }
        finished.signal()
        for body in waiting { body() }
    }

    package func whenFinished(_ body: @escaping @Sendable () -> Void) {
        let hasFinished = state.withLock { state in
            if !state.isFinished { state.waiting.append(body) }
            return state.isFinished
        }
        if hasFinished { body() }
    }

    /// Waits for the work to end; its value, or what it threw.
    package func value() throws -> Value {
        finished.wait()
        finished.signal()
        return try state.withLock { $0.outcome! }.get()
    }

    /// Waits for the work to end and takes its value (or what it threw) out, so that the caller
    /// holds the only reference to it and may change it in place without a copy. Call it once,
    /// and not with ``value()``.
    package func take() throws -> Value {
        finished.wait()
        finished.signal()
        return try state.withLock { state in
            defer { state.outcome = nil }
            return state.outcome!
        }.get()
    }

    /// The work's value if it has ended without throwing; `nil` while it runs (or when it threw).
    /// Never waits.
    package var finishedValue: Value? {
        state.withLock { try? $0.outcome?.get() }
    }

    /// Waits for the work to end, whatever its outcome.
    package func wait() {
        finished.wait()
        finished.signal()
    }
}
