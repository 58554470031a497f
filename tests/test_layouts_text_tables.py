"""Tables in text files: report printouts aligned with spaces, CSV exports with titles above
the header, and prose with a comma or two that is no CSV. Each file must give exactly its
people through the scan stage's own per-file call."""

from __future__ import annotations

import io

import pytest

from breachdesk.ingest.sniff import sniff_data
from breachdesk.readers import fixed_width, text
from breachdesk.readers.base import Record, Table
from test_generalise import people_in_file

# Valid NHS numbers (Modulus 11, England range), invented.
A, B, C = "4557660932", "4274295745", "4010232137"
FIELDS = ("family_name", "given_name", "date_of_birth", "nhs_number", "tests", "sensitive")


def _people(name: str, data: bytes) -> tuple[str, list[tuple[str | None, ...]]]:
    return people_in_file(name, data, FIELDS)


HEADER = "Surname         Forename     DOB         NHS No       Test          Result"


def _page(number: int, rows: list[str]) -> str:
    return (
        "WINPATH CUMULATIVE REPORT - CHEMISTRY                 Printed 30/05/2024 09:14\n"
        f"Ward: AMU                                             Page {number} of 2\n\n"
        f"{HEADER}\n{'-' * 78}\n{''.join(rows)}\nPage {number} of 2\n"
    )


PAGED = (
    _page(
        1,
        [
            f"OKAFOR          GRACE        12/01/1962  {A}   HBA1C         48\n",
            # the patient printed once: the next row leaves the name blank
            "                                                       GLUCOSE       5.2\n",
            f"NOWAK           TOMASZ       02/11/1975  {B}   HIV AB        Negative\n",
        ],
    )
    + "\f"
    + _page(2, [f"O'BRIEN-SMYTHE  MARY ANNE    30/04/1948  {C}   PSA           4.1\n"])
    + "\n*** End of report ***\n"
)


def test_space_aligned_report_is_a_table() -> None:
    data = (
        "WINPATH CUMULATIVE REPORT                              Printed 30/05/2024\n"
        "Surname    Forename   DOB         NHS No       Hosp No   Test      Result\n"
        f"OKAFOR     GRACE      12/01/1962  {A}   RX123456  HBA1C     48\n"
        f"NOWAK      TOMASZ     02/11/1975  {B}   RX654321  HIV AB    Negative\n"
    ).encode()
    assert _people("cumulative.txt", data) == (
        "text",
        [
            ("NOWAK", "TOMASZ", "1975-11-02", B, "HIVAB", "hiv"),
            ("OKAFOR", "GRACE", "1962-01-12", A, "HBA1C", None),
        ],
    )


def test_paged_report_with_footers_and_a_name_printed_once() -> None:
    assert _people("report.txt", PAGED.encode()) == (
        "text",
        [
            ("O'BRIEN-SMYTHE", "MARY ANNE", "1948-04-30", C, "PSA", "cancer"),
            ("NOWAK", "TOMASZ", "1975-11-02", B, "HIVAB", "hiv"),
            ("OKAFOR", "GRACE", "1962-01-12", A, "GLU", None),
            ("OKAFOR", "GRACE", "1962-01-12", A, "HBA1C", None),
        ],
    )


def test_paged_report_is_one_table_and_its_furniture_prose() -> None:
    items = list(fixed_width.read(PAGED.encode(), "report.txt"))
    tables = [i for i in items if isinstance(i, Table)]
    assert len(tables) == 1
    assert tables[0].header == ["Surname", "Forename", "DOB", "NHS No", "Test", "Result"]
    assert tables[0].prefix == "line:4!"
    assert tables[0].columns[4] == ["HBA1C", "GLUCOSE", "HIV AB", "PSA"]
    prose = [i for i in items if isinstance(i, Record)]
    assert [r.locator for r in prose] == ["line:1", "line:10", "line:19"]
    assert "Page 1 of 2" in prose[1].text and "End of report" in prose[2].text
    streamed = list(fixed_width.read_stream(io.BytesIO(PAGED.encode()), "report.txt"))
    assert [t for t in streamed if isinstance(t, Table)] == tables


def test_table_in_a_letter_is_read_between_its_paragraphs() -> None:
    data = (
        "Dear Dr Brooks,\n\nThe patients below were seen in clinic on 30/05/2024.\n\n"
        "Patient Name      Date of Birth   NHS Number\n"
        f"Grace OKAFOR      12/01/1962      {A[:3]} {A[3:6]} {A[6:]}\n"
        f"Tomasz NOWAK      02/11/1975      {B}\n\n"
        "Yours sincerely,\nDr J Ahmed\n"
    ).encode()
    assert _people("letter.txt", data) == (
        "text",
        [
            ("NOWAK", "Tomasz", "1975-11-02", B, None, None),
            ("OKAFOR", "Grace", "1962-01-12", A, None, None),
        ],
    )


