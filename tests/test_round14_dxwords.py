"""Diagnoses written in words give a person their sensitive kinds, in text and in a table's cells
(cancer, pregnancy, substance misuse, HIV, hepatitis, sexual health, genetic, mental health):
negated investigations still count, a denied habit, a relative's condition, a hypothetical and
an organisation's name do not. And the test-name slips of the same review: hCG headers with a
time point, a tumour's EGFR, a man's hCG, liquid-based cytology of another site; HL7 DG1
segments, FHIR Conditions and a document's unnamed parts carry diagnoses."""

from __future__ import annotations

import csv
import io
import random
import zipfile

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from breachdesk.catalogue import SENSITIVE_KINDS
from breachdesk.detect import columns, diagnosis_cells, diagnosis_words, fhir, hl7, lab_tests
from breachdesk.detect.hl7 import sensitive_map
from breachdesk.detect.records import PersonRecord, add_to_row, rows_to_tables
from breachdesk.detect.tables import records_from_table
from breachdesk.detect.text import people_in_lines, people_in_text
from breachdesk.ingest.limits import Limits
from breachdesk.ingest.sniff import sniff_data
from breachdesk.ingest.walk import Entry
from breachdesk.readers import hl7v2
from breachdesk.readers.base import Record, Table
from breachdesk.scan.owner import Unowned, give_unowned, one_person
from breachdesk.scan.stage import _scan_file

# Valid NHS numbers (Modulus 11, England range), invented.
A, B, C, D = "4557660932", "4274295745", "4010232137", "4390248367"


def _found(text: str) -> list[tuple[str, str, str]]:
    return [(text[m.start : m.end], m.rule, m.extra) for m in diagnosis_words.detect(text)]


# --- The vocabulary ---------------------------------------------------------------------------


def test_every_term_is_a_known_kind_with_a_cited_source() -> None:
    path = diagnosis_words.resources.files("breachdesk") / "data" / "diagnosis_words.csv"
    text = path.read_text(encoding="utf-8")
    legend = {line.split()[1] for line in text.splitlines() if line.startswith("#   ")}
    rows = list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))
    assert len(rows) == len(diagnosis_words.vocabulary()[0]) >= 200
    assert {row["source"] for row in rows} <= legend
    kinds = {row["kind"] for row in rows}
    assert kinds <= set(SENSITIVE_KINDS)
    wanted = {"cancer", "pregnancy", "substance_misuse", "hiv", "hepatitis", "sexual_health"}
    assert wanted | {"genetic", "mental_health"} <= kinds
    assert "NICE NG12" in text and "Orange Book" in text and "ICD-O-3" in text


