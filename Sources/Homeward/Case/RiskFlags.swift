/// A set of risks, kept as one bit per risk (by its ordinal in the contract's list).
///
/// A case state's flags: it takes no allocation and no hashing. A `Set<Risk>` allocated storage
/// for the first risk of every case and hashed each risk's name: a thirtieth of the
/// instructions of rebuilding the projections.
///
/// It is a `SetAlgebra` of ``Risk`` (``contains(_:)``, ``insert(_:)``, `union`, `intersection`,
/// array literals), a `Sequence` that gives the risks in the contract's order, and it encodes as
/// an array of risk names in that order.
///
/// ```swift
/// var flags: RiskFlags = [.cold]
/// flags.formUnion([.minor, .ill])
/// flags.map(\.rawValue)  // ["cold", "ill", "minor"]
/// ```
public struct RiskFlags: SetAlgebra, Sequence, Hashable, Sendable, Codable, CustomStringConvertible {
    public typealias Element = Risk

    /// Bit `n` stands for the risk of ordinal `n`.
    private var bits: UInt64

    /// No risks.
    public init() {
        bits = 0
    }

    private init(bits: UInt64) {
        self.bits = bits
    }

    private static func bit(_ risk: Risk) -> UInt64 {
        precondition(risk.ordinal < 64, "a risk of ordinal \(risk.ordinal) does not fit the flags' 64 bits")
        return 1 << UInt64(risk.ordinal)
    }

    /// The number of risks.
    public var count: Int { bits.nonzeroBitCount }

    public var isEmpty: Bool { bits == 0 }

    public func contains(_ risk: Risk) -> Bool {
        bits & Self.bit(risk) != 0
    }

    @discardableResult
    public mutating func insert(_ risk: Risk) -> (inserted: Bool, memberAfterInsert: Risk) {
        let inserted = !contains(risk)
        bits |= Self.bit(risk)
        return (inserted, risk)
    }

    @discardableResult
    public mutating func remove(_ risk: Risk) -> Risk? {
        guard contains(risk) else { return nil }
        bits &= ~Self.bit(risk)
        return risk
    }

    @discardableResult
    public mutating func update(with risk: Risk) -> Risk? {
        insert(risk).inserted ? nil : risk
    }

    public func union(_ other: RiskFlags) -> RiskFlags { RiskFlags(bits: bits | other.bits) }

    public func intersection(_ other: RiskFlags) -> RiskFlags { RiskFlags(bits: bits & other.bits) }

    public func symmetricDifference(_ other: RiskFlags) -> RiskFlags { RiskFlags(bits: bits ^ other.bits) }

    public mutating func formUnion(_ other: RiskFlags) { bits |= other.bits }

    public mutating func formIntersection(_ other: RiskFlags) { bits &= other.bits }

    public mutating func formSymmetricDifference(_ other: RiskFlags) { bits ^= other.bits }

    /// Adds every risk of a sequence (the risks of a report or a contact).
    public mutating func formUnion<Risks: Sequence<Risk>>(_ risks: Risks) {
        for risk in risks { bits |= Self.bit(risk) }
    }

    /// Gives the risks in the order of their ordinals.
    public struct Iterator: IteratorProtocol {
        fileprivate var remaining: UInt64

        public mutating func next() -> Risk? {
            guard remaining != 0 else { return nil }
            let ordinal = remaining.trailingZeroBitCount
            remaining &= remaining - 1
            return try? Risk(ordinal: ordinal)
        }
    }

    public func makeIterator() -> Iterator { Iterator(remaining: bits) }

    public var underestimatedCount: Int { count }

    public var description: String { "[" + map(\.rawValue).joined(separator: ", ") + "]" }

    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        self.init()
        while !container.isAtEnd { insert(try container.decode(Risk.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        for risk in self { try container.encode(risk) }
    }
}
