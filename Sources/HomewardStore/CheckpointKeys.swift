import Crypto
import Foundation

/// An Ed25519 key that signs checkpoints, kept in a PEM file (PKCS #8, as OpenSSL writes it).
public struct CheckpointSigningKey: Sendable {
    /// The 32 raw key bytes (kept as bytes: Crypto's key types are not `Sendable`).
    let raw: [UInt8]
    var key: Curve25519.Signing.PrivateKey { try! Curve25519.Signing.PrivateKey(rawRepresentation: raw) }

    /// A new random key.
    public init() {
        raw = [UInt8](Curve25519.Signing.PrivateKey().rawRepresentation)
    }

    /// Reads a key from its PEM text (`-----BEGIN PRIVATE KEY-----`).
    /// - Throws: ``CheckpointKeyError`` naming what is wrong with the text.
    public init(pem: String) throws(CheckpointKeyError) {
        raw = try PEM.ed25519Key(pem, label: "PRIVATE KEY", prefix: PEM.privatePrefix, form: "PKCS #8")
    }

    /// The key as PEM text; keep it where only the signer can read it.
    public var pem: String { PEM.encode(PEM.privatePrefix + raw, label: "PRIVATE KEY") }

    /// The public key that checks its signatures.
    public var publicKey: CheckpointPublicKey { CheckpointPublicKey(raw: [UInt8](key.publicKey.rawRepresentation)) }

    func signature(for message: [UInt8]) throws -> [UInt8] {
        [UInt8](try key.signature(for: message))
    }
}

/// The Ed25519 public key that checks checkpoint signatures, in a PEM file (SubjectPublicKeyInfo).
public struct CheckpointPublicKey: Sendable, Hashable {
    /// The 32 raw key bytes.
    let raw: [UInt8]

    init(raw: [UInt8]) { self.raw = raw }

    /// Reads a key from its PEM text (`-----BEGIN PUBLIC KEY-----`).
    /// - Throws: ``CheckpointKeyError`` naming what is wrong with the text.
    public init(pem: String) throws(CheckpointKeyError) {
        raw = try PEM.ed25519Key(pem, label: "PUBLIC KEY", prefix: PEM.publicPrefix, form: "SubjectPublicKeyInfo")
    }

    /// The key as PEM text.
    public var pem: String { PEM.encode(PEM.publicPrefix + raw, label: "PUBLIC KEY") }

    /// The raw 32 bytes in hexadecimal, as a checkpoint names its signer.
    public var hex: String { raw.hexString }

    func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else { return false }
        return key.isValidSignature(signature, for: message)
    }
}

/// A key file that cannot be read.
public struct CheckpointKeyError: Error, Sendable, CustomStringConvertible {
    /// What is wrong with the key or checkpoint.
    public let description: String
    init(_ description: String) { self.description = description }
}

/// PEM framing of the DER forms of Ed25519 keys (RFC 8410).
enum PEM {
    /// PKCS #8 for Ed25519, before the 32 key bytes.
    static let privatePrefix: [UInt8] = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]
    /// SubjectPublicKeyInfo for Ed25519, before the 32 key bytes.
    static let publicPrefix: [UInt8] = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]

    static func encode(_ der: [UInt8], label: String) -> String {
        "-----BEGIN \(label)-----\n\(Data(der).base64EncodedString())\n-----END \(label)-----\n"
    }

    /// The 32 key bytes of a PEM block holding an Ed25519 key in the DER form that `prefix` starts.
    static func ed25519Key(_ text: String, label: String, prefix: [UInt8], form: String) throws(CheckpointKeyError) -> [UInt8] {
        let der = try decode(text, label: label)
        guard der.count == prefix.count + 32, der.starts(with: prefix) else {
            throw CheckpointKeyError("the PEM \(label.lowercased()) is not an Ed25519 key (\(form), \(prefix.count + 32) bytes)")
        }
        return [UInt8](der.suffix(32))
    }

    static func decode(_ text: String, label: String) throws(CheckpointKeyError) -> [UInt8] {
        let begin = "-----BEGIN \(label)-----"
        let end = "-----END \(label)-----"
        guard let start = text.range(of: begin), let stop = text.range(of: end, range: start.upperBound..<text.endIndex) else {
            throw CheckpointKeyError("not a PEM \(label.lowercased()): no '\(begin)' ... '\(end)' block")
        }
        let body = text[start.upperBound..<stop.lowerBound].filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: String(body)) else {
            throw CheckpointKeyError("the PEM \(label.lowercased()) is not valid base64")
        }
        return [UInt8](data)
    }
}
