// homeward-bench: the store's figures beside raw LMDB measured on the same machine in the same run.
//
//   swift run -c release homeward-bench [--events N] [--out FILE.json] [--keep DIR]
//   swift run -c release homeward-bench --existing STORE   (the projection figures of a seeded store)
//   swift run -c release homeward-bench --only append|single|group|read|projections   (one part; projections: the
//     campaign's import, decoding, rebuild and queries, in a process that has done nothing else)
//   (profiling aids: --scan-existing STORE, --decode-existing STORE [--keys KEYSTORE])
//
// Raw LMDB runs straight through the C API, with the same value sizes, key encoding and
// durability as the store, so each ratio says what the store's extra work costs.
import Foundation
import Homeward
import HomewardCLMDB
import HomewardLMDB
import HomewardStore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

struct Figure: Codable {
    var name: String
    var raw: Double?
    var store: Double
    var unit: String
    var goal: String
    var ratio: Double? { raw.map { store / $0 } }
    var peakMemoryMB: Double
    var anonymousMemoryMB: Double
}

let arguments = CommandLine.arguments
func option(_ name: String) -> String? {
    arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
}
let eventCount = Int(option("--events") ?? "") ?? 1_000_000
let durableCount = Int(option("--durable") ?? "") ?? 2_000
let outPath = option("--out")
let workDirectory = option("--keep") ?? NSTemporaryDirectory() + "homeward-bench-\(getpid())"
try? FileManager.default.removeItem(atPath: workDirectory)
try FileManager.default.createDirectory(atPath: workDirectory, withIntermediateDirectories: true)
defer { if option("--keep") == nil { try? FileManager.default.removeItem(atPath: workDirectory) } }

var figures: [Figure] = []

/// Writes the figures to `--out`, when given.
@MainActor func writeFigures() {
    guard let outPath else { return }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    do {
        try encoder.encode(figures).write(to: URL(fileURLWithPath: outPath))
        print("figures written to \(outPath)")
    } catch {
        print("cannot write the figures to \(outPath): \(error)")
        exit(1)
    }
}

func peakMemoryMB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// Anonymous (heap) memory now, from /proc/self/status: the figure that matters, since the
/// peak resident size also counts the pages of the memory-mapped files.
func anonymousMemoryMB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("RssAnon:") {
        let kilobytes = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
        return kilobytes / 1024
    }
    return 0
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func asyncSeconds(_ body: () async throws -> Void) async rethrows -> Double {
    let start = ContinuousClock.now
    try await body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
    let fill = String(repeating: " ", count: max(0, width - text.count))
    return right ? fill + text : text + fill
}

@MainActor func report(_ name: String, raw: Double?, store: Double, unit: String = "events/s", goal: String) {
    let figure = Figure(name: name, raw: raw, store: store, unit: unit, goal: goal, peakMemoryMB: peakMemoryMB(), anonymousMemoryMB: anonymousMemoryMB())
    figures.append(figure)
    let rawText = raw.map { String(format: "%12.0f", $0) } ?? String(repeating: " ", count: 12)
    let ratioText = figure.ratio.map { String(format: "%6.2f", $0) } ?? "      "
    print(
        pad(name, 40) + " " + rawText + " " + String(format: store < 100 ? "%12.3f" : "%12.0f", store) + " " + ratioText + "  " + pad(unit, 9)
            + String(format: " %6.0f MB %6.0f MB", figure.peakMemoryMB, figure.anonymousMemoryMB) + "  goal: " + goal
    )
}

// MARK: Raw LMDB

func rawCheck(_ code: Int32, _ what: String) {
    if code != 0 {
        fatalError("\(what) failed: \(String(cString: mdb_strerror(code)))")
    }
}

final class RawEnvironment {
    var environment: OpaquePointer?
    var database = MDB_dbi()

