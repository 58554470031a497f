"""Names as reviewers wrote them in the thirteenth round: a clinic list's title naming the surgeon
who runs it ("Colposcopy Clinic - Mr T. ADEBAYO - ..."), a two-column form with a clinician in
the right-hand column beside the patient's surname, and a name on a line of its own above a
patient's block of details in an e-mail. Each text gives exactly its people and facts."""

from __future__ import annotations

import pytest
from fpdf import FPDF

from breachdesk.detect import names
from test_generalise import A, B, C, people_in_file
from test_round12_text import _people

FIELDS = ("family_name", "given_name", "date_of_birth", "nhs_number", "hospital_number", "tests")

CLINIC_ROWS = (
    "Time Patient Surname, Forename D.O.B Unit No NHS No. Referral\n"
    f"14:00 HARGREAVE, Kerry 05/02/1988 CP20931 {A} HSIL on LBC\n"
    f"14:20 OKONJO, Grace 22/10/1993 CP11029 {B} negative cytology\n"
)
CLINIC_PEOPLE = [
    ("HARGREAVE", "Kerry", "1988-02-05", A, "LBC"),
    ("OKONJO", "Grace", "1993-10-22", B, None),
]


@pytest.mark.parametrize(
    "title",
    [
        # Before: the surgeon was the first row's patient, with Kerry's NHS number and tests.
        "Colposcopy Clinic - Mr T. ADEBAYO - Wed 13/03/2024",
        "Colposcopy Clinic - Miss Tola ADEBAYO - Wed 13/03/2024",
        "Theatre List: Ms Tola Adebayo 13/03/2024",
        "FRACTURE CLINIC \u2013 Mr Tola ADEBAYO",
        "Ward Round - Mr Tola Adebayo (Wed)",
        # (read right before too)
        "Colposcopy Clinic - Dr T. ADEBAYO - Wed 13/03/2024",
        "Colposcopy Clinic - Consultant: Mr T. ADEBAYO - Wed 13/03/2024",
    ],
)
def test_a_clinic_lists_title_names_its_surgeon_not_a_patient(title: str) -> None:
    assert _people(f"{title}\n{CLINIC_ROWS}") == CLINIC_PEOPLE


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A clinic in prose, and a list of patients, name their patients.
        (
            f"Seen in clinic - Mrs Grace Okafor (DOB 22/10/1993), NHS {B}",
            [("Okafor", "Grace", "1993-10-22", B, None)],
        ),
        (
            f"Patient List - Mr Tomasz Nowak, NHS {C}",
            [("Nowak", "Tomasz", None, C, None)],
        ),
        # A patient titled Mrs after a clinic's heading is the patient
        (
            f"Clinic: Mrs Grace Okafor, DOB 22/10/1993, NHS {B}",
            [("Okafor", "Grace", "1993-10-22", B, None)],
        ),
    ],
)
def test_a_clinic_word_in_prose_or_a_patient_list_still_names_the_patient(
    text: str, expected: list[tuple[str | None, ...]]
) -> None:
    assert _people(text) == expected


def test_a_clinic_list_pdf_title_names_no_patient() -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=9)
    pdf.cell(
        0, 6, "Colposcopy Clinic - Mr T. ADEBAYO - Wed 13/03/2024", new_x="LMARGIN", new_y="NEXT"
    )
    for line in CLINIC_ROWS.splitlines():
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    kind, rows = people_in_file("colposcopy.pdf", bytes(pdf.output()), FIELDS)
    assert kind == "pdf"
    assert rows == [
        ("HARGREAVE", "Kerry", "1988-02-05", A, None, "LBC"),
        ("OKONJO", "Grace", "1993-10-22", B, None, None),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Before: no name at all (the pair was parted by the right-hand box).
        (
            "Surname: NAPIER-COLE      Consultant: Mr Victor STEYN\nForename: Imelda\n"
            f"D.O.B.: 02/10/1964\nNHS No.: {C}\n",
            [("NAPIER-COLE", "Imelda", "1964-10-02", C, None)],
        ),
        (
            "Forename: Imelda      GP: Mr Howard Lester\nSurname: NAPIER-COLE\n"
            f"DOB: 02/10/1964\nNHS No.: {C}\n",
            [("NAPIER-COLE", "Imelda", "1964-10-02", C, None)],
        ),
        # Before: STEYN / Victor, the consultant behind dot leaders, was the patient.
        (
            "Patient Surname ..... NAPIER-COLE GP Name ......... Mr Howard LESTER\n"
            "Patient Forename .... Imelda Consultant ...... Mr Victor STEYN\n"
            f"D.O.B. .............. 02/10/1964 Ward ..... Theatres\nNHS No. ............. {C}\n"
            "Request: Group & screen, crossmatch 2 units.\n",
            [("NAPIER-COLE", "Imelda", "1964-10-02", C, "GS;XM")],  # (group & screen a test)
        ),
    ],
)
def test_a_two_column_forms_clinician_leaves_the_patients_name(
    text: str, expected: list[tuple[str | None, ...]]
) -> None:
    assert _people(text) == expected


