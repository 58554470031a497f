"""Round 20: layouts the probes of unseen dumps turned up that the detectors did not read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from breachdesk.detect import columns, diagnosis_words, lab_tests, name_context, names
from breachdesk.detect.text import people_in_text
from test_folder_relations import JOINED, PATIENTS, RESULTS, _expected, _joined, _scan, workbook
from test_generalise import A, B, C, people_in_file
from test_round12_documents_owner import HEAD, MAREK
from test_round12_documents_owner import _docx as _owner_docx


def _by_hospital_number(text: str) -> str:
    """``PATIENTS`` or ``RESULTS`` keyed by a hospital number instead of a serial id."""
    text = text.replace("patient_id", "hosp_no")
    for n in (1, 2, 3):
        text = text.replace(f"\n{n},", f"\nRJ1000{n},").replace(f",{n},", f",RJ1000{n},")
    return text


def test_results_in_a_sibling_folder_join_the_patients_they_name(tmp_path: Path) -> None:
    """An export's ``Results/`` beside its ``Patients/``: the results join the patients kept in
    the sibling folder; orders keyed by serial numbers there do not (any table's row numbers
    hold those), nor a folder further off."""
    case = _scan(
        tmp_path,
        {
            "Export/Patients/patients_2024.csv": _by_hospital_number(PATIENTS).encode(),
            "Export/Results/results_2024.csv": _by_hospital_number(RESULTS).encode(),
            "Export/Orders/orders.csv": b"order_id,patient_id,test\n1,1,FBC\n2,2,FBC\n",
            # (another file than the first: a copy would be a duplicate, not scanned)
            "Archive/2023/results.csv": _by_hospital_number(RESULTS).encode()
            + b"14,RJ10001,FBC,\n",
        },
    )
    assert _joined(case) == {"Export/Results/results_2024.csv": _expected(JOINED)}


def test_a_requests_file_keyed_by_accession_gives_its_results_their_patients(
    tmp_path: Path,
) -> None:
    """A LIMS's requests (who, under an accession number) beside its results (accession, test):
    an unlisted number of the same name in both one-table files joins them, as in a dump."""
    requests = (
        "Accession,Received,NHS No,Surname,Forename,DOB\n"
        f"24V160300,2024-03-01,{A},OKAFOR,Grace,12/01/1962\n"
        f"24V160301,2024-03-01,{B},NOWAK,Tomasz,02/11/1975\n"
    )
    results = (
        "Accession,Test Code,Result\n"
        "24V160300,HIVCOMBO,Reactive\n24V160301,CHLAMPCR,Not detected\n24V160301,FBC,\n"
    )
    case = _scan(
        tmp_path, {"lims/requests.csv": requests.encode(), "lims/results.csv": results.encode()}
    )
    assert _joined(case) == {
        "lims/results.csv": [
            ("row:1", A, "HIVAGAB", "hiv", True),
            ("row:2", B, "CHLAM", "sexual_health", True),
            ("row:3", B, "FBC", None, False),
        ]
    }


def test_a_sample_register_workbook_joins_the_results_beside_it(tmp_path: Path) -> None:
    register = workbook(
        [
            ["Sample No", "Pt Surname", "Pt Forename", "D.O.B", "NHSNo"],
            ["80323114", "OKAFOR", "Grace", "12/01/1962", A],
            ["16137039", "NOWAK", "Tomasz", "02/11/1975", B],
        ],
        "Samples",
    )
    results = (
        "Sample No,Test Set,Res\n80323114,BHCGQ,81194\n80323114,FBC,\n16137039,HCVAB,Non-reactive\n"
    )
    case = _scan(
        tmp_path, {"split/sample_register.xlsx": register, "split/results.csv": results.encode()}
    )
    assert _joined(case) == {
        "split/results.csv": [
            ("row:1", A, "HCG", "pregnancy", True),
            ("row:2", A, "FBC", None, False),
            ("row:3", B, "HCVAB", "hepatitis", True),
        ]
    }


def _block(name: str, born: str, nhs: str, results: list[str]) -> str:
    """One patient's block of a printed section report: a banner line, an address, a results
    table under its rule, and a rule closing the block."""
    rows = "".join(f"  {row}\n" for row in results)
    return (
        f"Patient: {name}    DOB: {born}    NHS No: {nhs}\n"
        "Address: 12 Grove Park, SE5 8RS\n\n"
        "  Test                              Result\n"
        "  ------------------------------------------\n"
        f"{rows}\n"
        "----------------------------------------------\n\n"
    )


def test_each_block_of_a_section_report_keeps_its_own_results() -> None:
    """A report printing one block per patient: a block that repeats the patient's label
    begins a record of its own, so no block's results reach the next patient's banner."""
    report = (
        _block("OKAFOR, Grace", "12/01/1962", A, ["HIV viral load  <20", "HIV 1/2 antibody  Neg"])
        + _block("NOWAK, Tomasz", "02/11/1975", B, ["CA125  632", "Full blood count  Hb 146"])
        + _block("KHAN, Li", "01/02/1980", C, ["Hepatitis C antibody  Reactive", "CDT  2.7"])
    )
    assert people_in_file("section_report.txt", report.encode(), ("nhs_number", "sensitive"))[
        1
    ] == [(C, "hepatitis;substance_misuse"), (B, "cancer"), (A, "hiv")]


def test_a_forms_fields_a_paragraph_each_stay_one_record() -> None:
    form = (
        "Name: OKAFOR, Grace\n\nDOB: 12/01/1962\n\nNHS No: 455 766 0932\n\nHIV 1/2 Ab: Reactive\n"
    )
    assert people_in_file("form.txt", form.encode(), ("nhs_number", "family_name", "tests"))[1] == [
        (A, "OKAFOR", "HIVAB")
    ]


@pytest.mark.parametrize(
    ("text", "family", "given"),
    [
        ("Patient: NI BHRIAIN, Niamh    DOB: 05/06/2013", "NI BHRIAIN", "Niamh"),
        ("Patient: O BRIEN, Niamh", "O BRIEN", "Niamh"),
        ("O BRIEN, Niamh  DOB 05/06/2013", "O BRIEN", "Niamh"),
        ("Dear Mr O Brien,", "O Brien", ""),
        ("Dear Mr Ó Briain,", "Ó Briain", ""),
    ],
)
def test_irish_family_names_with_their_particle_before_the_given_name(
    text: str, family: str, given: str
) -> None:
    assert [(m.value, m.extra) for m in names.detect(text)] == [(family, given)]


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("CHLAMPCR", "CHLAM"),
        ("CTNAAT", "CHLAM"),
        ("CT PCR", "CHLAM"),
        ("GCPCR", "GC"),
        ("HCVPCR", "HCVRNA"),
        ("HEPBSAG", "HBSAG"),
        ("HIVCOMBO", "HIVAGAB"),
        ("HIV4G", "HIVAGAB"),
        ("HIV1/2", "HIVAGAB"),
        ("SYPHAB", "SYPH"),
        ("TREP", "SYPH"),
        ("BHCGQ", "HCG"),
        ("PSAT", "PSA"),
        ("BRCAPAN", "BRCA"),
        ("Drugs of abuse", "UDS"),
        ("Hep B core Ab", "HBCAB"),
        ("TP EIA", "SYPH"),
        ("Aptima Combo 2", "CTNG"),
        ("NG/CT", "CTNG"),
    ],
)
def test_a_labs_local_code_names_its_test(cell: str, code: str) -> None:
    assert lab_tests.lookup(cell) == [code]


@pytest.mark.parametrize("cell", ["CAT", "SMITH", "LONDON", "NEG", "POS", "SW17", "DOA"])
def test_words_that_end_like_a_method_name_no_test(cell: str) -> None:
    assert lab_tests.lookup(cell) == []


def test_a_database_key_from_one_named_for_the_patient_joins_its_results() -> None:
    """An auto-increment key under a name no list holds ("pat_seq", values from 500): named
    for the patient, its small numbers are still the patients' keys."""
    dump = (
        "CREATE TABLE pat_demog (pat_seq int, surname varchar(60), forename varchar(60),"
        " dob date, nhsno char(10));\n"
        f"INSERT INTO pat_demog VALUES (500,'OKAFOR','Grace','1962-01-12','{A}'),"
        f"(501,'NOWAK','Tomasz','1975-11-02','{B}'),(502,'KHAN','Li','1980-02-01','{C}');\n"
        "CREATE TABLE lab_result (res_id int, pat_seq int, tcode varchar(10),"
        " rvalue varchar(20));\n"
        "INSERT INTO lab_result VALUES (1,500,'HIVAB','Reactive'),(2,501,'PSA','14'),"
        "(3,501,'FBC','');\n"
    )
    found = people_in_file("winpath.sql", dump.encode(), ("nhs_number", "tests", "sensitive"))[1]
    assert (A, "HIVAB", "hiv") in found and (B, "PSA", "cancer") in found


