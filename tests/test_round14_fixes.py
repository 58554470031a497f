"""Round 14's small faults, found reading other systems' files: an age in a name cell read as the
family name, a letter's date read as its patient's date of birth, a GP's header line read as a
patient, and a family-study identifier read as an ODS code. Each with the neighbours that must
not change."""

from __future__ import annotations

import io
import random
from collections.abc import Callable

import pyarrow as pa
import pytest
import xlsxwriter
from fpdf import FPDF

from breachdesk.detect import cellwise, name_ages, name_columns, name_context, names, ods
from breachdesk.detect.columns import header_kind
from breachdesk.detect.subject_dates import letter_date
from breachdesk.detect.text import people_in_text
from test_generalise import A, B, C, people_in_file
from test_readers_samples import _odf
from test_round12_documents import _docx, _p

D = "4390248367"  # valid (Modulus 11, England range), invented
WHO = ("family_name", "given_name", "date_of_birth", "nhs_number")


# --- 1. An age after the name in a name cell ------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "family", "given"),
    [
        ("Doris ENTWISTLE 91y", "ENTWISTLE", "Doris"),
        ("ENTWISTLE, Doris (91)", "ENTWISTLE", "Doris"),
        ("Mr John SMITH 45 yrs", "SMITH", "John"),
        ("SMITH John, 3/12", "SMITH", "John"),  # three months
        ("Baby of Amy JONES 2d", "JONES", "Baby"),
        ("NOWAK Tomasz - 6/52", "NOWAK", "Tomasz"),  # six weeks
        ("Ella OKAFOR 2/7", "OKAFOR", "Ella"),  # two days
        ("Tom BELL 1y 6m", "BELL", "Tom"),
        ("Doris ENTWISTLE (aged 91)", "ENTWISTLE", "Doris"),
        ("ENTWISTLE, Doris, Age: 91", "ENTWISTLE", "Doris"),
        ("Doris ENTWISTLE / 91 years old", "ENTWISTLE", "Doris"),
        ("Doris ENTWISTLE 91 Yrs.  ", "ENTWISTLE", "Doris"),
        ("Doris ENTWISTLE,91", "ENTWISTLE", "Doris"),
        ("Doris ENTWISTLE 91", "ENTWISTLE", "Doris"),
        # Neighbours: no age, the same names as before.
        ("Doris ENTWISTLE", "ENTWISTLE", "Doris"),
        ("ENTWISTLE, Doris", "ENTWISTLE", "Doris"),
        ("Mrs. Jane SMITH", "SMITH", "Jane"),
        ("Okafor G", "Okafor", "G"),
        ("OKAFOR^GRACE", "OKAFOR", "GRACE"),
    ],
)
def test_an_age_after_the_name_is_no_name_part(cell: str, family: str, given: str) -> None:
    # Before: "Doris ENTWISTLE 91y" gave family name "91y", "SMITH John, 3/12" given "3/12".
    values = pa.array([cell, "Grace OKAFOR"])
    fam, giv = name_columns.split_column(values)
    assert (fam[0].as_py(), giv[0].as_py()) == (family, given)
    filled = name_columns.split_column_filled(values)
    assert filled is not None
    assert (filled[0][0].as_py(), filled[1][0].as_py()) == (family, given)


@pytest.mark.parametrize(
    "cell",
    [
        "Alan PRICE 1/2/50",  # a date, not a fraction of a year
        "Alan PRICE 01/02/1950",
        "OKAFOR, Grace (DOB 12/01/1962)",
        "JONES 4010232137",
        "OKAFOR Grace 4347 635 311",  # a spaced number ends the cell, not an age
        "Grace OKAFOR SE15 4AB",
        "Grace OKAFOR 1962",
        "91y",  # nothing before it: not cut to nothing
        "Grace OKAFOR/91",  # a slash without a space: a code, not a name and an age
    ],
)
def test_what_is_no_age_is_left_alone(cell: str) -> None:
    assert name_ages.cut(cell) == cell
    assert name_ages.cut_column(pa.array([cell])).to_pylist() == [cell]


_AGE_PIECES = [
    "Doris",
    "ENTWISTLE",
    " ",
    "  ",
    ",",
    ";",
    "(",
    ")",
    "91",
    "4347",
    "y",
    "yrs",
    "Months",
    ".",
    "3/12",
    "6/52",
    "2/7",
    "aged",
    "Age:",
    "old",
    "1/2/50",
    "\t",
    "-",
    "/",
    "d",
    "h",
    "mo",
    "Mrs",
    "(Mr)",
    "\x0b",
]


