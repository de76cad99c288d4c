import Foundation
public import HomewardStore

/// The state of one case, folded from its events (contract section 4, readings 8–12).
///
/// `CaseState` is pure data: ``evolve(_:)`` applies one event and returns the new state. Fold a
/// case's effective events in `occurredAt` order (ties by position) for the case's state; the
/// guards fold them in log order (``Case/decide(_:_:now:)``).
public struct CaseState: Sendable, Hashable, Codable {
    /// One admission and the stay it opened.
    public struct Admission: Sendable, Hashable, Codable {
        public var admittedAt: Timestamp
        public var category: AdmissionCategory
        public var station: String
        public var personId: String
        /// When the stay it opened ended (reading 10), if it has.
        public var endedAt: Timestamp?
    }

    /// A hospital stay during a station stay.
    public struct HospitalStay: Sendable, Hashable, Codable {
        public var admittedAt: Timestamp
        public var dischargedAt: Timestamp?
    }

    /// A filed stay extension.
    public struct Extension: Sendable, Hashable, Codable {
        public var filedAt: Timestamp
        public var newDueDate: LocalDate
    }

    /// A return home or a collection by a relative.
    public struct Return: Sendable, Hashable, Codable {
        public var returnedAt: Timestamp
        /// The home region (for `ReturnedHome`; `nil` for a collection by a relative).
        public var region: String?
        /// Whether it was a `ReturnedHome` (the follow-up rule starts only from these).
        public var isReturnedHome: Bool
    }

    /// A follow-up visit's findings.
    public struct FollowUp: Sendable, Hashable, Codable {
        public var visitedAt: Timestamp
        public var householdMembers: Int
        public var monthlyHouseholdIncomeCny: Double
        public var propertyWithinLimit: Bool
        public var ableSupporter: Bool
        public var workCapacity: Bool
        public var disability: Disability
        public var chronicIllness: Bool
    }

    /// An application for or decision on a programme.
    public struct BenefitStep: Sendable, Hashable, Codable {
        public var at: Timestamp
        public var program: Program
        /// `nil` for an application; the decision otherwise.
        public var granted: Bool?
    }

    /// The first report.
    public struct FirstReport: Sendable, Hashable, Codable {
        public var at: Timestamp
        public var region: String
        public var channel: Channel
    }

    /// A verified identity.
    public struct VerifiedIdentity: Sendable, Hashable, Codable {
        public var personId: String
        public var birthDate: LocalDate
        public var hukouRegion: String
    }

    /// The case's id (the stream name without `case-`).
    public var caseId: String
    /// The status; `nil` before any event that sets one.
    public var status: CaseStatus?
    private var statusBeforeHospital: CaseStatus?
    private var statusBeforeClose: CaseStatus?
    /// Risks seen in `ReportReceived` and `PersonContacted`.
    public var flags: RiskFlags = []
    /// When the first `IdentityVerified` occurred.
    public var identityVerifiedAt: Timestamp?
    /// Whether any tracing step is recorded.
    public var tracingStarted = false
    /// The latest `IdentityVerified`.
    public var verification: VerifiedIdentity?
    /// When the latest `IdentityVerified` occurred.
    public var verifiedAt: Timestamp?
    /// Every admission, in fold order.
    public var admissions: [Admission] = []
    /// Hospital stays.
    public var hospitalStays: [HospitalStay] = []
    /// When each `TracingNoticePublished` occurred.
    public var tracingNotices: [Timestamp] = []
    /// When each `DnaSampleRequested` occurred.
    public var dnaRequests: [Timestamp] = []
    /// When each `TemporaryGuardianshipStarted` or `TransferredToMinorsCentre` occurred.
    public var guardianship: [Timestamp] = []
    /// Each `StayExtensionFiled`.
    public var extensions: [Extension] = []
    /// Each `ReturnedHome` and `CollectedByRelative`.
    public var returns: [Return] = []
    /// Each `FollowUpVisited`.
    public var followUps: [FollowUp] = []
    /// Each `BenefitApplied` or `BenefitDecided`, in fold order.
    public var benefits: [BenefitStep] = []
    /// The first `ReportReceived`.
    public var firstReport: FirstReport?
    /// The first `PickedUp`.
    public var firstPickupAt: Timestamp?
    /// The first station named by `PickedUp`, `AssistanceRequested` or `Admitted`.
    public var firstStation: String?
    /// How many `AssistanceRequested` were folded.
    public var requestCount = 0
    /// The age stated in the latest `AssistanceRequested` that states one, and when.
    public var requestedAge: Int?
    /// When the age in ``requestedAge`` was stated.
    public var requestedAgeAt: Timestamp?
    /// Whether some `AssistanceRequested` so far stated all four conditions.
    public var hasRequestWithAllFourConditions = false
    /// The latest `PersonContacted` estimated age.
    public var estimatedAge: Int?
    /// When the age in ``estimatedAge`` was estimated.
    public var estimatedAgeAt: Timestamp?
    /// When the latest event folded occurred.
    public var lastEventAt: Timestamp?
    /// The type of every event stored in the stream, by id (corrections and voids included), for
    /// checking the targets of corrections and voids.
    public var storedTypes = StoredEventTypes()

