public import Foundation

extension UUID {
    /// A version 7 UUID: 48 bits of Unix milliseconds, then random bits (RFC 9562).
    ///
    /// Ids made close in time sort close together, so the store's id index grows at its end
    /// instead of touching random pages.
    /// - Parameter time: The instant to embed; now by default.
    /// - Returns: A new UUID.
    public static func timeOrdered(at time: Timestamp = .now) -> UUID {
        let milliseconds = UInt64(max(0, time.microsecondsSinceEpoch / 1000))
        var generator = SystemRandomNumberGenerator()
        let random = generator.next() as UInt64
        let random2 = generator.next() as UInt64
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> (40 - 8 * UInt64(index))) }
        bytes[6] = 0x70 | UInt8(truncatingIfNeeded: random & 0x0f)
        bytes[7] = UInt8(truncatingIfNeeded: random >> 8)
        bytes[8] = 0x80 | UInt8(truncatingIfNeeded: (random >> 16) & 0x3f)
        for index in 9..<16 { bytes[index] = UInt8(truncatingIfNeeded: random2 >> (8 * UInt64(index - 9))) }
        return UUID(uuid: (
            bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
            bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
        ))
    }
}
