/// A counter of the statistics (`reports`, `reportsByChannel.hotline`, `bedNights`, …): a number
/// in ``names`` for a counter the contract names, else its name.
///
/// A case's contribution stores each count's counter as this number (a byte), not as a name of
/// a dozen or two bytes, and the bucket changes of a batch look a counter up by it, not by
/// hashing its name. A counter outside the table (an on-site aid item the contract does not
/// list) keeps its name and works the same, only larger.
///
/// The numbers are part of the statistics projection's stored format: a counter is only ever
/// appended to ``names``, and any change to the table changes the projection's version, so that
/// it is rebuilt.
struct Counter: Hashable, Sendable {
    /// The counter's number in ``names``, or 0 for a counter named by `other`.
    let number: Int
    /// The name of a counter outside the table; `nil` for a numbered one.
    let other: String?

    /// The counters by number; number 0 stands for "named".
    static let names: [String] = [
        "",
        "reports", "contacts", "onSiteAid", "aidDeclined", "pickups", "admissions", "minorsAdmitted",
        "returnedHome", "collectedByRelatives", "bedNights",
        "reportsByChannel.police110", "reportsByChannel.cityPlatform", "reportsByChannel.hotline",
        "reportsByChannel.patrol", "reportsByChannel.walkIn", "reportsByChannel.public", "reportsByChannel.transfer",
        "tracingSuccessByChannel.xunqinWebsite", "tracingSuccessByChannel.dna", "tracingSuccessByChannel.notice",
        "tracingSuccessByChannel.interview", "tracingSuccessByChannel.police", "tracingSuccessByChannel.media",
        "tracingSuccessByChannel.other",
        "itemsDistributed.blanket", "itemsDistributed.coat", "itemsDistributed.food", "itemsDistributed.water",
        "itemsDistributed.medicine",
        "strandedAtStart.over10Days", "strandedAtStart.over30Days", "strandedAtStart.over90Days",
    ]

    /// Each numbered counter's number, by name.
    private static let numbers: [String: Int] = Dictionary(uniqueKeysWithValues: names.indices.dropFirst().map { (names[$0], $0) })

    /// The number of each on-site aid item's counter, by the item's name.
    private static let itemNumbers: [String: Int] = Dictionary(
        uniqueKeysWithValues: names.indices.filter { names[$0].hasPrefix(itemPrefix) }.map { (String(names[$0].dropFirst(itemPrefix.count)), $0) }
    )

    private static let itemPrefix = "itemsDistributed."

    /// The counter with a name: numbered when the table has it.
    init(name: String) {
        if let number = Self.numbers[name] {
            self.number = number
            other = nil
        } else {
            number = 0
            other = name
        }
    }

    /// The counter of the stored number `number`, or `nil` when the table has no such number.
    init?(stored number: Int) {
        guard number > 0, number < Self.names.count else { return nil }
        self.number = number
        other = nil
    }

    /// The counter's name.
    var name: String { other ?? Self.names[number] }

    /// How the statistics' daily buckets name the counter, after the day: its number as one
    /// byte, or a zero byte and its name. Names of a dozen or two bytes made a month's bucket
    /// of a region four times larger, and every batch that changed a bucket rewrote it whole.
    var code: [UInt8] { number > 0 ? [UInt8(number)] : [0] + Array(name.utf8) }

    /// The counter a daily bucket names by ``code``.
    /// - Throws: ``PayloadDecodingError`` for an empty code or a number the table does not have.
    init(code: Slice<UnsafeRawBufferPointer>) throws(PayloadDecodingError) {
        guard let first = code.first else { throw PayloadDecodingError("a daily counter without its counter") }
        if first == 0 {
            self.init(name: String(decoding: code.dropFirst(), as: UTF8.self))
        } else {
            guard let counter = Counter(stored: Int(first)) else { throw PayloadDecodingError("a daily counter of number \(first), which the table of counters does not have") }
            self = counter
        }
    }

    /// The counter of an on-site aid item (`itemsDistributed.<item>`).
    static func item(_ item: String) -> Counter {
        itemNumbers[item].flatMap(Counter.init(stored:)) ?? Counter(name: itemPrefix + item)
    }

    static let reports = Counter(name: "reports")
    static let contacts = Counter(name: "contacts")
    static let onSiteAid = Counter(name: "onSiteAid")
    static let aidDeclined = Counter(name: "aidDeclined")
    static let pickups = Counter(name: "pickups")
    static let admissions = Counter(name: "admissions")
    static let minorsAdmitted = Counter(name: "minorsAdmitted")
    static let returnedHome = Counter(name: "returnedHome")
    static let collectedByRelatives = Counter(name: "collectedByRelatives")
    static let bedNights = Counter(name: "bedNights")

    /// `reportsByChannel.<channel>`, by the channel's ordinal.
    static let reportsByChannel: [Counter] = Channel.allCases.sorted { $0.ordinal < $1.ordinal }.map { Counter(name: "reportsByChannel.\($0.rawValue)") }

    /// `tracingSuccessByChannel.<channel>`, by the channel's ordinal.
    static let tracingSuccessByChannel: [Counter] = TracingChannel.allCases.sorted { $0.ordinal < $1.ordinal }.map {
        Counter(name: "tracingSuccessByChannel.\($0.rawValue)")
    }
}
