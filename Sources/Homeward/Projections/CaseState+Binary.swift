import HomewardStore

/// The compact binary form of the state the projections store, written with the payload codec's
/// primitives: fields in declaration order, no names.
extension CaseState {
    /// The state's bytes (the bookkeeping of stored event ids is left out).
    var binary: [UInt8] {
        // About what a state takes (most take under 200 bytes), so that the bytes are allocated
        // once, not grown.
        var writer = PayloadWriter(capacity: 256)
        writer.write(caseId)
        writer.writeOptionalEnum(status)
        writer.writeOptionalEnum(statusBeforeHospitalForCoding)
        writer.writeOptionalEnum(statusBeforeCloseForCoding)
        writer.writeCount(flags.count)
        for risk in flags { writer.writeCount(risk.ordinal) }  // in the order of their ordinals
        writer.writeOptional(identityVerifiedAt)
        writer.write(tracingStarted)
        writer.write(verification != nil)
        if let verification {
            writer.write(verification.personId)
            writer.write(verification.birthDate)
            writer.write(verification.hukouRegion)
        }
        writer.writeOptional(verifiedAt)
        writer.writeCount(admissions.count)
        for admission in admissions {
            writer.write(admission.admittedAt)
            writer.writeCount(admission.category.ordinal)
            writer.write(admission.station)
            writer.write(admission.personId)
            writer.writeOptional(admission.endedAt)
        }
        writer.writeCount(hospitalStays.count)
        for stay in hospitalStays {
            writer.write(stay.admittedAt)
            writer.writeOptional(stay.dischargedAt)
        }
        // Each list in place (an array of the three lists copied them).
        func write(_ times: [Timestamp]) {
            writer.writeCount(times.count)
            for time in times { writer.write(time) }
        }
        write(tracingNotices)
        write(dnaRequests)
        write(guardianship)
        writer.writeCount(extensions.count)
        for item in extensions {
            writer.write(item.filedAt)
            writer.write(item.newDueDate)
        }
        writer.writeCount(returns.count)
        for item in returns {
            writer.write(item.returnedAt)
            writer.write(item.region != nil)
            if let region = item.region { writer.write(region) }
            writer.write(item.isReturnedHome)
        }
        writer.writeCount(followUps.count)
        for visit in followUps {
            writer.write(visit.visitedAt)
            writer.write(visit.householdMembers)
            writer.write(visit.monthlyHouseholdIncomeCny)
            writer.write(visit.propertyWithinLimit)
            writer.write(visit.ableSupporter)
            writer.write(visit.workCapacity)
            writer.writeCount(visit.disability.ordinal)
            writer.write(visit.chronicIllness)
        }
        writer.writeCount(benefits.count)
        for step in benefits {
            writer.write(step.at)
            writer.writeCount(step.program.ordinal)
            writer.writeCount(step.granted.map { $0 ? 2 : 1 } ?? 0)
        }
        writer.write(firstReport != nil)
        if let firstReport {
            writer.write(firstReport.at)
            writer.write(firstReport.region)
            writer.writeCount(firstReport.channel.ordinal)
        }
        writer.writeOptional(firstPickupAt)
        writer.write(firstStation != nil)
        if let firstStation { writer.write(firstStation) }
        writer.writeCount(requestCount)
        writer.writeOptional(requestedAge)
        writer.writeOptional(requestedAgeAt)
        writer.write(hasRequestWithAllFourConditions)
        writer.writeOptional(estimatedAge)
        writer.writeOptional(estimatedAgeAt)
        writer.writeOptional(lastEventAt)
        return writer.bytes
    }

    /// Reads the bytes of ``binary``.
    init(binary bytes: [UInt8]) throws(PayloadDecodingError) {
        let result: Result<CaseState, PayloadDecodingError> = bytes.withUnsafeBytes { buffer in
            do throws(PayloadDecodingError) {
                var reader = PayloadReader(buffer)
                return .success(try CaseState(reading: &reader))
            } catch {
                return .failure(error)
            }
        }
        self = try result.get()
    }

