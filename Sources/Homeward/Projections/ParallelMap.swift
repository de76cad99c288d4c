import Dispatch
import Foundation
import Synchronization

/// Maps independent items on every core: the fold of one case needs nothing from another.
enum ParallelMap {
    /// The workers used: the active processors, at most 8.
    static let workers = max(1, min(8, ProcessInfo.processInfo.activeProcessorCount))

    /// `items.map(transform)`, computed by ``workers`` threads, each taking the next item not
    /// taken yet (items of unequal cost then keep every thread busy to the end); the result is
    /// in the items' order. The first error (in item order) is rethrown.
    static func map<Item: Sendable, Result: Sendable>(
        _ items: [Item],
        minimumPerWorker: Int = 32,
        _ transform: @Sendable (Item) throws -> Result
    ) throws -> [Result] {
        let workers = min(Self.workers, items.count / max(1, minimumPerWorker))
        guard workers > 1 else { return try items.map(transform) }
        let slots = Slots<Result>(count: items.count)
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard index < items.count else { return }
                slots.set(index, Swift.Result { try transform(items[index]) })
            }
        }
        return try slots.results()
    }

    /// One result slot per item, each written by exactly one worker before the workers join.
    private final class Slots<Value: Sendable>: @unchecked Sendable {
        private let storage: UnsafeMutableBufferPointer<Swift.Result<Value, any Error>?>

        init(count: Int) {
            storage = .allocate(capacity: count)
            storage.initialize(repeating: nil)
        }

        deinit {
            storage.deinitialize()
            storage.deallocate()
        }

        func set(_ index: Int, _ result: Swift.Result<Value, any Error>) { storage[index] = result }

        func results() throws -> [Value] { try storage.map { try $0!.get() } }
    }
}
