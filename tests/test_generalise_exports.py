"""The eighth round of files in other systems' habits: database exports with terse headers and
labelled cells, a requesting practice under a clinician's header, a result given its own label.
Each must give exactly its people, with their facts, through the scan stage's per-file call."""

from __future__ import annotations

import pytest

from breachdesk.detect import lab_tests
from breachdesk.readers import dicom, fixed_width
from breachdesk.readers.base import ReaderError, Record, Table
from test_generalise import FIELDS, A, B, C, people_in_file
from test_readers_samples import _prop, cfb, dicom_bytes


def test_an_oracle_style_export() -> None:
    # Upper-case terse headers, dates as DD-MON-YY, NHS numbers written after their label or
    # dashed, the requesting location as a practice code under "REQ_LOC".
    data = (
        "PID_NO,PT_SURNAME,PT_FORENAME,PT_DOB,NHSNO,REQ_LOC,TEST_CD\n"
        f"1,OKAFOR,GRACE,12-JAN-62,NHS{A},F83001,HIVAB\n"
        f"2,NOWAK,TOMASZ,02-NOV-75,{B[:3]}-{B[3:6]}-{B[6:]},F83001,HCVAB\n"
        f"3,KOWALSKI,ANNA,30-MAR-88,NHS No: {C},Y01234,FBC\n"
    ).encode()
    fields = ("family_name", "date_of_birth", "nhs_number", "ods_codes", "sensitive")
    assert people_in_file("export.csv", data, fields)[1] == [
        ("KOWALSKI", "1988-03-30", C, "Y01234", None),
        ("NOWAK", "1975-11-02", B, "F83001", "hepatitis"),
        ("OKAFOR", "1962-01-12", A, "F83001", "hiv"),
    ]


def test_practice_codes_under_a_clinicians_header_are_the_requester() -> None:
    data = (
        b"Lab No,Patient,DOB,Requested By,Tests\n"
        b'1,"OKAFOR, Grace",12/01/1962,F83001,HbA1c\n'
        b'2,"NOWAK, Tomasz",02/11/1975,RJ122,HbA1c\n'
        b'3,"KOWALSKI, Anna",30/03/1988,Y01234,FBC\n'
    )
    assert people_in_file("list.csv", data, ("family_name", "ods_codes"))[1] == [
        ("KOWALSKI", "Y01234"),
        ("NOWAK", "RJ122"),
        ("OKAFOR", "F83001"),
    ]
    # A clinician's name under the same header is no organisation.
    named = data.replace(b"F83001", b"Dr K Davidson").replace(b"RJ122", b"Dr A Hayes")
    assert people_in_file("list.csv", named, ("family_name", "ods_codes"))[1] == [
        ("KOWALSKI", None),
        ("NOWAK", None),
        ("OKAFOR", None),
    ]


def _exposed(name: str, data: bytes) -> list[tuple[str | None, ...]]:
    return people_in_file(name, data, ("family_name", "tests", "e_test_result"))[1]


def test_a_result_after_its_own_label_is_a_result() -> None:
    note = b"Name: OKAFOR Grace   Born: 12/01/1962\nTest: HIV antibody  Result: Negative\n"
    assert _exposed("note.txt", note) == [("OKAFOR", "HIVAB", True)]
    # A JSON log's fields, read as "test: ...; result: ..." pairs.
    log = (
        b'{"ts":"2024-06-03T10:00:00Z","msg":"result filed","patient":{"name":"Grace Okafor",'
        b'"dob":"1962-01-12","nhs":"' + A.encode() + b'"},"test":"HIV 1+2 Ab/Ag",'
        b'"result":"Not detected"}\n'
        b'{"ts":"2024-06-03T10:00:01Z","msg":"requested","patient":{"name":"Tomasz Nowak",'
        b'"dob":"1975-11-02","nhs":"' + B.encode() + b'"},"test":"HbA1c","status":"pending"}\n'
    )
    assert _exposed("app.log", log) == [("Nowak", "HBA1C", False), ("Okafor", "HIVAGAB", True)]


