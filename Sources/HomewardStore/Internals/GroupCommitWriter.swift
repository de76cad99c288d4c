import Dispatch
import Foundation
import HomewardLMDB
import Synchronization

/// The single writer behind `async` appends: it takes every append waiting in its queue, writes
/// them in one LMDB transaction, commits once (one fsync for all) and only then answers each caller.
///
/// Each append is checked on its own (expected version, idempotency): one that fails is answered
/// with its error and leaves the others of the group untouched.
final class GroupCommitWriter: Sendable {
    struct Pending: Sendable {
        let request: AppendRequest
        let continuation: CheckedContinuation<AppendResult, any Error>
    }

    private struct State {
        var queue: [Pending] = []
        var isRunning = false
        var isStopping = false
        /// The queue length at which a submission wakes the writer; 0 while it is not waiting.
        var wakeAtQueueLength = 0
    }

    private let storage: LogStorage
    private let clock: @Sendable () -> Timestamp
    private let limit: Int
    private let state = Mutex(State())
    private let wakeUp = DispatchSemaphore(value: 0)
    private let notifier: AppendNotifier
    /// The unindexed records as the writer's transactions know them, kept from one to the next.
    private let unindexed = WriterTable()

    /// Holds the writer's table. `@unchecked Sendable`: only the writer's thread uses it.
    private final class WriterTable: @unchecked Sendable {
        let table = UnindexedTable()
    }

    init(storage: LogStorage, notifier: AppendNotifier, clock: @escaping @Sendable () -> Timestamp, limit: Int) {
        self.storage = storage
        self.notifier = notifier
        self.clock = clock
        self.limit = max(1, limit)
    }

    func submit(_ pending: Pending) {
        let (mustStart, mustWake) = state.withLock { state -> (Bool, Bool) in
            state.queue.append(pending)
            let mustStart = !state.isRunning
            state.isRunning = true
            // Only the submission the writer waits for wakes it: waking it for each of a group's
            // callers cost a system call and a context switch per append.
            guard state.wakeAtQueueLength > 0, state.queue.count >= state.wakeAtQueueLength else { return (mustStart, false) }
            state.wakeAtQueueLength = 0
            return (mustStart, true)
        }
        if mustStart {
            let thread = Thread { [self] in run() }
            thread.name = "homeward-writer"
            thread.start()
        }
        if mustWake { wakeUp.signal() }
    }

    /// Lets the thread finish what is queued and end.
    func stop() {
        state.withLock { $0.isStopping = true }
        wakeUp.signal()
    }

    /// The longest the writer waits for the callers of its last group to come back before it
    /// commits a smaller group.
    static let linger = DispatchTimeInterval.microseconds(250)

    private func run() {
        var lastGroup = 0
        while true {
            // The callers just answered need a moment to append again; committing at once would
            // spend one fsync on the first of them. Waiting (briefly) for as many as the last
            // group keeps groups large under steady concurrency; a lone caller (a group of one)
            // never waits, and an idle writer sleeps until the next append.
            if lastGroup > 1 {
                waitForQueue(atLeast: lastGroup, until: DispatchTime.now() + GroupCommitWriter.linger)
            } else {
                waitForQueue(atLeast: 1, until: nil)
            }
            let (batch, shouldEnd) = takeBatch()
            if batch.isEmpty {
                if shouldEnd { return }
                lastGroup = 0
                continue
            }
            lastGroup = batch.count
            commit(batch)
        }
    }

    /// Returns once `count` appends are queued, the writer is stopping, or `deadline` passed.
    /// A wake-up left over from an earlier wait only makes the check run once more.
    private func waitForQueue(atLeast count: Int, until deadline: DispatchTime?) {
        while true {
            let isReady = state.withLock { state -> Bool in
                if state.queue.count >= count || state.isStopping {
                    state.wakeAtQueueLength = 0
                    return true
                }
                state.wakeAtQueueLength = count
                return false
            }
            if isReady { return }
            if let deadline {
                if wakeUp.wait(timeout: deadline) == .timedOut {
                    state.withLock { $0.wakeAtQueueLength = 0 }
                    return
                }
            } else {
                wakeUp.wait()
            }
        }
    }

    private func takeBatch() -> ([Pending], Bool) {
        state.withLock { state in
            var events = 0
            var count = 0
            for pending in state.queue {
                if count > 0 && events + pending.request.events.count > limit { break }
                events += pending.request.events.count
                count += 1
            }
            let batch = Array(state.queue.prefix(count))
            state.queue.removeFirst(count)
            if batch.isEmpty && state.isStopping { state.isRunning = false }
            return (batch, state.isStopping)
        }
    }

    private func commit(_ batch: [Pending]) {
        let table = unindexed.table
        let outcomes: [Result<AppendResult, EventStoreError>]
        do {
            outcomes = try storage.environment.write { transaction in
                let cursors = try AppendCursors(storage, in: transaction, unindexed: table)
                var head = try storage.head(using: cursors.log, in: transaction)
                try table.startTransaction(storage, head: head.position, in: transaction)
                table.readsRecordsOnce = batch.count > 1
                let now = clock()
                // The group's appends may stay out of the indexes: a few when alone, as a
                // synchronous one, more in a group (see `StorageLayout.unindexedLimitInGroup`).
                let limit = batch.count == 1 ? StorageLayout.unindexedLimitAlone : StorageLayout.unindexedLimitInGroup
                return try batch.map {
                    try storage.apply($0.request, head: &head, now: now, cursors: cursors, leavingUnindexed: limit, in: transaction)
                }
            }
        } catch {
            table.reset()
            let failure = EventStore.storageError(error, while: "the append", at: storage.environment.path)
            for pending in batch { pending.continuation.resume(throwing: failure) }
            return
        }
        if outcomes.contains(where: { (try? $0.get())?.wasAlreadyStored == false }) {
            notifier.notify()
        }
        for (pending, outcome) in zip(batch, outcomes) {
            pending.continuation.resume(with: outcome.mapError { $0 as any Error })
        }
    }
}
