import Foundation
@testable import Homeward
import HomewardStore
import HomewardTesting
import Testing

/// The JSON reader behind ``JSONParser`` and the import: a flat tape of tokens over the text,
/// checked against Foundation's reader where both apply.
struct JSONTapeTests {
    static func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(text) }

    static func syntaxError(_ text: String) -> JSONSyntaxError? {
        do throws(JSONSyntaxError) {
            _ = try JSONParser.parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func valuesOfEveryKindComeBackWithTheirOrderAndNesting() throws {
        let text = #" {"b":[1,-2,3.5,-0.255e2,true,false,null,"x"],"a":{"z":{},"y":[]},"b":"again"} "#
        let expected: JSONValue = .object(JSONObject([
            ("b", .array([.integer(1), .integer(-2), .number(3.5), .number(-25.5), .bool(true), .bool(false), .null, .string("x")])),
            ("a", .object(JSONObject([("z", .object(JSONObject([]))), ("y", .array([]))]))),
            ("b", .string("again")),
        ]))
        #expect(try Self.parse(text) == expected)
        #expect(try Self.parse(expected.serialized) == expected, "what the writer writes reads back the same")
    }

    @Test func wholeNumbersAreReadExactlyUpToIntAndAsDoublesBeyond() throws {
        #expect(try Self.parse("999999999999999999") == .integer(999_999_999_999_999_999))
        #expect(try Self.parse("-99999999999999999") == .integer(-99_999_999_999_999_999))
        #expect(try Self.parse("9223372036854775807") == .integer(Int.max))
        #expect(try Self.parse("-9223372036854775808") == .integer(Int.min))
        #expect(try Self.parse("9223372036854775808") == .number(9_223_372_036_854_775_808))
        #expect(try Self.parse("-0") == .integer(0))
        #expect(try Self.parse("[0,7,-1]") == .array([.integer(0), .integer(7), .integer(-1)]))
        #expect(Self.syntaxError("1e400")?.message == "the number 1e400 is out of range")
        #expect(Self.syntaxError("01")?.message == "unexpected text after the JSON value")
    }

    /// Strings of every length up to 40 with one special byte at every place: the reader takes
    /// eight bytes at a time, so each lands at every place within a word and past its end.
    @Test func everySpecialByteIsFoundWhereverItFallsInAString() throws {
        let specials: [(insert: String, text: String)] = [
            (#"\""#, "\""), (#"\\"#, "\\"), (#"\n"#, "\n"), (#"\u00e9"#, "é"), ("é", "é"), ("汉", "汉"), (#"\ud83d\ude00"#, "😀"),
        ]
        for length in 0...40 {
            for place in 0...length {
                for special in specials {
                    let before = String(repeating: "a", count: place)
                    let after = String(repeating: "b", count: length - place)
                    let json = "[\"" + before + special.insert + after + "\",1]"
                    let expected = before + special.text + after
                    #expect(try Self.parse(json) == .array([.string(expected), .integer(1)]), "\(json)")
                    let foundation = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [Any]
                    #expect(foundation?.first as? String == expected, "Foundation reads \(json) the same")
                }
                // A raw control character or a missing end is an error wherever it lies.
                let control = "[\"" + String(repeating: "a", count: place) + "\u{01}" + String(repeating: "b", count: length - place) + "\"]"
                #expect(Self.syntaxError(control)?.message == "a control character inside text", "\(length) \(place)")
                #expect(Self.syntaxError(control)?.column == 3 + place)
                let unended = "\"" + String(repeating: "a", count: length)
                #expect(Self.syntaxError(unended)?.message == "the text ends inside a string")
                #expect(Self.syntaxError(unended)?.column == length + 2)
            }
        }
    }

    @Test func badStringsAreNamedWithTheirColumn() {
        let cases: [(text: String, message: String, column: Int)] = [
            (#""ab\x""#, #"an invalid escape '\x'"#, 6),
            (#""\u12"}"#, #"an invalid \u escape"#, 6),
            (#""\u12"#, #"the text ends inside a \u escape"#, 4),
            (#""\ud800x""#, #"a lone surrogate in a \u escape"#, 8),
            (#""\udc00""#, #"a lone surrogate in a \u escape"#, 8),
            (#""\ud800\u0041""#, #"a lone surrogate in a \u escape"#, 14),
            (#""abc\"#, "the text ends inside an escape", 6),
            ("{\"k\" 1}", "expected ':' after key \"k\"", 6),
            ("{\"k\\u0041\" 1}", "expected ':' after key \"kA\"", 12),
            ("[1,]", "unexpected character ']' where a value was expected", 4),
            ("{\"a\":1", "the text ends inside an object", 7),
            ("[tru]", "malformed literal, expected true", 2),
        ]
        for (text, message, column) in cases {
            let error = Self.syntaxError(text)
            #expect(error?.message == message, "\(text)")
            #expect(error?.column == column, "\(text)")
        }
        #expect(Self.syntaxError(String(repeating: "[", count: 65) + String(repeating: "]", count: 65))?.message == "nested deeper than 64 levels")
    }

    /// Invalid UTF-8 is refused whether the string has escapes or not; the check agrees with the
    /// standard library's on random bytes.
    @Test func utf8IsCheckedAsTheStandardLibraryChecksIt() throws {
        let invalid: [[UInt8]] = [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0xFF], [0x80]]
        for bytes in invalid {
            for escaped in [false, true] {
                let text = [0x22] + (escaped ? Array(#"\n"#.utf8) : []) + Array(repeating: 0x61, count: 9) + bytes + [0x22]
                let error = text.withUnsafeBufferPointer { buffer -> JSONSyntaxError? in
                    do throws(JSONSyntaxError) {
                        _ = try JSONParser.parse(buffer)
                        return nil
                    } catch {
                        return error
                    }
                }
                #expect(error?.message == "text is not valid UTF-8", "\(bytes) escaped: \(escaped)")
                #expect(error?.column == text.count + 1, "the column after the string's end, as before")
            }
        }
        var generator = SeededRandom(seed: 7)
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...12, using: &generator)
            let bytes = (0..<length).map { _ in
                UInt8.random(in: 0...3, using: &generator) == 0 ? UInt8.random(in: 0...255, using: &generator) : [0x61, 0xC3, 0xA9, 0xE6, 0xB1, 0x89, 0xF0, 0x9F][Int.random(in: 0...7, using: &generator)]
            }
            let ours = bytes.withUnsafeBufferPointer { JSONTape.isValidUTF8($0) }
            #expect(ours == (String(validating: bytes, as: UTF8.self) != nil), "\(bytes)")
        }
    }

    /// An interchange line whose keys, times, id and hash are written with escapes reads the
    /// same as the plain line (those are read from the text, the plain ones from the bytes).
    @Test func anEnvelopeWrittenWithEscapesReadsAsThePlainOne() throws {
        let plain = #"{"stream":"case-HZ-1","type":"PickedUp","occurredAt":"2026-12-03T22:10:00+08:00","eventId":"4696bf0a-4849-42af-b688-e9eca41bc41b","hash":"6dcbc3502fe3118227b20a02053d0ae693b98ebe0b9fc1326ecd1d3eff8f8d39","actor":{"id":"o","role":"outreach","org":"HZ-01"},"data":{"team":"t1","station":"HZ-01"}}"#
        let escaped = #"{"str\u0065am":"case-HZ-1","type":"PickedUp","occurredAt":"\u0032026-12-03T22:10:00+08:00","eventId":"4696bf0a-4849-42af-b688-e9eca41bc41\u0062","hash":"6dcbc3502fe3118227b20a02053d0ae693b98ebe0b9fc1326ecd1d3eff8f8d3\u0039","actor":{"id":"o","role":"outreach","org":"HZ-01"},"data":{"team":"t1","station":"HZ-01"}}"#
        let (lines, errors) = JSONLinesReader().read(Array((plain + "\n" + escaped + "\n").utf8))
        #expect(errors.isEmpty)
        #expect(lines.count == 2)
        #expect(lines.first?.record == lines.last?.record)
        #expect(lines.first?.record.hash?.description.hasPrefix("6dcbc350") == true)
        let badTime = escaped.replacingOccurrences(of: #""\u0032026-12-03"#, with: #""\u0032026-13-03"#)
        let error = JSONLinesReader().read(Array(badTime.utf8)).errors.first
        #expect(error?.key == "occurredAt")
        #expect(error?.problem.contains("'2026-13-03T22:10:00+08:00'") == true, "the message quotes the text, unescaped")
    }
}

/// An import reads each line's `data` straight from its tape into the typed event; every other
/// reader builds the JSON value first. Both must accept and refuse the same lines, with the same
/// errors, and give the same events and payloads.
struct TapeDataTests {
    static func outcome(_ reader: JSONLinesReader, _ bytes: [UInt8]) -> (lines: [String], errors: [String]) {
        let (lines, errors) = reader.read(bytes)
        return (
            lines.map { line in
                var record = line.record
                record.data = .object(JSONObject())
                return "\(line.number) \(record) \(line.payload.bytes) \(line.event)"
            },
            errors.map(\.description)
        )
    }

    @Test func aLineReadsTheSameStraightFromItsBytesAsThroughAJSONValue() throws {
        let campaign = String(decoding: try Fixtures.bytes("campaigns/small-winter.jsonl"), as: UTF8.self).split(separator: "\n").map(String.init)
        var variants: [String] = []
        for line in campaign.prefix(400) {
            variants.append(line)
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let data = object["data"] as? [String: Any] ?? [:]
            for key in data.keys.sorted() + ["unknownKey"] {
                for literal in ["null", "[1]", #"{"x":1}"#, #""text""#, "1.5", "30.0", "7", "true", "[\"cold\",1]", #"[{"x":1}]"#] {
                    var changed = data
                    changed[key] = "MARK"
                    var record = object
                    record["data"] = changed
                    let text = String(decoding: try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]), as: UTF8.self)
                    variants.append(text.replacingOccurrences(of: #""MARK""#, with: literal))
                }
                var without = data
                without[key] = nil
                var record = object
                record["data"] = without
                variants.append(String(decoding: try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]), as: UTF8.self))
            }
        }
        let bytes = Array(variants.joined(separator: "\n").utf8)
        let fromBytes = Self.outcome(JSONLinesReader(registry: .standard, keepsData: false), bytes)
        let throughJSON = Self.outcome(JSONLinesReader(), bytes)
        #expect(fromBytes.errors.count > 1_000 && fromBytes.lines.count > 1_000, "both kinds of line occur")
        for (name, ours, reference) in [("errors", fromBytes.errors, throughJSON.errors), ("lines", fromBytes.lines, throughJSON.lines)] {
            #expect(ours.count == reference.count, "as many \(name)")
            if let first = zip(ours, reference).first(where: { $0 != $1 }) {
                Issue.record("the first of the \(name) that differ: \(first.0) | through a JSON value: \(first.1)")
            }
        }
        // A reader that does not keep `data` keeps it where the content names the event.
        let withoutId = campaign[0].replacingOccurrences(of: #""eventId":"2d57d111-aaa7-4125-8268-12f2dd4016ec","#, with: "")
        let kept = JSONLinesReader(registry: .standard, keepsData: false).read(Array(withoutId.utf8)).lines.first
        #expect(kept?.record.eventId == nil)
        #expect(kept?.record.data == JSONLinesReader().read(Array(withoutId.utf8)).lines.first?.record.data)
        #expect(kept?.record.data != .object(JSONObject()))
    }
}
