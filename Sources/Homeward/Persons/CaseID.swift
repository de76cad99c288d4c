public import HomewardStore

/// Case and person stream names.
public enum StreamNames {
    /// The stream of a case, accepting the id with or without its `case-` prefix.
    /// - Parameter caseId: `HZ-0001` or `case-HZ-0001`.
    /// - Returns: `case-HZ-0001`.
    /// - Throws: ``HomewardStore/EventStoreError`` when the name is not a valid stream name.
    public static func caseStream(_ caseId: String) throws(EventStoreError) -> StreamID {
        try StreamID(validating: caseId.hasPrefix("case-") ? caseId : "case-\(caseId)")
    }

    /// The case id of a case stream (what follows `case-`), or `nil` for other streams.
    public static func caseId(of stream: StreamID) -> String? {
        name(of: stream, after: casePrefix)
    }

    /// Whether a stream is a case's: its name's bytes start with `case-`.
    public static func isCaseStream(_ stream: StreamID) -> Bool {
        stream.rawValue.utf8.starts(with: casePrefix)
    }

    /// The person id of a person stream (what follows `person-`), or `nil` for other streams.
    public static func personId(of stream: StreamID) -> String? {
        name(of: stream, after: personPrefix)
    }

    /// The bytes that start the name of every case stream, and of every person stream.
    private static let casePrefix: [UInt8] = Array("case-".utf8)
    private static let personPrefix: [UInt8] = Array("person-".utf8)

    /// What follows `prefix` in a stream's name, when the name starts with it. Found from the
    /// name's bytes: comparing and dropping characters walked the name's characters, a few
    /// hundred nanoseconds a line of an import.
    private static func name(of stream: StreamID, after prefix: [UInt8]) -> String? {
        guard stream.rawValue.utf8.starts(with: prefix) else { return nil }
        var name = stream.rawValue
        return name.withUTF8 { String(decoding: UnsafeBufferPointer(rebasing: $0[prefix.count...]), as: UTF8.self) }
    }

    /// The stream of a person.
    public static func personStream(_ personId: String) throws(EventStoreError) -> StreamID {
        try StreamID(validating: personId.hasPrefix("person-") ? personId : "person-\(personId)")
    }
}
