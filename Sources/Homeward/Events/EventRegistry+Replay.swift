public import HomewardStore

extension EventRegistry {
    /// Calls `body` with every event of a store from `position` through `last`, each with its
    /// payload decoded into its typed event (upcast to the current schema).
    ///
    /// Payloads are decoded on the threads that read the next pages of the log ahead, while
    /// `body` runs; `body` still receives the events in log order. Whether that is faster than
    /// decoding in `body` depends on the machine: on two cores the two measure the same, as the
    /// memory of each decoded event is then freed by a thread other than the one that made it
    /// (see the performance notes).
    /// - Parameters:
    ///   - store: The store to read.
    ///   - position: The first position.
    ///   - last: The last position; the head at the time of the call by default.
    ///   - body: Receives each event and its decoded payload, in log order.
    /// - Throws: ``EventDecodingError`` naming the position, the type and the cause when a payload
    ///   does not decode (after `body` has received every event before it); what `body` throws;
    ///   ``HomewardStore/EventStoreError``.
    public func forEachEvent(
        in store: EventStore,
        from position: UInt64 = 1,
        through last: UInt64? = nil,
        _ body: (RecordedEvent, DomainEvent) throws -> Void
    ) throws {
        try store.forEachEvent(from: position, through: last, deriving: { event in try self.decode(event) }, body)
    }
}
