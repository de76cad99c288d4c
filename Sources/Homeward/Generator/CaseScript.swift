import Foundation
import HomewardStore

/// The events of one generated case, step by step, with a clock that moves forward.
struct CaseScript {
    let index: Int
    var world: CampaignWorld
    private(set) var entries: [ScriptEntry] = []
    let caseId: String
    let stream: String
    let cityIndex: Int
    let city: ProvinceGeography.City
    let station: String
    let district: String
    private var time: Timestamp
    private var lastRecorded: Timestamp
    private var stopped = false
    private var closed = false
    private var humanIndex: Int?
    private var personId: String?
    private var age: Int
    private var sex: Sex
    private var risks: [Risk] = [.cold]
    private var reportId: UUID?
    private var contactId: UUID?
    private var admittedId: UUID?
    private var category: AdmissionCategory = .adult
    private var staffNumber: Int

    init(index: Int, world: CampaignWorld, random: inout SeededRandom) {
        self.index = index
        self.world = world
        cityIndex = random.int(0...(ProvinceGeography.cities.count - 1))
        city = ProvinceGeography.cities[cityIndex]
        station = random.pick(city.stations)
        district = random.pick(city.districts)
        caseId = "\(station.prefix(2))-\(ProvinceGeography.pad(index + 1, 4))"
        stream = "case-" + caseId
        let calendar = world.configuration.calendar
        let day = world.configuration.start.adding(days: random.int(0...max(0, world.configuration.days - 1)))
        // Winter nights: reports come in between 18:00 and 03:00 local time.
        let minute = (18 * 60 + random.int(0...(9 * 60))) % (24 * 60)
        time = calendar.start(of: day).adding(seconds: Int64(minute * 60 + random.int(0...59)))
        lastRecorded = time
        age = random.int(25...59)
        sex = random.chance(0.8) ? .male : (random.chance(0.9) ? .female : .unknown)
        staffNumber = random.int(1...9)
    }

    // MARK: Actors

    private var dispatcher: EventActor { EventActor(id: "disp-\(city.code)-0\(staffNumber)", role: "dispatcher", org: "\(city.name) 24-hour relief hotline") }
    private var police: EventActor { EventActor(id: "110-\(city.code)-\(staffNumber)", role: "police", org: "\(city.name) 110 command centre") }
    private var outreach: EventActor { EventActor(id: "out-\(station)-\(staffNumber)", role: "outreach", org: station) }
    private var stationStaff: EventActor { EventActor(id: "stn-\(station)-\(staffNumber)", role: "station", org: station) }
    private var tracer: EventActor { EventActor(id: "trc-\(station)-1", role: "tracer", org: station) }
    private var escort: EventActor { EventActor(id: "esc-\(station)-\(staffNumber)", role: "escort", org: station) }
    private func civilAffairs(_ region: String) -> EventActor {
        EventActor(id: "ca-\(region.prefix(6))-1", role: "civilAffairs", org: "\(region.prefix(6)) civil affairs bureau")
    }

    // MARK: Adding events

    /// Adds an event some minutes after the previous one; returns its id, or `nil` once the
    /// campaign has ended (the case then stops where it is).
    @discardableResult
    private mutating func add(
        _ event: DomainEvent,
        after minutes: ClosedRange<Int>,
        by actor: EventActor,
        _ random: inout SeededRandom,
        backDatedHours: ClosedRange<Int>? = nil,
        stream: String? = nil,
        causationId: String? = nil
    ) -> UUID? {
        if stopped { return nil }
        let occurred = time.adding(seconds: Int64(random.int(minutes) * 60 + random.int(0...59)))
        guard occurred < world.end else {
            stopped = true
            return nil
        }
        if closed, !Case.isMeta(event.typeName), event.typeName != CaseReopened.typeName { return nil }
        time = occurred
        var recorded: Timestamp
        if let backDatedHours {
            // Field work written up later: recorded hours after it happened, after later steps.
            recorded = occurred.adding(seconds: Int64(random.int(backDatedHours) * 3600 + random.int(0...3599)))
            if recorded >= world.end { recorded = world.end.adding(seconds: -1) }
        } else {
            recorded = max(occurred.adding(seconds: Int64(random.int(1...25) * 60)), lastRecorded.adding(seconds: 1))
            lastRecorded = recorded
        }
        let id = Self.uuid(&random)
        if event.typeName == CaseClosed.typeName {
            // Back-dated events of this case must be recorded before it closes.
            let latestBackDated = entries.filter { $0.stream == self.stream }.map(\.recordedAt).max() ?? recorded
            if latestBackDated >= recorded {
                recorded = latestBackDated.adding(seconds: 1)
                lastRecorded = recorded
            }
        }
        entries.append(ScriptEntry(
            stream: stream ?? self.stream,
            event: event,
            occurredAt: occurred,
            recordedAt: recorded,
            actor: actor,
            eventId: id,
            correlationId: stream == nil ? caseId : nil,
            causationId: causationId,
            order: world.order()
        ))
        return id
    }

