#!/usr/bin/env python3
"""Generates the Swift event catalogue of the Homeward module from the schema below.

Run from the package root:  python3 Sources/Homeward/Events/generate-events.py
The output under Sources/Homeward/Events/Generated/ is committed; never edit it by hand.
Field and value names are the interchange contract's, section 2: never rename them.
"""
import os, textwrap

ENUMS = [
    ("Channel", "How a report reached the service.", ["police110", "cityPlatform", "hotline", "patrol", "walkIn", "public", "transfer"]),
    ("Risk", "A risk seen in a person.", ["cold", "ill", "injured", "minor", "elderly", "disabled", "mental", "intellectual", "pregnant"]),
    ("Sex", "A person's sex as recorded.", ["male", "female", "unknown"]),
    ("AdmissionRefusalReason", "Why a station refused admission.", ["ineligible", "refusedToGiveDetails", "unexplainedIllnessOrInjury"]),
    ("AdmissionCategory", "The category a person is admitted under.", ["adult", "minor", "elderly", "disabled", "mentalIllness"]),
    ("StationService", "A service given during a stay.", ["meal", "clothing", "phoneCall", "counselling", "schooling", "medical"]),
    ("IdentitySystem", "A system asked to identify a person.", ["nationalFingerprint", "face", "policeHukou", "missingPersons"]),
    ("NoticeChannel", "Where a tracing notice is published.", ["xunqinWebsite", "nationalSystem", "newspaper", "tv", "weibo", "wechat"]),
    ("FamilyResponse", "How a contacted family answered.", ["willCollect", "refuses", "unreachable"]),
    ("VerificationMethod", "How an identity was verified.", ["idCard", "police", "fingerprint", "face", "dna", "relative", "interview"]),
    ("TracingChannel", "The channel through which tracing succeeded.", ["xunqinWebsite", "dna", "notice", "interview", "police", "media", "other"]),
    ("EscortMode", "How a person is escorted home.", ["vehicle", "train", "relay"]),
    ("Receiver", "Who received a person at home.", ["family", "originStation", "township", "villageCommittee"]),
    ("PlacementKind", "Where a person who cannot go home is placed.", ["stationCare", "outsideCare", "tekun", "childWelfare"]),
    ("Disability", "The degree of disability found at a follow-up visit.", ["none", "mild", "severe"]),
    ("Program", "An assistance programme.", ["dibao", "tekun", "medicalAssistance", "temporaryAssistance", "childProtection"]),
    ("ConsentScope", "What a person consents to.", ["publishPhoto", "shareWithFamily", "shareWithAgencies"]),
]

OBJECTS = [
    ("AidItem", "One item handed out on site.", [("item", "string", "What was given, e.g. `blanket`, `coat`, `food`, `water`, `medicine`."), ("quantity", "int", "How many.")]),
    ("AssistanceConditions", "The four conditions of assistance (Measures art. 2), each as the person states them.", [
        ("cannotAffordFoodOrLodging", "bool", "Cannot afford food or lodging."),
        ("noKinToRelyOn", "bool", "Has no relatives or friends to rely on."),
        ("notOnDibaoOrWubao", "bool", "Receives neither minimum living security nor five-guarantee support."),
        ("wanderingOrBegging", "bool", "Is wandering or begging."),
    ]),
]

