import Foundation
import HomewardTesting

/// Runs the built `homeward` executable and collects what it printed.
struct CLIResult {
    var status: Int32
    var output: String
    var errors: String
}

func homeward(_ arguments: [String], environment: [String: String] = [:]) throws -> CLIResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try BuiltExecutable.path(named: "homeward"))
    process.arguments = arguments
    var variables = ProcessInfo.processInfo.environment
    for (key, value) in environment { variables[key] = value }
    variables["HOMEWARD_STORE"] = nil
    process.environment = variables
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CLIResult(status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self), errors: String(decoding: errorData, as: UTF8.self))
}

/// A store holding the fixture campaign, imported once per test run through the CLI.
enum FixtureStore {
    static let directory = try! TemporaryDirectory(prefix: "homeward-cli")
    static let path: String = {
        let path = directory.appending("fixture.store")
        let result = try! homeward(["import", Fixtures.path("campaigns/small-winter.jsonl"), "--store", path])
        precondition(result.status == 0, result.errors)
        return path
    }()
}
