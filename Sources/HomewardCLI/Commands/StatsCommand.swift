import ArgumentParser
import Foundation
import Homeward
import HomewardStore

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "A period's statistics [from, to): the contract's figures, by region if asked.",
        discussion: "Example: homeward stats --from 2026-12-01 --to 2027-01-01 --region 3301 --level 6"
    )

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var rulesOptions: RulesOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "The first local date.") var from: String
    @Option(help: "The local date the period ends before.") var to: String
    @Option(help: "Only cases whose region starts with this prefix.") var region: String?
    @Option(help: "Give one column per region rolled up to 2, 4, 6 or 9 digits.") var level: Int?
    @Option(help: "What was known at T: replay only the records recorded at or before T.") var asOfRecorded: String?

    func validate() throws {
        if let level, ![2, 4, 6, 9, 12].contains(level) { throw ValidationError("--level must be 2, 4, 6 or 9.") }
    }

    func run() throws {
        let context = try QueryContext(storeOptions, rulesOptions)
        let start = try parseDate(from, option: "--from")
        let end = try parseDate(to, option: "--to")
        guard start < end else {
            printError("--from \(from) is not before --to \(to)")
            throw ExitCode(2)
        }
        var results: [ReliefProjections.RegionStatistics]
        if let asOfRecorded {
            let model = try ReliefModel(store: context.store, configuration: context.configuration, recordedBy: parseTime(asOfRecorded, option: "--as-of-recorded"))
            let regions: [String?]
            if let level, level > (region?.count ?? 0) {
                regions = Set(model.contributions().compactMap(\.region).filter { $0.hasPrefix(region ?? "") && $0.count >= level }.map { String($0.prefix(level)) }).sorted()
            } else {
                regions = [region]
            }
            results = regions.map { ReliefProjections.RegionStatistics(region: $0, statistics: model.statistics(from: start, to: end, regionPrefix: $0)) }
        } else {
            results = try context.projections().statistics(from: start, to: end, regionPrefix: region, level: level)
        }
        if results.isEmpty {
            printError("no case has a region starting with \(region ?? "")")
            throw ExitCode(1)
        }
        let documents = try results.map { result in
            JSONValue.object([
                "from": .string(start.description), "to": .string(end.description),
                "region": result.region.map { .string($0) } ?? .null, "level": level.map { .integer($0) } ?? .null,
                "asOfRecorded": try asOfRecorded.map { .string(try parseTime($0, option: "--as-of-recorded").rfc3339) } ?? .null,
                "statistics": result.statistics.json,
            ])
        }
        switch output.resolved {
        case .json:
            output.write(JSONValue.array(documents).serialized + "\n")
        case .table, .csv:
            let columns = results.map { $0.region ?? "all" }
            let flattened = results.map { flatten($0.statistics.json) }
            // Regions may list different items: the rows are every key seen, in first-seen order.
            var keys: [String] = []
            for entry in flattened { for (key, _) in entry where !keys.contains(key) { keys.append(key) } }
            let lookups = flattened.map { Dictionary($0, uniquingKeysWith: { first, _ in first }) }
            let rows = keys.map { key in [key] + lookups.map { $0[key].map(plain) ?? "0" } }
            if output.resolved == .csv {
                output.write((["figure"] + columns).map(csvField).joined(separator: ",") + "\n" + rows.map { $0.map(csvField).joined(separator: ",") }.joined(separator: "\n") + "\n")
            } else {
                output.write("\(start) to \(end)\(try asOfRecorded.map { ", as known at \(try parseTime($0, option: "--as-of-recorded").rfc3339)" } ?? "")\n" + table(headers: ["figure"] + columns, rows: rows))
            }
        }
    }

    /// Nested objects as dotted keys, in order.
    func flatten(_ value: JSONValue, prefix: String = "") -> [(String, JSONValue)] {
        guard case .object(let object) = value else { return [(prefix, value)] }
        return object.members.flatMap { member -> [(String, JSONValue)] in
            let key = prefix.isEmpty ? member.key : "\(prefix).\(member.key)"
            if case .object = member.value { return flatten(member.value, prefix: key) }
            return [(key, member.value)]
        }
    }
}