# (group file, group doc, [(type, schemaVersion, stream, recordedBy, doc, fields)])
GROUPS = [
    ("DiscoveryEvents", "Discovery and outreach", [
        ("ReportReceived", 2, "case", "dispatcher, police, outreach or station", "A report of a person sleeping rough reached the service. Opens a case.", [
            ("channel", "enum:Channel", "How the report arrived."),
            ("region", "string", "The 12-digit region code where the person was found."),
            ("location", "string", "Where, in words."),
            ("description", "string", "What the reporter saw."),
            ("risks", "[enum:Risk]", "Risks seen so far. Schema version 1 lacked it; upcast to `[]`."),
        ]),
        ("TeamDispatched", 1, "case", "dispatcher or outreach", "An outreach team was sent to the person.", [
            ("team", "string", "The team."), ("vehicle", "string?", "The vehicle, if any.")]),
        ("PersonContacted", 1, "case", "outreach or police", "The team reached the person and recorded what it saw.", [
            ("sex", "enum:Sex", "The person's sex."), ("estimatedAge", "int?", "Estimated age in years."),
            ("livingSituation", "string", "How the person lives now."), ("risks", "[enum:Risk]", "Risks seen."),
            ("codeName", "string?", "A working name when the person gives none.")]),
        ("OnSiteAidGiven", 1, "case", "outreach", "Blankets, clothes, food or medicine were handed out on site.", [
            ("items", "[obj:AidItem]", "What was given.")]),
        ("AidDeclined", 1, "case", "outreach", "The person refused help. Refusing is lawful; the case stays open.", [
            ("reason", "string", "The reason given."), ("revisitAt", "timestamp?", "When the team will come back.")]),
        ("EmergencyMedicalReferral", 1, "case", "outreach or police", "The person was sent to hospital as an emergency.", [
            ("hospital", "string", "The hospital."), ("reason", "string", "Why.")]),
        ("PickedUp", 1, "case", "outreach or police", "The person was taken to a relief station.", [
            ("team", "string", "The team."), ("vehicle", "string?", "The vehicle."), ("station", "string", "The station the person is taken to.")]),
    ]),
    ("IntakeEvents", "Intake at a relief station", [
        ("AssistanceRequested", 1, "case", "station", "The person asked a station for assistance and stated the four conditions.", [
            ("station", "string", "The station."), ("sex", "enum:Sex", "The person's sex."), ("age", "int?", "Stated age in years."),
            ("conditions", "obj:AssistanceConditions", "The four conditions as stated."),
            ("claimedName", "string?", "The name the person gives."), ("claimedHukouRegion", "string?", "The household registration region the person gives.")]),
        ("AdmissionRefused", 1, "case", "station (duty leader)", "The station refused assistance and gave a written notice.", [
            ("reason", "enum:AdmissionRefusalReason", "Why."), ("noticeRef", "string", "The notice's reference.")]),
        ("Admitted", 1, "case", "station (duty leader)", "The station admitted the person. Starts a stay.", [
            ("station", "string", "The station."), ("personId", "string", "The person id given at admission."),
            ("category", "enum:AdmissionCategory", "The category of admission."), ("bed", "string?", "The bed.")]),
    ]),
    ("StayEvents", "During the stay", [
        ("HospitalAdmitted", 1, "case", "station or hospital", "The person went into hospital during the stay.", [
            ("hospital", "string", "The hospital."), ("reason", "string", "Why.")]),
        ("HospitalDischarged", 1, "case", "station or hospital", "The person came back from hospital.", []),
        ("StayExtensionFiled", 1, "case", "station (station head)", "A stay beyond 10 days was filed with civil affairs.", [
            ("reason", "string", "Why the stay goes on."), ("newDueDate", "date", "The new end of the stay (local date)."),
            ("filedWith", "string", "The authority it was filed with.")]),
        ("TemporaryGuardianshipStarted", 1, "case", "civilAffairs", "Civil affairs took temporary guardianship of a minor.", [
            ("trigger", "string", "What made it necessary.")]),
        ("TransferredToMinorsCentre", 1, "case", "station or civilAffairs", "A minor was transferred to a minors' protection centre.", [
            ("centre", "string", "The centre.")]),
        ("ServiceProvided", 1, "case", "station", "A service was given during the stay.", [
            ("service", "enum:StationService", "Which service.")]),
    ]),
    ("TracingEvents", "Identity and tracing", [
        ("IdentityQueryRequested", 1, "case", "tracer", "A system was asked to identify the person.", [
            ("system", "enum:IdentitySystem", "The system asked.")]),
        ("IdentityQueryAnswered", 1, "case", "tracer or police", "A system answered an identity query.", [
            ("system", "enum:IdentitySystem", "The system that answered."), ("candidates", "int", "How many candidates it found."),
            ("matched", "bool", "Whether one matched.")]),
        ("TracingNoticePublished", 1, "case", "tracer", "A notice looking for the family was published.", [
            ("channels", "[enum:NoticeChannel]", "Where.")]),
        ("DnaSampleRequested", 1, "case", "station or tracer", "A DNA sample was requested from the police.", []),
        ("DnaSampleCollected", 1, "case", "police", "The police collected a DNA sample.", []),
        ("DnaMatchReported", 1, "case", "police", "The DNA database answered.", [("matched", "bool", "Whether a relative matched.")]),
        ("FamilyContacted", 1, "case", "tracer", "The family was contacted.", [
            ("relation", "string", "Who was contacted."), ("response", "enum:FamilyResponse", "Their answer.")]),
        ("IdentityVerified", 1, "case", "tracer", "The person's identity was established.", [
            ("personId", "string", "The verified person id."), ("method", "enum:VerificationMethod", "How."),
            ("name", "string", "The person's name."), ("birthDate", "date", "Date of birth."),
            ("hukouRegion", "string", "The household registration region code.")]),
        ("TracingSucceeded", 1, "case", "tracer", "Tracing found the person's family or home.", [
            ("channel", "enum:TracingChannel", "The channel that succeeded.")]),
    ]),
    ("DepartureEvents", "Departure and return home", [
        ("SelfDeparted", 1, "case", "station", "The person left the station by their own wish.", [
            ("voucherIssued", "bool", "Whether a travel voucher was given."), ("cashCny", "number", "Cash given, at most 20 CNY.")]),
        ("Absconded", 1, "case", "station", "The person left without notice.", []),
        ("AssistanceTerminated", 1, "case", "station", "The station ended assistance.", [("reason", "string", "Why.")]),
        ("CollectedByRelative", 1, "case", "station", "A relative collected the person.", [
            ("relation", "string", "The relative."), ("idChecked", "bool", "Whether the relative's identity was checked.")]),
        ("EscortStarted", 1, "case", "escort", "Staff began escorting the person home.", [
            ("staff", "[string]", "The escorting staff."), ("mode", "enum:EscortMode", "How.")]),
        ("ReturnedHome", 1, "case", "escort or civilAffairs", "The person was handed over at home.", [
            ("receiver", "enum:Receiver", "Who received the person."), ("region", "string", "The home region code.")]),
        ("OriginRefusedReceipt", 1, "case", "escort", "The place of origin refused to receive the person.", [
            ("escalatedTo", "string", "Where the refusal was escalated.")]),
        ("PlacedInCare", 1, "case", "civilAffairs or station", "A person who cannot go home was placed in care.", [
            ("kind", "enum:PlacementKind", "What kind of care."), ("provider", "string", "Who provides it.")]),
    ]),
    ("AfterReturnEvents", "After return home (domicile civil affairs)", [
        ("FollowUpVisited", 1, "case", "civilAffairs", "The home county visited the household after the return.", [
            ("householdMembers", "int", "People in the household."), ("monthlyHouseholdIncomeCny", "number", "Monthly household income in CNY."),
            ("propertyWithinLimit", "bool", "Whether property is within the local limit."), ("ableSupporter", "bool", "Whether a relative able to support the person exists."),
            ("workCapacity", "bool", "Whether the person can work."), ("disability", "enum:Disability", "Degree of disability."),
            ("chronicIllness", "bool", "Whether the person has a chronic illness."), ("visitedBy", "string", "Who visited.")]),
        ("BenefitApplied", 1, "case", "civilAffairs", "An application for a programme was filed.", [("program", "enum:Program", "The programme.")]),
        ("BenefitDecided", 1, "case", "civilAffairs", "A programme application was decided.", [
            ("program", "enum:Program", "The programme."), ("granted", "bool", "Whether it was granted."),
            ("monthlyAmountCny", "number?", "The monthly amount granted."), ("reason", "string?", "The reason for the decision.")]),
        ("CaseClosed", 1, "case", "civilAffairs or station", "The case was closed.", [("reason", "string", "Why.")]),
        ("CaseReopened", 1, "case", "civilAffairs or station", "A closed case was reopened.", [("reason", "string", "Why.")]),
    ]),
    ("MetaEvents", "Meta events (any stream)", [
        ("EventCorrected", 1, "any", "the role that owns the corrected event", "Corrects fields of an earlier event; the original stays in the log.", [
            ("target", "uuid", "The eventId of the corrected event."), ("changes", "json", "Top-level data field → new value."),
            ("reason", "string", "Why.")]),
        ("EventVoided", 1, "any", "any role", "Voids an earlier event: projections ignore it from then on.", [
            ("target", "uuid", "The eventId of the voided event."), ("reason", "string", "Why.")]),
        ("PersonsLinked", 1, "person", "tracer or station", "Two person ids are one human (stream `person-<first id>`).", [
            ("personIds", "[string]", "The two ids."), ("basis", "string", "The evidence.")]),
        ("PersonsUnlinked", 1, "person", "tracer or station", "Two person ids are no longer taken as one human.", [
            ("personIds", "[string]", "The two ids."), ("reason", "string", "Why.")]),
        ("ConsentRecorded", 1, "any", "station or tracer", "The person gave or refused consent.", [
            ("scope", "enum:ConsentScope", "What for."), ("given", "bool", "Whether consent was given.")]),
        ("PersonForgotten", 1, "person", "civilAffairs", "A person's keys were destroyed: every personal field sealed under them is unreadable for good (an extension of the contract; it holds no personal data).", [
            ("personId", "string", "The person id forgotten."), ("reason", "string", "The legal ground, such as a decision's reference."),
            ("keys", "[string]", "The names of the keys destroyed (`person:<id>`, `case:<id>`).")]),
    ]),
]

