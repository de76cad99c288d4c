public import HomewardStore

/// Whether a person meets a programme's conditions.
public enum Eligibility: String, Sendable, Hashable, Codable {
    case eligible, ineligible, needsInformation
}

/// A programme's status for a person (reading 21): the latest application or decision, else the
/// eligibility.
public enum EntitlementStatus: String, Sendable, Hashable, Codable {
    case eligible, ineligible, needsInformation, applied, granted, denied
}

/// One programme's check for one person.
public struct ProgramEntitlement: Sendable, Hashable, Codable {
    /// The status.
    public var status: EntitlementStatus
    /// The eligibility, always reported beside the status.
    public var eligibility: Eligibility
    /// One reason code per test decided, in the test order of contract section 5.
    public var reasons: [String]
    /// Every input the check reads that is not known, sorted.
    public var missing: [String]
}

/// What the entitlement checks read about one person (reading 19): gathered across the cases whose
/// person id is in the person's component.
public struct EntitlementInputs: Sendable, Hashable {
    /// The canonical person id.
    public var personId: String
    /// The latest return (`ReturnedHome` or `CollectedByRelative`) across the cases.
    public var latestReturn: CaseState.Return?
    /// The latest `ReturnedHome` region, if any.
    public var latestReturnRegion: String?
    /// The latest follow-up visit.
    public var followUp: CaseState.FollowUp?
    /// The latest verified identity.
    public var verification: CaseState.VerifiedIdentity?
    /// The age stated at the latest assistance request.
    public var statedAge: Int?
    /// The latest estimated age at contact.
    public var estimatedAge: Int?
    /// Whether the case of the latest return holds a guardianship record.
    public var guardianshipInReturningCase: Bool
    /// Applications and decisions across the cases, in occurred order.
    public var benefits: [CaseState.BenefitStep]

    /// Gathers the inputs from a person's cases.
    /// - Parameters:
    ///   - personId: The canonical id.
    ///   - cases: The cases whose person id is in the person's component.
    public init(personId: String, cases: [CaseState]) {
        self.personId = personId
        func newest<T>(_ values: [(Timestamp, T)]) -> T? { values.max { $0.0 < $1.0 }?.1 }
        let returns = cases.flatMap { state in state.returns.map { (state, $0) } }
        let latest = returns.max { ($0.1.returnedAt, $0.0.caseId) < ($1.1.returnedAt, $1.0.caseId) }
        latestReturn = latest?.1
        latestReturnRegion = returns.filter { $0.1.isReturnedHome }.max { $0.1.returnedAt < $1.1.returnedAt }?.1.region
        guardianshipInReturningCase = latest.map { !$0.0.guardianship.isEmpty } ?? false
        followUp = cases.flatMap(\.followUps).max { $0.visitedAt < $1.visitedAt }
        verification = newest(cases.compactMap { state in state.verifiedAt.flatMap { at in state.verification.map { (at, $0) } } })
        statedAge = newest(cases.compactMap { state in state.requestedAgeAt.flatMap { at in state.requestedAge.map { (at, $0) } } })
        estimatedAge = newest(cases.compactMap { state in state.estimatedAgeAt.flatMap { at in state.estimatedAge.map { (at, $0) } } })
        benefits = cases.flatMap(\.benefits).sorted { $0.at < $1.at }
    }
}

/// The entitlement checks of contract section 5 (readings 19 to 23), in three-valued logic.
public enum EntitlementRules {
    enum Truth {
        case yes, no, unknown
        static func all(_ values: [Truth]) -> Truth {
            values.contains(.no) ? .no : values.contains(.unknown) ? .unknown : .yes
        }
        var eligibility: Eligibility { self == .yes ? .eligible : self == .no ? .ineligible : .needsInformation }
    }

    /// The programmes, in the contract's order.
    public static let programs: [Program] = [.dibao, .tekun, .medicalAssistance, .temporaryAssistance, .childProtection]

