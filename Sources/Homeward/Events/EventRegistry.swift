import Crypto
import Foundation
public import HomewardStore

/// Maps (type name, schema version) to the Swift type that reads it, and turns older schema
/// versions into the current one as they are read (upcasting).
///
/// Every stored or imported event goes through the registry. A type or a schema version it does
/// not know (written by a newer Homeward) becomes ``DomainEvent/unknown(_:)``: kept, exported
/// unchanged and reported, never a crash and never dropped.
public struct EventRegistry: Sendable {
    /// How one (type, schema version) is read and written.
    ///
    /// A class: a replay looks one up per event, and hands it on without copying its functions.
    public final class Schema: Sendable {
        /// The type name.
        public let typeName: String
        /// The schema version.
        public let version: UInt32
        /// Reads and checks interchange `data`, returning the payload to store (at this version)
        /// and the event at the current version.
        let fromJSON: @Sendable (JSONValue, String) throws(FieldError) -> (Payload, DomainEvent)
        /// ``fromJSON`` for `data` read straight from a line's tape: the object at a token.
        let fromTape: @Sendable (JSONTape, Int, String) throws(FieldError) -> (Payload, DomainEvent)
        let binaryDecoding: BinaryDecoding
        let binaryToJSON: @Sendable (UnsafeRawBufferPointer, PayloadReader.PersonalFields) throws(PayloadDecodingError) -> JSONValue
        let splitBinary: @Sendable (UnsafeRawBufferPointer) throws(PayloadDecodingError) -> (clear: [UInt8], personal: [UInt8])
        /// Whether the type has fields sealed under a person's key.
        public let hasPersonalFields: Bool

        init(
            typeName: String,
            version: UInt32,
            fromJSON: @escaping @Sendable (JSONValue, String) throws(FieldError) -> (Payload, DomainEvent),
            fromTape: @escaping @Sendable (JSONTape, Int, String) throws(FieldError) -> (Payload, DomainEvent),
            binaryDecoding: BinaryDecoding,
            binaryToJSON: @escaping @Sendable (UnsafeRawBufferPointer, PayloadReader.PersonalFields) throws(PayloadDecodingError) -> JSONValue,
            splitBinary: @escaping @Sendable (UnsafeRawBufferPointer) throws(PayloadDecodingError) -> (clear: [UInt8], personal: [UInt8]),
            hasPersonalFields: Bool
        ) {
            self.typeName = typeName
            self.version = version
            self.fromJSON = fromJSON
            self.fromTape = fromTape
            self.binaryDecoding = binaryDecoding
            self.binaryToJSON = binaryToJSON
            self.splitBinary = splitBinary
            self.hasPersonalFields = hasPersonalFields
        }

        /// Reads a stored binary payload of this version, upcast to the current version.
        /// - Parameters:
        ///   - bytes: The payload (its clear part, for a sealed one).
        ///   - personal: Where the personal fields are.
        public func decode(_ bytes: UnsafeRawBufferPointer, personal: PayloadReader.PersonalFields = .inline) throws(PayloadDecodingError) -> DomainEvent {
            switch binaryDecoding {
            case .current(let type): return try type.decodeEvent(bytes, personal)
            case .upcast(let decode): return try decode(bytes, personal)
            }
        }

        /// Reads a stored binary payload of this version as the `data` it was given as.
        public func storedJSON(_ bytes: UnsafeRawBufferPointer, personal: PayloadReader.PersonalFields = .inline) throws(PayloadDecodingError) -> JSONValue {
            try binaryToJSON(bytes, personal)
        }
    }

    /// How a schema reads a stored binary payload into the current event.
    enum BinaryDecoding: Sendable {
        /// A current schema version, decoded through its type: no function context is shared
        /// between threads decoding at once.
        case current(any EventData.Type)
        /// An older version, read and then upcast.
        case upcast(@Sendable (UnsafeRawBufferPointer, PayloadReader.PersonalFields) throws(PayloadDecodingError) -> DomainEvent)
    }

    /// The key store that seals and opens personal fields; `nil` writes them in place and reads
    /// sealed ones as forgotten.
    public private(set) var keys: KeyStore?

    /// This registry, sealing and opening personal fields with a key store.
    /// - Parameter keys: The key store, or `nil` for none.
    public func withKeys(_ keys: KeyStore?) -> EventRegistry {
        var registry = self
        registry.keys = keys
        return registry
    }

