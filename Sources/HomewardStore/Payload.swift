/// An event's data, as bytes in a named encoding.
///
/// The store never looks inside a payload: it keeps the bytes, covers them by the hash chain and
/// hands them back. The domain layer decides what the bytes mean, through ``codec``.
public struct Payload: Hashable, Sendable {
    /// Which encoding the bytes use.
    public var codec: PayloadCodec
    /// The encoded data.
    public var bytes: [UInt8]

    /// Creates a payload.
    /// - Parameters:
    ///   - codec: Which encoding the bytes use.
    ///   - bytes: The encoded data.
    public init(codec: PayloadCodec, bytes: [UInt8]) {
        self.codec = codec
        self.bytes = bytes
    }

    /// Creates a JSON payload from UTF-8 text.
    /// - Parameter json: JSON text.
    public init(json: String) {
        self.init(codec: .json, bytes: Array(json.utf8))
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

    public var description: String {
        switch self {
        case .opaque: return "opaque"
        case .json: return "json"
        case .binary: return "binary"
        default: return "codec \(rawValue)"
        }
    }
}
