package import Foundation

extension UUID {
    /// The UUID whose sixteen bytes lie at `offset` in `bytes` (any alignment), as records and
    /// payloads store them.
    ///
    /// Two eight-byte loads made into a UUID where they lie: `UUID(uuid:)` takes its sixteen
    /// bytes as as many arguments, a call of some fifty instructions for every event a rebuild
    /// reads.
    /// - Parameters:
    ///   - bytes: The bytes, at least `offset + 16` of them.
    ///   - offset: Where the UUID's bytes start.
    @inline(__always)
    package init(storedAt offset: Int, in bytes: UnsafeRawBufferPointer) {
        precondition(offset >= 0 && bytes.count - offset >= 16, "sixteen bytes of a UUID")
        let halves = (bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self), bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
        self = unsafeBitCast(halves, to: UUID.self)
    }
}
