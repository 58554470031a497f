"""What an operator reads out: plain English for the categories, the script for sensitive
cases, and what happens next. Never a test name, a result or a sensitive kind."""

from __future__ import annotations

from dataclasses import dataclass

from breachdesk.helpline.lookup import Controller, Finding
from breachdesk.notify.settings import PLAIN, Settings

SENSITIVE_SCRIPT = (
    "Some of the information is about a test that the NHS treats as especially private. "
    "Do not name the test or guess which it was, even if the caller asks or suggests one. "
    'Say: "Some of the information concerns a test that is treated as especially private. '
    "I can't go into detail on the phone, but the organisation responsible for your care can "
    "talk it through with you.\" Then offer the controller's contact below."
)
NOT_FOUND_SCRIPT = (
    "Read the details back to the caller and check the spelling, the date of birth and the "
    'postcode (or the NHS number). If they are right, say: "We have not found your details '
    "in the files we have examined so far. The work is continuing; if that changes, your GP "
    'practice or hospital will contact you."'
)


@dataclass(frozen=True)
class Answer:
    found: bool
    exposed: list[str]  # plain-English phrases, "your name", ...
    sensitive_script: str | None
    controllers: list[str]  # "Name (CODE)" or "CODE"
    next_steps: list[str]
    reference: int


def controller_label(controller: Controller) -> str:
    return f"{controller.name} ({controller.code})" if controller.name else controller.code


def next_steps(finding: Finding, settings: Settings) -> list[str]:
    who = (
        " and ".join(controller_label(c) for c in finding.controllers)
        if finding.controllers
        else "the organisation responsible for your records (we are still confirming which)"
    )
    return [
        f"{who} will decide whether to write to you about this; you do not need to do "
        "anything now.",
        f"Our helpline is {settings.helpline_phone}, {settings.helpline_hours}; updates are at "
        f"{settings.website}.",
        "Beware of scams: we, the NHS and your GP will never call, text or e-mail to ask for "
        "bank details, passwords or payment about this. If anyone does, hang up and call "
        f"{settings.helpline_phone} yourself.",
    ]


def answer(finding: Finding, settings: Settings) -> Answer:
    if not finding.found:
        return Answer(False, [], None, [], [], finding.reference)
    return Answer(
        found=True,
        exposed=[PLAIN.get(c, c.replace("_", " ")) for c in finding.categories],
        sensitive_script=SENSITIVE_SCRIPT if finding.sensitive else None,
        controllers=[controller_label(c) for c in finding.controllers],
        next_steps=next_steps(finding, settings),
        reference=finding.reference,
    )
