"""Printouts statistics packages write to their listings and logs: a SAS listing (`PROC PRINT`:
an `Obs` column, DATE9 dates, `.` for a missing number, a test's name with digits as a column
label) and a Stata session's log (`list, clean noobs` under the commands that made it)."""

from __future__ import annotations

from breachdesk.ingest.sniff import sniff_data
from test_generalise import people_in_file

N1, N2, N3 = "4319390717", "4795429162", "4730452100"
FIELDS = ("family_name", "given_name", "date_of_birth", "nhs_number", "tests", "sensitive")

SAS = f"""\
                                         The SAS System          09:14 Monday, October 14, 2024   1

                Obs    NHSNO         SURNAME       FORENAME    DOB          BRCA_STATUS    CA125

                  1    {N1}    OKAFOR        GRACE       03APR1961    NEGATIVE           .
                  2    {N2}    PATEL         RAVI        22NOV1978    BRCA2 +ve        610
                  3    {N3}    WHITTAKER     JOAN        17FEB1945    VUS                .
"""
STATA = f"""\
  ___  ____  ____  ____  ____ (R)
 /__    /   ____/   /   ____/
___/   /   /___/   /   /___/   17.0   Copyright 1985-2021 StataCorp LLC

. use "S:\\Audit\\GUM\\gum_2024.dta", clear
. list nhsno surname forename dob chlam gc in 1/3, clean noobs

         nhsno     surname    forename         dob      chlam        gc
    {N1}      Okafor       Grace   03apr1961        pos       neg
    {N2}       Patel        Ravi   22nov1978        neg       neg

. log close
      name:  <unnamed>
       log:  S:\\Audit\\GUM\\list_gum.log
  log type:  text
"""


def test_a_sas_listing_is_a_table_and_its_missing_numbers_no_result() -> None:
    # A label with a test's digits ("CA125") had made the header no header: prose, names lost
    # and Okafor given Patel's CA125; SAS's "." is a missing number, no test done.
    assert people_in_file("brca.lst", SAS.encode(), FIELDS) == (
        "text",
        [
            ("OKAFOR", "GRACE", "1961-04-03", N1, "BRCA", "genetic"),
            ("PATEL", "RAVI", "1978-11-22", N2, "BRCA;CA125", "cancer;genetic"),
            ("WHITTAKER", "JOAN", "1945-02-17", N3, "BRCA", "genetic"),
        ],
    )


def test_a_stata_log_is_text_with_its_listed_table() -> None:
    # Its commands' commas ("..., clear", "in 1/3, clean noobs") had made it a CSV of nobody.
    assert sniff_data(STATA.encode(), "list_gum.log") == "text"
    assert people_in_file("list_gum.log", STATA.encode(), FIELDS)[1] == [
        ("Okafor", "Grace", "1961-04-03", N1, "CHLAM;GC", "sexual_health"),
        ("Patel", "Ravi", "1978-11-22", N2, "CHLAM;GC", "sexual_health"),
    ]
