import ArgumentParser
import Foundation
import HomewardStore

struct CheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Sign the store's head (position, hash, time) with an Ed25519 key.",
        discussion: """
            Keep the file where the service cannot change it. Later, \
            `homeward verify --checkpoint FILE --public-key KEY.pub` proves that the log still begins \
            with exactly that prefix and that the checkpoint was signed by that key.
            Example: homeward checkpoint --key checkpoint-key.pem --out checkpoint-2027-03-01.json
            """
    )

    @OptionGroup var storeOptions: StoreOptions
    @Option(help: "The private key (PEM), from `homeward keygen`.") var key: String
    @Option(help: "Where to write the signed checkpoint (JSON); standard output when left out.") var out: String?

    func run() throws {
        let signingKey = try readKeyFile(key) { (text) throws(CheckpointKeyError) in try CheckpointSigningKey(pem: text) }
        let store = try storeOptions.open(readOnly: true)
        let checkpoint = try SignedCheckpoint(head: try store.head(), key: signingKey)
        if let out {
            guard FileManager.default.createFile(atPath: out, contents: Data((checkpoint.json + "\n").utf8)) else {
                printError("cannot write \(out)")
                throw ExitCode(2)
            }
            print("signed position \(checkpoint.position), hash \(checkpoint.hash), into \(out)")
        } else {
            print(checkpoint.json)
        }
    }
}
