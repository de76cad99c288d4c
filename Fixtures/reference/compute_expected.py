#!/usr/bin/env python3
"""Reference computation of the expected outputs for the small-winter fixture campaign.

An independent reading of the interchange contract (sections 1, 3, 4, 5, 6 and the precise
readings of section 7). Standard library only. Reads

    Fixtures/campaigns/small-winter.jsonl
    Fixtures/rules/zhejiang-illustrative.json

and writes

    Fixtures/expected/small-winter.statistics.json
    Fixtures/expected/small-winter.cases.json
    Fixtures/expected/small-winter.entitlements.json

Every choice where the contract leaves room is listed in Fixtures/reference/README.md with the
reading it rests on. Run from anywhere: paths are resolved relative to this file.
"""

import datetime as dt
import json
import os
import sys
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.dirname(HERE)
CAMPAIGN = os.path.join(FIXTURES, "campaigns", "small-winter.jsonl")
RULES = os.path.join(FIXTURES, "rules", "zhejiang-illustrative.json")
OUT_DIR = os.path.join(FIXTURES, "expected")

UTC = dt.timezone.utc

# ---------------------------------------------------------------------------------------------
# Constants from the contract
# ---------------------------------------------------------------------------------------------

META_TYPES = {"EventCorrected", "EventVoided", "PersonsLinked", "PersonsUnlinked", "ConsentRecorded"}

REPORT_CHANNELS = ["police110", "cityPlatform", "hotline", "patrol", "walkIn", "public", "transfer"]
TRACING_CHANNELS = ["xunqinWebsite", "dna", "notice", "interview", "police", "media", "other"]

# Reading 9.
STATUS_BY_EVENT = {
    "ReportReceived": "reported",
    "TeamDispatched": "dispatched",
    "PersonContacted": "contacted",
    "AidDeclined": "declined",
    "OnSiteAidGiven": "aidedOnSite",
    "EmergencyMedicalReferral": "medicalReferral",
    "PickedUp": "pickedUp",
    "AssistanceRequested": "requested",
    "AdmissionRefused": "refused",
    "Admitted": "admitted",
    "HospitalAdmitted": "inHospital",
    "SelfDeparted": "departed",
    "Absconded": "departed",
    "AssistanceTerminated": "departed",
    "CollectedByRelative": "departed",
    "EscortStarted": "escorting",
    "ReturnedHome": "returnedHome",
    "PlacedInCare": "placed",
    "CaseClosed": "closed",
}

# Reading 10: events that end a stay (besides another Admitted).
STAY_END_TYPES = {
    "SelfDeparted", "Absconded", "AssistanceTerminated", "CollectedByRelative", "EscortStarted",
    "ReturnedHome", "PlacedInCare", "CaseClosed", "Admitted",
}

# Reading 11.
TRACING_TYPES = {
    "IdentityQueryRequested", "IdentityQueryAnswered", "TracingNoticePublished",
    "DnaSampleRequested", "DnaSampleCollected", "DnaMatchReported", "FamilyContacted",
    "TracingSucceeded",
}

RULE_ORDER = ["tracingNotice24h", "dnaRequest7WorkingDays", "stay10Days", "minorGuardianship24h",
              "followUp30Days"]

PROGRAMS = ["dibao", "tekun", "medicalAssistance", "temporaryAssistance", "childProtection"]

H24 = dt.timedelta(hours=24)
H240 = dt.timedelta(hours=240)
H720 = dt.timedelta(hours=720)
H2160 = dt.timedelta(hours=2160)
EPS = dt.timedelta(microseconds=1)

# ---------------------------------------------------------------------------------------------
# Time helpers
# ---------------------------------------------------------------------------------------------


def parse_instant(text):
    """RFC 3339 with offset -> aware datetime in UTC."""
    if text.endswith("Z") or text.endswith("z"):
        text = text[:-1] + "+00:00"
    value = dt.datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError("timestamp without offset: %r" % text)
    return value.astimezone(UTC)


def parse_offset(text):
    sign = -1 if text.startswith("-") else 1
    hours, minutes = text.lstrip("+-").split(":")
    return sign * dt.timedelta(hours=int(hours), minutes=int(minutes))