HL7_FIELDS = ("nhs_number", "family_name", "given_name", "hospital_number", "tests", "sensitive")
MSH = "MSH|^~\\&|ICE|G85001|WINPATH|RJZ|20240603101500||ORM^O01|M1|P|2.4"


def _hl7(*segments: str) -> list[tuple[str | None, ...]]:
    return people_in_file("feed.hl7", "\r".join([MSH, *segments]).encode(), HL7_FIELDS)[1]


def test_ten_digits_typed_as_the_hospitals_number_are_not_the_nhs_number() -> None:
    # (4012345672 passes Modulus 11: only its type code says it is no NHS number)
    assert _hl7(
        f"PID|1||4012345672^^^RGT^MR~{A}^^^NHS^NH||CHEN^WEI||19810828|M",
        "OBR|1|O1|L1|LFT^Liver function tests^L",
    ) == [(A, "CHEN", "WEI", "4012345672", "LFT", None)]


def test_a_legacy_senders_whole_name_in_the_family_component() -> None:
    assert _hl7("PID|1||A998877^^^RAL^MR||COHEN, REBECCA||19910314|F", "OBR|1|O1|L1|TSH^TSH^L") == [
        (None, "COHEN", "REBECCA", "A998877", "TSH", None)
    ]


def test_a_requests_clinical_details_and_a_local_codes_catalogue_test() -> None:
    assert _hl7(
        f"PID|1||{A}^^^NHS^NH||PATEL^PRIYA||19880229|F",
        "OBR|1|O1|L1|TFT^Thyroid function^L|||||||||LMP 20/04/24. 6/40 pregnant, hyperemesis",
        "OBR|2|O2|L2|CDT^Carb. defic. transferrin %^LOCAL",
    ) == [(A, "PATEL", "PRIYA", None, "TFT;CDT;TRF", "pregnancy;substance_misuse")]


