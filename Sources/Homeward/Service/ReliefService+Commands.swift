public import Foundation
public import HomewardStore

extension ReliefService {
    // Each command below records one event of the catalogue in a case, checked by the guards.
    // `occurredAt` defaults to the clock's time; pass an earlier time to back-date field work.

    /// Records a report of a person sleeping rough (opens the case).
    @discardableResult public func report(_ caseId: String, _ event: ReportReceived, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        try await record(.reportReceived(event), in: caseId, occurredAt: occurredAt, by: actor)
    }
    /// Records that a team was dispatched.
    @discardableResult public func dispatch(_ caseId: String, _ event: TeamDispatched, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        try await record(.teamDispatched(event), in: caseId, occurredAt: occurredAt, by: actor)
    }
    /// Records that the team reached the person.
    @discardableResult public func contact(_ caseId: String, _ event: PersonContacted, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        try await record(.personContacted(event), in: caseId, occurredAt: occurredAt, by: actor)
    }
    /// Records aid handed out on site.
    @discardableResult public func giveAid(_ caseId: String, _ event: OnSiteAidGiven, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        try await record(.onSiteAidGiven(event), in: caseId, occurredAt: occurredAt, by: actor)
    }
    /// Records that the person refused help (lawful; the case stays open).
    @discardableResult public func recordRefusal(_ caseId: String, _ event: AidDeclined, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        try await record(.aidDeclined(event), in: caseId, occurredAt: occurredAt, by: actor)
    }
    /// Records an emergency referral to hospital.
    @discardableResult public func referToHospital(_ caseId: String, _ event: EmergencyMedicalReferral, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        try await record(.emergencyMedicalReferral(event), in: caseId, occurredAt: occurredAt, by: actor)
    }
    /// Records a pickup to a station.
    @discardableResult public func pickUp(_ caseId: String, _ event: PickedUp, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        try await record(.pickedUp(event), in: caseId, occurredAt: occurredAt, by: actor)
    }
    /// Records a request for assistance at a station.
    @discardableResult public func requestAssistance(_ caseId: String, _ event: AssistanceRequested, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        try await record(.assistanceRequested(event), in: caseId, occurredAt: occurredAt, by: actor)
    }
    /// Records an admission (guard: an adult needs a request stating all four conditions).
    @discardableResult public func admit(_ caseId: String, _ event: Admitted, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        try await record(.admitted(event), in: caseId, occurredAt: occurredAt, by: actor)
    }
    /// Records a refusal of admission.
    @discardableResult public func refuseAdmission(_ caseId: String, _ event: AdmissionRefused, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        try await record(.admissionRefused(event), in: caseId, occurredAt: occurredAt, by: actor)
    }
    /// Records that the person went into hospital during the stay.
    @discardableResult public func admitToHospital(_ caseId: String, _ event: HospitalAdmitted, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        try await record(.hospitalAdmitted(event), in: caseId, occurredAt: occurredAt, by: actor)
    }
    /// Records a discharge from hospital.
    @discardableResult public func dischargeFromHospital(_ caseId: String, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        try await record(.hospitalDischarged(HospitalDischarged()), in: caseId, occurredAt: occurredAt, by: actor)
    }
    /// Records a stay extension filed with civil affairs.
    @discardableResult public func fileExtension(_ caseId: String, _ event: StayExtensionFiled, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        try await record(.stayExtensionFiled(event), in: caseId, occurredAt: occurredAt, by: actor)
    }
    /// Records that civil affairs took temporary guardianship of a minor.
    @discardableResult public func startGuardianship(_ caseId: String, _ event: TemporaryGuardianshipStarted, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        try await record(.temporaryGuardianshipStarted(event), in: caseId, occurredAt: occurredAt, by: actor)
    }
    /// Records a transfer to a minors' protection centre.
    @discardableResult public func transferToMinorsCentre(_ caseId: String, _ event: TransferredToMinorsCentre, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        try await record(.transferredToMinorsCentre(event), in: caseId, occurredAt: occurredAt, by: actor)
    }
    /// Records a service given during the stay.
    @discardableResult public func provideService(_ caseId: String, _ event: ServiceProvided, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        try await record(.serviceProvided(event), in: caseId, occurredAt: occurredAt, by: actor)
    }
    /// Records an identity query sent to a system.
    @discardableResult public func requestIdentityQuery(_ caseId: String, _ event: IdentityQueryRequested, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        try await record(.identityQueryRequested(event), in: caseId, occurredAt: occurredAt, by: actor)
    }
    /// Records a system's answer to an identity query.
    @discardableResult public func answerIdentityQuery(_ caseId: String, _ event: IdentityQueryAnswered, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        try await record(.identityQueryAnswered(event), in: caseId, occurredAt: occurredAt, by: actor)
    }
    /// Records a published tracing notice.
    @discardableResult public func publishTracingNotice(_ caseId: String, _ event: TracingNoticePublished, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        try await record(.tracingNoticePublished(event), in: caseId, occurredAt: occurredAt, by: actor)
    }
    /// Records a DNA sample request.
    @discardableResult public func requestDnaSample(_ caseId: String, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        try await record(.dnaSampleRequested(DnaSampleRequested()), in: caseId, occurredAt: occurredAt, by: actor)
    }
    /// Records a collected DNA sample.
    @discardableResult public func collectDnaSample(_ caseId: String, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        try await record(.dnaSampleCollected(DnaSampleCollected()), in: caseId, occurredAt: occurredAt, by: actor)
    }
    /// Records the DNA database's answer.
    @discardableResult public func reportDnaMatch(_ caseId: String, _ event: DnaMatchReported, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        try await record(.dnaMatchReported(event), in: caseId, occurredAt: occurredAt, by: actor)
    }
    /// Records contact with the family.
    @discardableResult public func contactFamily(_ caseId: String, _ event: FamilyContacted, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        try await record(.familyContacted(event), in: caseId, occurredAt: occurredAt, by: actor)
    }
    /// Records that tracing succeeded.
    @discardableResult public func recordTracingSuccess(_ caseId: String, _ event: TracingSucceeded, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        try await record(.tracingSucceeded(event), in: caseId, occurredAt: occurredAt, by: actor)
    }
    /// Records a self-departure (guards: age 16 or more, not flagged mental or intellectual, not a minor, at most 20 CNY).
    @discardableResult public func recordSelfDeparture(_ caseId: String, _ event: SelfDeparted, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        try await record(.selfDeparted(event), in: caseId, occurredAt: occurredAt, by: actor)
    }
    /// Records that the person left without notice.
    @discardableResult public func recordAbsconding(_ caseId: String, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        try await record(.absconded(Absconded()), in: caseId, occurredAt: occurredAt, by: actor)
    }
    /// Records that the station ended assistance.
    @discardableResult public func terminateAssistance(_ caseId: String, _ event: AssistanceTerminated, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        try await record(.assistanceTerminated(event), in: caseId, occurredAt: occurredAt, by: actor)
    }
    /// Records that a relative collected the person.
    @discardableResult public func handOverToRelative(_ caseId: String, _ event: CollectedByRelative, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        try await record(.collectedByRelative(event), in: caseId, occurredAt: occurredAt, by: actor)
    }
    /// Records the start of an escort home.
    @discardableResult public func startEscort(_ caseId: String, _ event: EscortStarted, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        try await record(.escortStarted(event), in: caseId, occurredAt: occurredAt, by: actor)
    }
    /// Records the hand-over at home.
    @discardableResult public func returnHome(_ caseId: String, _ event: ReturnedHome, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        try await record(.returnedHome(event), in: caseId, occurredAt: occurredAt, by: actor)
    }
    /// Records that the place of origin refused to receive the person.
    @discardableResult public func recordOriginRefusal(_ caseId: String, _ event: OriginRefusedReceipt, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        try await record(.originRefusedReceipt(event), in: caseId, occurredAt: occurredAt, by: actor)
    }
    /// Records a placement in care.
    @discardableResult public func placeInCare(_ caseId: String, _ event: PlacedInCare, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        try await record(.placedInCare(event), in: caseId, occurredAt: occurredAt, by: actor)
    }
    /// Records a follow-up visit after the return home.
    @discardableResult public func followUp(_ caseId: String, _ event: FollowUpVisited, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        try await record(.followUpVisited(event), in: caseId, occurredAt: occurredAt, by: actor)
    }
    /// Records an application for a programme.
    @discardableResult public func applyForBenefit(_ caseId: String, _ event: BenefitApplied, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        try await record(.benefitApplied(event), in: caseId, occurredAt: occurredAt, by: actor)
    }
    /// Records the decision on a programme application.
    @discardableResult public func decideBenefit(_ caseId: String, _ event: BenefitDecided, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        try await record(.benefitDecided(event), in: caseId, occurredAt: occurredAt, by: actor)
    }
    /// Closes the case (afterwards only a reopening or a correction may be recorded).
    @discardableResult public func close(_ caseId: String, reason: String, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        try await record(.caseClosed(CaseClosed(reason: reason)), in: caseId, occurredAt: occurredAt, by: actor)
    }
    /// Reopens a closed case.
    @discardableResult public func reopen(_ caseId: String, reason: String, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        try await record(.caseReopened(CaseReopened(reason: reason)), in: caseId, occurredAt: occurredAt, by: actor)
    }
    /// Records the person's consent or refusal.
    @discardableResult public func recordConsent(_ caseId: String, _ event: ConsentRecorded, occurredAt: Timestamp? = nil, by actor: EventActor) async throws -> CommandResult {
        try await record(.consentRecorded(event), in: caseId, occurredAt: occurredAt, by: actor)
    }
    /// Corrects fields of an earlier event of the case; the original stays in the log.
    @discardableResult public func correct(_ caseId: String, target: UUID, changes: JSONObject, reason: String, by actor: EventActor) async throws -> CommandResult {
        try await execute(.correct(target: target, changes: changes, reason: reason), on: caseId, by: actor)
    }
    /// Voids an earlier event of the case (voiding a correction undoes it; voiding a void restores its target).
    @discardableResult public func void(_ caseId: String, target: UUID, reason: String, by actor: EventActor) async throws -> CommandResult {
        try await execute(.void(target: target, reason: reason), on: caseId, by: actor)
    }
}
