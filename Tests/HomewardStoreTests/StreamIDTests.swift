import HomewardStore
import HomewardTesting
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

    /// A stream is its name's bytes, as the store keeps them: two names that Unicode holds equal
    /// but that are written differently (an accent composed, or a letter and a combining accent)
    /// are two streams, in a set, in order, and in the store, also when one append writes both.
    @Test func namesWrittenDifferentlyAreDifferentStreams() throws {
        let composed = try StreamID(validating: "case-caf\u{E9}")
        let decomposed = try StreamID(validating: "case-cafe\u{301}")
        #expect(composed.rawValue == decomposed.rawValue, "Unicode holds the names equal")
        #expect(composed != decomposed)
        #expect(Set([composed, decomposed]).count == 2)
        #expect(decomposed < composed, "in the order of their bytes, as the store keeps them (e before é)")
        #expect(composed == (try StreamID(validating: "case-caf\u{E9}")))
        try withTemporaryEventStore { store in
            var batches = [[
                StreamAppend(stream: composed, events: [.sample(index: 1)], expectedVersion: .noStream),
                StreamAppend(stream: decomposed, events: [.sample(index: 2)], expectedVersion: .noStream),
                StreamAppend(stream: composed, events: [.sample(index: 3)], expectedVersion: .exact(1)),
            ]].makeIterator()
            try store.appendInOneTransaction(expectedBytes: 1 << 16, nextBatch: { batches.next() })
            #expect(try store.version(of: composed) == 2)
            #expect(try store.version(of: decomposed) == 1)
            #expect(try store.events(in: decomposed).map(\.stream) == [decomposed])
            #expect(try store.events(in: composed).map(\.position) == [1, 3])
            try store.append([.sample(index: 4)], to: decomposed, expectedVersion: .exact(1))
            #expect(try store.version(of: decomposed) == 2)
            let report = try store.verify()
            #expect(report.isSound, "\(report.problems)")
        }
    }
}
