import Foundation
import HomewardLMDB

/// A stream's number and last version, as a transaction has left them.
struct StreamPlace {
    var number: UInt64
    var version: UInt64
}

extension LogStorage {
    /// Why ``applyInKeyOrder(_:head:now:cursors:known:in:)`` gave up: the transaction is aborted and
    /// the parts applied one by one instead, which judges them (an id already stored may be a
    /// retry; a failed check names its part).
    struct KeyOrderFallback: Error {}

    /// Writes the parts of a multi-stream append with each index's entries in key order.
    ///
    /// Applied one by one, the parts of an imported file put their ids and stream entries all
    /// over the id and stream indexes: every put searches its tree from the root and lands on
    /// another page. Here the parts are checked first (in order, each stream's version carried
    /// from part to part), then each index gets its entries sorted, through one cursor: a run of
    /// keys that falls on one page costs one search, and the pages are visited in order. Every
    /// record of the transaction is encoded and hashed meanwhile, the hashing on another core.
    ///
    /// Throws ``KeyOrderFallback`` as soon as a part fails a check or an id is already stored,
    /// with writes already made: the caller must abort the transaction and apply the parts one
    /// by one, which gives the same outcome as if this path did not exist.
    /// - Parameter known: The number and last version of streams this transaction has written,
    ///   updated here: a later call in the same transaction (a long append's next batch) looks
    ///   them up there instead of in the indexes. Discard it with the transaction.
    func applyInKeyOrder(
        _ requests: [AppendRequest],
        head: inout WriterHead,
        now: Timestamp,
        cursors: AppendCursors,
        known: inout [StreamID: StreamPlace],
        in transaction: Transaction
    ) throws -> [AppendResult] {
        // Unindexed records first: the checks below then read the indexes alone.
        try indexUnindexed(unindexedMark(in: transaction), cursors: cursors, in: transaction)
        cursors.unindexed.removeAll()
        // Check every part and place its events: stream number, version, recorded time.
        var newStreams: [(name: StreamID, number: UInt64)] = []
        var nextStreamNumber: UInt64?
        // The events stay in their parts' arrays; the ids are gathered for the id index.
        var eventRuns: [[NewEvent]] = []
        var ids: [UUID] = []
        var placements: [(stream: StreamID, version: UInt64)] = []
        var streamNumbers: [UInt64] = []
        var recordedTimes: [Timestamp] = []
        var results: [AppendResult] = []
        results.reserveCapacity(requests.count)
        var checkedHead = head
        for request in requests {
            if validate(request) != nil { throw KeyOrderFallback() }
            let state = try known[request.stream].map { ($0.number, $0.version) }
                ?? streamState(request.stream, using: cursors.streamEvents, mark: UnindexedMark(first: nil), in: transaction)
            guard case .success(let times) = checkTimesAndVersion(request, state: state, head: checkedHead, now: now) else {
                throw KeyOrderFallback()
            }
            let number: UInt64
            if let state {
                number = state.number
            } else {
                if nextStreamNumber == nil { nextStreamNumber = try UInt64(transaction.count(streams) + 1) }
                number = nextStreamNumber!
                nextStreamNumber! += 1
                newStreams.append((request.stream, number))
            }
            let firstVersion = (state?.version ?? 0) + 1
            let firstPosition = checkedHead.position + 1
            eventRuns.append(request.events)
            for index in request.events.indices {
                ids.append(request.events[index].eventId)
                placements.append((request.stream, firstVersion + UInt64(index)))
                streamNumbers.append(number)
            }
            recordedTimes += times
            let lastVersion = firstVersion + UInt64(request.events.count) - 1
            known[request.stream] = StreamPlace(number: number, version: lastVersion)
            checkedHead.position += UInt64(request.events.count)
            checkedHead.recordedAt = times.last
            results.append(AppendResult(
                positions: (firstPosition...checkedHead.position).map { $0 },
                streamVersion: lastVersion,
                wasAlreadyStored: false
            ))
        }
        let firstPosition = head.position + 1
        let sealer = RecordSealer(eventRuns: eventRuns, firstPosition: firstPosition, recordedTimes: recordedTimes, previousHash: head.hash) {
            placements[$0]
        }

        // The id index, in id order. A taken id (or one repeated within the transaction) sends
        // the whole transaction back to the one-by-one path.
        var idOrder = ids.indices.map { index in
            withUnsafeBytes(of: ids[index].uuid) { id in
                (UInt64(bigEndian: id.loadUnaligned(as: UInt64.self)), UInt64(bigEndian: id.loadUnaligned(fromByteOffset: 8, as: UInt64.self)), index)
            }
        }
        idOrder.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        for (_, _, index) in idOrder {
            if try !cursors.claim(ids[index], at: firstPosition + UInt64(index)) {
                _ = sealer.wait()
                throw KeyOrderFallback()
            }
        }

        // New streams' numbers, then the stream index in (stream number, version) order.
        for (name, number) in newStreams.sorted(by: { $0.name < $1.name }) {
            try createStream(name, number: number, in: transaction)
        }
        var streamOrder = ids.indices.map { (streamNumbers[$0], placements[$0].version, $0) }
        streamOrder.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        for (number, version, index) in streamOrder {
            try cursors.putStreamEvent(streamNumber: number, version: version, at: firstPosition + UInt64(index))
        }
        try cursors.putRecordedSeconds(recordedTimes, from: firstPosition)

        // The log, each record as soon as it is sealed.
        let hash = try cursors.writeSealedRecords(of: sealer, from: firstPosition)
        head = WriterHead(position: checkedHead.position, hash: hash, recordedAt: checkedHead.recordedAt)
        return results
    }
}
