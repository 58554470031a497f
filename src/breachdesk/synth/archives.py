"""Archives (a zip holding a zip) and the files that must not be read as data.

Member truth paths are ``outer.zip!/member`` and ``outer.zip!/inner.zip!/member``; every member and
each zip itself get a ``files.csv`` row. The truncated zip's members are not listed: nobody can
read them, so they disclose nothing the pipeline could be scored on.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta

from breachdesk.synth import hl7, rows, tables
from breachdesk.synth.context import App, Ctx, ZipTarget, chunks
from breachdesk.synth.people import ATTACK

_README = (
    "Archived worklists and interface batches, Q4 2023.\r\n"
    "Do not restore to live shares without IG approval.\r\n"
)


def write(ctx: Ctx, apps: list[App]) -> None:
    rng = ctx.rng("archives")
    q4 = date(2023, 12, 20)
    third = len(apps) // 3
    outer_name = "Archive/2023_Q4.zip"
    outer = ZipTarget(outer_name, ctx.truth, (2023, 12, 31, 18, 0, 0))
    outer.put("README.txt", _README.encode("ascii"), "txt")
    for n, chunk in enumerate(chunks(rng, apps[:third], 40, 400), start=1):
        day = q4 - timedelta(days=rng.randint(0, 80))
        layout = rows.LAYOUTS[rng.choice(("chem", "haem"))]
        data, recs = tables.render(ctx, rng, layout, chunk, "csv", day=day)
        path = outer.put(f"worklists/{layout.key}_worklist_{day:%m%d}_{n:02d}.csv", data, "csv")
        ctx.truth.add(path, recs)
    inner_name = "inner/2023_Q4_hl7.zip"
    inner = ZipTarget(f"{outer_name}!/{inner_name}", ctx.truth, (2023, 12, 31, 17, 30, 0))
    hl7.write(ctx, inner, apps[third : 2 * third], "hl7", anchor=q4, most=150)
    outer.put(inner_name, inner.close(), "zip")
    ctx.dump.put(outer_name, outer.close(), "zip")

    q1_name = "Archive/2024_Q1_exports.zip"
    q1 = ZipTarget(q1_name, ctx.truth, (2024, 4, 2, 9, 15, 0))
    for n, chunk in enumerate(chunks(rng, apps[2 * third :], 40, 400), start=1):
        day = date(2024, 3, 31) - timedelta(days=rng.randint(0, 85))
        fmt = rng.choice(("tsv", "psv"))
        layout = rows.LAYOUTS["phleb" if fmt == "tsv" else "export"]
        data, recs = tables.render(ctx, rng, layout, chunk, fmt, day=day)
        member = f"{fmt}/{layout.key}_{day:%Y%m%d}_{n:02d}.{'tsv' if fmt == 'tsv' else 'txt'}"
        ctx.truth.add(q1.put(member, data, fmt), recs)
    ctx.dump.put(q1_name, q1.close(), "zip")


def edge_files(ctx: Ctx) -> None:
    """A truncated zip, random bytes named .csv, and an empty file."""
    rng = ctx.rng("edge")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for n in range(3):
            info = zipfile.ZipInfo(f"backup/part_{n}.bin", date_time=(2022, 3, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, rng.randbytes(20_000))
    whole = buffer.getvalue()
    ctx.dump.put("Archive/2022_backup.zip", whole[: len(whole) * 3 // 5], "zip", "unreadable")
    garbage = rng.randbytes(rng.randint(8_000, 40_000))
    ctx.dump.put("Exports/patients_export_FINAL.csv", garbage, "bin", "unreadable")
    day = ATTACK + timedelta(days=1)
    ctx.dump.put(f"Worklists/{day:%Y-%m}/micro_worklist_{day:%m%d}.csv", b"", "csv")
