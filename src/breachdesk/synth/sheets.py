"""Spreadsheets: monthly QA and audit workbooks with title rows, a summary sheet and patient sheets.

Locator: ``sheet:<name>!row:N``, N counted from 1 after the sheet's header row.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime

import xlsxwriter

from breachdesk.synth import rows
from breachdesk.synth.context import App, Ctx, chunks
from breachdesk.synth.people import LAB_NAME
from breachdesk.synth.truth import Rec

_BOOKS = (
    "Reports/Monthly/QA_results_{mon}2024.xlsx",
    "Reports/Monthly/turnaround_{mon}2024.xlsx",
    "Reports/Audit/repeat_requests_{n:03d}.xlsx",
    "Users/Desktop/GP queries {n}.xlsx",
)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun")
_SHEETS = {"chem": "Chemistry", "haem": "Haematology", "outstanding": "Outstanding"}
_SHEETS["export"] = "Export"
_CREATED = datetime(2024, 6, 2, 16, 45, 0)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _data_sheet(
    ctx: Ctx,
    rng: random.Random,
    book: xlsxwriter.Workbook,
    name: str,
    layout: rows.Layout,
    apps: Sequence[App],
    formats: dict[str, object],
) -> list[Rec]:
    ws = book.add_worksheet(name)
    sh = rows.sheet(rng, layout, variant=ctx.variant)
    real_dates = rng.random() < 0.35
    if real_dates:
        sh.date_style = "iso"
    r = 0
    for title in range(rng.choice((0, 1, 2))):
        text = f"{layout.title} — {LAB_NAME}" if title == 0 else "Printed by: system"
        ws.write_string(r, 0, text, formats["bold"])
        r += 1
    ws.write_row(r, 0, sh.headers, formats["bold"])
    header_row = r
    dob_col = sh.kinds.index("dob") if "dob" in sh.kinds else -1
    result_col = sh.kinds.index("result") if "result" in sh.kinds else -1
    recs: list[Rec] = []
    for app in apps:
        for cells, (idx, cats, tests, tags, req) in rows.rows_for(rng, ctx.pop, sh, app):
            r += 1
            for c, value in enumerate(cells):
                if c == dob_col and real_dates:
                    ws.write_datetime(r, c, datetime.fromisoformat(value), formats["date"])
                elif c == result_col and (number := _number(value)) is not None:
                    ws.write_number(r, c, number)
                elif value:
                    ws.write_string(r, c, value)
            recs.append((f"sheet:{name}!row:{r - header_row}", idx, cats, tests, tags, req))
    return recs


def _summary(rng: random.Random, book: xlsxwriter.Workbook, bold: object) -> None:
    ws = book.add_worksheet("Summary")
    ws.write_string(0, 0, f"{LAB_NAME} — monthly quality report", bold)
    ws.write_row(2, 0, ["Discipline", "Samples", "Within TAT %", "Repeats"], bold)
    for r, discipline in enumerate(("Biochemistry", "Haematology", "Microbiology"), start=3):
        row = [rng.randint(5000, 90000), round(rng.uniform(80, 99), 1), rng.randint(10, 900)]
        ws.write_row(r, 0, [discipline, *row])


def write(ctx: Ctx, apps: list[App]) -> None:
    rng = ctx.rng("sheets")
    for chunk in chunks(rng, apps, 150, 2500):
        pattern = rng.choice(_BOOKS)
        name = pattern.format(mon=rng.choice(_MONTHS), n=ctx.next("xlsx"))
        if ctx.next(f"xlsx:{name}") > 1:
            name = name.replace(".xlsx", f" ({ctx.next('xlsx-copy')}).xlsx")
        path = ctx.dump.path(name)
        book = xlsxwriter.Workbook(str(path), {"constant_memory": len(chunk) > 1500})
        book.set_properties({"created": _CREATED, "author": "LIMS export"})
        formats: dict[str, object] = {
            "bold": book.add_format({"bold": True}),
            "date": book.add_format({"num_format": "dd/mm/yyyy"}),
        }
        if rng.random() < 0.7:
            _summary(rng, book, formats["bold"])
        layouts = rng.sample(sorted(_SHEETS), rng.randint(1, 3))
        recs: list[Rec] = []
        start = 0
        for i, key in enumerate(layouts):
            end = len(chunk) if i == len(layouts) - 1 else start + len(chunk) // len(layouts)
            part = chunk[start:end]
            start = end
            recs += _data_sheet(ctx, rng, book, _SHEETS[key], rows.LAYOUTS[key], part, formats)
        book.close()
        ctx.truth.add(ctx.dump.register(name, "xlsx"), recs)
