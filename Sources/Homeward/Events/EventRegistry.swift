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
    public struct Schema: Sendable {
        /// The type name.
        public var typeName: String
        /// The schema version.
        public var version: UInt32
        /// Reads and checks interchange `data`, returning the payload to store (at this version)
        /// and the event at the current version.
        let fromJSON: @Sendable (JSONValue, String) throws(FieldError) -> (Payload, DomainEvent)
        let decodeBinary: @Sendable (UnsafeRawBufferPointer) throws(PayloadDecodingError) -> DomainEvent
        let binaryToJSON: @Sendable (UnsafeRawBufferPointer) throws(PayloadDecodingError) -> JSONValue

        /// Reads a stored binary payload of this version, upcast to the current version.
        public func decode(_ bytes: UnsafeRawBufferPointer) throws(PayloadDecodingError) -> DomainEvent {
            try decodeBinary(bytes)
        }

        /// Reads a stored binary payload of this version as the `data` it was given as.
        public func storedJSON(_ bytes: UnsafeRawBufferPointer) throws(PayloadDecodingError) -> JSONValue {
            try binaryToJSON(bytes)
        }
    }

    private var schemas: [String: [UInt32: Schema]] = [:]
    private var currentVersions: [String: UInt32] = [:]

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
            decodeBinary: { (bytes) throws(PayloadDecodingError) in try EventRegistry.read(T.self, bytes).domainEvent },
            binaryToJSON: { (bytes) throws(PayloadDecodingError) in try EventRegistry.read(T.self, bytes).json }
        )
        schemas[T.typeName, default: [:]][T.schemaVersion] = schema
        currentVersions[T.typeName] = max(currentVersions[T.typeName] ?? 0, T.schemaVersion)
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
        schemas[typeName, default: [:]][version] = Schema(
            typeName: typeName,
            version: version,
            fromJSON: { (json, path) throws(FieldError) in
                let value = try Old(json: json, path: path)
                return (PayloadWriter.payload(of: value), upcast(value).domainEvent)
            },
            decodeBinary: { (bytes) throws(PayloadDecodingError) in upcast(try EventRegistry.read(Old.self, bytes)).domainEvent },
            binaryToJSON: { (bytes) throws(PayloadDecodingError) in try EventRegistry.read(Old.self, bytes).json }
        )
    }

    private static func read<T: EventDataObject>(_ type: T.Type, _ bytes: UnsafeRawBufferPointer) throws(PayloadDecodingError) -> T {
        var reader = PayloadReader(bytes)
        let value = try T(from: &reader)
        guard reader.isAtEnd else { throw PayloadDecodingError("bytes left over after the last field") }
        return value
    }

    /// The schema of a type at a version, or `nil` when this registry does not know it.
    public func schema(_ typeName: String, version: UInt32) -> Schema? {
        schemas[typeName]?[version]
    }

    /// The current schema version of a type, or `nil` for an unknown type.
    public func currentVersion(of typeName: String) -> UInt32? {
        currentVersions[typeName]
    }

    /// Every known type name, sorted.
    public var typeNames: [String] { currentVersions.keys.sorted() }

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

    /// Reads a stored event, upcast to the current schema version.
    /// - Parameter event: The stored event.
    /// - Returns: The typed event, or ``DomainEvent/unknown(_:)`` for a type or version this
    ///   registry does not know.
    /// - Throws: ``EventDecodingError`` naming the position, the type and the cause when a known
    ///   event's payload does not decode.
    public func decode(_ event: RecordedEvent) throws(EventDecodingError) -> DomainEvent {
        let payload = event.payload
        let typeName = event.type
        guard let schema = schema(typeName, version: event.schemaVersion) else {
            return .unknown(UnknownEvent(typeName: typeName, schemaVersion: event.schemaVersion, data: EventRegistry.rawData(payload)))
        }
        do {
            switch payload.codec {
            case .binary:
                return try payload.withUnsafeBytes { (bytes) throws(PayloadDecodingError) in try schema.decode(bytes) }
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
        guard payload.codec == .binary, let schema = schema(event.type, version: event.schemaVersion) else {
            return EventRegistry.rawData(payload)
        }
        do {
            return try payload.withUnsafeBytes { (bytes) throws(PayloadDecodingError) in try schema.storedJSON(bytes) }
        } catch let error as PayloadDecodingError {
            throw EventDecodingError(position: event.position, typeName: event.type, cause: error.description)
        } catch {
            throw EventDecodingError(position: event.position, typeName: event.type, cause: "\(error)")
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
