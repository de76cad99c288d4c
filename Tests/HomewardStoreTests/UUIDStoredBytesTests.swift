import Foundation
import HomewardStore
import Testing

/// `UUID(storedAt:in:)` reads the sixteen bytes a record or payload stores, at any offset, as
/// the UUID that `UUID(uuid:)` makes of them.
struct UUIDStoredBytesTests {
    @Test(arguments: [0, 1, 3, 7, 8, 13])
    func storedBytesGiveTheSameUUIDAtAnyOffset(offset: Int) {
        for _ in 0..<100 {
            let id = UUID()
            var bytes = [UInt8](repeating: 0xee, count: offset)
            withUnsafeBytes(of: id.uuid) { bytes += $0 }
            bytes += [0xaa, 0xbb]
            let read = bytes.withUnsafeBytes { UUID(storedAt: offset, in: $0) }
            #expect(read == id)
            #expect(read.uuidString == id.uuidString)
        }
    }

    @Test func theBytesAreTakenInTheirOrder() {
        let bytes: [UInt8] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]
        let read = bytes.withUnsafeBytes { UUID(storedAt: 1, in: $0) }
        #expect(read.uuidString == "01020304-0506-0708-090A-0B0C0D0E0F10")
    }
}
