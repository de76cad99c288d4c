import Foundation
@testable import Homeward
import HomewardStore
import HomewardTesting
import Testing

struct InterchangeTests {
    /// The envelope's keys are read in one pass through their slots: each key must have its own,
    /// in the order of `envelopeKeys`, and nothing else one.
    @Test func everyEnvelopeKeyHasItsOwnSlotAndNoOtherKeyHasOne() throws {
        #expect(JSONLinesReader.EnvelopeKey.allCases.count == JSONLinesReader.envelopeKeys.count)
        for (index, key) in JSONLinesReader.envelopeKeys.enumerated() {
            #expect(JSONLinesReader.envelopeKey(key)?.rawValue == index, "\(key)")
            #expect(JSONLinesReader.EnvelopeKey(rawValue: index)?.name == key)
        }
        for other in ["", "Stream", "streams", "strean", "typf", "hasp", "data ", "actorId", "id", "payload", "positio", "causationIf"] {
            #expect(JSONLinesReader.envelopeKey(other) == nil, "\(other)")
        }
        // A key given twice: the last one counts, as in any JSON object read here.
        let line = #"{"stream":"case-HZ-1","type":"PickedUp","type":"Admitted","occurredAt":"2026-12-03T22:10:00+08:00","actor":{"id":"o","role":"outreach","org":"HZ-01"},"data":{}}"#
        let record = try Array(line.utf8).withUnsafeBufferPointer { try JSONLinesReader.record(from: JSONTape($0)).record }
        #expect(record.type == "Admitted")
    }

    static let good = #"{"stream":"case-HZ-1","type":"PickedUp","occurredAt":"2026-12-03T22:10:00+08:00","actor":{"id":"o","role":"outreach","org":"HZ-01"},"data":{"team":"t1","station":"HZ-01"}}"#

    static func error(_ line: String) -> InterchangeError? {
        let (lines, errors) = JSONLinesReader().read(Array((good + "\n" + line + "\n").utf8))
        #expect(lines.count == 1)
        return errors.first
    }

