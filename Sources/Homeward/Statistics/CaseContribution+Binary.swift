import HomewardStore

/// The compact binary form of a case's contribution, as the statistics projection stores it.
extension CaseContribution {
    var binary: [UInt8] {
        // About what a contribution takes, so that the bytes are allocated once, not grown.
        var writer = PayloadWriter(capacity: 32 + 32 * counts.count + 32 * admissions.count + 24 * stays.count)
        writer.write(region != nil)
        if let region { writer.write(region) }
        writer.writeCount(counts.count)
        for count in counts {
            writer.write(count.date)
            writer.write(count.key)
            writer.write(count.amount)
        }
        writer.writeCount(admissions.count)
        for admission in admissions {
            writer.write(admission.date)
            writer.write(admission.personId)
            writer.write(admission.minor)
        }
        writer.write(pickupDelay != nil)
        if let pickupDelay {
            writer.write(pickupDelay.date)
            writer.write(pickupDelay.minutes)
        }
        writer.writeCount(stays.count)
        for stay in stays {
            writer.write(stay.admittedAt)
            writer.writeOptional(stay.endedAt)
            writer.writeCount(stay.hospital.count)
            for interval in stay.hospital {
                writer.write(interval.start)
                writer.writeOptional(interval.end)
            }
        }
        return writer.bytes
    }

    init(binary bytes: [UInt8]) throws(PayloadDecodingError) {
        let result: Result<CaseContribution, PayloadDecodingError> = bytes.withUnsafeBytes { buffer in
            do throws(PayloadDecodingError) {
                var reader = PayloadReader(buffer)
                let region = try reader.readBool() ? try reader.readString() : nil
                var counts: [Count] = []
                for _ in 0..<(try reader.readCount()) {
                    counts.append(Count(date: try reader.readDate(), key: try reader.readString(), amount: try reader.readInt()))
                }
                var admissions: [AdmissionEntry] = []
                for _ in 0..<(try reader.readCount()) {
                    admissions.append(AdmissionEntry(date: try reader.readDate(), personId: try reader.readString(), minor: try reader.readBool()))
                }
                let delay = try reader.readBool() ? PickupDelay(date: try reader.readDate(), minutes: try reader.readDouble()) : nil
                var stays: [Stay] = []
                for _ in 0..<(try reader.readCount()) {
                    let admittedAt = try reader.readTimestamp()
                    let endedAt = try reader.readOptionalTimestamp()
                    var hospital: [Interval] = []
                    for _ in 0..<(try reader.readCount()) {
                        hospital.append(Interval(start: try reader.readTimestamp(), end: try reader.readOptionalTimestamp()))
                    }
                    stays.append(Stay(admittedAt: admittedAt, endedAt: endedAt, hospital: hospital))
                }
                guard reader.isAtEnd else { throw PayloadDecodingError("bytes left after a case contribution") }
                return .success(CaseContribution(region: region, counts: counts, admissions: admissions, pickupDelay: delay, stays: stays))
            } catch {
                return .failure(error)
            }
        }
        self = try result.get()
    }
}
