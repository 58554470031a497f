"""Grouping in a thirteenth round: a two-column banner is one person; the postcodes, addresses,
phone numbers and e-mail addresses of a letterhead, a GP, an addressee, a next of kin, a
signature or a caller are not the patient's, and the patient's own labelled one is; a page of
two reports keeps each report's tests. Each text gives exactly its people and facts."""

from __future__ import annotations

import pytest

from breachdesk.detect.text import people_in_text

A, B, C = "4557660932", "4274295745", "4010232137"


def _people(text: str) -> list[tuple[str | None, ...]]:
    return [
        (
            p.values.get("family_name"),
            p.values.get("given_name"),
            p.values.get("date_of_birth"),
            p.values.get("nhs_number"),
            p.values.get("hospital_number"),
            ";".join(p.tests) or None,
        )
        for p in people_in_text(text, "line:1")
    ]


def _contacts(text: str) -> list[tuple[str | None, str | None, bool, bool, bool]]:
    return [
        (
            p.values.get("family_name"),
            p.values.get("postcode"),
            "address" in p.exposed,
            "phone" in p.exposed,
            "email" in p.exposed,
        )
        for p in people_in_text(text, "line:1")
    ]


# --- 1. A two-column banner: the name and hospital number over the date of birth and NHS number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "ROYAL EXAMPLE HOSPITAL - CELLULAR PATHOLOGY\n\n"
            "Patient:  BELLWOOD, Harriet Mae        Hospital No: RXH6655001\n"
            "DOB:      21.03.1952                       NHS No: 455 766 0932\n"
            "Specimen: Left breast core biopsy\n\n"
            "HER2 immunohistochemistry 2+ ; ISH to follow.\n",
            [("BELLWOOD", "Harriet", "1952-03-21", A, "RXH6655001", "HISTO;HER2")],
        ),
        # The number's line above the name's
        (
            f"DOB: 04/05/1961   NHS No: {B}\nPatient: QUENNELL, Arthur   MRN: K7730021\n",
            [("QUENNELL", "Arthur", "1961-05-04", B, "K7730021", None)],
        ),
        # A handover's two lines, each naming its own patient, stay two people
        (
            "Gentamicin trough 3.1 on Dylan Marsh (MRN K4410982)\n"
            f"INR 7.2 for Edna Scarrow (NHS {A})",
            [
                ("Marsh", "Dylan", None, None, "K4410982", "GENTA"),
                ("Scarrow", "Edna", None, A, None, "INR"),
            ],
        ),
        # Each line with a date of birth of its own: two people, not one
        (
            f"Name: HOLLIER, Anne  DOB 01/02/1960  MRN K1234567\nDOB: 03/04/1970  NHS No: {C}\n",
            [
                ("HOLLIER", "Anne", "1960-02-01", None, "K1234567", None),
                (None, None, "1970-04-03", C, None, None),
            ],
        ),
    ],
)
def test_banner_lines_are_one_person(text: str, expected: list[tuple[str | None, ...]]) -> None:
    assert _people(text) == expected


# --- 2. Postcodes and addresses: the patient's own, not the letterhead's, GP's or next of kin's


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A letterhead and a GP's block above, the patient's labelled address below
        (
            "St Example's Hospital\nUpper Lane, Sherford SF3 9PQ\nSwitchboard 01632 960 777\n"
            "Dr Rachel Mistry\nParkside Medical Centre\n22 Park Road\nSherford SF1 2AB\n"
            "DISCHARGE SUMMARY\nPatient Surname: ODUWOLE Patient Forename: Michael\n"
            f"Date of birth: 05/06/1962 NHS No: {A}\n"
            "Address: Flat 3, 77 Bridge Street, Sherford SF2 6RR\n",
            [("ODUWOLE", "SF2 6RR", True, False, False)],
        ),
        # The GP's line is the only one with a postcode
        (
            f"Patient: PRZYBYLA, Katarzyna (Mrs) DOB: 22-Aug-1949 NHS: {C}\n"
            "GP: Dr A. Fenwick, Castle Street Surgery, Harrowby HB2 3LE\nSodium 131 mmol/L\n",
            [("PRZYBYLA", None, False, False, False)],
        ),
        # The next of kin's line, and a GP's in a right-hand column
        (
            f"Name: GILLANDERS Rory DOB: 03/01/1949 NHS No: {B}\n"
            "Next of kin: Mrs Deirdre Gillanders (wife), 20 Hawthorn Ave, Carlisle CA2 5JT, "
            "tel 01228 960 331\n",
            [("GILLANDERS", None, False, False, False)],
        ),
        (
            "Patient GP / Referrer\nMr Callum RIGSBY Dr Hamid Siddiq\n"
            "DOB 14/06/1989 Dale View Surgery, Keighley BD21 4LZ\n"
            f"NHS {A} Practice B82031\n",
            [("RIGSBY", None, False, False, False)],
        ),
        # A footer printed on the report
        (
            f"Surname: HALLWORTH  Forename: Bridget  DOB: 14/02/1971  NHS No: {A}\n"
            "Sodium 138 mmol/L\n"
            "Printed 15/03/2024 Page 1 of 1 Northgate General Hospital, Ferry Road, NG4 7TL\n",
            [("HALLWORTH", None, False, False, False)],
        ),
        # An addressee's block, the patient's address on the line under the "Re:" line
        (
            "Dr Lionel Ashcombe\n14 Christie Road\nManchester M20 4BX\n\nDear Dr Ashcombe,\n"
            f"Re: Mrs Gwendolyn PEARSALL DOB 09/09/1957 NHS No {C}\n"
            " 12 Orchard Walk, Didsbury, Manchester M20 6TT\n",
            [("PEARSALL", "M20 6TT", False, False, False)],
        ),
        # A letterhead that says nothing of whose it is, above a letter's greeting to a doctor
        (
            "Acme Diagnostics Ltd\n1 Ferry Road\nNorthgate NG4 7TL\n\nDear Dr Okafor,\n\n"
            f"Re: Mr Tobias ELLERBY, DOB 01/02/1960, NHS {A}\nHb 98 g/L.\n",
            [("ELLERBY", None, False, False, False)],
        ),
        # A letter to the patient: the address above its greeting is theirs
        (
            "Mrs Joan Pettifer\n4 Elm Road\nLeeds LS1 4AB\n\nDear Mrs Pettifer,\n\n"
            f"Your blood test (NHS number {B}) showed a ferritin of 6 ug/L.\n",
            [("Pettifer", "LS1 4AB", False, False, False)],
        ),
        # A street named after a hospital is still the patient's street
        (
            f"Patient: Miss Ffion LLEWELLYN, DOB 30.09.2002, NHS {B}\n"
            "12 Hospital Road, Whitecliffe WC3 7PL\n",
            [("LLEWELLYN", "WC3 7PL", False, False, False)],
        ),
        # The labelled address's postcode before another written earlier
        (
            f"Patient: Mr Osian TREHARNE, DOB 02/03/1970, NHS {C}, seen at 3 Kings Road LS2 9JT\n"
            "Address: 4 Elm Road, Leeds LS1 4AB\n",
            [("TREHARNE", "LS1 4AB", True, False, False)],
        ),
        # A practice's labelled address is not the patient's
        (
            f"Patient: Mr Osian TREHARNE, DOB 02/03/1970, NHS {C}\n"
            "Practice address: 4 Elm Road, Leeds LS1 4AB\n",
            [("TREHARNE", None, False, False, False)],
        ),
    ],
)
def test_postcode_is_the_patients(
    text: str, expected: list[tuple[str | None, str | None, bool, bool, bool]]
) -> None:
    assert _contacts(text) == expected