# --- Text -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # cancer: morphology words whole, staging, referral and treatment words
        (
            "EBUS-TBNA stn 7: adenocarcinoma, TTF1+",
            [("adenocarcinoma", "term carcinoma", "cancer")],
        ),
        ("Pleural biopsy: mesothelioma", [("mesothelioma", "term mesothelioma", "cancer")]),
        ("Myeloma - paraprotein 12 g/L", [("Myeloma", "term myeloma", "cancer")]),
        ("CML on imatinib", [("CML", "term CML", "cancer")]),
        ("Rectal adenocarcinoma, liver mets on CT", [
            ("adenocarcinoma", "term carcinoma", "cancer"), ("mets", "term mets", "cancer")]),
        ("T2bN2M0 stage IIIA. Refer oncology.", [
            ("T2bN2M0", "term TNM stage", "cancer"),
            ("Refer oncology", "term oncology referral", "cancer")]),
        ("2WW referral - suspected cancer", [
            ("2WW", "term two-week-wait", "cancer"),
            ("suspected cancer", "term suspected cancer", "cancer")]),
        ("Breast cancer (C50.9) on tamoxifen", [("cancer", "term cancer", "cancer")]),
        ("Ca breast 2019, mother breast ca", [("Ca breast", "term site ca", "cancer")]),
        ("TURBT - bladder tumour", [("TURBT", "term TURBT", "cancer")]),
        ("Wire-guided excision L breast - B5a DCIS", [("DCIS", "term DCIS", "cancer")]),
        ("LLETZ - CIN3 on colposcopic biopsy", [("CIN3", "term CIN2/3", "cancer")]),
        # a negated investigation still tells of it
        ("Bronchoscopy: no malignancy; AFB negative",
         [("malignancy", "term malignancy (negated)", "cancer")]),
        # pregnancy
        ("G2P1 - currently 14/40 pregnant", [
            ("G2P1", "term gravida/para", "pregnancy"),
            ("14/40", "term gestation N/40", "pregnancy"),
            ("pregnant", "term pregnancy", "pregnancy")]),
        ("Currently 20 weeks pregnant.", [("pregnant", "term pregnancy", "pregnancy")]),
        ("Surgical management of miscarriage", [("miscarriage", "term miscarriage", "pregnancy")]),
        ("Suboptimal rise ?ectopic - methotrexate",
         [("ectopic", "term ectopic pregnancy", "pregnancy")]),
        ("Referred for surgical TOP at 9 weeks",
         [("TOP", "term termination of pregnancy", "pregnancy")]),
        ("EDD by scan 21/09/2025", [("EDD", "term EDD", "pregnancy")]),
        ("Delivered at 39+2 weeks", [("39+2 weeks", "term gestation in weeks", "pregnancy")]),
        ("Hb 104, D-dimer not done (pregnant)",
         [("pregnant", "term pregnancy (negated)", "pregnancy")]),
        # substance misuse
        ("Alcohol withdrawal - CIWA 14", [
            ("Alcohol withdrawal", "term alcohol withdrawal", "substance_misuse"),
            ("CIWA", "term alcohol withdrawal", "substance_misuse")]),
        ("Acute pancreatitis (EtOH) - Glasgow 3", [("EtOH", "term EtOH", "substance_misuse")]),
        ("booking bloods + HCV Ab (previous IVDU)", [
            ("booking", "term booking", "pregnancy"), ("HCV", "term HCV", "hepatitis"),
            ("IVDU", "term injecting drug use", "substance_misuse")]),
        ("Ex-PWID, on methadone 60mg", [
            ("PWID", "term injecting drug use", "substance_misuse"),
            ("methadone", "term methadone", "substance_misuse")]),
        ("wife reports alcohol excess", [
            ("alcohol excess", "term alcohol excess", "substance_misuse")]),
        # HIV, hepatitis, sexual health, genetic, mental health
        ("Known HIV positive on ART", [
            ("HIV positive", "term HIV positive", "hiv"),
            ("on ART", "term antiretroviral therapy", "hiv")]),
        ("PLWH, CD4 480", [("PLWH", "term people living with HIV", "hiv")]),
        ("Chronic hep B carrier", [("Chronic hep B", "term chronic viral hepatitis", "hepatitis")]),
        ("Referred to GUM", [("GUM", "term GUM", "sexual_health")]),
        ("HbAS (sickle carrier) - partner testing offered", [
            ("HbAS", "term haemoglobinopathy", "genetic"),
            ("sickle carrier", "term sickle cell", "genetic")]),
        ("BRCA2 pathogenic variant identified",
         [("pathogenic variant", "term pathogenic variant", "genetic")]),
        ("Paranoid schizophrenia, on depot", [
            ("schizophrenia", "term schizophrenia", "mental_health")]),
        # not taken: a relative's, a family history, a denied habit, a hypothetical, a "non-"
        ("2 cm lump R breast, mother had ovarian ca at 48", []),
        ("Family history: breast cancer, bowel cancer", []),
        ("FH: mother breast ca. PMH: HIV positive", [
            ("HIV positive", "term HIV positive", "hiv")]),
        ("mother has HIV; sister lymphoma", []),
        ("Breast cancer (mother)", []),
        ("HIV positive partner", []),
        ("No alcohol excess, denies IVDU", []),
        ("IVDU: denied. Recreational drugs none", []),
        ("No history of depression", []),
        ("If pregnant please tell the radiographer", []),
        ("Reference ranges not applicable in pregnancy", []),
        ("Non-alcoholic fatty liver disease", []),
        ("Non-malignant", []),
        # not taken: an organisation's or a ward's name, a nurse, an address
        ("Ward: Cancer Centre, Guy's", []),
        ("Macmillan Cancer Support; Macmillan CNS", []),
        ("Department of Oncology, St Thomas' Hospital", []),
        # not taken: what the same letters mean elsewhere
        ("BACK TO TOP", []),
        ("On top of the list", []),
        ("EDD 16/03 - awaiting OT", []),  # a ward's expected date of discharge
        ("4 METs exercise tolerance", []),
        ("Frequent ventricular ectopics", []),
        ("Malignant hyperthermia: no family history", []),
        ("Neuroleptic malignant syndrome", []),
        ("AUDIT score 14/40", []),
        ("EtOH 10u/wk", []),
        ("ST depression in V4", []),
        ("Walking aids; hearing AIDS", []),
        ("BCC: someone@example.com", []),
        ("Hep B vaccination course completed", []),
        ("BuTrans patch (buprenorphine) 10 micrograms/hour", []),
    ],
)  # fmt: skip
def test_text(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert _found(text) == expected


def test_offsets_stay_the_texts_where_it_is_not_ascii() -> None:
    text = "Zoë – Ms Zoë Ò, adenocarcinoma"
    assert _found(text) == [("adenocarcinoma", "term carcinoma", "cancer")]


def test_a_flood_of_terms_is_read_up_to_a_budget() -> None:
    text = "cancer " * 100_000 + "\nLast line: 14/40 pregnant"
    found = list(diagnosis_words.detect(text))
    assert 4096 < len(found) <= len(text) // 32 + 4096
    assert {m.extra for m in found} == {"cancer"}


def test_lab_tests_detect_yields_them_and_cell_lookups_do_not() -> None:
    found = list(lab_tests.detect("Mesothelioma, PSA 14.2 ug/L"))
    assert [(m.kind, m.detector, m.rule) for m in found] == [
        ("test", "lab_tests", "catalogue"),
        ("test_result", "lab_tests", "value_after_test"),
        ("diagnosis", "diagnosis", "term mesothelioma"),
    ]
    assert lab_tests.lookup("Mesothelioma") == []


def test_each_person_in_a_letter_gets_their_own_words() -> None:
    text = (
        "Re: Mrs Grace OKAFOR  DOB 12/01/1962  NHS 455 766 0932\n"
        "G2P1, 14/40 pregnant. Her mother had breast cancer.\n"
        "\n"
        "Re: Mr Tomasz NOWAK  DOB 02/11/1975  NHS 427 429 5745\n"
        "Alcohol withdrawal on admission; no evidence of malignancy.\n"
    )
    people = {p.values["nhs_number"]: p for p in people_in_text(text, "page:1")}
    assert people[A].sensitive == {"pregnancy"}
    assert people[B].sensitive == {"substance_misuse", "cancer"}
    assert people[A].tests == [] and people[B].tests == []  # words are no tests
    assert "test_description" in people[A].exposed
    rules = sorted(e[3] for e in people[B].evidence if e[0] == "diagnosis")
    assert rules == ["term alcohol withdrawal", "term malignancy (negated)"]
    records, mentions = rows_to_tables(3, list(people.values()), sensitive_map())
    assert {r["nhs_number"]: r["sensitive"] for r in records.to_pylist()} == {
        A: "pregnancy",
        B: "cancer;substance_misuse",
    }
    said = mentions.filter(pc.equal(mentions["detector"], "diagnosis"))
    assert said.num_rows == 5


def test_log_lines_read_together_and_alone_alike() -> None:
    lines = [
        f"2024-06-03 09:00 ADT NHS={C} DOB=1962-01-12 OKAFOR^GRACE note=14/40 pregnant",
        "2024-06-03 09:01 Cancer Centre lift out of order",
        f"2024-06-03 09:02 NHS={D} note=denies IVDU",
        f"2024-06-03 09:03 NHS={A} note=EtOH excess, CIWA 12",
    ]
    joined = [(p.locator, p.sensitive) for p in people_in_lines(lines, 1)]
    alone = [(p.locator, p.sensitive) for i, line in enumerate(lines, start=1)
             for p in people_in_text(line, f"line:{i}")]  # fmt: skip
    assert (
        joined
        == alone
        == [
            ("line:1", {"pregnancy"}),
            ("line:3", set()),
            ("line:4", {"substance_misuse"}),
        ]
    )


# --- Tables -----------------------------------------------------------------------------------


def _table(header: list[str], rows: list[list[str]]) -> tuple[pa.Table, pa.Table]:
    cells = [list(column) for column in zip(*rows, strict=True)]
    return records_from_table(Table(header=header, columns=cells), 9)


def test_words_in_a_tables_cells() -> None:
    records, mentions = _table(
        ["NHS Number", "Ward", "Consultant", "Diagnosis", "Notes", "MDT Outcome"],
        [
            [A, "SAU", "Dr Vass (Oncology)", "Adenocarcinoma sigmoid colon, pT3 pN1a", "", ""],
            [B, "W7", "Dr Okonkwo", "", "G2P1 - currently 14/40 pregnant", ""],
            [C, "Cancer Centre", "Dr Hart", "Acute cholecystitis", "Lives with partner", ""],
            [D, "W9", "Dr Moyo", "Pancreatitis (EtOH)", "", "Bronchoscopy: no malignancy"],
        ],
    )
    rows = {r["nhs_number"]: r for r in records.to_pylist()}
    assert {n: rows[n]["sensitive"] for n in rows} == {
        A: "cancer",
        B: "pregnancy",
        C: None,  # a ward's name and a clinician's department are no diagnosis
        D: "cancer;substance_misuse",
    }
    assert {n: rows[n]["e_test_description"] for n in rows} == {A: True, B: True, C: False, D: True}
    assert all(rows[n]["tests"] is None for n in rows)
    said = mentions.filter(pc.equal(mentions["detector"], "diagnosis")).to_pylist()
    assert sorted((m["locator"], m["field"], m["rule"]) for m in said) == [
        ("row:1", "Diagnosis", "column term carcinoma; term TNM stage"),
        ("row:2", "Notes", "column term gravida/para; term gestation N/40; term pregnancy"),
        ("row:4", "Diagnosis", "column term EtOH"),
        ("row:4", "MDT Outcome", "column term malignancy (negated)"),
    ]


def test_a_relatives_column_and_an_obstetric_header() -> None:
    records, mentions = _table(
        ["NHS No", "Mother's diagnosis", "Gest at booking", "G/P", "Gestation (LMP)"],
        [
            [A, "Breast cancer", "11+4", "G3P1", ""],
            [B, "", "", "", "n/a"],
            [C, "", "", "", "28/40"],
        ],
    )
    rows = {r["nhs_number"]: r["sensitive"] for r in records.to_pylist()}
    assert rows == {A: "pregnancy", B: None, C: "pregnancy"}
    said = mentions.filter(pc.equal(mentions["detector"], "diagnosis")).to_pylist()
    assert sorted((m["locator"], m["field"], m["rule"]) for m in said) == [
        ("row:1", "G/P", "column header gestation"),
        ("row:1", "Gest at booking", "column header gestation"),
        ("row:3", "Gestation (LMP)", "column header gestation"),
    ]


def test_coded_and_worded_diagnoses_and_tests_kinds_together() -> None:
    records, _ = _table(
        ["NHS Number", "Test", "Diagnosis", "Comments"],
        [[A, "HIV viral load", "C50.9", "HbSS"], [B, "PSA", "Q90.9", "Alcohol excess"]],
    )
    assert [r["sensitive"] for r in records.to_pylist()] == [
        "cancer;genetic;hiv",
        "cancer;genetic;substance_misuse",
    ]


def test_cells_read_from_arrow_as_text_is_read() -> None:
    rng = random.Random(14)
    pieces = ["adenocarcinoma", "no", "mother", "pregnant", "14/40", "IVDU", "denies", "Zoë",
              "Cancer", "Centre", "EDD", "LMP", "on", "ART", ",", ";", "\n", "non-", "HIV",
              "positive", "GUM", "gum", "?ectopic", "hCG"]  # fmt: skip
    cells = [" ".join(rng.choice(pieces) for _ in range(rng.randint(0, 6))) for _ in range(600)]
    values = pa.array([*cells, None], pa.string())
    by_cell: dict[int, list[tuple[str, str]]] = {}
    for cell, kind, rule in diagnosis_words.in_cells(values):
        by_cell.setdefault(cell, []).append((kind, rule))
    for at, cell in enumerate(cells):
        expected = [(m.extra, m.rule) for m in diagnosis_words.detect(cell)]
        assert by_cell.get(at, []) == expected, cell
    sliced = values.slice(100, 50)
    assert [(c + 100, k, r) for c, k, r in diagnosis_words.in_cells(sliced)] == [
        hit for hit in diagnosis_words.in_cells(values) if 100 <= hit[0] < 150
    ]


def test_a_column_of_numbers_is_passed_over() -> None:
    words = diagnosis_cells._words(pa.array(["1250", "2310", None, "14"]))
    assert words is None


# --- Test names in headers and text ------------------------------------------------------------


@pytest.mark.parametrize(
    "head", ["hCG 0h", "hCG 48h", "Serum hCG 48 hrs", "hCG day 2", "hCG (IU/L)"]
)
def test_serial_hcg_headers(head: str) -> None:
    assert columns.header_kind(head) == "analyte:HCG"


def test_serial_hcg_columns_give_pregnancy() -> None:
    records, _ = _table(
        ["Name", "DOB", "NHS", "hCG 0h", "hCG 48h", "Plan"],
        [["ROWLANDS Bethan", "1993-04-11", A, "1250", "2310", "Rescan 7 days"]],
    )
    (row,) = records.to_pylist()
    assert row["tests"] == "HCG" and row["sensitive"] == "pregnancy"


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("EBUS: adenocarcinoma, TTF1+. EGFR exon 19 deletion. PD-L1 60%", []),
        ("EGFR amplification on NGS", []),
        ("EGFR mutation analysis requested", ["HISTO"]),
        ("eGFR 54, creatinine 110", ["EGFR", "CREA"]),
        ("EGFR 54 mL/min", ["EGFR"]),
        ("Hep B vaccination course; HPV vaccine", []),
        ("FNA thyroid, right lobe nodule (U3), 2 passes, LBC.", ["FNA", "CYTO"]),
        ("EBUS washings, LBC", ["CYTO"]),
        ("Cervical screening: LBC taken, HR-HPV", ["LBC", "HRHPV"]),
        ("LBC", ["LBC"]),
    ],
)
def test_test_names_where_they_are_written(text: str, codes: list[str]) -> None:
    assert [m.value for m in lab_tests.detect(text) if m.kind == "test"] == codes