def test_a_message_whose_segment_breaks_became_spaces_keeps_its_tests() -> None:
    """An HL7 message in an XML envelope, its carriage returns folded to spaces."""
    message = (
        f"MSH|^~\\&|LAB|RJZ|EPR|RJZ|202406031015||ORU^R01|9|P|2.4 PID|1||{A}^^^NHS^NH||"
        "OLAWALE^BABATUNDE||19760630|M OBR|1|O|L|HIVAB^HIV 1+2 Ab/Ag^LOCAL OBX|1|ST|"
        "HIVAB^HIV 1+2 Ab/Ag^LOCAL||Reactive"
    )
    envelope = f"<Envelope><Body><hl7Message>{message}</hl7Message></Body></Envelope>"
    found = people_in_file("soap.xml", envelope.encode(), HL7_FIELDS)[1]
    assert found == [(A, "OLAWALE", "BABATUNDE", None, "HIVAGAB", "hiv")]


def _fhir(observation: dict[str, object]) -> list[tuple[str | None, ...]]:
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": {"resourceType": "Observation", "status": "final", **observation}}],
    }
    return people_in_file("bundle.json", json.dumps(bundle).encode(), HL7_FIELDS)[1]


def test_a_fhir_result_in_words_names_its_test_and_a_conditional_reference_its_patient() -> None:
    assert _fhir(
        {
            "code": {"text": "Viral load"},
            "subject": {
                "reference": f"Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|{A}",
                "display": "Zainab Khan",
            },
            "valueString": "HIV-1 RNA 45,000 copies/mL",
        }
    ) == [(A, "Khan", "Zainab", None, "HIVVL", "hiv")]


