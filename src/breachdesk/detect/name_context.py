"""What stands before a name in free text and says it is not the patient's: a clinician's title
or role ("Dr", "Requested by:", "Seen by: Mr", "Chair:", an e-mail's "From:"), a relative's
label ("Mother:", "Next of kin:"), a payload's "name": "Dr ..." (its orderer's), a label naming
a thing ("practice name:", "code display name:"), or a clinic's or list's heading ("Colposcopy
Clinic - Mr ..."). Each is read from a short window before the name, the titles and labels
backwards: one anchored match, where a search would try every position. Also the words that
are never a name's (``NOT_NAMES``), tests listed like names, a doctor's title with given names
between it and a family name read first ("Dr Lucy HAWTHORNE,"), and an organisation's name read
as a person's ("HAWTHORNE, Fairfield Surgery").
"""

from __future__ import annotations

import re

from breachdesk.detect import lab_tests
from breachdesk.detect.given_names import family_first
from breachdesk.detect.given_names import kind as given_kind

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
    return STAFF_BEFORE_REVERSED.match(window[::-1]) is not None and not _PATIENT_DOCTOR.search(
        window
    )


# A doctor who is the patient: "re your patient Dr Chloe SMITH, DOB ...", "Pt: Prof A Lee",
# a call log's "Called Dr M Shaw (Y04808) re Dr Iain ROBERTSON DOB ...". The word before the
# title says whose the name is, as "Patient:" does before a labelled one. (The rules that read a
# doctor's name at all want a date of birth after it or a label before: "re Dr Patel's clinic"
# and "re: Dr A Shah, Consultant" name no one.)
_PATIENT_DOCTOR = re.compile(
    r"\b(?:patient|pt|re)\.?(?::[^\S\n]*|[^\S\n]+)(?:dr|doctor|prof)\.?[^\S\n]*$",
    re.IGNORECASE,
)


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
    r"|nik\s+fo\s+txen|kon|mum|dad|(?:rehtom|rehtaf)(?:dnarg|taerg)"
    r"|ytilibisnopser\s+latnerap(?:\s+htiw\s+nosrep)?)\b",
    re.IGNORECASE,
)


def relative_before(text: str, start: int, floor: int = 0) -> bool:
    """Whether a relative's label (``RELATIVE_BEFORE_REVERSED``) ends just before ``start``, or
    a relative's heading stands on the line above the name's label (``_RELATIVE_HEADING``):
    most names have no colon, dash or dot leader close before them, which says so without the
    regex."""
    window = text[max(floor, start - 40) : start]
    if ":" not in window and "-" not in window and ".." not in window:
        return False
    if RELATIVE_BEFORE_REVERSED.match(window[::-1]) is not None:
        return True
    line = text.rfind("\n", floor, start)
    if line == -1 or not _NAME_CAPTION.fullmatch(text, line + 1, start):
        return False
    return _RELATIVE_HEADING.fullmatch(text, text.rfind("\n", floor, line) + 1, line) is not None


# A form's block of a relative's details, under its heading: "Partner" / "  Name ......
# Tobi Banjo" (a booking summary's partner, a child's form's "Mother's details").
_RELATIVE_HEADING = re.compile(
    r"[^\S\n]*+(?i:partner|mother|father|parent|guardian|husband|wife|spouse|carer"
    r"|next[^\S\n]of[^\S\n]kin|nok)(?:['’]s)?(?i:[^\S\n]+details)?[^\S\n]*+:?[^\S\n]*+"
)
_NAME_CAPTION = re.compile(
    r"[^\S\n]*+(?i:(?:full[^\S\n])?name)[^\S\n]*+(?:[:=\-]|\.{2,}+[^\S\n]*+[:=]?)[^\S\n]*+"
)


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


def listed_test(text: str, start: int, word: str, after: int | None = None) -> bool:
    """Whether capitals read as a family name before a comma are a test in a list of tests:
    a catalogue term after another item and its comma, or before one (``after``: where the
    word after the comma starts; "Tests requested: HIV, Ferritin"). (A family name that is
    also a test's abbreviation, "FISH, Anne", stands first on its line or after a label, and
    no given name is a test.)"""
    if not lab_tests.lookup(word):
        return False
    if text[max(0, start - 2) : start].rstrip(" ").endswith(","):
        return True
    if after is None:
        return False
    item = _ITEM.match(text, after)
    return item is not None and bool(lab_tests.lookup(item.group()))