    private enum CodingKeys: String, CodingKey {
        case caseId, status, statusBeforeHospital, statusBeforeClose, flags, identityVerifiedAt, tracingStarted, verification, verifiedAt
        case admissions, hospitalStays, tracingNotices, dnaRequests, guardianship, extensions, returns, followUps, benefits
        case firstReport, firstPickupAt, firstStation, requestCount, requestedAge, requestedAgeAt, hasRequestWithAllFourConditions
        case estimatedAge, estimatedAgeAt, lastEventAt
    }

    public static func == (lhs: CaseState, rhs: CaseState) -> Bool {
        // Compared through their encoding, which leaves out `storedTypes`: bookkeeping for
        // deciding commands, not part of the case's state.
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(lhs)) == (try? encoder.encode(rhs))
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(caseId)
        hasher.combine(status)
        hasher.combine(lastEventAt)
    }

    /// The private statuses, for the binary coding of projections.
    var statusBeforeHospitalForCoding: CaseStatus? {
        get { statusBeforeHospital }
        set { statusBeforeHospital = newValue }
    }

    var statusBeforeCloseForCoding: CaseStatus? {
        get { statusBeforeClose }
        set { statusBeforeClose = newValue }
    }

    /// An empty case.
    public init(caseId: String) {
        self.caseId = caseId
    }

    /// The latest admission, if any.
    public var latestAdmission: Admission? { admissions.last }

    /// Whether the latest stay is open (admitted and not ended).
    public var isStayOpen: Bool { admissions.last.map { $0.endedAt == nil } ?? false }

    /// The identity status (reading 11).
    public var identity: IdentityStatus {
        identityVerifiedAt != nil ? .verified : tracingStarted ? .tracing : .unknown
    }

    /// The latest `IdentityVerified`'s person id, else the latest `Admitted`'s (reading 11).
    public var personId: String? { verification?.personId ?? admissions.last?.personId }

    /// Whether the case is closed.
    public var isClosed: Bool { status == .closed }

    /// Applies one event (reading 9 for the status, 10 for stays, 11 for identity and flags).
    /// - Parameter record: The event, corrections applied.
    /// - Returns: The new state.
    public func evolve(_ record: CaseRecord) -> CaseState {
        var state = self
        state.apply(record)
        return state
    }

    private mutating func setStatus(_ new: CaseStatus) {
        status = new
    }

    private mutating func endStay(at time: Timestamp) {
        if let last = admissions.indices.last, admissions[last].endedAt == nil {
            admissions[last].endedAt = time
            if let open = hospitalStays.indices.last, hospitalStays[open].dischargedAt == nil {
                hospitalStays[open].dischargedAt = time
            }
        }
    }

    /// Notes a stored event's id and type without folding it.
    public mutating func noteStored(_ record: CaseRecord) {
        storedTypes.note(record.eventId, type: record.event.typeName)
    }

    @inline(__always)
    mutating func apply(_ record: CaseRecord) {
        let time = record.occurredAt
        lastEventAt = time
        switch record.event {
        case .reportReceived(let report):
            setStatus(.reported)
            flags.formUnion(report.risks)
            if firstReport == nil { firstReport = FirstReport(at: time, region: report.region, channel: report.channel) }
        case .teamDispatched:
            setStatus(.dispatched)
        case .personContacted(let contact):
            setStatus(.contacted)
            flags.formUnion(contact.risks)
            if let age = contact.estimatedAge {
                estimatedAge = age
                estimatedAgeAt = time
            }
        case .aidDeclined:
            setStatus(.declined)
        case .onSiteAidGiven:
            setStatus(.aidedOnSite)
        case .emergencyMedicalReferral:
            setStatus(.medicalReferral)
        case .pickedUp(let pickup):
            setStatus(.pickedUp)
            if firstPickupAt == nil { firstPickupAt = time }
            if firstStation == nil { firstStation = pickup.station }
        case .assistanceRequested(let request):
            setStatus(.requested)
            requestCount += 1
            if let age = request.age {
                requestedAge = age
                requestedAgeAt = time
            }
            let conditions = request.conditions
            if conditions.cannotAffordFoodOrLodging && conditions.noKinToRelyOn && conditions.notOnDibaoOrWubao && conditions.wanderingOrBegging {
                hasRequestWithAllFourConditions = true
            }
            if firstStation == nil { firstStation = request.station }
        case .admissionRefused:
            setStatus(.refused)
        case .admitted(let admission):
            endStay(at: time)
            setStatus(.admitted)
            admissions.append(Admission(admittedAt: time, category: admission.category, station: admission.station, personId: admission.personId))
            if firstStation == nil { firstStation = admission.station }
        case .hospitalAdmitted:
            if status != .inHospital { statusBeforeHospital = status }
            setStatus(.inHospital)
            hospitalStays.append(HospitalStay(admittedAt: time, dischargedAt: nil))
        case .hospitalDischarged:
            if status == .inHospital { status = statusBeforeHospital }
            if let open = hospitalStays.indices.last, hospitalStays[open].dischargedAt == nil {
                hospitalStays[open].dischargedAt = time
            }
        case .stayExtensionFiled(let extensionFiled):
            extensions.append(Extension(filedAt: time, newDueDate: extensionFiled.newDueDate))
        case .temporaryGuardianshipStarted, .transferredToMinorsCentre:
            guardianship.append(time)
        case .serviceProvided:
            break
        case .identityQueryRequested, .identityQueryAnswered, .dnaSampleCollected, .dnaMatchReported, .familyContacted, .tracingSucceeded:
            tracingStarted = true
        case .tracingNoticePublished:
            tracingStarted = true
            tracingNotices.append(time)
        case .dnaSampleRequested:
            tracingStarted = true
            dnaRequests.append(time)
        case .identityVerified(let verified):
            if identityVerifiedAt == nil { identityVerifiedAt = time }
            verifiedAt = time
            verification = VerifiedIdentity(personId: verified.personId, birthDate: verified.birthDate, hukouRegion: verified.hukouRegion)
        case .selfDeparted, .absconded, .assistanceTerminated:
            endStay(at: time)
            setStatus(.departed)
        case .collectedByRelative:
            endStay(at: time)
            setStatus(.departed)
            returns.append(Return(returnedAt: time, region: nil, isReturnedHome: false))
        case .escortStarted:
            endStay(at: time)
            setStatus(.escorting)
        case .returnedHome(let returned):
            endStay(at: time)
            setStatus(.returnedHome)
            returns.append(Return(returnedAt: time, region: returned.region, isReturnedHome: true))
        case .originRefusedReceipt:
            break
        case .placedInCare:
            endStay(at: time)
            setStatus(.placed)
        case .followUpVisited(let visit):
            followUps.append(FollowUp(
                visitedAt: time, householdMembers: visit.householdMembers, monthlyHouseholdIncomeCny: visit.monthlyHouseholdIncomeCny,
                propertyWithinLimit: visit.propertyWithinLimit, ableSupporter: visit.ableSupporter, workCapacity: visit.workCapacity,
                disability: visit.disability, chronicIllness: visit.chronicIllness
            ))
        case .benefitApplied(let applied):
            benefits.append(BenefitStep(at: time, program: applied.program, granted: nil))
        case .benefitDecided(let decided):
            benefits.append(BenefitStep(at: time, program: decided.program, granted: decided.granted))
        case .caseClosed:
            endStay(at: time)
            if status != .closed { statusBeforeClose = status }
            setStatus(.closed)
        case .caseReopened:
            if status == .closed { status = statusBeforeClose }
        case .eventCorrected, .eventVoided, .personsLinked, .personsUnlinked, .consentRecorded, .personForgotten, .unknown:
            break
        }
    }
}
