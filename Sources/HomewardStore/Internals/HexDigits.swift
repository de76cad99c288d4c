/// The value of each byte as a hexadecimal digit (either case), for the parsers of UUIDs and
/// chain hashes (and the JSON reader's `\u` escapes): one table lookup per digit, no branch.
package enum HexDigits {
    /// Each byte's value as a hexadecimal digit, or 0xFF when it is not one: a byte that is not a
    /// digit sets the high bits, which a parser checks once for a whole text.
    package static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, digit) in "0123456789abcdef".utf8.enumerated() { table[Int(digit)] = UInt8(value) }
        for (value, digit) in "ABCDEF".utf8.enumerated() { table[Int(digit)] = UInt8(value + 10) }
        return table
    }()
}
