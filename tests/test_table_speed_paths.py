"""The table scan's fast paths give exactly what the plain forms they replace give.

Each fast path (a test list split once, the typed columns cleaned in one pass, names cleaned off
their distinct cells, constant columns and locators sliced from columns made before, the
control characters of a sniffed sample counted by one regex) is compared with its plain form on
crafted cells that hit and nearly miss each rule, and on random ones.
"""

from __future__ import annotations

import random
import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from breachdesk import catalogue
from breachdesk.detect import cellwise, lab_tests, name_columns, names, tables
from breachdesk.ingest import sniff
from breachdesk.readers.base import Table

_SEPARATORS = [", ", ",", ";", "; ", "|", " | ", " / ", "/", " + ", "+", " and ", "  "]
_NOISE = ["", " ", "x", "FBC", "fbc", "Result", "see note", "U and E", "HIV 1 and 2", "ſ", "Zoë"]


def _terms() -> list[str]:
    return sorted({name for test in catalogue.load() for name in test.all_names})


def _test_cells(rng: random.Random, count: int) -> list[str]:
    terms = _terms()
    cells = []
    for _ in range(count):
        pieces = [
            rng.choice(terms) if rng.random() < 0.8 else rng.choice(_NOISE)
            for _ in range(rng.randint(1, 4))
        ]
        pieces = [p.upper() if rng.random() < 0.1 else p for p in pieces]
        cell = pieces[0]
        for piece in pieces[1:]:
            cell += rng.choice(_SEPARATORS) + piece
        cells.append(rng.choice(["", " ", "\t"]) + cell + rng.choice(["", " ", ","]))
    return cells


CRAFTED_TESTS = [
    "",
    " ",
    ",",
    ";;",
    "FBC",
    "fbc",
    "FBC, U and E",
    "FBC,U&E|LFT",
    "FBC; FBC",
    "Urea, Urea",
    "HbA1c (diabetes monitoring), TSH",
    "Liver function tests",
    "Platelets, DCT",
    "full blood count; comment",
    "a, b, c",
]


@pytest.mark.parametrize("cell", CRAFTED_TESTS)
def test_test_list_split_once_matches_items(cell: str) -> None:
    assert lab_tests.lookup_pieces(cell) == lab_tests._lookup_items(cell)


def test_test_lists_random_match_items() -> None:
    rng = random.Random(11)
    cells = _test_cells(rng, 3000)
    found = 0
    for cell in cells:
        expected = lab_tests._lookup_items(cell)
        assert lab_tests._lookup.__wrapped__(cell) == expected, cell
        if "/" not in cell and "+" not in cell:
            assert lab_tests.lookup_pieces(cell) == expected, cell
        found += bool(expected)
    assert found > 2000  # the cells do name tests: the comparison is not of empty answers


def _plain_facts(cell: str) -> tuple[str | None, str | None]:
    """``tables._test_facts`` as it was written before."""
    codes = lab_tests._lookup_items(cell)
    joined = ";".join(codes) or None
    if joined is None or any(";" in code for code in codes):
        return joined, None if joined is None else tables._sensitive_of(joined)
    by_code = catalogue.sensitive_by_code()
    return joined, ";".join(sorted({by_code[c] for c in codes if c in by_code})) or None


def test_test_facts_match_plain() -> None:
    rng = random.Random(12)
    for cell in CRAFTED_TESTS + _test_cells(rng, 2000):
        assert tables._test_facts.__wrapped__(cell) == _plain_facts(cell), cell


_CELLS = ["", " ", "  x ", "a", "\u00a0b\u00a0", "\u3000", "SMITH", " Jones ", "\t", "é ", None]


def _columns(rng: random.Random, n: int, width: int) -> list[pa.Array]:
    return [pa.array([rng.choice(_CELLS) for _ in range(n)], pa.string()) for _ in range(width)]


