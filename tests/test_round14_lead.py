"""The fourteenth round's smaller fixes: bcp's many-character field terminators, test names
clinicians write, a damaged attachment costing only itself, and two cheaper text checks."""

from __future__ import annotations

import random
from email.message import EmailMessage

from breachdesk import nhs
from breachdesk.detect import nhs_number, prefilter
from breachdesk.ingest.limits import Limits
from breachdesk.ingest.walk import Entry
from breachdesk.readers import forms
from breachdesk.scan.stage import _scan_file
from test_generalise import people_in_file

N1, N2, N3 = "4557660932", "4274295745", "4010232137"
FIELDS = ("family_name", "given_name", "date_of_birth", "nhs_number", "tests", "sensitive")


def test_bcp_multi_character_terminator_parts_fields() -> None:
    rows = [
        f"4041|~|{N1}|~|ANDERSON|~|Fiona|~|1970-05-05 00:00:00.000|~|Hepatitis C antibody|~|Pos",
        f"4042|~|{N2}|~|MACLEOD|~|Hamish|~|1955-11-29 00:00:00.000|~|Hepatitis C antibody|~|Neg",
        f"4043|~|{N3}|~|STEWART|~|Kirsty|~|1998-01-08 00:00:00.000|~|Serum hCG|~|Positive",
    ]
    assert people_in_file("vw_HepScreen.dat", "\r\n".join(rows).encode(), FIELDS) == (
        "psv",
        [
            ("ANDERSON", "Fiona", "1970-05-05", N1, "HCVAB", "hepatitis"),
            ("MACLEOD", "Hamish", "1955-11-29", N2, "HCVAB", "hepatitis"),
            ("STEWART", "Kirsty", "1998-01-08", N3, "HCG", "pregnancy"),
        ],
    )


def test_test_names_clinicians_write() -> None:
    text = (
        f"Patient: Mrs Amy JONES\nDOB: 03/11/1985\nNHS No: {N1}\n"
        "Catheter specimen of urine sent for MC&S. Cervical sample: low grade dyskaryosis.\n"
        "Sickle/Thal screen: carrier HbAS. PEth 310 ng/mL. Serum free light chain ratio 4.2.\n"
        "CELLULAR PATHOLOGY REPORT to follow.\n"
    )
    ((_, found),) = [people_in_file("letter.txt", text.encode(), ("tests", "sensitive"))]
    assert found == [("MSU;LBC;HBOP;PETH;SFLC;HISTO", "cancer;genetic;substance_misuse")]


def test_a_client_column_names_the_patient() -> None:
    table = f"Client,DOB,NHS No,Medicine\nFLETT Darren,14/09/1982,{N1},Methadone 1mg/ml\n"
    table += f"JOWETT Lisa,02/11/1990,{N2},Methadone 1mg/ml\nPRICE Amy,03/03/1970,{N3},None\n"
    assert [row[:4] for row in people_in_file("sc.csv", table.encode(), FIELDS)[1]] == [
        ("FLETT", "Darren", "1982-09-14", N1),
        ("JOWETT", "Lisa", "1990-11-02", N2),
        ("PRICE", "Amy", "1970-03-03", N3),
    ]


def test_a_damaged_attachment_costs_itself_not_the_message() -> None:
    message = EmailMessage()
    message["Subject"] = "Results"
    message.set_content(f"Patient: Mrs Amy JONES\nDOB: 03/11/1985\nNHS No: {N1}\nHbA1c 48\n")
    damaged = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n" + b"\x00" * 40
    message.add_attachment(damaged, maintype="application", subtype="pdf", filename="r.pdf")
    data = message.as_bytes()
    entry = Entry(path="m.eml", parent=None, depth=0, size=len(data), type="eml", data=data)
    problems: list[str] = []
    records = [
        row
        for table, _ in _scan_file(entry, 1, Limits(), keyed=[], problems=problems)
        for row in table.to_pylist()
    ]
    assert [(r["family_name"], r["nhs_number"], r["tests"]) for r in records] == [
        ("JONES", N1, "HBA1C")
    ]
    assert len(problems) == 1 and problems[0].startswith("part:2: ")


