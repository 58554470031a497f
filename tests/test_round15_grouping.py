"""Grouping in a fifteenth round: a relative introduced in prose does not take the patient's
results; a sentence wrapped over lines gives its tests to its own subject, not to the person
named after its full stop; a report header whose date of birth wraps at its slash is one
patient; a results sub-table under a patient's line gives its short codes to that patient.
Each file gives exactly its people and facts."""

from __future__ import annotations

import random

import pytest

from breachdesk.nhs import generate
from test_generalise import people_in_file

_RNG = random.Random(1515)
A, B, C, D = (generate(_RNG) for _ in range(4))


def _spaced(nhs: str) -> str:
    return f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"


@pytest.mark.parametrize(
    "relation", ["His brother,", "His brother", "The patient's brother:", "His twin brother,"]
)
def test_relative_in_prose_does_not_take_the_patients_result(relation: str) -> None:
    letter = (
        "Clinical Genetics Service\n"
        "\n"
        f"Re: Mr Daniel Okoro   DOB 03/05/1970   NHS No {_spaced(A)}\n"
        "\n"
        "Dear Dr Shah,\n"
        "I reviewed Mr Okoro in clinic. His BRCA2 result shows a pathogenic\n"
        f"variant. {relation} Mr Samuel Okoro (DOB 14/09/1973), lives nearby and\n"
        "will be contacted.\n"
        "\n"
        "Yours sincerely,\n"
        "Dr Priya Menon\n"
    )
    kind, rows = people_in_file("letter.txt", letter.encode())
    assert kind == "text"
    assert rows == [
        ("Okoro", "Daniel", "1970-05-03", A, "BRCA", "genetic"),
        ("Okoro", "Samuel", "1973-09-14", None, None, None),
    ]


def test_a_result_sent_to_a_relative_stays_the_patients() -> None:
    letter = (
        f"Re: Mrs Carol Penn   DOB 11/12/1966   NHS No {_spaced(B)}\n"
        "\n"
        "Dear Dr Shah,\n"
        "Her BRCA1 result was shared with her daughter, Miss Amy Penn (DOB 02/02/1992),\n"
        "who may ask you about testing.\n"
    )
    _, rows = people_in_file("letter.txt", letter.encode())
    assert rows == [
        ("Penn", "Amy", "1992-02-02", None, None, None),
        ("Penn", "Carol", "1966-12-11", B, "BRCA", "genetic"),
    ]


@pytest.mark.parametrize("quote", ["", "> "])
def test_wrapped_sentence_gives_its_tests_to_its_subject(quote: str) -> None:
    body = [
        "From: Ward clerk",
        "Subject: query",
        "",
        "Hello,",
        "",
        f"The surgery asked about Mr Robert Hart (DOB 07/07/1952, NHS {B}) - the",
        "ferritin was not needed, it should have been a PSA and CEA for his colon",
        "cancer follow-up. Also Mrs Jean Hart (his wife, DOB 01/02/1955,",
        f"NHS {C}) had an HbA1c taken the same day.",
        "",
        "Thanks",
    ]
    text = "\n".join(quote + line if line else quote.rstrip() for line in body) + "\n"
    _, rows = people_in_file("query.txt", text.encode())
    assert rows == [
        ("Hart", "Jean", "1955-02-01", C, "HBA1C", None),
        ("Hart", "Robert", "1952-07-07", B, "FERR;PSA;CEA", "cancer"),
    ]


def test_two_patients_in_their_own_sentences_keep_their_tests() -> None:
    text = (
        "Handover notes\n"
        "\n"
        f"Mrs Ann Lowry (DOB 02/03/1948, NHS {A}) needs a repeat\n"
        f"INR today. Mr Peter Gale (DOB 09/10/1960, NHS {D}) is waiting for his troponin.\n"
    )
    _, rows = people_in_file("handover.txt", text.encode())
    assert rows == [
        ("Gale", "Peter", "1960-10-09", D, "TROPT", None),
        ("Lowry", "Ann", "1948-03-02", A, "INR", None),
    ]


def test_header_with_a_wrapped_date_of_birth_is_one_patient() -> None:
    text = (
        "CUMULATIVE REPORT                         Printed 01/12/2026 by PATH\\JSMITH\n"
        "Patient : HART, Simon James               Hosp No: 0012345   DOB: 21/\n"
        "03/1950\n"
        f"NHS No  : {_spaced(D)}                        Ward  : Ward 7\n"
        "Test              20/11/26    24/11/26\n"
        "PSA               4.1         5.0\n"
        "Creatinine        88          91\n"
    )
    _, rows = people_in_file("cumulative.txt", text.encode())
    assert rows == [("HART", "Simon", "1950-03-21", D, "PSA;CREA", "cancer")]


def test_an_impossible_wrapped_date_is_not_read() -> None:
    text = (
        "Patient : HART, Simon James               Hosp No: 0012345   DOB: 31/\n"
        "02/1950\n"
        f"NHS No  : {_spaced(D)}\n"
        "PSA 4.1 ug/L\n"
    )
    _, rows = people_in_file("cumulative.txt", text.encode())
    assert rows == [("HART", "Simon", None, D, "PSA", "cancer")]


def test_results_sub_table_under_a_patient_line() -> None:
    text = (
        "DELTA CHECK FAILURES                                   01/12/2026 09:00\n"
        "Reviewed by: Dr K. Osei\n"
        "------------------------------------------------------------------\n"
        f"Patient: SOMERS, Jane          DOB 01/01/1980   NHS {A}\n"
        "  Analyte  Prev (date)        Curr      Delta   Action\n"
        "  Na       140 (20/11/26)     118       -16%    Phoned\n"
        "  Hb       120 (20/11/26)     80        -33%    Sample held\n"
        f"Patient: WARD, Colin           DOB 05/06/1961   NHS {B}\n"
        "  Analyte  Prev (date)        Curr      Delta   Action\n"
        "  K        4.0 (21/11/26)     6.9       +72%    Recollect\n"
        "------------------------------------------------------------------\n"
    )
    _, rows = people_in_file("delta.txt", text.encode())
    assert rows == [
        ("SOMERS", "Jane", "1980-01-01", A, "NA;HB", None),
        ("WARD", "Colin", "1961-06-05", B, "K", None),
    ]


def test_short_codes_without_a_table_header_are_not_tests() -> None:
    text = (
        f"Patient: SOMERS, Jane          DOB 01/01/1980   NHS {A}\n"
        "  K        4.0 (21/11/26)     6.9       +72%    Recollect\n"
    )
    _, rows = people_in_file("delta.txt", text.encode())
    assert rows == [("SOMERS", "Jane", "1980-01-01", A, None, None)]
