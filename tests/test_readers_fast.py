"""The fast paths of the table readers and column validators give what the slow ones gave."""

from __future__ import annotations

import datetime as dt
import io
import random
import sqlite3
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from breachdesk.detect import dates, name_columns, nhs_number
from breachdesk.detect.columns import type_columns
from breachdesk.ingest import sniff
from breachdesk.readers import delimited, spreadsheet, sql_dump, sqlite
from breachdesk.readers.base import transpose

_DUMP = b"""CREATE TABLE `patients` (
  `id` int NOT NULL,
  `nhs_number` varchar(10),
  `surname` varchar(64),
  PRIMARY KEY (`id`)
) ENGINE=InnoDB;
INSERT INTO `patients` VALUES (1,'4010232137','O''Brien'),(2,NULL,'Smith\\\\Jones');
INSERT INTO `patients` VALUES (3,'4010232137',' Lee ');
INSERT INTO `results` (`id`,`code`) VALUES (1,'FBC;(x)');
INSERT INTO `patients` VALUES (4,'','Khan');
"""


def test_sql_inserts_into_one_table_are_one_chunk_numbered_on() -> None:
    tables = list(sql_dump.read(_DUMP, "d.sql"))
    assert [(t.prefix, t.first_row, t.n_rows) for t in tables] == [
        ("table:patients!", 1, 3),
        ("table:results!", 1, 1),
        ("table:patients!", 4, 1),
    ]
    assert tables[0].header == ["id", "nhs_number", "surname"]
    assert _listed(tables[0].columns) == [
        ["1", "2", "3"],
        ["4010232137", "", "4010232137"],
        ["O'Brien", "Smith\\Jones", "Lee"],
    ]
    assert _listed(tables[1].columns) == [["1"], ["FBC;(x)"]]


def _listed(columns: list[list[str]] | list[pa.Array]) -> list[list[str]]:
    """A table's columns as lists, whether a reader gave lists or Arrow arrays."""
    return [c if isinstance(c, list) else c.to_pylist() for c in columns]


def test_sql_stream_gathers_the_same_chunks() -> None:
    streamed = list(sql_dump.read_stream(io.BytesIO(_DUMP), "d.sql"))
    whole = list(sql_dump.read(_DUMP, "d.sql"))
    assert [(t.prefix, t.first_row, _listed(t.columns)) for t in streamed] == [
        (t.prefix, t.first_row, _listed(t.columns)) for t in whole
    ]


def test_sql_tuples_are_tokenised_not_evaluated() -> None:
    # A bracket closes the row even after a function name: values are never evaluated.
    rows, end = sql_dump._tuples("(1, NOW(), 'a;b' , null),('x\\'y','',\"q\");rest", 0)
    assert rows == [["1", "NOW("], ["x'y", "", '"q"']]
    assert end == len("(1, NOW(), 'a;b' , null),('x\\'y','',\"q\");")
    # A string never closed leaves its row unfinished: nothing from it is read.
    text = "(1,'a'),(2,'open ''"
    assert sql_dump._tuples(text, 0) == ([["1", "a"]], len(text))


def test_dates_only_formats_of_matching_shape_are_tried() -> None:
    col = pa.array(["01/02/1980", "13/02/1980", "1 Mar 1975", "19800102", None, "soon"])
    # Of the formats of matching shape, those whose fields are too narrow for the digits are
    # not tried either ("%d/%m/%y" reads no four-digit year, "%Y/%m/%d" no four-digit day).
    assert dates._possible_formats(col) == [
        "%d/%m/%Y",
        "%d %b %Y",
        "%Y%m%d",
        "%d %B %Y",
        "%m/%d/%Y",
        "%d%m%Y",  # eight digits: read day first too, where YYYYMMDD reads no date
    ]
    assert dates.parse_column(col).to_pylist() == [
        "1980-02-01",
        "1980-02-13",
        "1975-03-01",
        "1980-01-02",
        None,
        None,
    ]
    assert dates._possible_formats(pa.array(["Smith", "x-y"])) == []
    assert dates.parse_column(pa.array(["Smith", "x-y"])).to_pylist() == [None, None]


def test_nhs_column_from_a_sliced_array() -> None:
    col = pa.array(["x", "401 023 2137", "4010232138", "4010232137 ", None]).slice(1, 3)
    assert nhs_number.validate_column(col).to_pylist() == ["4010232137", None, "4010232137"]
    assert nhs_number.validate_column(pa.array(["a", None])).to_pylist() == [None, None]


def test_columns_typed_by_values_after_cheap_checks() -> None:
    header = ["A", "B", "C", "D", "E"]
    columns = [
        pa.array(["4010232137", "401 023 2137", "4010232137"]),
        pa.array(["SE15 4AB", "N1 9GU", "LS1 4AP"]),
        pa.array(["01/02/1950", "03/04/1990", "05/06/1971"]),
        pa.array(["1234567890", "2345678901", "3456789012"]),
        pa.array(["5.4", "12", "7.7"]),
    ]
    assert type_columns(header, columns) == [
        "nhs_number",
        "postcode",
        "date_of_birth",
        None,
        None,
    ]


