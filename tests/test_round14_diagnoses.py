"""Coded diagnoses (ICD-10, SNOMED CT, Read v2) give a person their sensitive kinds where no
test names them: in a table's diagnosis columns (by header or by their cells), in text after a
label or beside the code's words; never a bare code in prose, and never the code as a test."""

from __future__ import annotations

import random

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from breachdesk.catalogue import SENSITIVE_KINDS
from breachdesk.detect import columns, diagnoses, lab_tests
from breachdesk.detect.hl7 import sensitive_map
from breachdesk.detect.records import PersonRecord, add_to_row, rows_to_tables
from breachdesk.detect.tables import records_from_table
from breachdesk.detect.text import people_in_lines, people_in_text
from breachdesk.ingest.limits import Limits
from breachdesk.ingest.sniff import sniff_data
from breachdesk.ingest.walk import Entry
from breachdesk.readers.base import Table
from breachdesk.scan.stage import _scan_file

# Valid NHS numbers (Modulus 11, England range), invented.
A, B, C, D = "4557660932", "4274295745", "4010232137", "4390248367"


def _kinds(code: str) -> str | None:
    found = diagnoses.classify(code)
    return None if found is None else found[2]


# --- The data -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "kinds"),
    [
        # HIV: B20-B24, Z21, R75, O98.7 (also pregnancy, as all of O00-O99)
        ("B20", "hiv"),
        ("B22.7", "hiv"),
        ("B24", "hiv"),
        ("Z21", "hiv"),
        ("R75", "hiv"),
        ("O98.7", "hiv;pregnancy"),
        ("O98.71", "hiv;pregnancy"),
        ("O98.6", "pregnancy"),
        ("B25", ""),  # cytomegaloviral disease: the next block
        # viral hepatitis B15-B19; sexually transmitted A50-A64
        ("B15", "hepatitis"),
        ("B18.2", "hepatitis"),
        ("B19.9", "hepatitis"),
        ("B14", ""),
        ("A50", "sexual_health"),
        ("A56.0", "sexual_health"),
        ("A64", "sexual_health"),
        ("A49", ""),
        ("A65", ""),
        ("Z11.3", "sexual_health"),
        # pregnancy: O00-O99 and ICD-10-CM's O9A; Z32-Z36, Z3A
        ("O00", "pregnancy"),
        ("O09.9", "pregnancy"),
        ("O9A.1", "pregnancy"),
        ("Z32", "pregnancy"),
        ("Z36", "pregnancy"),
        ("Z3A.20", "pregnancy"),
        ("Z38", ""),  # the liveborn infant: the baby's, not the mother's
        # cancer: C00-D09, D37-D48 (uncertain behaviour); not benign D10-D36 nor CM's D3A
        ("C00", "cancer"),
        ("C50.9", "cancer"),
        ("C4A.9", "cancer"),
        ("C7B.0", "cancer"),
        ("D09", "cancer"),
        ("D10", ""),
        ("D36", ""),
        ("D3A.0", ""),
        ("D37", "cancer"),
        ("D48.9", "cancer"),
        ("Z85.3", "cancer"),
        # genetic: Q90-Q99, Z14, Z15
        ("Q89", ""),
        ("Q90", "genetic"),
        ("Q99.9", "genetic"),
        ("Z14.1", "genetic"),
        ("Z15.01", "genetic"),
        # substance misuse: F10-F19, Z71.4x, Z71.5x
        ("F10", "substance_misuse"),
        ("F11.20", "substance_misuse"),
        ("F19", "substance_misuse"),
        ("Z71.41", "substance_misuse"),
        ("Z71.51", "substance_misuse"),
        ("Z71.3", ""),  # dietary counselling
        ("F20", "mental_health"),
        ("F09", "mental_health"),
        ("N97.0", "fertility"),
        # not a sensitive kind, but a diagnosis all the same
        ("E11.9", ""),
        ("I10", ""),
        # written other ways: small letters, without the dot, with a trailing full stop
        ("b20.1", "hiv"),
        ("C509", "cancer"),
        ("C50.9.", "cancer"),
    ],
)
def test_icd10_ranges(code: str, kinds: str) -> None:
    assert _kinds(code) == kinds


