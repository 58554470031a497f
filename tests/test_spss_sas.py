"""SPSS (.sav, .zsav, .por) and SAS (.sas7bdat, .xpt) datasets, written here by pyreadstat from
invented people: read under their variable labels, through the scan's per-file call."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest

from breachdesk.ingest.sniff import sniff_data
from breachdesk.nhs import generate
from breachdesk.readers import spss_sas
from breachdesk.readers.base import ReaderError, Table
from breachdesk.readers.spss_sas_header import kind_of
from test_generalise import people_in_file

_RNG = random.Random(2026_12_01)
N1, N2, N3 = (generate(_RNG) for _ in range(3))
FIELDS = ("family_name", "given_name", "date_of_birth", "nhs_number", "tests", "sensitive")
PEOPLE = [
    (N1, "PARKINSON", "Mavis", "1947-08-21", 1.0),
    (N2, "ADEYEMI", "Tobi", "1990-02-14", 2.0),
    (N3, "McCALLUM", "Iain", "1961-12-03", None),  # no HIV test: system-missing
]
LABELS: list[str | None] = [
    "NHS number",
    "Surname",
    "Forename",
    "Date of birth",
    "HIV Ag/Ab result",
]


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "nhsno": [float(p[0]) for p in PEOPLE],  # a double in both packages
            "sname": [p[1] for p in PEOPLE],
            "fname": [p[2] for p in PEOPLE],
            "dob": pd.to_datetime([p[3] for p in PEOPLE]).date,
            "hivres": [p[4] for p in PEOPLE],
        }
    )


def _written(tmp_path: Path, kind: str) -> bytes:
    path = tmp_path / f"extract.{kind}"
    frame = _frame()
    if kind in ("sav", "zsav"):
        pyreadstat.write_sav(
            frame,
            str(path),
            column_labels=LABELS,
            variable_value_labels={"hivres": {1.0: "Negative", 2.0: "Positive"}},
            compress=kind == "zsav",
        )
    elif kind == "por":  # a portable file keeps no labels: names of up to eight capitals
        pyreadstat.write_por(frame, str(path))
    elif kind == "sas7bdat":
        pyreadstat.write_sas7bdat(frame, str(path), column_labels=LABELS)
    else:
        pyreadstat.write_xport(frame, str(path), column_labels=LABELS, table_name="EXTRACT")
    return path.read_bytes()


def _expected(code: str = "HIVAGAB") -> list[tuple[object, ...]]:
    rows = []
    for nhs, family, given, born, hiv in PEOPLE:
        rows.append((family, given, born, nhs, *((code, "hiv") if hiv else (None, None))))
    return sorted(rows, key=str)


EXPECTED = _expected()


@pytest.mark.parametrize(
    ("kind", "package"),
    [("sav", "spss"), ("zsav", "spss"), ("por", "spss"), ("sas7bdat", "sas"), ("xpt", "sas")],
)
def test_dataset_people_and_tests_under_any_name(tmp_path: Path, kind: str, package: str) -> None:
    data = _written(tmp_path, kind)
    # A portable file's names are in capitals, and "HIVRES" in capitals is the catalogue's HIV
    # resistance test (``test_headers``): still an HIV test.
    expected = _expected("HIVRES") if kind == "por" else EXPECTED
    assert people_in_file(f"extract.{kind}", data, FIELDS) == (package, expected)
    assert sniff_data(data, "extract.bin") == package  # known by its header, not its name


def test_spss_cells_as_an_export_writes_them(tmp_path: Path) -> None:
    (table,) = list(spss_sas.read(_written(tmp_path, "sav"), "x.sav"))
    assert isinstance(table, Table)
    assert table.header == ["NHS number", "Surname", "Forename", "Date of birth", LABELS[4]]
    cells = [column.to_pylist() for column in table.columns]  # type: ignore[union-attr]
    assert cells[0] == [N1, N2, N3]  # whole doubles without ".0"
    assert cells[3] == ["1947-08-21", "1990-02-14", "1961-12-03"]  # dates ISO, no time
    assert cells[4] == ["Negative", "Positive", ""]  # value labels; system-missing empty


def test_sas_keeps_its_codes_and_names_without_labels(tmp_path: Path) -> None:
    (table,) = list(spss_sas.read(_written(tmp_path, "sas7bdat"), "x.sas7bdat"))
    assert table.header == LABELS  # type: ignore[union-attr]
    assert table.columns[4].to_pylist() == ["1", "2", ""]  # type: ignore[union-attr]
    (table,) = list(spss_sas.read(_written(tmp_path, "por"), "x.por"))
    assert table.header == ["NHSNO", "SNAME", "FNAME", "DOB", "HIVRES"]  # type: ignore[union-attr]


@pytest.mark.parametrize("kind", ["sav", "sas7bdat"])
def test_big_dataset_read_a_chunk_of_rows_at_a_time(
    tmp_path: Path, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spss_sas, "_WHOLE_BYTES", 0)
    monkeypatch.setattr(spss_sas, "CHUNK_ROWS", 2)
    tables = list(spss_sas.read_stream(io.BytesIO(_written(tmp_path, kind)), f"x.{kind}"))
    assert [(t.first_row, t.n_rows) for t in tables] == [(1, 2), (3, 1)]  # type: ignore[union-attr]
    assert [n for t in tables for n in t.columns[0].to_pylist()] == [N1, N2, N3]  # type: ignore[union-attr]


@pytest.mark.parametrize("kind", ["sav", "sas7bdat", "xpt"])
def test_damaged_dataset_is_a_reader_error(tmp_path: Path, kind: str) -> None:
    data = _written(tmp_path, kind)
    with pytest.raises(ReaderError, match="damaged or unsupported"):
        list(spss_sas.read(data[: len(data) // 3], f"cut.{kind}"))


def test_headers_are_not_claimed_by_other_files(tmp_path: Path) -> None:
    assert [kind_of(_written(tmp_path, k)[:600]) for k in ("sav", "por", "sas7bdat", "xpt")] == [
        "spss",
        "spss",
        "sas",
        "sas",
    ]
    assert kind_of(b"nhs_number,surname\n" * 40) is None
    assert kind_of(b"$FL" + b"\x00" * 200) is None
    assert kind_of(b"HEADER RECORD for the March audit\n" * 10) is None
    assert kind_of(bytes(32) + b"\x00" * 200) is None
    with pytest.raises(ReaderError, match="neither's header"):
        list(spss_sas.read(b"nhs_number,surname\n", "x.sav"))
