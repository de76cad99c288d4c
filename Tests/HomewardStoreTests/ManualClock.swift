import HomewardStore
import Synchronization

/// A clock tests set by hand.
final class ManualClock: Sendable {
    private let current: Mutex<Timestamp>
    init(_ start: Timestamp) { current = Mutex(start) }
    var now: Timestamp { current.withLock { $0 } }
    func set(_ time: Timestamp) { current.withLock { $0 = time } }
    func advance(seconds: Int64) { current.withLock { $0 = $0.adding(seconds: seconds) } }
}
