"""A query's rows as a database shell prints them, saved from a terminal into a dump: psql's
aligned table and its expanded ``\\x`` records, MySQL's boxes and its vertical ``\\G`` rows,
SQLite's ``.mode box`` and DuckDB's boxes in Unicode's box-drawing characters. Each row is its
person, with the row's tests; rules, a row of column types and a count of rows are no one."""

from __future__ import annotations

from breachdesk.readers.table_edges import unboxed
from breachdesk.readers.text import ROW_BANNER
from test_generalise import people_in_file

N1, N2, N3 = "4319390717", "4795429162", "4730452100"
FIELDS = ("family_name", "given_name", "date_of_birth", "nhs_number", "tests", "sensitive")
OKAFOR = ("OKAFOR", "Grace", "1961-04-03", N1, "HIVAGAB", "hiv")
PATEL = ("PATEL", "Ravi", "1978-11-22", N2, "PSA", "cancer")
WHITTAKER = ("WHITTAKER", "Joan", "1945-02-17", N3, "HBA1C", None)

PSQL = f"""\
 patient_id | nhs_number |  surname  | forename | date_of_birth | test_code |  result
------------+------------+-----------+----------+---------------+-----------+----------
       1001 | {N1} | OKAFOR    | Grace    | 1961-04-03    | HIV       | Negative
       1002 | {N2} | PATEL     | Ravi     | 1978-11-22    | PSA       | 4.1
       1003 | {N3} | WHITTAKER | Joan     | 1945-02-17    | HBA1C     | 48
(3 rows)

"""
MYSQL = f"""\
+------------+------------+-----------+----------+---------------+-----------+----------+
| patient_id | nhs_number | surname   | forename | date_of_birth | test_code | result   |
+------------+------------+-----------+----------+---------------+-----------+----------+
|       1001 | {N1} | OKAFOR    | Grace    | 1961-04-03    | HIV       | Negative |
|       1002 | {N2} | PATEL     | Ravi     | 1978-11-22    | PSA       | 4.1      |
|       1003 | {N3} | WHITTAKER | Joan     | 1945-02-17    | HBA1C     | 48       |
+------------+------------+-----------+----------+---------------+-----------+----------+
3 rows in set (0.00 sec)
"""
SQLITE_BOX = f"""\
┌────────────┬────────────┬───────────┬──────────┬───────────────┬───────────┐
│ patient_id │ nhs_number │ surname   │ forename │ date_of_birth │ test_code │
├────────────┼────────────┼───────────┼──────────┼───────────────┼───────────┤
│ 1001       │ {N1} │ OKAFOR    │ Grace    │ 1961-04-03    │ HIV       │
│ 1002       │ {N2} │ PATEL     │ Ravi     │ 1978-11-22    │ PSA       │
│ 1003       │ {N3} │ WHITTAKER │ Joan     │ 1945-02-17    │ HBA1C     │
└────────────┴────────────┴───────────┴──────────┴───────────────┴───────────┘
"""
DUCKDB = f"""\
┌────────────┬────────────┬───────────┬──────────┬───────────────┬───────────┐
│ patient_id │ nhs_number │  surname  │ forename │ date_of_birth │ test_code │
│   int64    │  varchar   │  varchar  │ varchar  │     date      │  varchar  │
├────────────┼────────────┼───────────┼──────────┼───────────────┼───────────┤
│       1001 │ {N1} │ OKAFOR    │ Grace    │ 1961-04-03    │ HIV       │
│       1002 │ {N2} │ PATEL     │ Ravi     │ 1978-11-22    │ PSA       │
│       1003 │ {N3} │ WHITTAKER │ Joan     │ 1945-02-17    │ HBA1C     │
├────────────┴────────────┴───────────┴──────────┴───────────────┴───────────┤
│ 3 rows                                                          6 columns │
└────────────────────────────────────────────────────────────────────────────┘
"""
PSQL_UNICODE = f"""\
 nhs_number │  surname  │ forename │ date_of_birth │ test_code
────────────┼───────────┼──────────┼───────────────┼───────────
 {N1} │ OKAFOR    │ Grace    │ 1961-04-03    │ HIV
 {N2} │ PATEL     │ Ravi     │ 1978-11-22    │ PSA
 {N3} │ WHITTAKER │ Joan     │ 1945-02-17    │ HBA1C
(3 rows)
"""
MYSQL_VERTICAL = f"""\
mysql> SELECT * FROM results WHERE test_code IN ('HIV','PSA')\\G
*************************** 1. row ***************************
   patient_id: 1001
   nhs_number: {N1}
      surname: OKAFOR
     forename: Grace
date_of_birth: 1961-04-03
    test_code: HIV
       result: Negative
*************************** 2. row ***************************
   patient_id: 1002
   nhs_number: {N2}
      surname: PATEL
     forename: Ravi
date_of_birth: 1978-11-22
    test_code: PSA
       result: 4.1
2 rows in set (0.00 sec)
"""
PSQL_EXPANDED = f"""\
-[ RECORD 1 ]-+-----------
nhs_number    | {N1}
surname       | OKAFOR
forename      | Grace
date_of_birth | 1961-04-03
test_code     | HIV
-[ RECORD 2 ]-+-----------
nhs_number    | {N2}
surname       | PATEL
forename      | Ravi
date_of_birth | 1978-11-22
test_code     | PSA
"""


