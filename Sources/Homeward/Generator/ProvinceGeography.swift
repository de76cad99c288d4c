/// The cities, districts and relief stations of the generated campaigns: real-looking 12-digit
/// region codes of Zhejiang province (33). The codes follow the national scheme (province, city,
/// county or district, township or street, village or neighbourhood); the townships and villages
/// are illustrative.
public enum ProvinceGeography {
    /// A city with its districts and stations.
    public struct City: Sendable {
        public var name: String
        /// The 4-digit city code.
        public var code: String
        /// 6-digit county or district codes.
        public var districts: [String]
        /// Station ids.
        public var stations: [String]
    }

    /// The cities of the campaign.
    public static let cities: [City] = [
        City(name: "Hangzhou", code: "3301", districts: ["330102", "330105", "330106", "330108", "330110"], stations: ["HZ-01", "HZ-02", "HZ-03"]),
        City(name: "Ningbo", code: "3302", districts: ["330203", "330205", "330206", "330212"], stations: ["NB-01", "NB-02"]),
        City(name: "Wenzhou", code: "3303", districts: ["330302", "330303", "330304", "330381"], stations: ["WZ-01", "WZ-02"]),
        City(name: "Jiaxing", code: "3304", districts: ["330402", "330411", "330424"], stations: ["JX-01"]),
        City(name: "Shaoxing", code: "3306", districts: ["330602", "330603", "330604"], stations: ["SX-01"]),
        City(name: "Jinhua", code: "3307", districts: ["330702", "330703", "330782"], stations: ["JH-01", "JH-02"]),
    ]

    /// Home regions of people from outside the province (household registration codes).
    public static let homeRegions: [String] = [
        "330521104201", "330681110203", "331081001015", "341222109204", "411525102219", "512021113207",
        "430524101212", "362426106203", "522127105208", "610581100214", "130629104201", "230183112206",
    ]

    /// A village-level code in a district: township (3 digits) and village (3 digits) appended.
    public static func village(in district: String, township: Int, village: Int) -> String {
        district + pad(township, 3) + pad(village, 3)
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