def test_every_row_is_a_known_kind_and_the_sources_are_cited() -> None:
    data = diagnoses.codes()
    every = {k for table in data[:4] for joined in table.values() for k in joined.split(";")}
    assert every <= set(SENSITIVE_KINDS)
    assert {"hiv", "hepatitis", "sexual_health", "pregnancy", "cancer", "genetic"} <= every
    assert "substance_misuse" in every
    header = diagnoses.resources.files("breachdesk").joinpath("data/diagnosis_codes.csv")
    text = header.read_text(encoding="utf-8")
    assert "WHO ICD-10" in text and "D37-D48" in text and "CTV3" in text


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("86406008", ("SNOMED CT", "86406008", "hiv")),
        ("165816005", ("SNOMED CT", "165816005", "hiv")),
        ("66071002", ("SNOMED CT", "66071002", "hepatitis")),
        ("254837009", ("SNOMED CT", "254837009", "cancer")),
        ("77386006", ("SNOMED CT", "77386006", "pregnancy")),
        ("12345678", None),  # a concept id we do not list is a number like any other
        ("43C3.", ("Read v2", "43C3.", "hiv")),
        ("43C3.00", ("Read v2", "43C3.", "hiv")),
        ("A7881", ("Read v2", "A7881", "hiv")),  # a child of A788.
        ("AyuC.", ("Read v2", "AyuC.", "hiv")),
        ("R109.", ("Read v2", "R109.", "hiv")),
        ("R109", ("ICD-10", "R10.9", "")),  # four characters: ICD-10's abdominal pain
        ("XaK6q", None),  # CTV3: not sourced, not read
        ("hello", None),
    ],
)
def test_snomed_and_read_codes(token: str, expected: tuple[str, str, str] | None) -> None:
    assert diagnoses.classify(token) == expected


def test_arrow_reads_each_token_as_python_does() -> None:
    rng = random.Random(14)
    pieces = [*"ABCOZyu0123456789.X", "B20", "C50", "O98", "Z71", "86406008", "A788", "43C3"]
    tokens = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 4))) for _ in range(4000)]
    tokens += ["B20", "O98.7", "Z71.41", "C509", "A788.00", "R109.", "165816005", "12345"]
    kinds, named = diagnoses._token_codes(pa.array(tokens, pa.string()))
    for token, kind, name in zip(tokens, kinds.to_pylist(), named.to_pylist(), strict=True):
        found = diagnoses.classify(token)
        expected = (None, None) if found is None else (found[2] or None, f"{found[0]} {found[1]}")
        assert (kind, name) == expected, token


# --- Free text -------------------------------------------------------------------------------


