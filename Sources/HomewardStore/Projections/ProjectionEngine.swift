import Foundation
import HomewardLMDB
import Logging
import Synchronization

/// Keeps projections up to date with the log, exactly once, in the same LMDB environment.
///
/// - Each projection's state lives in its own database; its checkpoint (version, position,
///   state) is written in the same write transaction as each batch of state, so a crash never
///   applies an event twice or skips one.
/// - ``catchUp()`` applies what the log has and the projection has not. Call it before a query
///   (queries then see every append made before them), or after appends.
/// - When a projection's version differs from the stored one, it is rebuilt from position 1
///   into a shadow copy, batch by batch, and swapped in at the end in one transaction: readers go
///   on reading the old copy until then and never see a half-built view. ``rebuild(_:)`` asks for
///   a rebuild by name.
/// - A projection that fails on an event stops there, is reported `failed` with the position,
///   type and cause, and never skips the event.
public final class ProjectionEngine: Sendable {
    struct Checkpoint: Codable, Sendable {
        var version: Int
        var activeSlot: Int
        var position: UInt64
        var shadowVersion: Int?
        var shadowPosition: UInt64?
        var failure: String?
        var eventsPerSecond: Double?
    }

    struct Runtime: Sendable {
        var eventsPerSecond: Double = 0
        var catchingUp = false
    }

    /// The store.
    public let store: EventStore
    /// The projections, by name.
    public let projections: [String: any Projection]
    /// Events per write transaction while catching up.
    public let batchSize: Int
    /// Events per write transaction while rebuilding into a shadow copy. Larger than
    /// ``batchSize``: a case touched by fewer batches is folded fewer times (on a 300,000-event
    /// campaign, batches of 20,000 rebuild at 62,000 events/s, batches of 300,000 at 171,000),
    /// at the cost of holding the environment's single writer (appends wait) for longer per batch.
    public let rebuildBatchSize: Int
    private let slots: [String: [Database]]
    private let runtime = Mutex<[String: Runtime]>([:])
    private let writerLock = Mutex(())
    /// Called after each batch a catch-up or rebuild applies, with the position reached and the
    /// log's head (for progress lines).
    public let progress: (@Sendable (_ position: UInt64, _ head: UInt64) -> Void)?

    /// Opens the projections' databases (creating them) in the store's environment.
    /// - Parameters:
    ///   - store: The store.
    ///   - projections: The projections; names must be unique.
    ///   - batchSize: Events per write transaction while catching up.
    ///   - rebuildBatchSize: Events per write transaction while rebuilding.
    ///   - progress: Called after each batch with the position reached and the log's head.
    /// - Throws: ``EventStoreError`` when the databases cannot be opened.
    public init(
        store: EventStore,
        projections: [any Projection],
        batchSize: Int = 20_000,
        rebuildBatchSize: Int = 250_000,
        progress: (@Sendable (_ position: UInt64, _ head: UInt64) -> Void)? = nil
    ) throws {
        self.store = store
        self.progress = progress
        self.batchSize = max(1, batchSize)
        self.rebuildBatchSize = max(1, rebuildBatchSize)
        var byName: [String: any Projection] = [:]
        var slots: [String: [Database]] = [:]
        for projection in projections {
            precondition(byName[projection.name] == nil, "two projections are named \(projection.name)")
            byName[projection.name] = projection
            do {
                let options: DatabaseOptions = store.options.readOnly ? [] : [.create]
                slots[projection.name] = try (0..<2).map { slot in
                    try store.storage.environment.openDatabase(named: "projection/\(projection.name)/\(slot)", options: options)
                }
            } catch {
                throw EventStore.storageError(error, while: "opening projection \(projection.name)")
            }
        }
        self.projections = byName
        self.slots = slots
    }

    private static func key(_ name: String) -> [UInt8] { Array("projection/\(name)".utf8) }

    private func checkpoint(_ name: String, in transaction: Transaction) throws -> Checkpoint? {
        guard let bytes = try transaction.get(store.storage.meta, key: ProjectionEngine.key(name)) else { return nil }
        return try JSONDecoder().decode(Checkpoint.self, from: Data(bytes))
    }

    private func save(_ checkpoint: Checkpoint, _ name: String, in transaction: Transaction) throws {
        try transaction.put(store.storage.meta, key: ProjectionEngine.key(name), value: Array(try JSONEncoder().encode(checkpoint)))
    }

    // MARK: Catching up

    /// Brings every projection up to the log's head (rebuilding those whose version changed).
    ///
    /// Projections that stand at the same position apply each batch together, in one write
    /// transaction, sharing a ``BatchCache``.
    /// - Throws: ``EventStoreError`` for storage failures. A projection's own failure does not
    ///   throw: it is recorded and shown by ``status()``.
    public func catchUp() throws {
        try writerLock.withLock { _ in
            try run(projections.keys.sorted())
        }
    }

