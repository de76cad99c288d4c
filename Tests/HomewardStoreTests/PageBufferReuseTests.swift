import Foundation
import HomewardTesting
@testable import HomewardStore
import Testing

/// Page buffers are reused from one page to the next: events a caller keeps must stay intact,
/// and the pool must hand out only buffers large enough and keep only a few.
struct PageBufferReuseTests {
    @Test func eventsKeptFromEarlierPagesStayIntactWhileLaterPagesReuseBuffers() throws {
        try withTemporaryEventStore { store in
            // Pages of 500 events of about 400 bytes: about 200 kB each, a size the pool keeps.
            for batch in 0..<8 {
                try store.append((0..<500).map { .sample(index: batch * 500 + $0, payloadSize: 300) }, to: StreamID(validating: "case-\(batch)"))
            }
            var kept: [RecordedEvent] = []
            try store.forEachEvent(pageSize: 500) { event in
                if event.position % 97 == 0 { kept.append(event) }
            }
            // Read everything again, several times over, so the kept events' buffers would be
            // overwritten if they had gone back to the pool while still in use.
            for _ in 0..<3 { try store.forEachEvent(pageSize: 500) { _ in } }
            #expect(kept.count == 4_000 / 97)
            for event in kept {
                let index = Int(event.position) - 1
                let text = try #require(String(data: Data(event.payload.bytes), encoding: .utf8))
                #expect(text.hasPrefix("{\"index\":\(index),"), "event at \(event.position) reads \(text.prefix(20))")
                #expect(event.stream == StreamID(unchecked: "case-\(index / 500)"))
            }
        }
    }

    @Test func aBufferGivenBackIsReusedForAPageOfSimilarSizeOnly() {
        let pool = PageBufferPool()
        let first = pool.take(atLeast: 200_000)
        #expect(first.count >= 200_000)
        let address = first.baseAddress
        pool.give(first)
        #expect(pool.idleCount == 1)
        // Far smaller than the kept buffer: not worth one twice its size or more.
        let small = pool.take(atLeast: 70_000)
        #expect(small.baseAddress != address)
        #expect(small.count >= 70_000)
        #expect(pool.idleCount == 1)
        let second = pool.take(atLeast: 190_000)
        #expect(second.baseAddress == address, "a kept buffer of the right size is reused")
        #expect(pool.idleCount == 0)
        pool.give(second)
        pool.give(small)
    }

    @Test func thePoolKeepsOnlyAFewBuffersAndNoneTooSmallOrTooLarge() {
        let pool = PageBufferPool()
        let buffers = (0..<(PageBufferPool.kept + 3)).map { _ in pool.take(atLeast: PageBufferPool.smallest) }
        for buffer in buffers { pool.give(buffer) }
        #expect(pool.idleCount == PageBufferPool.kept, "the others were freed")

        // Large buffers are kept only up to the pool's byte budget.
        let emptied = PageBufferPool()
        let large = (0..<3).map { _ in emptied.take(atLeast: PageBufferPool.largest) }
        for buffer in large { emptied.give(buffer) }
        #expect(emptied.idleCount == PageBufferPool.keptBytes / PageBufferPool.largest)

        let tiny = pool.take(atLeast: 100)
        #expect(tiny.count == 100, "small buffers come straight from the allocator, exactly as asked")
        pool.give(tiny)
        let huge = pool.take(atLeast: PageBufferPool.largest + 1)
        #expect(huge.count == PageBufferPool.largest + 1)
        pool.give(huge)
        #expect(pool.idleCount == PageBufferPool.kept)
    }
}
