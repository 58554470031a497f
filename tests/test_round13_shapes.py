"""Identifier and date shapes, round 13: NHS numbers parted by full stops ("455.766.0932") or
grouped four, three and three after their label ("NHS 4347 635 311"), a date of birth year
first between full stops ("1989.06.14"), and a printed form's dotted leader between a label and
its hospital number ("Hosp. No. ...... RX7710293"). Each gives exactly its facts, and the
look-alikes (decimals, versions, phone numbers) give none."""

from __future__ import annotations

import random

import pyarrow as pa
import pytest

import test_detect_nhs
from breachdesk.detect import dates, hospital, nhs_number, prefilter
from breachdesk.detect.text import people_in_lines, people_in_text
from test_generalise import people_in_file

# Valid NHS numbers (Modulus 11, England range), invented.
A, B, C = "4557660932", "4274295745", "4010232137"
# Valid too, and grouped 4-3-3 in the probes: 4347 635 311, 4875 112 645.
D, E = "4347635311", "4875112645"


def _numbers(text: str) -> list[tuple[str, str, str]]:
    return [(m.kind, m.value, text[m.start : m.end]) for m in nhs_number.detect(text)]


def _people(text: str) -> list[tuple[str | None, ...]]:
    return [
        (
            p.values.get("family_name"),
            p.values.get("given_name"),
            p.values.get("date_of_birth"),
            p.values.get("nhs_number"),
            p.values.get("hospital_number"),
        )
        for p in people_in_text(text, "line:1")
    ]


# --- 1. NHS numbers parted by full stops ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("NHS No: 455.766.0932", "455.766.0932"),
        ("nhs=455.766.0932.", "455.766.0932"),  # a sentence's full stop after it
        ("NHS No.455.766.0932", "455.766.0932"),
        ("NHS No. ......... 455.766.0932", "455.766.0932"),
        ("NHS No......4557660932", "4557660932"),  # a dotted leader against the number
        ("(455.766.0932)", "455.766.0932"),
    ],
)
def test_a_number_parted_by_full_stops_is_read(text: str, written: str) -> None:
    assert _numbers(text) == [("nhs_number", A, written)]


@pytest.mark.parametrize(
    "text",
    [
        "455.7660932",  # one full stop: a decimal
        "4557.660.932",
        "455.766-0932",  # mixed
        "455 766.0932",
        "1.455.766.0932",  # a group more before or after: a version, an address
        "455.766.0932.1",
        "10.455.766.0932",
        "v455.766.0932",
        "455.766.09321",
    ],
)
def test_full_stops_alone_or_mixed_or_in_a_longer_dotted_number_are_no_nhs_number(
    text: str,
) -> None:
    assert _numbers(text) == []


def test_a_patient_with_a_dotted_number_in_free_text() -> None:
    assert _people("Patient: Grace OKAFOR NHS No: 455.766.0932") == [
        ("OKAFOR", "Grace", None, A, None)
    ]


def test_dotted_and_4_3_3_numbers_read_the_same_through_the_log_path() -> None:
    lines = [
        "2024-05-14 11:32:07 INFO nothing here",
        "2024-05-14 11:32:08 INFO NHS No: 455.766.0932 result ready",
        "2024-05-14 11:32:09 INFO NHS 4347 635 311 result ready",
        "2024-05-14 11:32:10 INFO call 4347 635 311",  # no label: a phone number
    ]
    found = [(p.locator, p.values.get("nhs_number")) for p in people_in_lines(lines, 1)]
    assert found == [("line:2", A), ("line:3", D)]
    each = [
        (p.locator, p.values.get("nhs_number"))
        for i, line in enumerate(lines, 1)
        for p in people_in_text(line, f"line:{i}")
    ]
    assert each == found


def test_the_prefilter_says_where_dotted_and_4_3_3_numbers_start() -> None:
    text = "NHS 455.766.0932 and NHS 4347 635 311"
    present, starts = prefilter.triggers_and_starts(text)
    if present is None:  # pragma: no cover - no Hyperscan: every detector runs everywhere
        pytest.skip("hyperscan not installed")
    assert "nhs" in present
    assert starts is not None and {4, 25} <= set(starts["nhs"])
    assert list(nhs_number.detect(text, starts["nhs"])) == list(nhs_number.detect(text))


def test_dotted_cells_in_an_nhs_column() -> None:
    cells = ["455.766.0932", " 427.429.5745 ", "401.023-2137", "455.7660932", "'401.023.2137"]
    assert nhs_number.validate_column(pa.array(cells)).to_pylist() == [A, B, None, None, C]


