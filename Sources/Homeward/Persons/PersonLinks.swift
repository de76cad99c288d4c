public import HomewardStore

/// Which person ids are one human now (reading 7): the connected components of the current links.
///
/// Links are never destructive merges: `PersonsUnlinked` removes exactly the pair it names, and
/// each id keeps its own history. A person's canonical id is the smallest id of its component in
/// the byte order of their UTF-8.
///
/// An id is its bytes, as the store keeps it (see ``HomewardStore/BytewiseString``): two ids that
/// Swift holds equal but that are written differently (a composed accent, or a letter and a
/// combining accent) are two persons here, linked only when a link names both.
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

    /// An unordered pair of distinct ids (ids that differ in their bytes).
    public struct Pair: Sendable, Hashable, Codable {
        /// The smaller id, in the byte order of their UTF-8.
        public let first: String
        /// The larger id.
        public let second: String
        /// Creates a pair; `nil` when both ids are the same.
        public init?(_ a: String, _ b: String) {
            let (a, b) = (BytewiseString(a), BytewiseString(b))
            guard a != b else { return nil }
            first = min(a, b).string
            second = max(a, b).string
        }

        /// Whether both pairs name the same ids, byte for byte.
        public static func == (lhs: Pair, rhs: Pair) -> Bool {
            BytewiseString(lhs.first) == BytewiseString(rhs.first) && BytewiseString(lhs.second) == BytewiseString(rhs.second)
        }

        /// Hashes the ids' bytes.
        public func hash(into hasher: inout Hasher) {
            hasher.combine(BytewiseString(first))
            hasher.combine(BytewiseString(second))
        }
    }

    /// Every change, in the order applied.
    public private(set) var history: [Change] = []
    private var links = Set<Pair>()
    private var adjacency: [BytewiseString: Set<BytewiseString>] = [:]

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
                let (first, second) = (BytewiseString(pair.first), BytewiseString(pair.second))
                adjacency[first, default: []].insert(second)
                adjacency[second, default: []].insert(first)
            }
        } else if links.remove(pair) != nil {
            let (first, second) = (BytewiseString(pair.first), BytewiseString(pair.second))
            adjacency[first]?.remove(second)
            adjacency[second]?.remove(first)
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

    /// Every id that is the same human as `id` now, `id` included, in the byte order of their
    /// UTF-8 (each id once, by its bytes).
    public func component(of id: String) -> [String] {
        componentIds(of: BytewiseString(id)).sorted().map(\.string)
    }

    private func componentIds(of id: BytewiseString) -> Set<BytewiseString> {
        var seen: Set<BytewiseString> = [id]
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
        let id = BytewiseString(id)
        // Most persons are linked to no one: no set to build.
        guard let neighbours = adjacency[id], !neighbours.isEmpty else { return id.string }
        return (componentIds(of: id).min() ?? id).string
    }

    /// The changes that involve an id, in order.
    public func history(of id: String) -> [Change] {
        let id = BytewiseString(id)
        return history.filter { BytewiseString($0.pair.first) == id || BytewiseString($0.pair.second) == id }
    }
}