    /// The event types whose sealed personal fields this registry opens; `nil`: every type.
    public private(set) var typesWithPersonalFieldsOpened: Set<String>?

    /// This registry, opening the sealed personal fields of these event types only: the others
    /// decode with their personal fields as forgotten (placeholders), without a key lookup or an
    /// AES-GCM open. For readers that use only some personal fields, such as projections.
    ///
    /// The personal fields of the other types read as placeholders in plain binary payloads too
    /// (a store without a key store): they are passed over, their text never made into strings,
    /// and what such a reader makes is the same whether the store seals personal fields or not.
    /// - Parameter typeNames: The event types whose personal fields are read.
    public func openingPersonalFields(only typeNames: Set<String>) -> EventRegistry {
        var registry = self
        registry.typesWithPersonalFieldsOpened = typeNames
        registry.table.passOverPersonalFields(exceptOf: typeNames)
        return registry
    }

    /// The registered schemas, shared by copies of the registry (copied before a registration
    /// changes them): a replay copies the registry without copying its tables.
    private var catalogue = Catalogue()

    private final class Catalogue: @unchecked Sendable {
        // Changed only by `register`, on a catalogue no other registry shares.
        var schemas: [String: [UInt32: Schema]] = [:]
        var currentVersions: [String: UInt32] = [:]

        func copy() -> Catalogue {
            let copy = Catalogue()
            copy.schemas = schemas
            copy.currentVersions = currentVersions
            return copy
        }
    }

    /// The schemas again, found by a type name's bytes without making a string. Held here, not
    /// in the shared catalogue: decoding threads read it without touching a shared object.
    private var table = SchemaTable()

    private mutating func add(_ schema: Schema) {
        if !isKnownUniquelyReferenced(&catalogue) { catalogue = catalogue.copy() }
        catalogue.schemas[schema.typeName, default: [:]][schema.version] = schema
        table.insert(schema, passingOverPersonalFields: SchemaTable.passesOver(schema, exceptOf: typesWithPersonalFieldsOpened))
    }

    /// The registry of the whole catalogue, with the upcasters of its older schema versions.
    public static let standard: EventRegistry = {
        var registry = EventRegistry()
        for type in catalogue { registry.register(type) }
        registry.register(legacy: ReportReceivedV1.self, as: ReportReceived.typeName, version: 1) { old in
            ReportReceived(channel: old.channel, region: old.region, location: old.location, description: old.description, risks: old.risks ?? [])
        }
        return registry
    }()

    /// Creates an empty registry.
    public init() {}

    /// Registers a type at its current schema version.
    /// - Parameter type: The event type.
    public mutating func register<T: EventData>(_ type: T.Type) {
        let schema = Schema(
            typeName: T.typeName,
            version: T.schemaVersion,
            fromJSON: { (json, path) throws(FieldError) in
                let value = try T(json: json, path: path)
                return (PayloadWriter.payload(of: value), value.domainEvent)
            },
            fromTape: { [tapeReadable = T.self as? any TapeReadable.Type] (tape, token, path) throws(FieldError) in
                if let tapeReadable { return try tapeReadable.read(tape, data: token, path: path) }
                let value = try T(json: tape.value(token), path: path)
                return (PayloadWriter.payload(of: value), value.domainEvent)
            },
            binaryDecoding: .current(T.self),
            binaryToJSON: { (bytes, personal) throws(PayloadDecodingError) in try EventRegistry.read(T.self, bytes, personal).json },
            splitBinary: { (bytes) throws(PayloadDecodingError) in EventRegistry.split(try EventRegistry.read(T.self, bytes, .inline)) },
            hasPersonalFields: T.hasPersonalFields
        )
        add(schema)
        catalogue.currentVersions[T.typeName] = max(catalogue.currentVersions[T.typeName] ?? 0, T.schemaVersion)
    }

