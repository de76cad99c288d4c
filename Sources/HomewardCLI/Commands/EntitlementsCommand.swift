import ArgumentParser
import Foundation
import Homeward
import HomewardStore

struct EntitlementsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "entitlements",
        abstract: "Entitlement checks (dibao, tekun, medical and temporary assistance, child protection) of people who returned home.",
        discussion: "Example: homeward entitlements --all --program dibao --status eligible --now 2027-03-01"
    )

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var rulesOptions: RulesOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "A person id (any of their linked ids).") var person: String?
    @Flag(help: "Every person who returned home.") var all = false
    @Option(help: "Only this programme.") var program: Program?
    @Option(help: "Only people with a programme in this status.") var status: EntitlementStatus?
    @Option(help: "The query time (default: the clock).") var now: String?

    func validate() throws {
        if (person == nil) == !all { throw ValidationError("Give a person id or --all.") }
    }

    func run() throws {
        let context = try QueryContext(storeOptions, rulesOptions)
        let time = try now.map { try parseTime($0, option: "--now") } ?? .now
        let projections = try context.projections()
        var people: [ReliefProjections.PersonEntitlements]
        if let person {
            guard let found = try projections.entitlements(of: person, at: time) else {
                printError("person \(person) has not returned home (no ReturnedHome or CollectedByRelative) by \(time.rfc3339)")
                throw ExitCode(2)
            }
            people = [found]
        } else {
            people = try projections.entitlements(program: program, status: status, at: time)
        }
        let programs = program.map { [$0] } ?? EntitlementRules.programs
        switch output.resolved {
        case .json:
            let documents = people.map { person in
                JSONValue.object([
                    "personId": .string(person.personId), "asOf": .string(person.asOf.rfc3339),
                    "programs": .object(JSONObject(programs.map { ($0.rawValue, person.programs[$0]!.json) })),
                ])
            }
            output.write(JSONValue.array(documents).serialized + "\n")
        case .table, .csv:
            try output.print(
                headers: ["personId", "program", "status", "eligibility", "reasons", "missing"],
                rows: people.flatMap { person in
                    programs.map { program in
                        let check = person.programs[program]!
                        return [.string(person.personId), .string(program.rawValue), .string(check.status.rawValue), .string(check.eligibility.rawValue),
                                .array(check.reasons.map { .string($0) }), .array(check.missing.map { .string($0) })]
                    }
                }
            )
        }
    }
}
