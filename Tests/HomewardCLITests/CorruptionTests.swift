import Foundation
import Homeward
import HomewardLMDB
import HomewardTesting
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How one `homeward verify` of a damaged copy ended.
private struct VerifyRun {
    var status: Int32
    var signal: Int32?
    var timedOut: Bool
    var output: String
    var errors: String
}

/// Runs the built `homeward` with a time limit, its output going to files so that a hung process
/// cannot block the test on a full pipe.
private func runHomeward(_ arguments: [String], in directory: String, timeout: TimeInterval) throws -> VerifyRun {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try BuiltExecutable.path(named: "homeward"))
    process.arguments = arguments
    var variables = ProcessInfo.processInfo.environment
    variables["HOMEWARD_STORE"] = nil
    variables["HOMEWARD_KEYS"] = nil
    variables["SWIFT_BACKTRACE"] = "enable=no"
    process.environment = variables
    let outputPath = directory + "/stdout"
    let errorsPath = directory + "/stderr"
    guard FileManager.default.createFile(atPath: outputPath, contents: nil),
        FileManager.default.createFile(atPath: errorsPath, contents: nil)
    else { throw CocoaError(.fileWriteUnknown) }
    let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
    let errors = try FileHandle(forWritingTo: URL(fileURLWithPath: errorsPath))
    defer {
        try? output.close()
        try? errors.close()
    }
    process.standardOutput = output
    process.standardError = errors
    let finished = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in finished.signal() }
    try process.run()
    var timedOut = false
    if finished.wait(timeout: .now() + timeout) == .timedOut {
        timedOut = true
        kill(process.processIdentifier, SIGKILL)
        finished.wait()
    }
    let crashed = process.terminationReason == .uncaughtSignal && !timedOut
    return VerifyRun(
        status: crashed ? -1 : process.terminationStatus,
        signal: crashed ? process.terminationStatus : nil,
        timedOut: timedOut,
        output: (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "",
        errors: (try? String(contentsOfFile: errorsPath, encoding: .utf8)) ?? ""
    )
}

/// Every key and value of the main database and of each named database, read through LMDB.
private func entries(ofEnvironment path: String, databases: [String?]) throws -> [[UInt8]] {
    var configuration = Environment.Configuration()
    configuration.readOnly = true
    let environment = try Environment.open(path: path, configuration: configuration)
    var all: [[UInt8]] = []
    for name in databases {
        let database = try environment.openDatabase(named: name)
        try environment.read { transaction in
            let cursor = try transaction.cursor(database)
            var entry = try cursor.first()
            while let current = entry {
                all.append(Array(current.key))
                all.append(Array(current.value))
                entry = try cursor.next()
            }
        }
    }
    return all
}

/// A store seeded once through the CLI (`homeward seed --cases 60 --no-keys`), its original
/// data file, the page audit of that file with every byte classified, and every entry it holds.
private final class SeededStore: Sendable {
    let directory: TemporaryDirectory
    let original: Data
    let audit: PageAudit
    let classification: ByteClassification
    let databases: [String?]
    let originalEntries: [[UInt8]]

    static let shared = Result { try SeededStore() }