def test_a_sql_dump_and_a_csv_with_dotted_and_4_3_3_numbers() -> None:
    data = (
        b"-- Dumped by pg_dump version 14.5\n"
        b"INSERT INTO pas_patient (hospnum, nhsnum, pat_surname, pat_forenames, birth_dt) VALUES "
        b"('HN4471203', '455.766.0932', 'Sutcliffe', 'Wendy', '1939-02-28');\n"
    )
    fields = ("nhs_number", "family_name", "given_name", "date_of_birth")
    assert people_in_file("dump.sql", data, fields)[1] == [(A, "Sutcliffe", "Wendy", "1939-02-28")]
    data = (
        b"NHS_NO,SURNAME,FORENAME,DOB,TEST\n"
        b"427.429.5745,LAMBERT,Victor,12/01/1962,HIV Ab\n"
        b"4347 635 311,MORRIS,Yvonne,13/01/1962,PSA\n"
        b"401-023-2137,NAYLOR,Glen,14/01/1962,Hep C Ab\n"
    )
    assert people_in_file("nhs.csv", data, fields)[1] == [
        (C, "NAYLOR", "Glen", "1962-01-14"),
        (B, "LAMBERT", "Victor", "1962-01-12"),
        (D, "MORRIS", "Yvonne", "1962-01-13"),
    ]


def test_precision_on_dense_text_with_dotted_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    """The dense text of ``test_detect_nhs`` with numbers (true and look-alike) also written
    with full stops, and dotted decimals and versions among them: precision stays >= 0.999."""
    monkeypatch.setattr(test_detect_nhs, "_FORMATS", (*test_detect_nhs._FORMATS, "{a}.{b}.{c}"))
    text, truth, _ = test_detect_nhs._dense_text(7, people=2_000)
    rng = random.Random(7)

    def group(low: int, high: int) -> str:
        return str(rng.randint(low, high))

    noise = [
        f"v{group(1, 9)}.{group(100, 999)}.{group(100, 999)}.{group(1000, 9999)}"
        f" ratio {group(100, 999)}.{group(1000000, 9999999)}"
        f" {group(100, 999)}.{group(100, 999)}.{group(1000, 9999)}.{group(1, 9)}"
        for _ in range(2_000)
    ]
    text += "\n" + "\n".join(noise)
    assert sum(text[start + 3] == "." for start in truth) > 300  # dotted true numbers
    people = {m.start: m.value for m in nhs_number.detect(text) if m.kind == "nhs_number"}
    right = sum(truth.get(start) == value for start, value in people.items())
    assert right == len(truth)
    assert right / len(people) >= 0.999


# --- 2. Four, three and three digits after an NHS label ---------------------------------------


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("NHS 4347 635 311", "4347 635 311"),
        ("NHS No: 4347 635 311", "4347 635 311"),
        ("NHS number 4347-635-311", "4347-635-311"),
        ("nhs_no=4347 635 311", "4347 635 311"),
        ("NHS No. ....... 4347 635 311", "4347 635 311"),
        ("NHS#4347\u00a0635\u00a0311", "4347\u00a0635\u00a0311"),
    ],
)
def test_a_4_3_3_number_after_an_nhs_label_is_read(text: str, written: str) -> None:
    assert _numbers(text) == [("nhs_number", D, written)]


@pytest.mark.parametrize(
    "text",
    [
        "4347 635 311",  # no label
        "Tel 4347 635 311",
        "Account 4347 635 311",
        "NHS Trust 4347 635 311",  # the label names something else
        "NHS\n4347 635 311",  # not on the label's line
        "NHS 4347 635-311",  # mixed separators
        "NHS 4347 635 3110",  # a phone number's 4-3-4
        "NHS 14347 635 311",
        "NHS 4347 635 311.5",
    ],
)
def test_a_4_3_3_number_without_its_label_is_no_nhs_number(text: str) -> None:
    assert _numbers(text) == []


def test_an_invalid_4_3_3_number_after_its_label_is_a_failed_mention() -> None:
    assert _numbers("NHS 4347 635 312") == [("nhs_number_invalid", "4347635312", "4347 635 312")]


def test_a_4_3_3_number_and_a_3_3_4_one_come_in_order() -> None:
    text = "NHS No: 455 766 0932, then NHS 4875 112 645, then NHS 427.429.5745"
    assert [m.value for m in nhs_number.detect(text)] == [A, E, B]


def test_4_3_3_cells_in_an_nhs_column() -> None:
    cells = ["4347 635 311", "4875-112-645", "4347635 311", "NHS 4875 112 645", "4347 635 312"]
    assert nhs_number.validate_column(pa.array(cells)).to_pylist() == [D, E, None, E, None]