    private init(reading reader: inout PayloadReader) throws(PayloadDecodingError) {
        self.init(caseId: try reader.readString())
        status = try reader.readOptionalEnum(CaseStatus.self)
        statusBeforeHospitalForCoding = try reader.readOptionalEnum(CaseStatus.self)
        statusBeforeCloseForCoding = try reader.readOptionalEnum(CaseStatus.self)
        for _ in 0..<(try reader.readCount()) { flags.insert(try Risk(ordinal: reader.readCount())) }
        identityVerifiedAt = try reader.readOptionalTimestamp()
        tracingStarted = try reader.readBool()
        if try reader.readBool() {
            verification = VerifiedIdentity(personId: try reader.readString(), birthDate: try reader.readDate(), hukouRegion: try reader.readString())
        }
        verifiedAt = try reader.readOptionalTimestamp()
        for _ in 0..<(try reader.readCount()) {
            admissions.append(Admission(
                admittedAt: try reader.readTimestamp(), category: try AdmissionCategory(ordinal: reader.readCount()),
                station: try reader.readString(), personId: try reader.readString(), endedAt: try reader.readOptionalTimestamp()
            ))
        }
        for _ in 0..<(try reader.readCount()) {
            hospitalStays.append(HospitalStay(admittedAt: try reader.readTimestamp(), dischargedAt: try reader.readOptionalTimestamp()))
        }
        tracingNotices = try reader.readArray { (reader: inout PayloadReader) throws(PayloadDecodingError) in try reader.readTimestamp() }
        dnaRequests = try reader.readArray { (reader: inout PayloadReader) throws(PayloadDecodingError) in try reader.readTimestamp() }
        guardianship = try reader.readArray { (reader: inout PayloadReader) throws(PayloadDecodingError) in try reader.readTimestamp() }
        for _ in 0..<(try reader.readCount()) {
            extensions.append(Extension(filedAt: try reader.readTimestamp(), newDueDate: try reader.readDate()))
        }
        for _ in 0..<(try reader.readCount()) {
            let at = try reader.readTimestamp()
            let region = try reader.readBool() ? try reader.readString() : nil
            returns.append(Return(returnedAt: at, region: region, isReturnedHome: try reader.readBool()))
        }
        for _ in 0..<(try reader.readCount()) {
            followUps.append(FollowUp(
                visitedAt: try reader.readTimestamp(), householdMembers: try reader.readInt(), monthlyHouseholdIncomeCny: try reader.readDouble(),
                propertyWithinLimit: try reader.readBool(), ableSupporter: try reader.readBool(), workCapacity: try reader.readBool(),
                disability: try Disability(ordinal: reader.readCount()), chronicIllness: try reader.readBool()
            ))
        }
        for _ in 0..<(try reader.readCount()) {
            let at = try reader.readTimestamp()
            let program = try Program(ordinal: reader.readCount())
            let decision = try reader.readCount()
            benefits.append(BenefitStep(at: at, program: program, granted: decision == 0 ? nil : decision == 2))
        }
        if try reader.readBool() {
            firstReport = FirstReport(at: try reader.readTimestamp(), region: try reader.readString(), channel: try Channel(ordinal: reader.readCount()))
        }
        firstPickupAt = try reader.readOptionalTimestamp()
        if try reader.readBool() { firstStation = try reader.readString() }
        requestCount = try reader.readCount()
        requestedAge = try reader.readOptionalInt()
        requestedAgeAt = try reader.readOptionalTimestamp()
        hasRequestWithAllFourConditions = try reader.readBool()
        estimatedAge = try reader.readOptionalInt()
        estimatedAgeAt = try reader.readOptionalTimestamp()
        lastEventAt = try reader.readOptionalTimestamp()
        guard reader.isAtEnd else { throw PayloadDecodingError("bytes left after a case state") }
    }
}

extension PayloadWriter {
    mutating func writeOptional(_ value: Timestamp?) {
        write(value != nil)
        if let value { write(value) }
    }

    mutating func writeOptional(_ value: Int?) {
        write(value != nil)
        if let value { write(value) }
    }

    mutating func writeOptionalEnum<E: RawRepresentable & CaseIterable & Equatable>(_ value: E?) {
        writeCount(value.flatMap { value in E.allCases.firstIndex(of: value).map { E.allCases.distance(from: E.allCases.startIndex, to: $0) + 1 } } ?? 0)
    }
}

extension PayloadReader {
    mutating func readOptionalTimestamp() throws(PayloadDecodingError) -> Timestamp? {
        try readBool() ? try readTimestamp() : nil
    }

    mutating func readOptionalInt() throws(PayloadDecodingError) -> Int? {
        try readBool() ? try readInt() : nil
    }

    mutating func readOptionalEnum<E: RawRepresentable & CaseIterable>(_ type: E.Type) throws(PayloadDecodingError) -> E? {
        let index = try readCount()
        guard index > 0 else { return nil }
        guard index <= E.allCases.count else { throw PayloadDecodingError("\(E.self) has no value number \(index - 1)") }
        return E.allCases[E.allCases.index(E.allCases.startIndex, offsetBy: index - 1)]
    }
}