# Older schema versions still read from the log: (type, version, fields), upcast by hand-written code.
LEGACY = [
    ("ReportReceived", 1, "ReportReceivedV1", "The pilot format of `ReportReceived`, before `risks` was recorded: `risks` may be absent. Upcast to version 2 with `risks: []`.", [
        ("channel", "enum:Channel", "How the report arrived."), ("region", "string", "The region code."),
        ("location", "string", "Where, in words."), ("description", "string", "What the reporter saw."),
        ("risks", "[enum:Risk]?", "Risks seen, when recorded.")]),
]

# Personal fields: sealed under the person's key when the store has a key store (crypto-shredding).
PERSONAL = {"name", "birthDate", "claimedName", "codeName", "description", "location", "livingSituation",
            "reason", "basis", "trigger", "relation"}
# Types whose fields are never personal, whatever their names.
NOT_PERSONAL_TYPES = {"PersonForgotten"}

def is_personal(owner, fname, ftype):
    return owner not in NOT_PERSONAL_TYPES and fname in PERSONAL and ftype.rstrip("?") in ("string", "date")

KEYWORDS = {"public", "none", "default", "private", "internal", "static"}

def case_name(value):
    return f"`{value}`" if value in KEYWORDS else value

def lower_first(name):
    return name[0].lower() + name[1:]