    static func uuid(_ random: inout SeededRandom) -> UUID {
        let high = random.next()
        return UUID(high: high, low: random.next(), version: 4)
    }

    private var region: String {
        ProvinceGeography.village(in: district, township: 1 + index % 9, village: 1 + index % 17)
    }

    // MARK: The story

    mutating func run(_ random: inout SeededRandom, _ world: inout CampaignWorld) {
        self.world = world
        let roll = random.int(0...99)
        switch roll {
        case 0..<14: declineStory(&random)
        case 14..<18: referralStory(&random)
        case 18..<22: refusedStory(&random)
        case 22..<48: adultReturnStory(&random, reuseHuman: random.chance(0.25))
        case 48..<56: selfDepartureStory(&random)
        case 56..<58: abscondStory(&random)
        case 58..<65: minorStory(&random)
        case 65..<72: elderlyStory(&random)
        case 72..<77: mentalIllnessStory(&random)
        case 77..<80: disabledStory(&random)
        case 80..<88: strandedStory(&random)
        case 88..<90: originRefusedStory(&random)
        case 90..<92: terminatedStory(&random)
        case 92..<96: walkInStory(&random)
        default: repeatClaimantStory(&random)
        }
        world = self.world
    }

    private mutating func opening(_ random: inout SeededRandom, extraRisks: [Risk] = []) {
        let pregnant = sex == .female && (18...45).contains(age) && random.chance(0.15)
        risks = Array(Set([.cold] + extraRisks + (random.chance(0.2) ? [.ill] : []) + (pregnant ? [.pregnant] : []))).sorted { $0.ordinal < $1.ordinal }
        let channel: Channel = random.pick([.police110, .police110, .cityPlatform, .hotline, .hotline, .patrol, .public, .transfer])
        let places = ["under the Wulin Square underpass", "武林广场地下通道", "bus shelter on Jiefang Road", "railway station north square",
                      "steps of the riverside park", "暖气出风口 near the metro exit", "doorway of a closed market", "bridge over the canal"]
        reportId = add(.reportReceived(ReportReceived(
            channel: channel,
            region: region,
            location: random.pick(places),
            description: random.pick(["a man sleeping on cardboard", "an elderly woman sitting in the cold", "a person lying still under a thin blanket", "a youth alone at night"]),
            risks: risks
        )), after: 0...0, by: channel == .police110 ? police : channel == .patrol ? outreach : dispatcher, &random)
        let team = "\(station)-team-\(1 + index % 4)"
        add(.teamDispatched(TeamDispatched(team: team, vehicle: random.chance(0.7) ? "\(station)-van-\(1 + index % 3)" : nil)),
            after: 3...20, by: dispatcher, &random, backDatedHours: random.chance(0.3) ? 2...10 : nil)
        contactId = add(.personContacted(PersonContacted(
            sex: sex,
            // An estimate never crosses 18 the wrong way: the age that matters for the guards.
            estimatedAge: random.chance(0.85) ? (age >= 18 ? max(18, age + random.int(-3...3)) : min(17, age + random.int(-3...3))) : nil,
            livingSituation: random.pick(["sleeping rough for weeks", "arrived in the city recently", "lost work and lodging", "wandering, says little"]),
            risks: risks,
            codeName: random.chance(0.3) ? "walker-\(index)" : nil
        )), after: 15...60, by: outreach, &random)
        if random.chance(0.04), let contactId {
            add(.eventCorrected(EventCorrected(target: contactId, changes: .object(["estimatedAge": .integer(max(age, 30) + 2)]), reason: "age misread from the contact sheet")),
                after: 60...600, by: outreach, &random)
        }
    }

