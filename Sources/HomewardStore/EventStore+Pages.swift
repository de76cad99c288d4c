import HomewardLMDB

extension EventStore {
    /// Checks the page structure of a store's data file with a page audit, without opening it
    /// through LMDB.
    ///
    /// LMDB keeps no checksums, so a damaged page can make it crash or read wrong data. This reads
    /// `data.mdb` itself (see `PageAudit` in HomewardLMDB): both meta pages, every tree of the
    /// current and previous snapshot, the free list and every page's use. Call it before opening a
    /// store of unknown health. It takes time in proportion to the file.
    /// - Parameter path: The store's directory.
    /// - Returns: A report with a ``VerificationReport/Kind/pageStructure`` problem for each thing
    ///   wrong (sound when there is none) and ``VerificationReport/pagesChecked``; `nil` when there
    ///   is nothing to audit (no `data.mdb`, an unreadable file, or not an LMDB data file: opening
    ///   the store says why), or when writers kept changing the file during the audit (then
    ///   ``verify(expecting:checkingPages:progress:)`` audits it again, inside a read transaction
    ///   that keeps the pages in place).
    public static func verifyPages(ofStoreAt path: String) -> VerificationReport? {
        guard let audit = try? PageAudit(dataFile: PageAudit.dataFile(inEnvironment: path)), audit.isSettled else { return nil }
        return report(of: audit)
    }

    /// The page audit of an open store, inside a read transaction so that no writer can reuse the
    /// pages of the snapshots being read.
    func verifyPages() throws -> VerificationReport {
        let path = PageAudit.dataFile(inEnvironment: self.path)
        return try read("auditing the pages of the data file") { _ in
            var options = PageAudit.Options()
            options.attempts = 1  // the read transaction keeps both snapshots in place
            do {
                return EventStore.report(of: try PageAudit(dataFile: path, options: options))
            } catch {
                var report = VerificationReport()
                report.record(.pageStructure, at: nil, "the data file cannot be audited: \(error)")
                return report
            }
        }
    }

    private static func report(of audit: PageAudit) -> VerificationReport {
        var report = VerificationReport()
        report.pagesChecked = audit.pageSize > 0 ? audit.fileSize / audit.pageSize : 0
        for problem in audit.problems {
            report.record(.pageStructure, at: nil, problem.description)
        }
        let unlisted = audit.problemCount - audit.problems.count
        if unlisted > 0 {
            report.record(.pageStructure, at: nil, "\(unlisted) more page problems are not listed")
        }
        // Homeward creates every database of a store without flags (byte-ordered keys, one value
        // each): other flags would change how LMDB orders and writes them.
        for database in audit.databases where database.flags != 0 {
            report.record(
                .pageStructure, at: nil,
                "\(database.name.map { "database \($0.debugDescription)" } ?? "the main database") has flags 0x\(String(database.flags, radix: 16)), but Homeward creates its databases without flags"
            )
        }
        return report
    }

    /// A cheap look at the meta pages and the root pages before LMDB opens the file, so that a
    /// damaged meta page or root is refused with a clear error instead of crashing LMDB. Reads a
    /// few pages, however large the store.
    /// - Throws: ``EventStoreError/Code/corrupted`` naming what is wrong. Files that cannot be
    ///   audited are left to LMDB, which reports them.
    static func checkPagesBeforeOpening(_ path: String) throws {
        var options = PageAudit.Options()
        options.scope = .metaPagesAndRoots
        options.maximumProblems = 1
        guard let audit = try? PageAudit(dataFile: PageAudit.dataFile(inEnvironment: path), options: options),
            audit.isSettled, let first = audit.problems.first
        else { return }
        let more = audit.problemCount - 1
        throw EventStoreError(
            .corrupted,
            "the data file of the store at \(path) is damaged, so it was not opened: \(first)\(more > 0 ? " (and \(more) more problem\(more == 1 ? "" : "s"))" : "")"
        )
    }
}
