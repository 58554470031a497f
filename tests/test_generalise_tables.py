"""Tables in other systems' habits (a ninth round): a date of birth kept in three columns; XML
records whose nested results are attributes, or whose fields are named by an attribute; JSON
records of named fields, and tests nested as code and display."""

from __future__ import annotations

import io
import json

import pyarrow as pa
import pytest
import xlsxwriter

from breachdesk.detect.columns import type_columns
from test_generalise import A, B, C, people_in_file

FIELDS = ("family_name", "given_name", "date_of_birth")


@pytest.mark.parametrize(
    "header",
    [
        "Surname,Forename,DOB Day,DOB Month,DOB Year,Test",
        "Surname,Forename,Day of birth,Month of birth,Year of birth,Test",
        "Surname,Forename,dob_dd,dob_mm,dob_yyyy,Test",
    ],
)
def test_a_date_of_birth_in_three_columns(header: str) -> None:
    data = (
        f"{header}\nOKAFOR,Grace,12,01,1962,HIV antibody\n"
        "NOWAK,Tomasz,2,Nov,1975,HbA1c\nKOWALSKI,Anna,30,3,1988,FBC\n"
    ).encode()
    assert people_in_file("births.csv", data, FIELDS)[1] == [
        ("KOWALSKI", "Anna", "1988-03-30"),
        ("NOWAK", "Tomasz", "1975-11-02"),
        ("OKAFOR", "Grace", "1962-01-12"),
    ]


@pytest.mark.parametrize(
    ("grace", "tomasz", "anna"),
    [
        ("12011962", "02111975", "30031988"),  # eight digits, day first
        ("1962.01.12", "1975.11.02", "1988.03.30"),  # year first between full stops
    ],
)
def test_a_date_of_birth_column_in_other_systems_formats(
    grace: str, tomasz: str, anna: str
) -> None:
    data = (
        f"Surname,Forename,DOB,Test\nOKAFOR,Grace,{grace},HIV antibody\n"
        f"NOWAK,Tomasz,{tomasz},HbA1c\nKOWALSKI,Anna,{anna},FBC\n"
    ).encode()
    assert people_in_file("births.csv", data, FIELDS)[1] == [
        ("KOWALSKI", "Anna", "1988-03-30"),
        ("NOWAK", "Tomasz", "1975-11-02"),
        ("OKAFOR", "Grace", "1962-01-12"),
    ]


def test_two_parts_of_a_date_of_birth_are_no_date() -> None:
    header = ["Surname", "Birth Month", "Birth Year"]
    cells = [pa.array(["OKAFOR"] * 3), pa.array(["1"] * 3), pa.array(["1962"] * 3)]
    assert type_columns(header, cells) == ["family_name", None, None]


ATTRIBUTES = f"""<?xml version="1.0"?>
<Results>
  <Patient nhsNumber="{A}" surname="OKAFOR" forename="Grace" dob="1962-01-12">
    <Test code="HIVAB" name="HIV antibody" result="Negative"/>
    <Test code="HBA1C" name="HbA1c" result="48"/>
  </Patient>
  <Patient nhsNumber="{B}" surname="NOWAK" forename="Tomasz" dob="1975-11-02">
    <Test code="HCVAB" name="Hepatitis C antibody" result="Detected"/>
  </Patient>
</Results>"""
NAMED_FIELDS = (
    "<Export>"
    + "".join(
        f'<Record><Field name="NHS Number">{nhs}</Field><Field name="Surname">{family}</Field>'
        f'<Field name="Forename">{given}</Field><Field name="DOB">{born}</Field>'
        f'<Field name="Test">{test}</Field></Record>'
        for nhs, family, given, born, test in [
            (A, "OKAFOR", "Grace", "12/01/1962", "HIV antibody"),
            (B, "NOWAK", "Tomasz", "02/11/1975", "HbA1c"),
        ]
    )
    + "</Export>"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            ATTRIBUTES,
            [
                ("NOWAK", "Tomasz", "1975-11-02", B, "HCVAB"),
                ("OKAFOR", "Grace", "1962-01-12", A, "HIVAB;HBA1C"),
            ],
        ),
        (
            NAMED_FIELDS,
            [
                ("NOWAK", "Tomasz", "1975-11-02", B, "HBA1C"),
                ("OKAFOR", "Grace", "1962-01-12", A, "HIVAB"),
            ],
        ),
    ],
)
def test_xml_records_in_attributes_and_named_fields(
    text: str, expected: list[tuple[str, ...]]
) -> None:
    fields = (*FIELDS, "nhs_number", "tests")
    assert people_in_file("export.xml", text.encode(), fields) == ("xml", expected)


