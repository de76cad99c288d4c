import Foundation
public import HomewardStore

/// The case aggregate: pure functions from a case's state and a command to the events to record,
/// or to the guard the command breaks (contract section 4, reading 18).
public enum Case {
    /// Applies one event to a state. See ``CaseState/evolve(_:)``.
    public static func evolve(_ state: CaseState, _ record: CaseRecord) -> CaseState {
        state.evolve(record)
    }

    /// Decides a command against the case's state as stored so far (folded in log order).
    /// - Parameters:
    ///   - state: The case's state, folded in log order, with every stored event id noted.
    ///   - command: What to record.
    ///   - now: The clock's time.
    ///   - calendar: For ages at the event's local date.
    /// - Returns: The events to append, or the first guard the command breaks.
    public static func decide(
        _ state: CaseState,
        _ command: CaseCommand,
        now: Timestamp,
        calendar: LocalCalendar = .chinaStandardTime
    ) -> Result<Decision, RuleViolation> {
        switch command {
        case .record(let event, let occurredAt):
            let time = occurredAt ?? now
            if let violation = violations(of: event, occurredAt: time, in: state, calendar: calendar).first {
                return .failure(violation)
            }
            return .success(Decision(events: [event], occurredAt: time))
        case .correct(let target, let changes, let reason):
            guard let typeName = state.storedTypes[target], !isMeta(typeName) else {
                return .failure(RuleViolation(.targetNotFound, "There is no event \(target.uuidString.lowercased()) in case \(state.caseId) to correct."))
            }
            if let forbidden = changes.keys.first(where: { ["occurredAt", "type", "stream"].contains($0) }) {
                return .failure(RuleViolation(.envelopeFieldNotCorrectable, "\(forbidden) cannot be corrected: void the event and record it again."))
            }
            let correction = DomainEvent.eventCorrected(EventCorrected(target: target, changes: .object(changes), reason: reason))
            if let violation = violations(of: correction, occurredAt: now, in: state, calendar: calendar).first {
                return .failure(violation)
            }
            return .success(Decision(events: [correction], occurredAt: now))
        case .void(let target, let reason):
            guard state.storedTypes[target] != nil else {
                return .failure(RuleViolation(.targetNotFound, "There is no event \(target.uuidString.lowercased()) in case \(state.caseId) to void."))
            }
            return .success(Decision(events: [.eventVoided(EventVoided(target: target, reason: reason))], occurredAt: now))
        }
    }

    static func isMeta(_ typeName: String) -> Bool {
        [EventCorrected.typeName, EventVoided.typeName, PersonsLinked.typeName, PersonsUnlinked.typeName, ConsentRecorded.typeName].contains(typeName)
    }

    /// Every guard an event breaks when recorded after the case's events so far (reading 18).
    /// - Parameters:
    ///   - event: The event.
    ///   - occurredAt: When it occurred (for the age at that local date).
    ///   - state: The case so far, folded in log order.
    ///   - calendar: For local dates.
    /// - Returns: The violations, in the contract's order; empty when the event may be recorded.
    public static func violations(
        of event: DomainEvent,
        occurredAt: Timestamp,
        in state: CaseState,
        calendar: LocalCalendar = .chinaStandardTime
    ) -> [RuleViolation] {
        var found: [RuleViolation] = []
        switch event {
        case .selfDeparted(let departure):
            if let age = age(in: state, at: occurredAt, calendar: calendar), age < 16 {
                found.append(RuleViolation(.selfDepartedUnder16, "The person is \(age) years old: a person under 16 may not leave on their own and must be escorted or collected."))
            }
            let flagged = state.flags.intersection([.mental, .intellectual])
            if !flagged.isEmpty {
                let names = flagged.map(\.rawValue).sorted().joined(separator: " and ")
                found.append(RuleViolation(.selfDepartedFlaggedMentalOrIntellectual, "The person is flagged \(names): they may not leave on their own and must be escorted or placed."))
            }
            if state.latestAdmission?.category == .minor {
                found.append(RuleViolation(.selfDepartedMinorCategory, "The person was admitted as a minor: a minor may not leave on their own."))
            }
            if departure.cashCny > 20 {
                found.append(RuleViolation(.selfDepartedCashOver20, "\(format(departure.cashCny)) CNY in cash is more than the 20 CNY a person leaving on their own may be given."))
            }
        case .admitted(let admission):
            if admission.category == .adult, !state.hasRequestWithAllFourConditions {
                found.append(RuleViolation(
                    .admittedWithoutFourConditions,
                    state.requestCount == 0
                        ? "An adult can be admitted only after an assistance request stating all four conditions; none is recorded."
                        : "An adult can be admitted only when an assistance request states all four conditions; no request of this case does."
                ))
            }
        case .eventCorrected(let correction):
            // A correction may not give its target a value its guard refuses.
            switch state.storedTypes[correction.target] {
            case SelfDeparted.typeName:
                if let cash = number(correction.changes["cashCny"]), cash > 20 {
                    found.append(RuleViolation(.selfDepartedCashOver20, "The correction would give \(format(cash)) CNY in cash, more than the 20 CNY a person leaving on their own may be given."))
                }
            case Admitted.typeName:
                if correction.changes["category"] == .string(AdmissionCategory.adult.rawValue), !state.hasRequestWithAllFourConditions {
                    found.append(RuleViolation(.admittedWithoutFourConditions, "The correction would make this an adult's admission, but no assistance request of this case states all four conditions."))
                }
            default:
                break
            }
        default:
            break
        }
        if state.isClosed, !isMeta(event.typeName), event.typeName != CaseReopened.typeName {
            found.insert(RuleViolation(.eventAfterCaseClosed, "Case \(state.caseId) is closed: only a reopening or a correction may be recorded until it is reopened."), at: 0)
        }
        return found.sorted { order($0.rule) < order($1.rule) }
    }

    /// A JSON number as a `Double`, if it is one.
    private static func number(_ value: JSONValue?) -> Double? {
        switch value {
        case .integer(let integer): return Double(integer)
        case .number(let number): return number
        default: return nil
        }
    }

    private static func order(_ rule: RuleViolation.Rule) -> Int {
        [.selfDepartedUnder16, .selfDepartedFlaggedMentalOrIntellectual, .selfDepartedMinorCategory, .selfDepartedCashOver20,
         .admittedWithoutFourConditions, .eventAfterCaseClosed].firstIndex(of: rule) ?? 99
    }

    /// The person's age at an instant: from the birth date (unless it is forgotten), else the age
    /// stated at the request, else the estimated age at contact; `nil` when unknown.
    public static func age(in state: CaseState, at time: Timestamp, calendar: LocalCalendar) -> Int? {
        if let birthDate = state.verification?.birthDate, !birthDate.isForgotten {
            return years(from: birthDate, to: calendar.date(time))
        }
        return state.requestedAge ?? state.estimatedAge
    }

    /// Whole years from a birth date to a date.
    public static func years(from birthDate: LocalDate, to date: LocalDate) -> Int {
        let (birthYear, birthMonth, birthDay) = birthDate.components
        let (year, month, day) = date.components
        var years = year - birthYear
        if (month, day) < (birthMonth, birthDay) { years -= 1 }
        return years
    }

    private static func format(_ amount: Double) -> String {
        amount == amount.rounded() ? String(Int(amount)) : String(amount)
    }
}