def _found(text: str) -> list[tuple[str, str, str]]:
    return [(text[m.start : m.end], m.rule, m.extra) for m in diagnoses.detect(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Diagnosis: B20 HIV disease", [("B20", "labelled ICD-10 B20", "hiv")]),
        ("ICD-10 C50.9", [("C50.9", "labelled ICD-10 C50.9", "cancer")]),
        ("ICD10: o09.9", [("o09.9", "labelled ICD-10 O09.9", "pregnancy")]),
        ("Dx: O09.9", [("O09.9", "labelled ICD-10 O09.9", "pregnancy")]),
        ("DX - F10.2 alcohol", [("F10.2", "labelled ICD-10 F10.2", "substance_misuse")]),
        ("SNOMED 86406008", [("86406008", "labelled SNOMED CT 86406008", "hiv")]),
        (
            "SNOMED CT: 165816005 |HIV positive|",
            [("165816005", "labelled SNOMED CT 165816005", "hiv")],
        ),
        ("Read code 43C3.", [("43C3.", "labelled Read v2 43C3.", "hiv")]),
        (
            "Problem list: C50.9, Z85.3",
            [
                ("C50.9", "labelled ICD-10 C50.9", "cancer"),
                ("Z85.3", "labelled ICD-10 Z85.3", "cancer"),
            ],
        ),
        ("Primary diagnosis (ICD-10): Q90.9", [("Q90.9", "labelled ICD-10 Q90.9", "genetic")]),
        ("Diagnosis: Type 2 diabetes (E11.9)", [("E11.9", "labelled ICD-10 E11.9", "")]),
        # a code written beside its kind's words
        ("B20 HIV disease", [("B20", "with_words ICD-10 B20", "hiv")]),
        ("C50.9 - Malignant neoplasm of breast", [("C50.9", "with_words ICD-10 C50.9", "cancer")]),
        ("Breast cancer (C50.9) on tamoxifen", [("C50.9", "with_words ICD-10 C50.9", "cancer")]),
        ("Chronic hep C [B18.2]", [("B18.2", "with_words ICD-10 B18.2", "hepatitis")]),
        # not taken: a bare code in prose, a room, a part, a postcode, a relative's
        ("Seen in room C50 this morning", []),
        ("Part C50 ordered for the analyser", []),
        ("Birmingham B20 3QH", []),
        ("B20 is on the second floor", []),
        ("Family history: mother C50 breast cancer", []),
        ("Partner: B20 HIV disease", []),
        ("Read code XaK6q", []),  # CTV3: not sourced
        ("SNOMED 12345678", []),
        ("Diagnostic lab", []),
    ],
)
def test_text(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert _found(text) == expected


def test_text_without_a_code_skips_the_rules() -> None:
    assert diagnoses.starts("Patient known HIV positive, seen today") == ([], [])
    # A label's start; a code's only where words follow it (the label finds this one).
    assert diagnoses.starts("Diagnosis: C50.9") == ([0], [])
    assert diagnoses.starts("Diagnosis: C50.9 breast") == ([0], [11])
    # Non-ASCII characters keep the text's offsets.
    assert diagnoses.starts("Zoë – Dx: B20 HIV") == ([6], [10])
    assert _found("Zoë – Dx: B20 HIV") == [("B20", "labelled ICD-10 B20", "hiv")]


def test_each_person_in_a_letter_gets_their_own_diagnosis() -> None:
    text = (
        "Re: Mrs Grace OKAFOR  DOB 12/01/1962  NHS 455 766 0932\n"
        "Diagnosis: B20 HIV disease\n"
        "\n"
        "Re: Mr Tomasz NOWAK  DOB 02/11/1975  NHS 427 429 5745\n"
        "Dx: C50.9; seen in room C12\n"
    )
    people = {p.values["nhs_number"]: p for p in people_in_text(text, "page:1")}
    assert people[A].sensitive == {"hiv"} and people[B].sensitive == {"cancer"}
    # The catalogue's HIV test is named by the words; the code is no test.
    assert people[A].tests == ["HIVAGAB"] and people[B].tests == []
    assert "test_description" in people[B].exposed
    (evidence,) = [e for e in people[B].evidence if e[0] == "diagnosis"]
    assert evidence == ("diagnosis", f"chars:{text.index('C50.9')}-{text.index(';')}", "diagnosis",
                        "labelled ICD-10 C50.9", "")  # fmt: skip
    records, mentions = rows_to_tables(3, list(people.values()), sensitive_map())
    rows = {r["nhs_number"]: r for r in records.to_pylist()}
    assert rows[A]["sensitive"] == "hiv" and rows[A]["tests"] == "HIVAGAB"
    assert rows[B]["sensitive"] == "cancer" and rows[B]["tests"] is None
    assert rows[B]["e_test_description"] is True
    rules = pc.filter(mentions["rule"], pc.equal(mentions["detector"], "diagnosis")).to_pylist()
    # ("B20 HIV disease": the code, and the words too)
    assert sorted(rules) == ["labelled ICD-10 B20", "labelled ICD-10 C50.9", "term HIV infection"]


def test_log_lines_read_together_and_alone_alike() -> None:
    lines = [
        f"2024-06-03 09:00 ADT A08 NHS={C} DOB=1962-01-12 OKAFOR^GRACE Dx: O09.9",
        "2024-06-03 09:01 room C50 cleaned",
        f"2024-06-03 09:02 NHS={D} note B20 HIV disease",
        f"2024-06-03 09:03 NHS={A} ward C12 bay 4",
    ]
    joined = [(p.locator, p.sensitive) for p in people_in_lines(lines, 1)]
    alone = [(p.locator, p.sensitive) for i, line in enumerate(lines, start=1)
             for p in people_in_text(line, f"line:{i}")]  # fmt: skip
    assert (
        joined
        == alone
        == [
            ("line:1", {"pregnancy"}),
            ("line:3", {"hiv"}),
            ("line:4", set()),
        ]
    )


def test_lab_tests_detect_yields_them_and_cell_lookups_do_not() -> None:
    found = list(lab_tests.detect("Dx: C50.9, PSA 14.2 ug/L"))
    assert [m.kind for m in found] == ["test", "test_result", "diagnosis"]
    assert [m.kind for m in lab_tests.detect("Dx: C50.9", coded=False)] == []
    assert lab_tests.lookup("Dx: C50.9") == []


def test_a_record_keeps_its_kinds_when_a_document_adds_to_it() -> None:
    table = Table(header=["NHS Number", "Test"], columns=[[A], ["PSA"]])
    records, mentions = records_from_table(table, 5)
    found = PersonRecord("page:2", "text", sensitive={"hiv"}, exposed={"test_description"})
    records, _ = add_to_row(records, mentions, found, sensitive_map())
    assert records.to_pylist()[0]["sensitive"] == "cancer;hiv"


# --- Tables ----------------------------------------------------------------------------------


def _table(header: list[str], rows: list[list[str]]) -> tuple[pa.Table, pa.Table]:
    cells = [list(column) for column in zip(*rows, strict=True)]
    return records_from_table(Table(header=header, columns=cells), 9)


@pytest.mark.parametrize(
    "head",
    ["Diagnosis", "ICD10", "ICD-10 Code", "Dx code", "Clinical code", "Problem", "PRIMARY_DIAG",
     "DIAG_01", "Diagnosis Code"],
)  # fmt: skip
def test_a_column_headed_as_a_diagnosis(head: str) -> None:
    records, mentions = _table(
        ["NHS Number", head, "Test"],
        [
            [A, "B20.1", "Full blood count"],
            [B, "C50.9, Z85.3", ""],
            [C, "E11.9", ""],
            [D, "", ""],
            ["1234567890", "O09.9", "HbA1c"],  # no one (no valid number): no record, no mention
        ],
    )
    rows = {r["nhs_number"]: r for r in records.to_pylist()}
    assert set(rows) == {A, B, C, D}
    assert {n: rows[n]["sensitive"] for n in rows} == {A: "hiv", B: "cancer", C: None, D: None}
    assert {n: rows[n]["e_test_description"] for n in rows} == {A: True, B: True, C: True, D: False}
    assert rows[A]["tests"] == "FBC" and rows[B]["tests"] is None  # the codes are no tests
    coded = mentions.filter(pc.equal(mentions["detector"], "diagnosis")).to_pylist()
    assert [(m["locator"], m["field"], m["kind"], m["rule"]) for m in coded] == [
        ("row:1", head, "diagnosis", "column ICD-10 B20.1"),
        ("row:2", head, "diagnosis", "column ICD-10 C50.9; ICD-10 Z85.3"),
        ("row:3", head, "diagnosis", "column ICD-10 E11.9"),
    ]


def test_snomed_read_and_words_in_a_problem_list() -> None:
    records, _ = _table(
        ["Surname", "Forename", "DOB", "Problem", "Read Code"],
        [
            ["OKAFOR", "Grace", "12/01/1962", "86406008 |HIV infection|", ""],
            ["NOWAK", "Tomasz", "02/11/1975", "Hypertension", "43C3."],
            ["SMITH", "John", "23/07/1950", "77386006", "A788.00"],
            ["CLARKE", "Ann", "05/04/1988", "Known HIV positive", ""],
        ],
    )
    rows = {r["family_name"]: r for r in records.to_pylist()}
    assert rows["OKAFOR"]["sensitive"] == "hiv"
    assert rows["NOWAK"]["sensitive"] == "hiv"
    assert rows["SMITH"]["sensitive"] == "hiv;pregnancy"
    # No code, but the cell's words still name a test (as any text cell's would).
    assert rows["CLARKE"]["tests"] == "HIVAGAB" and rows["CLARKE"]["sensitive"] == "hiv"


def test_diagnoses_and_tests_kinds_together() -> None:
    records, _ = _table(
        ["NHS Number", "Test", "Primary diagnosis", "Secondary diagnosis"],
        [[A, "PSA", "O98.7", "F11.2"], [B, "Hep C antibody", "", "B18.2"]],
    )
    assert [r["sensitive"] for r in records.to_pylist()] == [
        "cancer;hiv;pregnancy;substance_misuse",
        "hepatitis",
    ]


def test_a_column_of_coded_diagnoses_under_a_header_that_says_nothing() -> None:
    records, mentions = _table(
        ["NHS Number", "Field 7"],
        [[A, "C50.9"], [B, "B20.1 HIV disease"], [C, "O09.9"], [D, "Z85.3"]],
    )
    assert [r["sensitive"] for r in records.to_pylist()] == ["cancer", "hiv", "pregnancy", "cancer"]
    assert set(pc.unique(mentions.filter(pc.equal(mentions["detector"], "diagnosis"))["field"])
               .to_pylist()) == {"Field 7"}  # fmt: skip


@pytest.mark.parametrize(
    "cells",
    [
        ["A01", "B02", "C03", "D04", "H12"],  # a plate's wells
        ["C12", "B20", "D04", "A10"],  # beds and rooms: no subcodes
        ["K2207", "K2208", "X1234"],  # hospital numbers are no codes with subcodes
        ["V12.1 build", "Sodium", "Potassium", "HbA1c", "FBC"],  # mostly tests
    ],
)
def test_columns_that_are_not_diagnoses(cells: list[str]) -> None:
    values = pa.array(cells, pa.string())
    assert columns._by_values(values) != diagnoses.KIND


@pytest.mark.parametrize(
    "cells",
    [
        ["C50.9", "B20.1", "O09.9", "Z85.3"],
        ["C50.9 Malignant neoplasm of breast", "B20 HIV disease", "O09.9", "E11.9"],
        ["C50.9; Z85.3", "F10.2", "Q90.9", "x" * 300],
        ["c50.9", "B20.1", "O09.9"],
        ["A01", "B02", "C03", "D04", "H12"],
        ["Zoë", "C50.9", "B20.1", "O09.9 Supervision of high risk pregnancy"],
    ],
)
def test_value_typing_python_and_arrow_agree(
    cells: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    values = pa.array(cells, pa.string())
    fast = columns._by_values(values)
    monkeypatch.setattr(columns, "_sample_cells", lambda _values: None)
    assert columns._by_values(values) == fast


def test_value_typed_only_with_subcodes() -> None:
    assert columns._by_values(pa.array(["C50.9", "B20.1", "O09.9", "Z85.3"])) == diagnoses.KIND
    assert columns._by_values(pa.array(["C50", "B20", "O09", "Z85"])) is None


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        ("Diagnosis Date", "other_date"),
        ("Age at diagnosis", "age"),
        ("Mother's diagnosis", "relative"),
        ("Partner Dx", "relative"),
        ("SNOMED Code", None),  # a results table's test code
        ("Clinical details", None),  # free text, read as text
    ],
)
def test_headers_near_a_diagnosis(head: str, kind: str | None) -> None:
    assert columns.header_kind(head) == kind


