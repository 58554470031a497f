"""Tests named in other systems' habits (a thirteenth round): a bare "Alcohol" in a results
table, short names before a value with no unit or a spool's flag ("Hb 79 - transfuse", "HB 101 L
g/L", "CK 2400", "PT 14.9 s"), spellings the catalogue lacked, a name wrapped across two lines,
a test said not to have been done, and HL7 fields coded only in LOINC. Each text gives exactly
its people and tests; prose that only looks like a test gives none."""

from __future__ import annotations

import csv
from importlib import resources

import pytest

from breachdesk import catalogue
from breachdesk.detect import lab_tests
from breachdesk.detect.text import people_in_text
from test_generalise import A, B, C, people_in_file

HEAD = "Name: HOLLOWAY, Beatrix DOB 17/07/1946\n"
BEATRIX = ("HOLLOWAY", "Beatrix", "1946-07-17")


def _tests_of(text: str) -> list[tuple[str | None, ...]]:
    return [
        (
            p.values.get("family_name"),
            p.values.get("given_name"),
            p.values.get("date_of_birth"),
            ";".join(p.tests) or None,
            "test_result" in p.exposed,
        )
        for p in people_in_text(text, "line:1")
    ]


# 1. "Alcohol" is blood alcohol in a test column, or before its result; not a social history.

PG_COPY = f"""CREATE TABLE public.patient (
    patient_id integer NOT NULL,
    nhs_number character varying(10),
    surname character varying(60),
    forenames character varying(60),
    birth_dt date
);

CREATE TABLE public.lab_result (
    result_id integer NOT NULL,
    patient_id integer,
    test_name text,
    result_value text
);

COPY public.patient (patient_id, nhs_number, surname, forenames, birth_dt) FROM stdin;
1\t{A}\tOkafor\tGrace\t1962-01-12
2\t{B}\tNowak\tTomasz\t1975-11-02
\\.

COPY public.lab_result (result_id, patient_id, test_name, result_value) FROM stdin;
10\t1\tCA125\t88
11\t2\tAlcohol\t<2
\\.
"""


def test_a_bare_alcohol_in_a_test_column_is_blood_alcohol() -> None:
    _, people = people_in_file("dump.sql", PG_COPY.encode())
    assert people == [
        ("Nowak", "Tomasz", "1975-11-02", B, "ETOH", "substance_misuse"),
        ("Nowak", "Tomasz", "1975-11-02", B, None, None),
        ("Okafor", "Grace", "1962-01-12", A, "CA125", "cancer"),
        ("Okafor", "Grace", "1962-01-12", A, None, None),
    ]


def test_an_alcohol_column_of_a_social_history_is_no_test() -> None:
    # (KHAN's "Alcohol excess" is no test, but a diagnosis in words: substance misuse.)
    data = (
        "Surname,Forename,DOB,NHS Number,Smoking,Alcohol\n"
        f"OKAFOR,Grace,12/01/1962,{A},Never,14 units/week\n"
        f"NOWAK,Tomasz,02/11/1975,{B},Ex,None\n"
        f"KHAN,Imran,03/04/1980,{C},Never,Alcohol excess\n"
    )
    _, people = people_in_file("social.csv", data.encode())
    assert people == [
        ("KHAN", "Imran", "1980-04-03", C, None, "substance_misuse"),
        ("NOWAK", "Tomasz", "1975-11-02", B, None, None),
        ("OKAFOR", "Grace", "1962-01-12", A, None, None),
    ]


@pytest.mark.parametrize(
    ("line", "tests", "result"),
    [
        ("Alcohol <2 mg/dL", "ETOH", True),
        ("Alcohol: 45", "ETOH", True),
        ("Alcohol (ethanol) 120 mg/dL", "ETOH", False),
        ("Alcohol screen requested", "ETOH", False),
        ("Social: alcohol intake 20 units a week", None, False),
        ("Alcohol: 14 units/week, smokes 10 a day", None, False),
        ("PMH: Alcohol excess, COPD", None, False),
    ],
)
def test_alcohol_counts_before_a_result_only(line: str, tests: str | None, result: bool) -> None:
    assert _tests_of(HEAD + line) == [(*BEATRIX, tests, result)]


# 2. Short names before a plausible value, with no unit or with a spool's flag.


@pytest.mark.parametrize(
    ("line", "tests"),
    [
        ("Hb 79 - transfuse 2 units", "HB"),
        ("HB                           101    L    g/L           115 - 165", "HB"),
        ("Hb 7.9 g/dL", "HB"),
        ("Hb 79 L", "HB"),
        ("On the ward. Hb 79.", "HB"),
        ("Fall, CK 2400, AKI", "CK"),
        ("CK 2,400 IU/L", "CK"),
        ("PT 14.9 s", "PTIME"),
        ("PT 15 secs", "PTIME"),
        ("K+ 6.8, medics aware", "K"),
        ("His Hb this morning was 71 g/L and platelets 19.", "HB;PLT"),
        ("K      2.9   L   mmol/L    3.5-5.3", "K"),
        ("Fe 5 L umol/L", "IRON"),
    ],
)
def test_a_short_name_before_its_value(line: str, tests: str) -> None:
    assert _tests_of(HEAD + line) == [(*BEATRIX, tests, True)]


