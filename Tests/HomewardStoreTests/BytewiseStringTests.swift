import HomewardStore
import Testing

struct BytewiseStringTests {
    /// Ids gathered into sets and tables are one only when their bytes are: Swift's string
    /// comparison would make a composed and a decomposed accent one id.
    @Test func equalHashedAndOrderedByTheUTF8Bytes() {
        let composed = BytewiseString("Jos\u{E9}")
        let decomposed = BytewiseString("Jose\u{301}")
        #expect(composed.string == decomposed.string, "Swift holds the strings equal")
        #expect(composed != decomposed)
        #expect(Set([composed, decomposed, BytewiseString("Jos\u{E9}")]).count == 2)
        #expect(decomposed < composed, "e (0x65) comes before é (0xC3 0xA9)")
        #expect([BytewiseString("b"), "ab", "a", "B", composed, decomposed].sorted() == ["B", decomposed, composed, "a", "ab", "b"], "J (0x4A) between B and a")
        #expect(BytewiseString("a") < "ab" && !(BytewiseString("ab") < "a"), "a string comes before the strings it starts")
        var table: [BytewiseString: Int] = [:]
        table[composed] = 1
        table[decomposed] = 2
        #expect(table[BytewiseString("Jos\u{E9}")] == 1 && table[BytewiseString("Jose\u{301}")] == 2)
        #expect("\(composed)" == "Jos\u{E9}")
    }

    /// Strings that do not hold their bytes contiguously (bridged or lazily built) compare the same.
    @Test func stringsWithoutContiguousBytesCompareTheSame() {
        let built = BytewiseString(String(decoding: Array("Jose\u{301}".utf8), as: UTF8.self))
        let substring = BytewiseString(String("xJose\u{301}".dropFirst()))
        #expect(built == substring)
        #expect(built.hashValue == substring.hashValue)
        #expect(!(built < substring) && !(substring < built))
    }
}
