import HomewardLMDB

extension EventStore {
    /// How many bytes the first record takes in the log (its envelope and chain hash), for
    /// benchmarks and capacity planning; 0 for an empty store.
    public func storageSizeOfFirstEvent() -> Int {
        (try? read("reading position 1") { transaction in
            try transaction.get(storage.log, key: BigEndian.bytes(1)).map(\.count)
        }) ?? 0
    }

    /// The size of the store's memory map and the bytes its pages use.
    /// - Returns: The map size and the used bytes.
    public func mapUsage() -> (mapSize: Int, usedBytes: Int) {
        let info = storage.environment.info
        return (info.mapSize, (info.lastPageNumber + 1) * info.pageSize)
    }
}
