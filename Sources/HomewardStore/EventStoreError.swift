/// An error of the event store, with a code to match on and a sentence that names what is wrong.
public struct EventStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem it is. An extensible set of values.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The stream is not at the version the append expected; see ``EventStoreError/actualVersion``.
        public static let wrongExpectedVersion = Code("wrongExpectedVersion")
        /// Some but not all events of a batch are already stored, or they are stored elsewhere.
        public static let idempotencyConflict = Code("idempotencyConflict")
        /// An event cannot be stored as given (bad type name, duplicate ids, time going backwards, too large).
        public static let invalidEvent = Code("invalidEvent")
        /// The path cannot be used as a store: not a directory, unreadable, or holding something else.
        public static let cannotOpen = Code("cannotOpen")
        /// The store was written by a newer version of Homeward.
        public static let newerFormat = Code("newerFormat")
        /// Stored bytes are not what Homeward wrote.
        public static let corrupted = Code("corrupted")
        /// The store was opened read-only.
        public static let readOnly = Code("readOnly")
        /// The storage engine failed; see ``EventStoreError/underlying``.
        public static let storage = Code("storage")
        /// The disk is full: nothing of the failed append was stored.
        public static let diskFull = Code("diskFull")
        /// The key store cannot be used: its master key is missing or does not match, or it is damaged.
        public static let keyStore = Code("keyStore")
    }

    /// What kind of problem it is.
    public var code: Code
    /// One sentence naming the problem.
    public var message: String
    /// The stream involved, if any.
    public var stream: StreamID?
    /// For ``Code/wrongExpectedVersion``: the stream's actual version (`nil` when it does not exist).
    public var actualVersion: UInt64?
    /// The storage error behind a ``Code/storage`` or ``Code/diskFull`` error, as text.
    public var underlying: String?

    /// Creates an error.
    /// - Parameters:
    ///   - code: What kind of problem it is.
    ///   - message: One sentence naming the problem.
    ///   - stream: The stream involved.
    ///   - actualVersion: The stream's actual version, for version conflicts.
    ///   - underlying: The storage error behind it.
    public init(
        _ code: Code,
        _ message: String,
        stream: StreamID? = nil,
        actualVersion: UInt64? = nil,
        underlying: String? = nil
    ) {
        self.code = code
        self.message = message
        self.stream = stream
        self.actualVersion = actualVersion
        self.underlying = underlying
    }

    public var description: String {
        underlying.map { "\(message) (\($0))" } ?? message
    }
}

/// Matches an error against a store error code: `catch EventStoreError.Code.wrongExpectedVersion { ... }`.
/// - Parameters:
///   - code: The code to look for.
///   - error: A caught error.
/// - Returns: Whether `error` is an ``EventStoreError`` with that code.
public func ~= (code: EventStoreError.Code, error: any Error) -> Bool {
    (error as? EventStoreError)?.code == code
}
