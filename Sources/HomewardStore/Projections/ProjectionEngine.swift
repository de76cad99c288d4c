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
        /// During a stream-by-stream rebuild: the log position the shadow copy is rebuilt to,
        /// and the name of the last stream applied (empty before the first).
        var shadowSnapshotHead: UInt64?
        var shadowLastStream: String?
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
    /// Rebuilds the projections it names stream by stream (see ``StreamRebuilder``).
    public let streamRebuilder: (any StreamRebuilder)?
    /// Events per write transaction of a stream-by-stream rebuild (streams are never split).
    public let streamGroupSize: Int
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
    ///   - rebuildBatchSize: Events per write transaction while rebuilding in batches.
    ///   - streamRebuilder: Rebuilds the projections it names stream by stream, each stream
    ///     read and folded once; without one, rebuilds fold the log in batches.
    ///   - streamGroupSize: Events per write transaction of a stream-by-stream rebuild.
    ///   - progress: Called after each batch with the position reached and the log's head.
    /// - Throws: ``EventStoreError`` when the databases cannot be opened.
    public init(
        store: EventStore,
        projections: [any Projection],
        batchSize: Int = 20_000,
        rebuildBatchSize: Int = 250_000,
        streamRebuilder: (any StreamRebuilder)? = nil,
        streamGroupSize: Int = 100_000,
        progress: (@Sendable (_ position: UInt64, _ head: UInt64) -> Void)? = nil
    ) throws {
        self.store = store
        self.progress = progress
        self.streamRebuilder = streamRebuilder
        self.streamGroupSize = max(1, streamGroupSize)
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
                    point.shadowSnapshotHead = nil
                    point.shadowLastStream = nil
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
            let logIsEmpty = try store.storage.head(in: transaction).position == 0
            for name in names {
                let projection = projections[name]!
                var point = try checkpoint(name, in: transaction) ?? Checkpoint(version: projection.version, activeSlot: 0, position: 0)
                let changed = point.version != projection.version && point.shadowVersion != projection.version
                // A first fill of a log with events is a rebuild: stream by stream when a
                // rebuilder can, and into the shadow copy, so readers never see it half done.
                let firstFill = point.position == 0 && point.shadowVersion == nil && !logIsEmpty
                    && streamRebuilder?.projectionNames.contains(name) == true
                if point.failure == nil, changed || firstFill {
                    point.shadowVersion = projection.version
                    point.shadowPosition = 0
                    point.shadowSnapshotHead = nil
                    point.shadowLastStream = nil
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
            if start == 0, let streamRebuilder, group.allSatisfy({ streamRebuilder.projectionNames.contains($0) && points[$0]!.shadowVersion != nil }) {
                try rebuildStreamwise(group, with: streamRebuilder)
                points = try store.read("reading projection checkpoints") { transaction in
                    var refreshed = points
                    for name in group { refreshed[name] = try checkpoint(name, in: transaction) }
                    return refreshed
                }
                continue
            }
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
                            current = Checkpoint(
                                version: current.shadowVersion ?? projections[name]!.version, activeSlot: slot, position: current.shadowPosition ?? 0,
                                eventsPerSecond: current.eventsPerSecond
                            )
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
                        throw ApplyFailure(names: [name], description: failure)
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
                try self.record(failure)
                active.removeAll { failure.names.contains($0) }
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
        let names: [String]
        let description: String
    }

    /// Marks the projections of a failure failed (in a transaction of its own).
    private func record(_ failure: ApplyFailure) throws {
        try write { transaction in
            for name in failure.names {
                if var current = try checkpoint(name, in: transaction) {
                    current.failure = failure.description
                    try save(current, name, in: transaction)
                }
            }
        }
        store.logger.error("projection failed", metadata: ["names": "\(failure.names.joined(separator: ", "))", "failure": "\(failure.description)"])
    }

    // MARK: Rebuilding stream by stream

    /// A group of whole streams read from the log, on another thread.
    private struct StreamGroup: Sendable {
        var streams: [[RecordedEvent]]
        /// The name of the last stream looked at; `nil` when no stream was left.
        var lastStream: String?
        /// The events read by this rebuild up to and with this group; `nil` when it resumed
        /// (the events read before it stopped are not counted).
        var eventsRead: Int?
    }

    /// A group of streams read from the log and folded, on another thread.
    private struct FoldedGroup<Folded: Sendable>: Sendable {
        /// The number of the last stream looked at; `nil` when no stream was left.
        var lastStream: String?
        var events: Int
        var firstStream: String?
        var folded: Result<Folded, any Error>?
    }

    /// Fills the shadow copies of a group of projections (all rebuilding from position 0) up to
    /// a snapshot head, stream by stream, one group of streams per write transaction; resumes
    /// after the last group written when a previous run stopped. While a group is written, the
    /// next one is read (in a read transaction of its own: the log up to the snapshot head never
    /// changes) and folded on other threads. Afterwards each projection's shadow stands at the
    /// snapshot head, or is marked failed.
    private func rebuildStreamwise<Rebuilder: StreamRebuilder>(_ group: [String], with rebuilder: Rebuilder) throws {
        runtime.withLock { for name in group { $0[name, default: Runtime()].catchingUp = true } }
        defer { runtime.withLock { for name in group { $0[name, default: Runtime()].catchingUp = false } } }
        let started = ContinuousClock.now
        // The snapshot: resumed when every projection of the group stopped at the same stream,
        // else started afresh at the current head with empty shadow copies.
        let (head, resumeAfter) = try write { transaction -> (UInt64, String) in
            let points = try group.map { try self.checkpoint($0, in: transaction)! }
            if let head = points[0].shadowSnapshotHead, let done = points[0].shadowLastStream,
                points.allSatisfy({ $0.shadowSnapshotHead == head && $0.shadowLastStream == done })
            {
                return (head, done)
            }
            let head = try store.storage.head(in: transaction).position
            for (name, var point) in zip(group, points) {
                try transaction.removeAll(slots[name]![1 - point.activeSlot])
                point.shadowSnapshotHead = head
                point.shadowLastStream = ""
                try save(point, name, in: transaction)
            }
            return (head, "")
        }
        let names = Set(group)
        let groupSize = streamGroupSize
        // The log's leaf pages, found from its branch pages (4 ms for a million events; a
        // lookup per leaf page took 30), before the first group is read: every group reads the
        // records straight from the pages (the first group, read through a cursor while the
        // pages were looked up, took 50–70 ms instead of 30–45).
        let logPages = BackgroundWork { [store] in
            try store.read("finding the log's pages") { try store.storage.logPages(through: head, in: $0) }
        }
        // The log's pages mapped into the process on the core that the first read leaves idle:
        // the first group touches pages all over the log for the first time.
        let touchedPages = BackgroundWork(after: [logPages]) { [store] in
            try store.read("mapping the log's pages") { try logPages.value().touch(in: store.storage.log, $0) }
        }
        // While one group is written, the next two are folded (one after the other, each on
        // every core) and finished (a group's finish beside the next group's fold), and the one
        // after them is read, on threads of their own: a fold waits neither for the writer nor
        // for the finish before it, so that neither core idles when the steps take unequal
        // times (the finish beside the next fold: 1.32 → 1.28 s for a million events). The
        // first two groups are a quarter and a half of the others, so that the writer starts
        // sooner: until the first group is read and folded, one core reads and the other waits.
        func read(after previous: BackgroundWork<StreamGroup>?, size: Int) -> BackgroundWork<StreamGroup> {
            let store = self.store
            // Started once the previous read has ended, the first once the log's pages are known
            // (no thread waits for them).
            return BackgroundWork(after: previous.map { [$0] } ?? [logPages]) {
                let before = try previous?.value()
                guard let after = before.map({ $0.lastStream }) ?? resumeAfter else { return StreamGroup(streams: [], lastStream: nil, eventsRead: nil) }
                let readBefore = before.map(\.eventsRead) ?? (resumeAfter.isEmpty ? 0 : nil)
                // What would be left after this group, when less than a quarter of a group,
                // joins it: a small last group would cost a commit of its own at the end, where
                // the writer works alone.
                var size = max(1, size)
                if let readBefore, Int(head) - readBefore <= size + size / 4 { size = max(size, Int(head) - readBefore) }
                let (streams, lastStream) = try store.read("reading streams to rebuild projections") { transaction in
                    try store.storage.wholeStreams(
                        after: after, through: head, minimumEvents: size, logPages: logPages.finishedValue ?? ConsecutiveKeyPages(), in: transaction
                    )
                }
                return StreamGroup(streams: streams, lastStream: lastStream, eventsRead: readBefore.map { $0 + streams.reduce(0) { $0 + $1.count } })
            }
        }
        func fold(_ read: BackgroundWork<StreamGroup>, after previous: BackgroundWork<FoldedGroup<Rebuilder.Folded>>?) -> BackgroundWork<FoldedGroup<Rebuilder.Folded>> {
            let keys = store.keys
            // Started once its group is read and the fold before it has ended (one fold at a
            // time: each uses every core).
            return BackgroundWork(after: [read] + (previous.map { [$0] } ?? [])) {
                let group = try read.value()
                return FoldedGroup(
                    lastStream: group.lastStream, events: group.streams.reduce(0) { $0 + $1.count }, firstStream: group.streams.first?.first?.stream.rawValue,
                    folded: group.lastStream == nil ? nil : Result { try rebuilder.fold(group.streams, for: names, keys: keys) }
                )
            }
        }
        // Started once its group is folded, beside the next group's fold.
        func finish(_ fold: BackgroundWork<FoldedGroup<Rebuilder.Folded>>) -> BackgroundWork<FoldedGroup<Rebuilder.Finished>> {
            BackgroundWork(after: [fold]) {
                let group = try fold.take()
                return FoldedGroup(
                    lastStream: group.lastStream, events: group.events, firstStream: group.firstStream,
                    folded: group.folded.map { folded in Result { try rebuilder.finish(folded.get()) } }
                )
            }
        }
        /// What a failure of a group says: the event a projection names, else the group.
        func failure(_ error: any Error, in group: FoldedGroup<Rebuilder.Finished>) -> String {
            (error as? ProjectionFailure)?.description ?? "stream \(group.firstStream ?? "?") or a later stream of the same group: \(error)"
        }
        var applied: UInt64 = 0
        var nextRead = read(after: nil, size: groupSize / 4)
        var lastFold = fold(nextRead, after: nil)
        var finishes = [finish(lastFold)]
        nextRead = read(after: nextRead, size: groupSize / 2)
        lastFold = fold(nextRead, after: lastFold)
        finishes.append(finish(lastFold))
        nextRead = read(after: nextRead, size: groupSize)
        // Whatever the way out, the work still in flight (it reads the log) ends first.
        defer {
            for work in finishes { work.wait() }
            nextRead.wait()
            logPages.wait()
            touchedPages.wait()
        }
        while true {
            let current = try finishes.removeFirst().take()
            let folded: Rebuilder.Finished?
            do {
                folded = try current.folded?.get()
            } catch {
                try record(ApplyFailure(names: group, description: failure(error, in: current)))
                return
            }
            if current.lastStream != nil {
                lastFold = fold(nextRead, after: lastFold)
                finishes.append(finish(lastFold))
                nextRead = read(after: nextRead, size: groupSize)
            }
            applied += UInt64(current.events)
            let rate: Double? = {
                let elapsed = ContinuousClock.now - started
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                return applied > 0 && seconds > 0 ? Double(applied) / seconds : nil
            }()
            let written: Bool? = try write({ transaction -> Bool in
                var points = try group.map { try checkpoint($0, in: transaction)! }
                if let folded {
                    var contexts: [String: ProjectionContext] = [:]
                    for (name, point) in zip(group, points) {
                        contexts[name] = ProjectionContext(
                            transaction: transaction, database: slots[name]![1 - point.activeSlot], storage: store.storage, keys: store.keys
                        )
                    }
                    do {
                        try rebuilder.write(folded, into: contexts)
                    } catch {
                        throw ApplyFailure(names: group, description: failure(error, in: current))
                    }
                }
                for index in points.indices {
                    if let lastStream = current.lastStream {
                        points[index].shadowLastStream = lastStream
                    } else {
                        points[index].shadowPosition = head
                        points[index].shadowSnapshotHead = nil
                        points[index].shadowLastStream = nil
                        if let rate { points[index].eventsPerSecond = rate }
                    }
                    try save(points[index], group[index], in: transaction)
                }
                return true
            }, catchingApplyFailure: { failure in
                try self.record(failure)
            })
            guard written != nil else {  // failed, and recorded
                return
            }
            if let progress, current.events > 0 { progress(min(applied, head), head) }
            if current.lastStream == nil {
                if let rate { runtime.withLock { for name in group { $0[name, default: Runtime()].eventsPerSecond = rate } } }
                return
            }
        }
    }

    /// Runs a write that may fail in a projection; such a failure is handed to `failed`
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
                    failure: point?.failure,
                    rebuildPosition: point?.shadowVersion != nil ? point?.shadowPosition ?? 0 : nil,
                    streamRebuild: point.flatMap { point in
                        point.shadowSnapshotHead.map {
                            ProjectionStatus.StreamRebuildProgress(snapshotHead: $0, lastStreamDone: point.shadowLastStream.flatMap { $0.isEmpty ? nil : $0 })
                        }
                    }
                )
            }
        }
    }
}