def test_a_printout_without_its_labels_is_typed_by_its_values() -> None:
    # A worklist printed without column labels, the date of birth first: a table whose
    # columns are typed as a headerless CSV's are (the dates span decades: dates of birth).
    rows = [
        ("12/01/1962", "OKAFOR, Grace", A, "HbA1c"),
        ("02/11/1975", "NOWAK, Tomasz", B, "HIV antibody"),
        ("30/03/1988", "KOWALSKI, Anna", C, "FBC"),
        ("07/07/1941", "ADEYEMI, Tunde", "", "Ferritin"),
    ]
    body = "".join(f"{d:<12}{n:<20}{x:<12}{t}\n" for d, n, x, t in rows)
    data = f"Worklist 03/06/2024\n\n{body}\nEnd of list\n".encode()
    fields = ("family_name", "given_name", "date_of_birth", "nhs_number", "tests")
    assert people_in_file("worklist.txt", data, fields)[1] == [
        ("ADEYEMI", "Tunde", "1941-07-07", None, "FERR"),
        ("KOWALSKI", "Anna", "1988-03-30", C, "FBC"),
        ("NOWAK", "Tomasz", "1975-11-02", B, "HIVAB"),
        ("OKAFOR", "Grace", "1962-01-12", A, "HBA1C"),
    ]
    found: set[str] = set()
    items = list(fixed_width.segments(data.decode().splitlines(), found))
    assert found == {"table"}
    tables = [item for item in items if isinstance(item, Table)]
    assert [(t.prefix, t.first_row, t.n_rows) for t in tables] == [("line:3!", 1, 4)]


def test_aligned_lines_that_name_no_one_stay_prose() -> None:
    # An analyser's status list and a run of timestamps: aligned, with digits, but no column
    # of names beside numbers or dates of birth.
    lines = [
        "Analyser 1    Running    120 samples    09:14",
        "Analyser 2    Stopped    0 samples      09:15",
        "Analyser 3    Running    87 samples     09:15",
        "Analyser 4    QC fail    12 samples     09:16",
    ]
    found: set[str] = set()
    items = list(fixed_width.segments(lines, found))
    assert found == set()
    assert [type(item) for item in items] == [Record]
    # Names with dates that are not dates of birth (a week's collections) stay prose too.
    week = [f"0{d}/06/2024  OKAFOR, Grace     HbA1c     48" for d in range(1, 5)]
    assert _tables_in(week) == []


def _tables_in(lines: list[str]) -> list[Table]:
    return [item for item in fixed_width.segments(lines) if isinstance(item, Table)]


def _mail(sender: str, subject: str) -> bytes:
    return (
        f"From: {sender}\nTo: Pathology <results@lab.example.nhs.uk>\nSubject: {subject}\n"
        "Date: Mon, 3 Jun 2024 10:00:00 +0000\n\nPlease see below.\n"
    ).encode()


def test_the_senders_address_is_not_the_patients_the_subject_names() -> None:
    subject = f"OKAFOR, Grace DOB 12/01/1962 NHS {A} - HIV result"
    fields = ("family_name", "nhs_number", "e_email")
    staff = _mail("Dr A Smith <a.smith@f83001.nhs.example>", subject)
    assert people_in_file("query.eml", staff, fields)[1] == [("OKAFOR", A, False)]
    # The patient writing in from their own address: it is theirs.
    own = _mail("Grace Okafor <grace.okafor62@mail.example>", subject)
    assert people_in_file("query.eml", own, fields)[1] == [("OKAFOR", A, True)]


def test_a_result_after_dot_leaders() -> None:
    report = (
        "Results summary\n===============\nName ........ OKAFOR, Grace\n"
        f"D.O.B. ...... 12/01/1962\nNHS No ...... {A}\n"
        "Test ........ Chlamydia trachomatis\nResult ...... Detected\n"
    ).encode()
    assert _exposed("summary.txt", report) == [("OKAFOR", "CHLAM", True)]


