import Foundation
import HomewardStore

/// A JSON text (RFC 8259) read into a flat list of tokens that point into its bytes.
///
/// Reading checks the whole text, with the errors of ``JSONParser`` (which builds its
/// ``JSONValue`` from a tape), but makes nothing for a value until it is asked for: an
/// interchange line's times, ids and hash are read straight from the line's bytes, and only the
/// parts a caller asks for become strings and ``JSONValue``s.
///
/// Each value is one token, followed, for an array, by its elements' tokens, and for an object,
/// by a key token (a string) and the value's tokens for each member. The tape is valid only
/// while the bytes it was read from are.
struct JSONTape {
    /// What a token is.
    enum Kind: UInt8 {
        case null, boolean, integer, number, string, array, object
    }

    /// One value (or an object's key).
    struct Token {
        var kind: Kind
        /// A string with escapes, whose text must be unescaped.
        var escaped = false
        /// A string: where its text starts (after the quote). An array or object: how many
        /// elements or members it has.
        var start = 0
        /// A string: where its text ends (at the quote). An array or object: the index of the
        /// token after its last one.
        var end = 0
        /// A boolean (0 or 1), a whole number's bits, or a number's `Double` bits.
        var bits: UInt64 = 0
    }

    /// The text.
    let bytes: UnsafeBufferPointer<UInt8>
    /// The tokens, the text's value first.
    private(set) var tokens: [Token] = []
    private var index = 0

    /// Reads UTF-8 bytes holding exactly one JSON value (white space around it allowed).
    /// - Parameter bytes: The text, which must outlive the tape.
    /// - Throws: ``JSONSyntaxError`` naming the column and what was expected.
    init(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) {
        var none: [Token] = []
        try self.init(bytes, reusing: &none)
    }

    /// Hands the tokens' array over, for the next tape to reuse its room.
    mutating func takeTokens() -> [Token] {
        var taken: [Token] = []
        swap(&taken, &tokens)
        return taken
    }

    /// Reads UTF-8 bytes holding exactly one JSON value (white space around it allowed).
    /// - Parameters:
    ///   - bytes: The text, which must outlive the tape.
    ///   - spare: An array whose room the tape takes for its tokens (see ``takeTokens()``), so
    ///     that a reader of many texts does not allocate one per text.
    init(_ bytes: UnsafeBufferPointer<UInt8>, reusing spare: inout [Token]) throws(JSONSyntaxError) {
        self.bytes = bytes
        swap(&tokens, &spare)
        tokens.removeAll(keepingCapacity: true)
        // About one token per 12 bytes of an interchange line: room made once.
        tokens.reserveCapacity(bytes.count / 12 + 4)
        skipWhiteSpace()
        try value(depth: 0)
        skipWhiteSpace()
        guard index == bytes.count else { throw error("unexpected text after the JSON value") }
    }

    // MARK: Reading a token

