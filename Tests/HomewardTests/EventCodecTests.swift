import Foundation
import Homeward
import HomewardStore
import HomewardTesting
import Testing

struct EventCodecTests {
    /// Every record of the fixture campaign (all 43 types) survives binary and JSON round trips.
    @Test func everyEventOfTheCampaignRoundTripsThroughBothCodecs() throws {
        let (lines, errors) = JSONLinesReader().read(try Fixtures.bytes("campaigns/small-winter.jsonl"))
        #expect(errors.isEmpty, "\(errors.prefix(3))")
        #expect(Set(lines.map(\.record.type)).count == 43)
        for line in lines {
            let event = line.event
            #expect(line.payload.codec == .binary)
            let schema = try #require(EventRegistry.standard.schema(event.typeName, version: event.schemaVersion))
            let decoded = try line.payload.withUnsafeBytes { try schema.decode($0) }
            #expect(decoded == event, "line \(line.number)")
            let (_, fromJSON) = try EventRegistry.standard.read(typeName: event.typeName, schemaVersion: event.schemaVersion, data: event.json)
            #expect(fromJSON == event, "line \(line.number)")
            #expect(event.json.serialized == line.record.data.serialized, "line \(line.number): the data must be written back key for key")
        }
    }

    @Test func theBinaryPayloadIsCompact() throws {
        let event = ReportReceived(channel: .police110, region: "330106001001", location: "under the bridge", description: "man on cardboard", risks: [.cold, .ill])
        let binary = PayloadWriter.payload(of: event)
        let json = Array(event.json.serialized.utf8)
        #expect(binary.count < json.count / 2)
    }

    @Test func anUnknownTypeIsKeptAndExportedUnchanged() async throws {
        let line = #"{"stream":"case-X-1","type":"DroneSighting","occurredAt":"2026-12-03T22:00:00+08:00","actor":{"id":"a","role":"outreach","org":"HZ-01"},"data":{"altitude":120,"note":"person under bridge"},"schemaVersion":3}"#
        try await withTemporaryEventStore { (store: EventStore) async throws in
            let report = try JSONLinesImporter(service: ReliefService(store: store)).importFile(Array((line + "\n").utf8))
            #expect(report.appended == 1)
            #expect(report.unknownTypes == ["DroneSighting v3": 1], "an unknown type is reported")
            let stored = try #require(try store.event(at: 1))
            let decoded = try EventRegistry.standard.decode(stored)
            guard case .unknown(let unknown) = decoded else {
                Issue.record("expected an unknown event, got \(decoded)")
                return
            }
            #expect(unknown.typeName == "DroneSighting")
            #expect(unknown.schemaVersion == 3)
            #expect(unknown.data["altitude"] == .integer(120))
            let exported = try InterchangeRecord(stored)
            #expect(exported.data == .object(["altitude": .integer(120), "note": .string("person under bridge")]))
            #expect(exported.schemaVersion == 3)
        }
    }

    @Test func aNewerSchemaVersionOfAKnownTypeIsKeptAsUnknown() throws {
        let (_, event) = try EventRegistry.standard.read(typeName: "PickedUp", schemaVersion: 9, data: .object(["team": .string("t"), "drone": .bool(true)]))
        guard case .unknown(let unknown) = event else {
            Issue.record("expected unknown")
            return
        }
        #expect(unknown.schemaVersion == 9)
    }

