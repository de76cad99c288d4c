/// An immutable heap buffer shared by the records of one page of events.
///
/// Buffers the size of a page of records come from ``PageBufferPool`` and go back to it, so a
/// replay reuses a few buffers instead of asking the allocator for a large block per page.
final class SharedBytes: @unchecked Sendable {
    // @unchecked because the bytes are written once, before the buffer is shared, and never again.
    let bytes: UnsafeMutableRawBufferPointer
    private let allocation: UnsafeMutableRawBufferPointer

    init(count: Int) {
        allocation = PageBufferPool.shared.take(atLeast: max(count, 1))
        bytes = UnsafeMutableRawBufferPointer(rebasing: allocation[0..<max(count, 1)])
    }

    deinit { PageBufferPool.shared.give(allocation) }
}
