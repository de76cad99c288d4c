import Foundation
import Crypto
import HomewardCSHA256
import HomewardStore
import Testing

/// The store's own SHA-256, which computes every chain hash, must give exactly SHA-256: an
/// auditor recomputes the chain with any other implementation.
struct SHA256Tests {
    private func digest(_ first: [UInt8], _ second: [UInt8], portable: Bool = false) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        first.withUnsafeBytes { firstBytes in
            second.withUnsafeBytes { secondBytes in
                digest.withUnsafeMutableBufferPointer { output in
                    let hash = portable ? homeward_sha256_two_parts_portable : homeward_sha256_two_parts
                    hash(firstBytes.baseAddress, firstBytes.count, secondBytes.baseAddress, secondBytes.count, output.baseAddress)
                }
            }
        }
        return digest
    }

    private func hex(_ bytes: [UInt8]) -> String { bytes.hexString }

    @Test(arguments: [false, true])
    func theFIPSExamplesGiveTheirPublishedDigests(portable: Bool) {
        let abc = Array("abc".utf8)
        #expect(hex(digest(abc, [], portable: portable)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hex(digest([], [], portable: portable)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let twoBlocks = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(hex(digest(Array(twoBlocks.prefix(20)), Array(twoBlocks.dropFirst(20)), portable: portable))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        let millionA = [UInt8](repeating: 0x61, count: 1_000_000)
        #expect(hex(digest(Array(millionA.prefix(32)), Array(millionA.dropFirst(32)), portable: portable))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Every length around the block boundaries, split at every place that matters for the
    /// buffering, agrees with swift-crypto, with the processor's instructions and without.
    @Test func everyLengthAndSplitAgreesWithSwiftCrypto() {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<400).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for length in 0...300 {
            let expected = Array(SHA256.hash(data: bytes[0..<length]))
            for split in Set([0, 1, 31, 32, 33, 55, 56, 63, 64, 65, 128, length / 2, length].filter { $0 <= length }) {
                let first = Array(bytes[0..<split]), second = Array(bytes[split..<length])
                #expect(digest(first, second) == expected, "length \(length), split \(split)")
                #expect(digest(first, second, portable: true) == expected, "portable, length \(length), split \(split)")
            }
        }
    }

    /// A processor with SHA instructions gets them (else the comparisons above would only
    /// compare the portable code with itself).
    @Test func theInstructionsAreUsedWhereTheProcessorHasThem() throws {
        let uses = homeward_sha256_uses_instructions()
        #expect(homeward_sha256_uses_instructions() == uses, "the choice is made once")
        guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return }
        let hasInstructions = cpuinfo.split(separator: "\n").contains { $0.hasPrefix("flags") && $0.split(separator: " ").contains("sha_ni") }
        #if arch(x86_64)
        #expect(uses == (hasInstructions ? 1 : 0))
        #else
        #expect(uses == 0)
        #endif
    }

    /// An empty part may come as a null pointer.
    @Test func anEmptyPartMayBeANullPointer() {
        let abc = Array("abc".utf8)
        var digest = [UInt8](repeating: 0, count: 32)
        abc.withUnsafeBytes { bytes in
            digest.withUnsafeMutableBufferPointer { output in
                homeward_sha256_two_parts(nil, 0, bytes.baseAddress, bytes.count, output.baseAddress)
            }
        }
        #expect(hex(digest) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        abc.withUnsafeBytes { bytes in
            digest.withUnsafeMutableBufferPointer { output in
                homeward_sha256_two_parts(bytes.baseAddress, bytes.count, nil, 0, output.baseAddress)
            }
        }
        #expect(hex(digest) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        digest.withUnsafeMutableBufferPointer { output in homeward_sha256_two_parts(nil, 0, nil, 0, output.baseAddress) }
        #expect(hex(digest) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }
}