    private init() throws {
        directory = try TemporaryDirectory(prefix: "homeward-corruption")
        let store = directory.appending("store")
        let seeded = try homeward(["seed", "--cases", "60", "--store", store, "--no-keys"])
        guard seeded.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: seeded.errors]) }
        let dataFile = store + "/data.mdb"
        original = try Data(contentsOf: URL(fileURLWithPath: dataFile))
        var options = PageAudit.Options()
        options.classifiesBytes = true
        audit = try PageAudit(dataFile: dataFile, options: options)
        guard let classification = audit.classification else { throw CocoaError(.fileReadCorruptFile) }
        self.classification = classification
        databases = [nil] + audit.databases.compactMap(\.name)
        // verify writes projections into the store it checks: it only ever runs on copies, and the
        // entries are read from a pristine copy.
        let pristine = directory.appending("pristine")
        try FileManager.default.createDirectory(atPath: pristine, withIntermediateDirectories: true)
        try original.write(to: URL(fileURLWithPath: pristine + "/data.mdb"))
        originalEntries = try entries(ofEnvironment: pristine, databases: databases)
    }

    /// Writes `data.mdb` with one bit flipped into a new directory (no `lock.mdb`: LMDB makes one).
    func damagedCopy(_ offset: Int, _ bit: UInt8, named name: String) throws -> String {
        let copy = directory.appending(name)
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
        var bytes = original
        bytes[offset] ^= bit
        try bytes.write(to: URL(fileURLWithPath: copy + "/data.mdb"))
        return copy
    }

    /// Whether a copy with this flip holds exactly the original entries; read through LMDB only
    /// after its page audit finds it sound, so that LMDB cannot crash on it.
    func changesNoEntry(_ offset: Int, _ bit: UInt8, named name: String) throws -> Bool {
        let copy = try damagedCopy(offset, bit, named: name)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        guard try PageAudit(dataFile: copy + "/data.mdb").isSound else { return false }
        return try entries(ofEnvironment: copy, databases: databases) == originalEntries
    }

    /// What the verifications of a set of flips came to.
    struct Outcome {
        var found = 0
        var refused = 0
        var soundWithoutData = 0
        var soundWithSameEntries = 0
        var failures: [String] = []
        var foundByKind: [String: Int] = [:]
        var total: Int { found + refused + soundWithoutData + soundWithSameEntries + failures.count }

        var summary: String {
            "\(found) found by verify (exit 1), \(refused) refused at open (exit 3), \(soundWithoutData) sound with the flip in a byte that holds no data (exit 0), \(soundWithSameEntries) sound after a separator or free-list transaction id moved within its range and every entry is unchanged (exit 0), \(failures.count) failures; found by kind: \(foundByKind.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))"
        }
    }

    /// Runs `homeward verify` on a copy per flip, two at a time, and judges each outcome.
    func verify(_ flips: [(offset: Int, bit: UInt8)]) -> Outcome {
        let outcome = Mutex(Outcome())
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            for index in stride(from: worker, to: flips.count, by: 2) {
                let (offset, bit) = flips[index]
                let kind = classification.kind(atOffset: offset)
                let place = "offset \(offset) (page \(offset / audit.pageSize), byte \(offset % audit.pageSize), bit \(bit), \(kind.map(String.init(describing:)) ?? "?"))"
                let judged: Result<(VerifyRun, Bool), any Error> = Result {
                    let copy = try damagedCopy(offset, bit, named: "copy-\(worker)-\(index)")
                    defer { try? FileManager.default.removeItem(atPath: copy) }
                    let run = try runHomeward(["verify", "--store", copy, "--no-keys"], in: copy, timeout: 30)
                    var harmless = false
                    if run.status == 0, kind == .separatorKey || kind == .freeListKey {
                        harmless = try changesNoEntry(offset, bit, named: "unverified-\(worker)-\(index)")
                    }
                    return (run, harmless)
                }
                outcome.withLock { outcome in
                    guard case .success(let (run, harmless)) = judged else {
                        outcome.failures.append("\(place): the test could not run verify: \(judged)")
                        return
                    }
                    if let signal = run.signal {
                        outcome.failures.append("\(place): verify crashed with signal \(signal)")
                    } else if run.timedOut {
                        outcome.failures.append("\(place): verify hung")
                    } else if run.status == 1 {
                        if run.output.contains("problem (") && run.output.contains("NOT sound") {
                            outcome.found += 1
                            outcome.foundByKind[kind.map(String.init(describing:)) ?? "?", default: 0] += 1
                        } else {
                            outcome.failures.append("\(place): verify exited 1 without naming a problem: \(run.output) \(run.errors)")
                        }
                    } else if run.status == 3 {
                        if run.errors.hasPrefix("homeward: ") && run.errors.count > 20 {
                            outcome.refused += 1
                        } else {
                            outcome.failures.append("\(place): the store was refused without a message: \(run.errors)")
                        }
                    } else if run.status == 0 && run.output.hasSuffix("\nsound\n") {
                        if kind?.holdsData == false {
                            outcome.soundWithoutData += 1
                        } else if harmless {
                            outcome.soundWithSameEntries += 1
                        } else {
                            outcome.failures.append("\(place): verify found nothing, but the byte holds data")
                        }
                    } else {
                        outcome.failures.append("\(place): verify exited \(run.status): \(run.output) \(run.errors)")
                    }
                }
            }
        }
        return outcome.withLock { $0 }
    }
}

