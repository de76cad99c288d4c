public import Foundation

extension UUID {
    /// Reads the canonical text of a UUID (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, hexadecimal
    /// digits in either case): what `UUID(uuidString:)` accepts, read without the C library's
    /// `sscanf`, which an import of a million lines called a million times.
    /// - Parameter text: The text.
    /// - Returns: The UUID, or `nil` when the text is not one.
    public init?(canonicalText text: String) {
        var text = text
        guard let id = text.withUTF8({ UUID.parse($0) }) else { return nil }
        self = id
    }

    private static func parse(_ text: UnsafeBufferPointer<UInt8>) -> UUID? {
        guard text.count == 36 else { return nil }
        var bytes = (UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0),
                     UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0))
        var count = 0
        var high: UInt8?
        var valid = true
        withUnsafeMutableBytes(of: &bytes) { target in
            for (index, character) in text.enumerated() {
                if index == 8 || index == 13 || index == 18 || index == 23 {
                    if character != UInt8(ascii: "-") { valid = false; return }
                    continue
                }
                let nibble: UInt8
                switch character {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = character - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = character - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = character - UInt8(ascii: "A") + 10
                default: valid = false; return
                }
                if let first = high {
                    guard count < 16 else { valid = false; return }
                    target[count] = first << 4 | nibble
                    count += 1
                    high = nil
                } else {
                    high = nibble
                }
            }
        }
        guard valid, count == 16, high == nil else { return nil }
        return UUID(uuid: bytes)
    }
}
