import HomewardStore
import HomewardTesting
import Testing

/// Reads, writes and removals mixed in every order, with values of every size (pages split and
/// merge), as a projection makes them through its context.
struct ShufflingProjection: Projection {
    var name = "shuffle"
    var version = 1
    /// Whether each read and write of a key is one ``ProjectionContext/update(_:_:)``.
    var updating = false

    /// What the event at `position` does: its key, and the value it stores (`nil`: it removes
    /// the key when present, after reading it).
    static func change(at position: UInt64) -> (key: [UInt8], value: [UInt8]?) {
        let key = Array("k/\(position * 7919 % 500)".utf8)
        if position.isMultiple(of: 5) { return (key, nil) }
        // Now and then a value too large for a page (stored on overflow pages).
        let size = position.isMultiple(of: 11) ? 5_000 + Int(position % 3) * 1_500 : Int(position * 131 % 900)
        return (key, Array(String(repeating: "v", count: size).utf8) + Array("\(position)".utf8))
    }

    static func seenKey(_ position: UInt64) -> [UInt8] {
        Array("seen/\(String(repeating: "0", count: 6 - String(position).count))\(position)".utf8)
    }

    func apply(_ events: [RecordedEvent], in context: ProjectionContext) throws {
        for event in events {
            let (key, value) = Self.change(at: event.position)
            if updating {
                var before: Int?
                try context.update(key) { stored in
                    before = stored?.count
                    return value
                }
                try context.put(Self.seenKey(event.position), Array("\(before ?? -1)".utf8))
                continue
            }
            // Read first (the cursor then stands on the key or where it would go), then write.
            let before = try context.get(key)
            // What each read found is kept too, so that every read is checked.
            try context.put(Self.seenKey(event.position), Array("\(before?.count ?? -1)".utf8))
            if let value {
                try context.put(key, value)
            } else if before != nil {
                try context.delete(key)
            }
        }
    }
}

/// Counts each key's events with ``ProjectionContext/insert(_:_:orMerge:)``: a new key is stored
/// with a count of one, a stored one counted up, and removed at its fourth event.
struct InsertCountingProjection: Projection {
    var name = "count"
    var version = 1

    static func key(at position: UInt64) -> [UInt8] { Array("c/\(position * 7919 % 450)".utf8) }

    func apply(_ events: [RecordedEvent], in context: ProjectionContext) throws {
        for event in events {
            try Self.key(at: event.position).withUnsafeBytes { key in
                try [UInt8]([1]).withUnsafeBytes { one in
                    try context.insert(key, one) { stored in
                        let count = Int(stored[0]) + 1
                        return count == 4 ? nil : [UInt8(count)]
                    }
                }
            }
        }
    }
}

/// Stores each batch's events through one ``ProjectionContext/putting(_:)``: a key per event in
/// key order, a value of any size (some on overflow pages), and one key that every batch replaces.
struct PuttingProjection: Projection {
    var name = "putting"
    var version = 1

    static func key(at position: UInt64) -> [UInt8] {
        Array("e/\(String(repeating: "0", count: 6 - String(position).count))\(position)".utf8)
    }

    static func value(at position: UInt64) -> [UInt8] {
        Array(String(repeating: "p", count: position.isMultiple(of: 13) ? 6_000 : Int(position % 300)).utf8) + Array("\(position)".utf8)
    }

    func apply(_ events: [RecordedEvent], in context: ProjectionContext) throws {
        try context.putting { put in
            for event in events {
                let key = Self.key(at: event.position)
                try key.withUnsafeBytes { key in try Self.value(at: event.position).withUnsafeBytes { try put(key, $0) } }
            }
            try Array("last".utf8).withUnsafeBytes { key in try Array("\(events.last?.position ?? 0)".utf8).withUnsafeBytes { try put(key, $0) } }
        }
    }
}

struct ProjectionContextTests {
    /// A store of `count` sample events over `streams` case streams, folded into `projection`
    /// in batches of `batchSize`; `body` is handed every entry the projection then holds, in key
    /// order.
    private func entries(
        of projection: some Projection, events count: Int, streams: Int, batchSize: Int,
        _ body: ([(key: [UInt8], value: [UInt8])]) throws -> Void
    ) throws {
        try withTemporaryEventStore { store in
            for index in 0..<count {
                try store.append([.sample("Seen", index: index)], to: StreamID(validating: "case-\(index % streams)"))
            }
            let engine = try ProjectionEngine(store: store, projections: [projection], batchSize: batchSize)
            try engine.catchUp()
            try body(try engine.read(projection.name) { context in
                var entries: [(key: [UInt8], value: [UInt8])] = []
                try context.scan(prefix: []) { key, value in
                    entries.append((key, value))
                    return true
                }
                return entries
            })
        }
    }

