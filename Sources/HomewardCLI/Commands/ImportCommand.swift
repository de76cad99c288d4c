import ArgumentParser
import Foundation
import Homeward
import HomewardStore

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import an interchange JSON Lines file; nothing is appended if any line is invalid.",
        discussion: """
            Every bad line is listed (line, key, problem). Guard violations are errors unless \
            --record-violations, which stores them and lists them as findings. Re-importing the \
            same file is a no-op (event ids). With --policy, a line whose actor role may not record \
            its event type is an error naming the role, the type and the policy line.
            Example: homeward import Fixtures/campaigns/small-winter.jsonl --policy Fixtures/policy/sample.policy
            """
    )

    @OptionGroup var storeOptions: StoreOptions
    @Argument(help: "The JSON Lines file.") var file: String
    @Flag(help: "Store events that break a guard and list them as findings.") var recordViolations = false
    @Option(help: "A role policy file: which roles may record which event types.") var policy: String?
    @Option(help: """
        Check the whole file first, then append it in write transactions of this many events, \
        each durable on its own: a killed import leaves whole transactions, and importing the file \
        again appends the rest. By default the file is appended in one transaction while it is \
        checked: all of it or nothing, also when the import is killed.
        """) var batchSize: Int?

    func validate() throws {
        if let batchSize, batchSize < 1 { throw ValidationError("Please give --batch-size of at least 1.") }
    }

    func run() throws {
        // Mapped, not read: a file of ten million lines is 4 GB.
        let bytes: JSONLinesFile
        do {
            bytes = try JSONLinesFile(mapping: file)
        } catch {
            printError("\(error)")
            throw ExitCode(2)
        }
        var rolePolicy: RolePolicy?
        if let policy {
            guard let text = try? String(contentsOfFile: policy, encoding: .utf8) else {
                printError("cannot read the policy file \(policy)")
                throw ExitCode(2)
            }
            do {
                rolePolicy = try RolePolicy(text: text, source: policy)
            } catch {
                printError("\(error)")
                throw ExitCode(2)
            }
        }
        let store = try storeOptions.open(create: true)
        let importer = JSONLinesImporter(service: ReliefService(store: store, policy: rolePolicy))
        do {
            var progress: Progress?
            let report = try importer.importFile(bytes, recordViolations: recordViolations, transactionSize: batchSize) { done, total in
                if progress == nil { progress = Progress("import", total: UInt64(total)) }
                progress?.update(UInt64(done))
            }
            progress?.finish()
            if let positions = report.positions {
                print("appended \(report.appended) events at positions \(positions.lowerBound)–\(positions.upperBound)")
            } else {
                print("appended nothing")
            }
            if report.alreadyStored > 0 { print("\(report.alreadyStored) events were already stored (same event ids)") }
            for (type, count) in report.unknownTypes.sorted(by: { $0.key < $1.key }) {
                print("kept \(count) event\(count == 1 ? "" : "s") of a type this version does not know: \(type)")
            }
            for finding in report.findings { print("finding: \(finding)") }
            if !report.findings.isEmpty { throw ExitCode(1) }
        } catch let failure as JSONLinesImporter.Failure {
            printError("\(file): \(failure)")
            throw ExitCode(2)
        } catch let error as EventStoreError {
            if batchSize == nil {
                printError("\(file): the import stopped: \(error.message); nothing was imported")
            } else {
                printError("\(file): the import stopped: \(error.message); importing the same file again finishes it (events already stored are skipped)")
            }
            throw ExitCode(2)
        }
    }
}