def test_psql_aligned_rows_are_the_people_its_rule_and_count_no_one() -> None:
    assert people_in_file("query.txt", PSQL.encode(), FIELDS) == (
        "psv",
        [OKAFOR, PATEL, WHITTAKER],
    )


def test_mysql_box_rows_are_the_people() -> None:
    assert people_in_file("out.txt", MYSQL.encode(), FIELDS) == ("psv", [OKAFOR, PATEL, WHITTAKER])


def test_boxes_drawn_in_unicode_read_as_ascii_ones() -> None:
    for name, text in (("box.txt", SQLITE_BOX), ("psql.txt", PSQL_UNICODE)):
        assert people_in_file(name, text.encode(), FIELDS) == ("psv", [OKAFOR, PATEL, WHITTAKER])


def test_duckdb_type_row_and_count_are_no_person() -> None:
    # Read as a row, "int64 | varchar | varchar" was a person named "varchar varchar".
    assert people_in_file("duck.txt", DUCKDB.encode(), FIELDS) == (
        "psv",
        [OKAFOR, PATEL, WHITTAKER],
    )


def test_vertical_rows_are_each_their_own_record() -> None:
    # The query above the first row names both tests: they are no one's, not the first row's.
    assert people_in_file("g.txt", MYSQL_VERTICAL.encode(), FIELDS) == ("text", [OKAFOR, PATEL])
    assert people_in_file("x.txt", PSQL_EXPANDED.encode(), FIELDS)[1] == [OKAFOR, PATEL]


def test_unboxed_keeps_every_line_and_leaves_other_text_alone() -> None:
    lines = unboxed(MYSQL).split("\n")
    assert len(lines) == len(MYSQL.split("\n"))
    assert lines[0] == lines[2] == lines[6] == ""
    assert lines[1] == MYSQL.split("\n")[1][1:-1]  # "| patient_id | ... |" without its bars
    assert lines[3].startswith("       1001 | ")
    plain = "NHS No|Surname\n4319390717|OKAFOR\n-- not a rule\n"
    assert unboxed(plain) is plain
    # A header of type-like names ("date", "text") is kept: only the row under the labels goes.
    header = "+------+------+\n| date | text |\n+------+------+\n| 2024 | ok   |\n"
    assert unboxed(header).split("\n")[1] == " date | text "


def test_row_banners() -> None:
    for banner in ("*************************** 12. row ***************************",
                   "-[ RECORD 3 ]-+-----------", "-[ RECORD 40 ]------"):  # fmt: skip
        assert ROW_BANNER.fullmatch(banner), banner
    for other in ("*** Important ***", "-[ NOTE ]-", "** 1. row"):
        assert not ROW_BANNER.fullmatch(other), other