# --- hCG in a man ------------------------------------------------------------------------------


def test_a_mans_hcg_in_a_table_is_no_pregnancy() -> None:
    records, _ = _table(
        ["NHS Number", "Age/Sex", "Test", "Notes"],
        [
            [A, "37 M", "beta hCG", "orchidectomy"],
            [B, "29 F", "beta hCG", ""],
            [C, "Male", "hCG; AFP", ""],
            [D, "1", "hCG", "Currently 20 weeks pregnant"],
        ],
    )
    assert [r["sensitive"] for r in records.to_pylist()] == [
        None,
        "pregnancy",
        "cancer",
        "pregnancy",
    ]
    assert [r["tests"] for r in records.to_pylist()] == ["HCG", "HCG", "HCG;AFP", "HCG"]


def test_a_mans_hcg_in_text_and_in_hl7() -> None:
    report = (
        "Name : IBRAHIM, Yusuf   D.O.B. : 16/01/1988  Age: 37  Sex: M\n"
        f"NHS No : {A}\nCLINICAL DETAILS: Testicular mass; AFP 4, bHCG 12, LDH 310\n"
        "CONCLUSION: Classic seminoma, pT1a.\n"
    )
    (person,) = people_in_text(report, "line:1")
    assert person.values["sex"] == "M" and "HCG" in person.tests
    (row,) = rows_to_tables(1, [person], sensitive_map())[0].to_pylist()
    assert row["sensitive"] == "cancer"
    woman = report.replace("Sex: M", "Sex: F").replace("seminoma", "molar pregnancy")
    (row,) = rows_to_tables(1, people_in_text(woman, "line:1"), sensitive_map())[0].to_pylist()
    assert row["sensitive"] == "cancer;pregnancy"  # (her AFP is a tumour marker's)
    message = (
        "MSH|^~\\&|LAB|RJ1|GP|G85001|202403110900||ORU^R01|1|P|2.4\r"
        f"PID|1||{A}^^^NHS^NH||IBRAHIM^YUSUF||19880116|M\r"
        "OBR|1|||HCG^Human chorionic gonadotrophin^L\rOBX|1|NM|HCG^hCG^L||12|IU/L\r"
    )
    (record,) = hl7v2.read(message.encode(), "x.hl7")
    assert isinstance(record, Record)
    people = hl7.person_from_message(record)
    (row,) = rows_to_tables(1, people, sensitive_map())[0].to_pylist()
    assert row["tests"] == "HCG" and row["sensitive"] is None


