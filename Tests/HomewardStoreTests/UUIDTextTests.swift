import Foundation
import HomewardStore
import Testing

/// `UUID(canonicalText:)` reads exactly what Foundation's `UUID(uuidString:)` reads.
struct UUIDTextTests {
    @Test func validTextGivesTheSameUUIDAsFoundation() {
        for _ in 0..<1000 {
            let id = UUID()
            #expect(UUID(canonicalText: id.uuidString) == id)
            #expect(UUID(canonicalText: id.uuidString.lowercased()) == id)
            #expect(UUID(canonicalText: id.uuidString.lowercased()) == UUID(uuidString: id.uuidString.lowercased()))
        }
        #expect(UUID(canonicalText: "00000000-0000-0000-0000-000000000000") == UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))
    }

    @Test(arguments: [
        "", "not a uuid", "0190a3b2-7c4d-7e5f-8a6b-1c2d3e4f5a6", "0190a3b2-7c4d-7e5f-8a6b-1c2d3e4f5a6b7",
        "0190a3b27c4d-7e5f-8a6b-1c2d3e4f5a6b", "0190a3b2-7c4d-7e5f-8a6b-1c2d3e4f5a6g", "{0190a3b2-7c4d-7e5f-8a6b-1c2d3e4f5a6b}",
        "0190a3b2_7c4d_7e5f_8a6b_1c2d3e4f5a6b", "0190a3b2-7c4d-7e5f-8a6b-1c2d3e4f5a6\u{e9}",
    ])
    func otherTextIsRefusedAsFoundationRefusesIt(text: String) {
        #expect(UUID(canonicalText: text) == nil)
        #expect(UUID(uuidString: text) == nil)
    }

    /// A wrong character at any place is refused: a digit that is not hexadecimal (in either
    /// half of a byte) or anything but a dash where a dash goes.
    @Test func aWrongCharacterAtAnyPlaceIsRefused() {
        let valid = Array("0190a3b2-7c4d-7e5f-8a6b-1c2d3e4f5a6b".utf8)
        #expect(UUID(canonicalText: String(decoding: valid, as: UTF8.self)) != nil)
        for index in valid.indices {
            for wrong in ["g", "G", "x", "/", ":", "@", "`", " ", "\u{0}"] where !(wrong == "-" && valid[index] == UInt8(ascii: "-")) {
                var text = valid
                text[index] = Array(wrong.utf8)[0]
                #expect(UUID(canonicalText: String(decoding: text, as: UTF8.self)) == nil, "'\(wrong)' at \(index)")
            }
            if valid[index] != UInt8(ascii: "-") {
                var text = valid
                text[index] = UInt8(ascii: "-")
                #expect(UUID(canonicalText: String(decoding: text, as: UTF8.self)) == nil, "a dash at \(index)")
            }
        }
    }

    /// Stricter than Foundation, whose `sscanf` skips a space and reads a lone last digit.
    @Test func aSpaceBeforeTheTextIsRefused() {
        #expect(UUID(canonicalText: " 0190a3b2-7c4d-7e5f-8a6b-1c2d3e4f5a6") == nil)
        #expect(UUID(canonicalText: "0190a3b2-7c4d-7e5f-8a6b-1c2d3e4f5a6b ") == nil)
    }
}