def test_a_relative_alone_in_a_passage_leaves_its_results_to_the_files_patient() -> None:
    """A genetics report's banner names the patient; its body names only a niece with her own
    birth date, for cascade testing: the niece is found, the report's results are the
    patient's."""
    body = [
        "Result: MLH1 pathogenic variant detected. This confirms a diagnosis of Lynch syndrome.",
        "Cascade testing: her niece Ms Ana Da Silva (DOB 01/02/1936) has requested predictive"
        " testing and will be seen in clinic.",
    ]
    data = _owner_docx([HEAD, MAREK], body)
    assert people_in_file("genetics.docx", data, ("family_name", "date_of_birth", "sensitive"))[
        1
    ] == [("Da Silva", "1936-02-01", None), ("KOWALCZYK", "1959-08-23", "genetic")]


@pytest.mark.parametrize(
    "text",
    [
        "Mother / person with parental responsibility: Anna NOWAK, DOB 14/05/1950",
        "Grandmother: Anna NOWAK, DOB 14/05/1950",
    ],
)
def test_a_parents_label_before_a_name(text: str) -> None:
    start = text.index("Anna")
    assert name_context.relative_before(text, start)


@pytest.mark.parametrize(
    "text",
    [
        "accompanied by mum Abena ASANTE",
        "her niece Ms Ana Da Silva",
        "with his nephew Kofi MENSAH",
        "Sister: Mrs Anna NOWAK",
    ],
)
def test_a_relative_introduced_in_prose(text: str) -> None:
    words = text.split()
    name = next(w for w in words[2:] if w[0].isupper() and w not in ("Ms",))
    assert name_context.relative_in_prose(text, text.index(name))


def _in_text(text: str, *fields: str) -> list[tuple[str | None, ...]]:
    return [tuple(p.values.get(f) for f in fields) for p in people_in_text(text, "line:1", "text")]


def test_a_report_names_a_patient_numbered_in_a_list_by_hospital_number_alone() -> None:
    text = (
        "Lung MDT\n"
        "Patient 2: WALKER Christopher, DOB 05/10/1939, Hosp No RJZ3134415. Adenocarcinoma.\n"
        "Patient 3: ROBINSON Daniel, 81y M, Hosp No RJZ2225380. Small cell lung cancer.\n"
    )
    found = _in_text(text, "family_name", "hospital_number")
    assert found == [("WALKER", "RJZ3134415"), ("ROBINSON", "RJZ2225380")]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("hiv neg 2023", "HIVAGAB"),
        ("psa 14 last month", "PSA"),
        ("cdt raised again", "CDT"),
    ],
)
def test_a_short_test_in_small_letters_with_its_result(text: str, kind: str) -> None:
    assert [m.value for m in lab_tests.detect(text) if m.kind == "test"] == [kind]


