"""NHS pathology EDIFACT (NHS003, MEDRPT): one row per report, as a table.

UK labs sent results to GP systems as EDIFACT interchanges: a ``UNB`` envelope holding one
``UNH`` message per report, with the patient in ``PNA+PAT`` (NHS number ``:OPI``, names ``SU:``
and ``FO:``), date of birth in ``DTM+329``, sex in ``PDI``, address in ``NAD+PAT`` (NHS003: in
``ADR`` of the patient's segment group, ``S06``), and tests in ``INV`` with results in ``RSL``.
Each message becomes a row under header names the table detectors already know, so EDIFACT
needs no detector of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from breachdesk.ingest.sniff import decode
from breachdesk.readers.base import Item, ReaderError, Table

HEADER = [
    "NHS Number",
    "Hospital Number",
    "Surname",
    "Forename",
    "Date of Birth",
    "Sex",
    "Address",
    "Postcode",
    "Tests",
    "Results",
    "Practice Code",
]
_POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$", re.I)
_SEX = {"1": "M", "2": "F", "0": "U", "9": "U"}
MAX_SEGMENTS = 10_000_000


def _separators(text: str) -> tuple[str, str, str, str]:
    """Component, element, release and terminator characters, from UNA when it is there."""
    if text.startswith("UNA") and len(text) >= 9:
        return text[3], text[4], text[6], text[8]
    return ":", "+", "?", "'"


def segments(text: str) -> Iterator[list[list[str]]]:
    """Segments as elements of components, with release characters applied."""
    comp, elem, release, term = _separators(text)
    if text.startswith("UNA"):
        text = text[9:]
    token = re.compile(
        "|".join(re.escape(c) for c in (release, term, elem, comp))
        + f"|[^{re.escape(release + term + elem + comp)}]+"
    )
    segment: list[list[str]] = [[""]]
    count = 0
    escaped = False
    for match in token.finditer(text):
        piece = match.group()
        if escaped:
            segment[-1][-1] += piece
            escaped = False
        elif piece == release:
            escaped = True
        elif piece == term:
            segment[0][0] = segment[0][0].strip()
            if segment[0][0]:
                yield segment
                count += 1
                if count > MAX_SEGMENTS:
                    raise ReaderError(f"more than {MAX_SEGMENTS} EDIFACT segments")
            segment = [[""]]
        elif piece == elem:
            segment.append([""])
        elif piece == comp:
            segment[-1].append("")
        else:
            segment[-1][-1] += piece
    if segment[0][0].strip():
        yield segment


def _get(seg: list[list[str]], element: int, component: int = 0) -> str:
    if element < len(seg) and component < len(seg[element]):
        return seg[element][component].strip()
    return ""


def _new_row() -> dict[str, list[str]]:
    return {h: [] for h in HEADER}


def _patient(seg: list[list[str]], row: dict[str, list[str]]) -> None:
    ident, kind = _get(seg, 2), _get(seg, 2, 1).upper()
    if ident:
        row["NHS Number" if kind in {"OPI", ""} else "Hospital Number"].append(ident)
    for element in seg[3:]:
        code, value = [*element, ""][:2]
        if code.upper() == "SU" and value:
            row["Surname"].append(value)
        elif code.upper() == "FO" and value and not row["Forename"]:
            row["Forename"].append(value)


def _address(seg: list[list[str]], row: dict[str, list[str]]) -> None:
    lines: list[str] = []
    for element in seg[2:]:
        for value in element:
            value = value.strip()
            if _POSTCODE.match(value):
                row["Postcode"].append(value.upper())
            elif value:
                lines.append(value)
    if lines:
        row["Address"].append(", ".join(lines))


def _unstructured(seg: list[list[str]], row: dict[str, list[str]]) -> None:
    """``ADR++US:27 STANFORD AVENUE:BRIGHTON::BN1 6EA``: the address's lines after its format
    code ("US", unstructured), the postcode among them."""
    element = seg[2] if len(seg) > 2 else []
    if element and len(element[0].strip()) <= 3 and element[0].strip().isalpha():
        element = element[1:]
    _address([[], [], element, *seg[3:]], row)


# NHS003 numbers its segment groups with "S" segments; the patient's details are group 6.
PATIENT_GROUP = "06"


def _apply(seg: list[list[str]], row: dict[str, list[str]], group: str = "") -> None:
    tag, qualifier = seg[0][0].upper(), _get(seg, 1).upper()
    if tag == "ADR" and (
        group == PATIENT_GROUP or (not group and (row["Surname"] or row["NHS Number"]))
    ):
        # In a message without groups, an address after the patient's name is theirs.
        _unstructured(seg, row)
    elif tag == "PNA" and qualifier == "PAT":
        _patient(seg, row)
    elif tag == "DTM" and qualifier == "329":
        value = _get(seg, 1, 1)
        if len(value) == 8 and value.isdigit():
            row["Date of Birth"].append(f"{value[:4]}-{value[4:6]}-{value[6:]}")
    elif tag == "PDI":
        row["Sex"].append(_SEX.get(_get(seg, 1), ""))
    elif tag == "NAD" and qualifier == "PAT":
        _address(seg, row)
    elif tag == "NAD" and _get(seg, 2):
        row["Practice Code"].append(_get(seg, 2))
    elif tag == "INV":
        row["Tests"].append(_get(seg, 2, 3) or _get(seg, 2))
    elif tag == "RSL":
        row["Results"].append(" ".join(v for v in (_get(seg, 2), _get(seg, 4, 3)) if v))


def read(data: bytes, name: str) -> Iterator[Item]:
    text, _ = decode(data)
    text = text.lstrip("\ufeff\r\n ")
    rows: list[dict[str, list[str]]] = []
    row = _new_row()
    group = ""  # the segment group the last "Snn" segment opened, within the message
    for seg in segments(text):
        tag = seg[0][0].upper()
        if tag == "UNH":
            row = _new_row()
            rows.append(row)
            group = ""
        elif re.fullmatch(r"S\d\d", tag):
            group = tag[1:]
        elif tag in {"UNB", "UNZ", "UNT", "UNA"}:
            continue
        else:
            if not rows:
                rows.append(row)
            _apply(seg, row, group)
    rows = [r for r in rows if any(r.values())]
    if not rows:
        raise ReaderError("no EDIFACT messages with patient or test segments")
    columns = [["; ".join(v for v in r[h] if v) for r in rows] for h in HEADER]
    yield Table(header=list(HEADER), columns=columns, first_row=1)