@pytest.mark.parametrize("seed", range(3))
def test_ages_are_cut_alike_on_the_python_and_arrow_paths(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(seed)
    cells: list[str | None] = [
        "".join(rng.choice(_AGE_PIECES) for _ in range(rng.randint(0, 8))) for _ in range(1500)
    ]
    values = pa.array([*cells, None], pa.string())
    assert cellwise.distinct_ascii(values) is not None
    assert [name_ages.cut(c) for c in cells] == name_ages.cut_column(pa.array(cells)).to_pylist()
    fast_title = name_columns.strip_title(values)
    fast = name_columns.split_column(values)
    with monkeypatch.context() as patched:
        patched.setattr(cellwise, "FEW", -1)  # every column takes the Arrow path
        assert fast_title.equals(name_columns.strip_title(values))
        slow = name_columns.split_column(values)
    assert fast[0].equals(slow[0]) and fast[1].equals(slow[1])


@pytest.mark.parametrize("header", ["Name / Age", "Patient", "Patient Name"])
def test_a_name_and_age_column_gives_each_patient_their_name(header: str) -> None:
    data = (
        f"NHS Number,{header},Date of Birth,Test\n"
        f"{A},Doris ENTWISTLE 91y,12/01/1933,HbA1c\n"
        f'{B},"ENTWISTLE, Doris (91)",12/01/1933,HbA1c\n'
        f"{C},Mr John SMITH 45 yrs,01/02/1979,PSA\n"
        f'{D},"SMITH John, 3/12",01/02/2024,FBC\n'
    ).encode()
    assert people_in_file("ward.csv", data, WHO)[1] == [
        ("ENTWISTLE", "Doris", "1933-01-12", B),
        ("ENTWISTLE", "Doris", "1933-01-12", A),
        ("SMITH", "John", "1979-02-01", C),
        ("SMITH", "John", "2024-02-01", D),
    ]


def test_a_sheets_name_and_age_column_too() -> None:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Neonates")
    sheet.write_row(0, 0, ["NHS No", "Patient", "DOB", "Test"])
    sheet.write_row(1, 0, [A, "Baby of Amy JONES 2d", "03/05/2024", "Bilirubin"])
    sheet.write_row(2, 0, [B, "Ella OKAFOR 2/7", "02/05/2024", "Bilirubin"])
    book.close()
    assert people_in_file("neonates.xlsx", buffer.getvalue(), WHO)[1] == [
        ("JONES", "Baby", "2024-05-03", A),
        ("OKAFOR", "Ella", "2024-05-02", B),
    ]


# --- 2. A letter's date beside its patient's name ------------------------------------------


@pytest.mark.parametrize(
    ("text", "date", "letters"),
    [
        ("Re: Mr Alan PRICE\t12 March 2024", "12 March 2024", True),  # a tab stop
        ("Re: Mr Alan PRICE\t\t12/03/2024", "12/03/2024", True),
        ("Mr Alan PRICE\t\t12 March 2024", "12 March 2024", True),  # the addressee's line
        ("Re: Mr Alan PRICE 12 March 2024", "12 March 2024", True),  # a PDF's, the gap gone
        ("Subject: Mrs Ann LEE, March 3, 2024", "March 3, 2024", True),
        ("RE - Mr Alan PRICE 12th September 2024", "12th September 2024", True),
        # Where real documents print a date of birth: figures after the name, a row's tab.
        ("Re: Mr Alan PRICE 01/02/1950", "01/02/1950", False),
        ("Mr Alan PRICE 01/02/1950", "01/02/1950", False),
        ("Mr Alan PRICE 1 February 1950", "1 February 1950", False),  # no subject line
        ("RX1100001\tMrs Grace OKAFOR\t12/01/1962", "12/01/1962", False),
        ("Patient:\tMrs Grace OKAFOR\t12/01/1962", "12/01/1962", False),
        ("Re: Mr Alan PRICE 12 May 1950", "12 May 1950", False),  # May reads alike either way
    ],
)
def test_a_letters_date_beside_the_name(text: str, date: str, letters: bool) -> None:
    (name,) = names.detect(text)
    at = text.index(date)
    assert letter_date(text, name.start, name.end, at, at + len(date)) is letters


@pytest.mark.parametrize(
    "text",
    [
        "Re: Mr Alan PRICE\n12 March 2024\n",
        "Re: Mr Alan PRICE\n\n12 March 2024\n\nDear Dr Jones,\n",
        "Re: Mr Alan PRICE\nDate: 12/03/2024\n",
        "Re: Mr Alan PRICE\nDated 12 March 2024\n",
        "Re: Mr Alan PRICE\nClinic date: 12/03/2024\n",
        "Re: Mr Alan PRICE\nSeen on 12/03/2024 in clinic\n",
        "Re: Mr Alan PRICE   Date: 12/03/2024\n",
        "Re: Mr Alan PRICE, seen on 12/03/2024\n",
    ],
)
def test_a_dated_line_is_no_date_of_birth(text: str) -> None:
    assert [p.values for p in people_in_text(text, "line:1")] == []
    numbered = text.replace("PRICE", f"PRICE NHS {A}", 1)
    assert [p.values for p in people_in_text(numbered, "line:1")] == [
        {"family_name": "PRICE", "given_name": "Alan", "nhs_number": A}
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Re: Mr Alan PRICE 01/02/1950\nDate: 12/03/2024\n",
        "Re: Mr Alan PRICE\nDOB: 01/02/1950\nDate: 12/03/2024\n",
        "12 March 2024\nAlan PRICE 01/02/1950\n",
        "Re: Mr Alan PRICE, DOB 01/02/1950\n\n12 March 2024\n",
    ],
)
def test_a_date_of_birth_where_documents_print_one_stays(text: str) -> None:
    assert [p.values for p in people_in_text(text, "line:1")] == [
        {"family_name": "PRICE", "given_name": "Alan", "date_of_birth": "1950-02-01"}
    ]