_ITEM = re.compile(r"[^,;\n]{1,40}")  # the next item of a list, up to its comma


def about_a_test(first: str, second: str) -> bool:
    """Whether two words after a subject line's label ("Re:", "Subject:") say what it is about
    rather than whom: a test or a result word among them."""
    return any(w.lower() in _RESULT_WORDS or lab_tests.lookup(w) for w in (first, second))


# Words of a result or a request's urgency, in a subject line before a test's name.
_RESULT_WORDS = frozenset(
    {"reactive", "positive", "negative", "detected", "abnormal", "raised",
     "urgent", "repeat", "critical", "query", "rejected", "haemolysed", "fwd", "fw"}
)  # fmt: skip


# A doctor's or professor's title with given names or initials between it and where a rule's
# match starts ("Dr Lucy HAWTHORNE,": the capitals-and-comma rule starts at the family name;
# "Prof A. B. Bell DOB ..."): staff, where ``staff_before`` looks only just before the match.
_DOCTOR = frozenset({"dr", "doctor", "prof", "professor"})


def _given_like(word: str) -> bool:
    """A given name or initials as written after a title: "Lucy", "Anne-Marie", "L.", "A.B."."""
    core = word.replace(".", "").replace("-", "").replace("'", "").replace("’", "")
    return word[0].isupper() and core.isalpha()


def doctor_before(text: str, start: int, floor: int = 0) -> bool:
    """Whether "Dr"/"Prof" and one to three given names or initials stand just before
    ``start`` on its line."""
    window = text[max(floor, start - 60) : start]
    line = window[window.rfind("\n") + 1 :]
    lower = line.lower()
    if "dr" not in lower and "prof" not in lower and "doctor" not in lower:
        return False
    if line and not line[-1].isspace():
        return False  # the match starts inside a word
    words = line.split()
    for count in range(1, min(3, len(words) - 1) + 1):
        if not _given_like(words[-count]):
            return False
        if words[-count - 1].rstrip(".").lower() in _DOCTOR:
            return True
    return False


# What an organisation's name ends in ("Fairfield Surgery", "Kings College Hospital", "Lordship
# Lane Health Centre"): a name rule that reads the first words of one took a place for a person
# ("HAWTHORNE, Fairfield Surgery", a form's GP line, read as SURNAME, Given).
_ORGANISATIONS = frozenset(
    {
        "surgery",
        "practice",
        "clinic",
        "hospital",
        "infirmary",
        "hospice",
        "centre",
        "center",
        "partnership",
        "pharmacy",
        "trust",
        "laboratory",
        "laboratories",
        "college",
        "university",
        "ccg",
        "pcn",
    }
)
# A word after an organisation's word that makes it a label ("Hospital No RX1100001", "Practice
# code G85001", "Clinic: Diabetes"), which a patient's name may stand before.
_LABEL_AFTER = frozenset({"no", "number", "num", "code", "id", "ref", "name", "address", "tel"})
_CELL_ENDS = ",;|\t\n()"


def organisation_named(text: str, start: int, end: int) -> bool:
    """Whether the words of a name read at ``start``-``end``, or up to three capitalised words
    after it in its cell (up to a comma, tab or line end), end in an organisation's word; or
    whether they are a street's ("1 High Street, DOB ...": an address before the label)."""
    if _street_named(text, start, end):
        return True
    if any(w.strip(".,'’").lower() in _ORGANISATIONS for w in text[start:end].split()):
        return True
    tail = text[end : end + 60]
    stop = len(tail)
    for mark in _CELL_ENDS:
        found = tail.find(mark, 0, stop)
        if found != -1:
            stop = found
    after = tail[:stop].split()
    for index, word in enumerate(after[:3]):
        bare = word.strip(".:'’")
        if not bare or not word[0].isupper():
            return False
        if bare.lower() in _ORGANISATIONS:
            if word.endswith(":"):
                return False  # "Clinic: Diabetes", a label
            if index + 1 == len(after):
                return True
            following = after[index + 1]
            return not (
                following.strip(".:#").lower() in _LABEL_AFTER
                or following[0] in "#:"
                or any(ch.isdigit() for ch in following)
            )
        if not _given_like(word):
            return False
    return False


