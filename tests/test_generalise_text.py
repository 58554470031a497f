"""Free text and documents in other systems' habits (a fifth round): initials for given names,
US-order dates, HL7 messages quoted in logs and e-mails, and patients laid out in one table cell.
Each file must give exactly its people and facts through the scan stage's own per-file call."""

from __future__ import annotations

from email.message import EmailMessage
from xml.etree import ElementTree

import pytest

from breachdesk.detect import dates, lab_tests, names
from breachdesk.detect.hl7_in_text import with_segments
from breachdesk.readers import doc_tables, hl7v2_xml
from test_doc_tables import _docx, _w_para
from test_generalise import A, B, people_in_file

GRACE = ("OKAFOR", "GRACE", "1962-01-12", A, "HIVAGAB", "hiv")
TOMASZ = ("NOWAK", "TOMASZ", "1975-11-02", B, "HCVAB", "hepatitis")
GRACE_MIXED = ("OKAFOR", "Grace", "1962-01-12", None, "HIVAGAB", "hiv")
TOMASZ_MIXED = ("NOWAK", "Tomasz", "1975-11-02", None, "HCVAB", "hepatitis")


@pytest.mark.parametrize(
    ("text", "family", "given"),
    [
        ("Re: Ms G. Okafor, DOB 12/01/1962", "Okafor", "G"),
        ("Dear Mr J Smith,", "Smith", "J"),
        ("Dear Mr J. A. Smith,", "Smith", "J"),
        ("Re: Mr J.A. Smith DOB 01/02/1980", "Smith", "J"),
        ("Name: G. OKAFOR", "OKAFOR", "G"),
        ("Patient: SMITH J  DOB 01/02/1980", "SMITH", "J"),
        ("Name: Grace A. Okafor", "Okafor", "Grace"),
        ("Dear Mrs Grace Okafor", "Okafor", "Grace"),
        ("Patient: Okafor, Grace", "Okafor", "Grace"),
    ],
)
def test_an_initial_is_a_given_name_and_a_title_is_not(text: str, family: str, given: str) -> None:
    # Before: "Ms G. Okafor" was given name "Ms", family name "G"; "Mr J Smith" family "J".
    assert [(m.value, m.extra) for m in names.detect(text)] == [(family, given)]


def test_a_letter_naming_its_patient_by_an_initial() -> None:
    letter = (
        f"Dear Dr Smith,\n\nRe: Ms G. Okafor, DOB 12/01/1962, NHS No {A}\n\n"
        "Her HIV 1+2 Ab/Ag was reactive.\n"
    )
    assert people_in_file("letter.txt", letter.encode())[1] == [
        ("Okafor", "G", "1962-01-12", A, "HIVAGAB", "hiv")
    ]


def test_a_list_of_given_names_and_family_names_in_capitals_with_dates() -> None:
    # No label, title or comma: before, no one without a PMI. A known given name and a family
    # name in capitals, either way round, and a date straight after make a patient and their
    # date of birth.
    worklist = (
        "Worklist 30/05/2024\n"
        "Grace OKAFOR 12/01/1962 HIV 1+2 Ab/Ag Reactive\n"
        "NOWAK Tomasz (02/11/1975) Hep C Ab Negative\n"
        "Zoë MÜLLER 23/07/1980 PSA 2.1\n"
        "Sample RECEIVED 30/05/2024\n"
        "RECEIVED Sample 30/05/2024\n"
    )
    assert people_in_file("worklist.txt", worklist.encode())[1] == [
        ("MÜLLER", "Zoë", "1980-07-23", None, "PSA", "cancer"),
        ("NOWAK", "Tomasz", "1975-11-02", None, "HCVAB", "hepatitis"),
        ("OKAFOR", "Grace", "1962-01-12", None, "HIVAGAB", "hiv"),
    ]
    assert [m.value for m in names.detect("Sample RECEIVED 30/05/2024")] == []
    assert [m.value for m in names.detect("RECEIVED Sample 30/05/2024")] == []
    assert [m.value for m in names.detect("Dr Grace OKAFOR 30/05/2024")] == []  # staff


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("11/25/1962", "1962-11-25"),  # no 25th month: month first, as US-made software writes
        ("11/25/62", "1962-11-25"),
        ("12/01/1962", "1962-01-12"),  # either way round: day first, the UK's way
        ("25/11/1962", "1962-11-25"),
        ("13/25/1962", None),
        ("02/30/1962", None),
    ],
)
def test_a_date_only_month_first_can_read_is_read_so(written: str, iso: str | None) -> None:
    found = dates.parse(written)
    assert (found.isoformat() if found else None) == iso