def test_a_mans_table_row_keeps_no_pregnancy_when_a_document_adds_to_it() -> None:
    records, mentions = _table(["NHS Number", "Sex", "Test"], [[A, "M", "hCG"]])
    found = PersonRecord("page:2", "text", tests=["AFP"], exposed={"test_description"})
    records, _ = add_to_row(records, mentions, found, sensitive_map())
    assert records.to_pylist()[0]["sensitive"] == "cancer"


# --- HL7 DG1, FHIR Condition, a document's parts -----------------------------------------------


def test_hl7_dg1_gives_its_patient_their_diagnoses() -> None:
    assert hl7v2.FIELDS["DG1"] == (3, 4)
    message = (
        "MSH|^~\\&|PAS|RJ1|LAB|RJ1|202403110900||ADT^A08|1|P|2.4\r"
        f"PID|1||{A}^^^NHS^NH||OKAFOR^GRACE||19620112|F\r"
        "DG1|1|I10|C50.9^Malignant neoplasm of breast^I10||20240301|A\r"
        "DG1|2|I10|^Alcohol dependence syndrome^L|Alcohol withdrawal state\r"
        "DG1|3|I10|K35.8^Acute appendicitis^I10\r"
    )
    (record,) = hl7v2.read(message.encode(), "x.hl7")
    assert isinstance(record, Record)
    (person,) = hl7.person_from_message(record)
    assert person.sensitive == {"cancer", "substance_misuse"}
    assert "test_description" in person.exposed and person.tests == []
    said = [(e[1], e[3]) for e in person.evidence if e[0] == "diagnosis"]
    assert said == [
        ("DG1-3", "field ICD-10 C50.9"),
        ("DG1-3", "field term malignancy"),
        ("DG1-3", "field term alcohol dependence"),
        ("DG1-3", "field ICD-10 K35.8"),
        ("DG1-4", "field term alcohol withdrawal"),
    ]


