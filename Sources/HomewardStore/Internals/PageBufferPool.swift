import Synchronization

/// A few large buffers kept for reuse by the pages of a replay.
///
/// A page of records is about a megabyte. Allocated and freed per page, such blocks are mapped and
/// unmapped by the C allocator (or trimmed from the top of a thread's heap), and every page then
/// pays page faults to zero fresh memory: on a million-event scan, a third of the time. Buffers
/// between ``smallest`` and ``largest`` bytes are kept here instead, at most ``kept`` of them and
/// ``keptBytes`` in all, so that the memory held idle stays small whatever the pages' sizes;
/// smaller ones go straight to the allocator, which reuses them cheaply.
final class PageBufferPool: Sendable {
    /// The pool every page buffer of the process uses.
    static let shared = PageBufferPool()

    /// The smallest buffer kept: below this the allocator's own free lists serve.
    static let smallest = 64 << 10
    /// The largest buffer kept.
    static let largest = 16 << 20
    /// How many idle buffers are kept.
    static let kept = 8
    /// How many bytes idle buffers may hold in all.
    static let keptBytes = 32 << 20
    /// Buffers are made in multiples of this, so pages of slightly different sizes share them.
    static let granule = 64 << 10

    /// The idle buffers, as (address, size).
    private let idle = Mutex<[(address: UInt, count: Int)]>([])

    /// How many buffers are idle, kept for reuse.
    var idleCount: Int { idle.withLock { $0.count } }

    /// A buffer of at least `count` bytes: an idle one that is at most twice as large, or a new one.
    func take(atLeast count: Int) -> UnsafeMutableRawBufferPointer {
        guard count >= Self.smallest, count <= Self.largest else {
            return .allocate(byteCount: count, alignment: 8)
        }
        let found = idle.withLock { buffers -> (address: UInt, count: Int)? in
            var best: Int?
            for index in buffers.indices where buffers[index].count >= count && buffers[index].count <= 2 * count {
                if best.map({ buffers[index].count < buffers[$0].count }) ?? true { best = index }
            }
            return best.map { buffers.remove(at: $0) }
        }
        if let found, let start = UnsafeMutableRawPointer(bitPattern: found.address) {
            return UnsafeMutableRawBufferPointer(start: start, count: found.count)
        }
        let rounded = (count + Self.granule - 1) / Self.granule * Self.granule
        return .allocate(byteCount: rounded, alignment: 8)
    }

    /// Returns a buffer made by ``take(atLeast:)``: kept when it is a page-sized one and there is
    /// room, freed otherwise.
    func give(_ buffer: UnsafeMutableRawBufferPointer) {
        guard buffer.count >= Self.smallest, buffer.count <= Self.largest, let address = buffer.baseAddress else {
            buffer.deallocate()
            return
        }
        let kept = idle.withLock { buffers in
            guard buffers.count < Self.kept, buffers.reduce(buffer.count, { $0 + $1.count }) <= Self.keptBytes else { return false }
            buffers.append((UInt(bitPattern: address), buffer.count))
            return true
        }
        if !kept { buffer.deallocate() }
    }
}
