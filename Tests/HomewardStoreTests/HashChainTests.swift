import Crypto
import Foundation
import HomewardStore
import HomewardTesting
import Testing

struct HashChainTests {
    /// An auditor can recompute the chain from the canonical bytes alone, as
    /// `Docs/storage-format.md` describes: hash(n) = SHA-256(hash(n-1) || canonical bytes of n),
    /// for small appends and for large ones, whose records are sealed on two threads.
    @Test func theChainIsSHA256OfThePreviousHashAndTheCanonicalBytes() throws {
        try withTemporaryEventStore { store in
            for batch in 0..<5 {
                try store.append((0..<(batch + 1)).map { .sample(index: batch * 10 + $0) }, to: StreamID(validating: "case-\(batch % 2)"))
            }
            // Large batches are encoded on the writer's thread and hashed on another.
            try store.append((0..<300).map { .sample(index: 100 + $0) }, to: "case-2")
            try store.append((0..<70).map { .sample(index: 400 + $0) }, to: "case-0")
            var previous = [UInt8](repeating: 0, count: 32)
            for event in try store.events(from: 1) {
                var hasher = SHA256()
                hasher.update(data: previous)
                hasher.update(data: event.canonicalBytes)
                let expected = Array(hasher.finalize())
                #expect(event.hash.bytes == expected, "position \(event.position)")
                #expect(event.hash.hex == expected.hexString)
                #expect(ChainHash(hex: event.hash.hex) == event.hash)
                previous = expected
            }
        }
    }

    @Test func aRecordedEventBuiltByHandMatchesTheStoredOne() throws {
        try withTemporaryEventStore { store in
            let event = NewEvent.sample(index: 3, occurredAt: Timestamp(rfc3339: "2026-02-01T10:00:00+08:00"))
            try store.append([event], to: "case-7")
            let stored = try #require(try store.event(at: 1))
            let built = RecordedEvent(position: 1, stream: "case-7", version: 1, event: event, recordedAt: stored.recordedAt)
            #expect(built == stored)
            #expect(built.hash == stored.hash)
            #expect(stored.hasType("ReportReceived"))
            #expect(!stored.hasType("ReportReceive"))
            #expect(stored.payload.count == event.payload.bytes.count)
            #expect(stored.payload.withUnsafeBytes { Array($0) } == event.payload.bytes)
            #expect(stored.description.hasPrefix("1 case-7@1 ReportReceived "))
        }
    }

    @Test func chainHashHexAcceptsEitherCaseAndRefusesAnythingElse() {
        let hex = String(repeating: "0123456789abcdef", count: 4)
        let hash = ChainHash(hex: hex)
        #expect(hash?.hex == hex)
        #expect(ChainHash(hex: hex.uppercased()) == hash)
        #expect(ChainHash(hex: String(hex.dropLast())) == nil)
        #expect(ChainHash(hex: hex + "0") == nil)
        for bad in ["g", "G", " ", "-", "é"] {
            #expect(ChainHash(hex: String(hex.dropLast(bad.utf8.count)) + bad) == nil, "'\(bad)' is not a digit")
            #expect(ChainHash(hex: bad + String(hex.dropFirst(bad.utf8.count))) == nil)
        }
    }
}
