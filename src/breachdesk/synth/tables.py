"""Delimited worklists and exports (CSV, TSV, pipe), plus the admin files that hold no patients.

Encodings, delimiters, quoting, line endings and title rows vary per file, as they do when every
analyser, clinic and export script on a shared drive writes its own.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta

from breachdesk import nhs
from breachdesk.synth import names, noise, rows, structured, variants
from breachdesk.synth.context import App, Ctx, Target, chunks
from breachdesk.synth.people import ATTACK, LAB_NAME
from breachdesk.synth.truth import Rec

# family -> (folder, file-name pattern, format, layouts)
FAMILIES: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "worklist": ("Worklists/{month}", "{layout}_worklist_{mmdd}", "csv", ("chem", "haem")),
    "phleb": ("Phlebotomy", "clinic_list_{ymd}", "tsv", ("phleb",)),
    "export": ("Exports", "results_export_{ymd}", "psv", ("export",)),
    "outstanding": ("Worklists/Outstanding", "outstanding_{ymd}", "csv", ("outstanding",)),
}
# The other lab also exports results from its LIMS's web API (JSON) and its XML interface.
OTHER_FAMILIES = {
    **FAMILIES,
    "api": ("Exports/API", "results_{ymd}", "json", ("export",)),
    "xml": ("Exports/XML", "results_{ymd}", "xml", ("export",)),
}
_EXT = {"csv": ".csv", "tsv": ".tsv", "psv": ".txt", "json": ".json", "xml": ".xml"}
_DELIM = {"tsv": "\t", "psv": "|"}


def _encoding(rng: random.Random) -> str:
    return rng.choices(("utf-8", "utf-8-sig", "cp1252", "utf-16"), weights=(55, 20, 18, 7))[0]


def render(
    ctx: Ctx,
    rng: random.Random,
    layout: rows.Layout,
    apps: Sequence[App],
    fmt: str,
    *,
    day: date,
    fixed_requester: str = "",
    encoding: str = "",
) -> tuple[bytes, list[Rec]]:
    """One delimited file of patient rows and its records (``row:N`` after the header); JSON
    and XML exports hold the same rows as objects and elements (``structured``)."""
    if fmt in ("json", "xml"):
        return structured.render(ctx, rng, layout, apps, fmt, day)
    encoding = encoding or _encoding(rng)
    sh = rows.sheet(rng, layout, latin1=encoding == "cp1252", variant=ctx.variant)
    sh.fixed_requester = fixed_requester
    commas = (",", ",", ",", ";") if ctx.variant == variants.STANDARD else (";", ";", ",", ",")
    delimiter = _DELIM.get(fmt) or rng.choice(commas)
    table: list[list[str]] = []
    titles = rng.choices((0, 1, 2), weights=(60, 30, 10))[0]
    if titles:
        table.append([f"{layout.title} — printed {day:%d/%m/%Y}"])
    if titles == 2:
        table.append([f"{LAB_NAME} — confidential"])
    table.append(sh.headers)
    recs: list[Rec] = []
    for app in apps:
        for cells, (idx, cats, tests, tags, req) in rows.rows_for(rng, ctx.pop, sh, app):
            table.append(cells)
            recs.append((f"row:{len(table) - 1 - titles}", idx, cats, tests, tags, req))
    newline = "\r\n" if rng.random() < 0.6 else "\n"
    text = noise.csv_text(table, delimiter, rng.random() < 0.25, newline)
    return noise.encode(text, encoding), recs


def _name(ctx: Ctx, folder: str, stem: str, ext: str) -> str:
    count = ctx.next(f"{folder}/{stem}")
    suffix = "" if count == 1 else f"_{count}"
    return f"{folder}/{stem}{suffix}{ext}"


def write(ctx: Ctx, target: Target, apps: list[App], *, most: int = 400) -> None:
    rng = ctx.rng("tables")
    by_practice: dict[str, list[App]] = {}
    general: list[App] = []
    for app in apps:
        # A fifth of rows go to per-practice result folders: the folder name is the controller.
        if rng.random() < 0.2:
            by_practice.setdefault(ctx.pop.persons[app[0]].gp, []).append(app)
        else:
            general.append(app)
    by_family = FAMILIES if ctx.variant == variants.STANDARD else OTHER_FAMILIES
    families = list(by_family)
    most = max(20, min(most, len(general) // 8))
    for n, chunk in enumerate(chunks(rng, general, max(1, most // 10), most)):
        # Every family once before chance takes over, so small incidents have each layout.
        family = families[n] if n < len(families) else rng.choice(families)
        folder, pattern, fmt, layouts = by_family[family]
        layout = rows.LAYOUTS[rng.choice(layouts)]
        day = ATTACK - timedelta(days=rng.randint(0, 12))
        stem = pattern.format(layout=layout.key, mmdd=f"{day:%m%d}", ymd=f"{day:%Y%m%d}")
        name = _name(ctx, folder.format(month=f"{day:%Y-%m}"), stem, _EXT[fmt])
        data, recs = render(ctx, rng, layout, chunk, fmt, day=day)
        ctx.truth.add(target.put(name, data, fmt), recs)
    for code in sorted(by_practice):
        for chunk in chunks(rng, by_practice[code], 60, 300):
            day = ATTACK - timedelta(days=rng.randint(0, 12))
            name = _name(ctx, f"GP_Results/{code}", f"results_{day:%Y%m%d}", ".csv")
            layout = rows.LAYOUTS["gp"]
            data, recs = render(ctx, rng, layout, chunk, "csv", day=day, fixed_requester=code)
            ctx.truth.add(target.put(name, data, "csv"), recs)


def duplicate(ctx: Ctx, apps: list[App]) -> None:
    """One worklist saved twice; truth counts its records under the path that sorts first."""
    rng = ctx.rng("duplicate")
    day = ATTACK - timedelta(days=1)
    layout = rows.LAYOUTS["chem"]
    data, recs = render(ctx, rng, layout, apps, "csv", day=day, encoding="utf-8")
    paths = sorted(
        [
            f"Worklists/{day:%Y-%m}/chem_worklist_{day:%m%d}_final.csv",
            f"Users/Desktop/chem_worklist_{day:%m%d} - Copy.csv",
        ]
    )
    ctx.truth.add(ctx.dump.put(paths[0], data, "csv"), recs)
    ctx.dump.put(paths[1], data, "csv", "duplicate")


def admin(ctx: Ctx, target: Target) -> None:
    """Files with staff, suppliers and invoice numbers but no patients: precision traps."""
    rng = ctx.rng("admin")
    stock = [["Item", "Catalogue No", "Lot", "Expiry", "Qty", "Supplier", "Invoice No", "Cost (£)"]]
    items = (
        "SST tube 5ml", "EDTA tube 4ml", "Citrate tube", "Fluoride oxalate tube", "Swab kit",
        "Urine pot", "HbA1c reagent", "Troponin T reagent", "QC material level 2",
    )  # fmt: skip
    for _ in range(40 + ctx.pop.pmi_count // 2000):
        expiry = ATTACK + timedelta(days=rng.randint(30, 700))
        stock.append(
            [
                rng.choice(items),
                f"CAT-{rng.randint(10000, 99999)}",
                f"L{rng.randint(100000, 999999)}",
                f"{expiry:%d/%m/%Y}",
                str(rng.randint(1, 400)),
                rng.choice(("Sarstedt", "BD", "Roche", "Abbott", "Siemens")),
                nhs.generate_invalid(rng),
                f"{rng.uniform(5, 3000):.2f}",
            ]
        )
    text = noise.csv_text(stock, ",", False, "\r\n")
    target.put("Admin/Stock/reagent_stock_2024-05.csv", noise.encode(text, "cp1252"), "csv")
    rota = [["Date", "Shift", "Name", "Role", "Mobile", "Email"]]
    for day in range(30):
        for staff in rng.sample(ctx.pop.lab_staff, 4):
            email = names.email(rng, staff.given, staff.family).split("@")[0]
            rota.append(
                [
                    f"{ATTACK + timedelta(days=day - 3):%d/%m/%Y}",
                    rng.choice(("Early", "Late", "Night")),
                    f"{staff.given} {staff.family}",
                    rng.choice(("BMS", "MLA", "Phlebotomist", "Duty biochemist")),
                    names.phone(rng),
                    f"{email}@southbank-pathology.example",
                ]
            )
    text = noise.csv_text(rota, ",", False, "\n")
    target.put("Admin/Rota/staff_rota_June2024.csv", noise.encode(text, "utf-8"), "csv")