    init(path: String) {
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        rawCheck(mdb_env_create(&environment), "mdb_env_create")
        rawCheck(mdb_env_set_mapsize(environment, 64 << 30), "mdb_env_set_mapsize")
        rawCheck(mdb_env_set_maxdbs(environment, 4), "mdb_env_set_maxdbs")
        rawCheck(mdb_env_open(environment, path, UInt32(MDB_NOTLS), 0o600), "mdb_env_open")
        var transaction: OpaquePointer?
        rawCheck(mdb_txn_begin(environment, nil, 0, &transaction), "mdb_txn_begin")
        rawCheck(mdb_dbi_open(transaction, "log", UInt32(MDB_CREATE), &database), "mdb_dbi_open")
        rawCheck(mdb_txn_commit(transaction), "mdb_txn_commit")
    }

    deinit { mdb_env_close(environment) }

    func append(from first: Int, count: Int, perTransaction: Int, value: [UInt8]) {
        var next = first
        let end = first + count
        var value = value
        while next < end {
            var transaction: OpaquePointer?
            rawCheck(mdb_txn_begin(environment, nil, 0, &transaction), "mdb_txn_begin")
            let stop = min(end, next + perTransaction)
            while next < stop {
                var key = UInt64(next + 1).bigEndian
                withUnsafeMutableBytes(of: &key) { keyBytes in
                    value.withUnsafeMutableBytes { valueBytes in
                        var keyValue = MDB_val(mv_size: 8, mv_data: keyBytes.baseAddress)
                        var dataValue = MDB_val(mv_size: valueBytes.count, mv_data: valueBytes.baseAddress)
                        rawCheck(mdb_put(transaction, database, &keyValue, &dataValue, UInt32(MDB_APPEND)), "mdb_put")
                    }
                }
                next += 1
            }
            rawCheck(mdb_txn_commit(transaction), "mdb_txn_commit")
        }
    }

    /// Walks every entry and touches its bytes, as a reader must.
    func scan() -> (count: Int, checksum: UInt64) {
        var transaction: OpaquePointer?
        rawCheck(mdb_txn_begin(environment, nil, UInt32(MDB_RDONLY), &transaction), "mdb_txn_begin")
        var cursor: OpaquePointer?
        rawCheck(mdb_cursor_open(transaction, database, &cursor), "mdb_cursor_open")
        var key = MDB_val()
        var value = MDB_val()
        var count = 0
        var checksum: UInt64 = 0
        var code = mdb_cursor_get(cursor, &key, &value, MDB_FIRST)
        while code == 0 {
            count += 1
            checksum &+= UInt64(value.mv_size) &+ UInt64(value.mv_data.load(fromByteOffset: value.mv_size - 1, as: UInt8.self))
            code = mdb_cursor_get(cursor, &key, &value, MDB_NEXT)
        }
        mdb_cursor_close(cursor)
        mdb_txn_abort(transaction)
        return (count, checksum)
    }
}

// MARK: Events

let actor = EventActor(id: "officer-0042", role: "outreach", org: "HZ-01")
let payloadBytes = Array(String(repeating: "{\"channel\":\"police110\",\"region\":\"330106001001\",\"risks\":[\"cold\"]}", count: 4).utf8.prefix(220))

func makeEvents(_ count: Int, from first: Int) -> [NewEvent] {
    (0..<count).map { offset in
        NewEvent(
            type: "ReportReceived",
            occurredAt: Timestamp(microsecondsSinceEpoch: 1_767_225_600_000_000 + Int64(first + offset) * 1_000_000),
            actor: actor,
            correlationId: "corr-\((first + offset) / 10)",
            payload: Payload(codec: .json, bytes: payloadBytes)
        )
    }
}

/// Waits (at most 20 s) until the process uses less than a tenth of a core over 100 ms, that is,
/// until work left on other threads (such as freeing an import's memory) has ended.
func waitForBackgroundWork() {
    func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
    for _ in 0..<200 {
        let before = cpuSeconds()
        usleep(100_000)
        if cpuSeconds() - before < 0.01 { return }
    }
}

