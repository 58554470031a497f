"""Table cells that hold more than one thing about who a row is: "OKAFOR, Grace (DOB 12/01/1962)"
under "Patient", "OKAFOR Grace 12/01/1962 NHS 455 766 0932" under "Patient Details", "12/01/1962 /
455 766 0932" under "DOB / NHS No", "Grace OKAFOR (4557660932)".

Such a column is typed by its header (a name, a date of birth, an NHS number) but its cells are
not one value: read as one, the name keeps the date, the date does not parse, the number does
not validate, and a table whose people are only there names no one. Where a column's cells are
so written, each distinct cell is read with the free-text detectors (a valid NHS number, a date
of birth), and what is left of it once those and their labels are taken out is the name, if it
reads as one.
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from breachdesk.detect import cellwise, dates, nhs_number

# Kinds of column whose cells may hold a second identifier.
KINDS = frozenset({"full_name", "date_of_birth", "nhs_number"})
# A cell longer than this is no identity cell (a comment): left as it is.
_LONGEST = 160
# A label before a date that says it is not the date of birth: "dec'd 12/01/2020", "DOD",
# "died", "collected", "adm." (a date in a patient cell is otherwise read as theirs).
_OTHER_DATE = (
    r"dec(?:'?d|eased)|d\.?o\.?d|died|death|coll(?:ected|\.)?|rec(?:'?d|eived)"
    r"|adm(?:itted|\.)?|disch(?:arged|\.)?|appt|sampled?|req(?:uested)?"
)
# What labels a value inside a cell, or is left of one: "DOB", "D.O.B.", "born", "b.", "NHS
# No.", "MRN", "Age", "Name:", "Patient:", a sex in brackets, brackets and separators.
_LABELS = re.compile(
    r"(?i:\b(?:d\.?\s?o\.?\s?b|born|b|nhs|no|number|num|nr|mrn|age[d]?|sex|dob|id"
    r"|(?:full\s)?name|patient|pt|hosp(?:ital)?)\b\.?:?)"
    r"|(?i:\((?:[mfu]|male|female|unknown)\))"
    r"|[()\[\]{}<>/|:;#=]"
)
# A word of a name as it is left: letters, hyphens, apostrophes, a comma after the family name.
_WORD = re.compile(r"[^\W\d_]++(?:['-][^\W\d_]++)*+\.?,?")
_DIGIT = re.compile(r"\d")
_NOT_BIRTH = re.compile(rf"(?i:\b(?:{_OTHER_DATE})\b\.?)[\s:.,-]{{0,3}}$")
# A name's words at most: a title, given and middle names, a family name of several parts.
_MOST_WORDS = 8


def _read(cell: str) -> tuple[str | None, str | None, str | None]:
    """(name left, date of birth, NHS number) of one cell; all None where the cell holds
    neither a date nor a valid NHS number (the caller keeps such a cell as it is), and
    the name None where what is left does not read as two to eight words of a name."""
    if len(cell) > _LONGEST:
        return None, None, None
    numbers = list(nhs_number.detect(cell))
    valid = next((m.value for m in numbers if m.kind == "nhs_number"), None)
    found = []
    spans = [(m.start, m.end) for m in numbers]
    for m in dates.detect(cell):
        other = _NOT_BIRTH.search(cell, 0, m.start)
        if other is None:
            found.append(m)
        spans.append((m.start if other is None else other.start(), m.end))  # its label too
    labelled = [m for m in found if m.kind == "date_of_birth"]
    today = dates.today().isoformat()
    born = next(
        (m.value for m in labelled or found if m.value and "1880-01-01" <= m.value <= today), None
    )
    if valid is None and born is None and len(spans) == len(numbers) + len(found):
        return None, None, None
    left = cell
    for start, end in sorted(spans, reverse=True):
        left = left[:start] + " " + left[end:]
    # (A word with a digit in it is no part of a name: an age, a hospital number, a time.)
    words = [w for w in _LABELS.sub(" ", left).split() if not _DIGIT.search(w)]
    while words and not _WORD.fullmatch(words[-1]):
        words.pop()  # a separator left at the end ("OKAFOR, Grace -")
    name = " ".join(words).rstrip(",.") if 2 <= len(words) <= _MOST_WORDS else None
    if name is not None and not all(_WORD.fullmatch(w) for w in words):
        name = None
    return name, born, valid


def _written_so(values: pa.Array, kind: str, parsed: pa.Array | None) -> bool:
    """Whether a column's cells look composite: a name column with digits in a cell; a date of
    birth or NHS-number column whose own reading (``parsed``) failed on half its filled cells."""
    filled = len(values) - values.null_count
    if not filled:
        return False
    if kind == "full_name":
        return _has_digit(values)
    return parsed is not None and parsed.null_count - values.null_count > filled // 2


def _has_digit(values: pa.Array) -> bool:
    """Whether any cell holds an ASCII digit, read off the column's bytes (a regex call per name
    column costs a small table more than the rest of its name's reading)."""
    if isinstance(values, pa.ChunkedArray):
        return any(_has_digit(chunk) for chunk in values.chunks)
    if values.type != pa.string():
        return True  # (not a column of text: read it as the detectors would)
    data = values.buffers()[2]
    if data is None:
        return False
    bounds = cellwise.offsets(values)
    text = np.frombuffer(data, dtype=np.uint8)[bounds[0] : bounds[-1]]
    return bool(((text >= ord("0")) & (text <= ord("9"))).any())


def split(
    values: pa.Array, kind: str, parsed: pa.Array | None = None, *, with_name: bool = False
) -> dict[str, pa.Array] | None:
    """What a composite column's cells hold, by kind ("full_name": each cell with its date of
    birth and NHS number taken out, the cells with neither as they were; "date_of_birth" as
    ISO dates; "nhs_number"), or None when the column's cells are not so written. ``values``
    trimmed, empty as null; ``parsed`` the column's own reading as its kind. ``with_name``: a
    date-of-birth or NHS-number column's cells may hold the name too ("HALLORAN Bridget
    14/02/1951" under "Patient (Name / DOB)"), given as "full_name" where any cell's does."""
    if kind not in KINDS or not _written_so(values, kind, parsed):
        return None
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    encoded = pc.dictionary_encode(values)
    cells: list[str | None] = encoded.dictionary.to_pylist()
    read = [_read(c) if c is not None and _DIGIT.search(c) else (None, None, None) for c in cells]
    found = {
        "date_of_birth": [born for _, born, _ in read],
        "nhs_number": [number for _, _, number in read],
    }
    if not any(v for column in found.values() for v in column) and not any(
        name for name, _, _ in read
    ):
        return None
    if kind != "full_name" and with_name and any(name for name, _, _ in read):
        found["full_name"] = [name for name, _, _ in read]
    if kind == "full_name":
        found["full_name"] = [
            cell if name is None and born is None and number is None else name
            for cell, (name, born, number) in zip(cells, read, strict=True)
        ]
    return {
        what: pc.take(pa.array(column, pa.string()), encoded.indices)
        for what, column in found.items()
        if any(column)
    }