def test_results_under_a_patient_heading_stay_with_the_patient() -> None:
    # The table's labels name no one: it is this patient's results, read as prose with them.
    data = (
        "CUMULATIVE REPORT\n"
        f"Patient: OKAFOR, Grace     DOB: 12/01/1962     NHS No: {A}\n\n"
        "Test          Result    Units      Range      Date\n"
        "HBA1C         48        mmol/mol   20-41      30/05/2024\n"
        "HIV Ab        Negative                        30/05/2024\n"
    ).encode()
    assert _people("cumulative.txt", data) == (
        "text",
        [("OKAFOR", "Grace", "1962-01-12", A, "HBA1C;HIVAB", "hiv")],
    )


@pytest.mark.parametrize(
    "data",
    [
        # an analyser status list: aligned columns, nobody in them
        "Analyser status 30/05/2024\n\nAnalyser     Status    Last QC      Operator\n"
        "AU680        OK        30/05/2024   JA\nCobas 8000   Down      29/05/2024   TK\n",
        # a staff rota: names, but no patients (as its CSV gives none)
        "Staff rota June 2024\n\nName              Shift     Ext     Bleep\n"
        "Sarah Jones       Early     4867    1234\nMark Patel        Late      4868    1235\n",
        # "Label:  value" notes lined up in columns are no table
        "Name:      Sarah Jones       Role:    Phlebotomist\n"
        "Site:      St Thomas         Ext:     4867\n"
        "Shift:     Early             Bleep:   1234\n",
    ],
)
def test_aligned_text_without_patients_gives_nobody(data: str) -> None:
    assert _people("notes.txt", data.encode()) == ("text", [])


def test_log_with_aligned_columns_stays_a_log() -> None:
    data = (
        b"2024-05-30 10:00:01  INFO   analyser AU680   QC passed    lot 4412\n"
        b"2024-05-30 10:05:13  WARN   analyser XN-1    reagent low  lot 4413\n"
        b"2024-05-30 10:07:45  INFO   analyser AU680   run started  batch 12\n"
    )
    assert _people("lis.log", data) == ("log", [])


def test_prose_without_tables_reads_as_before() -> None:
    letter = (
        b"Dear Dr Brooks,\n\nRe: Grace OKAFOR  DOB 12/01/1962  NHS 4557660932\n"
        b"Thank you for referring this patient.  Her HbA1c was 48.  We will repeat it.\n"
    )
    assert list(fixed_width.read(letter, "x.txt")) == list(text.read(letter, "x.txt"))


def test_csv_with_title_lines_above_its_header() -> None:
    data = (
        "Cumulative results report\nGenerated 30/05/2024 by LIMS\n\n"
        "NHS Number,Surname,Forename,DOB,Test\n"
        f"{A},OKAFOR,Grace,12/01/1962,HIV\n{B},NOWAK,Tomasz,02/11/1975,PSA\n"
    ).encode()
    assert _people("titled.csv", data) == (
        "csv",
        [
            ("NOWAK", "Tomasz", "1975-11-02", B, "PSA", "cancer"),
            ("OKAFOR", "Grace", "1962-01-12", A, "HIVAGAB", "hiv"),
        ],
    )


def test_csv_title_naming_a_patient_is_read_as_text() -> None:
    # A per-patient export: who it is about is in the title, the rows are their results.
    body = "".join(f"{d}/05/2024,HBA1C,{40 + d}\n" for d in range(10, 30))
    data = (
        f"Patient: OKAFOR, Grace   NHS No: {A}   DOB: 12/01/1962\n\nDate,Test,Result\n{body}"
    ).encode()
    kind, people = _people("patient.csv", data)
    assert kind == "csv"
    assert ("OKAFOR", "Grace", "1962-01-12", A) in [p[:4] for p in people]


def test_real_csv_stays_csv() -> None:
    data = (
        b"Surname,Forename,Comment\n"
        b"OKAFOR,Grace,Patient called about her results and will come back next week\n"
        b"NOWAK,Tomasz,Sample haemolysed so a repeat was requested from the practice\n"
    )
    assert sniff_data(data, "comments.csv") == "csv"
    assert sniff_data(f"{A},12/01/1962\n{B},02/11/1975\n".encode(), "x.csv") == "csv"


def test_prose_with_a_comma_a_line_is_text() -> None:
    data = (
        f"Patient OKAFOR, Grace  DOB 12-JAN-1962  NHS {A} test CA125\n"
        "Patient NOWAK, Tomasz DOB 02NOV1975 test PSA\n"
    ).encode()
    kind, people = _people("oracle_dates.txt", data)
    assert kind == "text"
    assert ("OKAFOR", "Grace", "1962-01-12", A) in [p[:4] for p in people]


