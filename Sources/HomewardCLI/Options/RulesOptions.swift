import ArgumentParser
import Homeward

/// `--rules FILE`: the region configuration (contract section 6).
struct RulesOptions: ParsableArguments {
    @Option(help: "The region configuration file (default: the built-in illustrative Zhejiang figures).")
    var rules: String?

    func load() throws -> RegionConfiguration {
        guard let rules else { return .illustrative }
        do {
            return try RegionConfiguration(contentsOf: rules)
        } catch {
            printError("\(error)")
            throw ExitCode(2)
        }
    }
}