def _letter_pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.text(20, 40, "Fairfield Surgery, 1 High Street")
    pdf.text(20, 50, "Re: Mr Alan PRICE")
    pdf.text(150, 52, "12 March 2024")  # right-aligned, a little below: one text line
    pdf.text(20, 70, "Dear Dr Jones, his HbA1c was 64 mmol/mol.")
    return bytes(pdf.output())


_TAB_LETTERS: list[tuple[str, Callable[[], bytes]]] = [
    (
        "letter.docx",
        lambda: _docx(
            _p("Fairfield Surgery")
            + "<w:p><w:r><w:t>Re: Mr Alan PRICE</w:t></w:r><w:r><w:tab/><w:tab/>"
            "<w:t>12 March 2024</w:t></w:r></w:p>" + _p("Dear Dr Jones, his HbA1c was 64 mmol/mol.")
        ),
    ),
    (
        "letter.odt",
        lambda: _odf(
            "application/vnd.oasis.opendocument.text",
            "<office:text><text:p>Mr Alan PRICE<text:tab/>12/03/2024</text:p>"
            "<text:p>12 Oak Road, London</text:p></office:text>",
        ),
    ),
    ("letter.pdf", _letter_pdf),
]


@pytest.mark.parametrize(("name", "make"), _TAB_LETTERS)
def test_a_letters_date_on_the_name_line_is_no_date_of_birth(
    name: str, make: Callable[[], bytes]
) -> None:
    assert people_in_file(name, make(), WHO)[1] == []


# --- 3. A GP's header line in a form exported as CSV ----------------------------------------


def test_a_forms_gp_header_line_names_no_patient() -> None:
    # Before: "HAWTHORNE, Fairfield" (the caps-and-comma rule) took the NHS number and test, and
    # the patient was lost.
    data = (
        "Dr Lucy HAWTHORNE,Fairfield Surgery,1 High Street,London SE15 4AB\n\n"
        "Surname,Forename,DOB,NHS No\n"
        f"OKAFOR,Grace,12/01/1962,{A}\n\n"
        "Test,Result\nHbA1c,64\n"
    ).encode()
    fields = (*WHO, "tests")
    assert people_in_file("request.csv", data, fields)[1] == [
        ("OKAFOR", "Grace", "1962-01-12", A, "HBA1C")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Dr Lucy HAWTHORNE,Fairfield Surgery,1 High Street",
        "Dr Lucy Anne HAWTHORNE, Fairfield",  # the title: staff
        "Prof. A. B. BELL, Kings",
        "DR LUCY HAWTHORNE, Mary",
        "HAWTHORNE, Fairfield Surgery",  # the organisation: no given name
        "Lucy HAWTHORNE, Fairfield Medical Practice",
        "BELL, Kings College Hospital",
        "Patient: Fairfield Surgery",
        "Re: Lordship Lane Health Centre, DOB 12/01/1962",
        "Mr Fairfield Surgery 12/01/1962",
    ],
)
def test_staff_and_organisations_are_no_patients_name(text: str) -> None:
    assert [m.value for m in names.detect(text)] == []


