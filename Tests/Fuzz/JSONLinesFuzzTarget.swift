// libFuzzer target: any bytes as an interchange file. The JSON Lines reader must return lines or
// errors for every input: never crash, never hang, never read out of bounds (AddressSanitizer).
// Built and run by Tests/Fuzz/run-fuzzer.sh; not part of the package's targets.
import Homeward

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONLines(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    let (lines, errors) = JSONLinesReader().read(bytes)
    // Every error names a line of the input.
    for error in errors where error.line < 1 { fatalError("an error names line \(error.line)") }
    // Every valid line's event can be written as JSON and read back.
    for line in lines {
        let again = JSONLinesReader().read(Array(line.record.line.utf8))
        if again.lines.isEmpty { fatalError("line \(line.number) does not read back: \(again.errors)") }
    }
    return 0
}