    /// Rebuilds one projection from position 1 into a shadow copy, then swaps it in.
    /// - Parameter name: The projection's name.
    /// - Throws: ``EventStoreError`` for an unknown name or storage failures.
    public func rebuild(_ name: String) throws {
        try rebuild([name])
    }

    /// Rebuilds several projections together from position 1, each into its shadow copy, then
    /// swaps each in.
    /// - Parameter names: The projections' names; all of them when empty.
    /// - Throws: ``EventStoreError`` for an unknown name or storage failures.
    public func rebuild(_ names: [String]) throws {
        let names = names.isEmpty ? projections.keys.sorted() : names
        for name in names where projections[name] == nil {
            throw EventStoreError(.invalidEvent, "there is no projection named '\(name)' (known: \(projections.keys.sorted().joined(separator: ", ")))")
        }
        try writerLock.withLock { _ in
            try write { transaction in
                for name in names {
                    var point = try checkpoint(name, in: transaction) ?? Checkpoint(version: projections[name]!.version, activeSlot: 0, position: 0)
                    point.shadowVersion = projections[name]!.version
                    point.shadowPosition = 0
                    point.failure = nil
                    try transaction.removeAll(slots[name]![1 - point.activeSlot])
                    try save(point, name, in: transaction)
                }
            }
            try run(names)
        }
    }

    private func write<T>(_ body: (Transaction) throws -> T) throws -> T {
        do {
            return try store.storage.environment.write(body)
        } catch {
            throw EventStore.storageError(error, while: "updating projections", at: store.path)
        }
    }

    /// Brings the named projections to the head, in groups of those at the same position.
    private func run(_ names: [String]) throws {
        // Start a rebuild where the stored version is not the projection's version.
        var points = try write { transaction -> [String: Checkpoint] in
            var points: [String: Checkpoint] = [:]
            for name in names {
                let projection = projections[name]!
                var point = try checkpoint(name, in: transaction) ?? Checkpoint(version: projection.version, activeSlot: 0, position: 0)
                if point.failure == nil, point.version != projection.version, point.shadowVersion != projection.version {
                    point.shadowVersion = projection.version
                    point.shadowPosition = 0
                    try transaction.removeAll(slots[name]![1 - point.activeSlot])
                    try save(point, name, in: transaction)
                }
                points[name] = point
            }
            return points
        }
        while true {
            let pending = names.filter { points[$0]?.failure == nil }
            guard !pending.isEmpty else { return }
            func from(_ point: Checkpoint) -> UInt64 { (point.shadowVersion != nil ? point.shadowPosition ?? 0 : point.position) }
            let start = pending.map { from(points[$0]!) }.min()!
            let group = pending.filter { from(points[$0]!) == start }
            let finished = try catchUp(group, from: start)
            for name in finished { points[name]?.failure = "done" }
            let refreshed = try store.read("reading projection checkpoints") { transaction in
                try group.map { ($0, try checkpoint($0, in: transaction)) }
            }
            for (name, point) in refreshed {
                if let point, point.failure != nil { points[name] = point } else if let point, !finished.contains(name) { points[name] = point }
            }
        }
    }

