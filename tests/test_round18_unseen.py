"""Layouts the generator does not write, found by hand-made files a real leak could hold: a
one- or two-row table's test column under a header no synonym knows, a handover sheet's "Pt",
short name keys ("sn=", "fn="), a saint's "ST." before a family name, a family name in capitals
before two given names, staff tables, an "Identifiers" cell, a form's numbered tests, and a
gene test written with its mutation."""

from __future__ import annotations

import pytest

from breachdesk.detect import lab_tests, names
from breachdesk.detect.text import people_in_text
from breachdesk.ingest.limits import Limits
from breachdesk.ingest.sniff import sniff_data
from breachdesk.ingest.walk import Entry
from breachdesk.scan.stage import _scan_file
from test_generalise import A, B, C, people_in_file

WHO = ("nhs_number", "family_name", "given_name", "date_of_birth", "hospital_number")
FACTS = ("nhs_number", "tests", "sensitive")


@pytest.mark.parametrize(
    ("cell", "codes"),
    [
        ("BRCA1 mutation screen", ["BRCA"]),
        ("Patient has BRCA1 mutation", ["BRCA"]),
        ("JAK2 mutation", ["JAK2"]),
        ("EGFR exon 19 deletion", []),  # a tumour's gene, not the kidney's eGFR
    ],
)
def test_a_gene_test_written_with_its_mutation_is_the_test(cell: str, codes: list[str]) -> None:
    assert lab_tests.lookup(cell) == codes


def test_a_two_row_tables_test_column_under_an_unknown_header() -> None:
    data = (
        "PATIENT_NAME|BIRTH_DT|NHS_NO|ORDER_DESC|RESULT_VAL\n"
        f"ROWNTREE^BEATRICE|19670515|{A}|CA-125|56\n"
        f"HAMDAN^YOUSEF|19811130|{B}|CEA|8.9\n"
    ).encode()
    assert people_in_file("order.dat", data, FACTS)[1] == [
        (B, "CEA", "cancer"),
        (A, "CA125", "cancer"),
    ]


def test_a_one_row_tables_marker_column() -> None:
    data = f"Name,Born,NHS,Marker,Value\nMr Bartholomew KINGSLEY-WARD,1952-11-11,{A},CEA,8.9\n"
    assert people_in_file("oncology.csv", data.encode(), FACTS)[1] == [(A, "CEA", "cancer")]


def test_a_small_tables_code_column_is_no_test_column() -> None:
    data = f"Patient,NHS Number,Location\nGrace Okafor,{A},FBC\n".encode()
    assert people_in_file("codes.csv", data, FACTS)[1] == [(A, None, None)]


def test_a_pt_column_of_whole_names_is_the_patients_name() -> None:
    data = (
        "| Pt | DOB | NHS | Sample |\n|---|---|---|---|\n"
        f"| Ikechukwu ADEBAYO | 1975-05-18 | {A} | Hep B sAg |\n"
        f"| Siobhan NI DHOMHNAILL | 1991-09-09 | {B} | HIV viral load |\n"
    ).encode()
    assert people_in_file("handover.md", data, WHO[:3])[1] == [
        (B, "NI DHOMHNAILL", "Siobhan"),
        (A, "ADEBAYO", "Ikechukwu"),
    ]


def test_a_pt_column_of_numbers_is_no_name() -> None:
    # "PT" is also prothrombin time's code: its results are no one's name.
    data = f"Surname,Forename,NHS No,PT\nOKAFOR,Grace,{A},12.5\nNOWAK,Tomasz,{B},13.1\n"
    assert people_in_file("coag.csv", data.encode(), WHO[:3])[1] == [
        (B, "NOWAK", "Tomasz"),
        (A, "OKAFOR", "Grace"),
    ]


def test_dbase_style_sname_and_fnames_columns() -> None:
    data = f"PtKey,Sname,Fnames,BirthDt,NHSNo\n3101,Featherstonehaugh,Imogen,1982-06-30,{A}\n"
    assert people_in_file("tblpt.csv", data.encode(), WHO[:4])[1] == [
        (A, "Featherstonehaugh", "Imogen", "1982-06-30")
    ]


