"""Whose a column is, where its header names someone or something other than the patient: a
member of staff's name ("Operator Surname"), a thing's ("Exam Name"), a practice's address ("GP
Address"). ``columns`` types a header by its synonyms first; these words then say whose it is.
"""

from __future__ import annotations

# (A social care system's patient is its "service user".)
WHOSE = frozenset({"patient", "pt", "pat", "client", "subject", "person", "member", "service user"})
# Words a header names a member of staff by: their name is never the patient's.
STAFF = frozenset(
    {"user", "username", "staff", "operator", "clinician", "requester", "requestor", "author",
     "doctor", "dr", "nurse", "consultant", "employee", "login", "logon", "practitioner",
     "prescriber", "midwife", "scientist", "bms", "technician", "reviewer", "approver",
     "authoriser", "authorizer", "verifier", "signatory", "provider", "referrer", "counsellor",
     "counselor", "phlebotomist", "surgeon", "physician", "gp", "hcp", "clerk", "prov"}
)  # fmt: skip
# Words a header names a test by ("obs_name", "Exam Name"), and other things that have a name.
_TEST_THINGS = frozenset(
    {"test", "tests", "obs", "observation", "analyte", "order", "investigation", "exam",
     "examination", "assay", "panel", "profile", "component", "proc"}
)  # fmt: skip
_THINGS = frozenset(
    {"specimen", "sample", "drug", "medication", "medicine", "product", "ward", "practice",
     "surgery", "hospital", "hosp", "site", "location", "department", "dept", "clinic", "team",
     "service", "organisation", "organization", "org", "trust", "unit", "lab", "laboratory",
     "file", "host", "computer", "workstation", "device", "instrument", "analyser", "analyzer",
     "machine", "printer", "report", "document", "template", "organism", "antibiotic", "field",
     "table", "group", "project", "study", "batch", "item", "procedure", "code"}
)  # fmt: skip
_NAME_WORDS = frozenset({"name", "names", "nm"})


def named_whose(words: list[str], kind: str) -> str | None:
    """A name column's type where its header does not say it is the patient's: a member of
    staff's ("User Name", "Operator Surname"), or a thing's ("obs_name", "Exam Name", "Name of
    ward"), a test's being a test column."""
    if not STAFF.isdisjoint(words):
        return "clinician"
    # The thing's word beside the name's: "Name (as on sample)" is still the patient's.
    padded = ["", *words, "", ""]
    for i, word in enumerate(padded):
        if word in _NAME_WORDS:
            for thing in (padded[i - 1], padded[i + 2] if padded[i + 1] == "of" else ""):
                if thing in _TEST_THINGS:
                    return "test"
                if thing in _THINGS:
                    return None
    return kind


_CONTACTS = frozenset({"address", "postcode", "phone", "email"})
# Places and bodies whose address a lab's export gives beside the patient's: the practice's or
# the requesting hospital's, the requester's as "Practice Address" is by its synonym. (Not a
# care home's: that is where the patient lives.)
_PLACES = frozenset(
    {"gp", "practice", "surgery", "hospital", "ward", "clinic", "site", "location",
     "department", "dept", "trust", "lab", "laboratory", "organisation", "organization", "org",
     "requesting", "referring", "sender", "sending", "hosp", "gps"}
)  # fmt: skip


def contact_whose(words: list[str], kind: str) -> str:
    """A contact column's type where its header names a place or a member of staff ("GP
    Address", "Surgery Postcode", "Consultant Email"): the requester's or the clinician's, not
    the patient's, whose postcode it was taken for. Other columns keep ``kind``."""
    if kind not in _CONTACTS or "service" in words:  # ("Service User Address": the patient)
        return kind
    if not _PLACES.isdisjoint(words):
        return "requester"
    return "clinician" if not STAFF.isdisjoint(words) else kind
