"""Plain-English recall wording: a letter and an SMS per recalled patient.

Neither names a test, a result or a condition (an SMS is read on a lock screen, a letter may be
opened by someone else): they say a sample could not be tested because of a computer problem at
the laboratory, that nothing was found and nobody is to blame, and how to get a new one taken.
Children (under 16 at ``--now``) are written to via their parent or guardian. Both warn that the
NHS never asks for bank details: after the 2024 attack, scam calls impersonated the laboratory.
"""

from __future__ import annotations

import re
from datetime import date

from breachdesk.samples.recall import Recall

_GP = re.compile(r"^[A-Z]\d{5}$")
_TRUST = re.compile(r"^R[A-Z0-9]{2}([A-Z0-9]{2})?$")
WHEN = (
    "within the next 2 weeks",
    "within the next 3 days",
    "as soon as possible, today or tomorrow",
)


def requester_phrase(code: str) -> str:
    if _GP.match(code):
        return "your GP practice"
    if _TRUST.match(code):
        return "the hospital team who asked for the test"
    return "the team who asked for the test"


def day_text(iso_day: str) -> str:
    d = date.fromisoformat(iso_day)
    return f"{d:%A} {d.day} {d:%B %Y}"


def full_name(r: Recall) -> str:
    return " ".join(part for part in (r.given_name, r.family_name) if part) or "the patient"


def addressee(r: Recall) -> str:
    if r.child:
        return f"The parent or guardian of {full_name(r)}"
    return full_name(r)


def sms(r: Recall) -> str:
    who = requester_phrase(r.requester)
    first = r.given_name or "there"
    if r.child:
        opening = f"Hello, this message is for the parent or guardian of {first}. A sample {first}"
    else:
        opening = f"Hello {first}. A sample you"
    if r.day:
        book = (
            f"A place is kept for you at {r.clinic} on {day_text(r.day)}. If you cannot go, "
            f"please contact {who}."
        )
    else:
        book = f"Please contact {who} to book, {WHEN[r.urgency]}."
    return (
        f"{opening} gave recently could not be tested because of a computer problem at the "
        f"laboratory, so a new one is needed. {book} We will never ask for bank details."
    )


def letter(r: Recall) -> list[str]:
    """Paragraphs of the letter, after the address block."""
    who = requester_phrase(r.requester)
    child = bool(r.child)
    you, your = ("your child", "your child's") if child else ("you", "your")
    first = r.given_name or "your child"
    from_whom = f"{first}" if child else "you"
    salutation = f"Dear parent or guardian of {full_name(r)}" if child else f"Dear {full_name(r)}"
    if r.day:
        booking = (
            f"We have kept a place for {you} at {r.clinic} on {day_text(r.day)}. If this does "
            f"not suit you, please contact {who} to change it."
        )
    else:
        booking = f"Please contact {who} to book an appointment."
    return [
        salutation + ",",
        f"We are writing because a sample taken from {from_whom} recently could not be tested. "
        "A computer problem at the laboratory meant it could not be processed before it became "
        "too old to use. This is not because of anything found in the sample, and nobody has "
        "done anything wrong.",
        f"{who[0].upper()}{who[1:]} would like a new sample to be taken from {you} "
        f"{WHEN[r.urgency]}. {booking}",
        f"If you have any questions about {your} care, please contact {who}. We will never ask "
        "you for bank details, passwords or payment by phone, text message or e-mail.",
        "Yours sincerely,",
        f"The pathology recovery team, on behalf of {who} ({r.requester})",
    ]
