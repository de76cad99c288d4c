extension JSONLinesImporter {
    /// Lines imported per part by ``importCampaign(_:linesPerPart:progress:)``.
    public static let defaultLinesPerPart = 200_000

    /// Imports a generated campaign a part at a time: each part's lines are made as JSON Lines,
    /// checked and appended, all or nothing (as a file is), before the next part is made, so neither the
    /// campaign's records nor its text are ever held whole, only its generated events.
    ///
    /// A part that is invalid (such as a campaign whose streams conflict with those stored)
    /// appends nothing; the parts before it stay appended.
    /// - Parameters:
    ///   - generator: The campaign.
    ///   - linesPerPart: Lines per part.
    ///   - progress: Called with the lines appended so far and the campaign's lines in all.
    /// - Returns: What the parts appended, together.
    /// - Throws: ``Failure`` for a part with bad lines; ``HomewardStore/EventStoreError``.
    public func importCampaign(
        _ generator: CampaignGenerator,
        linesPerPart: Int = JSONLinesImporter.defaultLinesPerPart,
        progress: ((_ appended: Int, _ total: Int) -> Void)? = nil
    ) throws -> Report {
        var report = Report(lines: 0, appended: 0, alreadyStored: 0, positions: nil, findings: [], unknownTypes: [:])
        var part: [UInt8] = []
        var partLines = 0
        var total = 0
        func importPart() throws {
            let done = report.lines
            let imported = try importFile(part) { appended, _ in progress?(done + appended, total) }
            part.removeAll(keepingCapacity: true)
            partLines = 0
            report.lines += imported.lines
            report.appended += imported.appended
            report.alreadyStored += imported.alreadyStored
            if let positions = imported.positions {
                report.positions = (report.positions?.lowerBound ?? positions.lowerBound)...positions.upperBound
            }
            report.findings += imported.findings
            report.unknownTypes.merge(imported.unknownTypes, uniquingKeysWith: +)
        }
        try generator.forEachRecord { record, count in
            total = count
            part += record.line.utf8
            part.append(UInt8(ascii: "\n"))
            partLines += 1
            if partLines == max(1, linesPerPart) { try importPart() }
        }
        if partLines > 0 { try importPart() }
        return report
    }
}
