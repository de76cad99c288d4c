import Foundation
import HomewardStore
import HomewardTesting
import Testing

struct SignedCheckpointTests {
    @Test func aSignedHeadSurvivesItsFileAndProvesThePrefix() throws {
        try withTemporaryEventStore { store in
            for index in 0..<40 { try store.append([.sample(index: index)], to: StreamID(validating: "case-\(index % 3)")) }
            let key = CheckpointSigningKey()
            let checkpoint = try SignedCheckpoint(head: try store.head(), key: key)
            let read = try SignedCheckpoint(json: checkpoint.json)
            #expect(read == checkpoint)
            #expect(read.signatureProblem(with: key.publicKey) == nil)
            #expect(read.head == (try store.head()))
            for index in 40..<45 { try store.append([.sample(index: index)], to: "case-1") }
            let signedHead = try #require(read.head)
            #expect(try store.verify(expecting: signedHead).isSound, "a longer log still begins with the signed prefix")
        }
    }

    @Test func aForgedOrAlteredCheckpointIsNamed() throws {
        let key = CheckpointSigningKey()
        let head = StoreHead(position: 12, hash: ChainHash(hex: String(repeating: "ab", count: 32))!)
        let checkpoint = try SignedCheckpoint(head: head, key: key)
        var altered = checkpoint
        altered.position = 11
        #expect(altered.signatureProblem(with: key.publicKey)?.contains("altered or forged") == true)
        // A forger signs with their own key: the checkpoint names it, and it is not the auditor's key.
        let forged = try SignedCheckpoint(head: StoreHead(position: 11, hash: head.hash), key: CheckpointSigningKey())
        #expect(forged.signatureProblem(with: key.publicKey)?.contains("not by the given public key") == true)
        #expect(throws: CheckpointKeyError.self) { try SignedCheckpoint(json: #"{"position":12,"hash":"ab"}"#) }
    }

    @Test func keysRoundTripThroughPEM() throws {
        let key = CheckpointSigningKey()
        #expect(key.pem.hasPrefix("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI"), "PKCS #8 Ed25519, as OpenSSL writes it")
        #expect(key.publicKey.pem.hasPrefix("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA"))
        let reread = try CheckpointSigningKey(pem: key.pem)
        #expect(reread.publicKey == key.publicKey)
        #expect(try CheckpointPublicKey(pem: key.publicKey.pem) == key.publicKey)
        #expect(throws: CheckpointKeyError.self) { try CheckpointPublicKey(pem: key.pem) }
        #expect(throws: CheckpointKeyError.self) { try CheckpointSigningKey(pem: "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n") }
    }
}