def rfc3339_utc(instant):
    instant = instant.astimezone(UTC)
    if instant.microsecond:
        return instant.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ")


class Clock:
    """Local dates at the configured offset (reading 1)."""

    def __init__(self, offset):
        self.offset = offset

    def date(self, instant):
        return (instant + self.offset).date()

    def midnight(self, day):
        """The instant of local midnight starting `day`."""
        return dt.datetime(day.year, day.month, day.day, tzinfo=UTC) - self.offset


# ---------------------------------------------------------------------------------------------
# The log: duplicates, voids, corrections (readings 2, 3, 4)
# ---------------------------------------------------------------------------------------------


class Event:
    __slots__ = ("pos", "line", "stream", "type", "occ", "rec", "eid", "raw_data", "data", "voided")

    def __repr__(self):
        return "<%d %s %s %s>" % (self.pos, self.stream, self.type, rfc3339_utc(self.occ))


class Log:
    def __init__(self, path):
        self.events = []          # stored records, position order
        self.by_id = {}
        self.duplicates = []      # line numbers of no-op duplicates (reading 2)
        with open(path, encoding="utf-8") as handle:
            for line_no, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                record = json.loads(line, parse_float=Decimal)
                eid = record.get("eventId")
                if eid is not None and eid in self.by_id:
                    self.duplicates.append(line_no)
                    continue
                ev = Event()
                ev.pos = len(self.events) + 1
                ev.line = line_no
                ev.stream = record["stream"]
                ev.type = record["type"]
                ev.occ = parse_instant(record["occurredAt"])
                ev.rec = parse_instant(record["recordedAt"]) if record.get("recordedAt") else None
                ev.eid = eid
                ev.raw_data = record["data"]
                ev.data = None
                ev.voided = False
                self.events.append(ev)
                if eid is not None:
                    self.by_id[eid] = ev
        self._resolve_voids()
        self._resolve_corrections()

    def _target(self, meta):
        target = self.by_id.get(meta.raw_data.get("target"))
        if target is None or target.pos >= meta.pos:
            return None  # reading 3: a target not earlier in the log is ignored
        return target

    def _resolve_voids(self):
        # Reading 3: newest first; a voided void has no effect, so its target stays.
        for ev in reversed(self.events):
            if ev.type != "EventVoided" or ev.voided:
                continue
            target = self._target(ev)
            if target is not None:
                target.voided = True

    def _resolve_corrections(self):
        # Reading 4: corrections in log order, a later one wins per field, only non-voided
        # corrections and only onto non-voided targets. A correction may itself be corrected
        # (its `changes` read after its own corrections); not exercised by this campaign.
        self.corrections_of = defaultdict(list)
        for ev in self.events:
            if ev.type == "EventCorrected" and not ev.voided:
                target = self._target(ev)
                if target is not None and not target.voided:
                    self.corrections_of[target.pos].append(ev)
        for ev in self.events:
            self._effective(ev)

    def _effective(self, ev):
        if ev.data is None:
            data = dict(ev.raw_data)
            for corr in self.corrections_of.get(ev.pos, ()):
                changes = self._effective(corr).get("changes") or {}
                for key, value in changes.items():
                    data[key] = value
            ev.data = data
        return ev.data


# ---------------------------------------------------------------------------------------------
# Persons (reading 7)
# ---------------------------------------------------------------------------------------------


class Persons:
    def __init__(self, log):
        links = set()
        ids = set()
        # Link events apply in log order, whatever their occurredAt (reading 6); voided link
        # events are ignored.
        for ev in log.events:
            if ev.voided:
                continue
            if ev.type in ("PersonsLinked", "PersonsUnlinked"):
                a, b = ev.data["personIds"]
                pair = frozenset((a, b))
                ids.update((a, b))
                if ev.type == "PersonsLinked":
                    links.add(pair)
                else:
                    links.discard(pair)
            elif ev.stream.startswith("case-") and ev.type in ("Admitted", "IdentityVerified"):
                ids.add(ev.data["personId"])
        parent = {i: i for i in ids}

        def find(x):
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for pair in links:
            if len(pair) == 2:
                a, b = sorted(pair)
                ra, rb = find(a), find(b)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
        members = defaultdict(set)
        for i in ids:
            members[find(i)].add(i)
        self.canonical_of = {}
        self.members_of = {}
        for group in members.values():
            canon = min(group)
            for i in group:
                self.canonical_of[i] = canon
            self.members_of[canon] = sorted(group)
        self.links = links

    def canonical(self, person_id):
        return self.canonical_of.get(person_id, person_id)


