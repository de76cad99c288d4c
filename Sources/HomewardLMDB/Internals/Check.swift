internal import HomewardCLMDB

/// The one funnel every LMDB call's return code goes through.
///
/// - Parameters:
///   - returnCode: What the C function returned.
///   - operation: The C function's name, kept in the error.
/// - Throws: ``LMDBError`` unless `returnCode` is `MDB_SUCCESS`.
@inline(__always)
func check(_ returnCode: Int32, _ operation: StaticString) throws(LMDBError) {
    if returnCode != MDB_SUCCESS {
        throw LMDBError(LMDBError.Code(rawValue: returnCode), operation: "\(operation)")
    }
}

/// Like ``check(_:_:)`` but reports `MDB_NOTFOUND` as `false` instead of an error.
///
/// - Returns: `true` when the call succeeded, `false` when LMDB found nothing.
@inline(__always)
func checkFound(_ returnCode: Int32, _ operation: StaticString) throws(LMDBError) -> Bool {
    if returnCode == MDB_NOTFOUND { return false }
    try check(returnCode, operation)
    return true
}
