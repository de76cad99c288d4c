/// The values derived from a page's events, in order, up to the first event whose derivation
/// failed.
struct DerivedValues<Value: Sendable>: Sendable {
    /// One value per event, up to the failure.
    var values: [Value] = []
    /// What the derivation of the event after the last value threw, if it did.
    var failure: (any Error)?

    /// Derives a value from each event in turn, stopping at the first that throws.
    init(_ events: [RecordedEvent], _ derive: (RecordedEvent) throws -> Value) {
        values.reserveCapacity(events.count)
        for event in events {
            do {
                values.append(try derive(event))
            } catch {
                failure = error
                return
            }
        }
    }
}
