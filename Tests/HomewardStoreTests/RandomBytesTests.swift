import HomewardStore
import Testing

/// The bytes of nonces and keys drawn for a whole batch at once.
struct RandomBytesTests {
    @Test func drawsEveryByteAskedForAcrossCallBoundaries() {
        #expect(RandomBytes.make(0).isEmpty)
        for count in [1, 12, 255, 256, 257, 44 * 1_000] {
            let first = RandomBytes.make(count)
            let second = RandomBytes.make(count)
            #expect(first.count == count && second.count == count)
            if count >= 12 {
                #expect(first != second, "two draws of \(count) bytes are the same")
                // The last 12 bytes (one nonce), past any call boundary, are filled too.
                #expect(first.suffix(12) != [UInt8](repeating: 0, count: 12))
            }
        }
    }

    @Test func everyByteValueAppearsInALargeDraw() {
        // 65,536 bytes miss one of the 256 values with a probability of about 10^-109.
        let bytes = RandomBytes.make(65_536)
        #expect(Set(bytes).count == 256)
        let zeros = bytes.filter { $0 == 0 }.count
        #expect(zeros > 128 && zeros < 384, "\(zeros) zero bytes of 65,536 (about 256 expected)")
    }
}
