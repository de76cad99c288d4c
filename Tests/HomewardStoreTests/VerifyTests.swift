import Foundation
import HomewardLMDB
import HomewardStore
import HomewardTesting
import Testing

@Suite(.serialized)
struct VerifyTests {
    @Test func aSoundLogVerifies() throws {
        try withTemporaryEventStore { store in
            for batch in 0..<30 { try store.append((0..<7).map { .sample(index: batch * 7 + $0) }, to: StreamID(validating: "case-\(batch % 4)")) }
            let report = try store.verify()
            #expect(report.isSound)
            #expect(report.eventsChecked == 210)
            #expect(report.streamsChecked == 4)
            #expect(report.head == (try store.head()))
        }
    }

    @Test func aFlippedByteInAStoredEventIsReportedWithItsPosition() throws {
        let directory = try TemporaryDirectory()
        let path = directory.appending("store")
        do {
            let store = try EventStore(path: path)
            for index in 1...50 {
                let marker = index == 37 ? "TAMPER-TARGET" : "ordinary-\(index)"
                try store.append([NewEvent(type: "Note", actor: .testOfficer, payload: Payload(json: "{\"m\":\"\(marker)\"}"))], to: "case-1")
            }
        }
        let file = URL(fileURLWithPath: path + "/data.mdb")
        var bytes = try Data(contentsOf: file)
        let marker = Data("TAMPER-TARGET".utf8)
        // Copy-on-write leaves stale copies of the page in free pages: flip the byte in every copy.
        var searchFrom = bytes.startIndex
        var flipped = 0
        while let range = bytes.range(of: marker, in: searchFrom..<bytes.endIndex) {
            bytes[range.lowerBound + 3] ^= 0x01
            searchFrom = range.upperBound
            flipped += 1
        }
        #expect(flipped >= 1)
        try bytes.write(to: file)

        let store = try EventStore(path: path)
        let report = try store.verify()
        #expect(!report.isSound)
        let problem = try #require(report.firstProblem)
        #expect(problem.kind == .hashMismatch)
        #expect(problem.position == 37)
        #expect(report.problemCounts[.hashMismatch] == 1)
    }

    @Test func aTruncatedTailIsCaughtByAHeadKeptElsewhere() throws {
        let directory = try TemporaryDirectory()
        let path = directory.appending("store")
        let kept: StoreHead
        do {
            let store = try EventStore(path: path)
            for index in 1...10 { try store.append([.sample(index: index)], to: "case-1") }
            kept = try store.head()
            #expect(try store.verify(expecting: kept).isSound)
        }
        do {
            let environment = try Environment.open(path: path)
            let log = try environment.openDatabase(named: "log")
            try environment.write { transaction in
                for position in [9, 10] as [UInt64] {
                    try transaction.delete(log, key: withUnsafeBytes(of: position.bigEndian) { Array($0) })
                }
            }
        }
        let store = try EventStore(path: path)
        let report = try store.verify(expecting: kept)
        #expect(!report.isSound)
        let truncation = try #require(report.problems.first { $0.kind == .headMismatch })
        #expect(truncation.position == 10)
        #expect(truncation.message.contains("truncated"))
    }
}
