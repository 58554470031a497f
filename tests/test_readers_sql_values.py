"""The SQL reader's row parser (a regex match per row, ``str.split`` per value) reads exactly what
the character tokenizer reads, and its keyword search finds what ``finditer`` finds."""

from __future__ import annotations

import io
import random
import re

import pyarrow as pa
import pytest

from breachdesk.readers import sql_dump
from breachdesk.readers.base import ReaderError


def _slow(text: str, pos: int = 0) -> tuple[list[list[str]], int]:
    rows, end, _done = sql_dump._tuples_slow(text, pos)
    return rows, end


def test_simple_rows_exact() -> None:
    text = "(1,'O''Brien',NULL, 'a,b) c' ,'it\\'s\\n'),\n (2,'null',x'y'z,'',  7 );tail"
    assert sql_dump._tuples(text, 0) == (
        [["1", "O'Brien", "", "a,b) c", "it's"], ["2", "", "xyz", "", "7"]],
        text.index("tail"),
    )
    # Escapes as MySQL writes them, a backslash before a quote, and no ";": to the end.
    text = "('a\\\\','\\0b\\tc','\\'\\'', 'd''''e')"
    assert sql_dump._tuples(text, 0) == ([["a\\", "b\tc", "''", "d''e"]], len(text))


def test_rows_the_fast_path_does_not_read_are_read_as_before() -> None:
    # Two strings in one value, a bracket (which ends the row early) and a ";" outside quotes, a
    # quote between rows: each such row goes to the tokenizer, the rows after it to the fast path.
    text = "(1,'a' 'b'),(NOW(),2),('x';y),'junk (',(3,'c'),(4, 'd');"
    assert sql_dump._tuples(text, 0) == _slow(text)
    assert sql_dump._tuples(text, 0)[0] == [["1", "a b"], ["NOW("], ["x;y"], ["3", "c"], ["4", "d"]]


_SOUP = [
    "(", ")", ",", "'", "''", "\\", "\\'", ";", " ", "\n", "a", "1", "NULL", "null", "é",
    "\u00a0", "\\n", "\\0", '"', "x y", "(1,'a')", ",(", "),(", "'b'", "\\\\", "\x00", "\x01",
]  # fmt: skip


@pytest.mark.parametrize("seed", range(4))
def test_fuzzed_text_reads_as_the_tokenizer_reads_it(seed: int) -> None:
    rng = random.Random(seed)
    for soup in (_SOUP, [p for p in _SOUP if "\\" not in p]):
        for _ in range(4000):
            text = "".join(rng.choice(soup) for _ in range(rng.randint(0, 30)))
            pos = rng.randint(0, min(3, len(text)))
            assert sql_dump._tuples(text, pos) == _slow(text, pos), repr(text)


def _value(rng: random.Random) -> str:
    kind = rng.randrange(6)
    if kind == 0:
        return rng.choice(["NULL", "null", " NULL ", "12", "-3.5", "  7 ", ""])
    pieces = ["a", "O", "é", " ", ",", ")", "(", ";", "''", "\\'", "\\\\", "\\n", "\\0", "Ω"]
    body = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
    if kind == 1:
        return f" '{body}' "
    if kind == 2:
        return f"x'{body}'y"
    return f"'{body}'"


@pytest.mark.parametrize("seed", range(4))
def test_fuzzed_dumps_read_as_the_tokenizer_reads_them(seed: int) -> None:
    rng = random.Random(100 + seed)
    for _ in range(600):
        rows = [
            "(" + ",".join(_value(rng) for _ in range(rng.randint(1, 5))) + ")"
            for _ in range(rng.randint(1, 8))
        ]
        text = rng.choice([",", ", ", ",\n"]).join(rows) + rng.choice([";", ";\nINSERT", ""])
        fast = sql_dump._tuples(text, 0)
        assert fast == _slow(text), repr(text)


def test_keywords_are_found_where_finditer_finds_them() -> None:
    rng = random.Random(5)
    pieces = ["INSERT INTO t VALUES ", "insert", "ınsert into t values ", "CREATE TABLE x (a int);",
              "COPY t FROM stdin;\n", "\nCOPY t (a) FROM stdin;\n", "İ", "ſ", "K", "x", " ", "\n",
              "creat", "COPYCOPY t FROM stdin;"]  # fmt: skip
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        finditer = sql_dump._keywords(text)
        for pattern in (sql_dump._CREATE, sql_dump._INSERT, sql_dump._COPY):
            spans = [m.span() for m in finditer(pattern)]
            assert spans == [m.span() for m in pattern.finditer(text)], repr(text)