def test_name_ways_read_only_cells_no_earlier_way_read() -> None:
    col = pa.array(["SMITH, John", "JONES^", "BROWN Peter", "Mary Lee", "Mr Solo", None, "  "])
    family, given = name_columns.split_column(col)
    assert family.to_pylist() == ["SMITH", "JONES", "BROWN", "Lee", "Solo", None, None]
    assert given.to_pylist() == ["John", "", "Peter", "Mary", None, None, None]


def test_titles_stripped_only_where_whitespace_follows() -> None:
    assert name_columns.strip_title(pa.array(["SMITH", " Jones ", None])).to_pylist() == [
        "SMITH",
        "Jones",
        None,
    ]
    assert name_columns.strip_title(pa.array(["Dr  Who", "Mrs. Ann Lee"])).to_pylist() == [
        "Who",
        "Ann Lee",
    ]


def test_times_cut_from_dates_only_when_a_cell_has_one() -> None:
    col = pa.array(["2024-05-01T10:30:00", "02/05/2024 09:15", "03/05/2024"])
    assert dates.parse_column(col).to_pylist() == ["2024-05-01", "2024-05-02", "2024-05-03"]


def test_date_shapes_the_same_read_in_python_or_arrow(monkeypatch: pytest.MonkeyPatch) -> None:
    # A no-break space is not whitespace to Arrow's regexes: "01 Feb 1980" with one is no date.
    col = pa.array(["01/02/1980", " 1 Feb\t1980", "1980-02-01", "01\u00a0Feb 1980", "x", None])
    expected = ["%d/%m/%Y", "%Y-%m-%d", "%d %b %Y", "%d %B %Y", "%m/%d/%Y"]
    assert dates._possible_formats(col) == expected
    monkeypatch.setattr(dates, "_FEW", 0)  # the Arrow path, as for a column of many dates
    assert dates._possible_formats(col) == expected
    # Past a few thousand distinct markings only the shapes are compared.
    monkeypatch.setattr(dates, "_FEW_PIECES", 0)
    assert dates._possible_formats(col) == [
        "%d/%m/%Y",
        "%Y-%m-%d",
        "%d-%m-%Y",
        "%d %b %Y",
        "%d/%m/%y",
        "%d %B %Y",
        "%m/%d/%Y",
        "%Y/%m/%d",
        "%d-%m-%y",
    ]


@pytest.mark.parametrize("seed", range(2))
def test_every_format_that_reads_a_cell_is_tried(seed: int) -> None:
    # Digit runs of any length, separators, month names, signs and spaces: a format Arrow reads
    # a cell with is never left out for its shape or its fields' widths.
    rng = random.Random(seed)
    pieces = ["/", "-", ".", " ", "", "+", " - ", ",", "\t", "Jan", "sept", "March", "x"]
    cells = sorted(
        {
            "".join(
                rng.choice(pieces)
                if i % 2
                else "".join(rng.choices("0123456789", k=rng.randint(1, 6)))
                for i in range(rng.randint(1, 7))
            )
            for _ in range(3000)
        }
    )
    column = pa.array(cells)
    for fmt in dates.FORMATS:
        read = pc.is_valid(pc.strptime(column, format=fmt, unit="s", error_is_null=True))
        for cell, ok in zip(cells, read.to_pylist(), strict=True):
            if ok:
                assert fmt in dates._possible_formats(pa.array([cell])), (fmt, cell)
                assert dates.may_parse([cell]) == 1, cell


def test_rows_transposed_to_columns_padded_or_cut() -> None:
    assert transpose([["a", "b"], ["c", "d"]], 2) == [["a", "c"], ["b", "d"]]
    assert transpose([["a"], ["c", "d", "e"]], 2) == [["a", "c"], ["", "d"]]
    assert transpose([], 2) == [[], []]
    assert transpose([["a"]], 0) == []


def test_analyte_columns_with_a_row_holding_no_test_keep_every_row() -> None:
    from breachdesk.detect.tables import records_from_table
    from breachdesk.readers.base import Table

    # pyarrow drops all-null rows from a "skip" join; the row without tests must stay aligned.
    table = Table(
        header=["NHS Number", "Surname", "Haemoglobin", "Sodium"],
        columns=[["4319390717", "4795429162"], ["SMITH", "JONES"], ["131", ""], ["", ""]],
    )
    records, _ = records_from_table(table, file_id=1)
    assert records["nhs_number"].to_pylist() == ["4319390717", "4795429162"]
    assert records["tests"].to_pylist() == ["HB", None]
    assert records["e_test_result"].to_pylist() == [True, False]