    private mutating func giveAid(_ random: inout SeededRandom) {
        var items = [AidItem(item: "blanket", quantity: random.int(1...2))]
        if random.chance(0.7) { items.append(AidItem(item: "food", quantity: random.int(1...3))) }
        if random.chance(0.4) { items.append(AidItem(item: "coat", quantity: 1)) }
        if random.chance(0.3) { items.append(AidItem(item: "water", quantity: random.int(1...2))) }
        add(.onSiteAidGiven(OnSiteAidGiven(items: items)), after: 2...10, by: outreach, &random, backDatedHours: random.chance(0.25) ? 1...6 : nil)
    }

    private mutating func intake(_ random: inout SeededRandom, category: AdmissionCategory, pickup: Bool = true) {
        self.category = category
        if pickup {
            add(.pickedUp(PickedUp(team: "\(station)-team-\(1 + index % 4)", vehicle: "\(station)-van-\(1 + index % 3)", station: station)),
                after: 10...40, by: outreach, &random)
        }
        let allFour = true
        add(.assistanceRequested(AssistanceRequested(
            station: station,
            sex: sex,
            age: random.chance(0.8) ? age : nil,
            conditions: AssistanceConditions(cannotAffordFoodOrLodging: allFour, noKinToRelyOn: allFour, notOnDibaoOrWubao: allFour, wanderingOrBegging: allFour),
            claimedName: random.chance(0.6) ? "claimed-\(index)" : nil,
            claimedHukouRegion: random.chance(0.5) ? random.pick(ProvinceGeography.homeRegions) : nil
        )), after: 20...60, by: stationStaff, &random)
        if humanIndex == nil {
            let hukou = random.pick(ProvinceGeography.homeRegions)
            let birthYear = world.configuration.start.components.year - age - (random.chance(0.5) ? 1 : 0)
            let birth = LocalDate(year: birthYear, month: random.int(1...12), day: random.int(1...28))!
            world.add(CampaignWorld.Human(personIds: [world.newPersonId()], name: "person-\(index)", birthDate: birth, hukouRegion: hukou, sex: sex, lastCity: cityIndex))
            humanIndex = world.humans.count - 1
        }
        personId = personId ?? world.humans[humanIndex!].personIds.last
        admittedId = add(.admitted(Admitted(station: station, personId: personId!, category: category, bed: random.chance(0.8) ? "B-\(random.int(1...60))" : nil)),
                         after: 5...30, by: stationStaff, &random)
        add(.serviceProvided(ServiceProvided(service: .meal)), after: 10...60, by: stationStaff, &random, backDatedHours: random.chance(0.3) ? 1...8 : nil)
        if random.chance(0.03) {
            if let duplicate = add(.serviceProvided(ServiceProvided(service: .clothing)), after: 1...5, by: stationStaff, &random) {
                add(.eventVoided(EventVoided(target: duplicate, reason: "entered twice")), after: 30...300, by: stationStaff, &random)
            }
        }
    }