    @Test func aMissingFieldIsNamed() {
        let error = Self.error(#"{"stream":"case-HZ-1","type":"PickedUp","occurredAt":"2026-12-03T22:10:00+08:00","actor":{"id":"o","role":"outreach","org":"HZ-01"},"data":{"team":"t1"}}"#)
        #expect(error?.line == 2)
        #expect(error?.key == "data.station")
        #expect(error?.kind == "missingField")
        #expect(error?.description == "line 2, key data.station: missing field")
    }

    @Test func anUnknownEnumerationValueListsTheAllowedOnes() {
        let error = Self.error(#"{"stream":"case-HZ-1","type":"ReportReceived","schemaVersion":2,"occurredAt":"2026-12-03T22:10:00+08:00","actor":{"id":"o","role":"outreach","org":"HZ-01"},"data":{"channel":"hotline","region":"330106001001","location":"x","description":"y","risks":["cold","colt"]}}"#)
        #expect(error?.key == "data.risks[1]")
        #expect(error?.kind == "unknownValue")
        #expect(error?.problem.contains("'colt'") == true)
        #expect(error?.problem.contains("cold, ill, injured") == true)
    }

    @Test func aMalformedTimeIsNamed() {
        let error = Self.error(#"{"stream":"case-HZ-1","type":"PickedUp","occurredAt":"2026-12-03 22:10","actor":{"id":"o","role":"outreach","org":"HZ-01"},"data":{"team":"t1","station":"HZ-01"}}"#)
        #expect(error?.key == "occurredAt")
        #expect(error?.kind == "malformed")
        #expect(error?.problem.contains("RFC 3339") == true)
    }

    @Test func aMalformedDateInsideDataIsNamed() {
        let error = Self.error(#"{"stream":"case-HZ-1","type":"StayExtensionFiled","occurredAt":"2026-12-03T22:10:00+08:00","actor":{"id":"o","role":"station","org":"HZ-01"},"data":{"reason":"r","newDueDate":"2026-02-30","filedWith":"bureau"}}"#)
        #expect(error?.key == "data.newDueDate")
        #expect(error?.problem.contains("YYYY-MM-DD") == true)
    }

    @Test func wrongTypesUnknownKeysAndBadJSONAreNamed() {
        #expect(Self.error(#"{"stream":"case-HZ-1","type":"SelfDeparted","occurredAt":"2026-12-03T22:10:00+08:00","actor":{"id":"o","role":"station","org":"HZ-01"},"data":{"voucherIssued":"yes","cashCny":10}}"#)?.key == "data.voucherIssued")
        #expect(Self.error(#"{"stream":"case-HZ-1","type":"PickedUp","occurredAt":"2026-12-03T22:10:00+08:00","actor":{"id":"o","role":"outreach","org":"HZ-01"},"data":{"team":"t1","station":"HZ-01","colour":"red"}}"#)?.key == "data.colour")
        #expect(Self.error(#"{"stream":"case-HZ-1","type":"PickedUp","occurredAt":"2026-12-03T22:10:00+08:00","data":{"team":"t1","station":"HZ-01"}}"#)?.key == "actor")
        #expect(Self.error(#"{"stream":"lorry-9","type":"PickedUp","occurredAt":"2026-12-03T22:10:00+08:00","actor":{"id":"o","role":"outreach","org":"HZ-01"},"data":{"team":"t1","station":"HZ-01"}}"#)?.key == "stream")
        let syntax = Self.error(#"{"stream":"case-HZ-1","type":"PickedUp""#)
        #expect(syntax?.key == nil)
        #expect(syntax?.kind == "syntax")
        #expect(syntax?.description.hasPrefix("line 2: not valid JSON") == true)
    }

    /// Exporting, importing into an empty store and exporting again gives the same file.
    @Test func theCampaignRoundTripsThroughExportAndImport() async throws {
        let campaign = try Fixtures.bytes("campaigns/small-winter.jsonl")
        func export(_ store: EventStore) throws -> String {
            var lines: [String] = []
            try store.forEachEvent { lines.append(try InterchangeRecord($0).line) }
            return lines.joined(separator: "\n")
        }
        let first = try await withTemporaryEventStore { (store: EventStore) async throws -> String in
            let report = try JSONLinesImporter(service: ReliefService(store: store)).importFile(campaign)
            #expect(report.appended == 3849)
            #expect(report.findings.isEmpty)
            return try export(store)
        }
        let second = try await withTemporaryEventStore { (store: EventStore) async throws -> String in
            try JSONLinesImporter(service: ReliefService(store: store)).importFile(Array(first.utf8))
            return try export(store)
        }
        #expect(first == second)
        // The export differs from the generated file only by the keys it adds.
        let original = String(decoding: campaign, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        let exported = first.split(separator: "\n").first.map(String.init) ?? ""
        #expect(exported.contains(#""position":1,"#))
        #expect(exported.contains(original.dropFirst().dropLast().replacingOccurrences(of: #""version":1,"#, with: "").prefix(20)))
    }

    /// Valid and bad lines reach the caller in file order, also around the chunks parsed on
    /// other threads (1,024 lines each), with blank lines counted but not handed over.
    @Test func linesAndErrorsComeInFileOrderAcrossChunks() {
        let bad: Set<Int> = [1, 2, 700, 1024, 1025, 2048, 2049, 2100]
        let blank: Set<Int> = [5, 1023, 2050]
        var text: [String] = []
        for number in 1...2100 {
            text.append(bad.contains(number) ? "{not json" : blank.contains(number) ? "  " : Self.good)
        }
        var seen: [(number: Int, valid: Bool)] = []
        JSONLinesReader().forEachLine(Array(text.joined(separator: "\n").utf8)) { result in
            switch result {
            case .success(let line): seen.append((line.number, true))
            case .failure(let error): seen.append((error.line, false))
            }
        }
        let expected = (1...2100).filter { !blank.contains($0) }
        #expect(seen.map(\.number) == expected, "every non-blank line once, in file order")
        #expect(seen.filter { !$0.valid }.map(\.number) == bad.sorted())
    }

    /// A file mapped from disk imports exactly as its bytes read into memory do, and a file
    /// that cannot be mapped is named with the reason.
    @Test func aMappedFileImportsAsItsBytesDo() async throws {
        let campaign = try Fixtures.bytes("campaigns/small-winter.jsonl")
        let directory = try TemporaryDirectory(prefix: "homeward-mapped")
        let path = directory.appending("campaign.jsonl")
        try Data(campaign).write(to: URL(fileURLWithPath: path))
        func export(_ store: EventStore) throws -> [String] {
            var lines: [String] = []
            try store.forEachEvent { lines.append(try InterchangeRecord($0).line) }
            return lines
        }
        let mapped = try JSONLinesFile(mapping: path)
        #expect(mapped.count == campaign.count)
        let fromMap = try await withTemporaryEventStore { (store: EventStore) async throws -> [String] in
            let report = try JSONLinesImporter(service: ReliefService(store: store)).importFile(mapped)
            #expect(report.appended == 3849)
            return try export(store)
        }
        let fromBytes = try await withTemporaryEventStore { (store: EventStore) async throws -> [String] in
            try JSONLinesImporter(service: ReliefService(store: store)).importFile(campaign)
            return try export(store)
        }
        #expect(fromMap.count == 3849)
        #expect(fromMap == fromBytes)

        // A bad line of a mapped file is named by its number, and nothing is stored.
        let badPath = directory.appending("bad.jsonl")
        try Data((Self.good + "\n" + Self.good.replacingOccurrences(of: #","station":"HZ-01""#, with: "") + "\n").utf8).write(to: URL(fileURLWithPath: badPath))
        try await withTemporaryEventStore { (store: EventStore) async throws in
            #expect {
                try JSONLinesImporter(service: ReliefService(store: store)).importFile(try JSONLinesFile(mapping: badPath))
            } throws: { error in
                (error as? JSONLinesImporter.Failure)?.errors.map(\.description) == ["line 2, key data.station: missing field"]
            }
            #expect(try store.head().position == 0)
        }

        // An empty file maps to no bytes; a missing file and a directory are refused, named.
        let emptyPath = directory.appending("empty.jsonl")
        #expect(FileManager.default.createFile(atPath: emptyPath, contents: Data()))
        #expect(try JSONLinesFile(mapping: emptyPath).count == 0)
        #expect(throws: JSONLinesFile.OpenError.self) { try JSONLinesFile(mapping: directory.appending("missing.jsonl")) }
        do {
            _ = try JSONLinesFile(mapping: directory.appending("missing.jsonl"))
        } catch {
            #expect(error.description == "cannot read \(directory.appending("missing.jsonl")): No such file or directory")
        }
        do {
            _ = try JSONLinesFile(mapping: directory.path)
            Issue.record("a directory was mapped")
        } catch {
            #expect(error.reason == "not a regular file")
        }
    }

    /// Transactions of 7 events cut a stream's run of lines (the fixture has 830 lines that follow
    /// a line of their own stream): the cut run goes on in the next transaction, expecting the
    /// version its first half left, and each event keeps its own personal key when sealed.
    @Test(arguments: [false, true])
    func smallTransactionsThatCutAStreamsRunStoreTheSameEvents(sealed: Bool) throws {
        let campaign = try Fixtures.bytes("campaigns/small-winter.jsonl")
        /// Each event as an interchange line (personal fields opened, no hash: sealing uses random
        /// nonces) and the name of the key its personal fields are sealed under.
        func imported(transactionSize: Int) throws -> [(line: String, keyName: String?)] {
            let directory = try TemporaryDirectory(prefix: "homeward-cut")
            var options = EventStore.Options()
            if sealed { options.keys = try KeyStore(path: directory.appending("keys")) }
            let store = try EventStore(path: directory.appending("store"), options: options)
            var reported: [Int] = []
            let report = try JSONLinesImporter(service: ReliefService(store: store))
                .importFile(campaign, transactionSize: transactionSize) { appended, total in
                    #expect(total == 3849)
                    reported.append(appended)
                }
            #expect(report.appended == 3849)
            #expect(reported.last == 3849 && reported == reported.sorted(), "progress rises to the whole file")
            #expect(try store.verify().isSound)
            let registry = EventRegistry.standard.withKeys(options.keys)
            var events: [(line: String, keyName: String?)] = []
            try store.forEachEvent { event in
                var record = try InterchangeRecord(event, registry: registry)
                record.hash = nil
                let keyName = event.payload.codec == .sealedBinary
                    ? try event.payload.withUnsafeBytes { try PersonalSealing.parts(of: $0).keyName } : nil
                events.append((record.line, keyName))
            }
            return events
        }
        let cut = try imported(transactionSize: 7)
        let whole = try imported(transactionSize: JSONLinesImporter.defaultTransactionSize)
        #expect(cut.count == 3849)
        #expect(cut.map(\.line) == whole.map(\.line), "every field, version and recorded time")
        #expect(cut.map(\.keyName) == whole.map(\.keyName), "each event sealed under its own key")
        #expect(cut.contains { $0.keyName != nil } == sealed)
    }

    @Test func reimportingTheSameFileIsANoOp() async throws {
        try await withTemporaryEventStore { (store: EventStore) async throws in
            let importer = JSONLinesImporter(service: ReliefService(store: store))
            let campaign = try Fixtures.bytes("campaigns/small-winter.jsonl")
            try importer.importFile(campaign)
            let head = try store.head()
            let again = try importer.importFile(campaign)
            #expect(again.appended == 0)
            #expect(again.alreadyStored == 3849)
            #expect(try store.head() == head)
        }
    }

    @Test func identicalLinesWithoutIdsAreKeptApartAndImportOnce() async throws {
        let file = Array((Self.good + "\n" + Self.good + "\n").utf8)
        try await withTemporaryEventStore { (store: EventStore) async throws in
            let importer = JSONLinesImporter(service: ReliefService(store: store))
            let first = try importer.importFile(file, recordViolations: true)
            #expect(first.appended == 2, "the second identical line is a second event, with its own id")
            let ids = try store.events(in: "case-HZ-1").map(\.eventId)
            #expect(ids.count == 2 && ids[0] != ids[1])
            let again = try importer.importFile(file, recordViolations: true)
            #expect(again.appended == 0)
            #expect(again.alreadyStored == 2)
        }
    }

    @Test func anInvalidFileAppendsNothingAndListsEveryBadLine() async throws {
        let bad = Self.good + "\n" + #"{"stream":"case-HZ-1","type":"PickedUp"}"# + "\n" + Self.good.replacingOccurrences(of: "22:10", with: "25:10") + "\n"
        try await withTemporaryEventStore { (store: EventStore) async throws in
            let failure = #expect(throws: JSONLinesImporter.Failure.self) {
                try JSONLinesImporter(service: ReliefService(store: store)).importFile(Array(bad.utf8))
            }
            #expect(failure?.errors.map(\.line) == [2, 3])
            #expect(try store.head().position == 0)
        }
    }

    /// Lines are parsed in chunks on other threads: across chunk boundaries, with blank lines,
    /// CRLF endings and no final newline, every line keeps its number and comes in file order.
    @Test func lineNumbersHoldAcrossChunksParsedAhead() throws {
        let good = Self.good
        var text = ""
        var badLines: [Int] = []
        var goodLines: [Int] = []
        for number in 1...3000 {
            if number % 700 == 0 {
                text += "   \r\n"  // blank: skipped, but counted
            } else if [1024, 1025, 2048, 2049, 2999].contains(number) {
                text += #"{"stream":"case-HZ-1","type":"PickedUp"}"# + "\r\n"
                badLines.append(number)
            } else {
                text += good + (number.isMultiple(of: 2) ? "\r\n" : "\n")
                goodLines.append(number)
            }
        }
        text += good  // line 3001, without a newline
        goodLines.append(3001)
        let (lines, errors) = JSONLinesReader().read(Array(text.utf8))
        #expect(errors.map(\.line) == badLines)
        #expect(lines.map(\.number) == goodLines)
        #expect(errors.allSatisfy { $0.key == "occurredAt" })
    }

    /// A correction in a file is judged like a command: one that gives a self-departure more
    /// than 20 CNY is refused at its line, and nothing is imported.
    @Test func aCorrectionThatBreaksAGuardIsRefusedAtItsLine() async throws {
        let departureId = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
        let lines = [
            #"{"stream":"case-HZ-7","type":"ReportReceived","occurredAt":"2026-12-03T21:00:00+08:00","actor":{"id":"d","role":"dispatcher","org":"HZ"},"data":{"channel":"hotline","region":"330106001001","location":"bridge","description":"man sleeping","risks":["cold"]}}"#,
            #"{"stream":"case-HZ-7","type":"SelfDeparted","eventId":"\#(departureId)","occurredAt":"2026-12-04T09:00:00+08:00","actor":{"id":"s","role":"station","org":"HZ-01"},"data":{"voucherIssued":true,"cashCny":10}}"#,
            #"{"stream":"case-HZ-7","type":"EventCorrected","occurredAt":"2026-12-04T10:00:00+08:00","actor":{"id":"s","role":"station","org":"HZ-01"},"data":{"target":"\#(departureId)","changes":{"cashCny":50},"reason":"typo"}}"#,
        ]
        try await withTemporaryEventStore { (store: EventStore) async throws in
            let failure = #expect(throws: JSONLinesImporter.Failure.self) {
                try JSONLinesImporter(service: ReliefService(store: store)).importFile(Array(lines.joined(separator: "\n").utf8))
            }
            #expect(failure?.errors.map(\.line) == [3])
            #expect(failure?.errors.first?.kind == "selfDepartedCashOver20")
            #expect(try store.head().position == 0)
        }
    }

    /// The importer does not keep a stream's records while it checks a file: a void reads the
    /// stream's lines again to resolve the case. A voided assistance request no longer allows
    /// the adult admission after it (and without the void, the same admission is allowed);
    /// lines without an event id, whose ids the importer derives, are read again too.
    @Test func aVoidInAFileChangesWhatTheLinesAfterItMayDo() async throws {
        let requestId = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c"
        let report = #"{"stream":"case-HZ-8","type":"ReportReceived","occurredAt":"2026-12-03T21:00:00+08:00","actor":{"id":"d","role":"dispatcher","org":"HZ"},"data":{"channel":"hotline","region":"330106001001","location":"bridge","description":"man sleeping","risks":["cold"]}}"#
        let request = #"{"stream":"case-HZ-8","type":"AssistanceRequested","eventId":"\#(requestId)","occurredAt":"2026-12-03T22:00:00+08:00","actor":{"id":"s","role":"station","org":"HZ-01"},"data":{"station":"HZ-01","sex":"male","age":40,"conditions":{"cannotAffordFoodOrLodging":true,"noKinToRelyOn":true,"notOnDibaoOrWubao":true,"wanderingOrBegging":true}}}"#
        let void = #"{"stream":"case-HZ-8","type":"EventVoided","occurredAt":"2026-12-03T22:10:00+08:00","actor":{"id":"s","role":"station","org":"HZ-01"},"data":{"target":"\#(requestId)","reason":"entered for the wrong person"}}"#
        let admission = #"{"stream":"case-HZ-8","type":"Admitted","occurredAt":"2026-12-03T22:20:00+08:00","actor":{"id":"s","role":"station","org":"HZ-01"},"data":{"station":"HZ-01","personId":"P-8","category":"adult","bed":"B-2"}}"#
        try await withTemporaryEventStore { (store: EventStore) async throws in
            let failure = #expect(throws: JSONLinesImporter.Failure.self) {
                try JSONLinesImporter(service: ReliefService(store: store)).importFile(Array([report, request, void, admission].joined(separator: "\n").utf8))
            }
            #expect(failure?.errors.map(\.line) == [4])
            #expect(failure?.errors.first?.kind == "admittedWithoutFourConditions")
            #expect(try store.head().position == 0)
        }
        try await withTemporaryEventStore { (store: EventStore) async throws in
            let imported = try JSONLinesImporter(service: ReliefService(store: store)).importFile(Array([report, request, admission].joined(separator: "\n").utf8))
            #expect(imported.appended == 3)
        }
    }

    /// By default a file is appended in one transaction while it is checked, batch by batch: a
    /// bad line after several batches were written still leaves nothing stored, and lists every
    /// bad line; the same file without it is stored whole, in the file's order.
    @Test func aBadLineAfterSeveralBatchesLeavesNothingStored() async throws {
        var configuration = CampaignGenerator.Configuration()
        configuration.cases = 12
        configuration.seed = 5
        let lines = CampaignGenerator(configuration).jsonLines()
            .split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let bad = #"{"stream":"case-HZ-1","type":"PickedUp"}"#
        try await withTemporaryEventStore { (store: EventStore) async throws in
            var calls = 0
            let failure = #expect(throws: JSONLinesImporter.Failure.self) {
                try JSONLinesImporter(service: ReliefService(store: store)).importFile(
                    JSONLinesFile(bytes: Array((lines + [bad]).joined(separator: "\n").utf8)), recordViolations: false, transactionSize: nil, checkedBatchSize: 10,
                    progress: { _, _ in calls += 1 }
                )
            }
            #expect(calls >= lines.count / 10, "batches were written before the bad line was read")
            #expect(failure?.errors.map(\.line) == [lines.count + 1])
            #expect(try store.head().position == 0)
        }
        try await withTemporaryEventStore { (store: EventStore) async throws in
            let report = try JSONLinesImporter(service: ReliefService(store: store)).importFile(
                JSONLinesFile(bytes: Array(lines.joined(separator: "\n").utf8)), recordViolations: false, transactionSize: nil, checkedBatchSize: 10, progress: nil
            )
            #expect(report.appended == lines.count)
            #expect(try store.events(from: 1, limit: .max).count == lines.count)
            #expect(try store.verify().isSound)
        }
    }
}

extension InterchangeTests {
    /// A line's actor is read from its bytes; its errors name the key as they always did.
    @Test func aBadActorIsNamedKeyByKey() {
        let cases: [(actor: String, message: String)] = [
            ("5", "line 2, key actor: expected an object, found a number"),
            (#"{"id":"o","role":"outreach","org":"HZ-01","x":1}"#, "line 2, key actor.x: is not a field of this event (its fields: id, role, org)"),
            (#"{"id":"o","org":"HZ-01"}"#, "line 2, key actor.role: missing field"),
            (#"{"id":7,"role":"outreach","org":"HZ-01"}"#, "line 2, key actor.id: expected a string, found a number"),
            (#"{"id":"o","role":null,"org":"HZ-01"}"#, "line 2, key actor.role: missing field"),
        ]
        for (actor, message) in cases {
            let line = Self.good.replacingOccurrences(of: #"{"id":"o","role":"outreach","org":"HZ-01"}"#, with: actor)
            #expect(Self.error(line)?.description == message, "\(actor)")
        }
    }
}

extension InterchangeTests {
    /// Lines ended by CRLF or LF, blank lines, and a last line without a newline read the same.
    @Test func lineEndingsAndALastLineWithoutNewlineReadTheSame() {
        let lf = JSONLinesReader().read(Array((Self.good + "\n\n" + Self.good + "\n").utf8))
        let crlf = JSONLinesReader().read(Array((Self.good + "\r\n  \r\n" + Self.good).utf8))
        #expect(lf.errors.isEmpty && crlf.errors.isEmpty)
        #expect(lf.lines.map(\.number) == [1, 3])
        #expect(crlf.lines.map(\.number) == [1, 3])
        #expect(lf.lines.map(\.record) == crlf.lines.map(\.record))
    }
}
