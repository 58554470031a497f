"""Repeat-test recall: who is listed, what they are told, and where they are booked."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from breachdesk import catalogue
from breachdesk.errors import UserError
from breachdesk.samples import appointments, letters, messages, run
from breachdesk.samples.recall import Recall, district, is_child
from breachdesk.synth import generate

NOW = "2024-06-10T06:00"


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def pdf_text(path: Path) -> list[str]:
    doc = pdfium.PdfDocument(path)
    try:
        return [page.get_textpage().get_text_range() for page in doc]
    finally:
        doc.close()


@pytest.fixture(scope="module")
def incident(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("incident")
    generate(out, patients=2000, seed=21)
    (out / "capacity.yaml").write_text(
        "lanes:\n  all:\n    per_hour: 500\n    disciplines: ['*']\n"
    )
    return out


@pytest.fixture(scope="module")
def triaged(incident: Path) -> Path:
    out = incident / "triage"
    run.triage(
        incident / "backlog.csv",
        NOW,
        out,
        capacity_path=incident / "capacity.yaml",
        pmi_path=incident / "pmi.csv",
    )
    return out


def test_recall_lists_exactly_the_discarded_and_partial_patients(
    incident: Path, triaged: Path
) -> None:
    samples = {r["sample_id"]: r for r in read_csv(incident / "backlog.csv")}
    triage = read_csv(triaged / "triage.csv")
    expected = {
        (samples[t["sample_id"]]["requester_code"], samples[t["sample_id"]]["nhs_number"])
        for t in triage
        if t["status"] in ("discard", "partial")
    }
    assert all(r["outcome"] == "run" for r in read_csv(triaged / "plan.csv"))
    listed = set()
    for path in (triaged / "recall").glob("*.csv"):
        for row in read_csv(path):
            listed.add((path.stem, row["nhs_number"]))
            for sid in row["samples"].split(";"):
                assert samples[sid]["requester_code"] == path.stem
    assert listed == expected
    assert {p.stem for p in (triaged / "recall").glob("*.pdf")} == {r for r, _ in expected}


def test_partial_sample_repeats_only_its_expired_tests(triaged: Path) -> None:
    partial = {
        t["sample_id"]: t for t in read_csv(triaged / "triage.csv") if t["status"] == "partial"
    }
    assert partial
    seen = 0
    for path in (triaged / "recall").glob("*.csv"):
        for row in read_csv(path):
            ids = row["samples"].split(";")
            if len(ids) == 1 and ids[0] in partial:
                expired = partial[ids[0]]["tests_expired"].split(";")
                assert row["tests_to_repeat"] == "; ".join(
                    f"{catalogue.by_term()[catalogue.term_key(c)].name} ({c})" for c in expired
                )
                seen += 1
    assert seen


def test_messages_are_plain_and_carry_no_clinical_detail(triaged: Path) -> None:
    names = {t.name.lower() for t in catalogue.load()}
    codes = {t.code for t in catalogue.load() if len(t.code) > 2}
    rows = [row for path in (triaged / "recall").glob("*.csv") for row in read_csv(path)]
    assert rows
    for row in rows:
        sms = row["sms_text"]
        assert len(sms) < 400
        words = set(sms.replace(".", " ").replace(",", " ").split())
        assert not words & codes
        assert not any(name in sms.lower() for name in names if len(name) > 4)
        assert "bank details" in sms


def test_pdf_has_the_patient_and_no_result_values(triaged: Path) -> None:
    path = sorted((triaged / "recall").glob("*.pdf"))[0]
    rows = read_csv(path.with_suffix(".csv"))
    pages = pdf_text(path)
    listing, letter_pages = pages[0], pages[1:]
    assert len(letter_pages) == len(rows)
    for row, page in zip(rows, letter_pages, strict=True):
        # Core fonts print Latin-1: other letters are transliterated (Jānis -> Janis).
        assert letters.latin1(f"{row['given_name']} {row['family_name']}") in page
        assert row["nhs_number"] not in page  # the letter needs no identifier beyond the name
        for code in row["tests_to_repeat"].split("; "):
            assert code not in page
        assert "mmol/L" not in page and "Result" not in page
    assert letters.latin1(rows[0]["family_name"].upper()) in listing


def recall(**kw: object) -> Recall:
    base: dict[str, object] = {
        "requester": "G85001",
        "nhs_number": "9990000018",
        "family_name": "Smith",
        "given_name": "Amy",
        "date_of_birth": "1980-01-01",
        "district": "SE13",
        "address": "",
        "samples": ["S1"],
        "first_collected": 0,
        "tests": ["UE"],
        "urgency": 0,
        "reasons": ["sample expired before it could be tested"],
        "child": False,
    }
    return Recall(**(base | kw))  # type: ignore[arg-type]


def test_child_letters_go_to_the_parent_or_guardian(tmp_path: Path) -> None:
    assert is_child("2015-03-01", date(2024, 6, 10)) is True
    assert is_child("2008-06-10", date(2024, 6, 10)) is False  # 16 today
    assert is_child("2008-06-11", date(2024, 6, 10)) is True
    kid = recall(given_name="Дмитрий", family_name="Ivanov", child=True, nhs_number="9990000026")
    assert messages.addressee(kid) == "The parent or guardian of Дмитрий Ivanov"
    assert messages.sms(kid).startswith("Hello, this message is for the parent or guardian of")
    path = tmp_path / "G85001.pdf"
    letters.write_pdf(path, "G85001", [kid], date(2024, 6, 10))
    text = pdf_text(path)[1]
    assert "The parent or guardian of Dmitriy Ivanov" in text
    assert "Dear parent or guardian of Dmitriy Ivanov," in text


def test_slots_by_urgency_capacity_and_district(tmp_path: Path) -> None:
    slots_csv = tmp_path / "slots.csv"
    slots_csv.write_text(
        "clinic,day,capacity,postcode_districts\n"
        "Lewisham Hub,2024-06-11,1,SE13;SE6\n"
        "Bromley Hub,2024-06-11,2,BR1\n"
        "Open Clinic,2024-06-12,1,\n"
        "Old Clinic,2024-06-01,50,\n",
        encoding="utf-8",
    )
    slots = appointments.load(slots_csv)
    people = [
        recall(nhs_number="9990000001", district="SE13", urgency=0, first_collected=1),
        recall(nhs_number="9990000002", district="SE13", urgency=2, first_collected=5),
        recall(nhs_number="9990000003", district="SE13", urgency=1, first_collected=3),
        recall(nhs_number="9990000004", district="BR1", urgency=0),
        recall(nhs_number="9990000005", district="", urgency=0, first_collected=9),
        # Same person, second requester: one appointment shared.
        recall(nhs_number="9990000004", district="BR1", urgency=0, requester="RJ2"),
    ]
    unplaced = appointments.allocate(people, slots, date(2024, 6, 10))
    booked = {(r.nhs_number, r.requester): (r.clinic, r.day) for r in people}
    assert booked[("9990000002", "G85001")] == ("Lewisham Hub", "2024-06-11")  # critical first
    assert booked[("9990000003", "G85001")] == ("Open Clinic", "2024-06-12")  # urgent next
    assert booked[("9990000001", "G85001")] == ("", "")  # routine: no room left for SE13
    assert booked[("9990000004", "G85001")] == ("Bromley Hub", "2024-06-11")
    assert booked[("9990000004", "RJ2")] == ("Bromley Hub", "2024-06-11")
    assert booked[("9990000005", "G85001")] == ("", "")
    assert [r.nhs_number for r in unplaced] == ["9990000001", "9990000005"]
    assert unplaced[0].slot_note == "no free slot at a clinic serving SE13"
    assert "postcode district unknown" in unplaced[1].slot_note
    used = {s.clinic: s.used for s in slots}
    assert used == {"Lewisham Hub": 1, "Bromley Hub": 1, "Open Clinic": 1, "Old Clinic": 0}
    assert all(s.used <= s.capacity for s in slots)


def test_slots_file_errors_are_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "slots.csv"
    bad.write_text("clinic,day\nA,2024-06-11\n", encoding="utf-8")
    with pytest.raises(UserError, match="lacks column"):
        appointments.load(bad)
    bad.write_text("clinic,day,capacity\nA,11/06/2024,3\n", encoding="utf-8")
    with pytest.raises(UserError, match="row 1 needs day as YYYY-MM-DD"):
        appointments.load(bad)


def test_postcode_district() -> None:
    assert district("se13 6ab") == "SE13"
    assert district("SW1A1AA") == "SW1A"
    assert district("BR1") == "BR1"
    assert district("not a postcode") == ""


def test_end_to_end_with_slots_and_pmi_districts(incident: Path, tmp_path: Path) -> None:
    pmi = read_csv(incident / "pmi.csv")
    districts = sorted({district(r["postcode"]) for r in pmi} - {""})
    slots = tmp_path / "slots.csv"
    slots.write_text(
        "clinic,day,capacity,postcode_districts\n"
        f"Hub A,2024-06-11,5,{';'.join(districts[:3])}\n"
        "Open,2024-06-12,20,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    fig = run.triage(
        incident / "backlog.csv", NOW, out, slots_path=slots, pmi_path=incident / "pmi.csv"
    )
    booked = read_csv(out / "recall" / "appointments.csv")
    unplaced = read_csv(out / "recall" / "unplaced.csv")
    assert fig["recall"]["appointments"] == len(booked) > 0
    assert fig["recall"]["unplaced"] == len(unplaced) > 0
    assert sum(1 for r in booked if r["clinic"] == "Hub A") <= 5
    for r in booked:
        if r["clinic"] == "Hub A":
            assert r["postcode_district"] in districts[:3]
    # The open clinic serves everyone, so it filled up before anyone went unplaced, and
    # in urgency order: nobody unplaced is more urgent than anyone it took.
    rank = {"routine": 0, "urgent": 1, "critical": 2}
    urgency: dict[str, int] = {}
    for r in booked + unplaced:
        urgency[r["nhs_number"]] = max(urgency.get(r["nhs_number"], 0), rank[r["urgency"]])
    at_open = {r["nhs_number"] for r in booked if r["clinic"] == "Open"}
    assert len(at_open) == 20
    assert min(urgency[n] for n in at_open) >= max(urgency[r["nhs_number"]] for r in unplaced)
