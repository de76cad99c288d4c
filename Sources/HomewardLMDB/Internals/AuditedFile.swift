#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A data file opened for reading with `pread(2)`, for ``PageAudit``. Never mapped, never handed
/// to LMDB.
final class AuditedFile {
    let path: String
    private let descriptor: Int32
    /// The file's size when it was opened.
    let size: Int

    init(path: String) throws(PageAuditError) {
        self.path = path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            let code = errno
            throw PageAuditError(code == ENOENT ? .noSuchFile : .cannotRead, path: path, reason: String(cString: strerror(code)))
        }
        var status = stat()
        if fstat(descriptor, &status) != 0 {
            let code = errno
            close(descriptor)
            throw PageAuditError(.cannotRead, path: path, reason: String(cString: strerror(code)))
        }
        if (status.st_mode & S_IFMT) != S_IFREG {
            close(descriptor)
            throw PageAuditError(.cannotRead, path: path, reason: "not a regular file")
        }
        self.descriptor = descriptor
        self.size = Int(status.st_size)
    }

    deinit {
        close(descriptor)
    }

    /// The file's size now (`nil` when it cannot be read): it grows when another process
    /// commits pages past its end while the audit runs.
    func currentSize() -> Int? {
        var status = stat()
        return fstat(descriptor, &status) == 0 ? Int(status.st_size) : nil
    }

    /// Reads `count` bytes at `offset` into the start of `buffer`.
    /// - Returns: How many bytes were read: fewer than `count` at the end of the file or on an error.
    func read(into buffer: UnsafeMutableRawBufferPointer, count: Int, at offset: Int) -> Int {
        guard let base = buffer.baseAddress, count >= 0, count <= buffer.count, offset >= 0 else { return 0 }
        var done = 0
        while done < count {
            let result = pread(descriptor, base + done, count - done, off_t(offset + done))
            if result < 0 {
                if errno == EINTR { continue }
                break
            }
            if result == 0 { break }
            done += result
        }
        return done
    }
}
