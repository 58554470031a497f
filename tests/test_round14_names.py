"""Round 14's name faults in GP letters, nurses' notes, printed forms and clinic lists: a letter's
reader is not its patient, a note's "Given Family, DOB, NHS" opening, dot-leader labels, two-word
family names in capitals, two-word given names, and a street read as a name."""

from __future__ import annotations

import pyarrow as pa
import pytest

from breachdesk.detect import composite, dates, name_columns, names
from breachdesk.detect.text import people_in_text


def _names(text: str) -> list[tuple[str, str, str]]:
    """(family, given, the text of its span) of each name found."""
    return sorted((m.value, m.extra, text[m.start : m.end]) for m in names.detect(text))


_CHILD_LETTER = """Stonegate Surgery
21 Stonegate Road, Leeds LS6 4HZ

13 March 2024

Ms Kirsty Paterson
27 Meanwood Road
Leeds

Dear Ms Paterson,

Re: Ivy Paterson, DOB 02/02/2019, NHS No 640 876 4207

Ivy's blood tests were normal.

Yours sincerely,

Dr Manjit Sandhu
"""


def test_a_letters_reader_is_not_its_patient() -> None:
    assert _names(_CHILD_LETTER) == [("Paterson", "Ivy", "Ivy Paterson")]
    (person,) = people_in_text(_CHILD_LETTER, "line:1")
    assert (person.values["family_name"], person.values["given_name"]) == ("Paterson", "Ivy")
    assert person.values["nhs_number"] == "6408764207"
    assert person.values["date_of_birth"] == "2019-02-02"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A carer with another family name, named in the salutation; the subject as "Patient:".
        (
            "Mr Alan Brooks\n4 Elm Road\n\nDear Alan Brooks,\n\nPatient: Mrs Edna Farrow "
            "DOB 01/05/1931\n",
            [("Farrow", "Edna", "Edna Farrow")],
        ),
        # The subject line above the salutation.
        (
            "Mrs Joan Pike\n2 Hill Top\n\nRe: Oliver Pike, DOB 03/04/2018\n\nDear Mrs Pike,\n",
            [("Pike", "Oliver", "Oliver Pike")],
        ),
        # A letter to the patient names them twice, and keeps both.
        (
            "Mrs Grace Okafor\n1 Elm Road\n\nDear Mrs Okafor,\n\nRe: Grace Okafor, DOB "
            "12/01/1962\n",
            [("Okafor", "Grace", "Grace Okafor"), ("Okafor", "Grace", "Grace Okafor")],
        ),
        # An initial is the same given name.
        (
            "Mrs Grace Okafor\n\nDear Mrs Okafor,\n\nRe: Mrs G. Okafor, DOB 12/01/1962\n",
            [("Okafor", "G", "G. Okafor"), ("Okafor", "Grace", "Grace Okafor")],
        ),
        # No subject line: the addressee is the patient.
        (
            "Mrs Grace Okafor\n1 Elm Road\n\nDear Mrs Okafor,\n\nYour results were normal.\n",
            [("Okafor", "Grace", "Grace Okafor")],
        ),
    ],
)
def test_addressee_and_subject(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert _names(text) == expected


def test_a_mail_merges_letters_are_read_one_by_one() -> None:
    letter = (
        "Ms {reader} Hale\n\nDear Ms Hale,\n\nRe: {child} Hale, DOB 0{n}/02/2019\n\n"
        "Results normal.\n\n"
    )
    text = letter.format(reader="Kirsty", child="Ivy", n=1) + letter.format(
        reader="Dawn", child="Ruby", n=2
    )
    assert _names(text) == [("Hale", "Ivy", "Ivy Hale"), ("Hale", "Ruby", "Ruby Hale")]


def test_a_notes_paragraph_opening_with_name_dob_and_nhs() -> None:
    text = (
        "Visited Mrs Edith Moorcroft (DOB 03/03/1929) at home.\n\n"
        "Stanley Hird, 21/10/1934, NHS 426 488 7097. INR 3.9. Wife Pauline aware.\n"
    )
    assert _names(text) == [
        ("Hird", "Stanley", "Stanley Hird"),
        ("Moorcroft", "Edith", "Edith Moorcroft"),
    ]
    people = people_in_text(text, "line:1")
    hird = next(p for p in people if p.values.get("nhs_number") == "4264887097")
    assert (hird.values["family_name"], hird.values["given_name"]) == ("Hird", "Stanley")
    assert hird.values["date_of_birth"] == "1934-10-21"


@pytest.mark.parametrize(
    "text",
    [
        "Stanley Hird, 21/10/1934. INR 3.9",  # no NHS number: the lists must know both words
        "Ward Round, 21/10/2024, NHS 426 488 7097",  # "Ward" is no given name
        "Stanley James, 21/10/1934, NHS 426 488 7097",  # two given names: which is which?
    ],
)
def test_no_name_without_its_evidence(text: str) -> None:
    assert _names(text) == []


def test_dot_leader_labels_and_a_partners_block() -> None:
    text = (
        "Woman\n  Name ............ Olamide BANJO\n  Date of birth ... 23/06/1991\n"
        "Partner\n  Name ............ Tobi Banjo\n  Date of birth ... 11/02/1989\n"
        "Mother's details\n  Name: Ada Eze\n"
        "Patient name ......: Emma THWAITE\n"
    )
    assert _names(text) == [
        ("BANJO", "Olamide", "Olamide BANJO"),
        ("THWAITE", "Emma", "Emma THWAITE"),
    ]


@pytest.mark.parametrize(
    ("text", "family", "given"),
    [
        ("Ms Penelope ST JOHN  DOB 23/04/1969", "ST JOHN", "Penelope"),
        ("Patient: Penelope ST JOHN", "ST JOHN", "Penelope"),
        ("Mr Sean O BRIEN (DOB 01/02/1960)", "O BRIEN", "Sean"),
        ("Mr John Mc DONALD, NHS 943 476 5919", "Mc DONALD", "John"),
        ("Ms Penelope St John, DOB 01/01/1970", "St John", "Penelope"),
        ("Mrs Ana DE SOUZA", "DE SOUZA", "Ana"),
        ("Mr Piet VAN DER BERG", "VAN DER BERG", "Piet"),
    ],
)
def test_two_word_family_names(text: str, family: str, given: str) -> None:
    ((found_family, found_given, span),) = _names(text)
    assert (found_family, found_given) == (family, given)
    assert span.endswith(family)


def test_a_middle_name_after_a_family_name_in_capitals_is_not_joined() -> None:
    assert _names("Mr John STONE JOHN DOB 01/01/1970") == [("STONE", "John", "John STONE")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 High Street, DOB 12/01/1962", []),
        ("Address: 14 Station Road, DOB 12/01/1962", []),
        ("Flat 2, 12 Mill Lane, NHS 943 476 5919", []),
        (
            "Mrs Grace Okafor, 1 High Street, DOB 12/01/1962",
            [("Okafor", "Grace", "Grace Okafor")],
        ),
        # A street's word that is also a family name, with no house number: a name.
        ("Grace Lane, DOB 12/01/1962", [("Lane", "Grace", "Grace Lane")]),
    ],
)
def test_a_street_is_no_name(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert _names(text) == expected


def test_two_word_given_names_in_a_name_column() -> None:
    values = pa.array(
        ["NGUYEN, Thi Lan", "RAHMAN, Abdul Karim", "OKAFOR, Grace Mary", "TRAN, Thi", None]
    )
    family, given = name_columns.split_column(values)
    assert family.to_pylist() == ["NGUYEN", "RAHMAN", "OKAFOR", "TRAN", None]
    assert given.to_pylist() == ["Thi Lan", "Abdul Karim", "Grace", "Thi", None]
    filled = name_columns.split_column_filled(values)
    assert filled is not None
    assert filled[1].to_pylist() == ["Thi Lan", "Abdul Karim", "Grace", "Thi", None]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Penelope ST JOHN DOB 23/04/1969", [("ST JOHN", "Penelope", "Penelope ST JOHN")]),
        ("Sean O BRIEN, NHS 943 476 5919", [("O BRIEN", "Sean", "Sean O BRIEN")]),
        ("Dr Penelope ST JOHN DOB 23/04/1969", []),  # a clinician
        ("seen ST JOHN DOB 23/04/1969", []),  # no given name before it
    ],
)
def test_two_word_family_names_before_a_label(
    text: str, expected: list[tuple[str, str, str]]
) -> None:
    assert _names(text) == expected


