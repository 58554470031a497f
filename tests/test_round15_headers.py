"""Round 15: analysts' column names read as tests (``detect.test_headers``), a tool's empty-cell
word ("nan", "<NA>", "NULL") under a test's column giving no test, and a name column's header
that names both parts ("Name (Last, First)") read as the whole name."""

from __future__ import annotations

import io

import pyarrow as pa
import pyarrow.feather as feather
import pytest

from breachdesk.detect.columns import header_kind
from breachdesk.detect.name_columns import both_parts
from breachdesk.detect.test_headers import code_of_name
from test_generalise import A, B, C, people_in_file

FIELDS = ("nhs_number", "tests", "sensitive")
NAMES = ("nhs_number", "family_name", "given_name")


@pytest.mark.parametrize(
    ("header", "code", "kind"),
    [
        ("hiv_result", "HIVAGAB", "hiv"),
        ("hiv_status", "HIVAGAB", "hiv"),
        ("hivResult", "HIVAGAB", "hiv"),
        ("hivres", "HIVAGAB", "hiv"),  # Stata's short name: an HIV result, not HIVRES
        ("psa_ng_ml", "PSA", "cancer"),
        ("hcg_iu_l", "HCG", "pregnancy"),
        ("lithium_mmol_l", "LITH", "mental_health"),
        ("CA125_kU_L", "CA125", "cancer"),
        ("hiv_viral_load_copies", "HIVVL", "hiv"),
        ("hivViralLoadCopies", "HIVVL", "hiv"),
        ("BRCA_status", "BRCA", "genetic"),
        ("last_hcv_rna_copies_ml", "HCVRNA", "hepatitis"),
    ],
)
def test_an_analysts_column_name_is_the_tests_column(header: str, code: str, kind: str) -> None:
    data = (
        f"nhs_number,surname,forename,dob,{header}\n"
        f"{A},OKAFOR,Grace,1985-11-02,Positive\n"
        f"{B},NOWAK,Tomasz,1960-12-21,\n"
    ).encode()
    assert people_in_file("extract.csv", data, FIELDS)[1] == sorted(
        [(A, code, kind), (B, None, None)], key=str
    )


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("HIVRES", "analyte:HIVRES"),  # a lab's code in capitals is its own test
        ("HIV result", "analyte:HIVAGAB"),
        ("HbA1c_result", "analyte:HBA1C"),
        ("hiv_result_date", "other_date"),  # a date, not the result
        ("p_value", "result"),  # a statistic: one letter is no test
        ("sample_status", None),
    ],
)
def test_what_an_analysts_name_is_not(header: str, kind: str | None) -> None:
    assert header_kind(header) == kind


def test_a_name_without_a_result_word_or_units_is_left_to_the_catalogue() -> None:
    assert [code_of_name(h) for h in ("hiv", "HCV_Ab", "smoking_status", "x" * 80)] == [None] * 4


def test_pandas_nan_under_a_tests_column_is_no_test() -> None:
    data = (
        "## Weekly query\n\n"
        "| NHS | Name | DOB | ca125 | psa_ng_ml | hcg |\n"
        "|---:|:---|:---|---:|---:|:---|\n"
        f"| {A} | Alan Pemberton | 1948-02-05 | nan | 11.3 | nan |\n"
        f"| {B} | Joanne Sutcliffe | 1983-05-23 | NaN | nan | positive |\n"
        f"| {C} | Agnieszka Nowak | 1990-03-03 | 55.0 | <NA> | NaT |\n"
    ).encode()
    assert people_in_file("weekly_notes.md", data, FIELDS)[1] == sorted(
        [(A, "PSA", "cancer"), (B, "HCG", "pregnancy"), (C, "CA125", "cancer")], key=str
    )


def test_a_null_word_beside_request_flags_is_no_request() -> None:
    data = (
        f"NHS Number,Surname,Forename,HIV requested\n{A},OKAFOR,Grace,Y\n"
        f"{B},NOWAK,Tomasz,N\n{C},KOWALSKI,Anna,NULL\n"
    ).encode()
    assert people_in_file("requests.csv", data, FIELDS)[1] == sorted(
        [(A, "HIVAGAB", "hiv"), (B, None, None), (C, None, None)], key=str
    )


@pytest.mark.parametrize(
    ("header", "cells"),
    [
        ("Name (Last, First)", ("Gill, Harpreet", "Tetley, Ronald")),
        ("Surname, Forename", ("Gill, Harpreet", "Tetley, Ronald")),
        ("Name (First Last)", ("Harpreet Gill", "Ronald Tetley")),
    ],
)
def test_a_name_header_naming_both_parts_is_split(header: str, cells: tuple[str, str]) -> None:
    data = f'NHS,"{header}",DOB\n{A},"{cells[0]}",1982-05-05\n{B},"{cells[1]}",1947-03-18\n'
    assert people_in_file("antenatal.csv", data.encode(), NAMES)[1] == sorted(
        [(A, "Gill", "Harpreet"), (B, "Tetley", "Ronald")], key=str
    )


def test_a_feather_frame_with_last_first_names_and_an_hiv_status() -> None:
    table = pa.table(
        {
            "NHS": pa.array([int(A), int(B)], pa.int64()),
            "Name (Last, First)": ["Gill, Harpreet", "Clegg, Abigail"],
            "DOB": ["1982-05-05", "2000-12-01"],
            "hiv_status": ["Negative", "Positive"],
        }
    )
    buffer = io.BytesIO()
    feather.write_feather(table, buffer)
    assert people_in_file("antenatal.feather", buffer.getvalue(), (*NAMES, "tests"))[1] == sorted(
        [(A, "Gill", "Harpreet", "HIVAGAB"), (B, "Clegg", "Abigail", "HIVAGAB")], key=str
    )


def test_a_header_naming_part_of_the_family_name_is_not_the_whole_name() -> None:
    assert both_parts(["family", "name", "first", "3"]) is False
    assert both_parts(["name", "last", "first"]) is True
    assert header_kind("First surname") == "family_name"  # a Spanish name's primer apellido
    assert header_kind("Name (First Last)") == "full_name"


def test_a_scripts_test_code_in_a_test_column_is_its_test() -> None:
    data = (
        "id,nhs,last_name,first_name,birth_date,lab_test,value\n"
        f"100,{A},Ward,Jordan,2001-05-29,gc_naat,POSITIVE\n"
        f"101,{B},Haigh,Samantha,1976-10-10,syph_tpab,NEGATIVE\n"
        f"102,{C},Sharma,Vikram,1969-07-02,syph_rpr,NEGATIVE\n"
    ).encode()
    assert people_in_file("shc.csv", data, FIELDS)[1] == sorted(
        [(A, "GC", "sexual_health"), (B, "SYPH", "sexual_health"), (C, "RPR", "sexual_health")],
        key=str,
    )
