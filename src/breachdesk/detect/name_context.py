"""What stands before a name in free text and says it is not the patient's: a clinician's title
or role ("Dr", "Requested by:", "Seen by: Mr", "Chair:", an e-mail's "From:"), a relative's
label ("Mother:", "Next of kin:"), a payload's "name": "Dr ..." (its orderer's), a label naming
a thing ("practice name:", "code display name:"), or a clinic's or list's heading ("Colposcopy
Clinic - Mr ..."). Each is read from a short window before the name, the titles and labels
backwards: one anchored match, where a search would try every position. Also the words that
are never a name's (``NOT_NAMES``) and tests listed like names.
"""

from __future__ import annotations

import re

from breachdesk.detect import lab_tests

STAFF_BEFORE = re.compile(
    r"(?:\bdr\.?|\bdoctor|\bprof\.?|requested\s+by|authori[sz]ed\s+by|reported\s+by|"
    r"verified\s+by|consultant|clinician|\bgp\b|\bfrom\s*:|\bregards,?|signed|"
    r"phlebotomist|biomedical\s+scientist|nurse|sister|seen\s+by|checked\s+by|"
    r"(?:typed|dictated|transcribed)(?:\s+by)?|author|secretary|\bchair(?:man|person)?|"
    r"co-?ordinator|surgeon)"
    # (a form's caption may say "name", and print dot leaders before its box: "GP Name .......
    # Mr Howard Lester", "Consultant ...... Mr Victor Steyn" in a two-column form's right column)
    r"(?:\s+name)?\s*(?:\.{2,}\s*)?(?:[:\-]\s*)?"
    # (and a title between, where another rule's match starts at the given name: "Seen by:
    # Mr John Carter (12/03/2024)")
    r"(?:(?:mr|mrs|ms|miss|mx)\.?\s+)?$",
    re.IGNORECASE,
)
# ``STAFF_BEFORE`` read backwards: every match of it ends where its window does, so it matches
# a window exactly when this, each alternative spelled backwards (``\b`` looks both ways), matches
# at the start of the reversed window: one anchored attempt, where ``search`` tries the whole
# alternation at each of the window's 30 positions (~8 us a name).
STAFF_BEFORE_REVERSED = re.compile(
    r"(?:\s+\.?(?:rm|srm|sm|ssim|xm)\b)?\s*(?:[:\-]\s*)?(?:\.{2,}\s*)?(?:eman\s+)?:\s*morf\b|"
    r"(?:\s+\.?(?:rm|srm|sm|ssim|xm)\b)?\s*(?:[:\-]\s*)?(?:\.{2,}\s*)?(?:eman\s+)?"
    r"(?:\.?rd\b|rotcod\b|\.?forp\b|yb\s+detseuqer|yb\s+de[sz]irohtua|yb\s+detroper|"
    r"yb\s+deifirev|tnatlusnoc|naicinilc|\bpg\b|,?sdrager\b|dengis|"
    r"tsimotobelhp|tsitneics\s+lacidemoib|esrun|retsis|yb\s+nees|yb\s+dekcehc|"
    r"(?:yb\s+)?(?:depyt|detatcid|debircsnart)|rohtua|yraterces|(?:nam|nosrep)?riahc\b|"
    r"rotanidro-?oc|noegrus)",
    re.IGNORECASE,
)


# The last character of every title and role ``STAFF_BEFORE`` knows, and of the titles it lets
# follow them, in each case (and the long s, which IGNORECASE reads as an s): the first
# ``STAFF_BEFORE_REVERSED`` reads after the spaces, colon or dash it may skip.
STAFF_LAST = frozenset(".,rfytnpmsdexRFYTNPMSDEX\u017f")


def staff_before(text: str, start: int, floor: int = 0) -> bool:
    """Whether a clinician's title or role ends just before ``start`` (``STAFF_BEFORE``),
    looking no further back than ``floor``. Most names have none: the character before the
    spaces (and one colon or dash) says so without the regex."""
    window = text[max(floor, start - 30) : start]
    trimmed = window.rstrip()
    if trimmed and trimmed[-1] in ":-":
        trimmed = trimmed[:-1].rstrip()
    if not trimmed or trimmed[-1] not in STAFF_LAST:
        return False
    return STAFF_BEFORE_REVERSED.match(window[::-1]) is not None


# A clinic's, list's or theatre's title line names the clinician who runs it: "Colposcopy Clinic -
# Mr T. ADEBAYO - Wed 13/03/2024", "Theatre List: Miss Tola Adebayo 13/03/2024". UK surgeons are
# titled Mr, Miss or Ms, so such a name there is staff, not the list's first patient. The word is
# a heading's, with its capital ("attended clinic - Mrs Okafor was ..." is prose).
_SESSION_BEFORE = re.compile(
    r"(?<!patient )(?<!patients )"  # ("Patient List - Mr ..." lists patients)
    r"\b(clinic|list|theatre|session|ward[^\S\n]+round)s?[^\S\n]*[-\u2013\u2014:|(][^\S\n]*"
    r"(?:mr|miss|ms)\.?[^\S\n]+$",
    re.IGNORECASE,
)


