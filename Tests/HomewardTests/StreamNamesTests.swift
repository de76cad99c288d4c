import Homeward
import HomewardStore
import Testing

/// Case and person streams are told apart by their names, and a case stream gives back its id.
struct StreamNamesTests {
    @Test func aCaseStreamGivesItsIdAndOtherStreamsNone() throws {
        let stream = try StreamNames.caseStream("HZ-0001")
        #expect(stream.rawValue == "case-HZ-0001")
        #expect(try StreamNames.caseStream("case-HZ-0001") == stream)
        #expect(StreamNames.isCaseStream(stream))
        #expect(StreamNames.caseId(of: stream) == "HZ-0001")
        // An id of other scripts, and one that is only the prefix.
        #expect(StreamNames.caseId(of: try StreamID(validating: "case-杭州-7")) == "杭州-7")
        #expect(StreamNames.caseId(of: try StreamID(validating: "case-")) == "")
        for other in ["person-P1", "cases-1", "Case-HZ-1", "case"] {
            let stream = try StreamID(validating: other)
            #expect(!StreamNames.isCaseStream(stream), "\(other)")
            #expect(StreamNames.caseId(of: stream) == nil, "\(other)")
        }
        let person = try StreamNames.personStream("P100026")
        #expect(person.rawValue == "person-P100026")
        #expect(StreamNames.personId(of: person) == "P100026")
        #expect(StreamNames.personId(of: stream) == nil)
        #expect(StreamNames.caseId(of: person) == nil)
    }
}
