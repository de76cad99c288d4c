/// A 32-byte SHA-256 chain hash, kept inline (no heap allocation per event).
///
/// `hash(n) = SHA-256(hash(n-1) || canonical bytes of record n)`, with 32 zero bytes before the
/// first record.
public struct ChainHash: Hashable, Sendable, CustomStringConvertible, Codable {
    var words: (UInt64, UInt64, UInt64, UInt64)

    /// The hash before the first record: 32 zero bytes.
    public static let zero = ChainHash(words: (0, 0, 0, 0))

    init(words: (UInt64, UInt64, UInt64, UInt64)) {
        self.words = words
    }

    /// Creates a hash from exactly 32 bytes.
    /// - Parameter bytes: The hash's bytes.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &words) { target in
            for (index, byte) in bytes.enumerated() { target[index] = byte }
        }
        self.words = words
    }

    /// Reads a hash from 32 bytes of a buffer.
    init(_ buffer: UnsafeRawBufferPointer) {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer.prefix(32))) }
        self.words = words
    }

    /// Parses 64 hexadecimal digits.
    /// - Parameter hex: The hash in hexadecimal.
    public init?(hex: String) {
        var text = hex
        // Straight from the string's UTF-8 into the words: no array of digits, none of bytes
        // (an import reads one hash per exported line).
        guard let parsed = text.withUTF8({ ChainHash.parse(hexDigits: $0) }) else { return nil }
        self = parsed
    }

    /// ``init(hex:)`` for text given as UTF-8 bytes.
    package static func parse(hexDigits digits: UnsafeBufferPointer<UInt8>) -> ChainHash? {
        guard digits.count == 64 else { return nil }
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        // Through the digit table, without a branch per digit (an import reads one hash per
        // exported line).
        let valid = HexDigits.values.withUnsafeBufferPointer { table in
            withUnsafeMutableBytes(of: &words) { target -> Bool in
                var invalid: UInt8 = 0
                for index in 0..<32 {
                    let high = table[Int(digits[2 * index])]
                    let low = table[Int(digits[2 * index + 1])]
                    invalid |= high | low
                    target[index] = high << 4 | low & 0x0F
                }
                return invalid & 0xF0 == 0
            }
        }
        return valid ? ChainHash(words: words) : nil
    }

    /// The hash's 32 bytes.
    public var bytes: [UInt8] { Swift.withUnsafeBytes(of: words) { Array($0) } }

    /// The hash as 64 lower-case hexadecimal digits.
    public var hex: String { bytes.hexString }

    public var description: String { hex }

    /// Lends the 32 bytes to `body`.
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeBytes(of: words, body)
    }

    public static func == (lhs: ChainHash, rhs: ChainHash) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2 && lhs.words.3 == rhs.words.3
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }

    /// Decodes 64 hexadecimal digits.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let hash = ChainHash(hex: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not 64 hexadecimal digits")
        }
        self = hash
    }

    /// Encodes 64 hexadecimal digits.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}
