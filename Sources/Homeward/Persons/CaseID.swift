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

    /// The case id of a case stream, or `nil` for other streams.
    public static func caseId(of stream: StreamID) -> String? {
        stream.rawValue.hasPrefix("case-") ? String(stream.rawValue.dropFirst(5)) : nil
    }

    /// The stream of a person.
    public static func personStream(_ personId: String) throws(EventStoreError) -> StreamID {
        try StreamID(validating: personId.hasPrefix("person-") ? personId : "person-\(personId)")
    }
}
