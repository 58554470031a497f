"""Prose in other systems' habits (a ninth round): a sex between a name and its date of birth, a
month written as a word, a form's labels without colons, glued test codes and shorthand results.
Each text must give exactly its people and facts."""

from __future__ import annotations

import pytest

from breachdesk.detect import lab_tests
from breachdesk.detect.text import people_in_text
from test_generalise import A, B, people_in_file


def _people(text: str) -> list[tuple[str | None, ...]]:
    return [
        (
            p.values.get("family_name"),
            p.values.get("given_name"),
            p.values.get("date_of_birth"),
            p.values.get("nhs_number"),
        )
        for p in people_in_text(text, "line:1")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            f"OKAFOR GRACE F 12.01.1962 {A} HIV1/2 AG/AB NEG",
            [("OKAFOR", "GRACE", "1962-01-12", A)],
        ),
        (
            "Patient details: Okafor, Grace (F) 12-Jan-1962",
            [("Okafor", "Grace", "1962-01-12", None)],
        ),
        ("Grace OKAFOR (F), 12 January 1962", [("OKAFOR", "Grace", "1962-01-12", None)]),
        # A form's captions without colons name the person (a compact date in prose is no date)
        (
            f"Surname OKAFOR Forename GRACE DOB 12011962 NHS {A} Sex F",
            [("OKAFOR", "GRACE", None, A)],
        ),
        # The lists know both words, but a comma puts the given name first: not so written
        ("Grace, Okafor 12/01/1962", []),
    ],
)
def test_names_before_their_date_of_birth(
    text: str, expected: list[tuple[str | None, ...]]
) -> None:
    assert _people(text) == expected


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("HIV1/2 AG/AB NEG", [("test", "HIVAGAB"), ("test_result", "HIVAGAB")]),
        ("HIV1/2 Ab: pos", [("test", "HIVAB"), ("test_result", "HIVAB")]),
        ("HIV position paper", [("test", "HIVAGAB")]),  # "pos" only as a word
    ],
)
def test_glued_codes_and_shorthand_results(text: str, found: list[tuple[str, str]]) -> None:
    assert [(m.kind, m.value) for m in lab_tests.detect(text)] == found


@pytest.mark.parametrize(
    "relative",
    [
        "Mother: Mrs Anna Nowak, DOB 14/05/1950",
        "Mother's name: Anna Nowak  DOB: 14/05/1950",
        "Next of kin: Mr Piotr Nowak (father), born 01/02/1948",
        "NOK - Anna NOWAK 14/05/1950",
    ],
)
def test_a_relative_named_on_a_form_is_not_the_patient(relative: str) -> None:
    # Before, the relative was a person of their own and took the patient's hospital number
    # and test with them.
    form = (
        "Request form\nName: Tomasz Nowak\nDate of birth: 02/11/1975\n"
        f"Hospital No: RX7654321\n{relative}\nSample: Hep C antibody\n"
    )
    found = [
        (
            p.values.get("given_name"),
            p.values.get("date_of_birth"),
            p.values.get("hospital_number"),
            p.tests,
        )
        for p in people_in_text(form, "line:1")
    ]
    assert found == [("Tomasz", "1975-11-02", "RX7654321", ["HCVAB"])]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("note.txt", "Patient: Grace Okafor  Hosp No: RX1234567\nHIV 1+2 Ab/Ag reactive\n"),
        (
            "results.log",
            "2024-05-30 10:00:01 INFO result posted patient=Grace Okafor mrn=RX1234567"
            " test=HIV 1+2 Ab/Ag value=Reactive\n"
            "2024-05-30 10:00:02 INFO heartbeat ok\n",
        ),
    ],
)
def test_a_name_with_a_hospital_number_and_no_birth_date_is_a_patient(name: str, text: str) -> None:
    # Before: no NHS number and no date of birth, so no one (the hospital number's label was
    # even read as the family name, "Grace Okafor Hosp").
    fields = ("family_name", "given_name", "hospital_number", "tests", "sensitive")
    assert people_in_file(name, text.encode(), fields)[1] == [
        ("Okafor", "Grace", "RX1234567", "HIVAGAB", "hiv")
    ]


