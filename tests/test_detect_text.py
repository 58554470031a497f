from __future__ import annotations

import pyarrow as pa
import pytest

from breachdesk.detect import dates, lab_tests, name_columns, names, postcode
from breachdesk.detect.text import people_in_text


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("01/02/1980", "1980-02-01"),
        ("1/2/1980", "1980-02-01"),
        ("1980-02-01", "1980-02-01"),
        ("01-Feb-1980", "1980-02-01"),
        ("1 February 1980", "1980-02-01"),
        ("01.02.1980", "1980-02-01"),
        ("19800201", "1980-02-01"),
        ("01/02/80", "1980-02-01"),
        ("01/02/15", "2015-02-01"),
        ("31/02/1980", None),
    ],
)
def test_parse_uk_dates(text: str, iso: str | None) -> None:
    value = dates.parse(text)
    assert (value.isoformat() if value else None) == iso


def test_dob_needs_a_label() -> None:
    text = "Seen 03/04/2024. DOB: 01/02/1980; D.O.B 5 Mar 1977; born 12.12.1950"
    found = [(m.value, text[m.start : m.end]) for m in dates.detect_dob(text)]
    assert found == [
        ("1980-02-01", "01/02/1980"),
        ("1977-03-05", "5 Mar 1977"),
        ("1950-12-12", "12.12.1950"),
    ]


def test_a_full_stop_ends_a_date_but_a_digit_after_it_does_not() -> None:
    text = "Patient: Grace OKAFOR dob 23/09/1988. Ref 01.02.1980.5 and DOB 02/03/1970.7"
    found = [(m.value, text[m.start : m.end]) for m in dates.detect_dob(text)]
    assert found == [("1988-09-23", "23/09/1988")]
    [person] = people_in_text(text, "line:1")
    assert person.values["date_of_birth"] == "1988-09-23"


def test_date_column_picks_the_format_the_column_agrees_on() -> None:
    uk = pa.array(["01/02/1980", "13/02/1980", "", None])
    assert dates.parse_column(uk).to_pylist() == ["1980-02-01", "1980-02-13", None, None]
    us = pa.array(["02/13/1980", "02/01/1980"])
    assert dates.parse_column(us).to_pylist() == ["1980-02-13", "1980-02-01"]
    excel = pa.array(["1980-02-01T00:00:00", "1975-12-31 00:00:00"])
    assert dates.parse_column(excel).to_pylist() == ["1980-02-01", "1975-12-31"]
    month_first = pa.array(["Jan 12, 1962", "November 2, 1975", None])
    assert dates.parse_column(month_first).to_pylist() == ["1962-01-12", "1975-11-02", None]
    excel_days = pa.array(["22658", "27700.0", "", None])  # a workbook's day numbers
    assert dates.parse_column(excel_days).to_pylist() == ["1962-01-12", "1975-11-02", None, None]
    assert dates.parse_column(pa.array(["1962", "1975"])).to_pylist() == [None, None]  # years
    sas = pa.array(["02NOV1975", "12jan1962"])
    assert dates.parse_column(sas).to_pylist() == ["1975-11-02", "1962-01-12"]


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("Jan 12, 1962", "1962-01-12"),
        ("January 12th, 1962", "1962-01-12"),
        ("Sept. 3, 1950", "1950-09-03"),
        ("november 2 1975", "1975-11-02"),
        ("02NOV1975", "1975-11-02"),
        ("Feb 30, 1962", None),  # no such day
        ("Janitor 12, 1962", None),  # no month
    ],
)
def test_month_first_and_sas_dates_in_text(written: str, value: str | None) -> None:
    found = [m.value for m in dates.detect(f"DOB: {written}.")]
    assert found == ([value] if value else [])


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("SE15 4AB", "SE15 4AB"),
        ("se154ab", "SE15 4AB"),
        ("London SW1A 1AA.", "SW1A 1AA"),
        ("CR0 2XY", "CR0 2XY"),
        ("EC1A 1BB", "EC1A 1BB"),
    ],
)
def test_postcodes(text: str, value: str) -> None:
    assert [m.value for m in postcode.detect(text)] == [value]


def test_postcode_not_inside_words() -> None:
    assert list(postcode.detect("ABSE15 4ABC")) == []


def test_postcode_column() -> None:
    col = pa.array(["1 High St, London SE15 4AB", "se15 4ab", "none", None])
    assert postcode.extract_column(col).to_pylist() == ["SE15 4AB", "SE15 4AB", None, None]


