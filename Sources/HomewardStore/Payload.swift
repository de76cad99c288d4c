/// An event's data, as bytes in a named encoding.
///
/// The store never looks inside a payload: it keeps the bytes, covers them by the hash chain and
/// hands them back. The domain layer decides what the bytes mean, through ``codec``.
///
/// Payloads read from the log share one buffer per page of events, so a replay does not allocate
/// per event; read them without copying through ``withUnsafeBytes(_:)``. ``bytes`` gives an
/// owned array.
public struct Payload: Hashable, Sendable {
    /// Which encoding the bytes use.
    public var codec: PayloadCodec
    private var storage: Storage

    private enum Storage: Sendable {
        case owned([UInt8])
        case shared(SharedBytes, Range<Int>)
    }

    /// Creates a payload.
    /// - Parameters:
    ///   - codec: Which encoding the bytes use.
    ///   - bytes: The encoded data.
    public init(codec: PayloadCodec, bytes: [UInt8]) {
        self.codec = codec
        self.storage = .owned(bytes)
    }

    /// Creates a JSON payload from UTF-8 text.
    /// - Parameter json: JSON text.
    public init(json: String) {
        self.init(codec: .json, bytes: Array(json.utf8))
    }

    init(codec: PayloadCodec, shared buffer: SharedBytes, range: Range<Int>) {
        self.codec = codec
        self.storage = .shared(buffer, range)
    }

    /// The encoded data, as an owned array.
    public var bytes: [UInt8] {
        get {
            switch storage {
            case .owned(let bytes): return bytes
            case .shared: return withUnsafeBytes { Array($0) }
            }
        }
        set { storage = .owned(newValue) }
    }

    /// The number of bytes.
    public var count: Int {
        switch storage {
        case .owned(let bytes): return bytes.count
        case .shared(_, let range): return range.count
        }
    }

    /// Lends the encoded data to `body` without copying it.
    /// - Parameter body: Reads the bytes; they are valid only inside `body`.
    /// - Returns: What `body` returns.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch storage {
        case .owned(let bytes):
            return try bytes.withUnsafeBytes(body)
        case .shared(let buffer, let range):
            return try body(UnsafeRawBufferPointer(rebasing: buffer.bytes[range]))
        }
    }

    public static func == (lhs: Payload, rhs: Payload) -> Bool {
        lhs.codec == rhs.codec && lhs.withUnsafeBytes { left in rhs.withUnsafeBytes { right in left.elementsEqual(right) } }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(codec)
        withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}

/// The identifier of a payload encoding, stored with every event.
///
/// Codes 0 to 255 are reserved for Homeward; embedding services may use the rest.
public struct PayloadCodec: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The stored code.
    public let rawValue: UInt16
    /// Creates a codec id from its stored code.
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// Raw bytes with no structure the store knows of.
    public static let opaque = PayloadCodec(rawValue: 0)
    /// UTF-8 JSON text.
    public static let json = PayloadCodec(rawValue: 1)
    /// Homeward's compact binary field encoding.
    public static let binary = PayloadCodec(rawValue: 2)
    /// The binary encoding with the personal fields sealed (AES-GCM) under a key of a ``KeyStore``.
    public static let sealedBinary = PayloadCodec(rawValue: 3)

    public var description: String {
        switch self {
        case .opaque: return "opaque"
        case .json: return "json"
        case .binary: return "binary"
        case .sealedBinary: return "sealed binary"
        default: return "codec \(rawValue)"
        }
    }
}
