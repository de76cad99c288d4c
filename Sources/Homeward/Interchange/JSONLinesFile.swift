#if canImport(Glibc)
import Glibc
#endif

/// The bytes of a JSON Lines file to import: a byte array, or a file mapped into memory.
///
/// A mapped file is read straight from the page cache: importing a file of ten million lines
/// (4 GB) then needs no 4 GB copy of it in the process's own memory, and the kernel may drop
/// the pages already read when memory runs short. The file must not shrink while it is mapped
/// (reading a page past its new end stops the process); an import that stops stores nothing,
/// as when it is killed.
///
/// ```swift
/// let file = try JSONLinesFile(mapping: "campaign.jsonl")
/// let report = try JSONLinesImporter(service: service).importFile(file)
/// ```
public final class JSONLinesFile: @unchecked Sendable {
    // Unchecked: the bytes are never written after `init`, and a mapping is unmapped only by
    // `deinit`, when nothing can read it any more.
    private enum Storage {
        case array([UInt8])
        case mapped(UnsafeRawBufferPointer)
    }

    /// A file that could not be opened or mapped, with the system's reason.
    public struct OpenError: Error, CustomStringConvertible {
        /// The file.
        public let path: String
        /// Why, in the system's words.
        public let reason: String
        public var description: String { "cannot read \(path): \(reason)" }
    }

    private let storage: Storage

    /// The bytes of an array (held, not copied).
    /// - Parameter bytes: The file's contents.
    public init(bytes: [UInt8]) {
        storage = .array(bytes)
    }

    /// Maps the file at `path` into memory, read-only.
    /// - Parameter path: A regular file.
    /// - Throws: ``OpenError`` naming the file and the reason (missing, not a regular file,
    ///   unreadable).
    public init(mapping path: String) throws(OpenError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw OpenError(path: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw OpenError(path: path, reason: String(cString: strerror(errno))) }
        guard status.st_mode & S_IFMT == S_IFREG else { throw OpenError(path: path, reason: "not a regular file") }
        let size = Int(status.st_size)
        guard size > 0 else {
            storage = .array([])
            return
        }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
            throw OpenError(path: path, reason: String(cString: strerror(errno)))
        }
        // Read front to back: the kernel reads ahead of the parser.
        _ = madvise(address, size, MADV_SEQUENTIAL)
        storage = .mapped(UnsafeRawBufferPointer(start: address, count: size))
    }

    deinit {
        if case .mapped(let bytes) = storage {
            munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
        }
    }

    /// The file's size in bytes.
    public var count: Int {
        switch storage {
        case .array(let bytes): bytes.count
        case .mapped(let bytes): bytes.count
        }
    }

    /// Lends the file's bytes to `body`.
    /// - Parameter body: Reads the bytes; they are valid only during the call.
    /// - Returns: What `body` returns.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        switch storage {
        case .array(let bytes):
            // The array's method rethrows untyped errors: the typed one goes through a result.
            let result = bytes.withUnsafeBytes { buffer -> Result<R, E> in
                do throws(E) { return .success(try body(buffer)) } catch { return .failure(error) }
            }
            return try result.get()
        case .mapped(let bytes):
            return try withExtendedLifetime(self) { () throws(E) -> R in try body(bytes) }
        }
    }

    /// Lends the file's bytes to `body` as UTF-8 code units.
    func withUnsafeBufferPointer<R, E: Error>(_ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R) throws(E) -> R {
        try withUnsafeBytes { (raw) throws(E) -> R in try body(raw.assumingMemoryBound(to: UInt8.self)) }
    }
}
