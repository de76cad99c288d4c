#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Random bytes from the kernel's generator, many at a time.
///
/// swift-crypto draws a new key or nonce eight bytes per system call; sealing thousands of events
/// (a nonce each) and making thousands of keys then spends more time in those calls than in
/// AES-GCM. This draws them 256 bytes per call (`getentropy`, the `getrandom` system call: the
/// same source, which waits until the kernel's generator is seeded).
///
/// Visible to the package's other modules (the domain seals payloads with it), not to users.
package enum RandomBytes {
    /// `count` random bytes.
    package static func make(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        bytes.withUnsafeMutableBytes { fill($0) }
        return bytes
    }

    /// The most `getentropy` gives per call.
    private static let bytesPerCall = 256

    /// Fills `buffer` with random bytes; from the system generator, eight bytes at a time, where
    /// `getentropy` fails (a kernel without `getrandom`).
    package static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        var filled = 0
        while filled < buffer.count {
            let count = min(bytesPerCall, buffer.count - filled)
            guard getentropy(buffer.baseAddress! + filled, count) == 0 else { break }
            filled += count
        }
        var generator = SystemRandomNumberGenerator()
        while filled < buffer.count {
            let word = generator.next()
            let count = min(8, buffer.count - filled)
            withUnsafeBytes(of: word) { (buffer.baseAddress! + filled).copyMemory(from: $0.baseAddress!, byteCount: count) }
            filled += count
        }
    }
}