def test_a_us_order_date_of_birth_in_a_note() -> None:
    note = "Patient: OKAFOR, Grace  DOB: 11/25/1962\nHIV 1+2 Ab/Ag: Reactive\n"
    assert people_in_file("note.txt", note.encode())[1] == [
        ("OKAFOR", "Grace", "1962-11-25", None, "HIVAGAB", "hiv")
    ]


def _message(number: int, pid: str, test: str, sep: str = "\n") -> str:
    return sep.join(
        [
            f"MSH|^~\\&|LAB|RVL|EPR|RVL|202405301000||ORU^R01|{number}|P|2.4",
            pid,
            f"OBR|1|||{test}^LOCAL",
            f"OBX|1|ST|{test}||Reactive",
        ]
    )


PID_A = f"PID|1||{A}^^^NHS^NH~H123456^^^RVL^MR||OKAFOR^GRACE||19620112|F"
PID_B = f"PID|1||{B}^^^NHS^NH||NOWAK^TOMASZ||19751102|M"


def test_an_interface_engine_log_keeps_each_logged_message_tests() -> None:
    # An engine logs each message it received, its segments on lines of their own between the
    # log's own lines: before, the PID line gave the patient and the OBR/OBX lines were lost.
    heartbeat = [
        f"2024-05-30 10:00:{i:02d},123 INFO  [Channel: ADT] heartbeat ok" for i in range(30)
    ]
    lines = [
        *heartbeat,
        "2024-05-30 10:01:01,123 INFO  [Channel: LabResults] Received message:",
        _message(1, PID_A, "HIV^HIV 1+2 Ab/Ag"),
        "2024-05-30 10:01:02,456 INFO  [Channel: LabResults] Received message:",
        _message(2, PID_B, "HCVAB^Hepatitis C antibody"),
        *heartbeat,
    ]
    kind, people = people_in_file("engine.log", "\n".join(lines).encode())
    assert (kind, people) == ("log", [TOMASZ, GRACE])


def test_a_message_pasted_into_a_ticket_or_an_e_mail() -> None:
    ticket = (
        "Ticket 123: please check why this message failed\n\n"
        + _message(1, PID_A, "HIV^HIV 1+2 Ab/Ag", sep="\r")
        + "\n\nThanks, Bob\n"
    )
    assert people_in_file("ticket.txt", ticket.encode())[1] == [GRACE]
    mail = EmailMessage()
    mail["From"] = "it@example.nhs.uk"
    mail["Subject"] = "Failed message"
    mail.set_content(ticket.replace("\r", "\n"))
    assert people_in_file("ticket.eml", mail.as_bytes())[1] == [GRACE]


def test_a_message_ends_at_the_next_message_or_a_line_that_is_no_segment() -> None:
    lines = [PID_A, "OBR|1|||HIV^HIV^LOCAL", "note: checked", "OBX|1|ST|HCVAB||Neg", PID_B, "PV1|1"]
    assert with_segments(lines) == [
        f"{PID_A}\rOBR|1|||HIV^HIV^LOCAL",
        "",
        "note: checked",
        "OBX|1|ST|HCVAB||Neg",
        f"{PID_B}\rPV1|1",
        "",
    ]
    assert with_segments(["a", "b"]) == ["a", "b"]