/// Samples the heap (RssAnon) every 20 ms while `body` runs; returns the peak in MB.
func peakHeapMB(during body: () throws -> Void) rethrows -> Double {
    let peak = Mutex(anonymousMemoryMB())
    let running = Atomic(true)
    let sampler = Thread {
        while running.load(ordering: .relaxed) {
            let now = anonymousMemoryMB()
            peak.withLock { $0 = max($0, now) }
            usleep(20_000)
        }
    }
    sampler.start()
    defer { running.store(false, ordering: .relaxed) }
    try body()
    let now = anonymousMemoryMB()
    return peak.withLock { max($0, now) }
}

/// The projection figures of a store holding a campaign: raw LMDB scan of its log, decoding
/// every payload, the rebuild of all three projections (with its peak heap), one case's state as
/// of a recorded time, a month's statistics.
/// Decodes every payload of a store on the calling thread (the pages are read ahead).
func decodeSerially(_ store: EventStore, registry: EventRegistry = .standard) throws -> (count: Int, seconds: Double) {
    var decoded = 0
    let elapsed = try seconds {
        try store.forEachEvent(from: 1, pageSize: 4096) { event in
            _ = try registry.decode(event)
            decoded += 1
        }
    }
    return (decoded, elapsed)
}

/// Decodes every payload of a store as a replay does: on the threads that read ahead.
func decodeInReplay(_ store: EventStore, registry: EventRegistry = .standard) throws -> (count: Int, seconds: Double) {
    var decoded = 0
    let elapsed = try seconds {
        try registry.forEachEvent(in: store) { _, _ in decoded += 1 }
    }
    return (decoded, elapsed)
}

@MainActor func measureProjections(of campaignStore: EventStore) throws -> (rebuildSeconds: Double, decodeSeconds: Double, events: Int) {
    let campaignEvents = Int(try campaignStore.head().position)
    // Raw LMDB: a cursor over the same log database, touching each value's last byte.
    let environment = try Environment.open(path: campaignStore.path)
    let logDatabase = try environment.openDatabase(named: "log")
    func scanLog() throws -> Int {
        try environment.read { transaction in
            let cursor = try transaction.cursor(logDatabase)
            var count = 0
            var checksum = 0
            var entry = try cursor.first()
            while let current = entry {
                count += 1
                checksum &+= Int(current.value[current.value.count - 1])
                entry = try cursor.next()
            }
            return count + (checksum & 0)
        }
    }
    _ = try scanLog()
    let rawCampaignScan = try seconds {
        let scanned = try scanLog()
        precondition(scanned == campaignEvents)
    }

    // Decoding every payload into its typed event, beside the raw scan: on one thread, and as
    // a replay decodes (on the threads that read ahead). The store's own mapping is warmed
    // first, as the raw scan's was: the first pass would be charged its page faults.
    try campaignStore.forEachEvent { _ in }
    let (decoded, decodeSeconds) = try decodeSerially(campaignStore)
    precondition(decoded == campaignEvents)
    report("decode every payload vs raw scan", raw: Double(campaignEvents) / rawCampaignScan, store: Double(decoded) / decodeSeconds, goal: ">= 0.3 of raw")
    let inReplay = try decodeInReplay(campaignStore)
    precondition(inReplay.count == campaignEvents)
    report("decode on the read-ahead threads", raw: Double(campaignEvents) / rawCampaignScan, store: Double(inReplay.count) / inReplay.seconds, goal: "-")

    let projections = try ReliefProjections(store: campaignStore, configuration: .illustrative, catchUp: false)
    let heapBefore = anonymousMemoryMB()
    var rebuildSeconds = 0.0
    let rebuildHeap = try peakHeapMB { rebuildSeconds = try seconds { try projections.engine.rebuild(ReliefProjections.names) } }
    report("rebuild of all three projections vs raw scan", raw: Double(campaignEvents) / rawCampaignScan, store: Double(campaignEvents) / rebuildSeconds, goal: ">= 2,000,000 events/s")
    print("  heap: \(Int(heapBefore)) MB before, peak \(Int(rebuildHeap)) MB during the rebuild (goal: < 300 MB at 10,000,000 events)")

    // One case's state as of a recorded time (folds its stream only), for 200 cases spread
    // over the log, at the recorded time of the middle of the log.
    let service = ReliefService(store: campaignStore)
    var caseIds: [String] = []
    for index in 0..<2000 where caseIds.count < 200 {
        let position = UInt64(1 + index * max(1, campaignEvents / 2000))
        if let event = try campaignStore.events(from: position, limit: 1).first, let caseId = StreamNames.caseId(of: event.stream), !caseIds.contains(caseId) {
            caseIds.append(caseId)
        }
    }
    let cut = try campaignStore.events(from: UInt64(max(1, campaignEvents / 2)), limit: 1)[0].recordedAt
    _ = try service.snapshot(of: caseIds[0], asOfRecorded: cut)
    let caseSeconds = try seconds {
        for caseId in caseIds { _ = try service.snapshot(of: caseId, asOfRecorded: cut) }
    }
    report("case state as of a recorded time", raw: nil, store: caseSeconds / Double(caseIds.count) * 1000, unit: "ms/query", goal: "< 1 ms")

    // A month's statistics from the daily counts (a month of a region per bucket) and monthly counts.
    let month = (LocalDate("2026-12-01")!, LocalDate("2027-01-01")!)
    _ = try projections.statistics(from: month.0, to: month.1)
    let monthSeconds = try seconds { for _ in 0..<50 { _ = try projections.statistics(from: month.0, to: month.1) } }
    report("a month's statistics", raw: nil, store: monthSeconds / 50 * 1000, unit: "ms/query", goal: "< 5 ms")
    return (rebuildSeconds, decodeSeconds, decoded)
}

