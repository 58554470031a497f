"""Write one notification pack per controller and a manifest with SHA-256 of every file.

A person with two controllers (a GP practice and a trust both requested tests) appears in both
packs: each controller decides for its own patients. People with no controller go to
``unmapped.csv`` for manual mapping, never silently left out.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import xlsxwriter

from breachdesk import tracking
from breachdesk.case import Case
from breachdesk.engine import Engine
from breachdesk.errors import UserError
from breachdesk.notify import pdf_text
from breachdesk.notify.settings import (
    PLAIN,
    PLAIN_FOR_CONTROLLER,
    Settings,
    environment,
    render,
)
from breachdesk.vocabulary import CATEGORIES

PEOPLE_COLUMNS = (
    "person_id",
    "nhs_number",
    "family_name",
    "given_name",
    "date_of_birth",
    "postcode",
    "exposed",
    "sensitive",
    "risk",
    "explanation",
    "files",
    "evidence",
    "notification_status",
)
MANIFEST_COLUMNS = ("controller", "file", "kind", "people", "bytes", "sha256")


@dataclass(frozen=True)
class PackJob:
    out: str
    controller: dict[str, str]
    people: list[dict[str, Any]]
    sources: list[dict[str, Any]]  # person_id, path, records: where each person's data was
    settings: dict[str, Any]
    template_dir: str | None
    today: str


def age_on(date_of_birth: str | None, day: dt.date) -> int | None:
    try:
        born = dt.date.fromisoformat(date_of_birth or "")
    except ValueError:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _plain(exposed: str) -> list[str]:
    items = [c for c in CATEGORIES if c in set(exposed.split(";"))]
    return [PLAIN[c][0].upper() + PLAIN[c][1:] for c in items]


def _write_people(folder: Path, people: list[dict[str, Any]]) -> None:
    with (folder / "people.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(PEOPLE_COLUMNS)
        for person in people:
            writer.writerow(["" if person.get(c) is None else person[c] for c in PEOPLE_COLUMNS])
    book = xlsxwriter.Workbook(str(folder / "people.xlsx"))
    sheet = book.add_worksheet("Affected people")
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, PEOPLE_COLUMNS, bold)
    for row, person in enumerate(people, start=1):
        # Written as text: NHS numbers and dates must not become numbers or dates in Excel.
        for col, key in enumerate(PEOPLE_COLUMNS):
            value = person.get(key)
            if isinstance(value, int):
                sheet.write_number(row, col, value)
            else:
                sheet.write_string(row, col, "" if value is None else str(value))
    sheet.autofilter(0, 0, len(people), len(PEOPLE_COLUMNS) - 1)
    sheet.freeze_panes(1, 0)
    book.close()


def write_pack(job: PackJob) -> list[dict[str, Any]]:
    """Write one controller's pack; returns its manifest rows."""
    settings = Settings(job.settings)
    env = environment(Path(job.template_dir) if job.template_dir else None)
    code = job.controller["code"]
    folder = Path(job.out) / code
    letters = folder / "letters"
    letters.mkdir(parents=True, exist_ok=True)
    _write_people(folder, job.people)
    with (folder / "sources.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("person_id", "path", "records"))
        for source in job.sources:
            writer.writerow((source["person_id"], source["path"], source["records"]))
    counts = {
        "people": len(job.people),
        "records": sum(int(p["evidence"] or 0) for p in job.people),
        "high": sum(p["risk"] == "high" for p in job.people),
        "medium": sum(p["risk"] == "medium" for p in job.people),
        "low": sum(p["risk"] == "low" for p in job.people),
        "sensitive": sum(bool(p["sensitive"]) for p in job.people),
    }
    per_category = {c: sum(c in p["exposed"].split(";") for p in job.people) for c in CATEGORIES}
    categories = [f"{PLAIN_FOR_CONTROLLER[c]}: {n} people" for c, n in per_category.items() if n]
    day = dt.date.fromisoformat(job.today)
    cover = render(
        env,
        "cover_letter.txt.j2",
        controller=job.controller,
        settings=settings,
        counts=counts,
        categories=categories,
        today=day.strftime("%-d %B %Y"),
    )
    pdf_text.save(cover, folder / "cover_letter.pdf")
    for person in job.people:
        age = age_on(person["date_of_birth"], day)
        text = render(
            env,
            "patient_letter.txt.j2",
            person=person,
            settings=settings,
            controller=job.controller,
            exposed=_plain(person["exposed"]),
            sensitive=bool(person["sensitive"]),
            child=age is not None and age < int(settings.child_age),
            today=day.strftime("%-d %B %Y"),
        )
        pdf_text.save(text, letters / f"{person['person_id']}.pdf")
    return [
        _manifest_row(code, job.out, path, len(job.people))
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    ]


def _manifest_row(code: str, out: str, path: Path, people: int) -> dict[str, Any]:
    data = path.read_bytes()
    rel = path.relative_to(out).as_posix()
    kind = "letter" if "/letters/" in rel else path.stem
    return {
        "controller": code,
        "file": rel,
        "kind": kind,
        "people": 1 if kind == "letter" else people,
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def _people_by_controller(
    case: Case,
) -> tuple[dict[str, list[dict[str, Any]]], list[dict[str, Any]]]:
    register = case.read_table("register").to_pylist()
    status = _statuses(case)
    address: dict[str, str] = {}
    if case.pmi_path is not None:
        pmi = pq.read_table(case.pmi_path, columns=["patient_id", "address_line"]).to_pylist()
        address = {r["patient_id"]: r["address_line"] for r in pmi if r["address_line"]}
    groups: dict[str, list[dict[str, Any]]] = {}
    unmapped = []
    for person in register:
        person["address"] = address.get(person["pmi_patient_id"] or "", "")
        person["notification_status"] = status.get(person["person_id"], "pending")
        codes = [c for c in (person["controllers"] or "").split(";") if c]
        if not codes:
            unmapped.append(person)
        for code in codes:
            groups.setdefault(code, []).append(person)
    return groups, unmapped


def _statuses(case: Case) -> dict[str, str]:
    return {pid: row["status"] for pid, row in tracking.current(case).items()}


def run_notify(
    engine: Engine,
    case: Case,
    out: Path,
    settings: Settings,
    template_dir: Path | None = None,
    today: dt.date | None = None,
) -> dict[str, int]:
    case.require("assess")
    if out.exists() and any(out.iterdir()) and not (out / "manifest.csv").exists():
        raise UserError(f"{out}: is not empty and holds no notification packs; choose a new --out")
    environment(template_dir)  # a missing template folder fails before any pack is written
    groups, unmapped = _people_by_controller(case)
    organisations = {r["code"]: r for r in case.read_table("organisations").to_pylist()}
    sources: dict[str, list[dict[str, Any]]] = {}
    for row in case.read_table("person_files").select(["person_id", "path", "records"]).to_pylist():
        sources.setdefault(row["person_id"], []).append(row)
    staging = out.with_name(f".{out.name}.partial")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    jobs = [
        PackJob(
            out=str(staging),
            controller={
                "code": code,
                "name": organisations.get(code, {}).get("name") or "",
                "address": organisations.get(code, {}).get("address") or "",
            },
            people=people,
            sources=[s for p in people for s in sources.get(p["person_id"], [])],
            settings=settings.values,
            template_dir=str(template_dir) if template_dir else None,
            today=(today or dt.date.today()).isoformat(),
        )
        for code, people in sorted(groups.items())
    ]
    manifest: list[dict[str, Any]] = []
    for rows in engine.map_units(write_pack, jobs, label="notify", weight=lambda j: len(j.people)):
        manifest.extend(rows)
    with (staging / "unmapped.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(PEOPLE_COLUMNS)
        for person in unmapped:
            writer.writerow(["" if person.get(c) is None else person[c] for c in PEOPLE_COLUMNS])
    manifest.append(_manifest_row("", str(staging), staging / "unmapped.csv", len(unmapped)))
    manifest.sort(key=lambda r: (r["controller"], r["file"]))
    with (staging / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        dict_writer = csv.DictWriter(handle, fieldnames=MANIFEST_COLUMNS)
        dict_writer.writeheader()
        dict_writer.writerows(manifest)
    # The packs appear all at once: a failed run never leaves a half-written set behind.
    if out.exists():
        shutil.rmtree(out)
    staging.rename(out)
    return {
        "controllers": len(jobs),
        "people": len({p["person_id"] for people in groups.values() for p in people}),
        "letters": sum(1 for r in manifest if r["kind"] == "letter"),
        "unmapped": len(unmapped),
        "files": len(manifest) + 1,
    }
