#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Random bytes from the kernel's generator, many at a time.
///
/// swift-crypto draws a new key or nonce eight bytes per system call; sealing thousands of events
/// (a nonce each) and making thousands of keys then spends more time in those calls than in
/// AES-GCM. This draws the bytes of a whole batch from `/dev/urandom` (the source `getrandom`
/// reads, once the kernel's generator is seeded) with a few calls.
///
/// Visible to the package's other modules (the domain seals payloads with it), not to users.
package enum RandomBytes {
    /// `count` random bytes.
    package static func make(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        bytes.withUnsafeMutableBytes { fill($0) }
        return bytes
    }

    /// Fills `buffer` with random bytes; from the system generator, eight bytes at a time, where
    /// `/dev/urandom` cannot be read (a confined process).
    package static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        guard buffer.count > 0 else { return }
        var filled = 0
        let descriptor = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        if descriptor >= 0 {
            defer { close(descriptor) }
            while filled < buffer.count {
                let got = read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
                if got < 0, errno == EINTR { continue }
                guard got > 0 else { break }
                filled += got
            }
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