def _header_index_reference(rows: list[list[str]]) -> int:
    """``delimited._header_index`` counting widths over every filled row (a group row above the
    header gives way to the row below, as there)."""
    widths = Counter(len(r) for r in rows if any(c.strip() for c in r))
    if not widths:
        return 0
    width = widths.most_common(1)[0][0]
    for i, row in enumerate(rows[:20]):
        cells = [c.strip() for c in row]
        filled = [c for c in cells if c]
        numeric = sum(bool(delimited._NUMERIC.match(c)) for c in filled)
        if len(row) == width and len(filled) >= max(1, width // 2) and numeric <= len(filled) // 3:
            below = rows[i + 1] if i + 1 < len(rows) else None
            if (
                below is not None
                and len(filled) < len(row)
                and delimited._may_be_header(below, width)
                and delimited._labels(below) >= max(2, delimited._labels(row) + 1)
            ):
                return i + 1
            return i
    return 0


@pytest.mark.parametrize("seed", range(4))
def test_header_and_sheet_fast_paths_equal_the_row_by_row_reading(seed: int) -> None:
    rng = random.Random(seed)
    cells: list[object] = ["", " ", "Name", "NHS No", "12", "01/02/1980", 3.0, 2.5, None, True]
    cells += [dt.date(1980, 2, 1), dt.datetime(2024, 6, 1, 9, 30), "Title row"]
    for _ in range(300):
        width = rng.randint(1, 5)
        sheet = [
            [rng.choice(cells) for _ in range(width if rng.random() < 0.9 else rng.randint(0, 6))]
            for _ in range(rng.randint(0, 40))
        ]
        if rng.random() < 0.5:  # most sheets are rectangular
            sheet = [(row + [""] * width)[:width] for row in sheet]
        rows = [[c if type(c) is str else spreadsheet._cell(c) for c in row] for row in sheet]
        assert delimited._header_index(rows) == _header_index_reference(rows)
        table = spreadsheet._table(sheet)
        header, first = delimited.split_header(rows)
        if not rows or not rows[first:]:
            assert table is None
            continue
        assert table is not None
        assert (table.header, table.columns) == (header, transpose(rows[first:], len(header)))


def test_sqlite_columns_equal_the_cell_by_cell_reading(tmp_path: Path) -> None:
    path = tmp_path / "lims.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (name TEXT, n INTEGER, x REAL, blob BLOB, mixed)")
    rows = [("Seán", 1, 2.0, b"\x00", "a"), ("Lee", None, 2.5, None, 3), (None, 7, -0.0, b"", 1.0)]
    con.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?)", rows)
    con.commit()
    con.close()
    (table,) = sqlite.read(path.read_bytes(), "lims.db")
    assert table.columns == [[sqlite._cell(row[i]) for row in rows] for i in range(5)]
    assert table.columns == [
        ["Seán", "Lee", ""],
        ["1", "", "7"],
        ["2", "2.5", "0"],
        ["", "", ""],
        ["a", "3", "1"],
    ]


def test_date_formats_from_joined_shapes_match_each_cells_shape() -> None:
    # A cell holding a NUL is shaped alone; the others through the joined pass.
    col = pa.array(["01/02/1980", "1\x00/2/1980", "3 Mar 1975", " 4 - 5 - 1960", None])
    assert dates._possible_formats(col) == [
        "%d/%m/%Y",
        "%Y-%m-%d",
        "%d-%m-%Y",
        "%d %b %Y",
        "%d/%m/%y",
        "%d %B %Y",
        "%m/%d/%Y",
        "%Y/%m/%d",
        "%d-%m-%y",
    ]


def test_date_column_fixes_asked_of_extremes_first() -> None:
    # A two-digit year in the future is last century's; a reading before 1890 is no date; times
    # are cut off first.
    col = pa.array(
        ["01/02/80", "01/02/30", " 3/4/1850 ", "45/1/1", None, "", "2020-01-02 10:11", "31/12/99"]
    )
    assert dates.parse_column(col).to_pylist() == [
        "1980-02-01",
        "1930-02-01",
        None,
        None,
        None,
        None,
        "2020-01-02",
        "1999-12-31",
    ]
    col = pa.array(["1980-02-01T10:00:00", "1975-03-04 00:00:00", "0045-01-02"])
    assert dates.parse_column(col).to_pylist() == ["1980-02-01", "1975-03-04", None]


@pytest.mark.parametrize("seed", range(5))
def test_delimiter_reads_the_first_lines_as_splitting_the_whole_sample(seed: int) -> None:
    """``sniff._first_lines`` splits a head of the sample only: the same first lines as
    ``splitlines`` of all of it, whatever line ends (a ``\\r\\n`` cut at a head's end too)."""
    rng = random.Random(seed)
    ends = ["\n", "\r\n", "\r", "\x0b", "\x1c", "\u2028", "\x85"]
    for _ in range(200):
        lines = []
        for _ in range(rng.randrange(0, 120)):
            width = rng.choice([0, 1, 5, 60, 170, 900, 8191])
            lines.append("a,b" * (width // 3) + rng.choice(ends))
        text = "".join(lines)[: rng.randrange(1, 60_000)]
        for n in (1, 2, 50):
            assert sniff._first_lines(text, n) == text.splitlines()[:n]
    cut = "x\n" * 4095 + "y\r\nz\n" * 60  # a "\r\n" across the first head's end
    assert sniff._first_lines(cut, 4096) == cut.splitlines()[:4096]
    assert sniff.delimiter(cut) is None
