"""Round 12: results joined to their patients by a same-named key no list names; dates of birth
month first where the table's dates are, as six digits, and after a label that also gives the
age or is a log's key; a surname with two initials after it."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pyarrow as pa
import pytest
import xlsxwriter

from breachdesk.detect import cellwise, dates, dob_label, name_columns, relations
from test_generalise import people_in_file

N1, N2, N3 = "4823043553", "4501050799", "4358541755"
JOINED = ("family_name", "given_name", "date_of_birth", "tests", "sensitive")


def _workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for number, row in enumerate(rows):
            sheet.write_row(number, 0, row)
    book.close()
    return buffer.getvalue()


PATIENTS = [
    ["Clinic No", "Surname", "Forename", "DOB"],
    ["GU24-0311", "FENWICK", "Oliver", "14/08/1996"],
    ["GU24-0312", "MBEKI", "Thandiwe", "02/12/1990"],
    ["GU24-0313", "LAURITSEN", "Jonas", "27/05/1987"],
]


def test_results_sheet_joins_patients_by_a_same_named_key_no_list_names() -> None:
    results = [
        ["Clinic No", "Sample date", "Test", "Result"],
        ["GU24-0311", "04/03/2024", "HIV Ag/Ab", "Reactive"],
        ["GU24-0312", "04/03/2024", "CT/NG NAAT", "CT detected"],
        ["GU24-0313", "05/03/2024", "Hep C Ab", "Positive"],
        ["GU24-0313", "05/03/2024", "Syphilis EIA", "Negative"],
    ]
    data = _workbook({"Patients": PATIENTS, "Results": results})
    assert people_in_file("gum.xlsx", data, JOINED)[1] == [
        ("FENWICK", "Oliver", "1996-08-14", "HIVAGAB", "hiv"),
        ("FENWICK", "Oliver", "1996-08-14", None, None),
        ("LAURITSEN", "Jonas", "1987-05-27", "HCVAB", "hepatitis"),
        ("LAURITSEN", "Jonas", "1987-05-27", "SYPH", "sexual_health"),
        ("LAURITSEN", "Jonas", "1987-05-27", None, None),
        ("MBEKI", "Thandiwe", "1990-12-02", "CTNG", "sexual_health"),
        ("MBEKI", "Thandiwe", "1990-12-02", None, None),
    ]


MYSQL = f"""-- MySQL dump 10.13
CREATE TABLE `pat_demog` (
  `pat_seq` int NOT NULL AUTO_INCREMENT,
  `nhs_no` varchar(10) DEFAULT NULL,
  `surname` varchar(35) NOT NULL,
  `forenames` varchar(50) DEFAULT NULL,
  `dob` date DEFAULT NULL,
  PRIMARY KEY (`pat_seq`)
);
INSERT INTO `pat_demog` VALUES (88210,'{N1}','KIRKBRIDE','Ellen','1962-10-05'),\
(88211,'{N2}','MAHONY','Declan','1990-03-17');
CREATE TABLE `req_result` (
  `res_id` int NOT NULL AUTO_INCREMENT,
  `pat_seq` int NOT NULL,
  `test_desc` varchar(60) DEFAULT NULL,
  `res_text` varchar(255) DEFAULT NULL,
  PRIMARY KEY (`res_id`)
);
INSERT INTO `req_result` VALUES (1,88210,'HIV 1+2 Ag/Ab','Not detected'),\
(2,88210,'Hepatitis C antibody','Detected'),(3,88211,'Syphilis antibody','Reactive');
"""


def test_dump_tables_join_by_a_same_named_sequence() -> None:
    fields = ("nhs_number", "family_name", "tests", "sensitive")
    assert people_in_file("lims.sql", MYSQL.encode(), fields)[1] == [
        (N2, "MAHONY", "SYPH", "sexual_health"),
        (N2, "MAHONY", None, None),
        (N1, "KIRKBRIDE", "HCVAB", "hepatitis"),
        (N1, "KIRKBRIDE", "HIVAGAB", "hiv"),
        (N1, "KIRKBRIDE", None, None),
    ]


def test_sqlite_tables_join_by_a_same_named_number(tmp_path: Path) -> None:
    path = tmp_path / "bloodbank.sqlite"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE PATIENTS (PAT_NO TEXT, NHS TEXT, SNAME TEXT, FNAME TEXT, BIRTH TEXT);"
        "CREATE TABLE GROUPS (ENTRY INTEGER PRIMARY KEY, PAT_NO TEXT, ABO TEXT, RHD TEXT);"
    )
    db.executemany(
        "INSERT INTO PATIENTS VALUES (?,?,?,?,?)",
        [("BB004411", N1, "HOLLINGWORTH", "Janet", "19720308"),
         ("BB004412", N2, "ESPOSITO", "Marco", "19491114")],
    )  # fmt: skip
    groups = [(1, "BB004411", "A", "Neg"), (2, "BB004412", "O", "Pos")]
    db.executemany("INSERT INTO GROUPS VALUES (?,?,?,?)", groups)
    db.commit()
    db.close()
    fields = ("nhs_number", "family_name", "tests")
    assert people_in_file("bloodbank.sqlite", path.read_bytes(), fields)[1] == [
        (N2, "ESPOSITO", "ABO"),
        (N2, "ESPOSITO", None),
        (N1, "HOLLINGWORTH", "ABO"),
        (N1, "HOLLINGWORTH", None),
    ]


@pytest.mark.parametrize(
    ("key", "people_keys", "result_keys"),
    [
        # Row numbers 1..n in both sheets.
        ("Row No", ["1", "2", "3"], ["1", "2"]),
        # One batch for every result: no one in particular.
        ("Batch No", ["B24-001", "B24-002", "B24-003"], ["B24-001", "B24-001"]),
        # The results sheet's own serial, every value once and all digits.
        ("Ref No", ["10001", "10002", "10003"], ["10001", "10002"]),
        # A date is numbered by its name but no key.
        ("Date No", ["01/02/2024", "02/02/2024", "03/02/2024"], ["01/02/2024", "02/02/2024"]),
    ],
)
def test_a_same_named_column_that_is_no_persons_key_is_not_joined(
    key: str, people_keys: list[str], result_keys: list[str]
) -> None:
    people = [[key, *PATIENTS[0][1:]]] + [
        [k, *row[1:]] for k, row in zip(people_keys, PATIENTS[1:], strict=True)
    ]
    results = [[key, "Test", "Result"]] + [[k, "HIV Ag/Ab", "Reactive"] for k in result_keys]
    data = _workbook({"Patients": people, "Results": results})
    found = people_in_file("book.xlsx", data, JOINED)[1]
    assert found == [
        ("FENWICK", "Oliver", "1996-08-14", None, None),
        ("LAURITSEN", "Jonas", "1987-05-27", None, None),
        ("MBEKI", "Thandiwe", "1990-12-02", None, None),
    ]


def test_unlisted_same_names_relate_only_when_named_as_numbers() -> None:
    compact = relations._compact
    for name in ("Clinic No", "pat_seq", "PAT_NO", "Lab No", "Episode Number", "Ref"):
        assert relations._naming(compact(name), compact(name), "patients") == 1, name
    for name in ("batch", "Surname", "Sample date", "Clinician", "Test"):
        assert relations._naming(compact(name), compact(name), "patients") == 0, name
    assert not relations._numbered("mobileno", "phone")
    assert relations._numbered("labno", "sample_id")


US_DOB = pa.array(["04/06/1982", "11/10/1955", "01/02/1999", "12/09/1963"])


def test_a_dob_no_cell_of_which_decides_follows_the_tables_month_first_dates() -> None:
    collected = pa.array(["03/15/2024 08:12", "03/15/2024 08:40", "03/16/2024 10:30", None])
    us = ["1982-04-06", "1955-11-10", "1999-01-02", "1963-12-09"]
    uk = ["1982-06-04", "1955-10-11", "1999-02-01", "1963-09-12"]
    assert dates.parse_column(US_DOB, [collected]).to_pylist() == us
    assert dates.parse_column(US_DOB).to_pylist() == uk  # the UK's way by default
    # Another column that only day first reads, or none that decides: the default stands.
    uk_too = pa.array(["15/03/2024", "03/04/2024", "", None])
    assert dates.parse_column(US_DOB, [collected, uk_too]).to_pylist() == uk
    assert dates.parse_column(US_DOB, [pa.array(["03/04/2024"])]).to_pylist() == uk
    # A cell of the column's own decides, whatever the others say.
    own = pa.array(["13/06/1982", "11/10/1955"])
    assert dates.parse_column(own, [collected]).to_pylist() == ["1982-06-13", "1955-10-11"]
    assert dates.month_first([collected]) and not dates.month_first([uk_too, collected])


def test_a_column_some_cell_of_which_is_month_first_is_read_month_first_throughout() -> None:
    """(A Cerner extract's ``03/11/1979`` beside ``12/25/1966`` is 11 March.)"""
    header = "PERSON_ID\tMRN\tNAME_FULL_FORMATTED\tBIRTH_DT_TM\tEVENT_DISP\tRESULT_VAL"
    rows = [
        "1182734\tMRN00482211\tKOWALCZYK, MAGDALENA\t03/11/1979 00:00:00\tHIV 1+2 Ag/Ab\tReactive",
        "1190045\tMRN00490177\tTHORNE, ALISTAIR\t12/25/1966 00:00:00\tHepatitis C Ab\tNegative",
    ]
    data = "\n".join([header, *rows]).encode()
    fields = ("family_name", "date_of_birth")
    assert people_in_file("extract.tsv", data, fields)[1] == [
        ("KOWALCZYK", "1979-03-11"),
        ("THORNE", "1966-12-25"),
    ]


def test_six_digit_dates_of_birth_are_read_day_month_year() -> None:
    data = b"""LABNUMBER,PATNAME,DOB,HOSPNO,TESTS
B2405531,"PRITCHARD,GWYNETH MAIR",140348,W0012345,"U+E"
B2405532,"O'DONNELL,SEAMUS",021159,W0012888,"TROP"
B2405533,"AL-FAYED,NOUR",300701,W0013001,"HCG"
"""
    fields = ("family_name", "date_of_birth")
    assert people_in_file("daylist.csv", data, fields)[1] == [
        ("O'DONNELL", "1959-11-02"),
        ("AL-FAYED", "2001-07-30"),
        ("PRITCHARD", "1948-03-14"),
    ]
    # Only a column of six digits throughout: one cell otherwise, and none is read so.
    assert dates.parse_column(pa.array(["140348", "21159"])).to_pylist() == [None, None]
    assert dates.parse_column(pa.array(["140348", "", None])).to_pylist() == [
        "1948-03-14",
        None,
        None,
    ]


@pytest.mark.parametrize(
    "label",
    [
        "DOB / Age 05.09.2001 (22y)",
        "DOB/Age: 05/09/2001 22y",
        "D.O.B/Age: 05-Sep-2001 (22 yrs)",
        "Date of Birth (Age): 05/09/2001 (22)",
        "DOB 05.09.2001",
    ],
)
def test_a_dob_label_that_also_gives_the_age(label: str) -> None:
    text = f"Patient: DUBOIS, Claire\n{label}\nTest: HIV 1+2 Ag/Ab\n"
    fields = ("family_name", "given_name", "date_of_birth")
    assert people_in_file("note.txt", text.encode(), fields)[1] == [
        ("DUBOIS", "Claire", "2001-09-05")
    ]


@pytest.mark.parametrize("key", ["patient_dob", "pt_dob", "date_of_birth", "dob"])
def test_a_logs_dob_key_with_an_underscore(key: str) -> None:
    line = f'ts=2024-03-01 patient_name="Ravi Chandrasekar" {key}=1982-05-19 test="HbA1c"\n'
    fields = ("family_name", "given_name", "date_of_birth")
    assert people_in_file("portal.log", line.encode(), fields)[1] == [
        ("Chandrasekar", "Ravi", "1982-05-19")
    ]


def test_dob_labels_read_backwards_say_what_they_say_forwards() -> None:
    windows = ["DOB / Age ", "DOB/Age: ", "Date of Birth (Age): ", "D.O.B/Age: ", "dob (age) "]
    windows += ["patient_dob=", "pt_dob=", "xdob=", "dob_x=", "2dob ", "Age/DOB ", "DOB / Aged "]
    windows += ["DOB / Age", "DOB Age: ", "DOB/(Age): ", "pt_d.o.b: "]
    said = []
    for window in windows:
        forwards = dob_label.DOB_LABEL.search(window) is not None
        assert (dob_label._DOB_LABEL_REVERSED.match(window[::-1]) is not None) == forwards
        said.append(forwards)
    assert said == [True] * 7 + [False] * 3 + [True, False, True] + [False] * 3
    text = "Patient X, dob (age): 05/09/2001 (22), pt_dob=1982-05-19"
    assert [m.value for m in dates.detect_dob(text)] == ["2001-09-05", "1982-05-19"]


def test_a_surname_and_its_initials() -> None:
    data = b""""SPECNO";"PATNAME";"DOB";"NHSNO";"TESTNAME"
"24M004411";"DUCKWORTH S";"01.06.1957";"%s";"MRSA screen"
"24M004412";"NGUYEN T H";"15.03.1990";"%s";"Chlamydia trachomatis PCR"
"24M004413";"FAIRWEATHER-SMITH A.M.";"28.11.2003";"%s";"Trichomonas vaginalis PCR"
""" % (N1.encode(), N2.encode(), N3.encode())
    fields = ("nhs_number", "family_name", "given_name")
    assert people_in_file("labcentre.csv", data, fields)[1] == [
        (N3, "FAIRWEATHER-SMITH", "A.M"),
        (N2, "NGUYEN", "T H"),
        (N1, "DUCKWORTH", "S"),
    ]


def test_initials_split_alike_on_either_path(monkeypatch: pytest.MonkeyPatch) -> None:
    cells = ["NGUYEN T H", "Nguyen T. H.", "LE  T\tH ", "A B", "A B C", "SMITH JOHN A"]
    cells += ["van der Berg A.M. K", "Okafor G", "Mary Jane A", "JO LI", "T H NGUYEN"]
    values = pa.array(cells)
    fast = [c.to_pylist() for c in name_columns.split_column(values)]
    with monkeypatch.context() as patched:
        patched.setattr(cellwise, "FEW", -1)  # every column takes the Arrow path
        slow = [c.to_pylist() for c in name_columns.split_column(values)]
    assert fast == slow
    assert list(zip(*fast, strict=True)) == [
        ("NGUYEN", "T H"),
        ("Nguyen", "T. H"),
        ("LE", "T\tH"),
        ("A", "B"),
        ("A", "B C"),
        ("SMITH JOHN", "A"),
        ("van der Berg", "A.M. K"),
        ("Okafor", "G"),
        ("Mary Jane", "A"),
        ("LI", "JO"),
        ("NGUYEN", "T"),  # given names first: the initial is no family name's
    ]


def test_a_us_exports_dates_of_birth_follow_its_other_dates() -> None:
    data = (
        b"Accession,Patient Name,DOB,MRN,Collected,Test\n"
        b'A1,"Forsyth, Imogen",04/06/1982,RM0443120,03/15/2024 08:12,Ferritin\n'
        b'A2,"Baptiste, Jean-Luc",11/10/1955,RM0443877,03/15/2024 08:40,PSA\n'
    )
    kind, found = people_in_file("export.csv", data, ("family_name", "date_of_birth"))
    assert (kind, found) == ("csv", [("Baptiste", "1955-11-10"), ("Forsyth", "1982-04-06")])
    # The same with UK collection dates: day first, as everywhere by default.
    uk = data.replace(b"03/15/2024", b"15/03/2024")
    assert people_in_file("export.csv", uk, ("family_name", "date_of_birth"))[1] == [
        ("Baptiste", "1955-10-11"),
        ("Forsyth", "1982-06-04"),
    ]