@pytest.mark.parametrize("seed", range(40))
def test_typed_columns_cleaned_together_match_each(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.choice([0, 1, 3, 50])
    raw = _columns(rng, n, rng.randint(1, 6))
    if seed % 5 == 0:  # a sliced column, as Arrow's CSV reader's chunks are
        raw[0] = pa.array(["  a", "", None, "b ", " "] * 20, pa.string()).slice(3, n)
    types = [rng.choice([None, "family_name", "nhs_number", "tests"]) for _ in raw]
    clean, masks = tables._clean_typed(types, raw)
    for kind, values, got, mask in zip(types, raw, clean, masks, strict=True):
        if kind is None:
            assert got is None and mask is None
            continue
        assert got is not None
        assert got.to_pylist() == tables._clean(values).to_pylist()
        if mask is not None:
            assert mask.tolist() == tables._mask(got, valid=True).tolist()
            assert mask.tolist() == [c is not None for c in got.to_pylist()]


_TITLED = ["Mr", "mrs", "Dr.", "MISS", "Prof", "Mister", "Mx", "sir"]
_NAMES = ["SMITH", "Smith", "O'Neil", "Anne-Marie", "Zoë", "Seán", "Yıldız", "van der Berg"]


def _name_cells(rng: random.Random, count: int) -> list[str | None]:
    cells: list[str | None] = []
    for _ in range(count):
        family, given = rng.choice(_NAMES), rng.choice(_NAMES)
        title = rng.choice(_TITLED) + rng.choice([" ", ". ", "  "]) if rng.random() < 0.3 else ""
        way = rng.randrange(7)
        cell: str | None = [
            f"{family}, {title}{given}",
            f"{title}{given} {family}",
            f"{family.upper()} {given}",
            f"{family}^{given}",
            family,
            rng.choice(["", " ", "\t", ",", "^", title]),
            None,
        ][way]
        if cell is not None and rng.random() < 0.2:
            cell = rng.choice([" ", "\t", "\u00a0"]) + cell + rng.choice([" ", "", "\n"])
        cells.append(cell)
    return cells


@pytest.mark.parametrize("seed", range(30))
def test_names_filled_match_cleaned(seed: int) -> None:
    rng = random.Random(seed)
    values = pa.array(_name_cells(rng, rng.choice([1, 5, 40, 300])), pa.string())
    stripped = name_columns.strip_title_filled(values)
    if stripped is not None:
        assert stripped.to_pylist() == tables._clean(name_columns.strip_title(values)).to_pylist()
    assert tables._stripped(values).to_pylist() == (
        tables._clean(name_columns.strip_title(values)).to_pylist()
    )
    family, given = name_columns.split_column(values)
    expected = (tables._clean(family).to_pylist(), tables._clean(given).to_pylist())
    split = name_columns.split_column_filled(values)
    if split is not None:
        assert (split[0].to_pylist(), split[1].to_pylist()) == expected
    got = tables._split(values)
    assert (got[0].to_pylist(), got[1].to_pylist()) == expected


def test_names_filled_take_ascii_columns() -> None:
    values = pa.array(["Mr  John SMITH", " ", "SMITH, Dr. Anne", None, "Jones"], pa.string())
    split = name_columns.split_column_filled(values)
    assert split is not None
    assert split[0].to_pylist() == ["SMITH", None, "SMITH", None, "Jones"]
    assert split[1].to_pylist() == ["John", None, "Anne", None, None]
    stripped = name_columns.strip_title_filled(values)
    assert stripped is not None
    assert stripped.to_pylist() == ["John SMITH", None, "SMITH, Dr. Anne", None, "Jones"]


def test_repeated_runs_match_built() -> None:
    for size in [0, 1, 5, 1024, 1500, 3, 70_000, 2000]:
        for piece in ["table", "columns", "", "é", "x" * 65, "header_or_values"]:
            got = tables.runs([piece], [size])
            assert got.to_pylist() == [piece] * size
            assert got.equals(tables._runs([piece], [size]))
    assert tables.runs(["a", "bb"], [2, 1]).to_pylist() == ["a", "a", "bb"]


@pytest.mark.parametrize(
    ("n", "first", "prefix"),
    [
        (0, 1, ""),
        (3, 1, ""),
        (2000, 1, ""),
        (5, 1, ""),
        (9000, 1, ""),
        (4, 50_001, "x!"),
        (3, 1, "sheet:Results!"),
        (2, 7, "p" * 70),
    ],
)
def test_locators_match_python(n: int, first: int, prefix: str) -> None:
    table = Table(header=["a"], columns=[["x"] * n], first_row=first)
    table.prefix = prefix
    locator, record_id = tables._locators(table, 42)
    expected = [f"{prefix}row:{i}" for i in range(first, first + n)]
    assert locator.to_pylist() == expected
    assert record_id.to_pylist() == [f"42:{x}" for x in expected]


def test_control_characters_counted_as_each_step() -> None:
    rng = random.Random(5)
    for _ in range(3000):
        text = "".join(
            chr(rng.choice([rng.randint(0, 40), rng.randint(0, 0x3000), 10]))
            for _ in range(rng.randint(0, 80))
        )
        plain = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\x0b\x0c\x1c")
        assert len(sniff._CONTROL.findall(text)) == plain


def test_records_equal_with_clean_columns_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole table path: the typed columns cleaned together give the records and mentions
    that cleaning them one by one gives."""
    rng = random.Random(8)
    n = 60
    header = ["Patient", "DOB", "NHS No", "Tests", "Result", "Note"]
    columns = [
        [c or "" for c in _name_cells(rng, n)],
        [f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/19{rng.randint(30, 99)}"] * n,
        [rng.choice(["943 476 5919", "4010232137", "", " 9434765870 "]) for _ in range(n)],
        _test_cells(rng, n),
        [rng.choice(["4.5", "", "positive"]) for _ in range(n)],
        [rng.choice(["", "x"]) for _ in range(n)],
    ]
    fast = tables.records_from_table(Table(header=header, columns=columns, first_row=1), 3)

    def one_by_one(
        types: list[str | None], raw: list[pa.Array]
    ) -> tuple[list[pa.Array | None], list[np.ndarray | None]]:
        clean = [None if k is None else tables._clean(v) for k, v in zip(types, raw, strict=True)]
        return clean, [None] * len(types)

    monkeypatch.setattr(tables, "_clean_typed", one_by_one)
    plain = tables.records_from_table(Table(header=header, columns=columns, first_row=1), 3)
    assert fast[0].num_rows > 10 and fast[1].num_rows > 30
    assert fast[0].equals(plain[0]) and fast[1].equals(plain[1])


def test_title_letters_fold_as_re2_on_every_character() -> None:
    """The titles' Python forms match a letter case-insensitively exactly where RE2 does, over
    every code point: so a names column takes the Python path whatever its characters."""
    code_points = [chr(u) for u in range(0x110000) if not 0xD800 <= u <= 0xDFFF]
    every = pa.array(code_points, pa.string())
    text = "".join(code_points)
    for letter in sorted(set(names.TITLES) - set("(?:|)")):
        re2 = pc.match_substring_regex(every, f"(?i)^{letter}$")
        by_re2 = {code_points[i] for i in np.flatnonzero(re2.to_numpy(zero_copy_only=False))}
        lit = "[s\u017f]" if letter == "s" else letter
        python = re.compile(lit, name_columns._RE2_CASE)
        assert {m.group() for m in python.finditer(text)} == by_re2, letter


_HOSTILE = [
    "a",
    "B",
    "ı",
    "İ",
    "ſ",
    "K",
    "Mıss",
    "MİSS",
    "Mſ",
    "MRS",
    "mrſ",
    "sir",
    "SİR",
    "Dr",
    "dr.",
    "Prof",
    "lady",
    "Mx",
    " ",
    "  ",
    "\t",
    "\u00a0",
    "\u3000",
    ",",
    "^",
    ".",
    "-",
    "'",
    "٣",
    "é",
    "Zoë",
    "Smith",
    "JONES",
    "\n",
    "\x1c",
    "\x0b",
]


@pytest.mark.parametrize("seed", range(20))
def test_names_python_path_matches_arrow_on_any_text(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(seed)
    columns = []
    for _ in range(100):
        cells = [
            None
            if rng.random() < 0.05
            else "".join(rng.choice(_HOSTILE) for _ in range(rng.randint(0, 8)))
            for _ in range(rng.randint(1, 30))
        ]
        columns.append(pa.array(cells, pa.string()))
    python = [
        (
            name_columns.strip_title(v).to_pylist(),
            [p.to_pylist() for p in name_columns.split_column(v)],
        )
        for v in columns
    ]
    monkeypatch.setattr(cellwise, "distinct_ascii", lambda *_, **__: None)
    arrow = [
        (
            name_columns.strip_title(v).to_pylist(),
            [p.to_pylist() for p in name_columns.split_column(v)],
        )
        for v in columns
    ]
    assert python == arrow