    /// The real evolution: ReportReceived version 1 had no `risks`; it is upcast to version 2
    /// with `risks: []` when read, and exported as it was given.
    @Test func reportReceivedVersionOneIsUpcastWhenRead() async throws {
        let line = #"{"stream":"case-OLD-1","type":"ReportReceived","occurredAt":"2025-01-10T21:00:00+08:00","actor":{"id":"d","role":"dispatcher","org":"HZ"},"data":{"channel":"hotline","region":"330106001001","location":"bridge","description":"pilot-era report"}}"#
        try await withTemporaryEventStore { (store: EventStore) async throws in
            try JSONLinesImporter(service: ReliefService(store: store)).importFile(Array((line + "\n").utf8))
            let stored = try #require(try store.event(at: 1))
            #expect(stored.schemaVersion == 1)
            guard case .reportReceived(let current) = try EventRegistry.standard.decode(stored) else {
                Issue.record("not upcast to ReportReceived")
                return
            }
            #expect(current.risks == [])
            #expect(current.description == "pilot-era report")
            let exported = try InterchangeRecord(stored)
            #expect(exported.schemaVersion == 1)
            #expect(exported.data["risks"] == nil, "export keeps the data as it was given")
        }
    }

    @Test func aTruncatedPayloadIsAnErrorNamingThePosition() throws {
        try withTemporaryEventStore { store in
            let full = PayloadWriter.payload(of: PickedUp(team: "t", vehicle: nil, station: "HZ-01"))
            try store.append([NewEvent(type: "PickedUp", actor: outreachWorker, payload: Payload(codec: .binary, bytes: Array(full.bytes.dropLast(2))))], to: "case-1")
            let stored = try #require(try store.event(at: 1))
            let error = #expect(throws: EventDecodingError.self) { try EventRegistry.standard.decode(stored) }
            #expect(error?.position == 1)
            #expect(error?.typeName == "PickedUp")
            // A reader that cannot decode it can still show the record, with data of its own.
            let shown = InterchangeRecord(stored, data: .string("undecodable"))
            #expect(shown.position == 1 && shown.type == "PickedUp" && shown.stream == "case-1")
            #expect(shown.data == .string("undecodable"))
            #expect(shown.hash == stored.hash)
        }
    }

    /// A replay that decodes on the read-ahead threads gives every event in log order with the
    /// same typed event as decoding it alone; a payload that does not decode stops it at that
    /// position, after every event before it was delivered.
    @Test func aReplayDecodesEveryEventInOrderAndStopsAtABadPayload() async throws {
        try await withTemporaryEventStore { (store: EventStore) async throws in
            try JSONLinesImporter(service: ReliefService(store: store)).importFile(try Fixtures.bytes("campaigns/small-winter.jsonl"))
            let head = try store.head().position
            #expect(head > 100)
            var positions: [UInt64] = []
            try EventRegistry.standard.forEachEvent(in: store) { event, decoded in
                positions.append(event.position)
                let alone = try EventRegistry.standard.decode(event)
                #expect(decoded == alone, "position \(event.position)")
            }
            #expect(positions == Array(1...head))
            positions = []
            try EventRegistry.standard.forEachEvent(in: store, from: 40, through: 90) { event, _ in positions.append(event.position) }
            #expect(positions == Array(40...90))

            let full = PayloadWriter.payload(of: PickedUp(team: "t", vehicle: nil, station: "HZ-01"))
            try await store.append([NewEvent(type: "PickedUp", actor: outreachWorker, payload: Payload(codec: .binary, bytes: Array(full.bytes.dropLast(2))))], to: "case-bad")
            try await store.append([NewEvent(type: "PickedUp", actor: outreachWorker, payload: full)], to: "case-good")
            positions = []
            let error = #expect(throws: EventDecodingError.self) {
                try EventRegistry.standard.forEachEvent(in: store) { event, _ in positions.append(event.position) }
            }
            #expect(error?.position == head + 1)
            #expect(positions == Array(1...head), "every event before the bad one, none after it")
        }
    }

    @Test func hostileBinaryInputGivesErrorsNotCrashes() {
        var random = SeededRandom(seed: 7)
        for _ in 0..<2000 {
            let bytes = (0..<random.int(0...64)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            for typeName in ["FollowUpVisited", "EventCorrected", "OnSiteAidGiven", "IdentityVerified"] {
                let schema = EventRegistry.standard.schema(typeName, version: 1)!
                _ = try? bytes.withUnsafeBytes { try schema.decode($0) }
            }
        }
    }
}
