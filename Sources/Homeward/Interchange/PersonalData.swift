/// The personal fields of the catalogue, and how an export for outside auditors leaves them out.
///
/// Redacted: names (`IdentityVerified.name`, `AssistanceRequested.claimedName`,
/// `PersonContacted.codeName`), birth dates (the day and month: the year stays, as 1 July, so ages
/// stay within a year), free text
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

    /// What a sealed field reads as once its person is forgotten.
    public static let forgottenMark = "[forgotten]"

    /// An event's `data` with its personal fields replaced.
    public static func redacted(_ data: JSONValue, type: String) -> JSONValue {
        guard case .object(var object) = data else { return data }
        var fields = (textFields["*"] ?? []).union(textFields[type] ?? [])
        // Fields that hold an enumeration value, not free text, stay.
        if type == "AdmissionRefused" { fields.remove("reason") }
        for key in object.keys {
            if fields.contains(key), case .string = object[key]! { object[key] = .string(mark) }
        }
        if type == "IdentityVerified", let birth = object["birthDate"]?.stringValue, birth.count == 10 {
            object["birthDate"] = .string(String(birth.prefix(4)) + "-07-01")
        }
        if type == "EscortStarted", case .array(let staff)? = object["staff"] { object["staff"] = .array(staff.map { _ in .string(mark) }) }
        return .object(object)
    }
}