/// The figures of a generated campaign of about `eventCount` events: its JSONL import, then
/// ``measureProjections(of:)``, then the same with personal fields sealed.
@MainActor func measureCampaign(storeOptions: EventStore.Options) throws {
    let campaignStore = try EventStore(path: workDirectory + "/campaign", options: storeOptions)
    // About 13 events per case.
    var campaign = CampaignGenerator.Configuration()
    campaign.cases = max(10, eventCount / 13)
    campaign.seed = 99
    let generator = CampaignGenerator(campaign)
    // A campaign of millions of lines is too large to hold as one file with its validated lines:
    // it is then generated and imported in parts, as `homeward seed` does, and timed as such.
    let inParts = eventCount > 2_000_000 || option("--import-in-parts") != nil
    var jsonLines: [UInt8] = []
    var recordCount = 0
    if !inParts {
        generator.forEachRecord { record, _ in
            jsonLines += record.line.utf8
            jsonLines.append(UInt8(ascii: "\n"))
            recordCount += 1
        }
    }
    /// Imports the campaign into a store: the file at once, or generated and imported in parts.
    func importCampaign(into store: EventStore) throws -> Int {
        let importer = JSONLinesImporter(service: ReliefService(store: store))
        return inParts ? try importer.importCampaign(generator).appended : try importer.importFile(jsonLines).appended
    }
    // JSONL import: parse, validate every line and the case guards, then append.
    var imported = 0
    let importSeconds = try seconds { imported = try importCampaign(into: campaignStore) }
    if inParts { recordCount = imported }
    precondition(imported == recordCount, "imported \(imported) of \(recordCount) lines")
    if inParts {
        report("campaign generated and imported in parts of 200,000 lines", raw: nil, store: Double(imported) / importSeconds, goal: "-")
    } else {
        report("JSONL import (parse, validate, append)", raw: nil, store: Double(imported) / importSeconds, goal: ">= 200,000 events/s")
    }
    print("\ncampaign: \(campaign.cases) cases, \(try campaignStore.head().position) events")
    // The import frees what it held on another thread; the figures below are taken once that
    // has ended, so that they do not share the cores with it.
    waitForBackgroundWork()
    let (rebuildSeconds, decodeSeconds, decoded) = try measureProjections(of: campaignStore)
    let campaignEvents = decoded

    // The same campaign with personal fields sealed under per-person keys (crypto-shredding).
    // Here the first column is the unsealed figure above, not raw LMDB.
    if option("--skip-sealed") == nil {
        print("\nsealed personal fields (first column: the same figure unsealed)")
        var sealedOptions = storeOptions
        sealedOptions.keys = try KeyStore(path: workDirectory + "/campaign-keys")
        let sealedStore = try EventStore(path: workDirectory + "/campaign-sealed", options: sealedOptions)
        var sealedImported = 0
        let sealedImportSeconds = try seconds {
            sealedImported = try importCampaign(into: sealedStore)
        }
        precondition(sealedImported == recordCount)
        report("JSONL import, sealed", raw: Double(imported) / importSeconds, store: Double(sealedImported) / sealedImportSeconds, goal: "cost of sealing")
        let keyedRegistry = EventRegistry.standard.withKeys(sealedStore.keys)
        var sealedDecoded = 0
        let sealedDecodeSeconds = try seconds {
            try sealedStore.forEachEvent(from: 1, pageSize: 4096) { event in
                _ = try keyedRegistry.decode(event)
                sealedDecoded += 1
            }
        }
        report("decode every payload, sealed", raw: Double(decoded) / decodeSeconds, store: Double(sealedDecoded) / sealedDecodeSeconds, goal: "cost of opening")
        let sealedProjections = try ReliefProjections(store: sealedStore, configuration: .illustrative, catchUp: false)
        let sealedRebuildSeconds = try seconds { try sealedProjections.engine.rebuild(ReliefProjections.names) }
        report("rebuild of all three projections, sealed", raw: Double(campaignEvents) / rebuildSeconds, store: Double(campaignEvents) / sealedRebuildSeconds, goal: "cost of opening")
    }
}

