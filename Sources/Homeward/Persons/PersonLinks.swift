public import HomewardStore

/// Which person ids are one human now (reading 7): the connected components of the current links.
///
/// Links are never destructive merges: `PersonsUnlinked` removes exactly the pair it names, and
/// each id keeps its own history. A person's canonical id is the smallest id of its component in
/// string order.
public struct PersonLinks: Sendable, Hashable {
    /// One link or unlink, as recorded.
    public struct Change: Sendable, Hashable, Codable {
        /// Whether the pair was linked (`true`) or unlinked.
        public var linked: Bool
        /// The two ids.
        public var pair: Pair
        /// The basis of a link or the reason of an unlink.
        public var note: String
        /// When it occurred.
        public var occurredAt: Timestamp
        /// The log position.
        public var position: UInt64
    }

    /// An unordered pair of distinct ids.
    public struct Pair: Sendable, Hashable, Codable {
        /// The smaller id.
        public let first: String
        /// The larger id.
        public let second: String
        /// Creates a pair; `nil` when both ids are the same.
        public init?(_ a: String, _ b: String) {
            guard a != b else { return nil }
            first = min(a, b)
            second = max(a, b)
        }
    }

    /// Every change, in the order applied.
    public private(set) var history: [Change] = []
    private var links = Set<Pair>()
    private var adjacency: [String: Set<String>] = [:]

    /// No links.
    public init() {}

    /// The links after a history of changes, applied in order.
    public init(replaying changes: [Change]) {
        for change in changes { apply(change) }
    }

    private mutating func apply(_ change: Change) {
        history.append(change)
        let pair = change.pair
        if change.linked {
            if links.insert(pair).inserted {
                adjacency[pair.first, default: []].insert(pair.second)
                adjacency[pair.second, default: []].insert(pair.first)
            }
        } else if links.remove(pair) != nil {
            adjacency[pair.first]?.remove(pair.second)
            adjacency[pair.second]?.remove(pair.first)
        }
    }

    /// Applies a `PersonsLinked` or `PersonsUnlinked` record; other events are ignored.
    /// - Parameter record: The record.
    public mutating func apply(_ record: CaseRecord) {
        switch record.event {
        case .personsLinked(let link):
            guard link.personIds.count == 2, let pair = Pair(link.personIds[0], link.personIds[1]) else { return }
            apply(Change(linked: true, pair: pair, note: link.basis, occurredAt: record.occurredAt, position: record.position))
        case .personsUnlinked(let unlink):
            guard unlink.personIds.count == 2, let pair = Pair(unlink.personIds[0], unlink.personIds[1]) else { return }
            apply(Change(linked: false, pair: pair, note: unlink.reason, occurredAt: record.occurredAt, position: record.position))
        default:
            return
        }
    }

    /// Whether two ids are linked directly right now.
    public func areLinked(_ a: String, _ b: String) -> Bool {
        Pair(a, b).map { links.contains($0) } ?? false
    }

    /// Every id that is the same human as `id` now, `id` included.
    public func component(of id: String) -> Set<String> {
        var seen: Set<String> = [id]
        var queue = [id]
        while let next = queue.popLast() {
            for neighbour in adjacency[next] ?? [] where seen.insert(neighbour).inserted {
                queue.append(neighbour)
            }
        }
        return seen
    }

    /// The canonical id of the human `id` belongs to: the smallest id of its component.
    public func canonicalId(of id: String) -> String {
        // Most persons are linked to no one: no set to build.
        guard let neighbours = adjacency[id], !neighbours.isEmpty else { return id }
        return component(of: id).min() ?? id
    }

    /// The changes that involve an id, in order.
    public func history(of id: String) -> [Change] {
        history.filter { $0.pair.first == id || $0.pair.second == id }
    }
}
