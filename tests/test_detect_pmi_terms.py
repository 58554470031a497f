"""PMI terms: the case's own patients found in prose that gives no label, and nobody else."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pytest

from breachdesk.detect import pmi_terms
from breachdesk.detect.text import find_mentions, people_in_text
from breachdesk.engine.local import LocalEngine
from breachdesk.ingest.stage import run_ingest
from breachdesk.pipeline import open_case
from breachdesk.scan.stage import run_scan

PMI = {
    "patient_id": ["P0000001", "P0000002", "P0000003", "P0000004", "P0000005"],
    "nhs_number": ["4319390717", "4795429162", "4730452100", "", ""],
    "family_name": ["Okafor", "Green", "Da Silva", "Lee", "Lee"],
    "given_name": ["Grace", "Tom", "Joana", "Amy", "Beth"],
    "date_of_birth": ["1961-04-03", "1970-01-01", "1988-09-23", "1990-05-05", "1990-05-05"],
    "sex": ["F", "M", "F", "F", "F"],
}


@pytest.fixture(scope="module")
def extra(tmp_path_factory: pytest.TempPathFactory) -> pmi_terms.Matcher:
    path = tmp_path_factory.mktemp("terms") / "pmi_terms.pickle"
    pmi_terms.save(pmi_terms.build(pa.table(PMI)), path)
    return pmi_terms.matcher(str(path))


def _people(text: str, extra: pmi_terms.Matcher | None) -> list[tuple[object, ...]]:
    out = []
    for person in people_in_text(text, "line:1", extra=extra):
        v = person.values
        found = [e[1:4] for e in person.evidence if e[2] == "pmi_terms"]
        out.append(
            (v.get("family_name"), v.get("given_name"), v.get("date_of_birth"), v.get("nhs_number"),
             v.get("hospital_number"), sorted(person.exposed), found)
        )  # fmt: skip
    return out


def test_a_patient_named_by_title_and_family_name_with_a_birth_date(
    extra: pmi_terms.Matcher,
) -> None:
    text = "Spoke to Mrs Okafor, dob 03/04/1961, about her results. HbA1c 48."
    assert _people(text, None) == []
    assert _people(text, extra) == [
        ("Okafor", "Grace", "1961-04-03", None, None,
         ["date_of_birth", "name", "test_description", "test_result"],
         [("chars:13-19", "pmi_terms", "pmi_term:family+dob")]),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Given name beside the family name; the date right after is the birth date already.
        (
            "Joana Da Silva 23/09/1988 rang re results",
            [("Da Silva", "Joana", "1988-09-23", None, None, ["date_of_birth", "name"],
              [("chars:0-14", "pmi_terms", "pmi_term"),
               ("chars:15-25", "pmi_terms", "pmi_term:dob")])],
        ),
        # The same where the name lists know both words: the name detectors read the name.
        (
            "Grace Okafor 03/04/1961 rang re results",
            [("Okafor", "Grace", "1961-04-03", None, None, ["date_of_birth", "name"],
              [("chars:13-23", "pmi_terms", "pmi_term:dob")])],
        ),
        # The name detectors read "OKAFOR, Grace"; the PMI says the later date is her birth date.
        (
            "OKAFOR, Grace seen 03/04/1961",
            [("OKAFOR", "Grace", "1961-04-03", None, None, ["date_of_birth", "name"],
              [("chars:19-29", "pmi_terms", "pmi_term:dob")])],
        ),
        # "Mr Da Silva" is not given name Da: the PMI's family name wins.
        (
            "Spoke to Ms Da Silva, dob 23/09/1988, about her results.",
            [("Da Silva", "Joana", "1988-09-23", None, None, ["date_of_birth", "name"],
              [("chars:12-20", "pmi_terms", "pmi_term:family+dob")])],
        ),
        # A patient id of the PMI is a hospital number in the text (the name detectors read
        # the name and date of birth before "b.", born).
        (
            "ref P0000002 Tom Green b. 01/01/1970",
            [("Green", "Tom", "1970-01-01", None, "P0000002",
              ["date_of_birth", "hospital_number", "name"],
              [("chars:4-12", "pmi_terms", "pmi_term")])],
        ),
    ],
)  # fmt: skip
def test_forms_staff_write(
    extra: pmi_terms.Matcher, text: str, expected: list[tuple[object, ...]]
) -> None:
    without = _people(text, None)
    if "Ms Da Silva" in text:  # found before, but as given name Da, family name Silva
        assert without == [("Silva", "Da", "1988-09-23", None, None, ["date_of_birth", "name"], [])]
    elif text.startswith("Grace Okafor 03/04/1961"):  # the name lists know both words
        found = [("Okafor", "Grace", "1961-04-03", None, None, ["date_of_birth", "name"], [])]
        assert without == found
    elif "b. 01/01/1970" in text:  # "b." is "born": the two words before it are the name
        found = [("Green", "Tom", "1970-01-01", None, None, ["date_of_birth", "name"], [])]
        assert without == found
    else:
        assert without == []
    assert _people(text, extra) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Dr Okafor asked for the 03/04/1961 batch to be re-run.",  # staff
        # A clinician with an initial, a practice named after a place after them; the hospital
        # number is the letter's patient's (who had no name here).
        "Hosp No: K2012707 Requested by: Dr G Okafor, Grace Park Surgery 03/04/1961",
        "requested by Okafor on 03/04/1961",  # staff
        "Mr Okafor, dob 03/04/1961, called.",  # the PMI's Okafor is a woman
        "Mrs Okafor, dob 04/03/1961, called.",  # not her birth date
        "the green box of 01/01/1970 samples",  # a word, not a name
        "Okaforth, dob 03/04/1961",  # inside a longer word
        "Miss Lee, dob 05/05/1990, called.",  # two PMI patients of that name born that day
        "Mrs Okafor called about her results.",  # a family name alone identifies nobody
        "tom's green box of 01/01/1970",  # in small letters, no given name beside it
        "results for okafor 03/04/1961",  # in small letters with no given name at all
    ],
)
def test_nobody_is_made_of_less(extra: pmi_terms.Matcher, text: str) -> None:
    assert _people(text, extra) == []


def test_numbers_found_by_the_detectors_are_not_found_twice(extra: pmi_terms.Matcher) -> None:
    text = "NHS 431 939 0717 and 4795429162 seen"
    before = find_mentions(text)
    assert extra(text, before) == before
    people = people_in_text(text, "line:1", extra=extra)
    assert sorted(p.values["nhs_number"] for p in people) == ["4319390717", "4795429162"]


def test_the_automaton_is_loaded_once_per_process(tmp_path: Path) -> None:
    path = tmp_path / "pmi_terms.pickle"
    pmi_terms.save(pmi_terms.build(pa.table(PMI)), path)
    pmi_terms._load.cache_clear()
    pmi_terms.matcher(str(path))
    pmi_terms.matcher(str(path))
    assert pmi_terms._load.cache_info().misses == 1
    assert pmi_terms._load.cache_info().hits == 1


def test_scan_with_a_pmi_finds_the_patient_in_a_note(tmp_path: Path) -> None:
    dump = tmp_path / "dump"
    dump.mkdir()
    note = "Handover\r\n10:12 Spoke to Mrs Okafor, dob 03/04/1961, about her results.\r\n"
    (dump / "notes.txt").write_text(note, encoding="utf-8")
    pmi_csv = tmp_path / "pmi.csv"
    with pmi_csv.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(PMI)
        writer.writerows(zip(*PMI.values(), strict=True))
    engine = LocalEngine(workers=1)
    with_pmi = open_case(dump, tmp_path / "case", pmi_csv, None)
    run_ingest(engine, with_pmi)
    run_scan(engine, with_pmi)
    assert (with_pmi.root / "scan" / "pmi_terms.pickle").exists()
    records = with_pmi.read_table("records").to_pylist()
    found = [(r["locator"], r["family_name"], r["given_name"], r["date_of_birth"]) for r in records]
    assert found == [("line:2", "Okafor", "Grace", "1961-04-03")]  # at her line of the note
    mentions = with_pmi.read_table("mentions").to_pylist()
    assert ("name", "pmi_term:family+dob") in {(m["kind"], m["rule"]) for m in mentions}
    without = open_case(dump, tmp_path / "case2", None, None)
    run_ingest(engine, without)
    run_scan(engine, without)
    assert without.read_table("records").num_rows == 0
    assert not (without.root / "scan").exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A whole name in small letters (an e-mail subject, a user's note).
        ("results for grace okafor 03/04/1961 - HIV negative", ("okafor", "grace", "1961-04-03")),
        ("okafor, grace 03/04/1961", ("okafor", "grace", "1961-04-03")),
        # A possessive ends the name: neither "Okafor's" nor a name made of the next word.
        ("Mrs Okafor's HbA1c (dob 03/04/1961) was raised.", ("Okafor", "Grace", "1961-04-03")),
        ("Mr Green\u2019s FBC, dob 01/01/1970", ("Green", "Tom", "1970-01-01")),
    ],
)
def test_names_in_small_letters_and_possessives(
    extra: pmi_terms.Matcher, text: str, expected: tuple[str, str, str]
) -> None:
    assert [person[:3] for person in _people(text, extra)] == [expected]