def swift_type(t):
    optional = t.endswith("?")
    t = t.rstrip("?")
    if t.startswith("["):
        inner = swift_type(t[1:-1])
        base = f"[{inner}]"
    elif t.startswith("enum:") or t.startswith("obj:"):
        base = t.split(":")[1]
    else:
        base = {"string": "String", "int": "Int", "number": "Double", "bool": "Bool", "date": "LocalDate",
                "timestamp": "Timestamp", "uuid": "UUID", "json": "JSONValue"}[t]
    return base + ("?" if optional else "")

def bin_encode(expr, t, indent):
    pad = " " * indent
    if t.endswith("?"):
        inner = t[:-1]
        return (f"{pad}if let value = {expr} {{\n{pad}    writer.write(true)\n"
                + bin_encode("value", inner, indent + 4) + f"{pad}}} else {{\n{pad}    writer.write(false)\n{pad}}}\n")
    if t.startswith("["):
        inner = t[1:-1]
        return (f"{pad}writer.writeCount({expr}.count)\n{pad}for element in {expr} {{\n"
                + bin_encode("element", inner, indent + 4) + f"{pad}}}\n")
    if t.startswith("enum:"):
        return f"{pad}writer.writeCount({expr}.ordinal)\n"
    if t.startswith("obj:"):
        return f"{pad}{expr}.encode(to: &writer)\n"
    return {
        "string": f"{pad}writer.write({expr})\n", "int": f"{pad}writer.write({expr})\n", "number": f"{pad}writer.write({expr})\n",
        "bool": f"{pad}writer.write({expr})\n", "date": f"{pad}writer.write({expr})\n", "timestamp": f"{pad}writer.write({expr})\n",
        "uuid": f"{pad}writer.write({expr})\n", "json": f"{pad}writer.write({expr})\n",
    }[t]

def bin_decode(t):
    if t.endswith("?"):
        return f"try reader.readBool() ? {bin_decode(t[:-1])} : nil"
    if t.startswith("["):
        inner = t[1:-1]
        return f"try reader.readArray {{ (reader: inout PayloadReader) throws(PayloadDecodingError) in {bin_decode(inner)} }}"
    if t.startswith("enum:"):
        return f"try {t[5:]}(ordinal: reader.readCount())"
    if t.startswith("obj:"):
        return f"try {t[4:]}(from: &reader)"
    return {"string": "try reader.readString()", "int": "try reader.readInt()", "number": "try reader.readDouble()",
            "bool": "try reader.readBool()", "date": "try reader.readDate()", "timestamp": "try reader.readTimestamp()",
            "uuid": "try reader.readUUID()", "json": "try reader.readJSON()"}[t]

