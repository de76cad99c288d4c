/// Rebuilds projections stream by stream instead of batch by batch: the fastest way to fill
/// projections whose state is kept per stream.
///
/// Folding the log in batches of positions folds a stream again in every batch that touches it
/// (a case's events are spread over the whole log). A rebuilder is instead handed every stream
/// once, whole, as it stands at one position of the log (the snapshot head), in groups of
/// streams. Each group is first folded by ``fold(_:for:keys:)`` and finished by ``finish(_:)``,
/// pure functions that the engine runs on other threads while it writes earlier groups, then
/// written by
/// ``write(_:into:)`` in a write transaction that also records how far the rebuild got, so a
/// crash resumes after the last group written. After the last group the projections stand at the
/// snapshot head; the engine then folds what was appended since in batches and swaps the shadow
/// copies in.
///
/// The engine uses a rebuilder for the projections it names whenever they are rebuilt from
/// position 1, and for their first fill (a projection at position 0 of a log that has events).
///
/// ```swift
/// let engine = try ProjectionEngine(store: store, projections: [cases], streamRebuilder: CaseRebuilder(cases))
/// try engine.rebuild("cases")   // each stream read and folded once
/// ```
public protocol StreamRebuilder: Sendable {
    /// What ``fold(_:for:keys:)`` makes of a group of streams for ``write(_:into:)``.
    associatedtype Folded: Sendable

    /// The projections it can rebuild; the engine uses it only for a group of projections that
    /// are all among these.
    var projectionNames: Set<String> { get }

    /// Folds whole streams into what the projections will store. Runs outside any transaction,
    /// possibly on another thread.
    /// - Parameters:
    ///   - streams: Streams, each with all its events at or before the snapshot head, in version
    ///     order; no stream is ever handed twice, and no stream is empty.
    ///   - projections: The names of the projections being rebuilt (a subset of
    ///     ``projectionNames``).
    ///   - keys: The key store that opens sealed personal fields, if the store has one.
    /// - Throws: Anything; the projections are then marked failed at the event a
    ///   ``ProjectionFailure`` names.
    func fold(_ streams: [[RecordedEvent]], for projections: Set<String>, keys: KeyStore?) throws -> Folded

    /// What ``finish(_:)`` makes of a folded group for ``write(_:into:)``; the folded group
    /// itself unless a rebuilder finishes its groups in a second step.
    associatedtype Finished: Sendable = Folded

    /// Finishes a folded group: the part of the work that needs the whole group at once (sums
    /// and sorts over all its streams). Runs outside any transaction, on another thread, while
    /// the next group is already being folded: the one step that uses a single thread then
    /// overlaps work that uses every core. The default hands the folded group on as it is.
    /// - Parameter folded: What ``fold(_:for:keys:)`` returned for the group.
    /// - Throws: Anything; the projections are then marked failed as for ``fold(_:for:keys:)``.
    func finish(_ folded: Folded) throws -> Finished

    /// Writes a finished group into the shadow copies, which hold only earlier groups.
    /// - Parameters:
    ///   - finished: What ``finish(_:)`` returned for the group.
    ///   - contexts: The shadow copy of each projection being rebuilt, by name, in one write
    ///     transaction.
    func write(_ finished: Finished, into contexts: [String: ProjectionContext]) throws
}

extension StreamRebuilder where Finished == Folded {
    /// Hands the folded group on as it is.
    public func finish(_ folded: Folded) throws -> Folded { folded }
}