# A street's last word: never a family name ("Road", "Avenue"), or one only after a house
# number ("12 Mill Lane", where "Grace Lane" is a name).
_STREETS = frozenset(
    {"street", "road", "rd", "avenue", "crescent", "terrace", "gardens", "boulevard", "mews"}
)
_STREETS_NUMBERED = _STREETS | {"lane", "hill", "close", "way", "walk", "drive", "place", "court"}
_STREETS_NUMBERED |= {"grove", "row", "square", "green", "park", "rise", "view", "st", "ave"}
_HOUSE_NUMBER = re.compile(r"(?<![A-Za-z0-9])\d{1,4}[A-Za-z]?,?[^\S\n]{1,3}$")  # not "P0000002"


def _street_named(text: str, start: int, end: int) -> bool:
    words = text[start:end].split()
    last = words[-1].strip(".,").lower() if words else ""
    if last in _STREETS:
        return True
    return (
        last in _STREETS_NUMBERED
        and _HOUSE_NUMBER.search(text, max(start - 12, 0), start) is not None
    )


# Words that open a family name of two words written apart, in capitals or not: "ST JOHN",
# "Mc DONALD", "O BRIEN", "FITZ GERALD" (particles, "DE SOUZA", are read as the family name's).
_SURNAME_PREFIXES = frozenset({"st", "saint", "mc", "o", "fitz"})


def surname_prefix(word: str, after: str) -> bool:
    """Whether ``word`` opens a two-word family name that ``after`` ends ("ST" "JOHN", "St
    John", "Mc DONALD")."""
    return word.casefold() in _SURNAME_PREFIXES and after[:1].isupper() and len(after) > 1


# A date and an NHS number's label (or its ten digits) after two words: "Stanley Hird,
# 21/10/1934, NHS 426 488 7097", a nurse's or a GP's note opening a patient's paragraph.
_DATE_THEN_NHS = re.compile(
    r"[^\S\n]*+,?[^\S\n]*+\(?\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}\)?[^\S\n]*+[,;(\-]?[^\S\n]*+"
    r"(?:(?i:nhs)\b|\d{3}[^\S\n]?\d{3}[^\S\n]?\d{4}\b)"
)


def given_before_nhs(text: str, end: int, first: str, second: str) -> bool | None:
    """False ("given name first") where ``first`` is a given name the lists know, ``second`` a
    word they do not know as one (a family name missing from them), and a date then an NHS
    number follow at ``end``: the date and the number say the two words are a person's name, so
    the family name need not be listed. None otherwise."""
    if given_kind(first) <= 0 or given_kind(second) > 0:
        return None
    return False if _DATE_THEN_NHS.match(text, end) else None


# The word before a two-word family name read before a date-of-birth label ("Penelope" of
# "Penelope ST JOHN DOB ..."), with the spaces after it.
_WORD_BEFORE = re.compile(r"(?<![\w'’\-])([^\W\d_][^\W\d_'’\-]{0,63})[^\S\n]{1,4}$")


def given_before(text: str, at: int, floor: int = 0) -> tuple[int, str] | None:
    """Where the given name before ``at`` starts, and the name: a capitalised word the lists
    know as a given name, no clinician's title before it; else None."""
    found = _WORD_BEFORE.search(text, max(floor, at - 70), at)
    if found is None:
        return None
    word = found.group(1)
    if not word[0].isupper() or given_kind(word) <= 0 or staff_before(text, found.start(), floor):
        return None
    return found.start(), word


def nhs_label_at(text: str, at: int) -> bool:
    """Whether the label after a name read by the before-label rule is an NHS number's."""
    # Sliced: one anchored try over the few characters between a name and its label.
    return _NHS_AFTER.match(text[at : at + 64]) is not None


_NHS_AFTER = re.compile(r"[^\S\n]*+(?:[,(\[\-][^\S\n]*+)?(?i:nhs)")


