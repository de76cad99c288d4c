import Foundation
import Homeward
import HomewardStore
import HomewardTesting

/// Runs `body` with a relief service over a new temporary store and a hand-set clock.
func withService<T>(clock: TestClock = TestClock("2026-12-01T21:00:00+08:00"), maxAttempts: Int = 16, _ body: (ReliefService) async throws -> T) async throws -> T {
    var options = EventStore.Options()
    options.clock = { clock.now }
    return try await withTemporaryEventStore(options: options) { (store: EventStore) async throws -> T in
        try await body(ReliefService(store: store, maxAttempts: maxAttempts, clock: { clock.now }))
    }
}
