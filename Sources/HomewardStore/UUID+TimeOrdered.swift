public import Foundation
import Synchronization

extension UUID {
    /// A version 7 UUID (RFC 9562): 48 bits of Unix milliseconds, a 12-bit counter, then 62
    /// random bits.
    ///
    /// Ids made by one process are strictly increasing (the counter, and if need be the
    /// millisecond, advances), and ids made close in time sort close together, so the store's id
    /// index grows at its end instead of touching random pages. The random bits come from a fast
    /// generator seeded once from the system's.
    /// - Parameter time: The instant to embed; now by default.
    /// - Returns: A new UUID.
    public static func timeOrdered(at time: Timestamp = .now) -> UUID {
        let milliseconds = UInt64(max(0, time.microsecondsSinceEpoch / 1000))
        let (stamp, counter, random) = TimeOrderedIDState.shared.withLock { $0.next(milliseconds: milliseconds) }
        var bytes = (UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0),
                     UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0))
        withUnsafeMutableBytes(of: &bytes) { target in
            for index in 0..<6 { target[index] = UInt8(truncatingIfNeeded: stamp >> (40 - 8 * UInt64(index))) }
            target[6] = 0x70 | UInt8(truncatingIfNeeded: counter >> 8)
            target[7] = UInt8(truncatingIfNeeded: counter)
            target[8] = 0x80 | UInt8(truncatingIfNeeded: random >> 56) & 0x3f
            for index in 9..<16 { target[index] = UInt8(truncatingIfNeeded: random >> (8 * UInt64(15 - index))) }
        }
        return UUID(uuid: bytes)
    }
}

/// The millisecond, counter and random generator behind ``Foundation/UUID/timeOrdered(at:)``.
struct TimeOrderedIDState: ~Copyable {
    static let shared = Mutex(TimeOrderedIDState())

    private var lastMilliseconds: UInt64 = 0
    private var counter: UInt16 = 0
    private var state: (UInt64, UInt64, UInt64, UInt64)

    init() {
        var system = SystemRandomNumberGenerator()
        state = (system.next(), system.next(), system.next(), system.next() | 1)
    }

    mutating func next(milliseconds: UInt64) -> (UInt64, UInt16, UInt64) {
        if milliseconds > lastMilliseconds {
            lastMilliseconds = milliseconds
            counter = UInt16(truncatingIfNeeded: nextRandom() & 0x3ff)  // leave room to count up
        } else if counter < 0xfff {
            counter += 1
        } else {
            lastMilliseconds += 1
            counter = 0
        }
        return (lastMilliseconds, counter, nextRandom())
    }

    /// xoshiro256**.
    private mutating func nextRandom() -> UInt64 {
        let result = (state.1 &* 5).rotatedLeft(7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = state.3.rotatedLeft(45)
        return result
    }
}

extension UInt64 {
    fileprivate func rotatedLeft(_ count: UInt64) -> UInt64 { (self << count) | (self >> (64 - count)) }
}
