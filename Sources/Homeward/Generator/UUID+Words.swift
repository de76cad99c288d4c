import Foundation

extension UUID {
    /// A UUID made of two 64-bit words, with the RFC 9562 variant and the given version.
    init(high: UInt64, low: UInt64, version: UInt8) {
        let high = (high & 0xffff_ffff_ffff_0fff) | (UInt64(version & 0x0f) << 12)
        let low = (low & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<8 {
            bytes[index] = UInt8(truncatingIfNeeded: high >> (56 - 8 * UInt64(index)))
            bytes[8 + index] = UInt8(truncatingIfNeeded: low >> (56 - 8 * UInt64(index)))
        }
        self.init(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                         bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}
