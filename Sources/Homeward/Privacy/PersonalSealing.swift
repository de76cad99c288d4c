public import Crypto
public import HomewardStore

/// Seals the personal fields of a binary payload under a key of a ``HomewardStore/KeyStore``, and
/// opens them again: codec ``HomewardStore/PayloadCodec/sealedBinary``.
///
/// A sealed payload is the key's name (a varint length and UTF-8), the clear fields (a varint
/// length and the bytes of the binary codec without the personal fields) and the personal fields
/// sealed with AES-256-GCM: a 12-byte nonce, the ciphertext and a 16-byte tag. The tag also
/// covers the type, the schema version and the clear fields, so a sealed section cannot be moved
/// to another event. The log's hash chain covers the whole payload, ciphertext included, so
/// destroying a key changes nothing the chain proves.
public enum PersonalSealing {
    /// A sealed payload taken apart.
    public struct Parts {
        /// The name of the key the personal fields are sealed under.
        public var keyName: String
        /// The clear fields.
        public var clear: UnsafeRawBufferPointer
        /// Nonce, ciphertext and tag.
        public var sealed: UnsafeRawBufferPointer
    }

    /// Seals personal fields into a payload.
    /// - Parameters:
    ///   - clear: The clear fields, as a sealing ``PayloadWriter`` left them in `bytes`.
    ///   - personal: The personal fields, from `personalBytes`.
    ///   - keyName: The key's name.
    ///   - key: The key.
    ///   - typeName: The event type.
    ///   - schemaVersion: Its schema version.
    /// - Returns: A payload of codec ``HomewardStore/PayloadCodec/sealedBinary``.
    public static func seal(clear: [UInt8], personal: [UInt8], keyName: String, key: SymmetricKey, typeName: String, schemaVersion: UInt32) throws -> Payload {
        try seal(clear: clear, personal: personal, keyName: keyName, key: key, typeName: typeName, schemaVersion: schemaVersion, nonce: AES.GCM.Nonce())
    }

    /// ``seal(clear:personal:keyName:key:typeName:schemaVersion:)`` with a random nonce the
    /// caller drew (many at once: one system call for a batch instead of two per event).
    static func seal(
        clear: [UInt8], personal: [UInt8], keyName: String, key: SymmetricKey, typeName: String, schemaVersion: UInt32, nonce: AES.GCM.Nonce
    ) throws -> Payload {
        var writer = PayloadWriter()
        writer.write(keyName)
        writer.writeCount(clear.count)
        var bytes = writer.bytes + clear
        let box = try AES.GCM.seal(personal, using: key, nonce: nonce, authenticating: associatedData(typeName, schemaVersion, clear))
        guard let combined = box.combined else { throw PayloadDecodingError("AES-GCM gave no combined box") }
        bytes.append(contentsOf: combined)
        return Payload(codec: .sealedBinary, bytes: bytes)
    }

    /// Takes a sealed payload apart, checking every length.
    public static func parts(of bytes: UnsafeRawBufferPointer) throws(PayloadDecodingError) -> Parts {
        var reader = PayloadReader(bytes)
        let keyName = try reader.readString()
        let clearCount = try reader.readCount()
        let start = bytes.count - reader.remaining
        guard clearCount <= reader.remaining, bytes.count - start - clearCount >= 28 else {
            throw PayloadDecodingError("a sealed payload of \(bytes.count) bytes is too short for its \(clearCount) clear bytes and a sealed section")
        }
        return Parts(
            keyName: keyName,
            clear: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + clearCount)]),
            sealed: UnsafeRawBufferPointer(rebasing: bytes[(start + clearCount)...])
        )
    }

    /// Opens the personal fields of a sealed payload.
    /// - Throws: ``PayloadDecodingError`` when they do not open with the key: the payload was changed.
    public static func open(_ parts: Parts, key: SymmetricKey, typeName: String, schemaVersion: UInt32) throws(PayloadDecodingError) -> [UInt8] {
        do {
            let box = try AES.GCM.SealedBox(combined: parts.sealed)
            return Array(try AES.GCM.open(box, using: key, authenticating: associatedData(typeName, schemaVersion, parts.clear)))
        } catch {
            throw PayloadDecodingError("the personal fields sealed under \(parts.keyName) do not open: the payload was changed after it was sealed")
        }
    }

    /// `<type>/<schema version>/` and the clear bytes: what a sealed section is bound to.
    ///
    /// Written into one array made to size (through interpolated text it took three
    /// allocations, for every payload sealed or opened).
    private static func associatedData(_ typeName: String, _ schemaVersion: UInt32, _ clear: some Collection<UInt8>) -> [UInt8] {
        var data: [UInt8] = []
        data.reserveCapacity(typeName.utf8.count + 12 + clear.count)
        data.append(contentsOf: typeName.utf8)
        data.append(UInt8(ascii: "/"))
        data.append(contentsOf: String(schemaVersion).utf8)
        data.append(UInt8(ascii: "/"))
        data.append(contentsOf: clear)
        return data
    }
}