def test_a_hospital_number_label_is_no_name_and_ward_is_a_family_name() -> None:
    # (Ward, Unit: family names too, "WARD, Neil"; "Hosp" after a name is the next label, not
    # a third word of the name: "Grace Okafor Hosp" made "Hosp" the family name.)
    assert _people("WARD, Neil  DOB 23/08/1952  Unit No 1234567") == [
        ("WARD", "Neil", "1952-08-23", None)
    ]
    assert _people("Patient: Grace Okafor  Hosp No: RX1234567  DOB 12/01/1962") == [
        ("Okafor", "Grace", "1962-01-12", None)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A note typed in small letters: the lists know "grace" as a given name, "okafor" as a
        # family name, and say which is which either way round
        (
            "Seen today. grace okafor dob 12/01/1962 attended for bloods.",
            [("okafor", "grace", "1962-01-12", None)],
        ),
        ("okafor grace date of birth 12/01/1962", [("okafor", "grace", "1962-01-12", None)]),
        # Small-letter words the lists do not know as a given and a family name are no one
        ("please check dob 12/01/1962", []),
        ("new patient dob 12/01/1962", []),
        ("sample received dob 12/01/1962", []),
        # A form's captions without colons, both of them, either way round
        (
            f"First name Grace Last name Okafor DOB 12/01/1962 NHS No {A}",
            [("Okafor", "Grace", "1962-01-12", A)],
        ),
        (f"Surname OKAFOR Forename GRACE NHS {A}", [("OKAFOR", "GRACE", None, A)]),
        # One caption is a word of a sentence, and small-letter words under two are no name
        (f"surname and first name fields were blank, NHS {A}", [(None, None, None, A)]),
        (f"last name check first name entry NHS {A}", [(None, None, None, A)]),
        # A letter's salutation names its patient; the date of birth may come later on
        (
            "Dear Grace Okafor, our records give your date of birth as 12/01/1962.",
            [("Okafor", "Grace", "1962-01-12", None)],
        ),
        # ... but not a role, a clinician, or a name the lists do not know as a given name
        ("Dear Practice Manager, re date of birth 12/01/1962", []),
        ("Dear Dr Grace Lee, date of birth 12/01/1962", []),
        # A date of birth with its weekday, as a calendar or a mail client writes it
        ("Patient: Grace Okafor\nDOB: Thu 12 Jan 1962", [("Okafor", "Grace", "1962-01-12", None)]),
        (
            "Name: Grace Okafor  Date of birth: Thursday, 12 January 1962",
            [("Okafor", "Grace", "1962-01-12", None)],
        ),
        # A weekday before a date with no label is still no date of birth
        ("Patient: Grace Okafor seen on Thu 12 Jan 2023", []),
        # "b." for born; family name first where the lists say so; a letter's ordinal date
        ("Okafor Grace b. 12/01/1962", [("Okafor", "Grace", "1962-01-12", None)]),
        ("Evans Mark DOB 12/01/1962", [("Evans", "Mark", "1962-01-12", None)]),
        ("Vitamin b. 12 level low; Grace Okafor", []),
        (
            "Ms. Grace Okafor, born on the 12th of January 1962",
            [("Okafor", "Grace", "1962-01-12", None)],
        ),
        # A dash between the name and its label
        (
            "Grace Okafor - DOB 12/01/1962 - Hosp No K1234567",
            [("Okafor", "Grace", "1962-01-12", None)],
        ),
        (f"Grace Okafor - NHS {A}", [("Okafor", "Grace", None, A)]),
    ],
)
def test_names_and_birth_dates_other_writers_give(
    text: str, expected: list[tuple[str | None, ...]]
) -> None:
    assert _people(text) == expected


@pytest.mark.parametrize(
    ("line", "number"),
    [
        ("Name: Joseph WHITAKER    Hospital No:    K0456789    Reason: unlabelled", "K0456789"),
        ("Name: Agnieszka KOWALSKA   Unit Number: 0123456   Reason: haemolysed", "0123456"),
        ("Name: Fatima HUSSAIN   PAS No: 7654321   Reason: insufficient sample", "7654321"),
        ("Name: Liam O'CONNOR   Hosp No: RJ1 123456   Reason: mismatch", "RJ1123456"),
        ("Name: Harry Jenkins   Patient ID: RX1234567   Reason: no request form", "RX1234567"),
    ],
)
def test_hospital_numbers_under_other_labels_name_their_patient(line: str, number: str) -> None:
    [person] = people_in_text(line, "line:1")
    assert person.values["hospital_number"] == number
    assert "family_name" in person.values


def test_an_nhs_number_labelled_patient_id_is_no_hospital_number() -> None:
    [person] = people_in_text(f"Name: Harry Jenkins  Patient ID: {A}", "line:1")
    assert person.values["nhs_number"] == A
    assert "hospital_number" not in person.values


