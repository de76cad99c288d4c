/// What ``EventStore/verify(expecting:checkingPages:progress:)`` checked and the first problem of each kind.
public struct VerificationReport: Sendable, Hashable {
    /// A kind of problem verification can find.
    public struct Kind: Hashable, Sendable, CustomStringConvertible, Comparable {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }
        public static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.name < rhs.name }

        /// A position is missing or out of order in the log.
        public static let gap = Kind("gap")
        /// A record cannot be decoded.
        public static let undecodable = Kind("undecodable")
        /// A record's stored hash is not SHA-256 of the previous hash and its bytes.
        public static let hashMismatch = Kind("hashMismatch")
        /// A record says it is at another position than its key.
        public static let positionMismatch = Kind("positionMismatch")
        /// A record was recorded earlier than the record before it.
        public static let recordedAtRegression = Kind("recordedAtRegression")
        /// A stream's versions have a gap, or the stream index disagrees with the log.
        public static let streamIndex = Kind("streamIndex")
        /// The event-id index disagrees with the log.
        public static let eventIdIndex = Kind("eventIdIndex")
        /// The recorded-time index disagrees with the log.
        public static let recordedAtIndex = Kind("recordedAtIndex")
        /// The log does not match the head kept elsewhere: rewritten or truncated.
        public static let headMismatch = Kind("headMismatch")
        /// The data file's page structure is damaged (found by a page audit, without LMDB): the
        /// log was not read, because LMDB could crash or read wrong data. Every such problem is
        /// kept, not only the first.
        public static let pageStructure = Kind("pageStructure")
        /// The store's own records (its format version and creation time) are damaged.
        public static let storeMeta = Kind("storeMeta")
    }

    /// One problem: what, where, and a sentence about it.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        /// What kind of problem it is.
        public var kind: Kind
        /// The log position concerned, when there is one.
        public var position: UInt64?
        /// What is wrong.
        public var message: String

        public var description: String {
            position.map { "position \($0): \(message)" } ?? message
        }
    }

    /// How many records were checked.
    public var eventsChecked: UInt64 = 0
    /// How many pages of the data file the page audit checked (0 when it did not run).
    public var pagesChecked: Int = 0
    /// How many streams were checked.
    public var streamsChecked: Int = 0
    /// The head verification reached.
    public var head = StoreHead(position: 0, hash: .zero, recordedAt: nil)
    /// The first problem of each kind, in the order found; every ``Kind/pageStructure`` problem.
    public var problems: [Problem] = []
    /// How many problems of each kind were found.
    public var problemCounts: [Kind: Int] = [:]

    /// `true` when no problem was found.
    public var isSound: Bool { problems.isEmpty }

    /// The first problem found, if any.
    public var firstProblem: Problem? { problems.first }

    mutating func record(_ kind: Kind, at position: UInt64?, _ message: String) {
        if problemCounts[kind, default: 0] == 0 || kind == .pageStructure {
            problems.append(Problem(kind: kind, position: position, message: message))
        }
        problemCounts[kind, default: 0] += 1
    }
}