@pytest.mark.parametrize(
    ("text", "family", "given"),
    [
        ("Patient: SMITH, John", "SMITH", "John"),
        ("Patient name: John SMITH", "SMITH", "John"),
        ("re your patient Mrs Jane O'Brien-Kaur", "O'Brien-Kaur", "Jane"),
        ("Name: Zoë Renée DUPONT", "DUPONT", "Zoë"),
        ("re Mr Leigh ROINSON DOB 10/11/99", "ROINSON", "Leigh"),
        ("PID dump SMITH^JOHN^^^MR", "SMITH", "JOHN"),
    ],
)
def test_patient_names(text: str, family: str, given: str) -> None:
    found = list(names.detect(text))
    assert [(m.value, m.extra) for m in found] == [(family, given)]


@pytest.mark.parametrize(
    "text",
    [
        "Requested by Dr Amir KHAN",
        "Authorised by: Jane DOE",
        "Regards, Mr Paul JONES",
        "Dear Dr Khan",
    ],
)
def test_staff_are_not_patients(text: str) -> None:
    assert list(names.detect(text)) == []


def test_name_column_split() -> None:
    col = pa.array(["SMITH, John", "Mrs Jane DOE", "O'NEIL^Sean", "AHMED Farah", "Madonna", ""])
    family, given = name_columns.split_column(col)
    assert family.to_pylist() == ["SMITH", "DOE", "O'NEIL", "AHMED", "Madonna", None]
    assert given.to_pylist() == ["John", "Jane", "Sean", "Farah", None, None]


def test_catalogue_terms_in_text_with_results() -> None:
    text = "His HbA1c was 64 mmol/mol and the HIV test was negative; U&E normal."
    found = [(m.kind, m.value, text[m.start : m.end]) for m in lab_tests.detect(text)]
    assert ("test", "HBA1C", "HbA1c") in found
    assert ("test_result", "HBA1C", "64") in found
    assert any(kind == "test" and span == "U&E" for kind, _, span in found)


def test_catalogue_lookup_of_cells() -> None:
    assert lab_tests.lookup("U&E") == lab_tests.lookup("Urea and electrolytes") != []
    assert lab_tests.lookup("nonsense test name") == []
    both = lab_tests.lookup("U&E; FBC")
    assert len(both) == 2


def test_paragraph_with_two_patients_gives_two_people() -> None:
    text = (
        "Patient: SMITH, John DOB 01/02/1980 NHS 401 023 2137 HbA1c 64\n"
        "Patient: JONES, Mary DOB 03/04/1975 NHS 401 023 2145 FBC"
    )
    people = people_in_text(text, "line:1")
    assert [(p.values["nhs_number"], p.values["family_name"], p.tests) for p in people] == [
        ("4010232137", "SMITH", ["HBA1C"]),
        ("4010232145", "JONES", ["FBC"]),
    ]
    assert "test_result" in people[0].exposed


def test_text_without_identity_is_no_person() -> None:
    assert people_in_text("Mr John SMITH had an FBC", "line:1") == []


def test_printed_list_row_without_labels() -> None:
    # A results summary printed to PDF: "SURNAME, Given DOB Test Result Source" per line.
    text = (
        "NHS No Patient DOB Test Result Source\n"
        "ATKINSON, Jenna 18/09/1946 HIV proviral DNA PCR Reactive Y03824\n"
        "401 023 2137 KOWALSKI, Lauren 27/02/1958 HbA1c 64 Y02057"
    )
    people = people_in_text(text, "page:1!line:1")
    got = [
        (p.values.get("nhs_number"), p.values["family_name"], p.values["date_of_birth"], p.tests)
        for p in people
    ]
    assert got == [
        (None, "ATKINSON", "1946-09-18", ["HIVDNA"]),
        ("4010232137", "KOWALSKI", "1958-02-27", ["HBA1C"]),
    ]
    assert people[0].ods_codes == ["Y03824"]


def test_a_date_away_from_a_name_is_not_a_birth_date() -> None:
    assert people_in_text("SMITH, John seen on clinic day 01/02/2024 for FBC", "line:1") == []


