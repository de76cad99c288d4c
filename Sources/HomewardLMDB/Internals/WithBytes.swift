/// Lends the bytes of an array to a closure that throws only ``LMDBError``.
@inline(__always)
func withBytes<R>(_ array: [UInt8], _ body: (UnsafeRawBufferPointer) throws(LMDBError) -> R) throws(LMDBError) -> R {
    do {
        return try array.withUnsafeBytes { try body($0) }
    } catch {
        // The body throws only LMDBError.
        throw error as! LMDBError
    }
}