    /// Registers an older schema version of a type with the function that upcasts it.
    /// - Parameters:
    ///   - type: The Swift type of the old version's fields.
    ///   - typeName: The event type it is an old version of.
    ///   - version: The old schema version.
    ///   - upcast: Turns the old fields into the current event.
    public mutating func register<Old: EventDataObject, New: EventData>(
        legacy type: Old.Type,
        as typeName: String,
        version: UInt32,
        upcast: @escaping @Sendable (Old) -> New
    ) {
        let schema = Schema(
            typeName: typeName,
            version: version,
            fromJSON: { (json, path) throws(FieldError) in
                let value = try Old(json: json, path: path)
                return (PayloadWriter.payload(of: value), upcast(value).domainEvent)
            },
            fromTape: { (tape, token, path) throws(FieldError) in
                let value = try Old(json: tape.value(token), path: path)
                return (PayloadWriter.payload(of: value), upcast(value).domainEvent)
            },
            binaryDecoding: .upcast { (bytes, personal) throws(PayloadDecodingError) in upcast(try EventRegistry.read(Old.self, bytes, personal)).domainEvent },
            binaryToJSON: { (bytes, personal) throws(PayloadDecodingError) in try EventRegistry.read(Old.self, bytes, personal).json },
            splitBinary: { (bytes) throws(PayloadDecodingError) in EventRegistry.split(try EventRegistry.read(Old.self, bytes, .inline)) },
            hasPersonalFields: Old.hasPersonalFields
        )
        add(schema)
    }

    static func read<T: EventDataObject>(_ type: T.Type, _ bytes: UnsafeRawBufferPointer, _ personal: PayloadReader.PersonalFields) throws(PayloadDecodingError) -> T {
        var reader = PayloadReader(bytes, personal: personal)
        let value = try T(from: &reader)
        guard reader.isAtEnd else { throw PayloadDecodingError("bytes left over after the last field") }
        return value
    }

    private static func split<T: EventDataObject>(_ value: T) -> (clear: [UInt8], personal: [UInt8]) {
        var writer = PayloadWriter(sealing: true)
        value.encode(to: &writer)
        return (writer.bytes, writer.personalBytes)
    }

    /// The schema of a type at a version, or `nil` when this registry does not know it.
    public func schema(_ typeName: String, version: UInt32) -> Schema? {
        catalogue.schemas[typeName]?[version]
    }

    /// The current schema version of a type, or `nil` for an unknown type.
    public func currentVersion(of typeName: String) -> UInt32? {
        catalogue.currentVersions[typeName]
    }

    /// Every known type name, sorted.
    public var typeNames: [String] { catalogue.currentVersions.keys.sorted() }

    /// Reads interchange `data` of a type and version.
    /// - Parameters:
    ///   - typeName: The event type.
    ///   - schemaVersion: The version the data follows.
    ///   - data: The fields.
    ///   - path: Where the data sits, for errors (such as `data`).
    /// - Returns: The payload to store and the event at the current version; an unknown type or
    ///   version gives a JSON payload and ``DomainEvent/unknown(_:)``.
    /// - Throws: ``FieldError`` naming the key at fault.
    public func read(typeName: String, schemaVersion: UInt32, data: JSONValue, path: String = "data") throws(FieldError) -> (payload: Payload, event: DomainEvent) {
        guard let schema = schema(typeName, version: schemaVersion) else {
            guard case .object = data else {
                throw FieldError(path: path, kind: .wrongType, message: "expected an object, found \(data.kind)")
            }
            let unknown = UnknownEvent(typeName: typeName, schemaVersion: schemaVersion, data: data)
            return (DomainEvent.unknown(unknown).payload, .unknown(unknown))
        }
        let (payload, event) = try schema.fromJSON(data, path)
        return (payload, event)
    }

    /// ``read(typeName:schemaVersion:data:path:)`` for `data` that is the object at `token` of a
    /// line's tape; `nil` for a type or version this registry does not know (whose `data` is kept
    /// as a ``JSONValue``).
    ///
    /// The schema is found by the type name's bytes in the registry's table (two dictionary
    /// lookups by text were a sixth of reading a line's data).
    func read(typeName: String, schemaVersion: UInt32, tape: JSONTape, data token: Int, path: String = "data") throws(FieldError) -> (payload: Payload, event: DomainEvent)? {
        var name = typeName
        guard let found = name.withUTF8({ table.unmanagedSchema(UnsafeRawBufferPointer($0), version: schemaVersion) }) else { return nil }
        // The table holds the schema for as long as this registry lives (see decode(_:)).
        return try found._withUnsafeGuaranteedRef { schema in Result { () throws(FieldError) in try schema.fromTape(tape, token, path) } }.get()
    }