@pytest.mark.parametrize(
    "line",
    [
        f"2024-03-11 INFO evt=RESULT nhs={A} sn=Tembo fn=Chipo dob=1979-10-02",
        f'{{"pt": {{"sn": "Tembo", "fn": "Chipo", "dob": "1979-10-02", "nhs": "{A}"}}}}',
        f"RESULT nhs={A} lname=Tembo fname=Chipo dob=1979-10-02",
    ],
)
def test_short_name_keys_in_a_pair(line: str) -> None:
    (person,) = people_in_text(line, "line:1", "text")
    assert (person.values["family_name"], person.values["given_name"]) == ("Tembo", "Chipo")


def test_one_short_key_alone_is_no_name() -> None:
    # ("sn" alone may be a serial number's key; only the pair says a name.)
    assert not list(names.detect("device sn=Tembo4 dob=1979-10-02 status ok"))


def test_a_saints_abbreviation_before_a_family_name_in_capitals() -> None:
    data = f"Patient Name,DOB,NHS\nST. JOHN-BAPTISTE Amelie,02/11/1996,{A}\n"
    assert people_in_file("recall.csv", data.encode(), WHO[:3])[1] == [
        (A, "ST. JOHN-BAPTISTE", "Amelie")
    ]


@pytest.mark.parametrize(
    ("text", "family", "given"),
    [
        ("NOWAK Anna Maria  DOB 12/03/1981  HbA1c 48", "NOWAK", "Anna"),
        ("Patient: LE Van Thanh, born 04/05/1977, FBC", "LE", "Van Thanh"),
        ("PT=DE SOUZA,MARCOS DOB=1980-01-02", "DE SOUZA", "MARCOS"),
        # A test's code in capitals before two given names is no family name.
        ("HIV Anna Maria DOB 12/03/1981", "Maria", "Anna"),
    ],
)
def test_family_names_before_given_names(text: str, family: str, given: str) -> None:
    (found,) = names.detect(text)
    assert (found.value, found.extra) == (family, given)
    # (The name's span covers both names, from the first written.)
    assert family.split()[0] in text[found.start : found.end].split()[:2]


def _scan(name: str, data: bytes) -> tuple[list[tuple[str | None, ...]], list[str]]:
    entry = Entry(path=name, parent=None, depth=0, size=len(data), type=sniff_data(data, name))
    entry.data = data
    problems: list[str] = []
    rows = [
        tuple(r[f] for f in ("locator", "family_name"))
        for records, _ in _scan_file(entry, 1, Limits(), problems=problems)
        for r in records.to_pylist()
    ]
    return rows, problems


def test_a_user_accounts_table_is_staff_not_patients() -> None:
    data = (
        b"Username,Full name,Role,Date of birth,Staff number\n"
        b"cmayhew,Colin Mayhew,BMS Band 6,12/05/1980,S004411\n"
        b"hvoss,Harriet Voss,Locum GP,30/09/1975,S004412\n"
    )
    assert _scan("lis_user_accounts.csv", data) == ([], ["rows: staff, not patients (2 rows)"])


def test_a_dumps_staff_table_is_left_out_and_its_patients_kept() -> None:
    data = (
        "CREATE TABLE lab_users (user_id integer, surname text, forename text, dob date, "
        "role text, login text);\n"
        "INSERT INTO lab_users VALUES (1,'Mayhew','Colin','1980-05-12','BMS','cmayhew');\n"
        "CREATE TABLE patients (pid integer, surname text, forename text, dob date, nhs_no text);\n"
        f"INSERT INTO patients VALUES (51,'Trevelyan','Morwenna','1964-03-21','{A}');\n"
    ).encode()
    assert _scan("lims.sql", data) == (
        [("table:patients!row:1", "Trevelyan")],
        ["table:lab_users!rows: staff, not patients (1 rows)"],
    )


def test_a_patients_file_named_for_its_consultant_is_not_staff() -> None:
    data = f"Surname,Forename,DOB,NHS No\nOKAFOR,Grace,12/01/1962,{A}\n".encode()
    assert _scan("results_by_consultant.csv", data) == ([("row:1", "OKAFOR")], [])


def test_an_identifiers_cell_is_its_rows_patients() -> None:
    data = (
        b"Name,DOB,Identifiers,Test\n"
        b"Ignatius FERNSBY,03/04/1961,NHS: 619 938 6663; MRN: W0081122,Methadone level\n"
        b"Precious MUTASA,19/09/2002,NHS: 424 574 0108; MRN: W0081123,Urine pregnancy test\n"
    )
    fields = ("nhs_number", "family_name", "hospital_number", "tests", "e_nhs_number")
    assert people_in_file("ward_bloods.csv", data, fields)[1] == [
        ("4245740108", "MUTASA", "W0081123", "UPT", True),
        ("6199386663", "FERNSBY", "W0081122", "METHAD", True),
    ]


