import ArgumentParser
import Foundation
import HomewardStore

struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Make an Ed25519 key pair for signing checkpoints.",
        discussion: """
            Writes the private key to KEY.pem (owner-only) and the public key to KEY.pub, both PEM as \
            OpenSSL writes them. Keep the private key with whoever signs checkpoints and hand the \
            public key to auditors. Refuses to overwrite an existing file.
            Example: homeward keygen --out checkpoint-key
            """
    )

    @Option(help: "The path without extension: writes PATH.pem and PATH.pub.") var out: String

    func run() throws {
        let key = CheckpointSigningKey()
        let privatePath = out + ".pem"
        let publicPath = out + ".pub"
        for path in [privatePath, publicPath] where FileManager.default.fileExists(atPath: path) {
            printError("\(path) exists; a key is never overwritten")
            throw ExitCode(2)
        }
        guard FileManager.default.createFile(atPath: privatePath, contents: Data(key.pem.utf8), attributes: [.posixPermissions: 0o600]),
            FileManager.default.createFile(atPath: publicPath, contents: Data(key.publicKey.pem.utf8), attributes: [.posixPermissions: 0o644])
        else {
            printError("cannot write \(privatePath) and \(publicPath)")
            throw ExitCode(2)
        }
        print("private key: \(privatePath) (keep it secret)")
        print("public key: \(publicPath) (\(key.publicKey.hex))")
    }
}