def json_encode(expr, t):
    if t.startswith("["):
        inner = t[1:-1]
        return f".array({expr}.map {{ {json_encode('$0', inner)} }})"
    if t.startswith("enum:"):
        return f".string({expr}.rawValue)"
    if t.startswith("obj:"):
        return f"{expr}.json"
    return {"string": f".string({expr})", "int": f".integer({expr})", "number": f".number({expr})", "bool": f".bool({expr})",
            "date": f".string({expr}.description)", "timestamp": f".string({expr}.rfc3339)",
            "uuid": f".string({expr}.uuidString.lowercased())", "json": expr}[t]

def json_decode_kind(t):
    """Returns the JSONFields method call decoding a value of type t (without optional)."""
    if t.startswith("[enum:"):
        return f"enumArray", t[6:-1]
    if t.startswith("[obj:"):
        return "objectArray", t[5:-1]
    if t == "[string]":
        return "stringArray", None
    if t.startswith("enum:"):
        return "enumeration", t[5:]
    if t.startswith("obj:"):
        return "object", t[4:]
    return {"string": "string", "int": "int", "number": "number", "bool": "bool", "date": "date", "timestamp": "timestamp",
            "uuid": "uuid", "json": "json"}[t], None

def json_decode(name, t):
    optional = t.endswith("?")
    base = t.rstrip("?")
    method, arg = json_decode_kind(base)
    if optional:
        method = "optional" + method[0].upper() + method[1:]
    if arg and method.lower().endswith("objectarray"):
        return f"try fields.{method}(\"{name}\", of: {arg}.self)"
    if arg and "enum" in method.lower():
        return f"try fields.{method}(\"{name}\", of: {arg}.self)"
    if arg:
        return f"try fields.{method}(\"{name}\", of: {arg}.self)"
    return f"try fields.{method}(\"{name}\")"

def doc(text, indent=0):
    pad = " " * indent
    return "".join(f"{pad}/// {line}\n" for line in textwrap.wrap(text, 100 - indent))

def imports(field_lists):
    types = " ".join(t for fields in field_lists for _, t, _ in fields)
    out = ""
    if "uuid" in types:
        out += "public import Foundation\n"
    if "timestamp" in types:
        out += "public import HomewardStore\n"
    return out + ("\n" if out else "")

def personal_encode(f, t, indent):
    pad = " " * indent
    if t == "json":
        return f"{pad}writer.writeSplit({f}, personal: PersonalData.sealedFields)\n"
    if t.endswith("?"):
        return (f"{pad}if let value = {f} {{\n{pad}    writer.write(true)\n{pad}    writer.beginPersonal()\n"
                + bin_encode("value", t[:-1], indent + 4) + f"{pad}    writer.endPersonal()\n{pad}}} else {{\n{pad}    writer.write(false)\n{pad}}}\n")
    return f"{pad}writer.beginPersonal()\n" + bin_encode(f, t, indent) + f"{pad}writer.endPersonal()\n"

def personal_decode(t):
    if t == "json":
        return "try reader.readSplitJSON(personal: PersonalData.sealedFields, placeholder: .string(PersonalData.forgottenMark))"
    base = t.rstrip("?")
    placeholder = {"string": "PersonalData.forgottenMark", "date": "LocalDate.forgotten"}[base]
    read = f"try reader.readPersonal({placeholder}) {{ (reader: inout PayloadReader) throws(PayloadDecodingError) in {bin_decode(base)} }}"
    if t.endswith("?"):
        return f"try reader.readBool() ? {read} : nil"
    return read

def sealed(owner, f, t):
    return is_personal(owner, f, t) or (f == "changes" and t == "json")