def test_a_cells_other_person_stays_their_own() -> None:
    # A comment naming someone else (their name, not only a number) is not the row's patient.
    data = (
        "Patient,DOB,NHS Number,Comments\n"
        f"Grace Okafor,12/01/1962,{A},Mother Anna Kowalski NHS {C} also tested\n"
    ).encode()
    found = people_in_file("notes.csv", data, ("nhs_number", "family_name"))[1]
    assert found == [(C, "Kowalski"), (A, "Okafor")]


def test_a_forms_numbered_tests_are_all_read() -> None:
    data = (
        "Field,Value\nPatient Surname,Hathaway-Grieve\nPatient Forename,Lucinda\n"
        f"Patient DOB,09/09/1989\nPatient NHS Number,{B}\nTest 1,Chlamydia NAAT\nTest 2,bHCG\n"
    ).encode()
    assert people_in_file("request.csv", data, FACTS)[1] == [
        (B, "CHLAM;HCG", "pregnancy;sexual_health")
    ]


@pytest.mark.parametrize(
    ("header", "kinds"),
    [
        # An antenatal booking sheet: a date under its delivery date is a pregnancy's.
        ("Estimated date of delivery", "hiv;pregnancy"),
        ("EDC", "hiv;pregnancy"),
        # A ward's "EDD" is as often its expected date of discharge, and a "Due date" a
        # result's or a recall's: no pregnancy (an 80-year-old man's PSA was "due").
        ("EDD", "hiv"),
        ("Due date", "hiv"),
    ],
)
def test_a_delivery_date_column_says_pregnancy(header: str, kinds: str) -> None:
    data = (
        f"Surname,First name,DOB,NHS Number,{header},HIV\n"
        f"Ekwueme,Nneka,1995-04-03,{A},12/11/2024,Negative\n"
        f"Smith,Jo,1990-01-01,{B},,Negative\n"
    ).encode()
    assert people_in_file("antenatal.csv", data, FACTS)[1] == [
        (B, "HIVAGAB", "hiv"),
        (A, "HIVAGAB", kinds),
    ]


def test_a_json_feeds_short_name_keys_are_its_columns() -> None:
    data = (
        '{"type": "result", "pt": {"sn": "Whitlock", "fn": "Barnaby", "dob": "1962-08-08", '
        f'"nhs": "{A}"}}, "tst": {{"desc": "HIV 1+2 Ab/Ag", "val": "Negative"}}}}\n'
        '{"type": "result", "pt": {"sn": "Castellanos", "fn": "Ines", "dob": "1999-04-23", '
        f'"nhs": "{B}"}}, "tst": {{"desc": "Chlamydia NAAT", "val": "Not detected"}}}}\n'
        '{"type": "heartbeat", "node": "lab-int-02"}\n'
    ).encode()
    assert people_in_file("stream.ndjson", data, WHO[:3])[1] == [
        (B, "Castellanos", "Ines"),
        (A, "Whitlock", "Barnaby"),
    ]


def test_a_serial_number_column_named_sn_is_no_family_name() -> None:
    data = f"Device,SN,NHS No,Surname,Forename\nPump,X44512,{A},OKAFOR,Grace\n".encode()
    assert people_in_file("devices.csv", data, WHO[:3])[1] == [(A, "OKAFOR", "Grace")]


def test_rows_under_a_patients_first_row_take_their_hospital_number() -> None:
    data = (
        "Hospital No,Patient Name,DOB,NHS Number,Test,Result\n"
        f'M7700101,"FINNEGAN, Orla",12/12/1982,{A},,\n'
        ",,,,Hepatitis C antibody,Reactive\n"
        ",,,,HCV RNA,1.2E6\n"
    ).encode()
    fields = ("locator", "hospital_number", "tests", "e_hospital_number")
    assert people_in_file("grouped.csv", data, fields)[1] == [
        ("row:1", "M7700101", None, True),
        ("row:2", "M7700101", "HCVAB", True),
        ("row:3", "M7700101", "HCVRNA", True),
    ]