    /// Puts made through `putting` store every key with its value, and a key put again holds the
    /// last value, across batches and pages.
    @Test func puttingStoresEveryValueAndTheLastOfAKeyPutAgain() throws {
        let count = 1_500
        try entries(of: PuttingProjection(), events: count, streams: 5, batchSize: 97) { entries in
            let stored = Dictionary(uniqueKeysWithValues: entries.map { ($0.key, $0.value) })
            #expect(stored.count == count + 1)
            #expect(stored[Array("last".utf8)] == Array("\(count)".utf8))
            for position in 1...UInt64(count) {
                #expect(stored[PuttingProjection.key(at: position)] == PuttingProjection.value(at: position), "event \(position)")
            }
        }
    }

    /// A lent scan finds what a scan finds, for every prefix: none, one key's, a family's, one
    /// that matches nothing, and one past every key; and stops when its body says so.
    @Test func aLentScanFindsWhatAScanFinds() throws {
        try withTemporaryEventStore { store in
            for index in 0..<600 { try store.append([.sample("Seen", index: index)], to: StreamID(validating: "case-\(index % 3)")) }
            let engine = try ProjectionEngine(store: store, projections: [PuttingProjection()], batchSize: 50)
            try engine.catchUp()
            try engine.read(PuttingProjection().name) { context in
                let samples = [[], PuttingProjection.key(at: 17), Array(PuttingProjection.key(at: 17).prefix(3)), Array("zz".utf8), Array("\u{7f}".utf8)]
                for prefix in samples {
                    var scanned: [[UInt8]] = []
                    var lent: [[UInt8]] = []
                    try context.scan(prefix: prefix) { key, value in
                        scanned.append(key + [0xff] + value)
                        return true
                    }
                    try context.scanLent(prefix: prefix) { key, value in
                        lent.append(Array(key) + [0xff] + Array(value))
                        return true
                    }
                    #expect(lent == scanned, "prefix \(prefix)")
                }
                var firstTwo = 0
                try context.scanLent(prefix: []) { _, _ in
                    firstTwo += 1
                    return firstTwo < 2
                }
                #expect(firstTwo == 2)
            }
        }
    }

    /// New keys are stored as given, stored ones merged, and a merge that gives nothing removes
    /// the key, across batches and pages.
    @Test func insertStoresNewKeysAndMergesStoredOnes() throws {
        let count = 2_000
        try entries(of: InsertCountingProjection(), events: count, streams: 7, batchSize: 89) { entries in
            var model: [[UInt8]: Int] = [:]
            for position in 1...UInt64(count) {
                let key = InsertCountingProjection.key(at: position)
                let next = (model[key] ?? 0) + 1
                model[key] = next == 4 ? nil : next
            }
            let stored = Dictionary(uniqueKeysWithValues: entries.map { ($0.key, Int($0.value[0])) })
            #expect(stored == model)
            // Four or five events per key: a key of four was merged away, one of five stored anew.
            #expect(stored.count > 0 && stored.count < 450, "keys merged to nothing are gone, and come back")
        }
    }

    /// Also through `update`, which replaces a value where the cursor found it (a value of
    /// another size, on a page or on overflow pages), adds a missing key, or removes one.
    @Test(arguments: [false, true])
    func readsWritesAndRemovalsInAnyOrderGiveWhatADictionaryGives(updating: Bool) throws {
        let count = 3_000
        try entries(of: ShufflingProjection(updating: updating), events: count, streams: 7, batchSize: 97) { stored in
            var model: [[UInt8]: [UInt8]] = [:]
            for position in 1...UInt64(count) {
                let (key, value) = ShufflingProjection.change(at: position)
                model[ShufflingProjection.seenKey(position)] = Array("\(model[key]?.count ?? -1)".utf8)
                model[key] = value
            }
            #expect(stored.count == model.count)
            #expect(stored.map(\.key) == model.keys.sorted { $0.lexicographicallyPrecedes($1) }, "every key once, in byte order")
            #expect(stored.allSatisfy { model[$0.key] == $0.value }, "each key holds the value written last")
            let kept = model.keys.filter { $0.starts(with: Array("k/".utf8)) }.count
            #expect(kept > 300 && kept < 500, "some keys were removed")
        }
    }
}