# ---------------------------------------------------------------------------------------------
# Cases (readings 8 to 12)
# ---------------------------------------------------------------------------------------------


def fold_order(events):
    return sorted(events, key=lambda e: (e.occ, e.pos))


class Case:
    def __init__(self, case_id, events, config, clock):
        self.case_id = case_id
        self.events = fold_order(events)  # domain events, not voided (reading 8)
        self.clock = clock
        self.config = config
        self.region = self._region()

    def _region(self):
        # Reading 13.
        for ev in self.events:
            if ev.type == "ReportReceived":
                return ev.data.get("region")
        for ev in self.events:
            if ev.type in ("PickedUp", "AssistanceRequested", "Admitted") and ev.data.get("station"):
                station = self.config["stations"].get(ev.data["station"])
                return station["region"] if station else None
        return None

    def upto(self, t):
        """Events that occurred at or before t (as of occurred t, reading 6)."""
        if t is None:
            return self.events
        return [e for e in self.events if e.occ <= t]

    # -- stays (reading 10) ------------------------------------------------------------------

    @staticmethod
    def stays(events):
        """[(admitted_event, end_event_or_None)] in fold order."""
        result = []
        for i, ev in enumerate(events):
            if ev.type != "Admitted":
                continue
            end = None
            for later in events[i + 1:]:
                if later.type in STAY_END_TYPES:
                    end = later
                    break
            result.append((ev, end))
        return result

    @staticmethod
    def hospital_intervals(events):
        """[(hospital_admitted_event, end_event_or_None)]: ends at HospitalDischarged or at a
        stay-ending event (reading 16)."""
        result = []
        for i, ev in enumerate(events):
            if ev.type != "HospitalAdmitted":
                continue
            end = None
            for later in events[i + 1:]:
                if later.type == "HospitalDischarged" or later.type in STAY_END_TYPES:
                    end = later
                    break
            result.append((ev, end))
        return result

    # -- state --------------------------------------------------------------------------------

    def status(self, events):
        status = None
        before_hospital = None
        before_closed = None
        for ev in events:
            if ev.type in STATUS_BY_EVENT:
                if ev.type == "HospitalAdmitted":
                    before_hospital = status
                if ev.type == "CaseClosed":
                    before_closed = status
                status = STATUS_BY_EVENT[ev.type]
            elif ev.type == "HospitalDischarged" and status is not None:
                status = before_hospital
            elif ev.type == "CaseReopened" and status is not None:
                status = before_closed
        return status

    @staticmethod
    def identity(events):
        types = {e.type for e in events}
        if "IdentityVerified" in types:
            return "verified"
        if types & TRACING_TYPES:
            return "tracing"
        return "unknown"

    @staticmethod
    def flags(events):
        risks = set()
        for ev in events:
            if ev.type in ("ReportReceived", "PersonContacted"):
                risks.update(ev.data.get("risks") or [])
        return sorted(risks)

    @staticmethod
    def person_id(events):
        verified = [e for e in events if e.type == "IdentityVerified"]
        if verified:
            return verified[-1].data["personId"]
        admitted = [e for e in events if e.type == "Admitted"]
        if admitted:
            return admitted[-1].data["personId"]
        return None

    def stay_days(self, events, now):
        stays = self.stays(events)
        if not stays:
            return None
        admitted, end = stays[-1]
        end_date = self.clock.date(end.occ) if end is not None else self.clock.date(now)
        return (end_date - self.clock.date(admitted.occ)).days

    # -- deadlines (reading 12) ---------------------------------------------------------------

    def dna_deadline(self, admitted_at):
        day = self.clock.date(admitted_at)
        count = 0
        while count < 7:
            day += dt.timedelta(days=1)
            if day.weekday() < 5:
                count += 1
        return self.clock.midnight(day + dt.timedelta(days=1))

    def overdue_at(self, t):
        """Rule ids overdue at instant t, judged on the events that occurred by t."""
        events = self.upto(t)
        result = set()
        closed = False
        for ev in events:
            if ev.type == "CaseClosed":
                closed = True
            elif ev.type == "CaseReopened":
                closed = False
        if closed:
            return result
        lifted = any(e.type == "IdentityVerified" for e in events)
        stays = self.stays(events)
        if stays:
            admitted, end = stays[-1]
            if end is None:  # the latest stay is open at t
                a = admitted.occ

                def met(types):
                    return any(e.type in types and a <= e.occ <= t for e in events)

                if not lifted:
                    if t > a + H24 and not met({"TracingNoticePublished"}):
                        result.add("tracingNotice24h")
                    if t > self.dna_deadline(a) and not met({"DnaSampleRequested"}):
                        result.add("dnaRequest7WorkingDays")
                category = admitted.data.get("category")
                if category == "adult" and t > a + H240:
                    local_t = self.clock.date(t)
                    covered = any(
                        e.type == "StayExtensionFiled"
                        and local_t <= dt.date.fromisoformat(e.data["newDueDate"])
                        for e in events)
                    if not covered:
                        result.add("stay10Days")
                if category == "minor" and t > a + H24 and not met(
                        {"TemporaryGuardianshipStarted", "TransferredToMinorsCentre"}):
                    result.add("minorGuardianship24h")
        returns = [e for e in events if e.type == "ReturnedHome"]
        if returns:
            r = returns[-1].occ
            if t > r + H720 and not any(
                    e.type == "FollowUpVisited" and r <= e.occ <= t for e in events):
                result.add("followUp30Days")
        return result

    def candidate_instants(self, now):
        """Instants at which an overdue interval can begin, up to now."""
        out = {now}
        events = self.upto(now)
        for ev in events:
            out.add(ev.occ)
            if ev.type == "Admitted":
                a = ev.occ
                for d in (a + H24, self.dna_deadline(a), a + H240):
                    out.add(d + EPS)
            elif ev.type == "ReturnedHome":
                out.add(ev.occ + H720 + EPS)
            elif ev.type == "StayExtensionFiled":
                due = dt.date.fromisoformat(ev.data["newDueDate"])
                out.add(self.clock.midnight(due + dt.timedelta(days=1)))
        return sorted(x for x in out if x <= now)

    def state(self, now):
        events = self.upto(now)
        overdue = self.overdue_at(now)
        missed = set()
        for t in self.candidate_instants(now):
            missed |= self.overdue_at(t)
        return {
            "status": self.status(events),
            "identity": self.identity(events),
            "stayDays": self.stay_days(events, now),
            "personId": self.person_id(events),
            "flags": self.flags(events),
            "overdue": [r for r in RULE_ORDER if r in overdue],
            "missed": [r for r in RULE_ORDER if r in missed],
        }


