"""The Python readings that stand in for Arrow calls on a table's columns give what the calls
gave (the speed work on ``detect.tables`` and what it calls)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from breachdesk.detect import cellwise, columns, dates, given_names, name_columns, null_cells

_CELLS = [
    "",
    " ",
    "\t",
    "NULL",
    " n/a ",
    "#N/A",
    "-",
    ".",
    "x",
    " Okafor ",
    "nan",
    "None",
    "Zoë",
    "\u00a0NULL\u00a0",
    "NULİ",
    "\u212a",
    "N\u0130L",
    "\u2003",
    "4557660932",
    None,
]


def _arrow_first_filled(values: pa.Array, sample: int) -> list[str]:
    """``columns._first_filled``'s own Arrow reading."""
    filled = pc.filter(values, pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(values)), 0))
    head = filled.slice(0, sample)
    return pc.filter(head, pc.invert(null_cells.blank(head))).to_pylist()


def test_first_filled_in_python_is_arrows() -> None:
    for rotate in range(len(_CELLS)):
        cells = _CELLS[rotate:] + _CELLS[:rotate]
        for sample in (1, 3, 500):
            found = null_cells.first_filled(cells, sample)
            if found is None:  # (a cell Arrow alone lowers to ASCII: Arrow reads the column)
                assert any(c and ("\u0130" in c or "\u212a" in c) for c in cells)
                continue
            assert found == _arrow_first_filled(pa.array(cells, pa.string()), sample)
    plain = [c for c in _CELLS if c is None or ("\u0130" not in c and "\u212a" not in c)]
    assert null_cells.first_filled(plain, 500) == _arrow_first_filled(pa.array(plain), 500)


def test_only_two_characters_beyond_ascii_lower_to_ascii_in_arrow() -> None:
    """What ``null_cells.first_filled`` rests on: no token holds an "i" or a "k"."""
    points = [i for i in range(0x80, 0x110000) if not 0xD800 <= i < 0xE000]
    lowered = pc.utf8_lower(pa.array([chr(i) for i in points])).to_pylist()
    assert {p for p, low in zip(points, lowered, strict=True) if low.isascii()} == {0x130, 0x212A}
    assert not any("i" in token or "k" in token for token in null_cells.TOKENS)


def test_first_cells_and_first_filled_of_columns() -> None:
    long = ["", "NULL"] * 40 + [f"cell {i}" for i in range(100)] + ["n/a"] * 10
    for cells in (_CELLS, long, long[:70], ["", " "] * 50):
        values = pa.array(cells, pa.string())
        for count in (3, 20, 100):
            expected = _arrow_first_filled(values, 500)[:count]
            assert columns._first_cells(values, count) == expected
        assert columns._first_filled(values).to_pylist() == _arrow_first_filled(values, 500)


def test_may_contain_is_a_superset_of_the_cells() -> None:
    values = pa.array(["x", "4.5", "nHs 1", None, ""])
    assert cellwise.may_contain(values, (b".",))
    assert not cellwise.may_contain(values.slice(2), (b".",))
    assert cellwise.may_contain(values.slice(2), (b"nH",))
    assert not cellwise.may_contain(values.slice(3), (b"nh", b"NH"))
    assert not cellwise.may_contain(pa.array([], pa.string()), (b".",))
    assert cellwise.may_contain(pa.chunked_array([values]), (b"?",))  # unsure: True


def test_kind_remembered_is_kind() -> None:
    for word in ("Grace", "OKAFOR", "zoë", "Zoe", "Grace", "xyzzy", ""):
        assert given_names.kind(word) == given_names._kinds().get(given_names._key(word), 0)


def test_split_cells_skip_only_ways_that_cannot_match() -> None:
    cells = [
        "Grace Okafor",
        "OKAFOR Grace",
        "Anne-Marie DE LA CRUZ",
        "Okafor G",
        "van der Berg A.M.",
        "SMITH, John",
        "Smith",
        " ",
    ]
    whole = [name_columns._split_stripped(c) for c in cells if "," not in c]
    fewer = [name_columns._split_stripped(c, name_columns._NO_CARET) for c in cells if "," not in c]
    assert whole == fewer
    careted: list[str | None] = ["OKAFOR^GRACE", "Grace Okafor"]
    assert name_columns._split_cells(careted)[0] == ("OKAFOR", "GRACE")


def test_null_or_empty_counts_off_the_buffers() -> None:
    values = pa.array(["", None, "x", " ", ""])
    assert cellwise.null_or_empty(values) == 3
    assert cellwise.null_or_empty(values.slice(2)) == 1
    assert cellwise.null_or_empty(pa.chunked_array([values])) is None
    assert cellwise.null_or_empty(pa.array([], pa.string())) is None


def test_parse_column_tries_the_other_formats_only_where_they_could_count(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    columns = [
        ["12/01/1962", "", "03/04/1961", None, " "],
        ["01/02/1980", "02/03/1981", "04/05/1990"],
        ["01/02/1980", "13/02/1981", "02/13/1990"],
        ["12/31/1980", "01/02/1981", ""],
        ["1980-01-02", "02/01/1981", "3.4.1975", "12 Jan 1950"],
        ["01/02/45", "03/04/99", "05/06/12"],
        ["01/02/1801", "03/04/1960"],
        ["", None],
    ]
    others = [pa.array(["12/31/2020", "01/30/2021"])]
    found = [
        dates.parse_column(pa.array(c, pa.string()), o).to_pylist()
        for c in columns
        for o in ([], others)
    ]
    monkeypatch.setattr(cellwise, "null_or_empty", lambda values: None)
    every = [
        dates.parse_column(pa.array(c, pa.string()), o).to_pylist()
        for c in columns
        for o in ([], others)
    ]
    assert found == every