if let existing = option("--decode-existing") {
    let store = try EventStore(path: existing)
    // With `--keys KEYSTORE`, sealed personal fields are opened (without, they read as forgotten).
    let registry = try option("--keys").map { EventRegistry.standard.withKeys(try KeyStore(path: $0)) } ?? .standard
    if option("--in-replay-only") != nil {
        for _ in 0..<5 {
            let parallel = try decodeInReplay(store, registry: registry)
            print("decode in a replay: \(Int(Double(parallel.count) / parallel.seconds)) events/s")
        }
        exit(0)
    }
    for _ in 0..<3 {
        let serial = try decodeSerially(store, registry: registry)
        let parallel = try decodeInReplay(store, registry: registry)
        print("decode: one thread \(Int(Double(serial.count) / serial.seconds)) events/s, in a replay \(Int(Double(parallel.count) / parallel.seconds)) events/s")
    }
    exit(0)
}

if let existing = option("--existing") {
    // The projection figures on a store that already holds a campaign (such as one of ten
    // million events made by `homeward seed`, too large to generate here in memory).
    let store = try EventStore(path: existing)
    print("Homeward benchmark on \(existing): \(try store.head().position) events, \(String(cString: mdb_version(nil, nil, nil))), \(ProcessInfo.processInfo.activeProcessorCount) cores")
    _ = try measureProjections(of: store)
    writeFigures()
    exit(0)
}