@pytest.mark.parametrize(
    "header",
    [
        # A job's words beside a patient's name may be the requester's: only a column staff
        # alone have says staff, and a test column says patients whatever else it holds.
        "Surname,Forename,DOB,Clinician,Department,Extension",
        "Surname,Forename,DOB,Test,Staff number,Username",
    ],
)
def test_a_patients_list_with_staff_words_keeps_its_patients(header: str) -> None:
    cells = {"Test": "HIV", "Staff number": "S004411", "Username": "requester1"}
    row = ",".join(
        {"Surname": "OKAFOR", "Forename": "Grace", "DOB": "12/01/1962"}.get(h, cells.get(h, "x"))
        for h in header.split(",")
    )
    rows, problems = _scan("requests.csv", f"{header}\n{row}\n".encode())
    assert (rows, problems) == ([("row:1", "OKAFOR")], [])


_BLOCK_A = (
    "Surname: OKAFOR                    Forename: Grace\n"
    "Date of birth: 12/01/1962          Sex: F\n"
    "NHS No: 401 023 2137               Hosp No: K2041187\n"
    "Tests requested: HIV 1+2 Ab/Ag\n"
)
_BLOCK_B = (
    "Surname: PEMBERTON-LLOYD           Forename: Ivo\n"
    "Date of birth: 30/06/1977          Sex: M\n"
    "Hosp No: K2041188\n"
    "Tests requested: CEA\n"
)


@pytest.mark.parametrize("blocks", [(_BLOCK_A, _BLOCK_B), (_BLOCK_B, _BLOCK_A)])
@pytest.mark.parametrize("between", ["\n", "\f"])
def test_a_block_without_an_nhs_number_is_its_own_person(
    blocks: tuple[str, str], between: str
) -> None:
    # Read as the numbered patient's, Ivo's CEA gave Grace a cancer marker and Ivo was lost.
    people = people_in_text(between.join(blocks), "page:1", "text")
    found = sorted(
        (
            p.values["family_name"],
            p.values.get("nhs_number"),
            p.values.get("hospital_number"),
            tuple(p.tests),
        )
        for p in people
    )
    assert found == [
        ("OKAFOR", "4010232137", "K2041187", ("HIVAGAB",)),
        ("PEMBERTON-LLOYD", None, "K2041188", ("CEA",)),
    ]


def test_a_block_naming_the_numbered_patient_again_is_no_second_person() -> None:
    text = (
        "Re: Grace OKAFOR\nDOB 12/01/1962\nNHS No: 401 023 2137\n\n"
        "Summary for Grace OKAFOR\nDate of birth: 12/01/1962\nHbA1c 48\n"
    )
    (person,) = people_in_text(text, "page:1", "text")
    assert (person.values["nhs_number"], person.tests) == ("4010232137", ["HBA1C"])


def test_an_invoice_number_column_is_no_nhs_number_column() -> None:
    # One ten-digit number in eleven passes Modulus 11: the header says what these are.
    data = (
        b"Invoice No,Customer,Net\n"
        b"4844471511,Elm Tree Surgery (G85004),2310.40\n"
        b"4637725208,Riverside Medical Practice (G85003),1876.15\n"
        b"7014450778,Bryn Surgery (W95010),2954.90\n"
    )
    assert people_in_file("ledger.csv", data, FACTS)[1] == []


def test_a_ref_column_of_nhs_numbers_is_still_read() -> None:
    data = f"Ref,Surname,Forename\n{A},OKAFOR,Grace\n{B},NOWAK,Tomasz\n{C},KOWAL,Anna\n"
    found = people_in_file("refs.csv", data.encode(), ("nhs_number", "family_name"))[1]
    assert found == [(C, "KOWAL"), (B, "NOWAK"), (A, "OKAFOR")]


def test_totals_under_a_blank_row_are_no_patients() -> None:
    data = (
        "Ward,Surname,Forename,DOB,NHS Number,Test,Result\n"
        f"7,Marsh,Kayleigh,08/04/2002,{A},HIV 1+2 Ab/Ag,Negative\n"
        f"7,Clement,Aurelie,23/11/1995,{B},Group & Save,O POS\n"
        ",,,,,,\nSummary by test,,,,,,\n"
        ",,,,,HIV 1+2 Ab/Ag,1\n,,,,,Hep C Ab,0\n"
    ).encode()
    assert people_in_file("ward.csv", data, FACTS)[1] == [(B, "GS", None), (A, "HIVAGAB", "hiv")]