def test_a_patient_stacked_in_one_table_cell() -> None:
    # A results page puts the patient's name and date of birth in one cell, a line each: the
    # cell failed as a name, so no one was found and the HIV result was lost.
    rows = [
        ("OKAFOR, Grace<br>DOB 12/01/1962<br>NHS No: 455 766 0932", "HIV 1+2 Ab/Ag", "Reactive"),
        ("NOWAK, Tomasz<br>D.O.B. 02/11/1975", "Hep C Ab", "Negative"),
    ]
    body = "".join(f"<tr><td>{a}</td><td>{b}</td><td>{c}</td></tr>" for a, b, c in rows)
    page = (
        "<html><body><table><tr><th>Patient</th><th>Test</th><th>Result</th></tr>"
        f"{body}</table></body></html>"
    )
    want = [
        ("NOWAK", "Tomasz", "1975-11-02", None, "HCVAB", "hepatitis"),
        ("OKAFOR", "Grace", "1962-01-12", A, "HIVAGAB", "hiv"),
    ]
    assert people_in_file("results.html", page.encode())[1] == want

    def cell(*paragraphs: str) -> str:
        return "<w:tc>" + "".join(map(_w_para, paragraphs)) + "</w:tc>"

    table = (
        "<w:tbl><w:tr>" + cell("Patient") + cell("Investigation") + cell("Result") + "</w:tr>"
        "<w:tr>"
        + cell("OKAFOR, Grace", "DOB 12/01/1962", f"NHS No: {A}")
        + cell("HIV 1+2 Ab/Ag")
        + cell("Reactive")
        + "</w:tr>"
        "<w:tr>"
        + cell("NOWAK, Tomasz", "D.O.B. 02/11/1975")
        + cell("Hep C Ab")
        + cell("Negative")
        + "</w:tr></w:tbl>"
    )
    docx = _docx(_w_para("Results printed 05/05/2024") + table)
    assert people_in_file("results.docx", docx)[1] == want


def test_a_table_too_small_for_its_values_to_vote_is_read_as_text() -> None:
    # Two rows and no header: too few cells for a column to be typed by its values (three at
    # least), so no one was found. Its rows are read as text instead, a line a row.
    rows = "OKAFOR\tGrace\t12/01/1962\tHIV 1+2 Ab/Ag\nNOWAK\tTomasz\t02/11/1975\tHep C Ab\n"
    kind, people = people_in_file("extract.tsv", rows.encode())
    assert (kind, people) == ("tsv", [TOMASZ_MIXED, GRACE_MIXED])
    rows = f"{A},OKAFOR,Grace,12/01/1962,HIV\n{B},NOWAK,Tomasz,02/11/1975,Hep C\n"
    assert people_in_file("two.csv", rows.encode()) == (
        "csv",
        [(*TOMASZ_MIXED[:3], B, *TOMASZ_MIXED[4:]), (*GRACE_MIXED[:3], A, *GRACE_MIXED[4:])],
    )


def _v2_xml_message(nhs: str, family: str, given: str, born: str, code: str, test: str) -> str:
    return (
        "<ORU_R01><MSH><MSH.1>|</MSH.1><MSH.2>^~\\&amp;</MSH.2><MSH.3><HD.1>LAB</HD.1></MSH.3>"
        "</MSH><ORU_R01.PATIENT_RESULT><ORU_R01.PATIENT><PID><PID.1>1</PID.1>"
        f"<PID.3><CX.1>{nhs}</CX.1><CX.5>NH</CX.5></PID.3>"
        "<PID.3><CX.1>H123456</CX.1><CX.5>MR</CX.5></PID.3>"
        f"<PID.5><XPN.1><FN.1>{family}</FN.1></XPN.1><XPN.2>{given}</XPN.2></PID.5>"
        f"<PID.7><TS.1>{born}</TS.1></PID.7><PID.8>F</PID.8></PID></ORU_R01.PATIENT>"
        "<ORU_R01.ORDER_OBSERVATION><OBR><OBR.1>1</OBR.1>"
        f"<OBR.4><CE.1>{code}</CE.1><CE.2>{test}</CE.2></OBR.4></OBR>"
        f"<ORU_R01.OBSERVATION><OBX><OBX.3><CE.2>{test}</CE.2></OBX.3><OBX.5>Reactive</OBX.5>"
        "</OBX></ORU_R01.OBSERVATION></ORU_R01.ORDER_OBSERVATION></ORU_R01.PATIENT_RESULT>"
        "</ORU_R01>"
    )