def test_hl7_notes_carry_diagnoses_in_words() -> None:
    message = (
        "MSH|^~\\&|LAB|RJ1|GP|G85001|202403110900||ORU^R01|1|P|2.4\r"
        f"PID|1||{A}^^^NHS^NH||OKAFOR^GRACE||19620112|F\r"
        "OBR|1|||HISTO^Histopathology^L\r"
        "OBX|1|TX|HISTO^Histopathology^L||Invasive ductal carcinoma grade 2\r"
        "NTE|1||Booking bloods at 12/40\r"
    )
    (record,) = hl7v2.read(message.encode(), "x.hl7")
    assert isinstance(record, Record)
    (person,) = hl7.person_from_message(record)
    assert person.sensitive == {"cancer", "pregnancy"}
    assert [(e[1], e[3]) for e in person.evidence if e[0] == "diagnosis"] == [
        ("OBX-5", "term carcinoma"),
        ("NTE-3", "term booking"),
        ("NTE-3", "term gestation N/40"),
    ]
    assert [e[:2] for e in person.evidence if e[0] != "diagnosis"] == [
        ("nhs_number", "PID-3"), ("name", "PID-5"), ("date_of_birth", "PID-7"),
        ("test", "OBR-4"), ("test_result", "OBX-5"),
    ]  # fmt: skip