@pytest.mark.parametrize(
    "line",
    [
        "PT 3 times a week, walking better",  # physiotherapy
        "PT 15 today",  # a whole number with no unit: not a prothrombin time
        "Pt 14.5 stone",
        "Seen by CK 12/03, letter to follow",  # initials and a date
        "CK 45 mins later",
        "Hb 12/03/2024",
        "HB 2 copies sent",
        "Hb 98",  # a bare value, with nothing to say it is one
        "Hb 79\nPlt 4",
    ],
)
def test_a_short_name_without_a_value_is_no_test(line: str) -> None:
    assert _tests_of(HEAD + line) == [(*BEATRIX, None, False)]


# 3. Spellings: singular, "Combined screening", a wrapped name, a core biopsy.


@pytest.mark.parametrize(
    ("line", "tests"),
    [
        ("Anti-nuclear antibody: positive 1:160", "ANAS"),
        ("Combined screening: low chance", "FTCT"),
        ("rising paraprotein with serum free\nlight chains ratio 4.2.", "SPE;SFLC"),
        ("Specimen: Left breast core biopsy x3\nInvasive ductal carcinoma, grade 2.", "HISTO"),
    ],
)
def test_spellings_and_wrapped_names(line: str, tests: str) -> None:
    (person,) = _tests_of(HEAD + line)
    assert person[:4] == (*BEATRIX, tests)


def test_a_wrapped_name_is_read_only_in_running_text() -> None:
    # Lines joined for a log (``line_starts``) are each read alone: no term runs across them.
    text = "serum free\nlight chains"
    assert [m.value for m in lab_tests.detect(text) if m.kind == "test"] == ["SFLC"]
    assert [m.value for m in lab_tests.detect(text, [0, 11]) if m.kind == "test"] == []


def test_a_cellular_pathology_report_gives_histology_and_cancer() -> None:
    report = (
        "DEPARTMENT OF CELLULAR PATHOLOGY\n\n"
        f"Patient:  HOLLOWAY, Beatrix Rose        NHS No: {C}\n"
        "DOB:      17.07.1946\n"
        "Specimen: Left breast core biopsy x3\n\n"
        "MICROSCOPY: Invasive ductal carcinoma, grade 2. ER positive (Allred 8/8).\n"
    )
    _, people = people_in_file("histo.txt", report.encode())
    assert people == [("HOLLOWAY", "Beatrix", "1946-07-17", C, "HISTO", "cancer")]


# 4. A test said not to have been done.


@pytest.mark.parametrize(
    ("line", "tests"),
    [
        ("Bone marrow aspirate has not yet been done.", None),
        ("HIV: not tested. FBC sent.", "FBC"),
        ("U&E sample not taken, HbA1c 48", "HBA1C"),
        ("HIV test declined", None),
        ("HIV test offered and declined", "HIVAGAB"),  # the offer is told
        ("eGFR has declined to 45", "EGFR"),  # a result falling, not a test refused
        ("HbA1c not taken into account", "HBA1C"),
    ],
)
def test_a_test_not_done(line: str, tests: str | None) -> None:
    (person,) = _tests_of(HEAD + line)
    assert person[:4] == (*BEATRIX, tests)


# 6. HL7 fields coded only in LOINC.


def test_hl7_tests_coded_only_in_loinc() -> None:
    message = (
        "MSH|^~\\&|SUNQUEST|LAB|EPR|HOSP|20240522083000||ORU^R01|SQ1002|P|2.3\r"
        f"PID|1||{B}^^^NHS^NH||NOWAK^Tomasz||19751102|M\r"
        "OBR|1||Q24-5511|24362-6^^LN\r"
        "OBX|1|NM|2857-1^^LN||9.4|ng/mL|<4.0|H|||F\r"
        "OBX|2|NM|4548-4^^LN||52|mmol/mol|||H|||F\r"
        "OBX|3|NM|1234-5^^L||7|x|||||F\r"  # a local code of LOINC's shape names nothing
    )
    _, people = people_in_file("feed.hl7", message.encode())
    assert people == [("NOWAK", "Tomasz", "1975-11-02", B, "UE;PSA;HBA1C", "cancer")]


def test_the_loinc_file_names_catalogue_tests_with_valid_codes() -> None:
    path = resources.files("breachdesk") / "data" / "loinc_codes.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    codes = {test.code for test in catalogue.load()}
    assert len(rows) > 100
    assert [r["loinc"] for r in rows if r["code"] not in codes] == []
    assert [r["loinc"] for r in rows if not _loinc_check(r["loinc"])] == []
    assert len({r["loinc"] for r in rows}) == len(rows)
    assert catalogue.by_loinc()["2857-1"].code == "PSA"


def _loinc_check(code: str) -> bool:
    """LOINC's mod 10 check digit (its last digit, after the hyphen)."""
    digits = [int(c) for c in code.replace("-", "")][::-1]
    total = sum(d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(digits))
    return "-" in code and total % 10 == 0