# --- 3. Phone numbers and e-mail addresses: a signature's, a caller's, a relative's are not his


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Could you check the LFTs for the patient below?\n\n"
            f"Name: Eustace Fairbairn\nDOB: 12/09/1944\nNHS No: {A}\n\nMany thanks\nGemma\n\n"
            "Gemma Thorpe\nWard Sister, Ward 8A\nRoyal Example Hospital\n"
            "Tel: 01273 696955 ext 4412\ngemma.thorpe@example.org\n",
            [("Fairbairn", None, False, False, False)],
        ),
        (
            "Caller: Harriet Mbeki (Blood Sciences Lab Manager)\nCaller phone: 01273 523311\n\n"
            "A potassium result filed against patient ABBOTSON, Lionel (DOB 02/11/1950, MRN "
            "RXH0021455)\n",
            [("ABBOTSON", None, False, False, False)],
        ),
        (
            f"Visit today to Mr Olubi (DOB 28/02/1937, NHS {B}) at\n5 Hangleton Way, Hove BN3 8EQ."
            " INR 4.8. His daughter Ms Funmi Olubi (07700 900221) is his main carer.\n",
            [("Olubi", "BN3 8EQ", False, False, False)],
        ),
        # The patient's own numbers and e-mail address under their address
        (
            f"Name: Joan Prewett\nDOB: 12/09/1944\nNHS No: {C}\n"
            "Address: 4 Elm Road, Leeds LS1 4AB\nTel: 07700 900123\n"
            "Email: joan.prewett@example.com\n",
            [("Prewett", "LS1 4AB", True, True, True)],
        ),
        # A Scottish CHI number is not a phone number
        (
            "Surname:\tDALGLEISH\t\tForename:\tHamish\nD.O.B.:\t1959-12-07\n"
            "CHI:\t0712598804\t\tUnit No:\tQ449021\n",
            [("DALGLEISH", None, False, False, False)],
        ),
    ],
)
def test_contact_is_the_patients(
    text: str, expected: list[tuple[str | None, str | None, bool, bool, bool]]
) -> None:
    assert _contacts(text) == expected


# --- 4. Two reports on one page, each with its own tests


def test_two_reports_on_one_page_keep_their_tests() -> None:
    text = (
        "CLINICAL CHEMISTRY Ward: 4C\n"
        "Name: ARKWRIGHT, Colin DOB: 04/04/1955 MRN: F8812093\n"
        "Lithium 1.4 mmol/L H\nSodium 141 mmol/L\nTSH 6.8 mU/L H\n"
        "Authorised by: K. FARNSWORTH, Principal Clinical Scientist\n"
        "CLINICAL CHEMISTRY Ward: 4C\n"
        "Name: PETRIDES, Eleni DOB: 27/09/1990 MRN: F1029933\n"
        "Progesterone 45 nmol/L\n"
        "Authorised by: K. FARNSWORTH, Principal Clinical Scientist\n"
    )
    assert _people(text) == [
        ("ARKWRIGHT", "Colin", "1955-04-04", None, "F8812093", "LITH;NA;TSH"),
        ("PETRIDES", "Eleni", "1990-09-27", None, "F1029933", "PROG"),
    ]