def test_hl7_v2_in_its_xml_encoding_is_read_as_hl7() -> None:
    # Some engines archive messages as v2.xml: read as generic XML, the NHS number and test
    # were found but not the name or the date of birth.
    batch = (
        '<?xml version="1.0"?><Batch xmlns="urn:hl7-org:v2xml">'
        + _v2_xml_message(A, "OKAFOR", "GRACE", "19620112", "HIV", "HIV 1+2 Ab/Ag")
        + _v2_xml_message(B, "NOWAK", "TOMASZ", "19751102", "HCVAB", "Hepatitis C antibody")
        + "</Batch>"
    )
    assert people_in_file("messages.xml", batch.encode()) == ("xml", [TOMASZ, GRACE])


def test_v2_xml_fields_components_and_escapes() -> None:
    root = ElementTree.fromstring(
        '<ORU_R01 xmlns="urn:hl7-org:v2xml"><PID><PID.3><CX.1>H1^2</CX.1><CX.5>MR</CX.5></PID.3>'
        "<PID.5><XPN.1><FN.1>O'NEILL</FN.1><FN.2>van</FN.2></XPN.1><XPN.2>Ann</XPN.2></PID.5>"
        "<PID.5><XPN.1><FN.1>SMITH</FN.1></XPN.1></PID.5></PID></ORU_R01>"
    )
    (message,) = hl7v2_xml.messages(root)
    # No MSH in the document: one is put first, so the segments are a message.
    assert message.fields["PID-3"] == ["H1\\S\\2^^^^MR"]
    assert message.fields["PID-5"] == ["O'NEILL&van^Ann~SMITH"]


def test_stacked_cells_of_a_ragged_table_keep_their_columns() -> None:
    grid = [["Patient"], ["OKAFOR, Grace\nDOB 12/01/1962", "HIV"], ["NOWAK, Tomasz", "HCV"]]
    assert doc_tables._unstack(grid) == [
        ["Patient", "DOB", ""],
        ["OKAFOR, Grace", "12/01/1962", "HIV"],
        ["NOWAK, Tomasz", "", "HCV"],
    ]


@pytest.mark.parametrize(
    ("text", "family", "given"),
    [
        ("Patient: Abdi Kovacs  Sex: M", "Kovacs", "Abdi"),
        ("Name: John Smith Ward: 4", "Smith", "John"),
        ("Surname: WOJCIK      Forename(s): Mohamed", "WOJCIK", "Mohamed"),
        ("First name(s): Grace  Last name: OKAFOR", "OKAFOR", "Grace"),
        ("Surname: Evans\nForename(s): Raymond", "Evans", "Raymond"),
    ],
)
def test_a_forms_fields_name_the_patient(text: str, family: str, given: str) -> None:
    # Before: the next field's label was read as a middle name and so the family name
    # ("Sex"), and a form's "Forename(s):" box was no key, so its patient had no name.
    assert [(m.value, m.extra) for m in names.detect(text)] == [(family, given)]


def test_a_requests_list_of_tests_counts_everyday_words_and_small_codes() -> None:
    # "Iron" is an everyday word prose never counts as a test; in a request's list it is one.
    found = [
        (m.value, text[m.start : m.end])
        for text in ("Tests requested: U+E, Iron, Non-HDL cholesterol", "Test(s): iron; tsh")
        for m in lab_tests.detect(text)
        if m.kind == "test"
    ]
    assert found == [
        ("UE", "U+E"),
        ("IRON", "Iron"),
        ("NHDL", "Non-HDL cholesterol"),
        ("IRON", "iron"),
        ("TSH", "tsh"),
    ]
    # Outside such a list, or where an item is more than a test's name, nothing changes.
    for prose in ("He was given iron tablets.", "Tests requested: iron deficiency suspected"):
        assert [m.value for m in lab_tests.detect(prose) if m.kind == "test"] == []


