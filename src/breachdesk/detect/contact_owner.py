"""Whose a contact is: a postcode, address, phone number or e-mail address in a text is given to
the patient only where nothing says it is someone else's.

A letter or report prints many contacts besides the patient's: its letterhead and footer, the
GP's or addressee's block, the next of kin's line, the writer's signature, a ticket's caller.
Each contact is read in its own field: back from it to the nearest boundary (a field's label,
a column gap, a sentence's end, or the end of a patient's identifier), and, where its line says
nothing of whose it is, up the lines of its block. A role word there (``GP``, ``Surgery``,
``Next of kin``, ``wife``, ``Hospital``, ``Kind regards``...) makes it another's; a patient's
label (``Address:``, ``Home address``, ``Re:``) or identifier makes it the patient's. A block
that says neither is the patient's, unless it stands above a letter's greeting to a clinician
(an addressee or letterhead) or below its sign-off (a signature).
"""

from __future__ import annotations

import bisect
import re

from breachdesk.detect.base import Mention

CONTACTS = frozenset({"postcode", "address", "phone", "email"})
# What a line of the patient's own block holds (a contact after it on that line is theirs).
_IDENTITY = frozenset(
    {"nhs_number", "nhs_number_invalid", "nhs_number_test", "date_of_birth", "hospital_number"}
)
_UP = 4  # lines of a block looked up for whose it is (an addressee's name, practice, street)

# Words saying a contact is a clinician's, an organisation's, a relative's or a writer's. A
# place word followed by a street word is a street ("Hospital Road", "Surgery Lane").
_STREET = (
    r"(?!\s+(?:road|rd|street|st|lane|ln|avenue|ave|drive|close|way|hill|walk|place|gardens"
    r"|terrace|court|row|square|mews|crescent|grove|view|cottages|farm|park)\b)"
)
_ROLE = re.compile(
    r"\b(?:(?:surgery|practice|medical\s+cent(?:re|er)|health\s+cent(?:re|er)|clinic|hospital"
    r"|infirmary|laborator(?:y|ies)|pathology|department|dept|ward|trust)" + _STREET + r"|GP"
    r"|G\.P\.?|general\s+practitioner|NHS\s+FT|consultant|registrar|nurse|sister|matron"
    r"|manager|secretar(?:y|ies)|scientist|BMS|pharmacist|physician|caller|requester"
    r"|requested\s+by|reported\s+by|authori[sz]ed\s+by|signed|referr(?:er|ing)|sender"
    r"|next\s+of\s+kin|NOK|wife|husband|spouse|partner|daughter|(?-i:son)|brother|relative"
    r"|carer|friend|neighbour|dear|switchboard|fax|bleep|www|printed|page\s+\d+\s+of"
    r"|regards|sincerely|faithfully|many\s+thanks|best\s+wishes)\b",
    re.IGNORECASE,
)
# A line opening with a clinician's title: an addressee's or signature's block.
_TITLE = re.compile(r"[ \t>]{0,8}(?:Dr|Doctor|Prof|Professor)\b\.?", re.IGNORECASE)
# A field's label: a few words and a colon.
_LABEL = re.compile(r"(?<![\w.])[A-Za-z][A-Za-z .'/&()-]{0,28}?[A-Za-z.)]\s{0,3}:(?=\s|$)")
# Labels that say only what kind of contact follows, not whose: read on past them.
_CONTACT_LABEL = re.compile(
    r"(?:home\s{1,3}|work\s{1,3})?(?:tel(?:ephone)?|phone|mob(?:ile)?|e-?mail|post\s?code|contact)"
    r"(?:\s{0,3}(?:no|number)\.?)?\s{0,3}:",
    re.IGNORECASE,
)
_ADDRESS_LABEL = re.compile(
    r"(?:(?:patient'?s?|home|usual|current|permanent|postal)\s+)?(?:address|addr|residence)\b",
    re.IGNORECASE,
)
# Other boundaries of a field: a column gap (not the space after a label), a sentence's end.
_GAP = re.compile(r"(?<!:)(?:\t| {3,})")
_SENTENCE = re.compile(r"(?<!\bDr)(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bSt)(?<!\bNo)[.!?;]\s+")
# A letter's greeting to a clinician (the blocks above it are its letterhead and addressee; a
# letter to the patient, "Dear Mrs ...", is addressed to their own home), and its sign-off (the
# lines below it are the writer's).
_GREETING = re.compile(
    r"^[ \t]{0,8}Dear\s{1,3}(?:Dr|Doctor|Prof|Professor|Colleague|Sir|Madam)\b",
    re.IGNORECASE | re.MULTILINE,
)
_SIGN_OFF = re.compile(
    r"^[ \t]{0,8}(?:yours\s{1,3}(?:sincerely|faithfully|truly)|(?:(?:kind|best|warm)\s{1,3})?"
    r"regards|many\s{1,3}thanks|thanks|best\s{1,3}wishes|cheers)[ \t]{0,3}[,.!]?[ \t]{0,8}$",
    re.IGNORECASE | re.MULTILINE,
)
_EXTENSION = re.compile(r"[ \t]{0,3}(?:ext|extn|extension|x)\.?[ \t]{0,3}\d", re.IGNORECASE)

