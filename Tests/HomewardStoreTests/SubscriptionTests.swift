import HomewardStore
import HomewardTesting
import Testing

struct SubscriptionTests {
    @Test func aSubscriptionCatchesUpThenFollowsNewAppends() async throws {
        try await withTemporaryEventStore { (store: EventStore) async throws in
            try await store.append([.sample(index: 1), .sample(index: 2), .sample(index: 3)], to: "case-1")
            let follower = Task {
                var positions: [UInt64] = []
                for try await event in store.subscribe(from: 2, pageSize: 2) {
                    positions.append(event.position)
                    if positions.count == 6 { break }
                }
                return positions
            }
            try await Task.sleep(for: .milliseconds(50))
            for index in 4...7 {
                try await store.append([.sample(index: index)], to: "case-2")
            }
            #expect(try await follower.value == [2, 3, 4, 5, 6, 7])
        }
    }

    @Test func cancellingAWaitingSubscriptionEndsIt() async throws {
        try await withTemporaryEventStore { (store: EventStore) async throws in
            try await store.append([.sample()], to: "case-1")
            let follower = Task {
                var count = 0
                for try await _ in store.subscribe() { count += 1 }
                return count
            }
            try await Task.sleep(for: .milliseconds(100))
            follower.cancel()
            #expect(try await follower.value == 1)
        }
    }
}
