/// Pages of the whole log, the next ones read on other threads while the caller goes through
/// the current one. Positions have no gaps, so a full page tells where the next ones start; a
/// page cut short by its byte limit drops what was read ahead.
struct PageReadAhead {
    let store: EventStore
    /// The last position to read.
    let through: UInt64
    let pageSize: Int
    /// Pages read ahead of the caller.
    static let depth = 2
    private var ahead: [(from: UInt64, page: BackgroundWork<[RecordedEvent]>)] = []

    init(store: EventStore, through: UInt64, pageSize: Int) {
        self.store = store
        self.through = through
        self.pageSize = max(1, pageSize)
    }

    /// The page that starts at `from` (read ahead, or read now); starts reading the next ones.
    mutating func page(from: UInt64) throws -> [RecordedEvent] {
        let page: [RecordedEvent]
        if let first = ahead.first, first.from == from {
            ahead.removeFirst()
            page = try first.page.value()
        } else {
            ahead.removeAll()
            page = try Self.read(store, from: from, through: through, limit: pageSize)
        }
        guard let last = page.last else { return page }
        if page.count < pageSize { ahead.removeAll() }
        let (store, through, limit) = (store, through, pageSize)
        var start = ahead.last.map { $0.from + UInt64(limit) } ?? last.position + 1
        while ahead.count < Self.depth, start <= through {
            let first = start
            ahead.append((first, BackgroundWork { try Self.read(store, from: first, through: through, limit: limit) }))
            start += UInt64(limit)
        }
        return page
    }

    /// Waits for the pages still being read ahead.
    func finish() {
        for page in ahead { page.page.wait() }
    }

    private static func read(_ store: EventStore, from: UInt64, through: UInt64, limit: Int) throws -> [RecordedEvent] {
        try store.read("reading from position \(from)") {
            try store.storage.events(from: from, through: through, limit: limit, in: $0)
        }
    }
}
