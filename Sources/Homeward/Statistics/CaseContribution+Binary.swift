import HomewardStore

/// The compact binary form of a case's contribution, as the statistics projection stores it.
extension CaseContribution {
    var binary: [UInt8] {
        // About what a contribution takes, so that the bytes are allocated once, not grown.
        var writer = PayloadWriter(capacity: 32 + 8 * counts.count + 32 * admissions.count + 24 * stays.count)
        writer.write(region != nil)
        if let region { writer.write(region) }
        // A count: its counter's number (0, then the name, for one outside the table), its date
        // as days after the count before's (a case's counts mostly follow its events, a day or
        // none apart: a byte), and its amount.
        writer.writeCount(counts.count)
        var days = 0
        for count in counts {
            writer.writeCount(count.counter.number)
            if let other = count.counter.other { writer.write(other) }
            writer.write(count.date.daysSinceEpoch - days)
            days = count.date.daysSinceEpoch
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
                var days = 0
                for _ in 0..<(try reader.readCount()) {
                    let number = try reader.readCount()
                    let counter: Counter
                    if number == 0 {
                        counter = Counter(name: try reader.readString())
                    } else if let numbered = Counter(stored: number) {
                        counter = numbered
                    } else {
                        throw PayloadDecodingError("a case contribution counts counter number \(number), which no counter has")
                    }
                    let (date, overflow) = days.addingReportingOverflow(try reader.readInt())
                    guard !overflow else { throw PayloadDecodingError("a case contribution's count dates run past any date") }
                    days = date
                    counts.append(Count(date: LocalDate(daysSinceEpoch: days), counter: counter, amount: try reader.readInt()))
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
