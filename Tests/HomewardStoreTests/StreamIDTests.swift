import HomewardStore
import Testing

@Suite struct StreamIDTests {
    @Test func namesArePrintableTextWithinTheLengthLimit() throws {
        #expect(try StreamID(validating: "case-330106-0001").rawValue == "case-330106-0001")
        #expect(try StreamID(validating: "个案-杭州-7").rawValue == "个案-杭州-7", "non-ASCII text is allowed")
        for bad in ["", "case\u{07}1", "case\n1", "case\u{7F}", "个案\u{85}", String(repeating: "x", count: StreamID.maximumLength + 1)] {
            #expect(throws: EventStoreError.self, "\(bad.debugDescription) must be refused") { try StreamID(validating: bad) }
        }
        #expect(try StreamID(validating: String(repeating: "x", count: StreamID.maximumLength)).rawValue.utf8.count == StreamID.maximumLength)
    }
}
