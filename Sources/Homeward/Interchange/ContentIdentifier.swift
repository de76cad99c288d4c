public import Foundation

/// Event ids derived from a line's content, for interchange lines that carry none.
public enum ContentIdentifier {
    /// A version 8 UUID (RFC 9562, vendor-specific) made of two 64-bit FNV-1a digests of the
    /// content and its occurrence number.
    /// - Parameters:
    ///   - content: The line's canonical JSON.
    ///   - occurrence: How many identical lines came before it in the file.
    /// - Returns: The same id for the same content and occurrence.
    public static func uuid(for content: String, occurrence: Int) -> UUID {
        func fnv(_ seed: UInt64) -> UInt64 {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ seed
            for byte in content.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
            for byte in String(occurrence).utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
            return hash
        }
        return UUID(high: fnv(0x9e37_79b9_7f4a_7c15), low: fnv(0x6a09_e667_f3bc_c909), version: 8)
    }
}