def caps_family_before(
    text: str, at: int, given: str, middle: str, floor: int = 0
) -> tuple[int, str] | None:
    """Where the family name before ``at`` starts, and the name, when two given names the lists
    know follow a word in capitals there ("NOWAK Anna Maria DOB ...": the before-label rule's
    two words are the given names, the family name before them); else None."""
    if not (given[0].isupper() and middle[0].isupper()) or given.isupper() or middle.isupper():
        return None
    if given_kind(given) <= 0 or given_kind(middle) <= 0:
        return None
    found = _WORD_BEFORE.search(text, max(floor, at - 70), at)
    if found is None:
        return None
    word = found.group(1)
    if len(word) < 2 or not word.isupper() or word.lower() in NOT_NAMES:
        return None
    if lab_tests.is_test_list(word) or staff_before(text, found.start(), floor):
        return None  # "HIV Anna Maria ...", "Dr SMITH Anna Maria"
    return found.start(), word


# A relative introduced in prose before their name: "Her sister, Mrs Louise ...", "his wife
# Gillian ...", "the patient's mother, Anna ...". Such a person may be identified in their own
# right, but is not the letter's patient (``prose_owners``). Read backwards, as
# ``STAFF_BEFORE``: the title, the separator, the relation, then whose it is.
_RELATIVE_IN_PROSE_REVERSED = re.compile(
    r"[ \t]{0,3}(?:\.?(?:rm|srm|sm|ssim|xm|retsam))?(?:[ \t]{0,3}[,:(\-][ \t]{0,3}|[ \t]{1,3})"
    r"(?:rehtom|rehtaf|tnerap|naidraug|dnabsuh|efiw|rentrap|esuops|nos|rethguad|retsis"
    r"|rehtorb|niwt|tnua|elcnu|nisuoc|rehtomdnarg|rehtafdnarg|gnilbis|ecein|wehpen|mum|dad"
    r"|amdnarg|dadnarg|nan)"
    r"(?:[ \t]{1,3}(?:regnuoy|redle|niwt|dlo-?raey-?\d{1,3}))?"
    # whose: "her", "the patient's"; or who brought them ("accompanied by mum", "with dad");
    # or a line's own label ("Sister: Mrs Anna Nowak, DOB ...")
    r"(?:[ \t\n]{1,3}(?:reh|sih|rieht|s['’]?tneitap[ \t]{1,3}eht|s['’]?tneitap|s['’]?tp|yb|htiw)\b"
    r"|[ \t]{0,3}\n)",
    re.IGNORECASE,
)


def relative_in_prose(text: str, start: int, floor: int = 0) -> bool:
    """Whether a relation and whose it is ("her sister,", "his wife", "patient's mother:") stand
    just before the name at ``start`` (``_RELATIVE_IN_PROSE_REVERSED``)."""
    low = max(floor, start - 50)
    window = ("\n" if low == 0 else "") + text[low:start]  # (the text's start opens a line)
    return _RELATIVE_IN_PROSE_REVERSED.match(window[::-1]) is not None


def is_caps(token: str) -> bool:
    return token.isupper() and len(token) > 1


# How many more lists must hold a word as a given name than as a family name for it to say,
# alone, which of two capitalised words is which (as ``given_names.family_first`` asks of two).
_SURE_GIVEN = 3


def order(a: str, b: str, c: str | None, sep: str) -> tuple[str, str]:
    """(family, given) from two or three tokens as they were written."""
    if sep.strip() in {",", "^"}:
        return a, b
    if c:
        if len(b) == 1:
            return c, a  # "J A Smith"
        # "John Paul SMITH" or "SMITH John Paul": the ALL-CAPS token is the family name.
        if is_caps(a) and not is_caps(c):
            return a, b
        return c, a
    if sep.strip() == "." or (len(a) == 1 < len(b)):
        return b, a  # "G. Okafor", "Mr J Smith": the initial is the given name
    if len(b) == 1 < len(a):
        return a, b  # "SMITH J"
    if is_caps(a) and not is_caps(b):
        return a, b
    if is_caps(a) == is_caps(b) and family_first(a, b):
        # "OKAFOR GRACE", "Okafor Grace b. ...": known family and given names say so (a lab
        # system's order)
        return a, b
    if is_caps(a) and is_caps(b) and given_kind(a) == 0 and given_kind(b) >= _SURE_GIVEN:
        return a, b  # "ABERNETHY FIONA": a family name the lists lack before a sure given name
    return b, a
