import ArgumentParser
import Foundation
import Homeward
import HomewardStore

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the data file's pages, the hash chain, every index, that every event decodes, and that every projection equals a fresh rebuild.",
        discussion: """
            First audits the page structure of data.mdb without LMDB; when a page is damaged it lists \
            every problem and reads nothing through LMDB. Prints what it checked and the first problem \
            of each kind; exits 0 when all is sound, 1 when a problem is found, 3 when the store \
            cannot be opened. With --checkpoint (a JSON file {"position": N, "hash": "…"} \
            kept elsewhere, such as the output of `homeward head --format json`), also proves that the \
            log still begins with exactly that prefix.
            Example: homeward verify --checkpoint head-2027-01-31.json
            """
    )

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var rulesOptions: RulesOptions
    @Option(help: "A head kept elsewhere: a JSON file with position and hash, signed or not.") var checkpoint: String?
    @Option(help: "The signer's public key (PEM): --checkpoint must then be signed by it.") var publicKey: String?
    @Option(help: "A head position kept elsewhere.") var expectPosition: UInt64?
    @Option(help: "The chain hash at --expect-position, in hexadecimal.") var expectHash: String?

    func run() throws {
        // The page audit reads data.mdb without LMDB, before LMDB opens it: LMDB keeps no
        // checksums, and a damaged page could crash it or make it read wrong data.
        let pages = EventStore.verifyPages(ofStoreAt: storeOptions.path)
        if let pages, !pages.isSound {
            printPageProblems(pages)
            throw ExitCode(1)
        }
        let store = try storeOptions.open()
        var expected: StoreHead?
        if let checkpoint {
            guard let data = FileManager.default.contents(atPath: checkpoint) else {
                printError("cannot read the checkpoint \(checkpoint)")
                throw ExitCode(2)
            }
            guard let json = try? JSONParser.parse(String(decoding: data, as: UTF8.self)),
                case .integer(let position)? = json["position"], let hash = json["hash"]?.stringValue.flatMap(ChainHash.init(hex:))
            else {
                printError("\(checkpoint) is not a checkpoint: a JSON object with \"position\" and a 64-digit \"hash\"")
                throw ExitCode(2)
            }
            expected = StoreHead(position: UInt64(position), hash: hash)
            if let publicKey {
                try checkSignature(checkpointText: String(decoding: data, as: UTF8.self), publicKeyPath: publicKey)
            }
        } else if let expectPosition {
            guard let text = expectHash, let hash = ChainHash(hex: text) else {
                printError("--expect-position needs --expect-hash with 64 hexadecimal digits")
                throw ExitCode(2)
            }
            expected = StoreHead(position: expectPosition, hash: hash)
        }
        if publicKey != nil, checkpoint == nil {
            printError("--public-key checks the signature of --checkpoint: give both")
            throw ExitCode(2)
        }
        let progress = Progress("verify", total: try store.head().position)
        let report = try store.verify(expecting: expected, checkingPages: pages == nil) { checked, _ in progress.update(checked) }
        progress.finish()
        if report.problemCounts[.pageStructure] != nil {
            printPageProblems(report)
            throw ExitCode(1)
        }
        print("the page structure of \((pages ?? report).pagesChecked) pages is sound")
        print("checked \(report.eventsChecked) events in \(report.streamsChecked) streams up to position \(report.head.position)")
        print("head hash \(report.head.hash.hex)")
        var sound = report.isSound
        for problem in report.problems {
            let more = (report.problemCounts[problem.kind] ?? 1) - 1
            print("problem (\(problem.kind)): \(problem)\(more > 0 ? " (and \(more) more of this kind)" : "")")
        }
        if let expected, report.isSound {
            print("the log still begins with the checkpoint's prefix up to position \(expected.position)")
        }
        // Every event decodes with its registered type (upcast to the current schema).
        var undecodable = 0
        var unknown: [String: Int] = [:]
        var firstUndecodable: String?
        do {
            // Decoded on the threads that read ahead; every event is judged, also after a bad one.
            let registry = EventRegistry.standard.withKeys(store.keys)
            try store.forEachEvent(deriving: { event in Result { () throws(EventDecodingError) in try registry.decode(event) } }) { _, decoded in
                switch decoded {
                case .success(.unknown(let kept)):
                    unknown["\(kept.typeName) v\(kept.schemaVersion)", default: 0] += 1
                case .success:
                    break
                case .failure(let error):
                    undecodable += 1
                    if firstUndecodable == nil { firstUndecodable = "\(error)" }
                }
            }
        } catch {
            // A record too damaged to read as an event at all (the log walk above names it).
            undecodable += 1
            if firstUndecodable == nil { firstUndecodable = "\(error)" }
        }
        if let firstUndecodable {
            sound = false
            print("problem (payload): \(firstUndecodable)\(undecodable > 1 ? " (and \(undecodable - 1) more)" : "")")
        } else {
            print("every event decodes with its registered type")
        }
        for (type, count) in unknown.sorted(by: { $0.key < $1.key }) { print("kept \(count) events of a type this version does not know: \(type)") }
        // Every projection equals a fresh in-memory rebuild; not rebuilt from a log already found
        // damaged, whose altered records could hold anything (a stay thousands of years long).
        if !report.isSound {
            print("the projections were not compared with a rebuild: the log has problems")
        } else if firstUndecodable == nil, !store.options.readOnly {
            let configuration = try rulesOptions.load()
            do {
                let projections = try ReliefProjections(store: store, configuration: configuration)
                let differences = try projections.differences(from: ReliefModel(store: store, configuration: configuration))
                if differences.isEmpty {
                    print("every projection equals a fresh rebuild")
                } else {
                    sound = false
                    print("problem (projection): \(differences[0])\(differences.count > 1 ? " (and \(differences.count - 1) more)" : "")")
                }
            } catch {
                sound = false
                print("problem (projection): the projections cannot be rebuilt and compared: \(error)")
            }
        }
        print(sound ? "sound" : "NOT sound")
        if !sound { throw ExitCode(1) }
    }

    /// Prints one line per page problem, then `NOT sound`.
    private func printPageProblems(_ report: VerificationReport) {
        print("checked the page structure of \(report.pagesChecked) pages: the data file is damaged, so nothing was read through LMDB")
        for problem in report.problems where problem.kind == .pageStructure {
            print("problem (\(problem.kind)): \(problem)")
        }
        print("NOT sound")
    }

    /// Checks a signed checkpoint against a public key given separately; exits 1 when it is
    /// unsigned, altered or signed by another key.
    private func checkSignature(checkpointText: String, publicKeyPath: String) throws {
        let key = try readKeyFile(publicKeyPath) { (text) throws(CheckpointKeyError) in try CheckpointPublicKey(pem: text) }
        let signed: SignedCheckpoint?
        let problem: String?
        do {
            signed = try SignedCheckpoint(json: checkpointText)
            problem = signed?.signatureProblem(with: key)
        } catch {
            signed = nil
            problem = "\(error)"
        }
        guard let signed, problem == nil else {
            print("problem (checkpointSignature): \(problem ?? "")")
            print("NOT sound")
            throw ExitCode(1)
        }
        print("the checkpoint of position \(signed.position), signed \(signed.signedAt), carries a valid signature of \(publicKeyPath)")
    }
}
