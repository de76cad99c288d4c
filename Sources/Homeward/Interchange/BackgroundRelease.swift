import HomewardStore

/// Frees large values on another thread, so that freeing a million records (or a thousand parsed
/// lines, their JSON trees and strings) does not hold up the thread that used them.
enum BackgroundRelease {
    /// Hands `value` to another thread, where it is freed.
    ///
    /// Pass it with `consume` (or a value nothing else holds): a copy the caller keeps is a
    /// reference the caller may drop last, after the other thread let go of its own, and the
    /// caller then frees it after all (it did, for most of an import's batches).
    static func release<Value>(_ value: consuming Value) {
        let handoff = Handoff(consume value)
        _ = BackgroundWork { handoff.value = nil }
    }
}

/// A value handed to another thread to be freed there.
private final class Handoff<Value>: @unchecked Sendable {
    // Touched by no one after the hand-off but the thread that frees it.
    var value: Value?
    init(_ value: Value) { self.value = value }
}
