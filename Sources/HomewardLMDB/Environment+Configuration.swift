public import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension Environment {
    /// How an environment is opened.
    public struct Configuration: Sendable {
        /// The map size to start with, in bytes. It grows by itself when it fills up, so this only
        /// needs to be a reasonable first guess. Default: 1 GiB.
        public var mapSize: Int = 1 << 30
        /// How many named databases the environment can hold. Default: 64.
        public var maxDatabases: Int = 64
        /// How many read transactions may be open at once across all processes. Default: 256.
        public var maxReaders: Int = 256
        /// How hard commits work to reach the disk. Default: ``Durability/full``.
        public var durability: Durability = .full
        /// Opens the environment for reading only: no write transaction can begin.
        public var readOnly: Bool = false
        /// The permission bits of files the environment creates. Default: owner read and write only.
        public var fileMode: UInt32 = 0o600
        /// The share of the map that may be used before it is grown ahead of need. Default: 0.8.
        public var growthThreshold: Double = 0.8
        /// Where the environment reports opens, map growth and cleared readers; silent by default.
        public var logger: Logger = Logger(label: "homeward.lmdb", factory: { _ in SwiftLogNoOpLogHandler() })

        /// Creates a configuration with the defaults.
        public init() {}
    }
}
