"""Layout variants: the same incident written the way another laboratory writes its files.

The detectors were built and tuned on the standard layout, so a score on it says little about
a dump from a lab whose exports, logs and letters look different. ``other_lab`` is the held-out
check: other header wording (abbreviations a lab's own system uses), other date formats and
delimiters, a different interface-engine log format, other letter and e-mail wording, and
results exports from a LIMS API (JSON) and an XML interface (``synth.structured``), and a
database exported as one CSV per table (``synth.sql``: patients and results in one folder). A
variant changes only how things are written, never who is exposed or what truth records about
them, so ``breachdesk eval`` scores it exactly as it scores the standard incident.
"""

from __future__ import annotations

import random

from breachdesk.errors import UserError

STANDARD = "standard"
OTHER_LAB = "other_lab"
VARIANTS = (STANDARD, OTHER_LAB)

# Header wording of the other lab's exports: none of these strings is in the standard layout's
# header lists (tests/test_synth_variants.py checks), so a detector cannot have been tuned on them.
OTHER_HEADERS: dict[str, tuple[str, ...]] = {
    "nhs": ("NHS no.", "NHS Num", "New NHS No", "NHSNo", "Patient NHS Number"),
    "family": ("Pt Surname", "Patient Surname", "Family name", "LastName", "SName"),
    "given": ("Pt Forename", "First name(s)", "Patient Forename", "GivenName", "FName"),
    "name_comma": ("Patient name", "Pt Name", "Full Name"),
    "name_plain": ("Full name", "Patient Full Name", "Name of patient"),
    "dob": ("Birth date", "Date Of Birth", "DoB", "Birthdate", "Pt DOB"),
    "sex": ("M/F", "Patient Sex"),
    "mrn": ("Hospital No", "Unit No", "Case Note No", "PAS No", "Local Patient ID"),
    "postcode": ("Post code", "Pcode", "Postal Code"),
    "address": ("Address 1", "Street Address", "Addr1"),
    "phone": ("Tel No", "Contact Number", "Phone No"),
    "email": ("EmailAddr", "Contact Email"),
    "test": ("Test Description", "Test Performed", "Examination", "Assay"),
    "tests": ("Tests Ordered", "Order Codes", "Requested"),
    "result": ("Result Text", "Res", "Reading"),
    "units": ("UOM", "Result Units"),
    "range": ("Ref. Range", "Limits"),
    "flag": ("H/L", "Abnormal Flag"),
    "practice": ("Practice", "Surgery Code", "Source Code", "Requesting Location"),
    "clinician": ("Requestor", "Ordering Clinician"),
    "authoriser": ("Authoriser", "Reported By"),
    "phlebotomist": ("Bled By", "Collector"),
    "sample": ("Specimen ID", "Lab Number", "Request No"),
    "collected": ("Date Taken", "Specimen Date"),
    "received": ("Date Booked In", "Receipt Date"),
    "invoice": ("Billing Ref", "PO Number"),
    "comment": ("Remarks", "Lab Comment"),
    "priority": ("Urgent?", "Cat"),
}
# Date formats of the other lab's paperwork, none of them the standard layout's.
OTHER_DATE_STYLES = ("dmy_dash", "ymd_slash", "dmon_space", "dmonth")
_OTHER_DATE_WEIGHTS = (35, 20, 30, 15)


def check(variant: str) -> str:
    if variant not in VARIANTS:
        raise UserError(f"--variant {variant}: unknown layout; choose one of {', '.join(VARIANTS)}")
    return variant


def date_style(rng: random.Random) -> str:
    """A date format of the other lab (the standard one is ``noise.date_style``)."""
    return rng.choices(OTHER_DATE_STYLES, weights=_OTHER_DATE_WEIGHTS)[0]


def log_stamp(day_and_time: str, millis: int) -> str:
    """``29/05/2024 00:00:14.039``: day first and a full stop before the milliseconds."""
    return f"{day_and_time}.{millis:03d}"


# The other lab's interface engine: pipe-separated columns and key=value fields.
OTHER_PLUMBING = (
    "INFO  | Listener     | accepted connection peer=10.{a}.{b}.{c} port={port}",
    "INFO  | Listener     | peer=10.{a}.{b}.{c} disconnected",
    "DEBUG | Monitor      | alive backlog={a} threads={d}",
    "INFO  | ResultRouter | batch {day}-{port:04d} complete count={b}",
    "WARN  | ResultRouter | ack latency {c}ms exceeds 20ms dest=GP-GATEWAY",
    "INFO  | Finance      | invoice_ref={invoice} posted value={b}.{c:02d}",
    "INFO  | OrderComms   | order_ref={invoice} awaiting specimen",
    "ERROR | Store        | write conflict on result_store, retry {d}/5",
    "INFO  | Config       | reload requested by svc_router",
)
