import HomewardStore
import HomewardTesting
import Testing

struct ExpectedVersionTests {
    /// Each expectation against a missing stream and a stream at version 2.
    static let matrix: [(ExpectedVersion, missingSucceeds: Bool, atTwoSucceeds: Bool)] = [
        (.any, true, true),
        (.noStream, true, false),
        (.streamExists, false, true),
        (.exact(0), true, false),
        (.exact(1), false, false),
        (.exact(2), false, true),
        (.exact(3), false, false),
    ]

    @Test(arguments: 0..<matrix.count)
    func expectationAgainstAMissingStream(row: Int) throws {
        let (expected, succeeds, _) = Self.matrix[row]
        try withTemporaryEventStore { store in
            if succeeds {
                let result = try store.append([.sample()], to: "case-1", expectedVersion: expected)
                #expect(result.streamVersion == 1)
            } else {
                let error = #expect(throws: EventStoreError.self) {
                    try store.append([.sample()], to: "case-1", expectedVersion: expected)
                }
                #expect(error?.code == .wrongExpectedVersion)
                #expect(error?.actualVersion == nil)
                #expect(error?.message.contains("does not exist") == true)
                #expect(try store.head().position == 0)
            }
        }
    }

    @Test(arguments: 0..<matrix.count)
    func expectationAgainstAStreamAtVersionTwo(row: Int) throws {
        let (expected, _, succeeds) = Self.matrix[row]
        try withTemporaryEventStore { store in
            try store.append([.sample(index: 1), .sample(index: 2)], to: "case-1", expectedVersion: .noStream)
            if succeeds {
                let result = try store.append([.sample(index: 3)], to: "case-1", expectedVersion: expected)
                #expect(result.streamVersion == 3)
                #expect(result.positions == [3])
            } else {
                let error = #expect(throws: EventStoreError.self) {
                    try store.append([.sample(index: 3)], to: "case-1", expectedVersion: expected)
                }
                #expect(error?.code == .wrongExpectedVersion)
                #expect(error?.actualVersion == 2)
                #expect(error?.stream == "case-1")
                #expect(try store.version(of: "case-1") == 2)
            }
        }
    }

    @Test func asyncAppendChecksTheExpectedVersionToo() async throws {
        try await withTemporaryEventStore { (store: EventStore) async throws in
            try await store.append([.sample()], to: "case-9", expectedVersion: .noStream)
            do {
                try await store.append([.sample()], to: "case-9", expectedVersion: .noStream)
                Issue.record("a second .noStream append succeeded")
            } catch EventStoreError.Code.wrongExpectedVersion {
                // expected
            }
            #expect(try store.version(of: "case-9") == 1)
        }
    }
}
