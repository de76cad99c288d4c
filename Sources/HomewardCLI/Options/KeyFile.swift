import ArgumentParser
import Foundation
import HomewardStore

/// Reads a PEM key file and parses it, or prints why not and exits with code 2.
func readKeyFile<Key>(_ path: String, _ parse: (String) throws(CheckpointKeyError) -> Key) throws -> Key {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        printError("cannot read the key file \(path)")
        throw ExitCode(2)
    }
    do {
        return try parse(text)
    } catch {
        printError("\(path): \(error)")
        throw ExitCode(2)
    }
}