@pytest.mark.parametrize(
    ("text", "family", "given"),
    [
        # A middle name after "Family, Given": was family "Mary", given "Grace".
        ("Patient Okafor, Grace Mary born 12th January 1962 seen.", "Okafor", "Grace"),
        ("Smith, John Paul DOB 01/02/1980", "Smith", "John"),
        # ... but a comma after an ordinary word is no family name.
        ("Seen today, Grace Okafor born 12/01/1962", "Okafor", "Grace"),
    ],
)
def test_a_family_name_before_given_and_middle_names(text: str, family: str, given: str) -> None:
    assert [(m.value, m.extra) for m in names.detect(text)] == [(family, given)]


def test_an_nhs_number_straight_after_its_labels_dot_or_colon() -> None:
    # "NHS No.455-766-0932", "NHS:4557660932": a dot or colon before a number is a decimal's or a
    # time's, so the number was passed over; after an NHS label it is the label's.
    data = (
        "Name: Mrs G. Okafor\nDOB: 12-Jan-1962\nNHS No.455-766-0932\nTests: Hep B surface antigen\n"
        f"\nname=Tomasz Nowak nhs:{B} hep c antibody positive\n"
        "\nratio 1.4557660932, at 10:4557660932\n"
    ).encode()
    assert people_in_file("notes.txt", data) == (
        "text",
        [
            ("Nowak", "Tomasz", None, B, "HCVAB", "hepatitis"),
            ("Okafor", "G", "1962-01-12", A, "HBSAG", "hepatitis"),
        ],
    )


def test_a_list_of_names_all_in_capitals_with_dates_of_birth() -> None:
    # A LIMS prints names in capitals: "OKAFOR, GRACE" or "NOWAK TOMASZ", each with the date of
    # birth after it. Before: no name (a given name in capitals was never one), no one found.
    data = (
        b"WARD 7 BLOODS 01/06/2024\n"
        b"OKAFOR, GRACE 12/01/1962 HIV 1+2 ANTIBODY\n"
        b"NOWAK TOMASZ 02/11/1975 HEP C ANTIBODY\n"
        b"SAMPLE RECEIVED 30/05/2024\n"
    )
    assert people_in_file("ward7.txt", data) == (
        "text",
        [(*TOMASZ[:3], None, "HCVAB", "hepatitis"), (*GRACE[:3], None, "HIVAGAB", "hiv")],
    )


def test_short_test_names_before_a_result_in_their_unit() -> None:
    # A report's results: "Hb", "Na", "K+" are too short to read alone (everywhere in prose),
    # "eGFR", "Urea" counted only in capitals (their codes' form), "Iron" is an everyday word
    # (only "IRON" counted): all unread before.
    text = (
        "Hb 98 g/L (L)\nNa 140 mmol/L  K+ 4.1 mmol/L\neGFR 54\nUrea 5.2\nCA 125 45 U/mL\n"
        "Iron 16 umol/L."
    )
    assert [(m.kind, m.value, text[m.start : m.end]) for m in lab_tests.detect(text)] == [
        ("test", "HB", "Hb"),
        ("test_result", "HB", "98"),
        ("test", "NA", "Na"),
        ("test_result", "NA", "140"),
        ("test", "K", "K+"),
        ("test_result", "K", "4.1"),
        ("test", "EGFR", "eGFR"),
        ("test_result", "EGFR", "54"),
        ("test", "UREA", "Urea"),
        ("test_result", "UREA", "5.2"),
        ("test", "CA125", "CA 125"),
        ("test_result", "CA125", "45"),
        ("test", "IRON", "Iron"),
        ("test_result", "IRON", "16"),
    ]
    # Not without the unit, nor in another unit, nor an everyday word in lower case.
    for prose in ("Hb 98", "Na 140 g/L", "iron 2 tablets"):
        assert [m.value for m in lab_tests.detect(prose)] == [], prose
    # A code in lower case with its result straight after it is a note's test (round 20).
    for prose, code in (("egfr 54", "EGFR"), ("urea 5.2 was fine", "UREA")):
        assert [m.value for m in lab_tests.detect(prose) if m.kind == "test"] == [code], prose