def test_rarer_numbers_are_tried_only_where_they_can_start() -> None:
    rng = random.Random(14)
    numbers = [nhs.generate(rng) for _ in range(6)]
    dotted = f"{numbers[1][:3]}.{numbers[1][3:6]}.{numbers[1][6:]}"
    four = f"{numbers[2][:4]} {numbers[2][4:7]} {numbers[2][7:]}"
    text = (
        f"plain {numbers[0]} and {dotted}; NHS {four}; NHS No......{numbers[3]}\n"
        f"spaced {numbers[4][:3]} {numbers[4][3:6]} {numbers[4][6:]} invoice 12345678901 "
        f"{numbers[5][:3]}-{numbers[5][3:6]}-{numbers[5][6:]}"
    )
    starts = prefilter.starts(text)
    assert starts is not None
    with_starts = [(m.start, m.value, m.rule) for m in nhs_number.detect(text, starts["nhs"])]
    without = [(m.start, m.value, m.rule) for m in nhs_number.detect(text)]
    assert with_starts == without
    assert [value for _, value, _ in without] == numbers
    # The plain numbers' starts are not among those the rarer shapes are tried at.
    tried = nhs_number._rarer_starts(text, starts["nhs"])
    rare = [text.index(dotted), text.index(four), text.index(numbers[3])]
    assert set(rare) <= set(tried)
    assert text.index(numbers[0]) not in tried and text.index(numbers[4][:3]) not in tried


def test_a_letter_with_one_comma_line_is_no_form() -> None:
    letter = "Dear Dr Okafor, I saw Mrs Jones today.\n\nHer HbA1c is 48.\n"
    assert forms.delimited_pairs(letter) is letter
    form = "Patient Name,JONES Amy\nDate of Birth,03/11/1985\n"
    assert forms.delimited_pairs(form) == "Patient Name: JONES Amy\nDate of Birth: 03/11/1985\n"


def test_a_family_id_column_is_a_key_not_a_family_name() -> None:
    table = f"Family ID,Surname,Forename,DOB,NHS Number\nF12345,OKAFOR,Grace,12/01/1962,{N1}\n"
    table += f"F12346,NOWAK,Tomasz,02/11/1975,{N2}\nF12347,KHAN,Imran,03/04/1980,{N3}\n"
    assert [row[:4] for row in people_in_file("study.csv", table.encode(), FIELDS)[1]] == [
        ("KHAN", "Imran", "1980-04-03", N3),
        ("NOWAK", "Tomasz", "1975-11-02", N2),
        ("OKAFOR", "Grace", "1962-01-12", N1),
    ]


def test_null_words_are_blank_cells_to_a_column() -> None:
    # SSMS saved its grid with no header: one NHS number NULL (a baby not yet registered).
    rows = [
        f"{N1},HARRINGTON,Rebecca,1979-02-11,HIV viral load",
        f"{N2},MISTRY,Vikram,1970-08-08,HIV viral load",
        "NULL,WALSH,Baby,2023-10-10,Bilirubin",
        f"{N3},WALSH,Deirdre,1946-03-03,Hepatitis C antibody",
    ]
    found = people_in_file("results.csv", "\r\n".join(rows).encode(), FIELDS)[1]
    assert [(row[3], row[4]) for row in found if row[3]] == [
        (N1, "HIVVL"),
        (N2, "HIVVL"),
        (N3, "HCVAB"),
    ]


def test_a_fhir_condition_gives_its_patient_kinds_and_no_test() -> None:
    import json

    condition = {"resourceType": "Condition", "subject": {"reference": "Patient/p1"}}
    bundle = {
        "resourceType": "Bundle",
        "entry": [
            {
                "resource": {
                    "resourceType": "Patient",
                    "id": "p1",
                    "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": N1}],
                    "name": [{"family": "OKAFOR", "given": ["Grace"]}],
                    "birthDate": "1962-01-12",
                }
            },
            {"resource": {**condition, "code": {"text": "HIV infection"}}},
            {"resource": {**condition, "code": {"coding": [{"code": "C50.9"}]}}},
        ],
    }
    found = people_in_file("conditions.json", json.dumps(bundle).encode(), FIELDS)
    assert found == ("fhir_json", [("OKAFOR", "Grace", "1962-01-12", N1, None, "cancer;hiv")])


def test_a_printed_forms_dotted_leader_labels_the_name() -> None:
    text = (
        "Woman\n  Name ............ Olamide BANJO\n  Date of birth ... 23/06/1991\n"
        f"  NHS number ...... {N1}\nPartner\n  Name ............ Tobi Banjo\n"
        "  Date of birth ... 11/02/1989\n"
    )
    assert people_in_file("booking.txt", text.encode(), FIELDS)[1] == [
        ("BANJO", "Olamide", "1991-06-23", N1, None, None)
    ]


def test_a_name_and_dob_cell_gives_the_name_too() -> None:
    table = "Patient (Name / DOB),NHS No,Result\n"
    table += (
        f"HALLORAN Bridget 14/02/1951,{N1},HbA1c 64\nWREN Terence 30/08/1953,{N2},FIT positive\n"
    )
    table += f"ELLIS Frank 02/01/1938,{N3},Creatinine 210\n"
    assert [row[:4] for row in people_in_file("actions.csv", table.encode(), FIELDS)[1]] == [
        ("ELLIS", "Frank", "1938-01-02", N3),
        ("HALLORAN", "Bridget", "1951-02-14", N1),
        ("WREN", "Terence", "1953-08-30", N2),
    ]