def session_title_before(text: str, start: int, floor: int = 0) -> bool:
    """Whether a clinic's, list's or theatre's heading, its dash or colon and a surgeon's title
    end just before ``start`` (``_SESSION_BEFORE``): the title says so first, without the regex."""
    window = text[max(floor, start - 30) : start]
    words = window.rsplit(None, 1)
    if not words or words[-1].rstrip(".").lower() not in ("mr", "miss", "ms"):
        return False
    found = _SESSION_BEFORE.search(window)
    return found is not None and found.group(1)[0].isupper()


# A relative's label, with its colon or dash, before a name ("Mother: Mrs Anna Nowak, DOB
# 14/05/1950", "Next of kin: Mr Emeka Okafor", "Father's name: ..."): a neonate's or a child's
# form names its parents, a referral its next of kin; they are not the patient. Read
# backwards, as ``STAFF_BEFORE``. ("Her son Tomasz Nowak, NHS no ..." names a patient in
# prose; "Baby of Anna Nowak" is the baby's own name on a neonatal sample.)
RELATIVE_BEFORE_REVERSED = re.compile(
    r"\s*(?:\.?(?:rm|srm|sm|ssim|xm)\s+)?[:\-]\s*(?:(?:sliated|eman)\s+)?(?:s['’])?"
    r"(?:rehtom|rehtaf|tnerap|naidraug|dnabsuh|efiw|rentrap|esuops|nos|rethguad|rerac"
    r"|nik\s+fo\s+txen|kon|mum|dad)\b",
    re.IGNORECASE,
)


def relative_before(text: str, start: int, floor: int = 0) -> bool:
    """Whether a relative's label (``RELATIVE_BEFORE_REVERSED``) ends just before ``start``:
    most names have no colon or dash close before them, which says so without the regex."""
    window = text[max(floor, start - 40) : start]
    if ":" not in window and "-" not in window:
        return False
    return RELATIVE_BEFORE_REVERSED.match(window[::-1]) is not None


def doctor_titled(label: str) -> bool:
    """Whether a bare name key's match ends in a doctor's or professor's title before the name
    (a label saying whose, "Patient: Dr Ann Lee", "Re: Dr ...", may name a doctor as a
    patient; a payload's "name": "Dr ..." is its orderer's or author's)."""
    words = label.lower().split()
    return (
        len(words) > 1
        and words[-1].strip("\"'.") in ("dr", "prof")
        and words[0].strip("\"'{:=-") == "name"
    )


# What a "<word> name:" label names when the word is one of these: a code, an organisation, a
# place or a thing ("code display name: Laboratory report", "assigning authority name: ...",
# "practice name: Victoria Park", "test name: Vitamin D"), not a person.
_THINGS = frozenset(
    {
        "display",
        "authority",
        "organisation",
        "organization",
        "org",
        "test",
        "ward",
        "hospital",
        "practice",
        "surgery",
        "clinic",
        "trust",
        "site",
        "location",
        "facility",
        "department",
        "dept",
        "lab",
        "laboratory",
        "service",
        "team",
        "unit",
        "file",
        "user",
        "host",
        "product",
        "drug",
        "item",
        "sample",
        "specimen",
        "company",
        "supplier",
        "device",
        "analyser",
        "analyzer",
        "sender",
        "receiver",
        "application",
        "system",
    }
)


def thing_named(text: str, start: int, floor: int) -> bool:
    """Whether a "name:" label's word before it says the name is a thing's (``_THINGS``)."""
    if text[start : start + 1] not in "Nn":
        return False  # the label is "Patient:", "Re:", "Subject:"
    before = text[max(floor, start - 24) : start].rsplit(None, 1)
    return bool(before) and before[-1].lower().strip("_.-") in _THINGS


# Words that are no part of a name, read where a rule takes two words for one: prose, labels
# and a form's captions, roles and grades.
NOT_NAMES = {
    "the",
    "and",
    "of",
    "for",
    "on",
    "in",
    "at",
    "to",
    "dob",
    "nhs",
    "date",
    "born",
    "no",
    "number",
    "with",
    "was",
    "is",
    "has",
    "had",
    "re",
    "please",
    "see",
    "result",
    "results",
    "test",
    "not",
    "known",
    "unknown",
    "withheld",
    "redacted",
    "none",
    "anonymous",
    "patient",
    "details",
    "record",
    "records",
    "information",
    "check",
    "confirm",
    "her",
    "his",
    "their",
    # a form's labels written without a colon ("Surname OKAFOR Forename GRACE DOB ...")
    "surname",
    "forename",
    "forenames",
    "name",
    "firstname",
    "lastname",
    "sex",
    "gender",
    "male",
    "female",
    "mrn",
    "hosp",
    "hospital",
    "sample",
    "specimen",
    # a role's last word before a DOB or NHS label ("Infection Control Doctor, DOB on file")
    "doctor",
    "consultant",
    "registrar",
    "manager",
    "officer",
    "coordinator",
    "team",
    "department",
    # staff grades written after a name ("Rachel Thomas, Band 5 BMS, Blood Sciences")
    "bms",
    "hca",
    "rgn",
    "sho",
    "cns",
}


def listed_test(text: str, start: int, word: str) -> bool:
    """Whether capitals read as a family name before a comma are a test in a list of tests:
    a catalogue term after another item and its comma. (A family name that is also a test's
    abbreviation, "FISH, Anne", stands first on its line or after a label.)"""
    return text[max(0, start - 2) : start].rstrip(" ").endswith(",") and bool(
        lab_tests.lookup(word)
    )