    /// Tracing after admission: the notice within 24 hours (or late), DNA within 7 working days
    /// (or late, or never when identity is quick), identity verified when `identify`.
    private mutating func tracing(_ random: inout SeededRandom, identify: Bool) {
        add(.identityQueryRequested(IdentityQueryRequested(system: random.pick([.nationalFingerprint, .face, .policeHukou, .missingPersons]))),
            after: 30...180, by: tracer, &random)
        let matched = identify && random.chance(0.5)
        add(.identityQueryAnswered(IdentityQueryAnswered(system: .nationalFingerprint, candidates: matched ? 1 : random.int(0...4), matched: matched)),
            after: 60...600, by: police, &random)
        let lateNotice = random.chance(0.2)
        // The national platform always; the others as a station chooses.
        let channels: [NoticeChannel] = [.xunqinWebsite] + (random.chance(0.4) ? [.nationalSystem] : []) + (random.chance(0.5) ? [.wechat] : [])
            + (random.chance(0.3) ? [.weibo] : []) + (random.chance(0.2) ? [.newspaper] : []) + (random.chance(0.05) ? [.tv] : [])
        add(.tracingNoticePublished(TracingNoticePublished(channels: channels)),
            after: lateNotice ? 1500...3000 : 60...900, by: tracer, &random)
        if matched {
            verify(&random, method: .fingerprint, channel: .police)
            return
        }
        let dnaDelay = random.chance(0.75) ? 600...5000 : 11_000...16_000
        add(.dnaSampleRequested(DnaSampleRequested()), after: dnaDelay, by: stationStaff, &random)
        add(.dnaSampleCollected(DnaSampleCollected()), after: 600...3000, by: police, &random)
        if identify {
            add(.familyContacted(FamilyContacted(relation: random.pick(["brother", "daughter", "son", "sister", "wife"]), response: .willCollect)),
                after: 600...5000, by: tracer, &random)
            let dna = random.chance(0.4)
            if dna { add(.dnaMatchReported(DnaMatchReported(matched: true)), after: 600...8000, by: police, &random) }
            verify(&random, method: dna ? .dna : random.pick([.relative, .interview, .face, .police, .idCard]), channel: dna ? .dna : random.pick([.xunqinWebsite, .notice, .interview, .media, .other]))
        } else {
            add(.dnaMatchReported(DnaMatchReported(matched: false)), after: 1000...8000, by: police, &random)
            // A relative found but unwilling to take the person in, or no one reachable.
            let refuses = random.chance(0.3)
            add(.familyContacted(FamilyContacted(relation: refuses ? "uncle" : "cousin", response: refuses ? .refuses : .unreachable)), after: 600...5000, by: tracer, &random)
        }
    }

    private mutating func verify(_ random: inout SeededRandom, method: VerificationMethod, channel: TracingChannel) {
        guard let humanIndex else { return }
        let human = world.humans[humanIndex]
        add(.identityVerified(IdentityVerified(personId: personId ?? human.personIds[0], method: method, name: human.name, birthDate: human.birthDate, hukouRegion: human.hukouRegion)),
            after: 30...600, by: tracer, &random)
        add(.tracingSucceeded(TracingSucceeded(channel: channel)), after: 1...30, by: tracer, &random)
    }

    private var homeRegion: String { humanIndex.map { world.humans[$0].hukouRegion } ?? ProvinceGeography.homeRegions[0] }

    private mutating func escortHome(_ random: inout SeededRandom, refusedFirst: Bool = false) {
        add(.escortStarted(EscortStarted(staff: ["esc-\(station)-\(staffNumber)", "esc-\(station)-\(staffNumber + 1)"], mode: random.pick([.vehicle, .train, .relay]))),
            after: 600...3000, by: escort, &random)
        if refusedFirst {
            add(.originRefusedReceipt(OriginRefusedReceipt(escalatedTo: "provincial civil affairs department")), after: 300...1500, by: escort, &random)
        }
        add(.returnedHome(ReturnedHome(receiver: random.pick([.family, .family, .township, .villageCommittee, .originStation]), region: homeRegion)),
            after: refusedFirst ? 2000...6000 : 300...1500, by: escort, &random)
    }

    /// The home county's follow-up (on time, late or not at all), benefit decisions, closure.
    private mutating func afterReturn(_ random: inout SeededRandom) {
        let home = homeRegion
        let roll = random.int(0...99)
        if roll < 15 { return }
        let late = roll < 35
        let members = random.int(1...5)
        add(.followUpVisited(FollowUpVisited(
            householdMembers: members,
            monthlyHouseholdIncomeCny: Double(random.int(0...(members * 900))),
            propertyWithinLimit: random.chance(0.8),
            ableSupporter: random.chance(0.4),
            workCapacity: age < 60 && random.chance(0.6),
            disability: random.pick([.none, .none, .none, .mild, .severe]),
            chronicIllness: random.chance(0.4),
            visitedBy: "township social worker"
        )), after: late ? 46_000...70_000 : 4000...40_000, by: civilAffairs(home), &random)
        if random.chance(0.5) {
            let program: Program = random.pick([.dibao, .dibao, .tekun, .temporaryAssistance, .medicalAssistance])
            add(.benefitApplied(BenefitApplied(program: program)), after: 600...5000, by: civilAffairs(home), &random)
            if random.chance(0.7) {
                let granted = random.chance(0.6)
                add(.benefitDecided(BenefitDecided(program: program, granted: granted, monthlyAmountCny: granted ? Double(random.int(300...900)) : nil, reason: granted ? nil : "income above the line")),
                    after: 5000...20_000, by: civilAffairs(home), &random)
            }
        }
        closeCase(&random, reason: "returned home and followed up")
    }