@pytest.mark.parametrize(
    ("before", "name"),
    [
        ("Consultant ...... ", "Mr Victor Steyn"),
        ("GP Name ......... ", "Mr Howard Lester"),
        ("Surgeon: ", "Miss Tola Adebayo"),
        ("Consultant name: ", "Mr Victor Steyn"),
    ],
)
def test_a_staff_caption_with_dot_leaders_or_name_governs_the_name(before: str, name: str) -> None:
    assert list(names.detect(f"{before}{name}")) == []
    assert [m.value for m in names.detect(f"Ward ...... {name}")] == [name.rsplit(None, 1)[-1]]


def test_a_two_column_pdf_form_gives_the_patient_not_the_consultant() -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=9)
    left = [
        "Patient Surname ..... NAPIER-COLE",
        "Patient Forename .... Imelda",
        "D.O.B. .............. 02/10/1964",
        f"NHS No. ............. {C}",
    ]
    right = ["GP Name ......... Dr Howard LESTER", "Consultant ...... Mr Victor STEYN", "", ""]
    pdf.cell(0, 6, "BLOOD TRANSFUSION - GROUP & SCREEN REQUEST", new_x="LMARGIN", new_y="NEXT")
    for first, second in zip(left, right, strict=True):
        pdf.cell(95, 6, first)
        pdf.cell(95, 6, second, new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, "Request: Group & screen, crossmatch 2 units.", new_x="LMARGIN", new_y="NEXT")
    kind, rows = people_in_file("transfusion.pdf", bytes(pdf.output()), FIELDS)
    assert kind == "pdf"
    assert rows == [("NAPIER-COLE", "Imelda", "1964-10-02", C, None, "GS;XM")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Before: no name (an e-mail body's "Patient details below:").
        (
            "Hi,\n\nRe-sending the request. Patient details below are correct per PAS:\n\n"
            f"Agnieszka Wroblewska\nD.O.B 09.09.1989\nHosp no. UH4400917\nNHS {A}\n\n"
            "Janet Holloway\nMidwife, Princess Royal Hospital\n",
            [("Wroblewska", "Agnieszka", "1989-09-09", A, None)],
        ),
        (
            f"Patient details:\n\nAgnieszka WROBLEWSKA\nDOB: 09/09/1989\nNHS: {A}\n",
            [("WROBLEWSKA", "Agnieszka", "1989-09-09", A, None)],
        ),
        (
            f"Patient details:\n\nWROBLEWSKA, Agnieszka\nDOB 09/09/1989\nNHS: {A}\n",
            [("WROBLEWSKA", "Agnieszka", "1989-09-09", A, None)],
        ),
        (
            "Mrs Agnieszka Wroblewska\nHosp no: UH4400917\nDOB 09/09/1989\n",
            [("Wroblewska", "Agnieszka", "1989-09-09", "UH4400917", None)],
        ),
        # a given name the lists do not know, the family name in capitals; the NHS line first
        (
            f"Oluwaseun ADEBAYO\nNHS No: {B}\nDOB: 14/02/1975\n",
            [("ADEBAYO", "Oluwaseun", "1975-02-14", B, None)],
        ),
        (
            f"  Grace Ada OKAFOR  \nDate of birth: 12/01/1962\nNHS number {C}\n",
            [("OKAFOR", "Grace", "1962-01-12", C, None)],
        ),
        # A signature, a heading and a doctor above a DOB line are no patient's name.
        (
            f"Kind regards,\nJane Bell\nStaff Nurse\nDOB queries: 01/02/2024 NHS {A}\n",
            [(None, None, None, A, None)],
        ),
        (
            f"Kind regards,\nJane Bell\nDOB: 09/09/1989\nNHS: {A}\n",
            [(None, None, "1989-09-09", A, None)],
        ),
        (
            f"Blood Transfusion\nDOB: 09/09/1989\nNHS: {A}\n",
            [(None, None, "1989-09-09", A, None)],
        ),
        (
            f"Dr Jane Bell\nDOB: 09/09/1989\nNHS: {A}\n",
            [(None, None, "1989-09-09", A, None)],
        ),
        (f"Jane Bell\n\nDOB: 09/09/1989\nNHS: {A}\n", [(None, None, "1989-09-09", A, None)]),
    ],
)
def test_a_name_on_its_own_line_above_a_patients_block_is_theirs(
    text: str, expected: list[tuple[str | None, ...]]
) -> None:
    assert _people(text) == expected


def test_a_name_line_is_not_read_in_a_logs_lines_read_alone() -> None:
    text = f"Agnieszka Wroblewska\nDOB 09/09/1989 NHS {A}"
    found = list(names.detect(text))
    assert [(m.value, m.extra, m.rule) for m in found] == [("Wroblewska", "Agnieszka", "name_line")]
    present = frozenset({"name:before_dob"})
    assert list(names.detect(text, present, [0, text.index("\n") + 1])) == []