_OTHER, _PATIENT, _UNSAID = 0, 1, 2


def patients_only(
    mentions: list[Mention],
    text: str,
    breaks: list[int] | None,
    anchors: list[Mention],
    base: int = 0,
) -> list[Mention]:
    """``mentions`` without the contacts written as someone else's; a postcode inside the
    patient's labelled address is marked so (rule ``in_address``) for its person to prefer.
    ``breaks`` as ``grouping.group_in``'s: None for the one line of ``text`` from ``base``."""
    if not text or not any(m.kind in CONTACTS for m in mentions):
        return mentions
    lines = breaks or []
    chosen = set(anchors)
    marks: dict[int, list[int]] = {}  # by line, where a patient's identifier ends
    spans: dict[int, list[tuple[str, int, int]]] = {}  # by line, identifiers and addresses
    for m in mentions:
        if m.kind in _IDENTITY or m in chosen or m.kind == "address":
            line = bisect.bisect_left(lines, m.start)
            if m.kind != "address":
                marks.setdefault(line, []).append(m.end)
            if m.kind != "name":
                spans.setdefault(line, []).append((m.kind, m.start, m.end))
    letter = _letter_bounds(text)
    out = []
    for m in mentions:
        if m.kind in CONTACTS:
            near = spans.get(bisect.bisect_left(lines, m.start), ())
            if m.kind == "phone" and any(
                kind != "address" and s < m.end and m.start < e for kind, s, e in near
            ):
                continue  # a CHI or NHS number read as a phone number too
            if _owner(m, text, lines, marks, letter, base) == _OTHER:
                continue
            if m.kind == "postcode" and any(
                kind == "address" and s <= m.start and m.end <= e for kind, s, e in near
            ):
                m = m._replace(rule="in_address")
        out.append(m)
    return out


def _letter_bounds(text: str) -> tuple[int, int]:
    """Where a letter's greeting to a clinician starts (-1: none) and where its sign-off ends
    (past the text: none)."""
    greeting = _GREETING.search(text)
    sign_off = _SIGN_OFF.search(text, greeting.end() if greeting else 0)
    return (greeting.start() if greeting else -1), (sign_off.end() if sign_off else len(text) + 1)


def _owner(
    m: Mention,
    text: str,
    lines: list[int],
    marks: dict[int, list[int]],
    letter: tuple[int, int],
    base: int,
) -> int:
    """Whether ``m`` is another's (``_OTHER``) or the patient's."""
    if m.kind == "phone" and _EXTENSION.match(text, m.end):
        return _OTHER  # a switchboard's extension: an organisation's number
    line = bisect.bisect_left(lines, m.start)
    verdict = _field(text, _line_start(lines, line, base), m.start, marks.get(line, ()))
    up = line
    while verdict == _UNSAID and up > 0 and line - up < _UP:
        up -= 1
        start, end = _line_start(lines, up, base), lines[up]
        if not text[start:end].strip():
            break  # a blank line: the block's top
        verdict = _field(text, start, end, marks.get(up, ()))
    if verdict != _UNSAID:
        return verdict
    greeting, sign_off = letter
    if m.start < greeting or m.start > sign_off:
        return _OTHER  # an addressee or letterhead above "Dear Dr ...", a signature below
    return _PATIENT


def _line_start(lines: list[int], line: int, base: int) -> int:
    return lines[line - 1] + 1 if line > 0 else base


def _field(text: str, start: int, end: int, marks: list[int] | tuple[()]) -> int:
    """Whose a contact ending the stretch ``text[start:end]`` of one line is, by what that
    stretch says back to the contact's field's boundary; ``_UNSAID`` where it reaches the
    line's start without a boundary or a word saying whose."""
    bound = max((e for e in marks if e <= end), default=start)
    head = text[bound:end]
    cut = 0
    for pattern in (_GAP, _SENTENCE):
        for found in pattern.finditer(head):
            cut = max(cut, found.end())
    bounded = bound > start or cut > 0
    label = None
    for found in _LABEL.finditer(head, cut):
        if not _CONTACT_LABEL.fullmatch(found.group(0)):
            label = found
    if label is not None:
        bounded = True
        cut = label.start()
        if _ROLE.search(label.group(0)):
            return _OTHER
        if _ADDRESS_LABEL.search(label.group(0)):
            return _PATIENT  # the patient's labelled address, whatever it is called
    field = head[cut:]
    if _ROLE.search(field) or (not bounded and _TITLE.match(field)):
        return _OTHER
    return _PATIENT if bounded else _UNSAID