def test_who_saw_typed_or_dictated_a_letter_is_staff_not_a_patient() -> None:
    text = (
        "Clinic date: 11/03/2024\nSeen by: Mr John Carter (12/03/2024)\n"
        "Dictated: Dr Aisha Bello 13/03/2024   Typed: Sue Miles 14/03/2024\n\n"
        f"Patient: Mr Gary Lomas  NHS {A}\nFerritin 12. Plan: iron infusion.\n"
    )
    assert _people(text) == [("Lomas", "Gary", None, A)]
    # The same name and date with no staff label before them is a patient
    assert _people("Mr John Carter (12/03/1962)") == [("Carter", "John", "1962-03-12", None)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Two given names in a form's forename box: the second is no family name
        (
            "Surname: OKAFOR    Forename(s): Grace Ada    DOB: 12/01/1962",
            [("OKAFOR", "Grace", "1962-01-12", None)],
        ),
        # The title after the given name, as a LIMS prints "Family, Given Title"
        (f"Okafor, Grace Mrs  NHS no. {A}", [("Okafor", "Grace", None, A)]),
    ],
)
def test_forms_and_lists_that_write_more_than_two_words(
    text: str, expected: list[tuple[str | None, ...]]
) -> None:
    assert _people(text) == expected


def test_reports_parted_by_rules_give_each_patient_their_own_results() -> None:
    rule, thin = "=" * 60, "-" * 60
    text = (
        f"{rule}\nPATIENT: ATKINSON, Robert          NHS NO: {A}\nDOB:     03/09/1951\n{thin}\n"
        f"PSA                    15.2 ug/L   (0-4.0)   H\nCreatinine             130 umol/L\n"
        f"{rule}\nPATIENT: BAXTER, Lucy              NHS NO: {B}\nDOB:     21/12/1989\n{thin}\n"
        f"hCG (pregnancy)        Positive\nRubella IgG            Immune\n{rule}\n"
    )
    assert [(p.values["family_name"], p.tests) for p in people_in_text(text, "file")] == [
        ("ATKINSON", ["PSA", "CREA"]),
        ("BAXTER", ["HCG", "RUBG"]),
    ]


@pytest.mark.parametrize(
    "note",
    [
        "Hi Jo,\nMrs Elaine Cartwright DOB 27/11/1958 NHS {A}, HIV viral load undetectable.\n"
        "Thanks,\nTim\n",
        "Dear Dr Barnes,\nre your patient Mrs Elaine CARTWRIGHT DOB 27/11/1958 NHS {A}, her HIV "
        "viral load is undetectable.\n",
    ],
)
def test_a_short_note_whose_lines_end_in_commas_is_prose_not_a_table(note: str) -> None:
    fields = ("nhs_number", "family_name", "tests")
    kind, found = people_in_file("note.txt", note.format(A=A).encode(), fields)
    assert kind == "text"
    assert [(n, f.upper(), t) for n, f, t in found] == [(A, "CARTWRIGHT", "HIVVL")]  # type: ignore[union-attr]
    # A two-column export is still a table
    assert people_in_file("list.csv", b"Name,Test\nThanks,FBC\nSmith,U&E\n", fields)[0] == "csv"


def test_a_sentence_wrapped_after_the_date_of_birth_is_one_person() -> None:
    text = (
        "Re your patient Mrs Elaine CARTWRIGHT DOB 27/11/1958\n"
        f"NHS {A}, her HIV viral load is undetectable.\n"
    )
    assert [(p.values.get("family_name"), p.values["nhs_number"], p.tests)
            for p in people_in_text(text, "file")] == [("CARTWRIGHT", A, ["HIVVL"])]  # fmt: skip
    # Rows of a list stay apart: the name's row names its own test
    rows = f"Elaine CARTWRIGHT DOB 27/11/1958 HbA1c 48\nNHS {B} PSA 4.1\n"
    assert [(p.values.get("family_name"), p.values.get("nhs_number"), p.tests)
            for p in people_in_text(rows, "file")] == [
        ("CARTWRIGHT", None, ["HBA1C"]), (None, B, ["PSA"])]  # fmt: skip


@pytest.mark.parametrize(
    "label", ["code display name", "practice name", "test name", "assigning authority name"]
)
def test_a_things_name_label_names_no_patient(label: str) -> None:
    assert _people(f"{label}: Laboratory Report\nNHS: {A}") == [(None, None, None, A)]
    # The same label of a patient names them
    assert _people(f"patient name: Grace Okafor\nNHS: {A}") == [("Okafor", "Grace", None, A)]


def test_a_role_before_a_date_of_birth_label_is_no_name() -> None:
    text = (
        "Discussed with Dr Michael Green (Infection Control Doctor, DOB on file).\n"
        f"Patient NHS {A}, DOB 12/01/1962."
    )
    assert _people(text) == [(None, None, "1962-01-12", A)]