    /// Applies batches from `start` to a group of projections at that position; returns those
    /// that reached the head (or failed).
    private func catchUp(_ group: [String], from start: UInt64) throws -> [String] {
        for name in group { runtime.withLock { $0[name, default: Runtime()].catchingUp = true } }
        defer { for name in group { runtime.withLock { $0[name, default: Runtime()].catchingUp = false } } }
        let started = ContinuousClock.now
        var applied: UInt64 = 0
        var active = group
        while !active.isEmpty {
            let outcome = try write({ transaction -> (done: Bool, count: Int) in
                let first = try active.compactMap { try checkpoint($0, in: transaction) }
                let positionBefore = first.map { $0.shadowVersion != nil ? $0.shadowPosition ?? 0 : $0.position }.min() ?? start
                let limit = first.contains { $0.shadowVersion != nil } ? rebuildBatchSize : batchSize
                let events = try store.storage.events(from: positionBefore + 1, through: .max, limit: limit, in: transaction)
                let cache = BatchCache()
                for name in active {
                    var current = try checkpoint(name, in: transaction) ?? Checkpoint(version: projections[name]!.version, activeSlot: 0, position: 0)
                    let rebuilding = current.shadowVersion != nil
                    let slot = rebuilding ? 1 - current.activeSlot : current.activeSlot
                    if events.isEmpty {
                        if rebuilding {
                            // Swap the finished shadow in, and empty the old copy.
                            try transaction.removeAll(slots[name]![current.activeSlot])
                            current = Checkpoint(version: current.shadowVersion ?? projections[name]!.version, activeSlot: slot, position: current.shadowPosition ?? 0)
                            try save(current, name, in: transaction)
                            store.logger.info("rebuilt projection", metadata: ["name": "\(name)", "version": "\(current.version)", "position": "\(current.position)"])
                        }
                        continue
                    }
                    let context = ProjectionContext(transaction: transaction, database: slots[name]![slot], storage: store.storage, keys: store.keys, batchCache: cache)
                    do {
                        try projections[name]!.apply(events, in: context)
                    } catch {
                        let failure: String
                        if let located = error as? ProjectionFailure {
                            failure = located.description
                        } else {
                            failure = "position \(events[0].position) (\(events[0].type)) or later in the batch: \(error)"
                        }
                        throw ApplyFailure(name: name, description: failure)
                    }
                    if rebuilding {
                        current.shadowPosition = events.last!.position
                    } else {
                        current.position = events.last!.position
                    }
                    try save(current, name, in: transaction)
                }
                return (events.isEmpty, events.count)
            }, catchingApplyFailure: { failure in
                try self.write { transaction in
                    if var current = try self.checkpoint(failure.name, in: transaction) {
                        current.failure = failure.description
                        try self.save(current, failure.name, in: transaction)
                    }
                }
                self.store.logger.error("projection failed", metadata: ["name": "\(failure.name)", "failure": "\(failure.description)"])
                active.removeAll { $0 == failure.name }
            })
            guard let outcome else { continue }
            applied += UInt64(outcome.count)
            if let progress, outcome.count > 0 { progress(start + applied, try store.head().position) }
            if outcome.done { break }
        }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        if applied > 0, seconds > 0 {
            let rate = Double(applied) / seconds
            try write { transaction in
                for name in group {
                    runtime.withLock { $0[name, default: Runtime()].eventsPerSecond = rate }
                    if var current = try checkpoint(name, in: transaction) {
                        current.eventsPerSecond = rate
                        try save(current, name, in: transaction)
                    }
                }
            }
        }
        return group
    }

    private struct ApplyFailure: Error {
        let name: String
        let description: String
    }

    /// Runs a write that may fail in the projection; such a failure is handed to `failed`
    /// (outside the aborted transaction) and gives `nil`.
    private func write<T>(_ body: (Transaction) throws -> T, catchingApplyFailure failed: (ApplyFailure) throws -> Void) throws -> T? {
        do {
            return try store.storage.environment.write(body)
        } catch let failure as ApplyFailure {
            try failed(failure)
            return nil
        } catch {
            throw EventStore.storageError(error, while: "updating projections", at: store.path)
        }
    }

    // MARK: Reading

    /// Reads a projection's live state in one read transaction: a consistent snapshot.
    /// - Parameters:
    ///   - name: The projection.
    ///   - body: Reads through the context (do not write).
    /// - Returns: What `body` returns.
    public func read<T>(_ name: String, _ body: (ProjectionContext) throws -> T) throws -> T {
        guard let databases = slots[name] else {
            throw EventStoreError(.invalidEvent, "there is no projection named '\(name)'")
        }
        return try store.read("reading projection \(name)") { transaction in
            let slot = try checkpoint(name, in: transaction)?.activeSlot ?? 0
            return try body(ProjectionContext(transaction: transaction, database: databases[slot], storage: store.storage, keys: store.keys))
        }
    }

    /// Every projection's position, lag, speed and state.
    public func status() throws -> [ProjectionStatus] {
        let head = try store.head().position
        return try store.read("reading projection status") { transaction in
            try projections.keys.sorted().map { name in
                let projection = projections[name]!
                let point = try checkpoint(name, in: transaction)
                let live = runtime.withLock { $0[name] ?? Runtime() }
                let state: ProjectionStatus.State
                if point?.failure != nil {
                    state = .failed
                } else if point?.shadowVersion != nil || (point.map { $0.version != projection.version } ?? false) {
                    state = .rebuilding
                } else if live.catchingUp || (point?.position ?? 0) < head {
                    state = .catchingUp
                } else {
                    state = .live
                }
                let position = point?.position ?? 0
                return ProjectionStatus(
                    name: name,
                    version: point?.version ?? projection.version,
                    position: position,
                    lag: head > position ? head - position : 0,
                    eventsPerSecond: live.eventsPerSecond > 0 ? live.eventsPerSecond : point?.eventsPerSecond ?? 0,
                    state: state,
                    failure: point?.failure
                )
            }
        }
    }
}
