import ArgumentParser
import Foundation
import HomewardStore

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the hash chain and every index; exit 1 when a problem is found.",
        discussion: "Example: homeward verify --expect-position 120 --expect-hash 3f1c…"
    )

    @OptionGroup var storeOptions: StoreOptions
    @Option(help: "A head position kept elsewhere, to prove the log still holds it.") var expectPosition: UInt64?
    @Option(help: "The chain hash at --expect-position, in hexadecimal.") var expectHash: String?

    func run() throws {
        let store = try storeOptions.open(readOnly: true)
        var expected: StoreHead?
        if let expectPosition {
            guard let text = expectHash, let hash = ChainHash(hex: text) else {
                printError("--expect-position needs --expect-hash with 64 hexadecimal digits")
                throw ExitCode(2)
            }
            expected = StoreHead(position: expectPosition, hash: hash, recordedAt: nil)
        }
        let report = try store.verify(expecting: expected)
        print("checked \(report.eventsChecked) events in \(report.streamsChecked) streams up to position \(report.head.position)")
        print("head hash \(report.head.hash.hex)")
        if report.isSound {
            print("sound: the hash chain and every index agree")
            return
        }
        for problem in report.problems {
            let more = (report.problemCounts[problem.kind] ?? 1) - 1
            print("problem (\(problem.kind)): \(problem)\(more > 0 ? " (and \(more) more of this kind)" : "")")
        }
        throw ExitCode(1)
    }
}