def test_printout_with_commas_in_names_is_text_and_a_table() -> None:
    data = (
        "Patient Name           DOB           NHS Number\n"
        f"OKAFOR, GRACE          12/01/1962    {A}\n"
        f"NOWAK, TOMASZ          02/11/1975    {B}\n"
        f"SMITH, JOHN            30/04/1948    {C}\n"
    ).encode()
    assert _people("list.txt", data) == (
        "text",
        [
            ("NOWAK", "TOMASZ", "1975-11-02", B, None, None),
            ("OKAFOR", "GRACE", "1962-01-12", A, None, None),
            ("SMITH", "JOHN", "1948-04-30", C, None, None),
        ],
    )


def test_ruled_printout_is_not_sql() -> None:
    data = f"{'-' * 40}\n{HEADER}\n{'-' * 40}\nOKAFOR  GRACE\n".encode()
    assert sniff_data(data, "x.txt") == "text"
    assert sniff_data(b"--\n-- Host: db1\n--\nCREATE TABLE t (a int);\n", "x") == "sql"


BOXED_FORM = (
    "PATHOLOGY REQUEST FORM                     St Elsewhere Hospital\n"
    "\n"
    "Surname            Forename(s)          Date of birth\n"
    "OKAFOR             Grace                12/01/1962\n"
    "\n"
    "NHS number         Hospital no          Sex\n"
    f"{A[:3]} {A[3:6]} {A[6:]}       H1234567             F\n"
    "\n"
    "Tests requested: HIV, Ferritin\n"
    "Requested by: Dr A Patel\n"
)


def test_a_form_printed_in_rows_of_boxes_is_one_person() -> None:
    # Each row of boxes was a one-row table or prose: the name and date of birth one person,
    # the NHS number lost or another's.
    assert _people("request.txt", BOXED_FORM.encode()) == (
        "text",
        [("OKAFOR", "Grace", "1962-01-12", A, "HIVAGAB;FERR", "hiv")],
    )
    records = [r for r in fixed_width.read(BOXED_FORM.encode(), "request.txt")]
    assert all(isinstance(r, Record) for r in records)
    assert [(r.locator, r.text) for r in records if isinstance(r, Record)] == [
        (
            "line:1",
            "PATHOLOGY REQUEST FORM                     St Elsewhere Hospital\n\n"
            "Surname: OKAFOR   Forename(s): Grace   Date of birth: 12/01/1962\n"
            f"NHS number: {A[:3]} {A[3:6]} {A[6:]}   Hospital no: H1234567   Sex: F\n\n\n\n\n"
            # (the form's other lines blank: "Tests requested" at index 8, the file's line 9)
            "Tests requested: HIV, Ferritin\nRequested by: Dr A Patel",
        )
    ]


def test_rows_of_boxes_then_a_second_row_are_a_table_not_a_form() -> None:
    # Labels over two rows of values: a small table, each row its own person.
    lines = [
        "Surname       Forename      DOB",
        "OKAFOR        Grace         12/01/1962",
        "NOWAK         Tomasz        02/11/1975",
    ]
    items = list(fixed_width.segments(lines))
    assert [type(i) for i in items] == [Table] and items[0].n_rows == 2  # type: ignore[union-attr]


def test_rows_of_boxes_as_ocr_reads_them() -> None:
    # A box's edge read into its label, a value too faint to read, and a row's labels misread
    # ("(ate conde" for "NHS number"): the rows read up to there are the form; the misread row
    # stays prose, its number found there.
    lines = [
        "   Surname                      Forename({s)",
        "",
        "   WRIGHT                       Sian",
        "   [Date of birth               Sex",
        "   22/02/1998",
        "   Sex                          Ward",
        "   F                            AMU",
        "   (ate conde                   Hospital no",
        f"   {A}                   L4795733",
    ]
    found: set[str] = set()
    (record,) = fixed_width.segments(lines, found)
    assert found == {"form"} and isinstance(record, Record)
    assert record.text.split("\n") == [
        "Surname: WRIGHT   Forename(s): Sian",
        "Date of birth: 22/02/1998",
        "Sex: F   Ward: AMU",
        *[""] * 4,  # the form's other lines, blank: the misread row keeps its line, the 8th
        "   (ate conde                   Hospital no",
        f"   {A}                   L4795733",
    ]
    assert _people("form.txt", "\n".join(lines).encode()) == (
        "text",
        [("WRIGHT", "Sian", "1998-02-22", A, None, None)],
    )


def test_a_patients_details_above_their_results_keep_the_results() -> None:
    # The details printed as labels over one row, then the results: the first result was read
    # as the table's second row ("Haemoglobin" a surname), and the results were lost.
    report = (
        "CUMULATIVE REPORT\n\n"
        "Surname     Forename    DOB           NHS number\n"
        f"OKAFOR      Grace       12/01/1962    {A}\n\n"
        "Haemoglobin   131 g/L\n"
        "Ferritin      12 ug/L\n"
        "HIV 1+2 Ab    Not detected\n"
    )
    assert _people("cumulative.txt", report.encode()) == (
        "text",
        [("OKAFOR", "Grace", "1962-01-12", A, "HB;FERR;HIVAB", "hiv")],
    )