def test_a_fhir_patients_conditions() -> None:
    fields = {
        "nhs_number": [A],
        "family_name": ["OKAFOR"],
        "given_name": ["Grace"],
        "condition": [
            "Human immunodeficiency virus infection^86406008",
            "Pregnant^Patient currently pregnant^77386006",
            "Asthma^195967001",
        ],
    }
    (person,) = fhir.person_from_patient(Record("entry:1", "fhir", fields=fields))
    assert person.sensitive == {"hiv", "pregnancy"}
    assert "test_description" in person.exposed
    assert [e[3] for e in person.evidence if e[0] == "diagnosis"] == [
        "field SNOMED CT 86406008",
        "field SNOMED CT 77386006",
        "field term pregnancy",  # "Pregnant"
        "field term pregnancy",  # "Patient currently pregnant"
        "field",  # a Condition the data does not know is a diagnosis all the same
    ]


def test_one_person_keeps_both_halves_kinds() -> None:
    named = PersonRecord("header1!line:1", "text", sensitive={"pregnancy"})
    named.values.update(family_name="OKAFOR", given_name="Grace", date_of_birth="1962-01-12")
    numbered = PersonRecord("document!line:1", "text", sensitive={"hiv"})
    numbered.values["nhs_number"] = A
    (person,) = one_person([named, numbered])
    assert person.sensitive == {"pregnancy", "hiv"}


