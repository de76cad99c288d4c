import Dispatch
import Foundation
import Synchronization

/// Encodes and hash-chains the records of a large append, the hashing on another core, so the
/// sequential SHA-256 work overlaps the writer's index updates.
///
/// The records are written into one arena: record `i` is `arena[offsets[i]..<offsets[i + 1]]`,
/// canonical bytes then chain hash, exactly as they go into the log. The thread that makes the
/// sealer encodes the canonical bytes while the job hashes them behind it; the job publishes how
/// many records it has sealed, so the writer copies the first ones into the log while the last
/// ones are still being hashed (``forEachSealedRecord(_:)``).
final class RecordSealer: @unchecked Sendable {
    // @unchecked because each part of a record is written by one side only (canonical bytes by
    // the maker, hash by the job) and read by the other only after a counter stored with release
    // ordering after the write (`encodedCount`, `sealedCount`) or `wait()`'s semaphore says so.
    private let arena: UnsafeMutableRawBufferPointer
    private let offsets: [Int]
    private let done = DispatchSemaphore(value: 0)
    private let encodedCount = Atomic<Int>(0)
    private let sealedCount = Atomic<Int>(0)
    private var lastHash = ChainHash.zero

    /// Each side publishes its progress every this many records.
    private static let publishingInterval = 16

    /// Appends of at least this many events are sealed on another core.
    static let threshold = 64

    /// Starts the hashing job, then encodes every record on the calling thread.
    /// - Parameter placement: The stream and version of event `index` (used during the call only).
    init(
        events: [NewEvent],
        firstPosition: UInt64,
        recordedTimes: [Timestamp],
        previousHash: ChainHash,
        placement: (_ index: Int) -> (stream: StreamID, version: UInt64)
    ) {
        var offsets = [0]
        offsets.reserveCapacity(events.count + 1)
        for index in events.indices {
            offsets.append(offsets[index] + Envelope.canonicalSize(events[index], stream: placement(index).stream) + StorageLayout.hashSize)
        }
        self.offsets = offsets
        arena = .allocate(byteCount: offsets[events.count], alignment: 16)
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            var hash = previousHash
            var encoded = 0
            for index in 0..<(self.offsets.count - 1) {
                while encoded <= index {
                    encoded = encodedCount.load(ordering: .acquiring)
                    if encoded <= index { sched_yield() }
                }
                let hashStart = self.offsets[index + 1] - StorageLayout.hashSize
                hash = Envelope.chainHash(previous: hash, canonical: UnsafeRawBufferPointer(rebasing: arena[self.offsets[index]..<hashStart]))
                hash.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: arena[hashStart..<self.offsets[index + 1]]).copyMemory(from: $0) }
                if (index + 1) % RecordSealer.publishingInterval == 0 {
                    sealedCount.store(index + 1, ordering: .releasing)
                }
            }
            sealedCount.store(self.offsets.count - 1, ordering: .releasing)
            lastHash = hash
            done.signal()
        }
        for index in events.indices {
            let (stream, version) = placement(index)
            _ = Envelope.writeCanonical(
                events[index],
                position: firstPosition + UInt64(index),
                stream: stream,
                version: version,
                recordedAt: recordedTimes[index],
                into: UnsafeMutableRawBufferPointer(rebasing: arena[offsets[index]..<offsets[index + 1]])
            )
            if (index + 1) % RecordSealer.publishingInterval == 0 {
                encodedCount.store(index + 1, ordering: .releasing)
            }
        }
        encodedCount.store(events.count, ordering: .releasing)
    }

    /// Calls `body` with each record, in order, as soon as it is sealed, then returns the chain
    /// hash of the last one.
    ///
    /// The calling thread spins (yielding the processor) while the job catches up: the wait is
    /// at most the rest of the job, well under a millisecond, and shorter than a sleep's wake-up.
    func forEachSealedRecord(_ body: (Int, UnsafeRawBufferPointer) throws -> Void) rethrows -> ChainHash {
        let count = offsets.count - 1
        var index = 0
        while index < count {
            var sealed = sealedCount.load(ordering: .acquiring)
            while sealed == index {
                sched_yield()
                sealed = sealedCount.load(ordering: .acquiring)
            }
            while index < sealed {
                try body(index, UnsafeRawBufferPointer(rebasing: arena[offsets[index]..<offsets[index + 1]]))
                index += 1
            }
        }
        return wait()
    }

    /// Waits for the job, then returns the chain hash of the last record.
    func wait() -> ChainHash {
        done.wait()
        done.signal()  // later waits return at once
        return lastHash
    }

    deinit {
        done.wait()
        arena.deallocate()
    }
}
