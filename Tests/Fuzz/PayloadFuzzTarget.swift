// libFuzzer target: any bytes as a stored payload. The first byte picks an event type of the
// catalogue, the second the codec (plain or sealed binary); the rest is the payload. Decoding
// must succeed or throw PayloadDecodingError: never crash, never read out of bounds.
// Built and run by Tests/Fuzz/run-fuzzer.sh; not part of the package's targets.
import Homeward
import HomewardStore

let registry = EventRegistry.standard
let types = registry.typeNames

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
    } else if let parts = try? PersonalSealing.parts(of: payload) {
        // A sealed payload whose key is gone reads its personal fields as forgotten.
        _ = try? schema.decode(parts.clear, personal: .forgotten)
        _ = try? schema.decode(parts.clear, personal: .opened(parts.sealed))
    }
    return 0
}