    /// Reads a stored event, upcast to the current schema version.
    /// - Parameter event: The stored event.
    /// - Returns: The typed event, or ``DomainEvent/unknown(_:)`` for a type or version this
    ///   registry does not know.
    /// - Throws: ``EventDecodingError`` naming the position, the type and the cause when a known
    ///   event's payload does not decode.
    public func decode(_ event: RecordedEvent) throws(EventDecodingError) -> DomainEvent {
        guard let found = event.withTypeBytes({ table.lookUp($0, version: event.schemaVersion) }) else {
            return .unknown(UnknownEvent(typeName: event.type, schemaVersion: event.schemaVersion, data: EventRegistry.rawData(event.payload)))
        }
        // The table holds the schema for as long as this registry lives; not retaining it keeps
        // threads that decode at once off one shared reference count.
        let personal: PayloadReader.PersonalFields = found.passesOverPersonalFields ? .passedOver : .inline
        return try found.schema._withUnsafeGuaranteedRef { schema in Result { () throws(EventDecodingError) in try decode(event, schema, plainPersonalFields: personal) } }.get()
    }

    private func decode(_ event: RecordedEvent, _ schema: Schema, plainPersonalFields: PayloadReader.PersonalFields) throws(EventDecodingError) -> DomainEvent {
        let typeName = schema.typeName
        do {
            // The common case reads the bytes in place, making no payload value.
            if event.payloadCodec == .binary {
                return try event.withPayloadBytes { (bytes) throws(PayloadDecodingError) in try schema.decode(bytes, personal: plainPersonalFields) }
            }
            let payload = event.payload
            switch payload.codec {
            case .sealedBinary:
                return try payload.withUnsafeBytes { bytes in
                    try withPersonalFields(bytes, schema) { (clear, personal) throws(PayloadDecodingError) in try schema.decode(clear, personal: personal) }
                }
            case .json:
                let json = try EventRegistry.parse(payload)
                return try schema.fromJSON(json, "data").1
            default:
                throw PayloadDecodingError("payload codec \(payload.codec) is not one the relief domain writes")
            }
        } catch let error as PayloadDecodingError {
            throw EventDecodingError(position: event.position, typeName: typeName, cause: error.description)
        } catch let error as FieldError {
            throw EventDecodingError(position: event.position, typeName: typeName, cause: error.description)
        } catch {
            throw EventDecodingError(position: event.position, typeName: typeName, cause: "\(error)")
        }
    }

    /// The `data` of a stored event exactly as it was given, at its stored schema version (not
    /// upcast): what export writes.
    public func storedData(of event: RecordedEvent) throws(EventDecodingError) -> JSONValue {
        let payload = event.payload
        guard payload.codec == .binary || payload.codec == .sealedBinary, let schema = schema(event.type, version: event.schemaVersion) else {
            return EventRegistry.rawData(payload)
        }
        do {
            if payload.codec == .sealedBinary {
                return try payload.withUnsafeBytes { bytes in
                    try withPersonalFields(bytes, schema) { (clear, personal) throws(PayloadDecodingError) in try schema.storedJSON(clear, personal: personal) }
                }
            }
            return try payload.withUnsafeBytes { (bytes) throws(PayloadDecodingError) in try schema.storedJSON(bytes) }
        } catch let error as PayloadDecodingError {
            throw EventDecodingError(position: event.position, typeName: event.type, cause: error.description)
        } catch {
            throw EventDecodingError(position: event.position, typeName: event.type, cause: "\(error)")
        }
    }

    /// Whether a stored event's personal fields are sealed under a key that is destroyed (or that
    /// this registry has no key store to open).
    public func isForgotten(_ event: RecordedEvent) -> Bool {
        guard event.payload.codec == .sealedBinary else { return false }
        return event.payload.withUnsafeBytes { bytes in
            guard let parts = try? PersonalSealing.parts(of: bytes) else { return false }
            guard let keys else { return true }
            return (try? keys.key(parts.keyName)) == nil
        }
    }

    /// Runs `body` with a sealed payload's clear fields and its personal fields: opened with their
    /// key, or forgotten when the key is destroyed or there is no key store.
    private func withPersonalFields<R>(
        _ bytes: UnsafeRawBufferPointer,
        _ schema: Schema,
        _ body: (UnsafeRawBufferPointer, PayloadReader.PersonalFields) throws(PayloadDecodingError) -> R
    ) throws -> R {
        let parts = try PersonalSealing.parts(of: bytes)
        if let opened = typesWithPersonalFieldsOpened, !opened.contains(schema.typeName) { return try body(parts.clear, .forgotten) }
        guard let key = try keys?.key(parts.keyName) else { return try body(parts.clear, .forgotten) }
        let opened = try PersonalSealing.open(parts, key: key, typeName: schema.typeName, schemaVersion: schema.version)
        return try opened.withUnsafeBytes { (section) throws(PayloadDecodingError) in try body(parts.clear, .opened(section)) }
    }