    private mutating func closeCase(_ random: inout SeededRandom, reason: String) {
        guard random.chance(0.85) else { return }
        if add(.caseClosed(CaseClosed(reason: reason)), after: 600...4000, by: stationStaff, &random) != nil {
            closed = true
        }
        if random.chance(0.05) {
            closed = false
            add(.caseReopened(CaseReopened(reason: "new information from the family")), after: 1000...6000, by: stationStaff, &random)
            add(.consentRecorded(ConsentRecorded(scope: .shareWithFamily, given: true)), after: 30...300, by: stationStaff, &random)
            if add(.caseClosed(CaseClosed(reason: "information recorded")), after: 600...3000, by: stationStaff, &random) != nil { closed = true }
        }
        if random.chance(0.04), let reportId {
            add(.eventCorrected(EventCorrected(target: reportId, changes: .object(["channel": .string("police110")]), reason: "the report came through 110")),
                after: 10_000...30_000, by: dispatcher, &random)
        }
    }

    // MARK: Stories

    private mutating func declineStory(_ random: inout SeededRandom) {
        opening(&random)
        giveAid(&random)
        add(.aidDeclined(AidDeclined(reason: random.pick(["prefers to stay", "distrusts shelters", "waiting for a friend"]), revisitAt: time.adding(seconds: 86_400))),
            after: 5...20, by: outreach, &random)
        if random.chance(0.5) {
            giveAid(&random)
            add(.aidDeclined(AidDeclined(reason: "still prefers to stay", revisitAt: nil)), after: 1300...1600, by: outreach, &random)
        }
    }

    private mutating func referralStory(_ random: inout SeededRandom) {
        opening(&random, extraRisks: [.injured])
        add(.emergencyMedicalReferral(EmergencyMedicalReferral(hospital: "\(city.name) First People's Hospital", reason: "frostbite and a head wound")),
            after: 5...30, by: outreach, &random)
        closeCase(&random, reason: "taken over by the hospital")
    }

    private mutating func refusedStory(_ random: inout SeededRandom) {
        reportId = add(.reportReceived(ReportReceived(channel: .walkIn, region: region, location: "station gate", description: "walked in asking for a bed", risks: [])), after: 0...0, by: stationStaff, &random)
        add(.assistanceRequested(AssistanceRequested(
            station: station, sex: sex, age: age,
            conditions: AssistanceConditions(cannotAffordFoodOrLodging: true, noKinToRelyOn: false, notOnDibaoOrWubao: true, wanderingOrBegging: random.chance(0.5)),
            claimedName: nil, claimedHukouRegion: nil
        )), after: 5...20, by: stationStaff, &random)
        add(.admissionRefused(AdmissionRefused(reason: random.pick([.ineligible, .refusedToGiveDetails, .unexplainedIllnessOrInjury]), noticeRef: "\(station)-RN-\(index)")), after: 10...40, by: stationStaff, &random)
        closeCase(&random, reason: "assistance refused with written notice")
    }

