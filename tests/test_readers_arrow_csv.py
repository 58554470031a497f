"""Big delimited files are parsed by Arrow where it reads them exactly as the csv module does, and
by the csv module wherever Arrow refuses; either way the tables are the same."""

from __future__ import annotations

import csv
import io
import random

import pyarrow as pa
import pytest

from breachdesk.readers import arrow_csv, delimited
from breachdesk.readers.base import Table


def _plain(tables: list[Table]) -> list[tuple[list[str], int, list[list[str]]]]:
    return [
        (
            t.header,
            t.first_row,
            [c.to_pylist() if isinstance(c, pa.Array) else c for c in t.columns],
        )
        for t in tables
    ]


def _csv_module(text: str) -> list[Table]:
    return list(delimited._tables(text[:200_000], io.StringIO(text, newline="")))


def _read(data: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[list[Table], bool]:
    """``delimited.read`` with Arrow tried on any size; whether Arrow gave the tables."""
    used: list[bool] = []

    def spy(sample: str, text: str, delim: str | None = None) -> list[Table] | None:
        out = arrow_csv.arrow_tables(sample, text, delim)
        used.append(out is not None)
        return out

    monkeypatch.setattr(delimited, "ARROW_MIN_CHARS", 0)
    monkeypatch.setattr(delimited, "arrow_tables", spy)
    return list(delimited.read(data, "x.csv")), used == [True]


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        # a quoted line break (CRLF kept inside the cell), doubled quotes, a quoted delimiter
        ('id,note\r\n1,"two\r\nlines"\r\n2,"say ""hi"""\r\n3,"a,b"\r\n', None),
        # text after a closing quote is joined on; a quote inside a bare cell is a character
        ('id,note\n1,"ab"cd\n2,x"y\n', [["1", "abcd"], ["2", 'x"y']]),
        # empty lines are rows of empty cells; \r alone ends a line too
        ("id,note\n1,a\n\n2,b\r3,c\r\n\r\n", None),
        # a trailing delimiter on every line is an unnamed empty column
        ("id,note,\n1,a,\n2,b,\n", None),
        # a title row and a blank line above the header
        ("Chemistry worklist printed 01/06/2024\n\nid,note\n1,a\n2,b\n", [["1", "a"], ["2", "b"]]),
        # a quote left open runs to the end of the file, line breaks and all
        ('id,note\n1,"open, quote\n2,b\n', [["1", "open, quote\n2,b\n"]]),
        # no header: the first row is data and the columns are numbered
        ("4010232137,01/02/1980\n9434765919,02/03/1990\n", None),
    ],
)
def test_arrow_reads_as_the_csv_module(
    text: str, rows: list[list[str]] | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    tables, by_arrow = _read(text.encode(), monkeypatch)
    assert by_arrow
    assert _plain(tables) == _plain(_csv_module(text))
    if rows is not None:
        assert [list(r) for r in zip(*_plain(tables)[0][2], strict=True)] == rows


def test_exact_cells_of_a_quoted_file(monkeypatch: pytest.MonkeyPatch) -> None:
    text = 'id,note\r\n1,"two\r\nlines"\r\n2,"say ""hi"""\r\n\r\n'
    tables, by_arrow = _read(text.encode(), monkeypatch)
    assert by_arrow
    assert _plain(tables) == [
        (["id", "note"], 1, [["1", "2", ""], ["two\r\nlines", 'say "hi"', ""]])
    ]


@pytest.mark.parametrize(
    "text",
    [
        "id,note\n1,a\n2\n3,c\n",  # a short row
        "id,note\n1,a,extra\n",  # a long row
        'id,note\n"x\\"",2\n',  # a backslash is no escape: the quote stays open, one cell
        'id,note\n"x"\r\n,2\n',  # text ending a row early
    ],
)
def test_arrow_refuses_and_the_csv_module_reads(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    tables, by_arrow = _read(text.encode(), monkeypatch)
    assert not by_arrow
    assert _plain(tables) == _plain(_csv_module(text))


def test_encodings_and_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Name;DOB\r\n" + "".join(f"Zoë {i};01/02/1980\r\n" for i in range(5))
    for data in (b"\xef\xbb\xbf" + text.encode(), text.encode("utf-16"), text.encode("cp1252")):
        tables, by_arrow = _read(data, monkeypatch)
        assert by_arrow
        assert _plain(tables) == _plain(_csv_module(text))
    monkeypatch.setattr(delimited, "CHUNK_ROWS", 2)
    tables, _ = _read(text.encode(), monkeypatch)
    assert [(t.first_row, t.n_rows) for t in tables] == [(1, 2), (3, 2), (5, 1)]
    assert tables[2].columns[0].to_pylist() == ["Zoë 4"]  # type: ignore[union-attr]


def test_a_cell_over_the_field_limit_stays_unreadable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv, "field_size_limit", lambda: 10)
    text = "id,note\n1,short\n2," + "x" * 11 + "\n"
    assert arrow_csv.arrow_tables(text, text) is None


@pytest.mark.parametrize("seed", range(3))
def test_fuzzed_files_read_alike(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    accepted = 0
    for _ in range(400):
        delim = rng.choice([",", "\t", "|"])
        pieces = ["a", "b", delim, delim, '"', '""', "\n", "\r", "\r\n", " "]
        body = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        text = f"head1{delim}head2{delim}head3\n{body}"
        tables, by_arrow = _read(text.encode(), monkeypatch)
        accepted += by_arrow
        assert _plain(tables) == _plain(_csv_module(text)), repr(text)
    assert accepted >= 40  # Arrow's side is exercised, not only the fallback
