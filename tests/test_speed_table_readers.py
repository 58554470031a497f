"""The shortcuts taken in reading table files give what the longer way gave (helpers added for
speed in ``delimited``, ``arrow_csv``, ``sections`` and ``table_edges``)."""

from __future__ import annotations

import pyarrow as pa
import pytest

from breachdesk.readers import arrow_csv, delimited, sections, table_edges

_DRAWN_TEXTS = [
    "",
    "a,b\n1,2\n",
    "+----+----+\n| a  | b  |\n",
    "notes\n  | Name | DOB |\n  |------|-----|\n",
    "x\n|:---|---:|\n",
    "id|name\n1|x\n",
    "phone\n+44 161 000\n",
    "title\n\t+===+\n",
    "a\n" + " " * 13 + "+---\n",
    "a\r\n| x | y |\r\n",
    "|one|two|",
]


@pytest.mark.parametrize("text", _DRAWN_TEXTS)
def test_drawn_finds_what_the_search_finds(text: str) -> None:
    assert delimited._drawn(text) == bool(delimited._DRAWN.search(text))


@pytest.mark.parametrize("text", ["", "Surname", "NHS 455", "Flat ²", "Test ٣", "née", "ⅷ"])
def test_has_digit_is_str_isdigit(text: str) -> None:
    assert delimited._has_digit(text) == any(ch.isdigit() for ch in text)


def test_a_column_without_the_label_cannot_hold_it() -> None:
    column = pa.array(["OKAFOR", " Name ", None], pa.string())
    assert table_edges._may_hold(column, "Name")
    assert not table_edges._may_hold(column, "Surname")
    assert table_edges._may_hold(pa.array([1, 2]), "Name")  # not text: Arrow decides
    assert table_edges._may_hold(pa.array([None, None], pa.string()), "Name")


def test_a_column_without_any_label_holds_no_section_header() -> None:
    column = pa.array(["OKAFOR", "Surname", None], pa.string())
    assert sections._may_hold(column, (b"Forename", b"Surname"))
    assert not sections._may_hold(column, (b"Forename", b"DOB"))
    assert sections._may_hold(pa.chunked_array([column]), (b"DOB",))


def test_the_head_rows_are_given_once_for_their_own_text() -> None:
    text = "id,name\n" + "".join(f"{i},n{i}\n" for i in range(40))
    assert arrow_csv.arrow_tables(text, text, ",") is not None
    other = (text + " ")[:-1]  # the same text, another object
    assert other == text and other is not text
    assert arrow_csv.last_head(other) is None
    arrow_csv.arrow_tables(text, text, ",")
    found = arrow_csv.last_head(text)
    assert found is not None
    rows, end = found
    assert rows[0] == ["id", "name"] and len(rows) == 25
    assert text[:end].count("\n") == 25
    assert arrow_csv.last_head(text) is None


def test_the_start_of_a_head_is_kept_by_its_cells() -> None:
    rows = [["Report"], ["id", "name"], ["1", "x"]]
    first = delimited._table_start(rows)
    assert delimited._table_start([list(row) for row in rows]) == first == 1
    assert delimited._table_start([["id", "name"], ["1", "x"]]) == 0


def test_every_wide_terminator_holds_a_bar() -> None:
    # ``_wide_terminator`` looks for none in a head without a "|".
    assert all("|" in wide for wide in delimited._WIDE)
    assert delimited._wide_terminator("a|~|b|~|c\nd|~|e|~|f\n") == "|~|"
    assert delimited._wide_terminator("a~b~c\nd~e~f\n") is None
