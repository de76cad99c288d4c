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

    /// ``init(canonicalText:)`` for text given as UTF-8 bytes.
    package static func parse(_ text: UnsafeBufferPointer<UInt8>) -> UUID? {
        let dash = UInt8(ascii: "-")
        guard text.count == 36, text[8] == dash, text[13] == dash, text[18] == dash, text[23] == dash else { return nil }
        var bytes = (UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0),
                     UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0))
        let allHex = HexDigits.values.withUnsafeBufferPointer { table in
            withUnsafeMutableBytes(of: &bytes) { target -> Bool in
                // Digit values fit in 4 bits; a byte that is not a digit sets the high ones.
                var invalid: UInt8 = 0
                var position = 0
                for index in 0..<16 {
                    if position == 8 || position == 13 || position == 18 || position == 23 { position += 1 }
                    let high = table[Int(text[position])]
                    let low = table[Int(text[position + 1])]
                    invalid |= high | low
                    target[index] = high << 4 | low & 0x0F
                    position += 2
                }
                return invalid & 0xF0 == 0
            }
        }
        return allHex ? UUID(uuid: bytes) : nil
    }
}