NAMED_PAIRS = {
    "records": [
        {
            "id": number,
            "fields": [
                {"name": "NHS Number", "value": nhs},
                {"name": "Surname", "value": family},
                {"name": "Forename", "value": given},
                {"name": "DOB", "value": born},
                {"name": "Test", "value": test},
            ],
        }
        for number, (nhs, family, given, born, test) in enumerate(
            [
                (A, "OKAFOR", "Grace", "12/01/1962", "HIV antibody"),
                (B, "NOWAK", "Tomasz", "02/11/1975", "HbA1c"),
            ],
            start=1,
        )
    ]
}
CODED_TESTS = [
    {
        "patient": {
            "identifiers": [{"system": "NHS", "value": nhs}],
            "name": {"family": family, "given": given},
            "birthDate": born,
        },
        "results": [{"test": {"code": code, "display": display}, "value": value}],
    }
    for nhs, family, given, born, code, display, value in [
        (A, "OKAFOR", "Grace", "1962-01-12", "HIVAB", "HIV antibody", "Negative"),
        (B, "NOWAK", "Tomasz", "1975-11-02", "HCVAB", "Hepatitis C antibody", "Detected"),
    ]
]


# A name's parts under it, keyed "first" and "last" (alone they said nothing: no name).
NAME_PARTS = {
    "patients": [
        {
            "name": {"first": given, "last": family},
            "dateOfBirth": born,
            "identifiers": {"nhs": nhs},
            "orders": [{"test": display, "result": value}],
        }
        for nhs, family, given, born, _, display, value in [
            (A, "OKAFOR", "Grace", "1962-01-12", "", "HIV antibody", "Negative"),
            (B, "NOWAK", "Tomasz", "1975-11-02", "", "Hepatitis C antibody", "Detected"),
        ]
    ]
}


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (
            NAME_PARTS,
            [
                ("NOWAK", "Tomasz", "1975-11-02", B, "HCVAB", True),
                ("OKAFOR", "Grace", "1962-01-12", A, "HIVAB", True),
            ],
        ),
        (
            NAMED_PAIRS,
            [
                ("NOWAK", "Tomasz", "1975-11-02", B, "HBA1C", False),
                ("OKAFOR", "Grace", "1962-01-12", A, "HIVAB", False),
            ],
        ),
        (
            CODED_TESTS,
            [
                ("NOWAK", "Tomasz", "1975-11-02", B, "HCVAB", True),
                ("OKAFOR", "Grace", "1962-01-12", A, "HIVAB", True),
            ],
        ),
    ],
)
def test_json_records_of_named_fields_and_coded_tests(
    document: object, expected: list[tuple[object, ...]]
) -> None:
    # (A coded test's "value" beside it is its result.)
    fields = (*FIELDS, "nhs_number", "tests", "e_test_result")
    data = json.dumps(document).encode()
    assert people_in_file("export.json", data, fields) == ("json", expected)


def test_an_html_report_whose_patient_cells_span_their_results() -> None:
    # The HIV result's row has no patient cells of its own: read as it stands, its cells
    # shifted left and the table was prose, the HIV test given to the next patient.
    page = (
        "<table><tr><th>NHS Number</th><th>Patient</th><th>DOB</th><th>Test</th>"
        "<th>Result</th></tr>"
        f'<tr><td rowspan="2">{A}</td><td rowspan="2">OKAFOR, Grace</td>'
        '<td rowspan="2">12/01/1962</td><td>HbA1c</td><td>48</td></tr>'
        "<tr><td>HIV antibody</td><td>Negative</td></tr>"
        f"<tr><td>{B}</td><td>NOWAK, Tomasz</td><td>02/11/1975</td>"
        '<td colspan="2">Sample rejected</td></tr></table>'
    )
    fields = ("locator", "family_name", "nhs_number", "tests")
    assert people_in_file("report.html", page.encode(), fields) == (
        "html",
        [
            ("table:1!row:1", "OKAFOR", A, "HBA1C"),
            ("table:1!row:2", "OKAFOR", A, "HIVAB"),
            ("table:1!row:3", "NOWAK", B, None),
        ],
    )


def test_an_e_mail_body_listing_patients_in_aligned_columns() -> None:
    # Read as prose before: the names and NHS numbers found, every date of birth lost.
    body = (
        "Please re-bleed the following patients:\n\n"
        "NHS Number    Surname     Forename   DOB         Test\n"
        f"{A}    OKAFOR      Grace      12/01/1962  HIV antibody\n"
        f"{B}    NOWAK       Tomasz     02/11/1975  HbA1c\n\nThanks,\nLab\n"
    )
    message = (
        "From: Lab <lab@lab.example>\nTo: Ward 5 <ward5@trust.example>\n"
        "Subject: Outstanding repeats\nContent-Type: text/plain; charset=utf-8\n\n" + body
    )
    fields = ("locator", "family_name", "date_of_birth", "nhs_number", "tests")
    assert people_in_file("repeats.eml", message.encode(), fields) == (
        "eml",
        [
            ("part:1!line:3!row:1", "OKAFOR", "1962-01-12", A, "HIVAB"),
            ("part:1!line:3!row:2", "NOWAK", "1975-11-02", B, "HBA1C"),
        ],
    )


