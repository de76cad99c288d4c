public import Crypto

extension KeyStore {
    /// Keys by name, as ``KeyStore/keys(creating:)`` returns them: found by their names' UTF-8
    /// bytes, as the key store keeps them.
    ///
    /// Two names that Swift holds equal but that are written differently (`person:José` with a
    /// composed `é`, or with `e` and a combining accent) are two keys here, as in the store: a
    /// table keyed by `String` would hand one person's key for the other's fields.
    public struct Keys: Sendable {
        // Held as bytes: SymmetricKey is not Sendable.
        private let bytes: [BytewiseString: [UInt8]]

        init(bytes: [BytewiseString: [UInt8]]) { self.bytes = bytes }

        /// The key with this name (by its UTF-8 bytes), or `nil` when it was not asked for.
        public subscript(name: String) -> SymmetricKey? {
            bytes[BytewiseString(name)].map { SymmetricKey(data: $0) }
        }

        /// How many keys there are.
        public var count: Int { bytes.count }

        /// The keys' names, in the byte order of their UTF-8.
        public var names: [String] { bytes.keys.sorted().map(\.string) }
    }
}
