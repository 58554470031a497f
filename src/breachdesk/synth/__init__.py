"""Seeded synthetic incident: a PMI, a leaked dump with exact ground truth, and a sample backlog.

Every test, demo and benchmark stands on this, so two rules hold throughout: the same
(patients, seed) gives byte-identical output (all randomness flows from ``random.Random`` seeded
from the seed; archives and documents carry fixed timestamps), and truth records exactly what was
written, because writers report each record as they write it.
"""

from __future__ import annotations

import csv
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from breachdesk import __version__
from breachdesk.errors import UserError
from breachdesk.synth import (
    archives,
    backlog,
    fhir,
    hl7,
    mail,
    pdf,
    people,
    plan,
    scans,
    sheets,
    sql,
    tables,
    text,
    variants,
)
from breachdesk.synth.context import Ctx, DumpTarget
from breachdesk.synth.truth import Truth

__all__ = ["PMI_COLUMNS", "SynthSummary", "generate"]

PMI_COLUMNS = (
    "patient_id", "nhs_number", "family_name", "given_name", "date_of_birth", "sex", "postcode",
    "address_line", "phone", "email", "gp_practice_code",
)  # fmt: skip


@dataclass(frozen=True)
class SynthSummary:
    out: Path
    patients: int
    seed: int
    files: int
    dump_bytes: int
    exposed: int
    not_in_pmi: int
    seconds: float
    records: int = 0
    sensitive: int = 0
    backlog: int = 0


def _write_pmi(path: Path, pop: people.Population) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(PMI_COLUMNS)
        for p in pop.pmi:
            identity = [p.key, p.nhs, p.family, p.given, p.dob.isoformat(), p.sex]
            writer.writerow([*identity, p.postcode, p.street, p.phone, p.email, p.gp])


def generate(
    out: Path,
    patients: int = 2000,
    seed: int = 7,
    progress: Callable[[str], None] | None = None,
    variant: str = variants.STANDARD,
) -> SynthSummary:
    """Write ``out/pmi.csv``, ``out/dump/``, ``out/truth/`` and ``out/backlog.csv``.

    ``variant``: how the files are written (``synth.variants``): the standard layout, or
    ``other_lab`` (other headers, date formats, log and letter wording) for testing on a layout
    the detectors were not tuned on. The people, who is exposed and the truth's facts are the
    same for one seed whatever the variant."""
    started = time.perf_counter()
    out = Path(out)
    if patients < 10:
        raise UserError(f"--patients {patients}: too few for an incident; use at least 10")
    variants.check(variant)
    dump = out / "dump"
    if dump.is_dir() and any(dump.iterdir()):
        raise UserError(
            f"{out}: already holds a synthetic incident; choose an empty --out directory"
        )
    say = progress or (lambda _message: None)
    dump.mkdir(parents=True, exist_ok=True)

    say("people")
    pop = people.build(
        random.Random(f"breachdesk.synth/{seed}/people"),
        patients,
        plan.not_in_pmi_count(patients),
    )
    _write_pmi(out / "pmi.csv", pop)
    truth = Truth(out / "truth", pop)
    ctx = Ctx(pop, truth, DumpTarget(dump, truth), seed, say, variant)
    chosen = plan.make(ctx.rng("plan"), pop)
    channel = chosen.channels

    say("hl7")
    hl7.write(ctx, ctx.dump, channel.get("hl7", []), "Interfaces/Outbound/HL7")
    say("worklists")
    table_apps = channel.get("table", [])
    copies = min(len(table_apps) // 5, 40)
    tables.duplicate(ctx, table_apps[:copies])
    tables.write(ctx, ctx.dump, table_apps[copies:])
    tables.admin(ctx, ctx.dump)
    say("spreadsheets")
    sheets.write(ctx, channel.get("sheet", []))
    say("sql")
    sql.write(ctx, channel.get("sql", []))
    say("fhir")
    fhir.write(ctx, channel.get("fhir", []))
    say("logs")
    text.write(ctx, channel.get("log", []))
    say("mail")
    mail.write(ctx, channel.get("mail", []), chosen.mails)
    say("pdf")
    pdf.write(
        ctx, channel.get("pdf_report", []), channel.get("pdf_summary", []), chosen.pdf_summaries
    )
    say("scans")
    exposed = sorted({idx for apps in channel.values() for idx, _ in apps})
    picked = ctx.rng("scan-people").sample(exposed, min(len(exposed), scans.count(patients)))
    scans.write(ctx, [(idx, False) for idx in picked])
    say("archives")
    archives.write(ctx, channel.get("archive", []))
    archives.edge_files(ctx)
    say("backlog")
    samples = backlog.write(
        out / "backlog.csv", out / "truth" / "backlog_bad.csv", ctx.rng("backlog"), pop
    )
    say("truth")
    counts = truth.finish(seed, __version__, ctx.dump.bytes)
    return SynthSummary(
        out=out,
        patients=patients,
        seed=seed,
        files=counts.files,
        dump_bytes=ctx.dump.bytes,
        exposed=counts.exposed,
        not_in_pmi=counts.not_in_pmi,
        seconds=round(time.perf_counter() - started, 3),
        records=counts.records,
        sensitive=counts.sensitive,
        backlog=samples,
    )