def test_the_combined_hiv_test_by_its_other_names() -> None:
    # FHIR exports' display text: "HIV antigen and antibody" was read as the p24 antigen alone.
    for written in ("HIV antigen and antibody", "HIV antigen/antibody", "HIV Ab/Ag"):
        assert lab_tests.lookup(written) == ["HIVAGAB"], written
    assert lab_tests.lookup("HIV antigen") == ["HIVP24"]


def _outlook(sender: str, subject: str) -> bytes:
    return cfb(
        {
            "__properties_version1.0": b"\0" * 32,
            "__substg1.0_0037001F": _prop(subject),
            "__substg1.0_0C1A001F": _prop("Dr A Smith"),
            "__substg1.0_0C1F001F": _prop(sender),
            "__substg1.0_1000001F": _prop("Please see below.\n"),
            "__recip_version1.0_#00000000": {
                "__substg1.0_3001001F": _prop("Pathology"),
                "__substg1.0_39FE001F": _prop("results@lab.example.nhs.uk"),
            },
        }
    )


def test_an_outlook_messages_addresses_as_an_emls() -> None:
    subject = f"OKAFOR, Grace DOB 12/01/1962 NHS {A} - HIV result"
    fields = ("family_name", "nhs_number", "e_email")
    staff = _outlook("a.smith@f83001.nhs.example", subject)
    assert people_in_file("query.msg", staff, fields) == ("msg", [("OKAFOR", A, False)])
    own = _outlook("grace.okafor62@mail.example", subject)
    assert people_in_file("query.msg", own, fields) == ("msg", [("OKAFOR", A, True)])


def test_names_in_a_logs_json_payloads() -> None:
    # An interface engine's log: a prefix, then the message as JSON. Only the NHS numbers and
    # dates of birth were read; the third patient, with no NHS number, was lost.
    log = (
        '2024-06-03 10:00:00 INFO ORU_IN payload={"nhs":"' + A + '","name":"Grace Okafor",'
        '"dob":"1962-01-12","test":"HIV 1+2 Ab/Ag"}\n'
        '2024-06-03 10:00:01 INFO ORU_IN payload={"patient_name":"Anna Kowalski",'
        '"date_of_birth":"1988-03-30","test":"FBC"}\n'
        '2024-06-03 10:00:02 INFO ADT_IN body={"forename":"Tomasz","surname":"Nowak",'
        '"dob":"1975-11-02","nhs":"' + B + '"}\n'
    ).encode()
    fields = ("family_name", "given_name", "date_of_birth", "nhs_number")
    assert people_in_file("engine.log", log, fields) == (
        "log",
        [
            ("Kowalski", "Anna", "1988-03-30", None),
            ("Nowak", "Tomasz", "1975-11-02", B),
            ("Okafor", "Grace", "1962-01-12", A),
        ],
    )


def _spreadsheet_2003(*sheets: tuple[str, list[str]]) -> bytes:
    """Excel's XML Spreadsheet 2003: sheets of rows, each row's cells already marked up."""
    body = "".join(
        f'<Worksheet ss:Name="{name}"><Table>'
        + "".join(f"<Row>{cells}</Row>" for cells in rows)
        + "</Table></Worksheet>"
        for name, rows in sheets
    )
    return (
        '<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet" '
        f'xmlns:html="http://www.w3.org/TR/REC-html40">{body}</Workbook>'
    ).encode()


def _cells(*values: str) -> str:
    return "".join(f'<Cell><Data ss:Type="String">{v}</Data></Cell>' for v in values)