if let existing = option("--scan-existing") {
    let store = try EventStore(path: existing)
    for _ in 0..<3 {
        var count = 0
        let elapsed = try seconds { try store.forEachEvent { _ in count += 1 } }
        print("forEachEvent: \(Int(Double(count) / elapsed)) events/s")
    }
    for _ in 0..<3 {
        var count = 0
        let elapsed = try await asyncSeconds { for try await _ in store.readAll(pageSize: 4096) { count += 1 } }
        print("readAll: \(Int(Double(count) / elapsed)) events/s")
    }
    for _ in 0..<3 {
        let summed = try await readEverything(store)
        print("readAll summing payload sizes: \(Int(Double(summed.count) / summed.seconds)) events/s")
    }
    exit(0)
}

if option("--only") == "projections" {
    // The campaign's phases alone, in a process that has done nothing else.
    print("Homeward benchmark, campaign phases only: about \(eventCount) events, \(String(cString: mdb_version(nil, nil, nil))), \(ProcessInfo.processInfo.activeProcessorCount) cores")
    var options = EventStore.Options()
    if option("--relaxed") != nil { options.durability = .relaxed }
    try measureCampaign(storeOptions: options)
    writeFigures()
    exit(0)
}

print("Homeward benchmark: \(eventCount) events, \(String(cString: mdb_version(nil, nil, nil))), \(ProcessInfo.processInfo.activeProcessorCount) cores")
print(pad("figure", 40) + " " + pad("raw LMDB", 12, right: true) + " " + pad("Homeward", 12, right: true) + " " + pad("ratio", 6, right: true) + "  " + pad("unit", 9) + "  peak RSS   heap now")

// Batched append: transactions of 1,000.
let rawStorePath = workDirectory + "/raw"
let raw = RawEnvironment(path: rawStorePath)
let storePath = workDirectory + "/store"
var storeOptions = EventStore.Options()
if option("--relaxed") != nil { storeOptions.durability = .relaxed }
let store = try EventStore(path: storePath, options: storeOptions)
let sample = try { () throws -> Int in
    let probe = try EventStore(path: workDirectory + "/probe")
    try probe.append(makeEvents(1, from: 0), to: "case-0")
    return probe.storageSizeOfFirstEvent()
}()
let rawValue = [UInt8](repeating: 0x61, count: sample)
let rawAppendSeconds = option("--skip-raw") != nil ? 1 : seconds { raw.append(from: 0, count: eventCount, perTransaction: 1000, value: rawValue) }
// Events are built before each call, outside the timed part: the store's work is the append.
var storeAppendSeconds = 0.0
var appended = 0
while appended < eventCount {
    let count = min(1000, eventCount - appended)
    let events = makeEvents(count, from: appended)
    let stream = try StreamID(validating: "case-\(appended / 1000 % 997)")
    storeAppendSeconds += try seconds { try store.append(events, to: stream) }
    appended += count
}
report("append, transactions/batches of 1,000", raw: Double(eventCount) / rawAppendSeconds, store: Double(eventCount) / storeAppendSeconds, goal: ">= 0.5 of raw")

if option("--only") == "append" { exit(0) }
let skipDurable = option("--only") == "read"