def test_a_documents_unnamed_parts_give_their_diagnoses() -> None:
    person = PersonRecord("header1!line:1", "text")
    person.values.update(nhs_number=A)
    parts = [
        Unowned("document!line:1", [], False, "text", "report_of_person",
                "Postnatal: G2P2, delivered at 39+2 weeks. FH: bowel cancer."),
    ]  # fmt: skip
    give_unowned([person], parts)
    assert person.sensitive == {"pregnancy"}
    assert [e[:4] for e in person.evidence] == [
        ("diagnosis", "document!line:1", "diagnosis", "report_of_person term postnatal"),
        ("diagnosis", "document!line:1", "diagnosis", "report_of_person term gravida/para"),
        ("diagnosis", "document!line:1", "diagnosis", "report_of_person term gestation in weeks"),
    ]


# --- Through the scan --------------------------------------------------------------------------


def _scan(name: str, data: bytes) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    entry = Entry(path=name, parent=None, depth=0, size=len(data), type=sniff_data(data, name),
                  data=data)  # fmt: skip
    records: list[dict[str, object]] = []
    mentions: list[dict[str, object]] = []
    for found, said in _scan_file(entry, 1, Limits()):
        records += found.to_pylist()
        mentions += said.to_pylist()
    return records, mentions


def _docx(paragraphs: list[str]) -> bytes:
    body = "".join(f'<w:p><w:r><w:t xml:space="preserve">{p}</w:t></w:r></w:p>' for p in paragraphs)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
                   '2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
                   'openxmlformats-package.relationships+xml"/><Default Extension="xml" '
                   'ContentType="application/xml"/><Override PartName="/word/document.xml" '
                   'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
                   'document.main+xml"/></Types>')  # fmt: skip
        z.writestr("_rels/.rels",
                   '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                   'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
                   'Target="word/document.xml"/></Relationships>')  # fmt: skip
        z.writestr("word/document.xml",
                   '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                   f'wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>')  # fmt: skip
    return out.getvalue()


def test_a_handover_and_an_mdt_list_through_the_scan() -> None:
    handover = (
        "Bed,Patient,NHS,DOB,Background / PMH,Current issues,Plan\n"
        f'1,"ABERNETHY, Morag",{A},12/07/1941,"T2DM, CKD3b",Urosepsis,Repeat U&E\n'
        f'3,"MULHOLLAND, Kieran",{B},22/11/1979,Alcohol excess,Alcohol withdrawal,Refer ACT\n'
        f'4,"ADEYEMI, Precious",{C},30/05/1995,G2P1 - currently 14/40 pregnant,SOB,CTPA\n'
    ).encode()
    records, mentions = _scan("handover.csv", handover)
    assert {r["nhs_number"]: r["sensitive"] for r in records} == {
        A: None,
        B: "substance_misuse",
        C: "pregnancy",
    }
    assert {m["rule"] for m in mentions if m["detector"] == "diagnosis"} == {
        "column term alcohol excess", "column term alcohol withdrawal",
        "column term gravida/para; term gestation N/40; term pregnancy",
    }  # fmt: skip
    mdt = _docx([
        "Breast MDT Outcomes - 12 March 2025. Chair: Miss Farah Anwar.",
        f"Mrs Abena MENSAH DOB 21/01/1985 NHS {D}",
        "Clinical: Currently 20 weeks pregnant. Palpable L breast mass. Mother had breast cancer.",
    ])  # fmt: skip
    (person,), mentions = _scan("mdt.docx", mdt)
    assert person["sensitive"] == "cancer;pregnancy"  # the list's title, and her own words
    assert sorted(m["rule"] for m in mentions if m["detector"] == "diagnosis") == [
        "term cancer MDT",
        "term pregnancy",
    ]
