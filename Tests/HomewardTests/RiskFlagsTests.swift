import Foundation
import Homeward
import Testing

/// A case's risk flags: a set of risks in bits, with a set's behaviour and the contract's order.
struct RiskFlagsTests {
    /// Every operation agrees with a `Set<Risk>` doing the same, for every pair of subsets of a
    /// few risks.
    @Test func behavesAsASetOfRisks() {
        let risks: [Risk] = [.cold, .minor, .pregnant, .mental]
        let subsets = (0..<(1 << risks.count)).map { mask in risks.indices.filter { mask & (1 << $0) != 0 }.map { risks[$0] } }
        for left in subsets {
            for right in subsets {
                let (a, b) = (RiskFlags(left), RiskFlags(right))
                let (x, y) = (Set(left), Set(right))
                #expect(Set(a.union(b)) == x.union(y))
                #expect(Set(a.intersection(b)) == x.intersection(y))
                #expect(Set(a.symmetricDifference(b)) == x.symmetricDifference(y))
                #expect(a.isSubset(of: b) == x.isSubset(of: y))
                #expect((a == b) == (x == y))
                #expect(a.count == x.count)
                #expect(a.isEmpty == x.isEmpty)
            }
        }
        var flags: RiskFlags = []
        #expect(flags.insert(.ill).inserted)
        #expect(!flags.insert(.ill).inserted)
        #expect(flags.update(with: .ill) == .ill)
        #expect(flags.remove(.ill) == .ill)
        #expect(flags.remove(.ill) == nil)
        #expect(flags.isEmpty)
    }

    /// The risks come in the contract's order, whatever order they were added in, and encode as
    /// their names in that order (what a `Set<Risk>` encoded, in a fixed order).
    @Test func risksComeInTheContractsOrder() throws {
        var flags: RiskFlags = [.pregnant, .cold]
        flags.formUnion([Risk.minor, .cold, .elderly])
        #expect(Array(flags) == [.cold, .minor, .elderly, .pregnant])
        #expect(flags.description == "[cold, minor, elderly, pregnant]")
        let json = try JSONEncoder().encode(flags)
        #expect(String(decoding: json, as: UTF8.self) == #"["cold","minor","elderly","pregnant"]"#)
        #expect(try JSONDecoder().decode(RiskFlags.self, from: Data(#"["pregnant","cold","minor","elderly","cold"]"#.utf8)) == flags)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(RiskFlags.self, from: Data(#"["cold","frostbite"]"#.utf8)) }
        #expect(RiskFlags(Risk.allCases).count == Risk.allCases.count)
    }
}