@pytest.mark.parametrize(
    ("text", "family", "given"),
    [
        ("HAWTHORNE, Lucy 12/01/1962", "HAWTHORNE", "Lucy"),
        ("OKAFOR, Grace Hospital No RX1100001", "OKAFOR", "Grace"),
        ("OKAFOR, Grace Practice code G85001", "OKAFOR", "Grace"),
        ("Re: Mr Alan PRICE, Fairfield Surgery", "PRICE", "Alan"),
        ("Patient: Dr Ann LEE, DOB 12/01/1962", "LEE", "Ann"),
        ("Mrs Grace OKAFOR Clinic: Diabetes", "OKAFOR", "Grace"),
        ("Mrs Grace OKAFOR Ward 7B", "OKAFOR", "Grace"),
        ("Address: OKAFOR, Grace", "OKAFOR", "Grace"),  # "dr" inside a word is no title
    ],
)
def test_patients_beside_such_words_are_still_named(text: str, family: str, given: str) -> None:
    assert [(m.value, m.extra) for m in names.detect(text)] == [(family, given)]


def test_the_context_checks_exactly() -> None:
    text = "GP: Dr Lucy HAWTHORNE, Fairfield Surgery"
    assert name_context.doctor_before(text, text.index("HAWTHORNE"))
    assert not name_context.doctor_before(text, text.index("Lucy"))  # staff_before's case
    assert not name_context.doctor_before("Drew HAWTHORNE,", 5)
    assert not name_context.doctor_before("Dr Lucy\nHAWTHORNE", 8)  # another line
    at = text.index("Fairfield")
    assert name_context.organisation_named(text, at, at + len("Fairfield"))
    plain = "OKAFOR, Grace, Fairfield Surgery"
    assert not name_context.organisation_named(plain, 8, 13)  # the comma ends the cell


# --- 4. A family-study identifier is no ODS code --------------------------------------------


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Family ID: F12345", []),
        ("familyId=F12345", []),
        ("FAMILY_ID,F12345", []),
        ("HouseholdID F12345", []),
        ("Study No. S12345", []),
        ("Patient ID: P12345", []),
        ("Sample ref: S12345", []),
        ("Family ID ........ F12345", []),
        # An organisation's labels, no label, and codes further along keep their codes.
        ("Practice code: G85001", ["G85001"]),
        ("GP ID: G85001", ["G85001"]),
        ("ODS code G85001", ["G85001"]),
        ("Org ID: G85001", ["G85001"]),
        ("Requesting GP practice code=G85001", ["G85001"]),
        ("ID: G85001", ["G85001"]),
        ("Practice: G85001", ["G85001"]),
        ("Fairfield Surgery (G85001)", ["G85001"]),
        ("Sample ID 12, G85001", ["G85001"]),
        ("Family ID F12345 Practice G85001", ["G85001"]),
        ("Family ID: F12345\nY01234", ["Y01234"]),
    ],
)
def test_a_code_after_another_identifiers_label_is_no_ods_code(text: str, codes: list[str]) -> None:
    assert [m.value for m in ods.detect(text)] == codes


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("ODS", "requester"),
        ("Trust Code", "requester"),
        ("Trust Site Code", "requester"),
        ("CCG Code", "requester"),
        ("Org ID", "requester"),
        ("Organisation ID", "requester"),
        ("ODS Code", "requester"),
        ("Household ID", None),
        ("Study ID", None),
        ("Patient ID", "hospital_number"),
        ("Trust Number", "hospital_number"),
        ("Trust MRN", "hospital_number"),
    ],
)
def test_ods_columns_are_headed_for_an_organisation(header: str, kind: str | None) -> None:
    assert header_kind(header) == kind


def test_a_forms_family_id_is_not_its_controller() -> None:
    # A form exported label beside value, read as text: the family-study identifier had been
    # taken for a practice's ODS code.
    data = (
        "Surname:,OKAFOR,,Family ID:,F12345\n"
        "Forename:,Grace,,DOB:,12/01/1962\n"
        f"NHS No:,{A},,GP:,G85001\n\n"
        "Test,Result\nBRCA1,Pathogenic\n"
    ).encode()
    assert people_in_file("family.csv", data, (*WHO, "ods_codes"))[1] == [
        ("OKAFOR", "Grace", "1962-01-12", A, "G85001")
    ]


def test_organisation_columns_give_controllers_and_study_columns_do_not() -> None:
    data = (
        "NHS Number,Surname,Forename,Trust Code,Household ID,Study ID\n"
        f"{A},OKAFOR,Grace,RJ1,H12345,S12345\n"
        f"{B},NOWAK,Tomasz,RJZ,H22345,S22345\n"
    ).encode()
    fields = ("family_name", "nhs_number", "ods_codes")
    assert people_in_file("cohort.csv", data, fields)[1] == [
        ("NOWAK", B, "RJZ"),
        ("OKAFOR", A, "RJ1"),
    ]
