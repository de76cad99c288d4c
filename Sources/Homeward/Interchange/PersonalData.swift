/// The personal fields of the catalogue, and how an export for outside auditors leaves them out.
///
/// Redacted: names (`IdentityVerified.name`, `AssistanceRequested.claimedName`,
/// `PersonContacted.codeName`), birth dates (replaced by `0000-01-01`), free text
/// (`description`, `location`, `livingSituation`, `reason`, `basis`, `trigger`), relatives
/// (`relation`), escort staff and the people who visited. Everything the statistics read stays:
/// channels, regions, stations, categories, times, counts, amounts and codes.
public enum PersonalData {
    /// Personal text fields by event type ("*" for every type).
    public static let textFields: [String: Set<String>] = [
        "*": ["description", "location", "reason", "basis", "trigger", "livingSituation", "relation", "visitedBy", "escalatedTo"],
        "IdentityVerified": ["name"],
        "AssistanceRequested": ["claimedName"],
        "PersonContacted": ["codeName"],
    ]

    /// What replaces a personal text.
    public static let mark = "[redacted]"

    /// An event's `data` with its personal fields replaced.
    public static func redacted(_ data: JSONValue, type: String) -> JSONValue {
        guard case .object(var object) = data else { return data }
        let fields = (textFields["*"] ?? []).union(textFields[type] ?? [])
        for key in object.keys {
            if fields.contains(key), case .string = object[key]! { object[key] = .string(mark) }
        }
        if type == "IdentityVerified", object["birthDate"] != nil { object["birthDate"] = .string("0000-01-01") }
        if type == "EscortStarted", case .array(let staff)? = object["staff"] { object["staff"] = .array(staff.map { _ in .string(mark) }) }
        return .object(object)
    }
}