/// One flipped bit anywhere in `data.mdb` is found by `homeward verify` (exit 1, with the problem
/// printed) or refused when the store is opened (exit 3, with a message), never a crash (a signal)
/// or a hang. Verify may call the copy sound (exit 0) only when the page audit of the original file
/// says the flipped byte holds no data, or when the byte is a branch separator or a free-list
/// transaction id whose new value changed no entry: the damaged copy audits sound and, read
/// through LMDB, holds exactly the original entries of every database.
@Suite(.serialized)
struct CorruptionTests {
    private static let environment = ProcessInfo.processInfo.environment
    private static let seed = environment["HOMEWARD_CORRUPTION_SEED"].flatMap(UInt64.init) ?? 60_300

    @Test func theSeededStoreIsSound() throws {
        let store = try SeededStore.shared.get()
        let sound = store.audit.isSound
        #expect(sound, "the seeded store audits clean: \(store.audit.problems)")
        #expect(store.originalEntries.count > 4 * 747, "every entry is read")
        let copy = try store.damagedCopy(0, 0, named: "untouched")
        let run = try runHomeward(["verify", "--store", copy, "--no-keys"], in: copy, timeout: 60)
        #expect(run.status == 0 && run.output.hasSuffix("\nsound\n"), "\(run.output) \(run.errors)")
    }

    /// 300 seeded-random offsets anywhere in the file; `HOMEWARD_CORRUPTION_OFFSETS` and
    /// `HOMEWARD_CORRUPTION_SEED` run more, or others.
    @Test func aFlippedBitAnywhereIsFoundOrRefusedAndNeverCrashes() throws {
        let store = try SeededStore.shared.get()
        let count = Self.environment["HOMEWARD_CORRUPTION_OFFSETS"].flatMap(Int.init) ?? 300
        // Drawn before any process runs, so that the same seed always tests the same bytes.
        var random = SeededRandom(seed: Self.seed)
        let flips = (0..<count).map { _ in
            (offset: Int(random.next() % UInt64(store.original.count)), bit: UInt8(1) << UInt8(random.next() % 8))
        }
        let outcome = store.verify(flips)
        print("corruption anywhere: \(count) flipped bits (seed \(Self.seed)) in a \(store.original.count)-byte data file: \(outcome.summary)")
        for failure in outcome.failures { Issue.record("\(failure)") }
        #expect(outcome.total == count)
        #expect(outcome.found > count / 2, "most bytes hold data, and a flip in them is found")
    }

    /// The meta pages are 2 pages of the file, so few random offsets land in them: 64 seeded-random
    /// bits of their used part (the 152 bytes of `MDB_meta` and its page header, in both pages)
    /// are flipped here. `HOMEWARD_CORRUPTION_META_FLIPS` runs more; 2432 or more flips every bit.
    @Test func aFlippedBitInAMetaPageIsFoundOrRefused() throws {
        let store = try SeededStore.shared.get()
        let pageSize = store.audit.pageSize
        let count = Self.environment["HOMEWARD_CORRUPTION_META_FLIPS"].flatMap(Int.init) ?? 64
        let every = (0..<2).flatMap { page in
            (0..<152).flatMap { byte in (0..<8).map { bit in (offset: page * pageSize + byte, bit: UInt8(1) << UInt8(bit)) } }
        }
        var random = SeededRandom(seed: Self.seed)
        let flips = count >= every.count ? every : (0..<count).map { _ in every[Int(random.next() % UInt64(every.count))] }
        let outcome = store.verify(flips)
        print("corruption in meta pages: \(flips.count) flipped bits (seed \(Self.seed)): \(outcome.summary)")
        for failure in outcome.failures { Issue.record("\(failure)") }
        #expect(outcome.total == flips.count)
        #expect(outcome.found + outcome.refused > flips.count / 2, "most of a meta page holds data, and a flip in it is found")
    }
}
