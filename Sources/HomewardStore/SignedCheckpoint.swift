import Foundation

/// A store's head signed with Ed25519: kept elsewhere, it later proves that the log still begins
/// with exactly that prefix, and that the checkpoint itself was not forged.
///
/// The signature covers `homeward-checkpoint-v1`, the position, the chain hash, the recorded
/// time and the signing time, one per line.
public struct SignedCheckpoint: Sendable, Hashable, Codable {
    /// The head position.
    public var position: UInt64
    /// The chain hash at that position, in hexadecimal.
    public var hash: String
    /// When that record was recorded (RFC 3339); `nil` for an empty log.
    public var recordedAt: String?
    /// When the checkpoint was signed (RFC 3339).
    public var signedAt: String
    /// The signer's public key, 32 bytes in hexadecimal.
    public var publicKey: String
    /// The Ed25519 signature, base64.
    public var signature: String

    /// Signs a head.
    /// - Parameters:
    ///   - head: The head to sign, such as ``EventStore/head()``.
    ///   - key: The signing key.
    ///   - signedAt: When it is signed.
    public init(head: StoreHead, key: CheckpointSigningKey, signedAt: Timestamp = .now) throws {
        position = head.position
        hash = head.hash.hex
        recordedAt = head.recordedAt?.rfc3339
        self.signedAt = signedAt.rfc3339
        publicKey = key.publicKey.hex
        signature = ""
        signature = Data(try key.signature(for: message)).base64EncodedString()
    }

    /// The signed bytes.
    var message: [UInt8] {
        Array("homeward-checkpoint-v1\n\(position)\n\(hash)\n\(recordedAt ?? "-")\n\(signedAt)\n".utf8)
    }

    /// The head it vouches for.
    public var head: StoreHead? {
        guard let chainHash = ChainHash(hex: hash) else { return nil }
        return StoreHead(position: position, hash: chainHash, recordedAt: recordedAt.flatMap { Timestamp(rfc3339: $0) })
    }

    /// Checks the signature with a public key obtained separately (never the one the checkpoint
    /// names: a forger would name their own).
    /// - Parameter key: The signer's public key.
    /// - Returns: `nil` when the signature is good; otherwise why it is not.
    public func signatureProblem(with key: CheckpointPublicKey) -> String? {
        guard publicKey.lowercased() == key.hex else {
            return "the checkpoint was signed by key \(publicKey.prefix(16))…, not by the given public key \(key.hex.prefix(16))…"
        }
        guard let bytes = Data(base64Encoded: signature), key.isValidSignature([UInt8](bytes), for: message) else {
            return "the checkpoint's signature does not match its contents: it was altered or forged"
        }
        return nil
    }

    /// The checkpoint as JSON text.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// Reads a checkpoint from JSON text.
    /// - Throws: ``CheckpointKeyError`` naming the missing or malformed field.
    public init(json: String) throws(CheckpointKeyError) {
        do {
            self = try JSONDecoder().decode(SignedCheckpoint.self, from: Data(json.utf8))
        } catch DecodingError.keyNotFound(let key, _) {
            throw CheckpointKeyError("the checkpoint has no \"\(key.stringValue)\": it is not a signed checkpoint")
        } catch {
            throw CheckpointKeyError("the checkpoint cannot be read: \(error)")
        }
    }
}