    private mutating func adultReturnStory(_ random: inout SeededRandom, reuseHuman: Bool) {
        let adults = world.adultIndices
        if reuseHuman, !adults.isEmpty {
            // The same person again, known by the same id: a repeat admission (of an adult).
            var earlier = random.int(0...(world.humans.count - 1))
            if !world.isAdult[earlier] { earlier = adults[earlier % adults.count] }
            humanIndex = earlier
            sex = world.humans[earlier].sex
            age = max(18, world.configuration.start.components.year - world.humans[earlier].birthDate.components.year)
            if age >= 60 { age = 59 }
            personId = world.humans[earlier].personIds[0]
        }
        opening(&random)
        intake(&random, category: .adult)
        tracing(&random, identify: true)
        if random.chance(0.3) {
            add(.collectedByRelative(CollectedByRelative(relation: random.pick(["brother", "son", "daughter"]), idChecked: true)), after: 1000...6000, by: stationStaff, &random)
            closeCase(&random, reason: "collected by family")
        } else {
            escortHome(&random)
            afterReturn(&random)
        }
    }

    private mutating func selfDepartureStory(_ random: inout SeededRandom) {
        opening(&random)
        intake(&random, category: .adult)
        add(.serviceProvided(ServiceProvided(service: .phoneCall)), after: 60...600, by: stationStaff, &random)
        add(.selfDeparted(SelfDeparted(voucherIssued: random.chance(0.6), cashCny: Double(random.pick([0, 10, 15, 20])))), after: 600...4000, by: stationStaff, &random)
        closeCase(&random, reason: "left of own accord")
    }

    private mutating func abscondStory(_ random: inout SeededRandom) {
        opening(&random)
        intake(&random, category: .adult)
        add(.absconded(Absconded()), after: 100...3000, by: stationStaff, &random)
    }

    private mutating func minorStory(_ random: inout SeededRandom) {
        age = random.int(10...17)
        opening(&random, extraRisks: [.minor])
        intake(&random, category: .minor)
        let late = random.chance(0.15)
        if random.chance(0.6) {
            add(.temporaryGuardianshipStarted(TemporaryGuardianshipStarted(trigger: "unaccompanied minor")), after: late ? 1500...2500 : 30...600, by: civilAffairs(district), &random)
        } else {
            add(.transferredToMinorsCentre(TransferredToMinorsCentre(centre: "\(city.name) minors protection centre")), after: late ? 1500...2500 : 60...900, by: stationStaff, &random)
        }
        add(.serviceProvided(ServiceProvided(service: .schooling)), after: 600...3000, by: stationStaff, &random)
        if random.chance(0.15) {
            // No family found: the child is placed in a child welfare institution.
            tracing(&random, identify: false)
            add(.placedInCare(PlacedInCare(kind: .childWelfare, provider: "\(city.name) child welfare institute")), after: 5000...20_000, by: civilAffairs(district), &random)
            closeCase(&random, reason: "placed in child welfare care")
            return
        }
        tracing(&random, identify: true)
        if random.chance(0.5) {
            add(.collectedByRelative(CollectedByRelative(relation: random.pick(["father", "mother", "grandmother"]), idChecked: true)), after: 1000...6000, by: stationStaff, &random)
            closeCase(&random, reason: "collected by a guardian")
        } else {
            escortHome(&random)
            afterReturn(&random)
        }
    }

    private mutating func elderlyStory(_ random: inout SeededRandom) {
        age = random.int(60...86)
        opening(&random, extraRisks: [.elderly])
        intake(&random, category: .elderly)
        add(.hospitalAdmitted(HospitalAdmitted(hospital: "\(city.name) Second People's Hospital", reason: "pneumonia")), after: 300...3000, by: stationStaff, &random)
        add(.hospitalDischarged(HospitalDischarged()), after: 3000...12_000, by: stationStaff, &random)
        tracing(&random, identify: random.chance(0.7))
        if random.chance(0.6) {
            escortHome(&random)
            afterReturn(&random)
        } else {
            add(.placedInCare(PlacedInCare(kind: .tekun, provider: "\(district) welfare home")), after: 5000...20_000, by: civilAffairs(district), &random)
            closeCase(&random, reason: "placed in destitute-person care")
        }
    }