def test_a_printed_e_mail_with_a_4_3_3_number() -> None:
    text = (
        "From:\tHOLLOWAY, Janet (UNIVERSITY HOSPITALS SUSSEX NHS FOUNDATION TRUST)\n"
        "Subject:\tRE: Group and save rejected - Agnieszka WROBLEWSKA\n\n"
        "Patient details below are correct per PAS:\n\n"
        "Agnieszka Wroblewska\n"
        "D.O.B 09.09.1989\n"
        "Hosp no. UH4400917\n"
        "NHS 4347 635 311\n"
    )
    found = _people(text)
    assert [(nhs, dob, hosp) for _, _, dob, nhs, hosp in found] == [(D, "1989-09-09", "UH4400917")]


# --- 3. A date of birth year first between full stops -----------------------------------------


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("DOB 1989.06.14", "1989-06-14"),
        ("DOB: 1989.06.14.", "1989-06-14"),
        ("Date of birth 14.06.1989", "1989-06-14"),
        ("DOB 14.6.89", "1989-06-14"),
        ("DOB 1964/10/02", "1964-10-02"),
        ("DOB 1975-07-19", "1975-07-19"),
    ],
)
def test_a_labelled_date_of_birth_in_each_shape(text: str, iso: str) -> None:
    assert [(m.kind, m.value) for m in dates.detect(text)] == [("date_of_birth", iso)]


@pytest.mark.parametrize(
    "text", ["DOB 1989.06.14.2", "DOB 1989.06-14", "DOB 1989.13.14", "v2019.10.123"]
)
def test_year_first_dotted_look_alikes_are_no_date(text: str) -> None:
    assert list(dates.detect(text)) == []


def test_a_patient_with_a_year_first_dotted_date_of_birth() -> None:
    assert _people("Grace OKAFOR DOB 1989.06.14 Hosp No: K0012345") == [
        ("OKAFOR", "Grace", "1989-06-14", None, "K0012345")
    ]


def test_the_prefilter_says_where_a_year_first_dotted_date_starts() -> None:
    text = "seen 2024.05.01, DOB 1989.06.14"
    starts = prefilter.starts(text)
    if starts is None:  # pragma: no cover
        pytest.skip("hyperscan not installed")
    assert {5, 21} <= set(starts["date"])
    found = [m.span() for m in prefilter.matches(dates.DATE_TEXT, text, starts["date"])]
    assert found == [(5, 15), (21, 31)]


# --- 4. A dotted leader between a hospital number's label and the number ----------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Hosp. No. ...... RX7710293", "RX7710293"),
        ("Hosp. No. ........... AE0029381", "AE0029381"),
        ("Hosp No......RX7710293", "RX7710293"),
        ("MRN . . . . . K0012345", "K0012345"),
        ("Unit No: ______ 7654321", "7654321"),
        ("Hospital Number \u2026\u2026 RJ1 123456", "RJ1123456"),
        ("Hosp No: K0012345", "K0012345"),
    ],
)
def test_a_hospital_number_after_a_dotted_leader(text: str, value: str) -> None:
    assert [m.value for m in hospital.detect(text)] == [value]


@pytest.mark.parametrize(
    "text",
    [
        "Hosp No: ________  NHS No: 4557660932",  # an empty box, then another label
        "Hosp No. ...... Ward 7",
        "MRN ....",
    ],
)
def test_an_empty_leader_takes_no_other_number(text: str) -> None:
    assert list(hospital.detect(text)) == []


def test_a_printed_form_with_dotted_leaders() -> None:
    text = (
        "Surname ......... MCALLISTER        Forename ......... Declan\n"
        "Hosp. No. ...... RX7710293          NHS No. ......... 427 429 5745\n"
        "DOB ......... 03/11/1988            Sex ..... M\n"
    )
    found = _people(text)
    assert [(nhs, hosp, dob) for _, _, dob, nhs, hosp in found] == [(B, "RX7710293", "1988-11-03")]


@pytest.mark.parametrize(
    "label",
    ["DOB: ........ ", "DOB ____ ", "Date of Birth . . . . ", "DOB \u2026\u2026 ", "D.O.B.____: "],
)
def test_a_date_of_birth_after_a_forms_leaders(label: str) -> None:
    # A printed form's leaders between its label and the value, before or after the colon
    found = people_in_text(f"Patient: Grace OKAFOR  {label}12/01/1962  HIV positive", "line:1")
    assert [
        (p.values.get("family_name"), p.values.get("date_of_birth"), p.tests) for p in found
    ] == [("OKAFOR", "1962-01-12", ["HIVAGAB"])]
