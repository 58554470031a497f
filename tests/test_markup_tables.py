"""Tables drawn with bars in notes: Markdown's pipe tables and reStructuredText's grid tables,
each read as a table of its own beside the notes' prose."""

from __future__ import annotations

from breachdesk.readers import markup_tables
from test_generalise import people_in_file

N1, N2, N3 = "4319390717", "4795429162", "4730452100"
FIELDS = ("family_name", "given_name", "date_of_birth", "nhs_number", "tests")

README = f"""\
# Cohort pull for the hepatology MDT

Owner: **Tom Bradshaw** (Information Analyst).

| Name | Role | Ext |
|------|------|-----|
| Tom Bradshaw | Information Analyst | 4471 |
| Anjali Mehta | Consultant Hepatologist | 4102 |

## Patients flagged

| NHS No | Name | DOB | Test |
|:------:|------|-----|-----:|
| {N1[:3]} {N1[3:6]} {N1[6:]} | OKAFOR, Grace | 03/04/1961 | HBsAg |
| {N2} | PATEL, Ravi | 22/11/1978 | HIV antibody |
"""

GRID = f"""\
Substance misuse liaison audit
==============================

:Author: Helen Crossley, Clinical Audit

.. table:: Patients with positive markers

   +------------+-----------+----------+-------------+---------------------+
   | NHS Number | Surname   | Forename | DOB         | Result              |
   +============+===========+==========+=============+=====================+
   | {N1} | Okafor    | Grace    | 03-Apr-1961 | CDT 3.4%            |
   +------------+-----------+----------+-------------+---------------------+
   | {N3} | Whittaker | Joan     | 17-Feb-1945 | Urine drug screen:  |
   |            |           |          |             | opiates positive    |
   +------------+-----------+----------+-------------+---------------------+

Actions agreed with Mr Peter Gaunt (liaison nurse).
"""


def test_markdown_tables_in_notes_are_tables_and_staff_are_no_one() -> None:
    assert people_in_file("README.md", README.encode(), FIELDS) == (
        "text",
        [
            ("OKAFOR", "Grace", "1961-04-03", N1, "HBSAG"),
            ("PATEL", "Ravi", "1978-11-22", N2, "HIVAB"),
        ],
    )


def test_a_grid_table_s_cell_over_two_lines_is_one_row() -> None:
    assert people_in_file("audit.rst", GRID.encode(), FIELDS)[0] == "psv"
    people = people_in_file("audit.rst", GRID.encode(), FIELDS)[1]
    assert people == [
        ("Okafor", "Grace", "1961-04-03", N1, "CDT"),
        ("Whittaker", "Joan", "1945-02-17", N3, "UDS;OPIAT"),
    ]
    text, tables = markup_tables.tables(GRID)
    assert [t.prefix for t in tables] == ["line:9!"]  # the header's line
    assert tables[0].columns[4] == ["CDT 3.4%", "Urine drug screen: opiates positive"]
    # The table's lines are blank, every other line where it was.
    assert text.split("\n")[0] == "Substance misuse liaison audit"
    assert text.split("\n")[16] == "Actions agreed with Mr Peter Gaunt (liaison nurse)."
    assert not any("|" in line for line in text.split("\n"))


def test_bars_in_prose_are_no_table() -> None:
    for text in ("Result | see below |\n", "a | b\nc | d\n", "| one label |\n| x |\n"):
        assert markup_tables.tables(text) == (text, [])


PANDAS = f"""\
Notes from Tuesday - psa / preg query, pasted from spyder

>>> df[['NHSNumber','Surname','Forename','DateOfBirth','Sex','psa_ng_ml','preg_test']]
    NHSNumber      Surname Forename DateOfBirth Sex  psa_ng_ml preg_test
0  {N1}       Okafor    Grace  1961-04-03   F        NaN  POSITIVE
1  {N2}  Barraclough     Ravi  1978-11-22   M        6.8      None
2  {N3}    Whittaker     Joan  1945-02-17   F        NaN       NaN

TODO ask IT to add the ward code column.
"""
WIDE = f"""\
   nhs_number family_name given_name date_of_birth  \\
0  {N1}      Okafor      Grace    1961-04-03
1  {N2}       Patel       Ravi    1978-11-22

  hiv_viral_load_copies CA125_kU_L
0                  48.0        NaN
1                   NaN       35.2
"""


def test_a_pandas_frame_pasted_into_notes_is_a_table() -> None:
    # Read as prose, "Okafor Grace" was one family name, the sex letter the given name, and the
    # test columns no one's; NaN and None are no result.
    fields = ("family_name", "given_name", "date_of_birth", "nhs_number", "tests", "sensitive")
    assert people_in_file("notes.txt", PANDAS.encode(), fields) == (
        "text",
        [
            ("Barraclough", "Ravi", "1978-11-22", N2, "PSA", "cancer"),
            ("Okafor", "Grace", "1961-04-03", N1, "UPT", "pregnancy"),
            ("Whittaker", "Joan", "1945-02-17", N3, None, None),
        ],
    )


def test_a_wide_frame_printed_in_blocks_is_one_table() -> None:
    text, tables = markup_tables.tables(WIDE)
    assert len(tables) == 1 and tables[0].prefix == "line:1!"
    assert tables[0].header == ["nhs_number", "family_name", "given_name", "date_of_birth",
                                "hiv_viral_load_copies", "CA125_kU_L"]  # fmt: skip
    assert tables[0].columns[1] == ["Okafor", "Patel"]
    assert tables[0].columns[5] == ["NaN", "35.2"]
    assert not text.strip()
    assert people_in_file("wide.txt", WIDE.encode(), FIELDS)[1] == [
        ("Okafor", "Grace", "1961-04-03", N1, "HIVVL"),
        ("Patel", "Ravi", "1978-11-22", N2, "CA125"),
    ]


def test_numbered_prose_is_no_frame() -> None:
    notes = "  Actions agreed\n1 Call the GP about results\n2 Re-bleed on Monday\n"
    assert markup_tables.tables(notes) == (notes, [])
