import ArgumentParser
import Foundation
import Homeward

#if canImport(Glibc)
import Glibc
#endif

/// How data is printed: `--format table|json|csv` (a table on a terminal, JSON otherwise).
struct OutputOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json, csv
    }

    @Option(help: "table, json or csv (default: table on a terminal, json otherwise).")
    var format: Format?

    var resolved: Format {
        format ?? (isatty(STDOUT_FILENO) == 1 ? .table : .json)
    }

    /// Prints rows under headers: JSON as an array of objects with the headers as keys.
    func print(headers: [String], rows: [[JSONValue]]) throws {
        switch resolved {
        case .json:
            let objects = rows.map { row in JSONValue.object(JSONObject(Array(zip(headers, row)))) }
            write(JSONValue.array(objects).serialized + "\n")
        case .csv:
            var text = headers.map(csvField).joined(separator: ",") + "\n"
            for row in rows { text += row.map { csvField(plain($0)) }.joined(separator: ",") + "\n" }
            write(text)
        case .table:
            write(table(headers: headers, rows: rows.map { $0.map(plain) }))
        }
    }

    /// Prints rows as a table or CSV, or, for JSON, the objects given (whose keys are the
    /// contract's, which a table's compact columns are not).
    func print(headers: [String], rows: [[JSONValue]], json objects: [JSONValue]) throws {
        if resolved == .json {
            write(JSONValue.array(objects).serialized + "\n")
        } else {
            try print(headers: headers, rows: rows)
        }
    }

    /// Prints one object: as it is for JSON, as key and value rows for a table or CSV.
    func printKeyValues(_ object: JSONObject) throws {
        switch resolved {
        case .json: write(JSONValue.object(object).serialized + "\n")
        case .csv, .table:
            try print(headers: ["key", "value"], rows: object.members.map { [.string($0.key), $0.value] })
        }
    }

    /// Prints one JSON value, or lines of text for a table.
    func printDocument(_ json: JSONValue, table text: () -> String) {
        switch resolved {
        case .json: write(json.serialized + "\n")
        case .csv, .table: write(text())
        }
    }

    func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

/// A value as plain text for tables and CSV.
func plain(_ value: JSONValue) -> String {
    switch value {
    case .null: return ""
    case .string(let text): return text
    case .array(let elements): return elements.map(plain).joined(separator: " ")
    default: return value.serialized
    }
}

func csvField(_ text: String) -> String {
    text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
}

/// Aligned columns, numbers right-aligned.
func table(headers: [String], rows: [[String]]) -> String {
    var widths = headers.map(\.count)
    for row in rows {
        for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
    }
    func line(_ cells: [String]) -> String {
        var text = cells.enumerated().map { index, cell in
            cell + String(repeating: " ", count: max(0, widths[index] - cell.count))
        }.joined(separator: "  ")
        while text.last == " " { text.removeLast() }
        return text
    }
    return ([line(headers), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line)).joined(separator: "\n") + "\n"
}
