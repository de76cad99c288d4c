import Dispatch
import Synchronization

/// Batches handed from the thread that checks an import to the thread that appends it, at most
/// `capacity` waiting at a time (so the checks run ahead of the appends by a bounded amount of
/// memory), then the end: success, or the error that stops the import.
final class BatchHandover<Batch: Sendable>: Sendable {
    private struct State {
        var waiting: [Batch] = []
        var end: Result<Void, any Error>?
        var cancelled = false
    }

    private let state = Mutex(State())
    private let ready = DispatchSemaphore(value: 0)
    private let room: DispatchSemaphore

    init(capacity: Int) {
        room = DispatchSemaphore(value: max(1, capacity))
    }

    /// Hands over a batch, waiting while `capacity` batches wait; `false` once the taker has
    /// cancelled (the batch is dropped).
    func put(_ batch: Batch) -> Bool {
        room.wait()
        let accepted = state.withLock { state in
            guard !state.cancelled else { return false }
            state.waiting.append(batch)
            return true
        }
        if accepted { ready.signal() } else { room.signal() }
        return accepted
    }

    /// Ends the handover: after the batches waiting, ``take()`` returns `nil` (success) or throws.
    func finish(_ end: Result<Void, any Error>) {
        let first = state.withLock { state in
            guard state.end == nil else { return false }
            state.end = end
            return true
        }
        if first { ready.signal() }
    }

    /// The next batch, waiting for it; `nil` after the last.
    /// - Throws: The error the handover was finished with, once the batches before it are taken.
    func take() throws -> Batch? {
        ready.wait()
        let next: Result<Batch?, any Error> = state.withLock { state in
            if !state.waiting.isEmpty { return .success(state.waiting.removeFirst()) }
            return state.end!.map { nil }
        }
        if case .success(let batch?) = next {
            room.signal()
            return batch
        }
        ready.signal()  // the end stays visible to later calls
        return try next.get()
    }

    /// Stops taking: batches waiting are dropped, and ``put(_:)`` returns `false` from now on.
    func cancel() {
        let dropped = state.withLock { state in
            state.cancelled = true
            defer { state.waiting.removeAll() }
            return state.waiting.count
        }
        for _ in 0..<(dropped + 1) { room.signal() }
    }
}