def struct(name, doc_text, fields, type_name=None, version=None, stream=None, recorded_by=None, conforms="EventData"):
    out = doc(doc_text)
    if recorded_by:
        out += "///\n" + doc(f"Recorded by: {recorded_by}. Stream: " + {"case": "`case-<caseId>`", "person": "`person-<first id>`", "any": "any"}[stream] + ".")
    out += f"public struct {name}: {conforms} {{\n"
    if type_name:
        out += f"    /// The type name in the log and in interchange files.\n    public static let typeName = \"{type_name}\"\n"
        out += f"    /// The schema version this type writes.\n    public static let schemaVersion: UInt32 = {version}\n"
        out += f"    /// The value wrapped in ``DomainEvent``.\n    public var domainEvent: DomainEvent {{ .{lower_first(type_name)}(self) }}\n\n"
    for fname, ftype, fdoc in fields:
        out += doc(fdoc, 4) + f"    public var {fname}: {swift_type(ftype)}\n"
    # init
    params = ", ".join(f"{f}: {swift_type(t)}" + (" = nil" if t.endswith("?") else "") for f, t, _ in fields)
    out += "\n    /// Creates the value from its fields.\n"
    out += f"    public init({params}) {{\n" + "".join(f"        self.{f} = {f}\n" for f, _, _ in fields) + "    }\n"
    # binary
    out += "\n    /// Writes the fields in the compact binary payload codec, in declaration order.\n"
    out += "    public func encode(to writer: inout PayloadWriter) {\n"
    out += "".join(personal_encode(f, t, 8) if sealed(name, f, t) else bin_encode(f, t, 8) for f, t, _ in fields) or ""
    out += "    }\n\n    /// Reads the fields written by ``encode(to:)``.\n"
    out += "    public init(from reader: inout PayloadReader) throws(PayloadDecodingError) {\n"
    out += "".join(f"        {f} = {personal_decode(t) if sealed(name, f, t) else bin_decode(t)}\n" for f, t, _ in fields) + "    }\n"
    personal = [f for f, t, _ in fields if sealed(name, f, t)]
    out += "\n    /// Whether the type has fields sealed under a person's key: " + (", ".join(f"`{f}`" for f in personal) if personal else "none") + ".\n"
    out += f"    public static var hasPersonalFields: Bool {{ {'true' if personal else 'false'} }}\n"
    # json
    out += "\n    /// The fields as a JSON object (the `data` of an interchange record); absent optionals are left out.\n"
    out += "    public var json: JSONValue {\n" + ("        var object: [(String, JSONValue)] = []\n" if fields else "        let object: [(String, JSONValue)] = []\n")
    for f, t, _ in fields:
        if t.endswith("?"):
            out += f"        if let {f} {{ object.append((\"{f}\", {json_encode(f, t[:-1])})) }}\n"
        else:
            out += f"        object.append((\"{f}\", {json_encode(f, t)}))\n"
    out += "        return .object(JSONObject(object))\n    }\n\n"
    out += "    /// The keys of its fields in interchange `data`, in declaration order.\n"
    out += f"    public static let fieldNames: [String] = [{', '.join(chr(34) + f + chr(34) for f, _, _ in fields)}]\n\n"
    out += "    /// Reads the fields from a JSON object, naming the key at fault in the error.\n"
    out += "    public init(json: JSONValue, path: String) throws(FieldError) {\n"
    out += "        try self.init(fields: JSONFields(json, path: path, known: Self.fieldNames))\n"
    out += "    }\n\n"
    out += "    /// Reads the fields from a source checked against ``fieldNames``, naming the key at fault in the error.\n"
    out += "    public init<Source: FieldSource>(fields: Source) throws(FieldError) {\n"
    out += "".join(f"        {f} = {json_decode(f, t)}\n" for f, t, _ in fields)
    out += "    }\n}\n"
    return out

HEADER = "// Generated by Sources/Homeward/Events/generate-events.py from the interchange contract. Do not edit.\n\n"