// Single durable appends. Raw and store take turns, 10 rounds each, so that a change in the
// disk's latency during the run (which moves these figures by a fifth) falls on both alike.
if !skipDurable && option("--only") != "group" {
let rawSingle = RawEnvironment(path: workDirectory + "/raw-single")
let singleStore = try EventStore(path: workDirectory + "/single")
let singleEvents = makeEvents(durableCount, from: 0)
let singleStreams = try (0..<100).map { try StreamID(validating: "case-\($0)") }
var rawSingleSeconds = 0.0
var storeSingleSeconds = 0.0
let rounds = 10
for round in 0..<rounds {
    let range = (durableCount * round / rounds)..<(durableCount * (round + 1) / rounds)
    rawSingleSeconds += seconds { rawSingle.append(from: range.lowerBound, count: range.count, perTransaction: 1, value: rawValue) }
    storeSingleSeconds += try seconds {
        for index in range { try singleStore.append([singleEvents[index]], to: singleStreams[index % 100]) }
    }
}
report("single durable append (fsync each)", raw: Double(durableCount) / rawSingleSeconds, store: Double(durableCount) / storeSingleSeconds, goal: ">= 0.9 of raw")
}
if option("--only") == "single" { exit(0) }
if !skipDurable {

// 1, 8 and 64 concurrent durable appenders through the group-commit writer.
for appenders in [1, 8, 64] {
    let groupStore = try EventStore(path: workDirectory + "/group-\(appenders)", options: storeOptions)
    let perTask = max(1, durableCount * (appenders == 1 ? 1 : 8) / appenders)
    let groupSeconds = try await asyncSeconds {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<appenders {
                group.addTask {
                    let stream = try StreamID(validating: "case-\(task)")
                    // Each event is made when it is appended, as a service does: its time-ordered
                    // id is then near the others of its commit in the event-id index.
                    for index in 0..<perTask {
                        try await groupStore.append(makeEvents(1, from: task * perTask + index), to: stream)
                    }
                }
            }
            try await group.waitForAll()
        }
    }
    report(
        "\(appenders) concurrent durable appender\(appenders == 1 ? "" : "s")", raw: nil, store: Double(appenders * perTask) / groupSeconds,
        goal: appenders == 64 ? ">= 100,000 events/s" : "-"
    )
}
}
if option("--only") == "group" { exit(0) }

// Reading back: raw cursor scan vs readAll.
var rawScan = (count: 0, checksum: UInt64(0))
_ = raw.scan()  // warm the page cache
let rawScanSeconds = seconds { rawScan = raw.scan() }
// Warm the store's pages in this process's mapping too, as for raw LMDB above.
try store.forEachEvent(from: 1, pageSize: 4096) { _ in }

/// Reads the whole log through `readAll`, counting events and summing payload sizes in local
/// variables (as the raw scan does: top-level variables of this file are globals, whose every
/// access is checked for exclusivity, which would be charged to the store).
func readEverything(_ store: EventStore) async throws -> (count: Int, checksum: UInt64, seconds: Double) {
    var count = 0
    var checksum: UInt64 = 0
    let elapsed = try await asyncSeconds {
        for try await event in store.readAll(from: 1, pageSize: 4096) {
            count += 1
            checksum &+= UInt64(event.payload.count)
        }
    }
    return (count, checksum, elapsed)
}

/// The same through `forEachEvent`.
func visitEverything(_ store: EventStore) throws -> (count: Int, checksum: UInt64, seconds: Double) {
    var count = 0
    var checksum: UInt64 = 0
    let elapsed = try seconds {
        try store.forEachEvent(from: 1, pageSize: 4096) { event in
            count += 1
            checksum &+= UInt64(event.payload.count)
        }
    }
    return (count, checksum, elapsed)
}

// Warmed by a pass of its own, as the raw scan is: the first passes also fill the pool of page
// buffers the reading threads reuse (fresh memory, faulted in page by page).
_ = try await readEverything(store)
let readAll = try await readEverything(store)
precondition(readAll.count == eventCount && (rawScan.count == eventCount || option("--skip-raw") != nil), "read \(readAll.count) and scanned \(rawScan.count) of \(eventCount)")
report("readAll vs raw cursor scan", raw: Double(eventCount) / rawScanSeconds, store: Double(eventCount) / readAll.seconds, goal: ">= 0.3 of raw")

let visited = try visitEverything(store)
report("forEachEvent (synchronous) vs raw scan", raw: Double(eventCount) / rawScanSeconds, store: Double(visited.count) / visited.seconds, goal: "-")

let verifySeconds = try seconds {
    let sound = try store.verify().isSound
    precondition(sound)
}
report("verify (hash chain + every index)", raw: nil, store: Double(eventCount) / verifySeconds, goal: "-")

print("record size: \(sample) bytes (raw values are the same size)")

// MARK: Projections on a generated campaign of about `eventCount` events

if option("--skip-projections") == nil {
    try measureCampaign(storeOptions: storeOptions)
}
writeFigures()