def test_a_worksheet_naming_patients_by_hospital_number_and_name() -> None:
    # No date of birth or NHS number: a LIMS worksheet's patients are its hospital numbers and
    # names (before, no one). A name alone, or a number alone, is still no one.
    data = (
        b"Lab No,Hosp No,Surname,Forename,Test,Result\n"
        b"L24001,RX1234567,OKAFOR,Grace,HIV antibody,Negative\n"
        b"L24002,RX7654321,NOWAK,Tomasz,HbA1c,48\n"
        b"L24003,,KOWALSKI,Anna,FBC,\n"
        b"L24004,RX1111111,,,FBC,\n"
    )
    fields = ("family_name", "given_name", "hospital_number", "tests")
    assert people_in_file("worksheet.csv", data, fields)[1] == [
        ("NOWAK", "Tomasz", "RX7654321", "HBA1C"),
        ("OKAFOR", "Grace", "RX1234567", "HIVAB"),
    ]


def test_a_csv_whose_address_cells_hold_line_breaks() -> None:
    # An address typed over three lines of a spreadsheet cell, exported quoted: the file was
    # sniffed as prose (its physical lines disagree on their commas), and each row's postcode
    # and test went to the next row's patient.
    rows = "".join(
        f'{family},{given},{born},"{n} Elm Road\nLondon\nSE15 4QT",{test}\r\n'
        for n, (family, given, born, test) in enumerate(
            [
                ("OKAFOR", "Grace", "12/01/1962", "HIV antibody"),
                ("NOWAK", "Tomasz", "02/11/1975", "HbA1c"),
                ("KOWALSKI", "Anna", "30/03/1988", "Hep C antibody"),
            ],
            start=1,
        )
    )
    data = f"Surname,Forename,DOB,Address,Test\r\n{rows}".encode()
    fields = ("locator", "family_name", "date_of_birth", "postcode", "tests")
    assert people_in_file("addresses.csv", data, fields) == (
        "csv",
        [
            ("row:1", "OKAFOR", "1962-01-12", "SE15 4QT", "HIVAB"),
            ("row:2", "NOWAK", "1975-11-02", "SE15 4QT", "HBA1C"),
            ("row:3", "KOWALSKI", "1988-03-30", "SE15 4QT", "HCVAB"),
        ],
    )


@pytest.mark.parametrize(
    ("name", "data"),
    [
        # Whole names, given name first, with dates of birth and postcodes, no header row.
        (
            "worklist.tsv",
            b"Grace Okafor\t12/01/1962\tSE15 4QT\tHIV antibody\n"
            b"Tomasz Nowak\t02/11/1975\tSE5 8AB\tHbA1c\n"
            b"Anna Kowalski\t30/03/1988\tN1 9GU\tHep C antibody\n",
        ),
        # An interface's flat file: names as HL7 writes them, dates as eight digits, no header.
        (
            "feed.psv",
            b"24H1234567|OKAFOR^GRACE|19620112|F|HIV antibody\n"
            b"24H1234568|NOWAK^TOMASZ|19751102|M|HbA1c\n"
            b"24H1234569|KOWALSKI^ANNA|19880330|F|Hep C antibody\n",
        ),
    ],
)
def test_headerless_exports_of_whole_names(name: str, data: bytes) -> None:
    # Before: the whole-name column was typed as nothing (no one), and the flat file's first
    # row was taken for its header.
    fields = ("locator", "family_name", "given_name", "date_of_birth", "tests")
    _, people = people_in_file(name, data, fields)
    assert [(row[0], row[1].upper(), row[2].upper(), *row[3:]) for row in people] == [
        ("row:1", "OKAFOR", "GRACE", "1962-01-12", "HIVAB"),
        ("row:2", "NOWAK", "TOMASZ", "1975-11-02", "HBA1C"),
        ("row:3", "KOWALSKI", "ANNA", "1988-03-30", "HCVAB"),
    ]