def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Generated")
    os.makedirs(root, exist_ok=True)
    # enums
    out = HEADER
    for name, text, values in ENUMS:
        out += doc(text) + f"public enum {name}: String, CaseIterable, Sendable, Hashable, Codable, EnumerationValue {{\n"
        for v in values:
            out += f"    case {case_name(v)}\n"
        out += "\n    /// The position of the value in the contract's list; the binary codec stores it.\n"
        out += "    public var ordinal: Int {\n        switch self {\n"
        for i, v in enumerate(values):
            out += f"        case .{case_name(v)}: return {i}\n"
        out += "        }\n    }\n\n"
        out += "    /// The value at a position of the contract's list.\n"
        out += "    public init(ordinal: Int) throws(PayloadDecodingError) {\n        switch ordinal {\n"
        for i, v in enumerate(values):
            out += f"        case {i}: self = .{case_name(v)}\n"
        out += f"        default: throw PayloadDecodingError(\"{name} has no value number \\(ordinal)\")\n        }}\n    }}\n}}\n\n"
    open(os.path.join(root, "Enumerations.swift"), "w").write(out.rstrip() + "\n")
    # objects
    out = HEADER + imports([f for _, _, f in OBJECTS])
    for name, text, fields in OBJECTS:
        out += struct(name, text, fields, conforms="Sendable, Hashable, EventDataObject") + "\n"
    open(os.path.join(root, "EventDataObjects.swift"), "w").write(out.rstrip() + "\n")
    # groups
    all_events = []
    for file, title, events in GROUPS:
        out = HEADER + f"// {title}\n\n" + imports([e[5] for e in events])
        for type_name, version, stream, recorded_by, text, fields in events:
            all_events.append((type_name, version, stream))
            out += struct(type_name, text, fields, type_name, version, stream, recorded_by) + "\n"
        open(os.path.join(root, file + ".swift"), "w").write(out.rstrip() + "\n")
    out = HEADER + imports([e[4] for e in LEGACY])
    for type_name, version, swift_name, text, fields in LEGACY:
        out += struct(swift_name, text + f" Schema version {version} of `{type_name}`.", fields, conforms="Sendable, Hashable, EventDataObject") + "\n"
    open(os.path.join(root, "LegacyEvents.swift"), "w").write(out.rstrip() + "\n")
    # DomainEvent enum
    out = HEADER + "public import HomewardStore\n\n"
    out += doc("Any event of the catalogue, typed; or an event this version does not know, kept as it came.")
    out += "public enum DomainEvent: Sendable, Hashable {\n"
    for t, _, _ in all_events:
        out += f"    /// A ``{t}`` event.\n    case {lower_first(t)}({t})\n"
    out += "    /// An event whose type or schema version this version does not know: kept and reported, never dropped.\n    case unknown(UnknownEvent)\n\n"
    out += "    /// The type name in the log.\n    public var typeName: String {\n        switch self {\n"
    for t, _, _ in all_events:
        out += f"        case .{lower_first(t)}: return {t}.typeName\n"
    out += "        case .unknown(let event): return event.typeName\n        }\n    }\n\n"
    out += "    /// The schema version the event is written with.\n    public var schemaVersion: UInt32 {\n        switch self {\n"
    for t, _, _ in all_events:
        out += f"        case .{lower_first(t)}: return {t}.schemaVersion\n"
    out += "        case .unknown(let event): return event.schemaVersion\n        }\n    }\n\n"
    out += "    /// The event's fields as a JSON object: the `data` of an interchange record.\n    public var json: JSONValue {\n        switch self {\n"
    for t, _, _ in all_events:
        out += f"        case .{lower_first(t)}(let event): return event.json\n"
    out += "        case .unknown(let event): return event.data\n        }\n    }\n\n"
    out += "    /// The payload to store: the binary codec for known events, JSON for unknown ones.\n    public var payload: Payload {\n        switch self {\n"
    for t, _, _ in all_events:
        out += f"        case .{lower_first(t)}(let event): return PayloadWriter.payload(of: event)\n"
    out += "        case .unknown(let event): return Payload(codec: .json, bytes: Array(event.data.serialized.utf8))\n        }\n    }\n}\n\n"
    out += "extension EventRegistry {\n    /// Every type of the catalogue at its current schema version.\n    static let catalogue: [any EventData.Type] = [\n"
    out += "".join(f"        {t}.self,\n" for t, _, _ in all_events) + "    ]\n}\n\n"
    out += "".join(f"extension {t}: TapeReadable {{}}\n" for t, _, _ in all_events) + "\n"
    open(os.path.join(root, "DomainEvent.swift"), "w").write(out.rstrip() + "\n")
    out = HEADER + "extension PersonalData {\n"
    out += doc("The fields sealed under a person's key when the store has a key store, by name (in any event type but `PersonForgotten`, and where they hold text or a date): names, birth dates, free text and relatives. A correction's `changes` seals its members with these names.", 4)
    out += "    public static let sealedFields: Set<String> = [\n"
    out += "".join(f"        \"{name}\",\n" for name in sorted(PERSONAL)) + "    ]\n}\n"
    open(os.path.join(root, "PersonalFields.swift"), "w").write(out)
    print(f"generated {len(all_events)} event types, {len(ENUMS)} enumerations")

if __name__ == "__main__":
    main()