    /// Checks every programme for a person at a time.
    /// - Parameters:
    ///   - inputs: What is known of the person.
    ///   - configuration: Lines per region.
    ///   - time: The query time.
    /// - Returns: One check per programme.
    public static func evaluate(_ inputs: EntitlementInputs, configuration: RegionConfiguration, at time: Timestamp) -> [Program: ProgramEntitlement] {
        let calendar = configuration.calendar
        let visit = inputs.followUp
        let region = inputs.latestReturnRegion ?? inputs.verification?.hukouRegion
        let line = region.flatMap { configuration.dibaoLine(for: $0) }
        let members = visit.flatMap { $0.householdMembers >= 1 ? $0.householdMembers : nil }
        let age: Int? = inputs.verification.flatMap { $0.birthDate.isForgotten ? nil : Case.years(from: $0.birthDate, to: calendar.date(time)) } ?? inputs.statedAge ?? inputs.estimatedAge

        // Tests, each with its reason codes and the inputs it reads.
        var incomeMissing: [String] = []
        if visit == nil { incomeMissing.append("monthlyHouseholdIncomeCny") }
        if members == nil { incomeMissing.append("householdMembers") }
        if line == nil { incomeMissing.append("dibaoLine") }
        func below(_ factor: Double) -> Truth {
            guard let visit, let members, let line else { return .unknown }
            return visit.monthlyHouseholdIncomeCny < factor * line * Double(members) ? .yes : .no
        }
        let income = below(1)
        let property: Truth = visit.map { $0.propertyWithinLimit ? .yes : .no } ?? .unknown
        let dibao = Truth.all([income, property])
        var dibaoReasons: [String] = []
        if income != .unknown { dibaoReasons.append(income == .yes ? "incomeBelowLine" : "incomeNotBelowLine") }
        if property != .unknown { dibaoReasons.append(property == .yes ? "propertyWithinLimit" : "propertyOverLimit") }
        let dibaoMissing = incomeMissing + (visit == nil ? ["propertyWithinLimit"] : [])

        let ageOrDisability: Truth
        var ageReason: String?
        if let age, age >= 60 {
            ageOrDisability = .yes
            ageReason = "age60OrOver"
        } else if let age, age < 18 {
            ageOrDisability = .yes
            ageReason = "under18"
        } else if visit?.disability == .severe {
            ageOrDisability = .yes
            ageReason = "severeDisability"
        } else if age != nil, visit != nil {
            ageOrDisability = .no
            ageReason = "noQualifyingAgeOrDisability"
        } else {
            ageOrDisability = .unknown
        }
        let noWork: Truth = visit.map { $0.workCapacity ? .no : .yes } ?? .unknown
        let noSupporter: Truth = visit.map { $0.ableSupporter ? .no : .yes } ?? .unknown
        let tekun = Truth.all([ageOrDisability, noWork, income, property, noSupporter])
        var tekunReasons: [String] = []
        if let ageReason { tekunReasons.append(ageReason) }
        if noWork != .unknown { tekunReasons.append(noWork == .yes ? "noWorkCapacity" : "hasWorkCapacity") }
        tekunReasons += dibaoReasons
        if noSupporter != .unknown { tekunReasons.append(noSupporter == .yes ? "noAbleSupporter" : "hasAbleSupporter") }
        var tekunMissing = dibaoMissing
        if age == nil { tekunMissing.append("age") }
        if visit == nil { tekunMissing += ["ableSupporter", "disability", "workCapacity"] }

        let factor = region.flatMap { configuration.lowIncomeFactor(for: $0) }
        let widening: Truth = factor.map { Truth.all([below($0), property]) } ?? .no
        let basis: Truth
        let basisReason: String?
        if dibao == .yes {
            (basis, basisReason) = (.yes, "dibaoEligible")
        } else if tekun == .yes {
            (basis, basisReason) = (.yes, "tekunEligible")
        } else if widening == .yes {
            (basis, basisReason) = (.yes, "lowIncomeWidening")
        } else if dibao == .no, tekun == .no, widening == .no {
            (basis, basisReason) = (.no, "notDibaoOrTekunEligible")
        } else {
            (basis, basisReason) = (.unknown, nil)
        }
        let illness: Truth
        let illnessReason: String?
        if let visit {
            if visit.chronicIllness {
                (illness, illnessReason) = (.yes, "chronicIllness")
            } else if visit.disability != .none {
                (illness, illnessReason) = (.yes, "disability")
            } else {
                (illness, illnessReason) = (.no, "noChronicIllnessOrDisability")
            }
        } else {
            (illness, illnessReason) = (.unknown, nil)
        }
        let medical = Truth.all([basis, illness])
        let medicalReasons = [basisReason, illnessReason].compactMap { $0 }
        let medicalMissing = tekunMissing + (visit == nil ? ["chronicIllness"] : [])

        var temporaryReasons: [String] = []
        var temporary: Truth = .no
        if let returned = inputs.latestReturn {
            let elapsed = time.microsecondsSinceEpoch - returned.returnedAt.microsecondsSinceEpoch
            let within = elapsed >= 0 && elapsed <= 90 * 24 * 3600 * 1_000_000
            // Granted now: the programme's latest application or decision is a grant.
            let granted = [Program.dibao, .tekun].contains { program in
                inputs.benefits.last { $0.program == program }?.granted == true
            }
            temporaryReasons = [within ? "returnedWithin90Days" : "returnedOver90DaysAgo", granted ? "dibaoOrTekunGranted" : "noDibaoOrTekunGranted"]
            temporary = within && !granted ? .yes : .no
        }

        let ageAtReturn: Int? = inputs.latestReturn.flatMap { returned in
            inputs.verification.flatMap { $0.birthDate.isForgotten ? nil : Case.years(from: $0.birthDate, to: calendar.date(returned.returnedAt)) } ?? inputs.statedAge ?? inputs.estimatedAge
        }
        let under18: Truth = ageAtReturn.map { $0 < 18 ? .yes : .no } ?? .unknown
        let record: Truth = inputs.latestReturn == nil ? .unknown : inputs.guardianshipInReturningCase ? .yes : .no
        let child = Truth.all([under18, record])
        var childReasons: [String] = []
        if under18 != .unknown { childReasons.append(under18 == .yes ? "under18AtReturn" : "notUnder18AtReturn") }
        if record != .unknown { childReasons.append(record == .yes ? "guardianshipRecord" : "noGuardianshipRecord") }
        var childMissing: [String] = []
        if ageAtReturn == nil { childMissing.append("age") }
        if record == .unknown { childMissing.append("guardianshipRecord") }

        func entitlement(_ program: Program, _ truth: Truth, _ reasons: [String], _ missing: [String]) -> ProgramEntitlement {
            let eligibility = truth.eligibility
            var status = EntitlementStatus(rawValue: eligibility.rawValue)!
            if let step = inputs.benefits.last(where: { $0.program == program }) {
                status = step.granted.map { $0 ? .granted : .denied } ?? .applied
            }
            return ProgramEntitlement(status: status, eligibility: eligibility, reasons: reasons, missing: Array(Set(missing)).sorted())
        }
        return [
            .dibao: entitlement(.dibao, dibao, dibaoReasons, dibaoMissing),
            .tekun: entitlement(.tekun, tekun, tekunReasons, tekunMissing),
            .medicalAssistance: entitlement(.medicalAssistance, medical, medicalReasons, medicalMissing),
            .temporaryAssistance: entitlement(.temporaryAssistance, temporary, temporaryReasons, []),
            .childProtection: entitlement(.childProtection, child, childReasons, childMissing),
        ]
    }
}