    private mutating func mentalIllnessStory(_ random: inout SeededRandom) {
        opening(&random, extraRisks: [.mental])
        intake(&random, category: .mentalIllness)
        add(.serviceProvided(ServiceProvided(service: .medical)), after: 300...3000, by: stationStaff, &random)
        tracing(&random, identify: random.chance(0.4))
        if random.chance(0.5) {
            add(.placedInCare(PlacedInCare(kind: .outsideCare, provider: "\(city.name) mental health centre")), after: 10_000...30_000, by: stationStaff, &random)
        } else {
            escortHome(&random)
            afterReturn(&random)
        }
    }

    private mutating func disabledStory(_ random: inout SeededRandom) {
        opening(&random, extraRisks: [.disabled])
        intake(&random, category: .disabled)
        tracing(&random, identify: true)
        escortHome(&random)
        afterReturn(&random)
    }

    private mutating func strandedStory(_ random: inout SeededRandom) {
        opening(&random, extraRisks: random.chance(0.3) ? [.intellectual] : [])
        intake(&random, category: .adult)
        tracing(&random, identify: false)
        if random.chance(0.6) {
            let due = world.configuration.calendar.date(time).adding(days: random.int(15...40))
            add(.stayExtensionFiled(StayExtensionFiled(reason: "identity still unknown", newDueDate: due, filedWith: "\(city.name) civil affairs bureau")),
                after: 1000...6000, by: stationStaff, &random)
        }
        add(.serviceProvided(ServiceProvided(service: .counselling)), after: 10_000...40_000, by: stationStaff, &random)
        if random.chance(0.25) {
            // Kept in the station's own long-term care while tracing goes on.
            add(.placedInCare(PlacedInCare(kind: .stationCare, provider: "\(station) long-stay ward")), after: 5000...20_000, by: stationStaff, &random)
        }
    }

    private mutating func originRefusedStory(_ random: inout SeededRandom) {
        opening(&random)
        intake(&random, category: .adult)
        tracing(&random, identify: true)
        escortHome(&random, refusedFirst: true)
        afterReturn(&random)
    }

    private mutating func terminatedStory(_ random: inout SeededRandom) {
        opening(&random)
        intake(&random, category: .adult)
        add(.assistanceTerminated(AssistanceTerminated(reason: "violent conduct towards staff")), after: 300...3000, by: stationStaff, &random)
        closeCase(&random, reason: "assistance terminated")
    }

    private mutating func walkInStory(_ random: inout SeededRandom) {
        reportId = add(.reportReceived(ReportReceived(channel: .walkIn, region: region, location: "station gate", description: "came in from the cold", risks: [.cold])), after: 0...0, by: stationStaff, &random)
        intake(&random, category: .adult, pickup: false)
        tracing(&random, identify: true)
        add(.collectedByRelative(CollectedByRelative(relation: "brother", idChecked: random.chance(0.9))), after: 1000...6000, by: stationStaff, &random)
        closeCase(&random, reason: "collected by family")
    }

    /// Someone admitted before in another city claims another name and gets another id; the
    /// fingerprint later links the two ids (and a few links are undone after a DNA mismatch).
    private mutating func repeatClaimantStory(_ random: inout SeededRandom) {
        guard let earlier = world.firstClaimant(notIn: cityIndex) else {
            adultReturnStory(&random, reuseHuman: false)
            return
        }
        let oldId = world.humans[earlier].personIds[0]
        let newId = world.newPersonId()
        world.claim(earlier, newId: newId, city: cityIndex)
        humanIndex = earlier
        personId = newId
        sex = world.humans[earlier].sex
        age = min(59, max(18, world.configuration.start.components.year - world.humans[earlier].birthDate.components.year))
        opening(&random)
        intake(&random, category: .adult)
        let tracerActor = tracer
        if add(.personsLinked(PersonsLinked(personIds: [oldId, newId], basis: "national fingerprint match")), after: 200...3000, by: tracerActor, &random, stream: "person-\(oldId)") != nil,
            random.chance(0.2)
        {
            add(.personsUnlinked(PersonsUnlinked(personIds: [oldId, newId], reason: "DNA shows two different people")), after: 3000...12_000, by: tracerActor, &random, stream: "person-\(oldId)")
        }
        add(.selfDeparted(SelfDeparted(voucherIssued: true, cashCny: 20)), after: 600...4000, by: stationStaff, &random)
        closeCase(&random, reason: "left of own accord")
    }
}
