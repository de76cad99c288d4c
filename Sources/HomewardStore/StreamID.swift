/// The name of a stream: the events of one case (`case-…`), one person (`person-…`) or any other
/// thing whose history is kept together and versioned.
///
/// A stream name is 1 to 200 bytes of UTF-8 without control characters.
///
/// A stream is its name's bytes, as the store keeps them: two stream ids are equal, hash alike
/// and sort by their names' UTF-8 bytes, not as Swift compares strings. Names that Unicode holds
/// equal but that are written differently (`café` with a composed `é`, or with `e` and a
/// combining accent) are two streams, in the store and in every table keyed by stream (see
/// ``BytewiseString``).
public struct StreamID: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The longest stream name, in UTF-8 bytes.
    public static let maximumLength = 200

    /// The name as text.
    public let rawValue: String

    /// Creates a stream id, checking the name.
    /// - Parameter rawValue: The stream's name.
    /// - Throws: ``EventStoreError`` with code ``EventStoreError/Code/invalidEvent`` when the name is
    ///   empty, too long or holds control characters.
    public init(validating rawValue: String) throws(EventStoreError) {
        let length = rawValue.utf8.count
        guard length > 0 else {
            throw EventStoreError(.invalidEvent, "a stream name must not be empty")
        }
        guard length <= StreamID.maximumLength else {
            throw EventStoreError(
                .invalidEvent,
                "stream name '\(rawValue.prefix(40))…' is \(length) bytes long; the limit is \(StreamID.maximumLength)"
            )
        }
        // Printable ASCII needs no Unicode property lookups; anything else is checked scalar by scalar.
        let printableASCII = rawValue.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
        guard printableASCII || !rawValue.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw EventStoreError(.invalidEvent, "stream name '\(rawValue.debugDescription)' holds a control character")
        }
        self.rawValue = rawValue
    }

    /// Creates a stream id from a literal. A literal that is not a valid name stops the program.
    public init(stringLiteral value: String) {
        do {
            try self.init(validating: value)
        } catch {
            preconditionFailure("\(error)")
        }
    }

    init(unchecked rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    /// Whether the names have the same UTF-8 bytes.
    public static func == (lhs: StreamID, rhs: StreamID) -> Bool {
        BytewiseString.sameBytes(lhs.rawValue, rhs.rawValue)
    }

    /// Hashes the name's UTF-8 bytes.
    public func hash(into hasher: inout Hasher) {
        BytewiseString.hashBytes(of: rawValue, into: &hasher)
    }

    /// Whether the name's UTF-8 bytes come first in byte order, the order of the store's keys.
    public static func < (lhs: StreamID, rhs: StreamID) -> Bool {
        BytewiseString.compareBytes(lhs.rawValue, rhs.rawValue) < 0
    }
}
