"""Results exports as structured documents: a LIMS web API's JSON and an XML interface file.

The rows are the delimited exports' rows (``rows.rows_for``); only how they are written changes.
JSON: ``{"exportedAt": ..., "results": [{...}, ...]}`` with camelCase keys made from the other
lab's headers and each patient's fields in a nested ``patient`` object; records
``results!row:N``.
XML: ``<ResultsExport><Result>...</Result></ResultsExport>`` with one element per field;
records ``Result!row:N``. Empty cells are left out, as such exports leave out null fields.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Sequence
from datetime import date
from xml.sax.saxutils import escape

from breachdesk.synth import rows
from breachdesk.synth.context import App, Ctx
from breachdesk.synth.truth import Rec

# Sheet kinds that are about the patient (nested under "patient" in the JSON export).
_PATIENT = {"nhs", "family", "given", "name_comma", "name_plain", "dob", "sex", "mrn"}
_PATIENT |= {"postcode", "address", "phone", "email"}


def _key(header: str) -> str:
    """ "Pt Surname" -> "ptSurname", "NHS no." -> "nhsNo": how an API names the field."""
    words = [w for w in re.split(r"[^A-Za-z0-9]+", header.replace("(s)", "s")) if w]
    if not words:
        return "field"
    first, rest = words[0].lower(), [w[:1].upper() + w[1:].lower() for w in words[1:]]
    return first + "".join(rest)


def _tag(header: str) -> str:
    """ "Pt Surname" -> "PtSurname": an XML element name (letters and digits, not a digit first)."""
    tag = "".join(w[:1].upper() + w[1:] for w in re.split(r"[^A-Za-z0-9]+", header) if w)
    return tag if tag and not tag[0].isdigit() else f"F{tag}"


def render(
    ctx: Ctx, rng: random.Random, layout: rows.Layout, apps: Sequence[App], fmt: str, day: date
) -> tuple[bytes, list[Rec]]:
    sh = rows.sheet(rng, layout, variant=ctx.variant)
    items: list[list[tuple[str, str, str]]] = []  # per row: (kind, header, cell)
    recs: list[Rec] = []
    for app in apps:
        for cells, (idx, cats, tests, tags, req) in rows.rows_for(rng, ctx.pop, sh, app):
            items.append(list(zip(sh.kinds, sh.headers, cells, strict=True)))
            number = len(items)
            locator = f"results!row:{number}" if fmt == "json" else f"Result!row:{number}"
            recs.append((locator, idx, cats, tests, tags, req))
    if fmt == "json":
        return _json(items, day, rng), recs
    return _xml(items, day), recs


def _json(items: list[list[tuple[str, str, str]]], day: date, rng: random.Random) -> bytes:
    results = []
    for row in items:
        patient = {_key(h): cell for kind, h, cell in row if kind in _PATIENT and cell}
        rest = {_key(h): cell for kind, h, cell in row if kind not in _PATIENT and cell}
        results.append({"patient": patient, **rest})
    document = {
        "exportedAt": f"{day:%Y-%m-%d}T06:00:00Z",
        "count": len(results),
        "results": results,
    }
    indent = 2 if rng.random() < 0.5 else None
    return json.dumps(document, ensure_ascii=False, indent=indent).encode("utf-8")


def _xml(items: list[list[tuple[str, str, str]]], day: date) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<ResultsExport date="{day:%Y-%m-%d}">']
    for row in items:
        fields = "".join(f"<{_tag(h)}>{escape(cell)}</{_tag(h)}>" for _, h, cell in row if cell)
        lines.append(f"  <Result>{fields}</Result>")
    lines.append("</ResultsExport>")
    return ("\n".join(lines) + "\n").encode("utf-8")