# --- Through the scan -----------------------------------------------------------------------


def _scan(name: str, data: bytes) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    entry = Entry(path=name, parent=None, depth=0, size=len(data), type=sniff_data(data, name),
                  data=data)  # fmt: skip
    records: list[dict[str, object]] = []
    mentions: list[dict[str, object]] = []
    for found, said in _scan_file(entry, 1, Limits()):
        records += found.to_pylist()
        mentions += said.to_pylist()
    return records, mentions


def test_a_discharge_extract_and_a_letter_through_the_scan() -> None:
    extract = (
        "NHS_NO,SURNAME,FORENAME,DOB,ADMIDATE,PRIMARY_DIAG,DIAG_02\n"
        f"{A},OKAFOR,Grace,1962-01-12,2024-05-01,O80,Z21\n"
        f"{B},NOWAK,Tomasz,1975-11-02,2024-05-02,K35.8,\n"
        f"{C},SMITH,John,1950-07-23,2024-05-03,C61,F10.2\n"
    ).encode()
    records, mentions = _scan("apc_extract.csv", extract)
    assert {r["nhs_number"]: r["sensitive"] for r in records} == {
        A: "hiv;pregnancy",
        B: None,
        C: "cancer;substance_misuse",
    }
    assert all(r["e_test_description"] for r in records)
    assert {m["rule"] for m in mentions if m["detector"] == "diagnosis"} == {
        "column ICD-10 O80", "column ICD-10 Z21", "column ICD-10 K35.8", "column ICD-10 C61",
        "column ICD-10 F10.2",
    }  # fmt: skip
    letter = (
        b"Dear Dr Patel\n\nRe: Mrs Grace OKAFOR, DOB 12/01/1962, NHS No 455 766 0932\n\n"
        b"Thank you for seeing her in clinic room C50 today.\nDiagnosis: Z21 (asymptomatic).\n"
    )
    (person,), mentions = _scan("letter.txt", letter)
    assert person["sensitive"] == "hiv" and person["tests"] is None
    assert [m["rule"] for m in mentions if m["kind"] == "diagnosis"] == ["labelled ICD-10 Z21"]
