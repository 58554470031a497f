"""Round 13's table faults: a headerless export's patient names beside its identifiers (not a
clinician's further along), forenames with middle names, and the GP's name and address columns
kept from the patient's."""

from __future__ import annotations

import pyarrow as pa
import pytest

from breachdesk.detect import columns, given_names
from breachdesk.detect.columns import header_kind, type_columns
from test_generalise import A, B, C, people_in_file

# Valid NHS number (Modulus 11, England range), invented, beside the shared three.
D = "4390248367"
NAMES = ("family_name", "given_name", "date_of_birth", "nhs_number")


def test_headerless_patient_pair_beside_the_date_of_birth_beats_a_later_staff_pair() -> None:
    # The patients' surnames are mostly in none of the lists (one, GREENWOOD, is a family
    # name in one); the clinicians' are all well known: the pair beside the identifiers wins.
    rows = [
        "RX1100001,GREENWOOD,Eleanor,12/01/1962,F,HCV Ab,Reactive,CLARKE,Priya,Hepatology",
        "RX1100002,SUTCLIFFE,Callum,03/07/1955,M,HIV viral load,<20 copies/mL,HUGHES,Tomasz,GUM",
        "RX1100003,ACKROYD,Joan,28/02/1939,F,Full blood count,See report,EDWARDS,Louise,GP",
        "RX1100004,HOLROYD,Hamish,14/05/1960,M,PSA,4.4,WILSON,Ann,Urology",
    ]
    data = ("\n".join(rows) + "\n").encode()
    assert people_in_file("extract.csv", data, NAMES[:3])[1] == [
        ("ACKROYD", "Joan", "1939-02-28"),
        ("GREENWOOD", "Eleanor", "1962-01-12"),
        ("HOLROYD", "Hamish", "1960-05-14"),
        ("SUTCLIFFE", "Callum", "1955-07-03"),
    ]


def test_name_columns_must_be_neighbours_and_the_nearest_pair_wins() -> None:
    patients = {1: ["GREENWOOD", "SUTCLIFFE", "ACKROYD"], 2: ["Eleanor", "Callum", "Joan"]}
    staff = {7: ["CLARKE", "HUGHES", "EDWARDS"], 8: ["Priya", "Tomasz", "Louise"]}
    assert given_names.name_columns(patients | staff, anchors=[0, 3]) == (1, 2)
    # Given names first, family names after: either order is a pair.
    assert given_names.name_columns({4: staff[8], 5: staff[7]}, anchors=[3]) == (5, 4)
    # With no identifier near it, the weaker pair is no pair; the sure one far off still is.
    assert given_names.name_columns(patients | staff, anchors=[9]) == (7, 8)
    assert given_names.name_columns(patients, anchors=[9]) is None
    # Known family and given names apart from each other are not a pair.
    assert given_names.name_columns({1: staff[7], 3: staff[8]}, anchors=[0]) is None


def test_forenames_with_a_middle_name_keep_the_columns_names() -> None:
    rows = [
        (A, "OKAFOR", "GRACE", "19620112", "HIV 1+2 Ag/Ab"),
        (B, "NOWAK", "TOMASZ PIOTR", "19751102", "Hep C antibody"),
        (C, "SMITH", "JOHN", "19500723", "PSA"),
        (D, "CLARKE", "ELEANOR", "19880405", "HbA1c"),
    ]
    data = "".join(",".join(f'"{c}"' for c in r) + "\n" for r in rows).encode()
    assert people_in_file("extract.csv", data, NAMES)[1] == [
        ("CLARKE", "ELEANOR", "1988-04-05", D),
        ("NOWAK", "TOMASZ PIOTR", "1975-11-02", B),
        ("OKAFOR", "GRACE", "1962-01-12", A),
        ("SMITH", "JOHN", "1950-07-23", C),
    ]


