/// Where a case stands (contract section 4, reading 9).
public enum CaseStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case reported, dispatched, contacted, declined, aidedOnSite, medicalReferral, pickedUp, requested, refused
    case admitted, inHospital, departed, escorting, returnedHome, placed, closed
}

/// How far a case's identity is established (reading 11).
public enum IdentityStatus: String, Sendable, Hashable, CaseIterable, Codable {
    /// Nothing done yet to identify the person.
    case unknown
    /// Some query, notice, DNA step, family contact or tracing success is recorded.
    case tracing
    /// An `IdentityVerified` is recorded.
    case verified
}

/// A deadline of contract section 4, by its rule id; `allCases` is in the table's order.
public enum DeadlineRule: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    /// Unverified identity: `TracingNoticePublished` within 24 hours of `Admitted`.
    case tracingNotice24h
    /// Unverified identity: `DnaSampleRequested` within 7 working days of `Admitted`.
    case dnaRequest7WorkingDays
    /// An `adult` admitted more than 10 days ago, not departed, without a covering extension.
    case stay10Days
    /// A `minor`: guardianship or transfer to a minors' centre within 24 hours of `Admitted`.
    case minorGuardianship24h
    /// `ReturnedHome` without `FollowUpVisited` within 30 days.
    case followUp30Days

    private var order: Int { DeadlineRule.allCases.firstIndex(of: self)! }

    public static func < (lhs: DeadlineRule, rhs: DeadlineRule) -> Bool { lhs.order < rhs.order }
}
