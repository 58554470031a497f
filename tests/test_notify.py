"""Assess controllers, notification packs, tracking and the report, on a synthetic incident.

PDFs are read back with pdftotext (Debian's poppler-utils), as a recipient's tools would.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from breachdesk.assess.controllers import PathRule, codes_in_path, resolve
from breachdesk.assess.stage import keep_config, run_assess
from breachdesk.case import Case
from breachdesk.engine.local import LocalEngine
from breachdesk.errors import UserError
from breachdesk.notify.packs import run_notify
from breachdesk.notify.settings import load_settings
from breachdesk.pipeline import open_case, run_all
from breachdesk.report import facts as report_facts
from breachdesk.report import render
from breachdesk.synth import generate
from breachdesk.tracking import import_statuses

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None and not __import__("os").environ.get("CI"),
    reason="pdftotext (poppler-utils) not installed; CI installs it",
)


def pdftotext(path: Path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.split())


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Case:
    root = tmp_path_factory.mktemp("notify")
    generate(root / "synth", patients=300, seed=5)
    case = open_case(root / "synth" / "dump", root / "case", root / "synth" / "pmi.csv", None)
    run_all(LocalEngine(workers=2), case)
    return case


@pytest.fixture(scope="module")
def packs(case: Case, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("packs") / "packs"
    run_notify(LocalEngine(workers=2), case, out, load_settings(None))
    return out


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_controller_resolution_order() -> None:
    rules = [PathRule("Clients/Lordship*/*", "G85001")]
    assert codes_in_path("GP_Results/G85123/results_0601.csv") == ["G85123"]
    assert resolve(["RJ1"], ["GP_Results/G85123/x.csv"], rules, "Y01234") == (
        ["G85123", "RJ1"],
        "records",
    )
    assert resolve([], ["Clients/Lordship Lane/x.csv"], rules, "Y01234") == (
        ["G85001"],
        "path_rule",
    )
    assert resolve([], ["Misc/x.csv"], rules, "Y01234") == (["Y01234"], "pmi")
    assert resolve([], ["Misc/x.csv"], rules, None) == ([], "unmapped")


def test_every_controller_has_a_pack_with_exactly_its_people(case: Case, packs: Path) -> None:
    register = case.read_table("register").to_pylist()
    expected: dict[str, set[str]] = {}
    for person in register:
        for code in filter(None, (person["controllers"] or "").split(";")):
            expected.setdefault(code, set()).add(person["person_id"])
    folders = {p.name for p in packs.iterdir() if p.is_dir()}
    assert folders == set(expected)
    for code, people in expected.items():
        listed = {r["person_id"] for r in _csv(packs / code / "people.csv")}
        assert listed == people
        letters = {p.stem for p in (packs / code / "letters").glob("*.pdf")}
        assert letters == people
        assert {r["person_id"] for r in _csv(packs / code / "sources.csv")} == people
        book = CalamineWorkbook.from_path(str(packs / code / "people.xlsx"))
        rows = book.get_sheet_by_name("Affected people").to_python()
        assert {str(r[0]) for r in rows[1:]} == people
        assert all(len(str(r[1])) in (0, 10) for r in rows[1:])  # NHS numbers kept as text
    unmapped = {r["person_id"] for r in _csv(packs / "unmapped.csv")}
    assert unmapped == {p["person_id"] for p in register if not p["controllers"]}


def test_manifest_checksums_every_file(packs: Path) -> None:
    manifest = _csv(packs / "manifest.csv")
    files = {p.relative_to(packs).as_posix() for p in packs.rglob("*") if p.is_file()}
    assert {r["file"] for r in manifest} == files - {"manifest.csv"}
    for row in manifest:
        data = (packs / row["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == row["sha256"]
        assert int(row["bytes"]) == len(data)


def test_patient_letter_reads_back(case: Case, packs: Path) -> None:
    register = {p["person_id"]: p for p in case.read_table("register").to_pylist()}
    code = next(p.name for p in packs.iterdir() if p.is_dir())
    person = register[next(iter(sorted(r["person_id"] for r in _csv(packs / code / "people.csv"))))]
    text = pdftotext(packs / code / "letters" / f"{person['person_id']}.pdf")
    assert person["family_name"] in text
    assert "020 7946 0000" in text  # the helpline from the settings
    assert "never ask for your bank details" in text
    if person["nhs_number"]:
        n = person["nhs_number"]
        assert f"{n[:3]} {n[3:6]} {n[6:]}" in text


_KIND_WORDS = {
    "hiv": "hiv",
    "hepatitis": "hepatitis",
    "sexual_health": "sexual",
    "pregnancy": "pregnan",
    "cancer": "cancer",
    "genetic": "genetic",
    "substance_misuse": "drug",
    "mental_health": "lithium",
    "fertility": "fertility",
}


def test_sensitive_letters_do_not_name_the_test(case: Case, packs: Path) -> None:
    sensitive = [p for p in case.read_table("register").to_pylist() if p["sensitive"]]
    assert sensitive, "the synthetic incident has sensitive tests"
    for person in sensitive[:5]:
        code = person["controllers"].split(";")[0]
        text = pdftotext(packs / code / "letters" / f"{person['person_id']}.pdf").lower()
        assert "especially private" in text
        for kind in person["sensitive"].split(";"):
            assert _KIND_WORDS[kind] not in text


def test_children_are_written_to_via_a_parent(case: Case, packs: Path) -> None:
    import datetime as dt

    from breachdesk.notify.packs import age_on

    children = [
        p
        for p in case.read_table("register").to_pylist()
        if p["controllers"] and (age_on(p["date_of_birth"], dt.date.today()) or 99) < 16
    ]
    assert children
    person = children[0]
    code = person["controllers"].split(";")[0]
    text = pdftotext(packs / code / "letters" / f"{person['person_id']}.pdf")
    assert f"To the parent or guardian of {person['given_name']} {person['family_name']}" in text


def test_cover_letter_counts(case: Case, packs: Path) -> None:
    code = next(p.name for p in packs.iterdir() if p.is_dir())
    people = _csv(packs / code / "people.csv")
    text = pdftotext(packs / code / "cover_letter.pdf")
    assert f"lists the {len(people)} people" in text
    high = sum(1 for p in people if p["risk"] == "high")
    assert f"Assessed as high risk: {high}" in text


def test_tracking_import_and_report(case: Case, tmp_path: Path) -> None:
    people = case.read_table("register")["person_id"].to_pylist()
    bad = tmp_path / "bad.csv"
    bad.write_text(f"person_id,status\n{people[0]},sent\nNOBODY,sent\n")
    with pytest.raises(UserError, match="line 3"):
        import_statuses(case, bad)
    assert not case.table_path("notification_status").exists()  # nothing imported
    good = tmp_path / "status.csv"
    good.write_text(
        f"person_id,status,reason\n{people[0]},sent,\n{people[1]},not_required,"
        "controller decided: deceased\n"
    )
    counts = import_statuses(case, good)
    assert counts["sent"] == 1 and counts["not_required"] == 1
    facts = report_facts.collect(LocalEngine(workers=1), case)
    assert facts.notification == {
        "pending": len(people) - 2,
        "sent": 1,
        "returned": 0,
        "not_required": 1,
    }
    out = tmp_path / "report"
    out.mkdir()
    render.pdf(facts, out)
    text = pdftotext(out / "report.pdf")
    assert "Facts for the ICO report" in text
    assert f"People whose data is in the dump {facts.totals['people']}" in text


def test_path_rules_and_ods_reference_reach_the_register(case: Case, tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - pattern: '*'\n    controller: RJZ\n")
    ods = tmp_path / "epraccur.csv"
    codes = [c["ods_code"] for c in case.read_table("controllers").to_pylist()]
    ods.write_text(
        "\n".join(
            f'"{c}","THE {c} SURGERY","Y56","QKK","1 ROAD","","LONDON","","","SE1 1AA"'
            for c in codes
        )
        + "\n"
    )
    keep_config(case, controller_rules=rules, ods=ods)
    run_assess(LocalEngine(workers=1), case)
    register = case.read_table("register").to_pylist()
    # PMI-matched people keep their records' controllers; unmatched people without codes now
    # get the path rule instead of nobody.
    assert not [p for p in register if p["controller_source"] == "unmapped"]
    names = {c["ods_code"]: c["name"] for c in case.read_table("controllers").to_pylist()}
    assert names[codes[0]] == f"THE {codes[0]} SURGERY"
    (case.root / "config" / "controller_rules.yaml").unlink()
    (case.root / "config" / "ods_reference.csv").unlink()
    run_assess(LocalEngine(workers=1), case)
