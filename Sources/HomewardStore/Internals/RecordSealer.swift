import Dispatch
import Foundation
import Synchronization

/// Encodes and hash-chains the records of a large append, the hashing on another core, so the
/// sequential SHA-256 work overlaps the writer's index updates.
///
/// The records are written into one arena: record `i` is `arena[offsets[i]..<offsets[i + 1]]`,
/// canonical bytes then chain hash, exactly as they go into the log. The thread that makes the
/// sealer encodes the canonical bytes while the hashing job hashes them behind it; the job
/// publishes how many records it has sealed, so the writer copies the first ones into the log
/// while the last ones are still being hashed (``forEachSealedRecord(_:)``).
///
/// The job is queued on a global dispatch queue, but whoever needs its result first runs it: if
/// no pool thread has started it by the time the writer waits for it, the writer hashes on its
/// own thread. The writer therefore never waits for a thread that may not come.
final class RecordSealer: @unchecked Sendable {
    // @unchecked because each part of a record is written by one side only (canonical bytes by
    // the maker, hash by the job) and read by the other only after a counter stored with release
    // ordering after the write (`encodedCount`, `sealedCount`) or `done` says so; `lastHash` is
    // written by the job before it signals `done`.
    private let arena: UnsafeMutableRawBufferPointer
    private let offsets: [Int]
    private let previousHash: ChainHash
    private let done = DispatchSemaphore(value: 0)
    private let encodedCount = Atomic<Int>(0)
    private let sealedCount = Atomic<Int>(0)
    /// Set by whoever runs the hashing job: it runs once.
    private let jobClaimed = Atomic<Bool>(false)
    private var lastHash = ChainHash.zero

    /// Each side publishes its progress every this many records.
    private static let publishingInterval = 16

    /// Appends of at least this many events are sealed on another core.
    static let threshold = 64

    /// Queues the hashing job, then encodes every record on the calling thread.
    /// - Parameters:
    ///   - eventRuns: The events, in runs (the events of each part of an append, read where they
    ///     are instead of copied into one array); event `index` counts through all runs.
    ///   - placement: The stream and version of event `index` (used during the call only).
    init(
        eventRuns: [[NewEvent]],
        firstPosition: UInt64,
        recordedTimes: [Timestamp],
        previousHash: ChainHash,
        placement: (_ index: Int) -> (stream: StreamID, version: UInt64)
    ) {
        var offsets = [0]
        offsets.reserveCapacity(recordedTimes.count + 1)
        var index = 0
        // Each event is read in place through the run's buffer: the array's subscript handed
        // out a copy (a retain and a release of each of its strings and its payload).
        for run in eventRuns {
            run.withUnsafeBufferPointer { events in
                for event in events.indices {
                    offsets.append(offsets[index] + Envelope.canonicalSize(events[event], stream: placement(index).stream) + StorageLayout.hashSize)
                    index += 1
                }
            }
        }
        let count = index
        self.offsets = offsets
        self.previousHash = previousHash
        arena = .allocate(byteCount: offsets[count], alignment: 16)
        DispatchQueue.global(qos: .userInitiated).async { [self] in runJobUnlessClaimed() }
        index = 0
        let arena = self.arena
        for run in eventRuns {
            run.withUnsafeBufferPointer { events in
                for event in events.indices {
                    let (stream, version) = placement(index)
                    _ = Envelope.writeCanonical(
                        events[event],
                        position: firstPosition + UInt64(index),
                        stream: stream,
                        version: version,
                        recordedAt: recordedTimes[index],
                        into: UnsafeMutableRawBufferPointer(rebasing: arena[offsets[index]..<offsets[index + 1]])
                    )
                    index += 1
                    if index % RecordSealer.publishingInterval == 0 {
                        encodedCount.store(index, ordering: .releasing)
                    }
                }
            }
        }
        encodedCount.store(count, ordering: .releasing)
    }

    /// Runs the hashing job on this thread, unless another thread already has.
    private func runJobUnlessClaimed() {
        guard jobClaimed.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        let count = offsets.count - 1
        var hash = previousHash
        var encoded = 0
        var waiter = Waiter()
        for index in 0..<count {
            while encoded <= index {
                encoded = encodedCount.load(ordering: .acquiring)
                if encoded <= index { waiter.pause() }
            }
            let hashStart = offsets[index + 1] - StorageLayout.hashSize
            hash = Envelope.chainHash(previous: hash, canonical: UnsafeRawBufferPointer(rebasing: arena[offsets[index]..<hashStart]))
            hash.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: arena[hashStart..<offsets[index + 1]]).copyMemory(from: $0) }
            if (index + 1) % RecordSealer.publishingInterval == 0 {
                sealedCount.store(index + 1, ordering: .releasing)
            }
        }
        sealedCount.store(count, ordering: .releasing)
        lastHash = hash
        done.signal()
    }

    /// Calls `body` with each record, in order, as soon as it is sealed, then returns the chain
    /// hash of the last one.
    ///
    /// If the job has not started, this thread runs it first. Otherwise it follows the job,
    /// yielding the processor, then sleeping in short naps if the job runs long (a large import
    /// transaction, or a processor without SHA instructions).
    func forEachSealedRecord(_ body: (Int, UnsafeRawBufferPointer) throws -> Void) rethrows -> ChainHash {
        runJobUnlessClaimed()
        let count = offsets.count - 1
        var index = 0
        var waiter = Waiter()
        while index < count {
            var sealed = sealedCount.load(ordering: .acquiring)
            while sealed == index {
                waiter.pause()
                sealed = sealedCount.load(ordering: .acquiring)
            }
            while index < sealed {
                try body(index, UnsafeRawBufferPointer(rebasing: arena[offsets[index]..<offsets[index + 1]]))
                index += 1
            }
        }
        return wait()
    }

    /// Waits for the job (running it on this thread if it has not started), then returns the
    /// chain hash of the last record.
    func wait() -> ChainHash {
        runJobUnlessClaimed()
        done.wait()
        done.signal()  // later waits return at once
        return lastHash
    }

    deinit {
        // The queued block holds the sealer until it has run, so the job has been claimed.
        done.wait()
        arena.deallocate()
    }

    /// How a thread waits for the other side: yields the processor at first, then naps.
    private struct Waiter {
        private var pauses = 0

        mutating func pause() {
            pauses += 1
            if pauses < 2_000 { sched_yield() } else { usleep(20) }
        }
    }
}