@pytest.mark.parametrize(
    "header", ["Name (Surname First)", "Patient Surname", "Surname, Forename(s)"]
)
def test_whole_names_under_a_family_name_header(header: str) -> None:
    # The table's one name column holds whole names, family name first: its given names were
    # lost (the family name was "Okafor Grace"), and with them every row's person.
    data = (
        f'D.O.B.,"{header}",Hospital Number,Tests\n'
        "12/01/1962,Okafor Grace,K123456,HBA1C\n03/05/1970,Nowak Tomasz,K654321,PSA\n"
        "30/03/1988,Kowalski Anna,K111222,FBC\n"
    ).encode()
    assert people_in_file("worklist.csv", data, FIELDS)[1] == [
        ("Kowalski", "Anna", "1988-03-30"),
        ("Nowak", "Tomasz", "1970-05-03"),
        ("Okafor", "Grace", "1962-01-12"),
    ]


def test_a_family_name_column_of_single_names_stays_one() -> None:
    columns = [
        pa.array(["12/01/1962", "03/05/1970", "30/03/1988"]),
        pa.array(["Okafor", "Da Silva", "Kowalski"]),
        pa.array(["HBA1C", "PSA", "FBC"]),
    ]
    assert type_columns(["DOB", "Surname", "Test"], columns) == [
        "date_of_birth",
        "family_name",
        "test",
    ]


def _grouped_report() -> list[list[str]]:
    rows: list[list[str]] = []
    for who, born, nhs, results in (
        ("SMITH, John", "12/01/1962", A, [("HbA1c", "48"), ("PSA", "4.1")]),
        ("JONES, Mary", "03/05/1975", B, [("HIV viral load", "12000"), ("CD4 count", "350")]),
        ("PATEL, Ravi", "21/11/1988", C, [("Hep C antibody", "Positive")]),
    ):
        rows += [
            ["Patient:", who, "DOB:", born, "NHS No:", nhs],
            ["Test", "Result", "", "", "", ""],
        ]
        rows += [[test, value, "", "", "", ""] for test, value in results] + [[""] * 6]
    return rows


GROUPED = [
    (A, "SMITH", "HBA1C;PSA", "cancer"),
    (B, "JONES", "HIVVL;CD4", "hiv"),
    (C, "PATEL", "HCVAB", "hepatitis"),
]


def test_a_report_printed_a_block_per_patient_gives_each_their_own_results() -> None:
    fields = ("nhs_number", "family_name", "tests", "sensitive")
    data = "\n".join(
        ",".join(f'"{c}"' if "," in c else c for c in row) for row in _grouped_report()
    )
    kind, found = people_in_file("report.csv", data.encode(), fields)
    assert (kind, found) == ("csv", sorted(GROUPED, key=str))
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Report")
    for number, row in enumerate(_grouped_report()):
        sheet.write_row(number, 0, row)
    book.close()
    assert people_in_file("report.xlsx", buffer.getvalue(), fields)[1] == sorted(GROUPED, key=str)


def test_a_tables_header_repeated_on_each_page_keeps_it_one_table() -> None:
    rows = [["Patient list page 1"], ["NHS Number", "Surname", "Forename", "Test"]]
    rows += [[A, "SMITH", "John", "FBC"], [B, "JONES", "Mary", "PSA"], ["Patient list page 2"]]
    rows += [["NHS Number", "Surname", "Forename", "Test"], [C, "PATEL", "Ravi", "HbA1c"]]
    data = "\n".join(",".join(row) for row in rows).encode()
    kind, found = people_in_file("list.csv", data, ("nhs_number", "family_name", "tests"))
    assert kind == "csv"
    # Each row its own person with its own test, read as a table's rows
    assert found == sorted(
        [(A, "SMITH", "FBC"), (B, "JONES", "PSA"), (C, "PATEL", "HBA1C")], key=str
    )


def test_welsh_headers_and_ordinal_birth_dates() -> None:
    data = (
        "Rhif GIG,Cyfenw,Enw Cyntaf,Dyddiad Geni,Prawf,Canlyniad\n"
        f"{A},Jones,Dafydd,3rd May 1975,HbA1c,48\n{B},Evans,Ceri,21st of March 1980,PSA,1.2\n"
        f"{C},Price,Nia,12 Jan 1962,FBC,ok\n"
    ).encode()
    assert people_in_file("canlyniadau.csv", data, FIELDS)[1] == [
        ("Evans", "Ceri", "1980-03-21"),
        ("Jones", "Dafydd", "1975-05-03"),
        ("Price", "Nia", "1962-01-12"),
    ]


def test_a_title_in_brackets_after_the_name() -> None:
    data = (
        b"Surname,Forename,DOB,Test\nSmith (Mr),John,12/01/1962,HbA1c\n"
        b"Jones (Mrs.),Mary,03/05/1975,PSA\nPark (Seoul),Min,04/04/1980,FBC\n"
    )
    assert people_in_file("list.csv", data, FIELDS)[1] == [
        ("Jones", "Mary", "1975-05-03"),
        ("Park (Seoul)", "Min", "1980-04-04"),  # a bracket that holds no title stays
        ("Smith", "John", "1962-01-12"),
    ]
