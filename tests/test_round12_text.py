"""Free text in other systems' habits (a twelfth round): log keys with underscores, a letter's
name over its hospital number, a hyphenated hospital number, names in quotes, a title after the
comma, Irish particles, an e-mail's "From:" (not a sample "from" a patient), a meeting's chair,
staff grades and test lists that look like "SURNAME, Given". Each text gives exactly its people
and facts."""

from __future__ import annotations

import pytest

from breachdesk.detect.text import people_in_text
from test_generalise import A, B


def _people(text: str) -> list[tuple[str | None, ...]]:
    return [
        (
            p.values.get("family_name"),
            p.values.get("given_name"),
            p.values.get("date_of_birth"),
            p.values.get("nhs_number") or p.values.get("hospital_number"),
            ";".join(p.tests) or None,
        )
        for p in people_in_text(text, "line:1")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A sample "from" a patient is hers; an e-mail's "From:" is its sender, staff.
        (
            "The sample was actually from Ms Ruth Ekwueme (DOB 30/11/1989, MRN 55102983)",
            [("Ekwueme", "Ruth", "1989-11-30", "55102983", None)],
        ),
        ("From: Jane Bell DOB 01/02/1970", []),
        # Log keys with underscores
        (
            'app: patient="Mr Callum Reid" hosp_no=N4410982 test="Serum lithium"',
            [("Reid", "Callum", None, "N4410982", "LITH")],
        ),
        (
            "name=Callum Reid patient_id=RX1234567 unit_no=K123456",
            [("Reid", "Callum", None, "RX1234567", None)],
        ),
        ("name=Callum Reid patient_id=RX1234567", [("Reid", "Callum", None, "RX1234567", None)]),
        # ... or the hospital number's label; a name with its hospital number on a line with no
        # NHS number is a person of their own beside another's NHS number
        (
            "WOZNIAK Grzegorz MRN R4481029   SODIUM 119",
            [("WOZNIAK", "Grzegorz", None, "R4481029", "NA")],
        ),
        (
            "Gentamicin trough 3.1 on Dylan Moss (MRN K2203451)\n"
            f"INR 8.9 for Maureen Tibbs (NHS {B})",
            [("Moss", "Dylan", None, "K2203451", "GENTA"), ("Tibbs", "Maureen", None, B, "INR")],
        ),
        (
            f"Patient: Grace Okafor  Hosp No: K1234567\nNHS No: {B}\nHIV antibody negative",
            [("Okafor", "Grace", None, B, "HIVAB")],
        ),
        ("Ward Round MRN K1234567", []),
        # A chat's list: capitals and a given name the lists know, then the NHS number
        (f"1) WOODCOCK Ethel {A} - TB culture", [("WOODCOCK", "Ethel", None, A, "AFB")]),
        (f"Ward ROUND {A}", [(None, None, None, A, None)]),
        # A doctor's title after a name key: the orderer, not the patient
        (
            '{"orderedBy": {"name": "Dr Samuel Ogundipe"}, "patient": {"name": "Gareth Evans", '
            f'"nhs": "{B}"}}}}',
            [("Evans", "Gareth", None, B, None)],
        ),
        (f"Patient: Dr Ann Lee  NHS {B}", [("Lee", "Ann", None, B, None)]),
        # A family name with its particle, comma and given name, in capitals
        (f"PT=DE SOUZA,MARCOS NHS={B}", [("DE SOUZA", "MARCOS", None, B, None)]),
        # A letter's name over its hospital number (no date of birth, no NHS number)
        (
            "Re: Mr Callum FITZGERALD\nHosp No: RBH-7741203\nSyphilis TPPA reactive.",
            [("FITZGERALD", "Callum", None, "RBH-7741203", "TPPA")],
        ),
        # Quoted names: the quote is no part of the given name
        (
            "Hospital number H0871122: candidates 'ROSSI, Giulia' (DOB 22/10/1987) and "
            "'ROSSI, Gianna' (DOB 03/03/1990)",
            [
                ("ROSSI", "Giulia", "1987-10-22", "H0871122", None),
                ("ROSSI", "Gianna", "1990-03-03", None, None),
            ],
        ),
        ("Re: Hassan, Mr Yusuf  DOB 01/02/1970", [("Hassan", "Yusuf", "1970-02-01", None, None)]),
        (
            "Surname: Ó MURCHÚ\nForename(s): Siobhán\nDOB: 03/04/1975",
            [("Ó MURCHÚ", "Siobhán", "1975-04-03", None, None)],
        ),
        (
            "Patient: Áine Ó Súilleabháin DOB 03/04/1975",
            [("Ó Súilleabháin", "Áine", "1975-04-03", None, None)],
        ),
        # A meeting's chair and coordinator are staff; the listed patient is the record's.
        (
            "Chair: Mr R. Ashworth   Coordinator: Jane Bell\n"
            f"1. DRISCOLL, Brendan  Hosp No: H0821134  DOB: 02/05/1951  NHS: {A}  PSA 14",
            [("DRISCOLL", "Brendan", "1951-05-02", A, "PSA")],
        ),
        # A staff grade before a comma is no family name
        (
            "User: rthomas (Rachel Thomas, Band 5 BMS, Blood Sciences)\n"
            "Accessed: THOMAS, Gwyneth DOB 12/12/1950",
            [("THOMAS", "Gwyneth", "1950-12-12", None, None)],
        ),
        # Tests listed with commas are no "SURNAME, Given"
        (
            "Tests Requested LFT, GGT, FBC, Clotting screen\n"
            "Surname PRZYBYLSKI Forename Tomasz DOB 01/01/1980",
            [("PRZYBYLSKI", "Tomasz", "1980-01-01", None, "LFT;GGT;FBC;COAG")],
        ),
        # ... while a family name that is also a test's abbreviation, first on its line, is one
        (f"FISH, Anne  {B}", [("FISH", "Anne", None, B, None)]),
    ],
)
def test_people_in_text(text: str, expected: list[tuple[str | None, ...]]) -> None:
    assert _people(text) == expected