@pytest.mark.parametrize("text", ["the lft was fine", "tag 12 on the box", "see the cat"])
def test_small_letters_without_a_result_name_no_test(text: str) -> None:
    assert [m.value for m in lab_tests.detect(text) if m.kind == "test"] == []


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("Panel: R208 Inherited breast and ovarian cancer", []),
        ("hereditary breast and ovarian cancer predisposition", []),
        ("increased bowel cancer risk", []),
        ("Known breast cancer, on tamoxifen", ["term cancer"]),
        ("DLBCL stage IIIB, R-CHOP x6", ["term DLBCL", "term R-CHOP"]),
        ("Renal mass 6cm on CT, ?RCC. For partial nephrectomy.", ["term RCC"]),
        ("RCC 4.5 x10^12/L", []),
    ],
)
def test_cancer_words_and_a_predisposition_that_is_none(text: str, terms: list[str]) -> None:
    assert [m.rule for m in diagnosis_words.detect(text)] == terms


def test_an_hcg_beside_a_mans_organ_is_no_pregnancy() -> None:
    text = (
        "Mr Tomasz NOWAK, DOB 02/11/1975, NHS 427 429 5745\n"
        "Testicular mass, AFP 220, bHCG 45. Orchidectomy: seminoma\n"
    )
    (person,) = people_in_text(text, "line:1", "text")
    assert person.tests == ["AFP", "HCG"] and person.sensitive == {"cancer"}


def test_a_chat_authors_message_time_is_no_birth_date() -> None:
    text = (
        "Tom Reid 08/03/2024 11:05\n"
        "Can someone check the HIV result for Grace Okafor DOB 12/01/1962?\n"
        "Grace Obi 08/03/2024 11:07\nDone, reactive.\n"
    )
    assert _in_text(text, "family_name", "date_of_birth") == [("Okafor", "1962-01-12")]


def test_a_hand_typed_lists_labelled_cells_are_no_header() -> None:
    rows = (
        "MENSAH, Akosua\tDOB 24/11/2015\tNHS 7859952890\tFBC - clotted\n"
        "ADEYEMI, Oluwaseun\tDOB 15/03/1942\tNHS 7034236674\tU&E - haemolysed\n"
        "ZIELINSKI, Krzysztof\tDOB 01/07/1994\tNHS 6298415378\tLipids - unlabelled\n"
    )
    found = people_in_file("rejected.tsv", rows.encode(), ("nhs_number", "date_of_birth"))[1]
    assert found == [
        ("6298415378", "1994-07-01"),
        ("7034236674", "1942-03-15"),
        ("7859952890", "2015-11-24"),
    ]


def test_an_entity_attribute_value_export_is_read_a_record_a_row() -> None:
    rows = [("R1", "surname", "OKAFOR"), ("R1", "forename", "Grace"), ("R1", "dob", "1962-01-12")]
    rows += [("R1", "nhs_number", A), ("R1", "result_CDT", "2.5"), ("R2", "surname", "NOWAK")]
    rows += [("R2", "forename", "Tomasz"), ("R2", "dob", "1975-11-02"), ("R2", "nhs_number", B)]
    text = "record_id,field,value\n" + "".join(",".join(row) + "\n" for row in rows)
    fields = ("nhs_number", "family_name", "date_of_birth", "tests", "sensitive")
    assert people_in_file("eav.csv", text.encode(), fields)[1] == [
        (B, "NOWAK", "1975-11-02", None, None),
        (A, "OKAFOR", "1962-01-12", "CDT", "substance_misuse"),
    ]


def test_local_codes_as_a_pivots_headers_and_in_a_list_of_requested_tests() -> None:
    assert columns.header_kind("CHLAMPCR") == "analyte:CHLAM"
    assert columns.header_kind("result_GCPCR") == "analyte:GC"
    assert lab_tests.lookup("HCVPCR / GCPCR / FBC") == ["HCVRNA", "GC", "FBC"]
    pivot = f"NHS Number,Patient Name,DOB,HIVAB,CHLAMPCR\n{A},OKAFOR Grace,12/01/1962,NEG,POS\n"
    assert people_in_file("pivot.csv", pivot.encode(), ("nhs_number", "tests", "sensitive"))[1] == [
        (A, "HIVAB;CHLAM", "hiv;sexual_health")
    ]
