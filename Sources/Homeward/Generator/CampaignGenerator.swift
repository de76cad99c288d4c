import Foundation
import HomewardStore

/// Generates a realistic winter relief campaign in one province, deterministically: the same
/// configuration gives the same records, byte for byte.
///
/// Cases take every path through the catalogue: declines with on-site aid, emergency referrals,
/// refused admissions, adults traced and escorted home, relatives collecting, minors under
/// guardianship, elderly people with hospital stays, people with mental illness placed in care,
/// self-departures, abscondings, long stays with and without extensions, follow-ups with
/// household data and benefit decisions, closures and reopenings. Some events are back-dated
/// (recorded hours after they occurred), some corrected or voided later, some deadlines missed,
/// and some people are admitted again in another city under another id and linked later. No
/// event breaks a guard.
public struct CampaignGenerator: Sendable {
    /// What to generate.
    public struct Configuration: Sendable, Hashable {
        /// The seed.
        public var seed: UInt64 = 2026
        /// How many cases.
        public var cases: Int = 300
        /// The first day of the campaign (local date).
        public var start: LocalDate = LocalDate(year: 2026, month: 12, day: 1)!
        /// How many days it lasts; no event occurs after its end.
        public var days: Int = 90
        /// Local dates.
        public var calendar: LocalCalendar = .chinaStandardTime

        /// The defaults: seed 2026, 300 cases from 2026-12-01 for 90 days.
        public init() {}

        /// Creates a configuration.
        public init(seed: UInt64, cases: Int, start: LocalDate, days: Int) {
            self.seed = seed
            self.cases = cases
            self.start = start
            self.days = days
        }
    }

    /// The configuration.
    public let configuration: Configuration

    /// Creates a generator.
    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// The campaign's records in log order (recorded times never decrease), each with its event
    /// id, stream version and recorded time filled in.
    public func records() -> [InterchangeRecord] {
        var records: [InterchangeRecord] = []
        forEachRecord { record, count in
            if records.isEmpty { records.reserveCapacity(count) }
            records.append(record)
        }
        return records
    }

    /// The campaign as JSON Lines, one record per line, each line ending with a newline.
    public func jsonLines() -> String {
        var text = ""
        forEachRecord { record, _ in
            text += record.line
            text += "\n"
        }
        return text
    }

    /// Hands the campaign's records to `body` in log order, each made as it is handed over, so a
    /// large campaign is held neither as records nor as text (only as the events generated).
    /// - Parameter body: Receives each record (as ``records()`` gives them) and how many there
    ///   are in all.
    public func forEachRecord(_ body: (_ record: InterchangeRecord, _ count: Int) throws -> Void) rethrows {
        var random = SeededRandom(seed: configuration.seed)
        var world = CampaignWorld(configuration: configuration)
        var entries: [ScriptEntry] = []
        for index in 0..<configuration.cases {
            var script = CaseScript(index: index, world: world, random: &random)
            script.run(&random, &world)
            entries += script.entries
            world = script.world
        }
        entries += world.personEntries
        // Sorted last first and taken from the end, so each event is freed once handed over.
        // (recorded time, order) is unique: the order is the same as an ascending sort's.
        entries.sort { ($0.recordedAt, $0.order) > ($1.recordedAt, $1.order) }
        let count = entries.count
        var versions: [String: UInt64] = [:]
        while let entry = entries.popLast() {
            let version = (versions[entry.stream, default: 0]) + 1
            versions[entry.stream] = version
            try body(
                InterchangeRecord(
                    stream: StreamID(stringLiteral: entry.stream),
                    type: entry.event.typeName,
                    occurredAt: entry.occurredAt,
                    data: entry.event.json,
                    actor: entry.actor,
                    eventId: entry.eventId,
                    version: version,
                    recordedAt: entry.recordedAt,
                    correlationId: entry.correlationId,
                    causationId: entry.causationId,
                    schemaVersion: entry.event.schemaVersion
                ),
                count
            )
        }
    }
}

/// One generated event before it is put in log order.
struct ScriptEntry {
    var stream: String
    var event: DomainEvent
    var occurredAt: Timestamp
    var recordedAt: Timestamp
    var actor: EventActor
    var eventId: UUID
    var correlationId: String?
    var causationId: String?
    /// Breaks ties of equal recorded times deterministically.
    var order: Int
}

/// People and ids shared between cases: repeat claimants, person links, counters.
struct CampaignWorld {
    struct Human {
        var personIds: [String]
        var name: String
        var birthDate: LocalDate
        var hukouRegion: String
        var sex: Sex
        var lastCity: Int
    }

    let configuration: CampaignGenerator.Configuration
    private(set) var humans: [Human] = []
    /// Whether each human is an adult (18 to 59) in the campaign's first year.
    private(set) var isAdult: [Bool] = []
    /// The indices of the adult humans, in order: kept as humans are added, so that picking an
    /// earlier adult does not scan every human (a large campaign would take hours).
    private(set) var adultIndices: [Int] = []
    /// Humans before this index can never be claimed under another id again (already claimed
    /// once, or not adults).
    private var firstPossibleClaimant = 0
    var nextPerson = 1
    var nextOrder = 0
    var personEntries: [ScriptEntry] = []

    init(configuration: CampaignGenerator.Configuration) {
        self.configuration = configuration
    }

    var end: Timestamp { configuration.calendar.start(of: configuration.start.adding(days: configuration.days)) }

    /// Adds a human.
    mutating func add(_ human: Human) {
        let adult = (18...59).contains(configuration.start.components.year - human.birthDate.components.year)
        if adult { adultIndices.append(humans.count) }
        isAdult.append(adult)
        humans.append(human)
    }

    /// Records that an earlier human was admitted again under another id, in another city.
    mutating func claim(_ index: Int, newId: String, city: Int) {
        humans[index].personIds.append(newId)
        humans[index].lastCity = city
    }

    /// The first adult known by one id only whose last city is not `city`: the same answer as
    /// scanning every human from the first, without rescanning those that can never qualify.
    mutating func firstClaimant(notIn city: Int) -> Int? {
        while firstPossibleClaimant < humans.count,
            humans[firstPossibleClaimant].personIds.count != 1 || !isAdult[firstPossibleClaimant]
        {
            firstPossibleClaimant += 1
        }
        return (firstPossibleClaimant..<humans.count).first { humans[$0].lastCity != city && humans[$0].personIds.count == 1 && isAdult[$0] }
    }

    mutating func newPersonId() -> String {
        defer { nextPerson += 1 }
        return "P" + ProvinceGeography.pad(100_000 + nextPerson, 6)
    }

    mutating func order() -> Int {
        defer { nextOrder += 1 }
        return nextOrder
    }
}
