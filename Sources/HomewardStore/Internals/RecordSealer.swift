import Dispatch

/// Encodes and hash-chains the records of a large append on another core while the writer
/// thread updates the indexes, so the sequential SHA-256 work overlaps LMDB's.
///
/// The records are written into one arena: record `i` is `arena[offsets[i]..<offsets[i + 1]]`,
/// canonical bytes then chain hash, exactly as they go into the log.
final class RecordSealer: @unchecked Sendable {
    // @unchecked because the arena is written only by the sealing job and read only after
    // `wait()`, whose semaphore orders the two.
    private let arena: UnsafeMutableRawBufferPointer
    private let offsets: [Int]
    private let done = DispatchSemaphore(value: 0)
    private var lastHash = ChainHash.zero

    /// Appends of at least this many events are sealed on another core.
    static let threshold = 64

    init(
        events: [NewEvent],
        stream: StreamID,
        firstPosition: UInt64,
        firstVersion: UInt64,
        recordedTimes: [Timestamp],
        previousHash: ChainHash
    ) {
        var offsets = [0]
        offsets.reserveCapacity(events.count + 1)
        for index in events.indices {
            offsets.append(offsets[index] + Envelope.canonicalSize(events[index], stream: stream) + StorageLayout.hashSize)
        }
        self.offsets = offsets
        arena = .allocate(byteCount: offsets[events.count], alignment: 16)
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            var hash = previousHash
            for index in events.indices {
                let record = UnsafeMutableRawBufferPointer(rebasing: arena[self.offsets[index]..<self.offsets[index + 1]])
                hash = Envelope.write(
                    events[index],
                    position: firstPosition + UInt64(index),
                    stream: stream,
                    version: firstVersion + UInt64(index),
                    recordedAt: recordedTimes[index],
                    previousHash: hash,
                    into: record
                )
            }
            lastHash = hash
            done.signal()
        }
    }

    /// Waits for the job, then returns the chain hash of the last record.
    func wait() -> ChainHash {
        done.wait()
        done.signal()  // later waits return at once
        return lastHash
    }

    /// Record `index`, after ``wait()``.
    func record(_ index: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: arena[offsets[index]..<offsets[index + 1]])
    }

    deinit {
        done.wait()
        arena.deallocate()
    }
}
