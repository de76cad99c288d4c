extension PageAudit {
    /// How much a ``PageAudit`` checks and what it keeps.
    public struct Options: Sendable {
        /// How much of the file is read.
        public struct Scope: Hashable, Sendable {
            private let name: String
            private init(_ name: String) { self.name = name }

            /// Every page of both snapshots: O(file size).
            public static let everyPage = Scope("everyPage")
            /// Both meta pages, then the current snapshot's free-list root page, its main
            /// database (usually one page) and the root page of every named database: a few reads,
            /// independent of the amount of data. Finds a damaged meta page or root before LMDB
            /// opens the file; deeper damage needs ``everyPage``.
            public static let metaPagesAndRoots = Scope("metaPagesAndRoots")
        }

        /// How much is read. Default: ``Scope/everyPage``.
        public var scope: Scope = .everyPage
        /// Whether to build ``PageAudit/classification``. It costs memory in proportion to the
        /// number of nodes; only with ``Scope/everyPage``. Default: `false`.
        public var classifiesBytes = false
        /// How many problems ``PageAudit/problems`` keeps (all are counted). Default: 100.
        public var maximumProblems = 100
        /// How many times to audit when the meta pages change during an audit (a writer
        /// committed). Default: 3.
        public var attempts = 3

        /// Creates options with the defaults.
        public init() {}
    }
}
