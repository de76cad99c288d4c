public import Logging

extension EventStore {
    /// How hard an append works to survive a crash of the machine.
    public enum Durability: Sendable, Hashable {
        /// Every commit reaches the disk before the append returns: an acknowledged event survives
        /// a killed process and a power cut. The default.
        case full
        /// The data reaches the disk at every commit but the commit record may not: after a power
        /// cut or an operating-system crash the last appends may be missing. The store is never
        /// corrupted, and a killed process loses nothing.
        case relaxed
    }

    /// How a store is opened.
    public struct Options: Sendable {
        /// How hard appends work to reach the disk. Default: ``Durability/full``.
        public var durability: Durability = .full
        /// The memory map to start with, in bytes; it grows by itself. Default: 1 GiB.
        public var initialMapSize: Int = 1 << 30
        /// Opens the store for reading only; appends fail with ``EventStoreError/Code/readOnly``.
        public var readOnly: Bool = false
        /// Creates the store when the path does not hold one yet. Default: `true`.
        public var createIfMissing: Bool = true
        /// The largest payload accepted, in bytes. Default: 1 MiB.
        public var maxPayloadBytes: Int = 1 << 20
        /// How many read transactions may be open at once across all processes. Default: 256.
        public var maxReaders: Int = 256
        /// The most events the writer commits in one transaction when it groups concurrent
        /// `async` appends. Default: 8,192.
        public var groupCommitLimit: Int = 8192
        /// How often a live subscription looks for appends made by other processes. Default: 100 ms.
        public var pollInterval: Duration = .milliseconds(100)
        /// Where recorded times come from. Default: the system clock.
        public var clock: @Sendable () -> Timestamp = { .now }
        /// Where the store reports opens, map growth, rebuilds and failures. By default nothing is
        /// logged: hand in the embedding service's logger to see the store at `debug` and `info`.
        public var logger: Logger = Logger(label: "homeward.store", factory: { _ in SwiftLogNoOpLogHandler() })

        /// The key store that seals personal fields for crypto-shredding, kept apart from the log;
        /// `nil` (the default) stores every field as given. The store only carries it for the
        /// layers above, which seal and open payloads: it never looks inside a payload itself.
        public var keys: KeyStore?

        /// Creates options with the defaults.
        public init() {}
    }
}
