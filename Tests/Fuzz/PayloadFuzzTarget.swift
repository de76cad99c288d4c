// libFuzzer target: any bytes as a stored payload. The first byte picks an event type of the
// catalogue, the second the codec (plain or sealed binary); the rest is the payload. Decoding
// must succeed or throw PayloadDecodingError: never crash, never read out of bounds.
// Built and run by Tests/Fuzz/run-fuzzer.sh; not part of the package's targets.
import Foundation
import Homeward
import HomewardStore

let registry = EventRegistry.standard
let types = registry.typeNames

/// Before fuzzing: with HOMEWARD_FUZZ_SEEDS=FILE.jsonl and HOMEWARD_FUZZ_CORPUS=DIR, writes the
/// payload of every line of the file into DIR as a seed, once plain and once sealed under a key of
/// a throwaway key store, each behind its type and codec bytes.
@_cdecl("LLVMFuzzerInitialize")
public func initializeFuzzer(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    let environment = ProcessInfo.processInfo.environment
    guard let file = environment["HOMEWARD_FUZZ_SEEDS"], let corpus = environment["HOMEWARD_FUZZ_CORPUS"],
        let bytes = FileManager.default.contents(atPath: file)
    else { return 0 }
    let keyDirectory = NSTemporaryDirectory() + "homeward-fuzz-keys-\(ProcessInfo.processInfo.processIdentifier)"
    defer { try? FileManager.default.removeItem(atPath: keyDirectory) }
    let sealing = (try? KeyStore(path: keyDirectory)).map { registry.withKeys($0) }
    for (number, line) in JSONLinesReader().read(Array(bytes)).lines.enumerated() {
        guard let typeIndex = types.firstIndex(of: line.record.type), line.payload.codec == .binary else { continue }
        let prefix = [UInt8(typeIndex)]
        try? Data(prefix + [0] + line.payload.bytes).write(to: URL(fileURLWithPath: "\(corpus)/fixture-\(number)"))
        var events = [line.record.newEvent(payload: line.payload)]
        if let sealing, (try? sealing.seal(&events, keyNames: ["case:fuzz"])) != nil, events[0].payload.codec == .sealedBinary {
            try? Data(prefix + [1] + events[0].payload.bytes).write(to: URL(fileURLWithPath: "\(corpus)/fixture-sealed-\(number)"))
        }
    }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPayload(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard count >= 2 else { return 0 }
    let input = UnsafeRawBufferPointer(start: start, count: count)
    let typeName = types[Int(input[0]) % types.count]
    guard let schema = registry.schema(typeName, version: registry.currentVersion(of: typeName)!) else { return 0 }
    let payload = UnsafeRawBufferPointer(rebasing: input[2...])
    if input[1] & 1 == 0 {
        if let event = try? schema.decode(payload) {
            // What decodes is written again byte for byte.
            _ = event.json.serialized
        }
        _ = try? schema.storedJSON(payload)
        // Passed over, the personal fields read as placeholders and the others as they are.
        _ = try? schema.decode(payload, personal: .passedOver)
    } else if let parts = try? PersonalSealing.parts(of: payload) {
        // A sealed payload whose key is gone reads its personal fields as forgotten.
        _ = try? schema.decode(parts.clear, personal: .forgotten)
        _ = try? schema.decode(parts.clear, personal: .opened(parts.sealed))
    }
    return 0
}
