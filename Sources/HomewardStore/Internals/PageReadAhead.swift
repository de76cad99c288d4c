/// Pages of the whole log, the next ones read on other threads while the caller goes through
/// the current one. Positions have no gaps, so a full page tells where the next ones start; a
/// page cut short by its byte limit drops what was read ahead.
///
/// Each page can carry a value worked out from its events on the same thread that read it (such
/// as every payload decoded), so that work runs on the other cores too.
struct PageReadAhead<Extra: Sendable> {
    /// A page's events and what was worked out from them.
    typealias Page = (events: [RecordedEvent], extra: Extra)

    let store: EventStore
    /// The last position to read.
    let through: UInt64
    let pageSize: Int
    /// Works out a page's extra value, on the thread that read it.
    let prepare: @Sendable ([RecordedEvent]) -> Extra
    /// Pages read ahead of the caller.
    static var depth: Int { 2 }
    private var ahead: [(from: UInt64, page: BackgroundWork<Page>)] = []

    init(store: EventStore, through: UInt64, pageSize: Int, prepare: @escaping @Sendable ([RecordedEvent]) -> Extra) {
        self.store = store
        self.through = through
        self.pageSize = max(1, pageSize)
        self.prepare = prepare
    }

    /// The page that starts at `from` (read ahead, or read now); starts reading the next ones.
    mutating func page(from: UInt64) throws -> Page {
        let page: Page
        if let first = ahead.first, first.from == from {
            ahead.removeFirst()
            page = try first.page.value()
        } else {
            ahead.removeAll()
            page = try Self.read(store, from: from, through: through, limit: pageSize, prepare: prepare)
        }
        guard let last = page.events.last else { return page }
        if page.events.count < pageSize { ahead.removeAll() }
        let (store, through, limit, prepare) = (store, through, pageSize, prepare)
        var start = ahead.last.map { $0.from + UInt64(limit) } ?? last.position + 1
        while ahead.count < Self.depth, start <= through {
            let first = start
            ahead.append((first, BackgroundWork { try Self.read(store, from: first, through: through, limit: limit, prepare: prepare) }))
            start += UInt64(limit)
        }
        return page
    }

    /// Waits for the pages still being read ahead.
    func finish() {
        for page in ahead { page.page.wait() }
    }

    private static func read(
        _ store: EventStore, from: UInt64, through: UInt64, limit: Int, prepare: @Sendable ([RecordedEvent]) -> Extra
    ) throws -> Page {
        let events = try store.read("reading from position \(from)") {
            try store.storage.events(from: from, through: through, limit: limit, in: $0)
        }
        return (events, prepare(events))
    }
}

extension PageReadAhead where Extra == Void {
    /// Pages with nothing worked out beside them.
    init(store: EventStore, through: UInt64, pageSize: Int) {
        self.init(store: store, through: through, pageSize: pageSize, prepare: { _ in })
    }
}
