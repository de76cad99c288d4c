import Dispatch
import Foundation
import Synchronization

/// Work started on another thread now, whose value is waited for later (synchronously: it is
/// waited for inside write transactions, which never span an `await`).
///
/// Each piece of work runs on a thread of its own, not on Dispatch's shared threads: work that
/// waits for other work (a group's fold waits for its read and for the fold before it, the
/// import's checks wait for room to hand over a batch) would hold one of those few threads
/// while it waits, and the work that runs on every core (`DispatchQueue.concurrentPerform`)
/// then ran on one thread until Dispatch noticed and added another.
///
/// Visible to the package's other modules (the domain parses files ahead with it), not to users.
package final class BackgroundWork<Value: Sendable>: Sendable {
    private let outcome = Mutex<Result<Value, any Error>?>(nil)
    private let finished = DispatchSemaphore(value: 0)

    /// Starts `work` on a new thread.
    package init(_ work: @escaping @Sendable () throws -> Value) {
        Thread { [self] in
            let result = Result { try work() }
            outcome.withLock { $0 = result }
            finished.signal()
        }.start()
    }

    /// Waits for the work to end; its value, or what it threw.
    package func value() throws -> Value {
        finished.wait()
        finished.signal()
        return try outcome.withLock { $0! }.get()
    }

    /// Waits for the work to end and takes its value (or what it threw) out, so that the caller
    /// holds the only reference to it and may change it in place without a copy. Call it once,
    /// and not with ``value()``.
    package func take() throws -> Value {
        finished.wait()
        finished.signal()
        return try outcome.withLock { stored in
            defer { stored = nil }
            return stored!
        }.get()
    }

    /// The work's value if it has ended without throwing; `nil` while it runs (or when it threw).
    /// Never waits.
    package var finishedValue: Value? {
        outcome.withLock { try? $0?.get() }
    }

    /// Waits for the work to end, whatever its outcome.
    package func wait() {
        finished.wait()
        finished.signal()
    }
}
