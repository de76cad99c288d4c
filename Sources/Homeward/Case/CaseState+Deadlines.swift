public import HomewardStore

extension CaseState {
    /// 24 hours, 240 hours (more than 10 days) and 720 hours (30 days), in seconds (reading 12).
    static let hours24: Int64 = 24 * 3600
    static let hours240: Int64 = 240 * 3600
    static let hours720: Int64 = 720 * 3600

    /// The deadline of `dnaRequest7WorkingDays`: the local midnight ending the 7th Monday-to-Friday
    /// local date after the admission date (public holidays are not known yet).
    /// - Parameters:
    ///   - admittedAt: The admission.
    ///   - calendar: The local calendar.
    /// - Returns: The deadline.
    public static func sevenWorkingDaysDeadline(after admittedAt: Timestamp, calendar: LocalCalendar) -> Timestamp {
        var date = calendar.date(admittedAt)
        var counted = 0
        while counted < 7 {
            date = date.adding(days: 1)
            if date.weekday <= 5 { counted += 1 }
        }
        return calendar.start(of: date.adding(days: 1))
    }

    /// The rules overdue at `time` (reading 12), in the table's order.
    ///
    /// Call it on the state folded from the events that occurred at or before `time`: a rule is
    /// overdue only if `time` is past its deadline and the required event has not occurred
    /// (between its trigger and `time`), while the conditions of the rule hold.
    /// - Parameters:
    ///   - time: The query time.
    ///   - calendar: For working days and extension due dates.
    /// - Returns: The overdue rule ids.
    public func overdue(at time: Timestamp, calendar: LocalCalendar = .chinaStandardTime) -> [DeadlineRule] {
        if isClosed { return [] }
        var rules: [DeadlineRule] = []
        func occurred(_ times: [Timestamp], from start: Timestamp) -> Bool {
            times.contains { $0 >= start && $0 <= time }
        }
        if let admission = latestAdmission, admission.endedAt == nil || admission.endedAt! > time {
            let start = admission.admittedAt
            let lifted = identityVerifiedAt.map { $0 <= time } ?? false
            if !lifted, time > start.adding(seconds: CaseState.hours24), !occurred(tracingNotices, from: start) {
                rules.append(.tracingNotice24h)
            }
            if !lifted, time > CaseState.sevenWorkingDaysDeadline(after: start, calendar: calendar), !occurred(dnaRequests, from: start) {
                rules.append(.dnaRequest7WorkingDays)
            }
            if admission.category == .adult, time > start.adding(seconds: CaseState.hours240) {
                let today = calendar.date(time)
                let covered = extensions.contains { $0.filedAt <= time && today <= $0.newDueDate }
                if !covered { rules.append(.stay10Days) }
            }
            if admission.category == .minor, time > start.adding(seconds: CaseState.hours24), !occurred(guardianship, from: start) {
                rules.append(.minorGuardianship24h)
            }
        }
        if let latestReturn = returns.last(where: { $0.isReturnedHome && $0.returnedAt <= time }) {
            let start = latestReturn.returnedAt
            if time > start.adding(seconds: CaseState.hours720), !occurred(followUps.map(\.visitedAt), from: start) {
                rules.append(.followUp30Days)
            }
        }
        return rules
    }

    /// The instants after which a rule of this state may become overdue: each deadline, and the
    /// local midnight after each extension's due date.
    func deadlineInstants(calendar: LocalCalendar) -> [Timestamp] {
        var instants: [Timestamp] = []
        for admission in admissions {
            let start = admission.admittedAt
            instants.append(start.adding(seconds: CaseState.hours24))
            instants.append(CaseState.sevenWorkingDaysDeadline(after: start, calendar: calendar))
            instants.append(start.adding(seconds: CaseState.hours240))
        }
        for extensionFiled in extensions {
            instants.append(calendar.start(of: extensionFiled.newDueDate.adding(days: 1)))
        }
        for returned in returns where returned.isReturnedHome {
            instants.append(returned.returnedAt.adding(seconds: CaseState.hours720))
        }
        return instants
    }
}