def test_an_xml_spreadsheet_2003_is_read_sheet_by_sheet_under_its_headers() -> None:
    # A title merged across the sheet, the header on the third row, a cell placed by its index
    # past an empty one, dates as Excel's DateTime, numbers as Number, a run of bold text.
    worklist = [
        '<Cell ss:MergeAcross="4"><Data ss:Type="String">Worklist 30/05/2024</Data></Cell>',
        "",
        _cells("Surname", "Forename", "DOB", "NHS Number", "Test"),
        _cells("OKAFOR", "Grace")
        + '<Cell><Data ss:Type="DateTime">1962-01-12T00:00:00.000</Data></Cell>'
        + f'<Cell><Data ss:Type="Number">{A}</Data></Cell>'
        + '<Cell><ss:Data ss:Type="String"><html:B>HIV</html:B> antibody</ss:Data></Cell>',
        _cells("NOWAK")
        + '<Cell ss:Index="3"><Data ss:Type="DateTime">1975-11-02T00:00:00.000</Data></Cell>'
        + _cells(B, "Hep C antibody"),
    ]
    second = [
        _cells("Patient Name", "Date of Birth", "Investigation"),
        _cells("Anna KOWALSKI", "30/03/1988", "FBC"),
    ]
    data = _spreadsheet_2003(("Worklist", worklist), ("Repeats", second))
    kind, people = people_in_file("export.xls", data, ("locator", *FIELDS))
    assert kind == "xml"
    assert people == [
        ("sheet:Repeats!row:1", "KOWALSKI", "Anna", "1988-03-30", None, "FBC", None),
        ("sheet:Worklist!row:1", "OKAFOR", "Grace", "1962-01-12", A, "HIVAB", "hiv"),
        ("sheet:Worklist!row:2", "NOWAK", None, "1975-11-02", B, "HCVAB", "hepatitis"),
    ]


_LETTER_LINES = (
    "Dear Dr Khan,",
    f"Re: Mrs Grace OKAFOR, DOB 12/01/1962, NHS No {A}",
    "Her HIV 1+2 Ab/Ag was reactive.",
)


def test_word_2003_xml_and_flat_opendocument_are_read_as_their_zipped_forms() -> None:
    w = "http://schemas.microsoft.com/office/word/2003/wordml"
    paras = "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in _LETTER_LINES)
    cells = "".join(
        f"<w:tr>{''.join(f'<w:tc><w:p><w:r><w:t>{v}</w:t></w:r></w:p></w:tc>' for v in row)}</w:tr>"
        for row in (("Patient Name", "DOB", "Test"), ("Tomasz NOWAK", "02/11/1975", "Hep C Ab"))
    )
    word = (
        f'<?xml version="1.0"?><w:wordDocument xmlns:w="{w}"><w:body>{paras}'
        f"<w:tbl>{cells}</w:tbl></w:body></w:wordDocument>"
    )
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    text = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    flat = (
        f'<?xml version="1.0"?><office:document xmlns:office="{office}" xmlns:text="{text}">'
        "<office:body><office:text>"
        + "".join(f"<text:p>{line}</text:p>" for line in _LETTER_LINES)
        + "</office:text></office:body></office:document>"
    )
    grace = ("line:2", "OKAFOR", "Grace", "1962-01-12", A, "HIVAGAB", "hiv")
    tomasz = ("table:1!row:1", "NOWAK", "Tomasz", "1975-11-02", None, "HCVAB", "hepatitis")
    assert people_in_file("letter.xml", word.encode(), ("locator", *FIELDS)) == (
        "xml",
        [grace, tomasz],
    )
    assert people_in_file("letter.fodt", flat.encode(), ("locator", *FIELDS)) == ("xml", [grace])


def test_a_slide_scanners_dicom_header_names_its_patient() -> None:
    # A whole-slide image's header: the patient by a hospital number, the NHS number among the
    # other IDs under the NHS's name, the study a test; the referring clinician is staff.
    data = dicom_bytes(
        name="OKAFOR^GRACE^A^^MRS",
        patient_id="RX1234567",
        others=((A, "NHS"),),
        study="Liver biopsy - hepatitis C",
    )
    fields = ("locator", "family_name", "given_name", "date_of_birth", "nhs_number")
    assert people_in_file("slide.dcm", data, (*fields, "hospital_number", "sensitive")) == (
        "dicom",
        [("header!row:1", "OKAFOR", "GRACE", "1980-02-01", A, "RX1234567", "hepatitis")],
    )


def test_a_damaged_dicom_file_says_so() -> None:
    # Cut inside its preamble: no DICOM mark, nothing to read.
    with pytest.raises(ReaderError, match="damaged DICOM file"):
        list(dicom.read(dicom_bytes()[:120], "slide.dcm"))