def test_letter_keeps_patient_and_tests_of_the_next_paragraph_together() -> None:
    from breachdesk.readers.text import paragraphs

    body = (
        "Dear team,\n\nRe: Dr Adaeze BENNETT, DOB 1973-05-22\n\n"
        "Could you confirm whether the HIV antigen was processed?\n\nKind regards,\nDr H North\n"
    )
    (record,) = paragraphs(body, prefix="part:1!")
    assert record.locator == "part:1!line:1"
    (person,) = people_in_text(record.text, record.locator)
    assert (person.values["family_name"], person.tests) == ("BENNETT", ["HIVP24"])


def test_a_pid_segment_in_a_log_line_is_read_as_hl7() -> None:
    # Interface engines log rejected messages; without an NHS number the name still identifies.
    line = (
        "2024-05-29 08:07:15,473 ERROR [ORU] Rejected MSG1 (PV1 location unknown): "
        "PID|1||G1909408^^^RJ1^MR||PALMER^Billy^^^MR||19830816|M|||||07270 945568"
    )
    (person,) = people_in_text(line, "line:7", "log")
    assert person.values == {
        "hospital_number": "G1909408",
        "family_name": "PALMER",
        "given_name": "Billy",
        "date_of_birth": "1983-08-16",
        "sex": "M",
    }
    assert sorted(person.exposed) == ["date_of_birth", "hospital_number", "name", "phone"]
    assert (person.locator, person.source) == ("line:7", "log")


def test_a_pid_segment_and_prose_give_one_person_each() -> None:
    text = "PID|1||4010232137^^^NHS^NH||PALMER^Billy||19830816|M\nNHS No 767 208 9005 HbA1c 48"
    people = people_in_text(text, "line:1")
    assert [p.values.get("nhs_number") for p in people] == ["4010232137", "7672089005"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("NHS No: 401 023 2137 Hosp No: L1234567", "L1234567"),
        ("MRN 00123456", "00123456"),
        ("Hospital number: k0012345", "K0012345"),
        ("Unit No. RJ1123456", "RJ1123456"),
        ("Hosp No: see notes", None),  # a label without a number
        ("L1234567 on the ward", None),  # a number without a label is anyone's
    ],
)
def test_hospital_numbers_by_label(text: str, value: str | None) -> None:
    from breachdesk.detect import hospital

    found = [m.value for m in hospital.detect(text)]
    assert found == ([value] if value else [])


@pytest.mark.parametrize(
    ("text", "result"),
    [
        ("Lupus anticoagulant Reported", "Reported"),
        ("Full blood count Abnormal - see comment", "Abnormal"),
        ("Blood film: normal", "normal"),
        ("Full blood count See individual results", "See individual results"),
        ("Full blood count abnormalities discussed", None),  # a word that only starts alike
    ],
)
def test_results_in_words(text: str, result: str | None) -> None:
    found = [text[m.start : m.end] for m in lab_tests.detect(text) if m.kind == "test_result"]
    assert found == ([result] if result else [])


@pytest.mark.parametrize(
    ("text", "exposed"),
    [
        ("Address: 12 Stockwell Gardens, London, SE9 9ED", True),
        ("Home address - Flat 2, 7 Manor Park", True),
        ("Address: 12345", False),  # no street: a number, not an address
        ("the address book was updated", False),  # no label
    ],
)
def test_labelled_addresses(text: str, exposed: bool) -> None:
    from breachdesk.detect import address

    assert [m.kind for m in address.detect(text)] == (["address"] if exposed else [])


def test_a_labelled_short_test_code_in_a_log() -> None:
    line = "INFO [ORU] ACK sent for MSG1 patient NHS=4010232137 DOB=19800102 STEVENS^Zainab test=UE"
    (person,) = people_in_text(line, "line:1")
    assert (person.values["nhs_number"], person.tests) == ("4010232137", ["UE"])
    assert [m.value for m in lab_tests.detect("latest=UE")] == []  # "test" only as a word


@pytest.mark.parametrize(
    ("text", "phones"),
    [
        ("Tel: 020 7946 0958", ["02079460958"]),
        ("+44 7700 900123", ["07700900123"]),
        ("Calprotectin 9 Y08390\n437 193 5486 HOPKINS", []),  # a code, a line break, a number
        ("ring 01632 960123\nthanks", ["01632960123"]),
    ],
)
def test_phone_numbers_stay_on_their_line(text: str, phones: list[str]) -> None:
    from breachdesk.detect import contact

    assert [m.value for m in contact.detect(text) if m.kind == "phone"] == phones