def test_a_hospital_number_below_a_line_naming_two_people_is_neither_ones() -> None:
    assert _people("Re: Mr Callum Reid and Mrs Ann Lee\nHosp No: K2287411") == []


def test_an_alert_address_at_the_health_services_domain_is_no_patients_e_mail() -> None:
    text = (
        f"Alert sent to path.integration@wales.nhs.uk: Mr Huw Jenkins NHS {A} "
        "reply to huw.j@example.com"
    )
    (person,) = people_in_text(text, "line:1")
    start = text.index("huw.j@")
    emails = [row[1] for row in person.evidence if row[0] == "email"]
    assert emails == [f"chars:{start}-{start + len('huw.j@example.com')}"]


def test_a_labelled_name_in_a_cell_with_its_date_and_number() -> None:
    from breachdesk.detect import composite

    name, born, number = composite._read(f"Name: Beatrix HOLLOWAY\nDOB: 17/07/1946\nNHS: {B}")
    assert (name, born, number) == ("Beatrix HOLLOWAY", "1946-07-17", B)


def test_a_message_logged_as_one_string_with_escaped_segment_ends() -> None:
    line = (
        "ERROR Send failed - message moved to error queue. Message body: "
        '"MSH|^~\\&|WINPATH|RXH|EPR|RXH|20240311091410||ORU^R01|88213402|P|2.4\\r'
        f"PID|1||K512093^^^RXH^MR~{A}^^^NHS^NH||AKINTOLA^Folasade^^^MS||19880912|F\\r"
        'OBR|1|24M1|L|CTNG^Chlamydia/GC NAAT^L\\rOBX|1|ST|CT^Chlamydia^L||DETECTED"'
    )
    (person,) = people_in_text(line, "line:1")
    assert (
        person.values["family_name"],
        person.values["date_of_birth"],
        person.values["hospital_number"],
        person.values["nhs_number"],
        person.tests,
        "test_result" in person.exposed,
    ) == ("AKINTOLA", "1988-09-12", "K512093", A, ["CHLAM", "GC"], True)


@pytest.mark.parametrize(
    ("sentence", "tests", "result"),
    [
        ("Your chlamydia test was POSITIVE.", ["CHLAM"], True),
        ("INR came back 8.2, please call.", ["INR"], True),
        ("PSA added - result 14.6 ug/L", ["PSA"], True),
        ("HIV test offered and declined", ["HIVAGAB"], False),
        ('test="Serum lithium" value=1.42', ["LITH"], True),
        ("TEST=HCG    RES=5321 RULE=NONE", ["HCG"], True),
    ],
)
def test_a_result_written_as_a_sentence(sentence: str, tests: list[str], result: bool) -> None:
    (person,) = people_in_text(f"Mr John Smith DOB 01/02/1950: {sentence}", "line:1")
    assert (person.tests, "test_result" in person.exposed) == (tests, result)


def test_a_request_forms_empty_boxes_ask_for_nothing() -> None:
    text = (
        "Mr John Smith DOB 01/02/1950 requests: ☐ HIV 1+2 Ag/Ab ☒ Hepatitis B surface antigen "
        "[ ] Hepatitis C antibody [x] Syphilis serology"
    )
    (person,) = people_in_text(text, "line:1")
    assert person.tests == ["HBSAG", "SYPH"]