    /// The kind of the value at `token`, in words, as ``JSONValue/kind`` gives it.
    func kindDescription(_ token: Int) -> String {
        switch tokens[token].kind {
        case .null: return "null"
        case .boolean: return "a boolean"
        case .integer, .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// The index of the token after the value at `token` (and all of its own tokens).
    func after(_ token: Int) -> Int {
        switch tokens[token].kind {
        case .array, .object: return tokens[token].end
        default: return token + 1
        }
    }

    /// The bytes of a string without escapes, or `nil` for any other token.
    func unescapedBytes(_ token: Int) -> UnsafeBufferPointer<UInt8>? {
        let found = tokens[token]
        guard found.kind == .string, !found.escaped else { return nil }
        return UnsafeBufferPointer(rebasing: bytes[found.start..<found.end])
    }

    /// The text of a string token.
    func string(_ token: Int) -> String {
        let found = tokens[token]
        precondition(found.kind == .string, "a string token")
        // Checked when read: the text is valid UTF-8, and so are its escapes.
        guard found.escaped else { return String(decoding: UnsafeBufferPointer(rebasing: bytes[found.start..<found.end]), as: UTF8.self) }
        guard let text = try? JSONTape.unescape(bytes, from: found.start).text else { preconditionFailure("a string checked when read") }
        return String(decoding: text, as: UTF8.self)
    }

    /// Whether the string at `token` (an object's key) is `key`.
    func key(_ token: Int, is key: String) -> Bool {
        guard let bytes = unescapedBytes(token) else { return string(token) == key }
        guard bytes.count == key.utf8.count else { return false }
        guard !bytes.isEmpty else { return true }
        return key.utf8.withContiguousStorageIfAvailable { memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }
            ?? key.utf8.elementsEqual(bytes)
    }

    /// The value at `token`, made into a ``JSONValue``.
    func value(_ token: Int) -> JSONValue {
        let found = tokens[token]
        switch found.kind {
        case .null: return .null
        case .boolean: return .bool(found.bits != 0)
        case .integer: return .integer(Int(truncatingIfNeeded: found.bits))
        case .number: return .number(Double(bitPattern: found.bits))
        case .string: return .string(string(token))
        case .array:
            var elements: [JSONValue] = []
            elements.reserveCapacity(found.start)
            var next = token + 1
            for _ in 0..<found.start {
                elements.append(value(next))
                next = after(next)
            }
            return .array(elements)
        case .object:
            var members: [(key: String, value: JSONValue)] = []
            members.reserveCapacity(found.start)
            var next = token + 1
            for _ in 0..<found.start {
                members.append((key: string(next), value: value(next + 1)))
                next = after(next + 1)
            }
            return .object(JSONObject(members: members))
        }
    }

    // MARK: Reading the text

    /// The deepest nesting accepted.
    static let maximumDepth = 64

    private func error(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(column: index + 1, message: message)
    }

    private mutating func skipWhiteSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0a, 0x0d: index += 1
            default: return
            }
        }
    }

    private mutating func value(depth: Int) throws(JSONSyntaxError) {
        guard index < bytes.count else { throw error("the text ends where a value was expected") }
        switch bytes[index] {
        case UInt8(ascii: "{"): try object(depth: depth + 1)
        case UInt8(ascii: "["): try array(depth: depth + 1)
        case UInt8(ascii: "\""): try string()
        case UInt8(ascii: "t"): try literal("true", Token(kind: .boolean, bits: 1))
        case UInt8(ascii: "f"): try literal("false", Token(kind: .boolean, bits: 0))
        case UInt8(ascii: "n"): try literal("null", Token(kind: .null))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
        default: throw error("unexpected character '\(Unicode.Scalar(bytes[index]))' where a value was expected")
        }
    }

    private mutating func literal(_ word: StaticString, _ token: Token) throws(JSONSyntaxError) {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count else { throw error("malformed literal, expected \(word)") }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
            throw error("malformed literal, expected \(word)")
        }
        index += count
        tokens.append(token)
    }

    private mutating func object(depth: Int) throws(JSONSyntaxError) {
        try container(.object, depth: depth, closedBy: UInt8(ascii: "}"), name: "an object")
    }

    private mutating func array(depth: Int) throws(JSONSyntaxError) {
        try container(.array, depth: depth, closedBy: UInt8(ascii: "]"), name: "an array")
    }

    /// An object's members (each a key, a colon and a value) or an array's elements, up to the
    /// closing byte; the container's token counts them and says where its tokens end.
    private mutating func container(_ kind: Kind, depth: Int, closedBy close: UInt8, name: String) throws(JSONSyntaxError) {
        guard depth <= JSONTape.maximumDepth else { throw error("nested deeper than \(JSONTape.maximumDepth) levels") }
        index += 1
        let token = tokens.count
        tokens.append(Token(kind: kind))
        var count = 0
        defer {
            tokens[token].start = count
            tokens[token].end = tokens.count
        }
        skipWhiteSpace()
        if index < bytes.count, bytes[index] == close {
            index += 1
            return
        }
        while true {
            skipWhiteSpace()
            if kind == .object {
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a key in quotes") }
                let key = tokens.count
                try string()
                skipWhiteSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':' after key \"\(string(key))\"") }
                index += 1
                skipWhiteSpace()
            }
            try value(depth: depth)
            count += 1
            skipWhiteSpace()
            guard index < bytes.count else { throw error("the text ends inside \(name)") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == close else { throw error("expected ',' or '\(Unicode.Scalar(close))' in \(name)") }
            index += 1
            return
        }
    }

    private mutating func string() throws(JSONSyntaxError) {
        index += 1
        let start = index
        // Fast path: no escapes; ASCII text needs no UTF-8 check. Eight bytes at a time until
        // one of them is a quote, a backslash or a control character (most strings of a line
        // are ids, times and codes, a few dozen bytes each).
        var ascii = true
        if let base = bytes.baseAddress {
            var highBits: UInt64 = 0
            while bytes.count - index >= 8 {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                if JSONTape.hasByteBelow0x20(word) || JSONTape.hasZeroByte(word ^ 0x2222_2222_2222_2222)
                    || JSONTape.hasZeroByte(word ^ 0x5C5C_5C5C_5C5C_5C5C)
                {
                    break
                }
                highBits |= word & 0x8080_8080_8080_8080
                index += 8
            }
            ascii = highBits == 0
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let end = index
                index += 1
                if !ascii, !JSONTape.isValidUTF8(UnsafeBufferPointer(rebasing: bytes[start..<end])) { throw error("text is not valid UTF-8") }
                tokens.append(Token(kind: .string, start: start, end: end))
                return
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            ascii = ascii && byte < 0x80
            index += 1
        }
        // Escapes, a control character, or no end: unescaped here to check them, and again
        // when the text is asked for.
        do throws(JSONTape.EscapeError) {
            let end = try JSONTape.unescape(bytes, from: start).end
            tokens.append(Token(kind: .string, escaped: true, start: start, end: end))
            index = end + 1
        } catch {
            index = error.index
            throw self.error(error.message)
        }
    }

    /// Whether a byte of `word` is zero.
    @inline(__always)
    private static func hasZeroByte(_ word: UInt64) -> Bool {
        (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080 != 0
    }

    /// Whether a byte of `word` is below 0x20 (a control character).
    @inline(__always)
    private static func hasByteBelow0x20(_ word: UInt64) -> Bool {
        (word &- 0x2020_2020_2020_2020) & ~word & 0x8080_8080_8080_8080 != 0
    }

    /// A string that does not read: a bad escape, a control character, bad UTF-8, or no end.
    struct EscapeError: Error {
        /// Where the problem was found in the text.
        let index: Int
        let message: String
    }

    /// The text of the string whose first byte (after its quote) is at `start`, with its escapes
    /// replaced, and where its closing quote is.
    static func unescape(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) throws(EscapeError) -> (text: [UInt8], end: Int) {
        var scalars: [UInt8] = []
        var index = start
        func fail(_ message: String) -> EscapeError { EscapeError(index: index, message: message) }
        func hex4() throws(EscapeError) -> UInt32 {
            guard bytes.count - index >= 4 else { throw fail("the text ends inside a \\u escape") }
            var code: UInt32 = 0
            for _ in 0..<4 {
                let digit = HexDigits.values[Int(bytes[index])]
                guard digit < 16 else { throw fail("an invalid \\u escape") }
                code = code << 4 | UInt32(digit)
                index += 1
            }
            return code
        }
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                let end = index
                index += 1
                guard scalars.withUnsafeBufferPointer({ isValidUTF8($0) }) else { throw fail("text is not valid UTF-8") }
                return (scalars, end)
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { throw fail("the text ends inside an escape") }
                let escaped = bytes[index]
                index += 1
                switch escaped {
                case UInt8(ascii: "\""): scalars.append(0x22)
                case UInt8(ascii: "\\"): scalars.append(0x5c)
                case UInt8(ascii: "/"): scalars.append(0x2f)
                case UInt8(ascii: "b"): scalars.append(0x08)
                case UInt8(ascii: "f"): scalars.append(0x0c)
                case UInt8(ascii: "n"): scalars.append(0x0a)
                case UInt8(ascii: "r"): scalars.append(0x0d)
                case UInt8(ascii: "t"): scalars.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xd800..<0xdc00).contains(code) {
                        guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw fail("a lone surrogate in a \\u escape")
                        }
                        index += 2
                        let low = try hex4()
                        guard (0xdc00..<0xe000).contains(low) else { throw fail("a lone surrogate in a \\u escape") }
                        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00)
                    } else if (0xdc00..<0xe000).contains(code) {
                        throw fail("a lone surrogate in a \\u escape")
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw fail("an invalid \\u escape") }
                    scalars.append(contentsOf: Array(String(Character(scalar)).utf8))
                default:
                    throw fail("an invalid escape '\\\(Unicode.Scalar(escaped))'")
                }
            case 0..<0x20:
                throw fail("a control character inside text")
            default:
                scalars.append(byte)
                index += 1
            }
        }
        throw fail("the text ends inside a string")
    }

    /// Whether bytes are well-formed UTF-8 (no overlong forms, surrogates or code points past
    /// U+10FFFF), checked without making a string.
    static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let length: Int
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: (length, lower) = (3, 0xA0)
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: (length, upper) = (3, 0x9F)
            case 0xF0: (length, lower) = (4, 0x90)
            case 0xF1...0xF3: length = 4
            case 0xF4: (length, upper) = (4, 0x8F)
            default: return false
            }
            guard bytes.count - index >= length else { return false }
            guard bytes[index + 1] >= lower, bytes[index + 1] <= upper else { return false }
            for offset in 2..<max(2, length) where bytes[index + offset] & 0xC0 != 0x80 {
                return false
            }
            index += length
        }
        return true
    }

    private mutating func number() throws(JSONSyntaxError) {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else {
            throw error("a malformed number")
        }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        }
        var isInteger = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            let digits = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            guard index > digits else { throw error("a malformed number: no digits after '.'") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            let digits = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            guard index > digits else { throw error("a malformed number: no digits in the exponent") }
        }
        // Up to 18 digits always fit an Int: read without making text.
        if isInteger, index - start <= 18 {
            let negative = bytes[start] == UInt8(ascii: "-")
            var value = 0
            for position in (negative ? start + 1 : start)..<index { value = value * 10 + Int(bytes[position] &- 48) }
            tokens.append(Token(kind: .integer, bits: UInt64(bitPattern: Int64(negative ? -value : value))))
            return
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        if isInteger, let integer = Int(text) {
            tokens.append(Token(kind: .integer, bits: UInt64(bitPattern: Int64(integer))))
            return
        }
        guard let number = Double(text), number.isFinite else { throw error("the number \(text.prefix(40)) is out of range") }
        tokens.append(Token(kind: .number, bits: number.bitPattern))
    }
}
