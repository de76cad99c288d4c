import Foundation

/// Lines and stations per region (contract section 6), loaded from a JSON file.
///
/// For each setting the most specific region prefix that defines it wins: a city inherits its
/// province's `medicalAssistance.lowIncomeFactor` unless it sets its own. Unknown keys are
/// ignored.
public struct RegionConfiguration: Sendable, Hashable {
    /// One region prefix's settings.
    public struct Settings: Sendable, Hashable {
        /// The minimum-living-security line, CNY per person per month.
        public var dibaoLine: Double?
        /// The medical-assistance widening factor f (income below f × line).
        public var lowIncomeFactor: Double?
    }

    /// A station.
    public struct Station: Sendable, Hashable {
        public var name: String
        /// Its 12-digit region code.
        public var region: String
    }

    /// The configuration's name.
    public var name: String
    /// Local dates.
    public var calendar: LocalCalendar
    /// Settings by region prefix.
    public var regions: [String: Settings]
    /// Stations by id.
    public var stations: [String: Station]

    /// A configuration with no lines and no stations, in China Standard Time.
    public static let empty = RegionConfiguration(name: "empty", calendar: .chinaStandardTime, regions: [:], stations: [:])

    /// Creates a configuration.
    public init(name: String, calendar: LocalCalendar, regions: [String: Settings], stations: [String: Station]) {
        self.name = name
        self.calendar = calendar
        self.regions = regions
        self.stations = stations
    }

    /// Reads a configuration file.
    /// - Parameter path: The JSON file.
    /// - Throws: ``ConfigurationError`` naming the file and the key at fault.
    public init(contentsOf path: String) throws(ConfigurationError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(file: path, key: nil, problem: "cannot be read")
        }
        let json: JSONValue
        do {
            json = try data.withUnsafeBytes { (bytes) throws(JSONSyntaxError) in try JSONParser.parse(bytes.assumingMemoryBound(to: UInt8.self)) }
        } catch {
            throw ConfigurationError(file: path, key: nil, problem: "is not valid JSON: \(error)")
        }
        try self.init(json: json, file: path)
    }

    /// Reads a configuration from JSON.
    public init(json: JSONValue, file: String = "(configuration)") throws(ConfigurationError) {
        func fail(_ key: String, _ problem: String) -> ConfigurationError { ConfigurationError(file: file, key: key, problem: problem) }
        guard case .object(let root) = json else { throw fail("(root)", "expected an object") }
        name = root["name"]?.stringValue ?? "unnamed"
        if let offset = root["localUtcOffset"] {
            guard let text = offset.stringValue, let calendar = LocalCalendar(offset: text) else {
                throw fail("localUtcOffset", "expected an offset such as +08:00")
            }
            self.calendar = calendar
        } else {
            calendar = .chinaStandardTime
        }
        func number(_ value: JSONValue?, _ key: String) throws(ConfigurationError) -> Double? {
            switch value {
            case nil, .null?: return nil
            case .integer(let number)?: return Double(number)
            case .number(let number)?: return number
            default: throw fail(key, "expected a number")
            }
        }
        var regions: [String: Settings] = [:]
        if let value = root["regions"] {
            guard case .object(let object) = value else { throw fail("regions", "expected an object") }
            for (prefix, settings) in object.members {
                guard !prefix.isEmpty, prefix.allSatisfy({ $0.isASCII && $0.isNumber }), prefix.count <= 12 else {
                    throw fail("regions.\(prefix)", "a region prefix is 1 to 12 digits")
                }
                guard case .object(let fields) = settings else { throw fail("regions.\(prefix)", "expected an object") }
                let line = try number(fields["dibaoLine"], "regions.\(prefix).dibaoLine")
                var factor: Double?
                if let medical = fields["medicalAssistance"] {
                    guard case .object(let medicalFields) = medical else { throw fail("regions.\(prefix).medicalAssistance", "expected an object") }
                    factor = try number(medicalFields["lowIncomeFactor"], "regions.\(prefix).medicalAssistance.lowIncomeFactor")
                }
                regions[prefix] = Settings(dibaoLine: line, lowIncomeFactor: factor)
            }
        }
        var stations: [String: Station] = [:]
        if let value = root["stations"] {
            guard case .object(let object) = value else { throw fail("stations", "expected an object") }
            for (id, station) in object.members {
                guard let region = station["region"]?.stringValue else { throw fail("stations.\(id).region", "missing region") }
                stations[id] = Station(name: station["name"]?.stringValue ?? id, region: region)
            }
        }
        self.regions = regions
        self.stations = stations
    }

    private func mostSpecific<T>(_ region: String, _ value: (Settings) -> T?) -> T? {
        var prefix = String(region.prefix(12))
        while !prefix.isEmpty {
            if let settings = regions[prefix], let found = value(settings) { return found }
            prefix.removeLast()
        }
        return nil
    }

    /// The dibao line of a region: the most specific prefix that sets one.
    public func dibaoLine(for region: String) -> Double? { mostSpecific(region) { $0.dibaoLine } }

    /// The medical-assistance widening factor of a region, if configured.
    public func lowIncomeFactor(for region: String) -> Double? { mostSpecific(region) { $0.lowIncomeFactor } }

    /// The region of a station, if configured.
    public func region(ofStation station: String) -> String? { stations[station]?.region }
}

/// A region configuration that cannot be used: the file, the key and the problem.
public struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var key: String?
    public var problem: String
    public var description: String { key.map { "\(file): key \($0): \(problem)" } ?? "\(file) \(problem)" }
}