    /// Seals the personal fields of events about to be appended, each under the key its name
    /// gives, making the keys that do not exist yet in one commit of the key store. Events without
    /// personal fields, and every event when the registry has no key store, are left as they are.
    /// - Parameters:
    ///   - events: The events, with payloads in the plain binary codec.
    ///   - keyNames: The key name of each event.
    /// - Throws: ``HomewardStore/EventStoreError`` when the key store fails; ``PayloadDecodingError``.
    public func seal(_ events: inout [NewEvent], keyNames: [String]) throws {
        // One part of a placeholder stream: only its events are sealed.
        var parts = [StreamAppend(stream: "sealing", events: events)]
        events = []
        defer { events = parts[0].events }
        try seal(&parts, keyNames: keyNames)
    }

    /// ``seal(_:keyNames:)-([NewEvent],_)`` for the events of a multi-stream append, in place:
    /// `keyNames` names the key of each event of every part, in order.
    func seal(_ parts: inout [StreamAppend], keyNames: [String]) throws {
        guard let keys else { return }
        precondition(parts.reduce(0) { $0 + $1.events.count } == keyNames.count, "one key name per event")
        var sealing: [(part: Int, event: Int, keyName: String, schema: Schema)] = []
        var keyIndex = 0
        for part in parts.indices {
            // Read in place: enumerating the events copied each one (a retain of every field).
            parts[part].events.withUnsafeBufferPointer { events in
                for index in events.indices {
                    defer { keyIndex += 1 }
                    guard events[index].payload.codec == .binary,
                          let schema = schema(events[index].type, version: events[index].schemaVersion), schema.hasPersonalFields
                    else { continue }
                    sealing.append((part, index, keyNames[keyIndex], schema))
                }
            }
        }
        guard !sealing.isEmpty else { return }
        let made = try keys.keys(creating: sealing.map(\.keyName))
        let nonces = RandomBytes.make(sealing.count * 12)
        // Each part's events changed in place: through the arrays' subscripts, every change
        // copied the part and the event first (a retain of each of their fields).
        var number = 0
        while number < sealing.count {
            let part = sealing[number].part
            try parts[part].events.withUnsafeMutableBufferPointer { events in
                while number < sealing.count, sealing[number].part == part {
                    let (_, index, keyName, schema) = sealing[number]
                    let (clear, personal) = try events[index].payload.withUnsafeBytes { (bytes) throws(PayloadDecodingError) in try schema.splitBinary(bytes) }
                    events[index].payload = try PersonalSealing.seal(
                        clear: clear, personal: personal, keyName: keyName, key: made[keyName]!,
                        typeName: schema.typeName, schemaVersion: schema.version, nonce: AES.GCM.Nonce(data: nonces[(number * 12)..<(number * 12 + 12)])
                    )
                    number += 1
                }
            }
        }
    }

    private static func parse(_ payload: Payload) throws(PayloadDecodingError) -> JSONValue {
        do {
            return try payload.withUnsafeBytes { (bytes) throws(JSONSyntaxError) in try JSONParser.parse(bytes.assumingMemoryBound(to: UInt8.self)) }
        } catch {
            throw PayloadDecodingError("the JSON payload does not parse: \(error)")
        }
    }

    /// The data of a payload this registry cannot type: JSON as it is, other codecs as base64.
    static func rawData(_ payload: Payload) -> JSONValue {
        if payload.codec == .json, let json = try? parse(payload) { return json }
        return .object(["payloadCodec": .integer(Int(payload.codec.rawValue)), "payloadBase64": .string(Data(payload.bytes).base64EncodedString())])
    }
}

/// A stored event of a known type whose payload does not decode.
public struct EventDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The log position.
    public var position: UInt64
    /// The event type.
    public var typeName: String
    /// What went wrong.
    public var cause: String

    public var description: String { "the \(typeName) event at position \(position) does not decode: \(cause)" }
}
