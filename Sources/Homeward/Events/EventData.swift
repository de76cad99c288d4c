/// A value with fields that travels in the binary payload codec and as JSON: every event type of
/// the catalogue and the objects nested in them.
public protocol EventDataObject: Sendable, Hashable {
    /// Writes the fields in the binary payload codec.
    func encode(to writer: inout PayloadWriter)
    /// Reads the fields written by ``encode(to:)``.
    init(from reader: inout PayloadReader) throws(PayloadDecodingError)
    /// The fields as a JSON object.
    var json: JSONValue { get }
    /// Reads the fields from a JSON object; `path` names the object in errors (such as `data`).
    init(json: JSONValue, path: String) throws(FieldError)
    /// The keys of its fields in interchange `data`, in declaration order.
    static var fieldNames: [String] { get }
    /// Reads the fields from a source whose maker checked it holds no key outside
    /// ``fieldNames``, naming the key at fault in the error.
    init<Source: FieldSource>(fields: Source) throws(FieldError)
    /// Whether some fields are personal: sealed under a person's key when the store has a key store.
    static var hasPersonalFields: Bool { get }
}

/// An event type of the catalogue: its name and schema version in the log, and its fields.
public protocol EventData: EventDataObject {
    /// The type name in the log and in interchange files, such as `ReportReceived`.
    static var typeName: String { get }
    /// The schema version this type writes.
    static var schemaVersion: UInt32 { get }
    /// The value wrapped in ``DomainEvent``.
    var domainEvent: DomainEvent { get }
    /// Reads a stored binary payload of this type's current schema version as a domain event.
    ///
    /// A requirement (with the default below), so that each type's witness is a copy specialised
    /// for it: called through `any EventData.Type`, the extension method alone ran generically,
    /// moving each event through its metadata's value witnesses.
    static func decodeEvent(_ bytes: UnsafeRawBufferPointer, _ personal: PayloadReader.PersonalFields) throws(PayloadDecodingError) -> DomainEvent
}

extension EventData {
    /// Reads a stored binary payload of this type's current schema version as a domain event.
    public static func decodeEvent(_ bytes: UnsafeRawBufferPointer, _ personal: PayloadReader.PersonalFields) throws(PayloadDecodingError) -> DomainEvent {
        try EventRegistry.read(Self.self, bytes, personal).domainEvent
    }
}

/// An enumeration of the contract: its raw values are the contract's names, and the binary
/// codec stores each value's position in the contract's list.
public protocol EnumerationValue: RawRepresentable<String>, CaseIterable, Sendable, Hashable {
    /// The value's position in the contract's list.
    var ordinal: Int { get }
    /// The value at a position of the contract's list.
    init(ordinal: Int) throws(PayloadDecodingError)
}

/// An event whose type or schema version this version of Homeward does not know.
///
/// It is kept exactly as it came (its `data` as JSON), stored, exported and reported; it is never
/// dropped and never makes a read fail.
public struct UnknownEvent: Sendable, Hashable {
    /// The type name.
    public var typeName: String
    /// The schema version.
    public var schemaVersion: UInt32
    /// The event's fields as they came.
    public var data: JSONValue

    /// Creates an unknown event.
    /// - Parameters:
    ///   - typeName: The type name.
    ///   - schemaVersion: The schema version.
    ///   - data: The fields as they came.
    public init(typeName: String, schemaVersion: UInt32, data: JSONValue) {
        self.typeName = typeName
        self.schemaVersion = schemaVersion
        self.data = data
    }
}
