import HomewardStore

/// Frees large values on another thread, so that freeing a million records (or a thousand parsed
/// lines, their JSON trees and strings) does not hold up the thread that used them.
enum BackgroundRelease {
    /// Hands `value` to another thread, where it is freed once the caller's own references are
    /// gone (the caller drops them right after the call).
    static func release<Value>(_ value: Value) {
        let handoff = Handoff(value)
        _ = BackgroundWork { handoff.value = nil }
    }
}

/// A value handed to another thread to be freed there.
private final class Handoff<Value>: @unchecked Sendable {
    // Touched by no one after the hand-off but the thread that frees it.
    var value: Value?
    init(_ value: Value) { self.value = value }
}