@pytest.mark.parametrize(
    ("family", "given"),
    [
        ("ZZTEST", "Labsys"),
        ("TEST", "Patient"),
        ("XXTESTPATIENT", "One"),
        ("MOUSE", "Mickey"),
        # (padded with more letters, as some systems sort them last: round 19)
        ("ZZZTEST", "Patient"),
        ("ZZZZTEST", "Patient"),
        ("XXXTEST", "One"),
        ("zzztest", "x"),
    ],
)
def test_a_systems_test_patient_is_no_one(family: str, given: str) -> None:
    data = (
        "Surname,Forename,DOB,NHS Number,Test,Result\n"
        f"{family},{given},01/01/1900,,HIV 1+2 Ab/Ag,Reactive\n"
        f"Gallacher,Roisin,14/02/1972,{A},HIV 1+2 Ab/Ag,Negative\n"
    ).encode()
    assert people_in_file("extract.csv", data, FACTS)[1] == [(A, "HIVAGAB", "hiv")]


def test_a_real_family_name_with_test_in_it_is_someone() -> None:
    data = f"Surname,Forename,DOB,NHS Number\nTester,Ann,01/02/1970,{A}\nMouse,Ann,01/02/1971,{B}\n"
    found = people_in_file("names.csv", data.encode(), ("nhs_number", "family_name"))[1]
    assert found == [(B, "Mouse"), (A, "Tester")]


def test_a_training_blocks_test_range_number_makes_it_no_one() -> None:
    block = (
        "Surname: SMITH\nForename: John\nDate of birth: 01/01/1950\nNHS number: {}\nTests: HIV\n"
    )
    assert people_in_text(block.format("999 000 0018"), "page:1", "text") == []
    (person,) = people_in_text(block.format("401 023 2137"), "page:1", "text")
    assert person.values["family_name"] == "SMITH"


def test_a_line_giving_another_birth_date_is_not_the_patients() -> None:
    # The second line's patient goes unnamed (lower case), but their HIV result is not Grace's.
    text = (
        "Grace OKAFOR DOB 12/01/1962 NHS 401 023 2137 FBC\n"
        "new pt winston mcfarlane-boyd dob 30/01/1971 hiv 1+2 ab/ag reactive\n"
    )
    (person,) = people_in_text(text, "line:1", "text")
    assert (person.values["date_of_birth"], person.tests) == ("1962-01-12", ["FBC"])


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Tests requested: HIV, Ferritin", []),  # a list of tests, not "HIV, Ferritin" the person
        ("Tests:\tHIV, Hep B sAg", []),
        ("FISH, Anne DOB 01/02/1970", [("FISH", "Anne")]),  # a family name that is a test's too
    ],
)
def test_a_test_list_in_capitals_is_no_name(text: str, found: list[tuple[str, str]]) -> None:
    assert [(m.value, m.extra) for m in names.detect(text)] == found


@pytest.mark.parametrize(
    ("path", "who"),
    [
        # An export filed a folder a patient, or named for them: the results inside are theirs.
        (f"by_patient/{A} HARGREAVES Tobias/FBC_20240311.txt", ("nhs_number", A)),
        (f"scans/NHS_{A}_HARGREAVES_Tobias.txt", ("nhs_number", A)),
        ("by_patient/OKAFOR Grace 12-01-1962/vl.txt", ("family_name", "OKAFOR")),
    ],
)
def test_a_path_naming_one_patient_owns_a_file_naming_none(path: str, who: tuple[str, str]) -> None:
    data = b"Full blood count\nHb 132 g/L\nHepatitis C antibody: not detected\n"
    entry = Entry(path=path, parent=None, depth=0, size=len(data), type="text", data=data)
    (records,) = [r for r, _ in _scan_file(entry, 1, Limits()) if r.num_rows]
    (row,) = records.to_pylist()
    assert (row[who[0]], row["locator"], row["tests"]) == (who[1], "path", "FBC;HB;HCVAB")


def test_a_path_names_no_one_where_the_file_does() -> None:
    data = b"Patient: Grace OKAFOR  DOB 12/01/1962\nHbA1c 48\n"
    entry = Entry(path=f"{B}/note.txt", parent=None, depth=0, size=len(data), type="text")
    entry.data = data
    rows = [r for records, _ in _scan_file(entry, 1, Limits()) for r in records.to_pylist()]
    assert [(r["family_name"], r["nhs_number"]) for r in rows] == [("OKAFOR", None)]