def test_only_the_folded_letters_match_the_keywords_oddly() -> None:
    """``_keywords`` relies on this: besides ASCII, only U+0130, U+0131 and U+017F match a
    keyword's letter case-insensitively, and only U+0130 lowers to more than one character."""
    odd = {
        chr(c)
        for c in range(0x80, 0x110000)
        if not 0xD800 <= c < 0xE000
        and re.fullmatch("(?i)[createinsrvalucopyg]", chr(c))
        and chr(c).lower() not in "createinsrvalucopyg"
    }
    assert odd == {folded for folded, _letter in sql_dump._FOLDS_ODDLY}
    assert [c for c in map(chr, range(0x110000)) if len(c.lower()) != 1] == ["\u0130"]


def test_runs_of_one_width_are_read_as_one_grid() -> None:
    # Escaped quotes, NULL in any case, strings with spaces and commas: one Arrow array of cells.
    text = "(1,'a, b', NULL ),(2,'it\\'s',nUlL),(3 ,' c ','')"
    run = sql_dump._rows(text)
    assert isinstance(run, sql_dump._Grid)
    assert run.rows() == [["1", "a, b", ""], ["2", "it's", ""], ["3", "c", ""]]
    assert sql_dump._tuples(text, 0) == _slow(text)
    # Rows of two widths, or a value with a string and text around it, are read as lists.
    assert not isinstance(sql_dump._rows("(1,'a'),(2)"), sql_dump._Grid)
    assert not isinstance(sql_dump._rows("(1,x'a'y)"), sql_dump._Grid)
    assert sql_dump._rows("(1,x'a'y)") == [["1", "xay"]]


_COPY_DUMP = b"""CREATE TABLE t (id int, name text, dob date);
COPY t (id, name, dob) FROM stdin;
1\tSMITH, John\t1980-01-02
2\t\\N\t 1975-03-04
\\.
COPY u FROM stdin;
1\ta
2\tb\textra
\\.
COPY w (a, b, c, d) FROM stdin;
1\t2
\\.
"""


def _listed(columns: list[list[str]] | list[pa.Array]) -> list[list[str]]:
    return [c if isinstance(c, list) else c.to_pylist() for c in columns]


def test_copy_blocks_read_as_before_whether_one_width_or_ragged() -> None:
    tables = list(sql_dump.read(_COPY_DUMP, "d.sql"))
    assert [(t.prefix, t.header, _listed(t.columns)) for t in tables] == [
        (
            "table:t!",
            ["id", "name", "dob"],
            [["1", "2"], ["SMITH, John", ""], ["1980-01-02", " 1975-03-04"]],
        ),
        # A ragged block: short rows padded, the header named on past its columns.
        ("table:u!", ["column_1", "column_2", "column_3"], [["1", "2"], ["a", "b"], ["", "extra"]]),
        # A header longer than the rows: their missing cells are empty.
        ("table:w!", ["a", "b", "c", "d"], [["1"], ["2"], [""], [""]]),
    ]
    assert isinstance(tables[0].columns[0], pa.Array)
    assert isinstance(tables[2].columns[3], pa.Array)


def test_a_statement_of_many_lines_streams_and_its_size_limit_counts_every_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The streamed reader re-summed the statement's line lengths at every line: quadratic in
    # lines per statement (a 200,000-line INSERT took 207 CPU s; now 0.2). It keeps a count.
    data = ("INSERT INTO t (a) VALUES\n" + "(1),\n" * 20_000 + "(2);\n").encode()
    (table,) = list(sql_dump.read_stream(io.BytesIO(data), "x.sql"))
    assert table.n_rows == 20_001
    head = "INSERT INTO t (a) VALUES\n"  # 25 characters, then 5 a row line
    monkeypatch.setattr(sql_dump, "_MAX_STATEMENT", len(head) + 5 * 3)
    fits = (head + "(1),\n" * 2 + "(2);\n" + head + "(1),\n" * 2 + "(2);\n").encode()
    assert [t.n_rows for t in sql_dump.read_stream(io.BytesIO(fits), "x.sql")] == [6]
    too_long = (head + "(1),\n" * 4 + "(2);\n").encode()
    with pytest.raises(ReaderError, match="an SQL statement longer than 40 characters"):
        list(sql_dump.read_stream(io.BytesIO(too_long), "x.sql"))
