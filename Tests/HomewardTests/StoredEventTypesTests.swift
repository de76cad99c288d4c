import Foundation
import Homeward
import Testing

/// A case's stored event types: scanned while short, indexed once long; either way they answer
/// as a dictionary would.
struct StoredEventTypesTests {
    @Test func answersAsADictionaryBeforeAndAfterItKeepsAnIndex() {
        var types = StoredEventTypes()
        var reference: [UUID: String] = [:]
        var ids: [UUID] = []
        for number in 0..<100 {
            let id = UUID()
            ids.append(id)
            let type = ["ReportReceived", "PickedUp", "Admitted", "EventCorrected"][number % 4]
            types.note(id, type: type)
            reference[id] = type
            // Every id noted so far, and one never noted, at every length.
            for known in ids { #expect(types[known] == reference[known]) }
            #expect(types[UUID()] == nil)
            #expect(types.count == number + 1)
        }
        // An id noted again answers with its latest type, as a dictionary's replaced value.
        types[ids[3]] = "EventVoided"
        types.note(ids[90], type: "CaseClosed")
        #expect(types[ids[3]] == "EventVoided")
        #expect(types[ids[90]] == "CaseClosed")
        var short = StoredEventTypes()
        short.note(ids[0], type: "PickedUp")
        short[ids[0]] = "Admitted"
        #expect(short[ids[0]] == "Admitted")
        #expect(short != types)
    }
}