def test_a_date_of_birth_column_with_the_name_in_its_cells() -> None:
    values = pa.array(["HALLORAN Bridget 14/02/1951", "WREN Terence 30/08/1953", "14/02/1951"])
    parsed = dates.parse_column(values)
    found = composite.split(values, "date_of_birth", parsed, with_name=True)
    assert found is not None
    assert found["full_name"].to_pylist() == ["HALLORAN Bridget", "WREN Terence", None]
    assert found["date_of_birth"].to_pylist() == ["1951-02-14", "1953-08-30", "1951-02-14"]
    # Without asking, the column's names are not given (the caller has a name column).
    plain = composite.split(values, "date_of_birth", parsed)
    assert plain is not None and "full_name" not in plain
    # Dates alone hold no name.
    only = pa.array(["14/02/1951 (F)", "30/08/1953"])
    found = composite.split(only, "date_of_birth", dates.parse_column(only), with_name=True)
    assert found is None or "full_name" not in found


def test_two_word_given_names_in_a_long_name_column() -> None:
    # More distinct cells than the per-cell path takes: the column is read with Arrow's regexes.
    many = [f"SMITH{chr(65 + i % 26)}{chr(65 + i // 26 % 26)}{i // 676}, John" for i in range(2100)]
    values = pa.array(["NGUYEN, Thi Lan", "RAHMAN, Abdul Karim", "TRAN, Thi", *many])
    family, given = name_columns.split_column(values)
    assert family.to_pylist()[:3] == ["NGUYEN", "RAHMAN", "TRAN"]
    assert given.to_pylist()[:4] == ["Thi Lan", "Abdul Karim", "Thi", "John"]
