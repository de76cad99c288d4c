public import HomewardStore

/// Runs `body` with a new event store in its own temporary directory, removed afterwards.
/// - Parameters:
///   - options: How to open the store.
///   - body: Uses the store.
/// - Returns: What `body` returns.
/// - Throws: What opening the store or `body` throws.
public func withTemporaryEventStore<T>(
    options: EventStore.Options = EventStore.Options(),
    _ body: (EventStore) throws -> T
) throws -> T {
    let directory = try TemporaryDirectory(prefix: "homeward-store")
    let store = try EventStore(path: directory.appending("store"), options: options)
    return try withExtendedLifetime(directory) { try body(store) }
}

/// Runs `body` with a new event store in its own temporary directory, removed afterwards.
/// - Parameters:
///   - options: How to open the store.
///   - body: Uses the store.
/// - Returns: What `body` returns.
/// - Throws: What opening the store or `body` throws.
public func withTemporaryEventStore<T>(
    options: EventStore.Options = EventStore.Options(),
    _ body: (EventStore) async throws -> T
) async throws -> T {
    let directory = try TemporaryDirectory(prefix: "homeward-store")
    let store = try EventStore(path: directory.appending("store"), options: options)
    let result = try await body(store)
    withExtendedLifetime(directory) {}
    return result
}
