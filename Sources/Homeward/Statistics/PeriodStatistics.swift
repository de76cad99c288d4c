/// The figures of one period and region (contract section 3), under the contract's keys.
public struct PeriodStatistics: Sendable, Hashable {
    public var reports = 0
    public var reportsByChannel: [Channel: Int] = [:]
    public var contacts = 0
    public var onSiteAid = 0
    public var itemsDistributed: [String: Int] = [:]
    public var aidDeclined = 0
    public var pickups = 0
    public var admissions = 0
    public var personsAdmitted = 0
    public var repeatPersons = 0
    public var minorsAdmitted = 0
    public var returnedHome = 0
    public var collectedByRelatives = 0
    public var tracingSuccessByChannel: [TracingChannel: Int] = [:]
    /// Minutes from a case's first report to its first pickup, median; `nil` when none.
    public var medianMinutesReportToPickup: Double?
    public var bedNights = 0
    public var strandedOver10Days = 0
    public var strandedOver30Days = 0
    public var strandedOver90Days = 0

    /// Empty figures.
    public init() {}

    /// The figures as a JSON object with the contract's keys, in the contract's order; every
    /// channel listed, zeros included (reading 14); items sorted by name.
    public var json: JSONValue {
        var members: [(String, JSONValue)] = []
        members.append(("reports", .integer(reports)))
        members.append(("reportsByChannel", .object(JSONObject(Channel.allCases.map { ($0.rawValue, .integer(reportsByChannel[$0] ?? 0)) }))))
        members.append(("contacts", .integer(contacts)))
        members.append(("onSiteAid", .integer(onSiteAid)))
        members.append(("itemsDistributed", .object(JSONObject(itemsDistributed.keys.sorted().map { ($0, .integer(itemsDistributed[$0]!)) }))))
        members.append(("aidDeclined", .integer(aidDeclined)))
        members.append(("pickups", .integer(pickups)))
        members.append(("admissions", .integer(admissions)))
        members.append(("personsAdmitted", .integer(personsAdmitted)))
        members.append(("repeatPersons", .integer(repeatPersons)))
        members.append(("minorsAdmitted", .integer(minorsAdmitted)))
        members.append(("returnedHome", .integer(returnedHome)))
        members.append(("collectedByRelatives", .integer(collectedByRelatives)))
        members.append(("tracingSuccessByChannel", .object(JSONObject(TracingChannel.allCases.map { ($0.rawValue, .integer(tracingSuccessByChannel[$0] ?? 0)) }))))
        members.append(("medianMinutesReportToPickup", medianMinutesReportToPickup.map { .number($0) } ?? .null))
        members.append(("bedNights", .integer(bedNights)))
        members.append(("strandedAtEnd", .object(["over10Days": .integer(strandedOver10Days), "over30Days": .integer(strandedOver30Days), "over90Days": .integer(strandedOver90Days)])))
        return .object(JSONObject(members))
    }
}