def build_cases(log, config, clock):
    by_case = defaultdict(list)
    for ev in log.events:
        if ev.voided or ev.type in META_TYPES:
            continue
        if ev.stream.startswith("case-"):
            by_case[ev.stream[len("case-"):]].append(ev)
    return {cid: Case(cid, evs, config, clock) for cid, evs in sorted(by_case.items())}


# ---------------------------------------------------------------------------------------------
# Statistics (section 3, readings 13 to 17)
# ---------------------------------------------------------------------------------------------


def number(value):
    if value is None:
        return None
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return int(value)
        return float(value)
    return value


def median(values):
    values = sorted(values)
    n = len(values)
    if n == 0:
        return None
    if n % 2:
        return values[n // 2]
    return (values[n // 2 - 1] + values[n // 2]) / 2


def statistics(cases, persons, clock, date_from, date_to, region=None):
    chosen = [c for c in cases.values()
              if region is None or (c.region is not None and c.region.startswith(region))]

    def in_period(ev):
        return date_from <= clock.date(ev.occ) < date_to

    end_instant = clock.midnight(date_to)  # reading 1: the period end
    s = {
        "reports": 0,
        "reportsByChannel": {ch: 0 for ch in REPORT_CHANNELS},
        "contacts": 0,
        "onSiteAid": 0,
        "itemsDistributed": defaultdict(int),
        "aidDeclined": 0,
        "pickups": 0,
        "admissions": 0,
        "personsAdmitted": 0,
        "repeatPersons": 0,
        "minorsAdmitted": 0,
        "returnedHome": 0,
        "collectedByRelatives": 0,
        "tracingSuccessByChannel": {ch: 0 for ch in TRACING_CHANNELS},
        "medianMinutesReportToPickup": None,
        "bedNights": 0,
        "strandedAtEnd": {"over10Days": 0, "over30Days": 0, "over90Days": 0},
    }
    admitted_persons = defaultdict(int)
    pickup_minutes = []
    for case in chosen:
        for ev in case.events:
            if not in_period(ev):
                continue
            t = ev.type
            if t == "ReportReceived":
                s["reports"] += 1
                s["reportsByChannel"][ev.data["channel"]] += 1
            elif t == "PersonContacted":
                s["contacts"] += 1
            elif t == "OnSiteAidGiven":
                s["onSiteAid"] += 1
                for item in ev.data.get("items") or []:
                    s["itemsDistributed"][item["item"]] += item["quantity"]
            elif t == "AidDeclined":
                s["aidDeclined"] += 1
            elif t == "PickedUp":
                s["pickups"] += 1
            elif t == "Admitted":
                s["admissions"] += 1
                admitted_persons[persons.canonical(ev.data["personId"])] += 1
                if ev.data.get("category") == "minor":
                    s["minorsAdmitted"] += 1
            elif t == "ReturnedHome":
                s["returnedHome"] += 1
            elif t == "CollectedByRelative":
                s["collectedByRelatives"] += 1
            elif t == "TracingSucceeded":
                s["tracingSuccessByChannel"][ev.data["channel"]] += 1
        # Reading 15.
        reports = [e for e in case.events if e.type == "ReportReceived"]
        pickups = [e for e in case.events if e.type == "PickedUp"]
        if reports and pickups and in_period(pickups[0]):
            pickup_minutes.append(Fraction(int((pickups[0].occ - reports[0].occ).total_seconds()), 60))
        # Readings 16 and 17.
        hospital = case.hospital_intervals(case.events)
        for admitted, end in case.stays(case.events):
            first = clock.date(admitted.occ)
            last = clock.date(end.occ) if end is not None else date_to  # exclusive
            lo, hi = max(first, date_from), min(last, date_to)
            nights = set()
            d = lo
            while d < hi:
                nights.add(d)
                d += dt.timedelta(days=1)
            for h_start, h_end in hospital:
                hs = clock.date(h_start.occ)
                he = clock.date(h_end.occ) if h_end is not None else date_to
                nights = {n for n in nights if not (hs <= n < he)}
            s["bedNights"] += len(nights)
            if admitted.occ < end_instant and (end is None or not end.occ < end_instant):
                length = end_instant - admitted.occ
                if length > H240:
                    s["strandedAtEnd"]["over10Days"] += 1
                if length > H720:
                    s["strandedAtEnd"]["over30Days"] += 1
                if length > H2160:
                    s["strandedAtEnd"]["over90Days"] += 1
    s["personsAdmitted"] = len(admitted_persons)
    s["repeatPersons"] = sum(1 for n in admitted_persons.values() if n >= 2)
    s["medianMinutesReportToPickup"] = number(median(pickup_minutes))
    s["itemsDistributed"] = {k: number(v) for k, v in sorted(s["itemsDistributed"].items())}
    return s


# ---------------------------------------------------------------------------------------------
# Entitlements (section 5, readings 19 to 23)
# ---------------------------------------------------------------------------------------------


def age_on(birth, day):
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def t_and(*values):
    if any(v is False for v in values):
        return False
    if all(v is True for v in values):
        return True
    return None


def t_or(*values):
    if any(v is True for v in values):
        return True
    if all(v is False for v in values):
        return False
    return None


def t_not(value):
    return None if value is None else (not value)


def setting(config, region, key, sub=None):
    """Most specific prefix defining the setting (section 6)."""
    if not region:
        return None
    best = None
    for prefix, conf in config["regions"].items():
        if not region.startswith(prefix):
            continue
        value = conf.get(key)
        if sub is not None:
            value = value.get(sub) if isinstance(value, dict) else None
        if value is None:
            continue
        if best is None or len(prefix) > len(best[0]):
            best = (prefix, value)
    return best


class PersonFacts:
    """Everything an entitlement check reads for one person at a query time."""

    def __init__(self, canon, cases, persons, config, clock, now):
        self.canon = canon
        self.now = now
        members = set(persons.members_of.get(canon, [canon]))
        self.cases = []
        for case in cases.values():
            evs = case.upto(now)
            pid = Case.person_id(evs)
            if pid is not None and pid in members:
                self.cases.append((case, evs))
        allev = fold_order([e for _, evs in self.cases for e in evs])
        self.case_of = {e.pos: c for c, evs in self.cases for e in evs}

        def latest(types):
            hits = [e for e in allev if e.type in types]
            return hits[-1] if hits else None

        self.latest_return = latest({"ReturnedHome", "CollectedByRelative"})
        self.latest_returned_home = latest({"ReturnedHome"})
        self.followup = latest({"FollowUpVisited"})
        self.verified = latest({"IdentityVerified"})
        ages = [e for e in allev if e.type == "AssistanceRequested"
                and e.data.get("age") is not None]
        self.assistance = ages[-1] if ages else None
        contacts = [e for e in allev if e.type == "PersonContacted"
                    and e.data.get("estimatedAge") is not None]
        self.contact = contacts[-1] if contacts else None
        self.benefit = {}
        for p in PROGRAMS:
            hits = [e for e in allev if e.type in ("BenefitApplied", "BenefitDecided")
                    and e.data.get("program") == p]
            self.benefit[p] = hits[-1] if hits else None

        # Region and lines.
        if self.latest_returned_home is not None:
            self.region = self.latest_returned_home.data.get("region")
            self.region_source = "ReturnedHome"
        elif self.verified is not None:
            self.region = self.verified.data.get("hukouRegion")
            self.region_source = "IdentityVerified.hukouRegion"
        else:
            self.region = None
            self.region_source = None
        line = setting(config, self.region, "dibaoLine")
        self.line_prefix, self.line = (line if line else (None, None))
        factor = setting(config, self.region, "medicalAssistance", "lowIncomeFactor")
        self.factor_prefix, self.factor = (factor if factor else (None, None))

        # Ages.
        self.age_now = self.age_at(clock.date(now))
        self.age_at_return = (self.age_at(clock.date(self.latest_return.occ))
                              if self.latest_return is not None else None)

        # Guardianship record in the returning case.
        if self.latest_return is not None:
            rcase = self.case_of[self.latest_return.pos]
            revs = [evs for c, evs in self.cases if c is rcase][0]
            self.returning_case = rcase.case_id
            self.guardianship = any(e.type in ("TemporaryGuardianshipStarted",
                                               "TransferredToMinorsCentre") for e in revs)
        else:
            self.returning_case = None
            self.guardianship = None

    def age_at(self, day):
        if self.verified is not None and self.verified.data.get("birthDate"):
            return age_on(dt.date.fromisoformat(self.verified.data["birthDate"]), day)
        if self.assistance is not None and self.assistance.data.get("age") is not None:
            return int(self.assistance.data["age"])
        if self.contact is not None:
            return int(self.contact.data["estimatedAge"])
        return None

    def fu(self, key):
        if self.followup is None:
            return None
        value = self.followup.data.get(key)
        if key == "householdMembers" and value is not None and value < 1:
            return None
        return value


def entitlements(facts):
    f = facts
    members = f.fu("householdMembers")
    income = f.fu("monthlyHouseholdIncomeCny")
    prop = f.fu("propertyWithinLimit")
    supporter = f.fu("ableSupporter")
    work = f.fu("workCapacity")
    disability = f.fu("disability")
    chronic = f.fu("chronicIllness")
    line = f.line
    age = f.age_now

    def unknown(names_values):
        return sorted(n for n, v in names_values if v is None)

    income_inputs = [("monthlyHouseholdIncomeCny", income), ("householdMembers", members),
                     ("dibaoLine", line)]
    if None in (income, members, line):
        below = None
    else:
        below = Decimal(str(income)) < Decimal(str(line)) * Decimal(str(members))

    def code(value, yes, no):
        return [] if value is None else [yes if value else no]

    # dibao
    dibao_ok = t_and(below, prop)
    dibao = {
        "value": dibao_ok,
        "reasons": code(below, "incomeBelowLine", "incomeNotBelowLine")
        + code(prop, "propertyWithinLimit", "propertyOverLimit"),
        "missing": unknown(income_inputs + [("propertyWithinLimit", prop)]),
    }

    # tekun
    a60 = None if age is None else age >= 60
    u18 = None if age is None else age < 18
    severe = None if disability is None else disability == "severe"
    age_test = t_or(a60, u18, severe)
    if age_test is True:
        age_code = ["age60OrOver" if a60 else "under18" if u18 else "severeDisability"]
    elif age_test is False:
        age_code = ["noQualifyingAgeOrDisability"]
    else:
        age_code = []
    no_work = t_not(work)
    no_supporter = t_not(supporter)
    tekun_ok = t_and(age_test, no_work, below, prop, no_supporter)
    tekun_inputs = [("age", age), ("disability", disability), ("workCapacity", work)] \
        + income_inputs + [("propertyWithinLimit", prop), ("ableSupporter", supporter)]
    tekun = {
        "value": tekun_ok,
        "reasons": age_code
        + code(no_work, "noWorkCapacity", "hasWorkCapacity")
        + code(below, "incomeBelowLine", "incomeNotBelowLine")
        + code(prop, "propertyWithinLimit", "propertyOverLimit")
        + code(no_supporter, "noAbleSupporter", "hasAbleSupporter"),
        "missing": unknown(tekun_inputs),
    }

    # medicalAssistance
    if f.factor is None:
        widening = False
    elif None in (income, members, line):
        widening = t_and(None, prop)
    else:
        widening = t_and(Decimal(str(income)) < Decimal(str(f.factor)) * Decimal(str(line))
                         * Decimal(str(members)), prop)
    basis = t_or(dibao_ok, tekun_ok, widening)
    if basis is True:
        basis_code = ["dibaoEligible" if dibao_ok else "tekunEligible" if tekun_ok
                      else "lowIncomeWidening"]
    elif basis is False:
        basis_code = ["notDibaoOrTekunEligible"]
    else:
        basis_code = []
    disabled = None if disability is None else disability != "none"
    illness = t_or(chronic, disabled)
    if illness is True:
        illness_code = ["chronicIllness" if chronic else "disability"]
    elif illness is False:
        illness_code = ["noChronicIllnessOrDisability"]
    else:
        illness_code = []
    medical = {
        "value": t_and(basis, illness),
        "reasons": basis_code + illness_code,
        "missing": unknown(tekun_inputs + [("chronicIllness", chronic)]),
    }

    # temporaryAssistance
    elapsed = f.now - f.latest_return.occ
    within = dt.timedelta(0) <= elapsed <= 90 * H24
    status_now = {p: benefit_status(f.benefit[p]) for p in PROGRAMS}
    granted = status_now["dibao"] == "granted" or status_now["tekun"] == "granted"
    temporary = {
        "value": within and not granted,
        "reasons": ["returnedWithin90Days" if within else "returnedOver90DaysAgo",
                    "dibaoOrTekunGranted" if granted else "noDibaoOrTekunGranted"],
        "missing": [],
    }

    # childProtection
    ar = f.age_at_return
    under = None if ar is None else ar < 18
    record = f.guardianship
    child = {
        "value": t_and(under, record),
        "reasons": code(under, "under18AtReturn", "notUnder18AtReturn")
        + code(record, "guardianshipRecord", "noGuardianshipRecord"),
        "missing": unknown([("age", ar), ("guardianshipRecord", record)]),
    }

    out = {}
    for name, result in (("dibao", dibao), ("tekun", tekun), ("medicalAssistance", medical),
                         ("temporaryAssistance", temporary), ("childProtection", child)):
        value = result["value"]
        eligibility = "eligible" if value is True else "ineligible" if value is False \
            else "needsInformation"
        status = status_now[name] or eligibility
        out[name] = {"status": status, "eligibility": eligibility,
                     "reasons": result["reasons"], "missing": result["missing"]}
    return out


def benefit_status(event):
    if event is None:
        return None
    if event.type == "BenefitApplied":
        return "applied"
    return "granted" if event.data.get("granted") else "denied"


def returned_persons(cases, persons, now):
    out = set()
    for case in cases.values():
        evs = case.upto(now)
        if any(e.type in ("ReturnedHome", "CollectedByRelative") for e in evs):
            pid = Case.person_id(evs)
            if pid is not None:
                out.add(persons.canonical(pid))
    return sorted(out)


# ---------------------------------------------------------------------------------------------
# Fixture selection
# ---------------------------------------------------------------------------------------------

CAMPAIGN_FROM = dt.date(2026, 12, 1)
CAMPAIGN_TO = dt.date(2027, 3, 1)
PERIODS = [
    (dt.date(2026, 12, 1), dt.date(2027, 3, 1), None),
    (dt.date(2026, 12, 1), dt.date(2027, 1, 1), None),
    (dt.date(2027, 1, 1), dt.date(2027, 2, 1), None),
    (dt.date(2027, 2, 1), dt.date(2027, 3, 1), None),
    (dt.date(2026, 12, 1), dt.date(2027, 3, 1), "3301"),
]

AS_OF_END = "2027-02-28T16:00:00Z"  # 2027-03-01T00:00:00+08:00

# (caseId, asOf). What each one exercises is listed in README.md ("Chosen cases").
CASES = [
    ("SX-0014", AS_OF_END),
    ("JX-0023", AS_OF_END),
    ("JX-0205", "2027-02-04T12:00:00Z"),  # inside the 10-day overrun, before the extension
    ("JX-0205", AS_OF_END),
    ("HZ-0239", AS_OF_END),
    ("NB-0288", AS_OF_END),
    ("JX-0025", AS_OF_END),
    ("HZ-0282", AS_OF_END),
    ("JX-0109", "2027-02-20T04:00:00Z"),  # inside the hospital stay
    ("JX-0109", AS_OF_END),
    ("NB-0152", AS_OF_END),
    ("WZ-0042", AS_OF_END),
    ("WZ-0292", AS_OF_END),
    ("JX-0168", AS_OF_END),
]

# Canonical person ids. What each one exercises is listed in README.md ("Chosen persons").
PERSONS = [
    "P100005", "P100010", "P100016", "P100017", "P100019", "P100021",
    "P100023", "P100049", "P100075", "P100096", "P100172", "P100205",
]


def load():
    with open(RULES, encoding="utf-8") as handle:
        config = json.load(handle, parse_float=Decimal)
    clock = Clock(parse_offset(config.get("localUtcOffset", "+08:00")))
    log = Log(CAMPAIGN)
    persons = Persons(log)
    cases = build_cases(log, config, clock)
    return config, clock, log, persons, cases


def main():
    config, clock, log, persons, cases = load()
    os.makedirs(OUT_DIR, exist_ok=True)

    stats = []
    for date_from, date_to, region in PERIODS:
        stats.append({
            "from": date_from.isoformat(),
            "to": date_to.isoformat(),
            "region": region,
            "level": None,
            "statistics": statistics(cases, persons, clock, date_from, date_to, region),
        })
    write(os.path.join(OUT_DIR, "small-winter.statistics.json"), stats)

    case_out = []
    for case_id, as_of in CASES:
        now = parse_instant(as_of)
        entry = {"caseId": case_id, "asOf": rfc3339_utc(now)}
        entry.update(cases[case_id].state(now))
        case_out.append(entry)
    write(os.path.join(OUT_DIR, "small-winter.cases.json"), case_out)

    now = parse_instant(AS_OF_END)
    ent_out = []
    for canon in PERSONS:
        facts = PersonFacts(canon, cases, persons, config, clock, now)
        ent_out.append({"personId": canon, "asOf": rfc3339_utc(now),
                        "programs": entitlements(facts)})
    write(os.path.join(OUT_DIR, "small-winter.entitlements.json"), ent_out)


def write(path, value):
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(value, handle, ensure_ascii=False, indent=2, default=_json_default)
        handle.write("\n")


def _json_default(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(type(value))


if __name__ == "__main__":
    sys.exit(main())