def test_a_column_mostly_of_several_words_is_no_name_column() -> None:
    family = ["OKAFOR", "NOWAK", "SMITH", "CLARKE"]
    assert given_names.name_columns({1: family, 2: ["GRACE", "JOHN", "ANN", "LOUISE"]}) == (1, 2)
    # Tests ("Total PSA") or wards ("Lister Ward"), most cells two words: not forenames.
    several = ["Grace Ward", "John Ward", "Ann Ward", "Louise"]
    assert given_names.name_columns({1: family, 2: several}, anchors=[0]) is None
    # A cell of four words, or of a word and a number, is no name.
    assert (
        given_names.name_columns({1: family, 2: ["GRACE", "JOHN", "ANN", "MARY JO ANN LEE"]})
        is None
    )
    assert given_names.name_columns({1: family, 2: ["GRACE", "JOHN", "ANN", "LOUISE 2"]}) is None


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("GP Name", "clinician"),
        ("GP Surname", "clinician"),
        ("GP Forename", "clinician"),
        ("Referrer Name", "clinician"),
        ("REG_GP", "requester"),
        ("GP Practice", "requester"),
        ("Referring GP", "requester"),
        ("Patient Surname", "family_name"),
        ("Patient Forename", "given_name"),
    ],
)
def test_gp_and_referrer_columns_are_never_the_patients_name(header: str, kind: str) -> None:
    assert header_kind(header) == kind


def test_gp_columns_before_the_patients_give_the_patient() -> None:
    data = (
        b"GP Name,GP Practice,Patient Surname,Patient Forename,Date of Birth,NHS Number,Test\n"
        b"Dr Lucy HAWTHORNE,Fairfield Surgery,OKAFOR,Grace,1962-01-12,4557660932,HIV Ag/Ab\n"
        b"Dr Lucy HAWTHORNE,Fairfield Surgery,NOWAK,Tomasz,1975-11-02,4274295745,PSA\n"
    )
    assert people_in_file("export.csv", data, NAMES)[1] == [
        ("NOWAK", "Tomasz", "1975-11-02", B),
        ("OKAFOR", "Grace", "1962-01-12", A),
    ]


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("GP Address", "requester"),
        ("GP_ADDRESS", "requester"),
        ("GP Postcode", "requester"),
        ("Surgery Address", "requester"),
        ("Practice Postcode", "requester"),
        ("Hospital Address", "requester"),
        ("Referring Hospital Postcode", "requester"),
        ("Requester Address", "requester"),
        ("GP Email", "requester"),
        ("Consultant Email", "clinician"),
        ("NOK Address", "relative"),
        ("Next of Kin Postcode", "relative"),
        ("Address", "address"),
        ("Patient Address", "address"),
        ("Home Postcode", "postcode"),
        ("Service User Address", "address"),
        ("Patient Phone", "phone"),
    ],
)
def test_addresses_of_others_are_not_the_patients(header: str, kind: str) -> None:
    assert header_kind(header) == kind


def test_the_gp_address_gives_no_postcode_to_the_patient() -> None:
    head = "Patient Name,Hospital Number,Date of Birth,Test Requested,Result,GP Name,GP Address\n"
    rows = (
        '"OKAFOR, Grace (Mrs)",B0011223,12/01/1962,HbA1c,52,"DR PETER WALSH",'
        '"The Surgery, 1 High St, Keighley BD21 3RT"\n'
        '"NOWAK, Tomasz (Mr)",B0011224,02/11/1975,PSA,1.2,"DR SARAH LEE",'
        '"Moor Lane Medical Centre, Bingley BD16 2QE"\n'
    )
    fields = ("family_name", "given_name", "hospital_number", "postcode")
    assert people_in_file("list.csv", (head + rows).encode(), fields)[1] == [
        ("NOWAK", "Tomasz", "B0011224", None),
        ("OKAFOR", "Grace", "B0011223", None),
    ]
    # The patient's own address column still gives theirs.
    own = head.replace("GP Address", "Address")
    assert [p[3] for p in people_in_file("list.csv", (own + rows).encode(), fields)[1]] == [
        "BD16 2QE",
        "BD21 3RT",
    ]
    header = ["Patient Name", "GP Address", "Postcode"]
    columns = [pa.array(["OKAFOR, Grace"] * 3), pa.array(["x"] * 3), pa.array(["LS6 2QB"] * 3)]
    assert type_columns(header, columns) == ["full_name", "requester", "postcode"]


def test_a_header_names_a_test_only_while_it_is_a_few_words() -> None:
    # A sentence in a header row is no test's name with its units; the tails stay bounded.
    assert columns._test_of_header("HbA1c (mmol/mol)") == "HBA1C"
    assert columns._test_of_header("Haemoglobin A1c (mmol/mol) - Value") == "HBA1C"
    assert columns._test_of_header("HbA1c (mmol/mol)" + " " * columns.LONGEST_TEST_HEADER) is None
