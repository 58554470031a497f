"""Files written the way other systems write them (not the generator's templates): each must
give exactly its people, with their facts, through the scan stage's own per-file call."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import xlsxwriter
from fpdf import FPDF

from breachdesk.ingest.limits import Limits
from breachdesk.ingest.sniff import sniff_data
from breachdesk.ingest.walk import Entry
from breachdesk.scan.stage import _scan_file

# Valid NHS numbers (Modulus 11, England range), invented.
A, B, C = "4557660932", "4274295745", "4010232137"
FIELDS = ("family_name", "given_name", "date_of_birth", "nhs_number", "tests", "sensitive")


def people_in_file(
    name: str, data: bytes, fields: tuple[str, ...] = FIELDS
) -> tuple[str, list[tuple[str | None, ...]]]:
    """The file's sniffed type and its person-records' ``fields``, sorted, through the scan
    stage's own per-file call (shared by the other layout tests)."""
    kind = sniff_data(data, name)
    entry = Entry(path=name, parent=None, depth=0, size=len(data), type=kind, data=data)
    rows: list[tuple[str | None, ...]] = []
    for records, _ in _scan_file(entry, 1, Limits()):
        rows.extend(tuple(r[f] for f in fields) for r in records.select(list(fields)).to_pylist())
    return kind, sorted(rows, key=str)


def _people(name: str, data: bytes) -> tuple[str, list[tuple[str | None, ...]]]:
    return people_in_file(name, data)


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Worklist")
    sheet.write_row(0, 0, ["Worklist 30/05/2024"])
    sheet.write_row(2, 0, ["NHS Number", "Patient Name", "Date of Birth", "Investigation"])
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    for i, (nhs, who, born, test) in enumerate(
        [
            (A, "OKAFOR, Grace", dt.datetime(1962, 1, 12), "HIV"),
            (B, "NOWAK, Tomasz", dt.datetime(1975, 11, 2), "Hep C"),
        ],
        start=3,
    ):
        sheet.write_number(i, 0, int(nhs))  # Excel keeps NHS numbers as numbers
        sheet.write(i, 1, who)
        sheet.write_datetime(i, 2, born, day)
        sheet.write(i, 3, test)
    book.close()
    return buffer.getvalue()


def _cumulative_xlsx() -> bytes:
    """A per-patient cumulative report: who it is about above, a table of results below."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Cumulative")
    sheet.write(0, 0, "Cumulative report - Patient: OKAFOR, Grace   DOB: 12/01/1962")
    sheet.write(1, 0, "NHS: 455 766 0932")
    sheet.write_row(3, 0, ["Date", "Test", "Result", "Units"])
    sheet.write_row(4, 0, ["01/05/2024", "HbA1c", "48", "mmol/mol"])
    sheet.write_row(5, 0, ["15/05/2024", "HIV 1+2 Ab/Ag", "Reactive", ""])
    book.close()
    return buffer.getvalue()


def _worklist_pdf() -> bytes:
    """A printed worklist: column labels over rows, each cell placed at its column (PDFium's
    text keeps one space for the gaps, so read as prose the labels were a name and the dates
    of birth were lost); a long name overflows its cell, drawn over the next one."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=9)
    pdf.cell(0, 6, "Riverside Pathology - Outstanding results", new_x="LMARGIN", new_y="NEXT")
    widths = (30, 28, 28, 30, 40)
    rows = [
        ("Surname", "Forename", "Date of Birth", "NHS Number", "Test"),
        ("OKAFOR", "Grace", "12/01/1962", "455 766 0932", "HIV 1+2 Ab/Ag"),
        ("NOWAK", "Tomasz", "02/11/1975", "427 429 5745", "PSA"),
        ("MCDONALD-WILLIAMS", "Ann", "03/04/1968", "401 023 2137", "Chlamydia PCR"),
    ]
    for row in rows:
        for width, value in zip(widths, row, strict=True):
            pdf.cell(width, 6, value)
        pdf.ln()
    pdf.cell(0, 6, "Page 1 of 1")
    return bytes(pdf.output())


GRACE = ("OKAFOR", "Grace", "1962-01-12", A)
TOMASZ = ("NOWAK", "Tomasz", "1975-11-02", B)
CASES = {
    "export.json": (
        json.dumps(
            {
                "exported": "2024-05-30",
                "results": [
                    {
                        "patient": {
                            "firstName": "Grace",
                            "lastName": "OKAFOR",
                            "dob": "1962-01-12",
                            "nhsNumber": A,
                        },
                        "tests": [{"testCode": "PSA"}, {"testCode": "CA-125"}],
                        "requestedBy": {"name": "Dr Helen Brooks"},
                    },
                    {
                        "patient": {
                            "first_name": "Tomasz",
                            "last_name": "NOWAK",
                            "date_of_birth": "02/11/1975",
                            "nhs": B,
                        },
                        "tests": [{"testCode": "HIV 1+2 Ab/Ag", "result": "Reactive"}],
                    },
                ],
            }
        ).encode(),
        "json",
        [(*GRACE, "PSA;CA125", "cancer"), (*TOMASZ, "HIVAGAB", "hiv")],
    ),
    "events.log": (
        (
            json.dumps(
                {
                    "ts": "2024-05-30T10:00:01Z",
                    "patient": {"nhs": A, "name": "OKAFOR, Grace", "dob": "1962-01-12"},
                    "test": "HbA1c",
                }
            )
            + "\n"
            + json.dumps({"ts": "2024-05-30T10:00:02Z", "msg": "heartbeat"})
            + "\n"
        ).encode(),
        "json",
        [(*GRACE, "HBA1C", None)],
    ),
    "export.xml": (
        (
            '<?xml version="1.0"?><Export><Patients>'
            f"<Patient><Demographics><Surname>OKAFOR</Surname><Forename>Grace</Forename>"
            f"<BirthDate>1962-01-12</BirthDate><NHS>{A}</NHS></Demographics>"
            "<Request><Test>Hepatitis C antibody</Test><Test>LFT</Test></Request></Patient>"
            f"<Patient><Demographics><Surname>NOWAK</Surname><Forename>Tomasz</Forename>"
            f"<BirthDate>1975-11-02</BirthDate><NHS>{B}</NHS></Demographics>"
            "<Request><Test>PSA</Test></Request></Patient></Patients></Export>"
        ).encode(),
        "xml",
        [(*GRACE, "HCVAB;LFT", "hepatitis"), (*TOMASZ, "PSA", "cancer")],
    ),
    "worklist.xlsx": (
        _xlsx(),
        "xlsx",
        [(*GRACE, "HIVAGAB", "hiv"), (*TOMASZ, "HCVAB", "hepatitis")],
    ),
    "resultd.log": (
        (
            f"May 30 10:00:01 lab01 resultd[2211]: filed pid={A} surname=OKAFOR forename=Grace "
            "dob=12/01/1962 test=PSA\n"
            "May 30 10:00:02 lab01 resultd[2211]: connection reset by peer\n"
            f"May 30 10:00:03 lab01 resultd[2211]: filed pid={B} surname=NOWAK forename=Tomasz "
            "dob=02/11/1975 test=HBsAg\n"
        ).encode(),
        "log",
        [(*GRACE, "PSA", "cancer"), (*TOMASZ, "HBSAG", "hepatitis")],
    ),
    "quoted.log": (
        (
            f'2024-05-30T10:00:01Z app=lims event=filed pid={A} name="Grace Okafor" '
            'dob="12th January 1962" test="Hep C antibody"\n'
            "2024-05-30T10:00:02Z app=lims event=heartbeat\n"
        ).encode(),
        "log",
        [("Okafor", "Grace", "1962-01-12", A, "HCVAB", "hepatitis")],
    ),
    # The author in the heading is no patient; a name in capitals beyond ASCII is a name.
    "duty_log.txt": (
        (
            "Duty log 25.05.2024 - Ms T Jackson\n\n"
            "07.34 rang Dr M Taylor at F83593 about OKAFOR, Grace (born 12th January 1962)"
            " - D-dimer 338 ng/mL FEU. Advised repeat.\n"
            "07.39 rang Dr I Cox at G82001 about MÜLLER, Noor (born 1924/05/21) - HIV Reactive.\n"
            f"07.51 rang Dr C Green at F83593 about NOWAK, Tomasz (born 02-11-1975), NHS no. {B}"
            " - Plasma ferritin 358 ug/L.\n"
        ).encode(),
        "text",
        [
            (*GRACE[:3], None, "DDIM", None),
            ("MÜLLER", "Noor", "1924-05-21", None, "HIVAGAB", "hiv"),
            (*TOMASZ, "FERR", None),
        ],
    ),
    # Names under headers that say nothing, beyond ASCII; a family name of two words in capitals.
    "export_noheader.csv": (
        (
            "col1,col2,col3,col4\n"
            f'K100,"Müller, Zoë",12.01.1952,{A}\n'
            f'K200,"Da Silva, José",02.11.1975,{B}\n'
            f'K300,"Öztürk, Çağla",01.02.1980,{C}\n'
        ).encode(),
        "csv",
        [
            ("Müller", "Zoë", "1952-01-12", A, None, None),
            ("Da Silva", "José", "1975-11-02", B, None, None),
            ("Öztürk", "Çağla", "1980-02-01", C, None, None),
        ],
    ),
    "clinic_list.tsv": (
        (
            "Client Name\tDate of birth\tIdentifier\tDate of Request\n"
            f"DA SILVA Tomasz\t02-Nov-1975\t{B}\t30-May-2024\n"
            f"MÜLLER Zoë\t12-Jan-1962\t{A}\t30-May-2024\n"
            f"KHAN Li\t01-Feb-1980\t{C}\t29-May-2024\n"
        ).encode(),
        "tsv",
        [
            ("DA SILVA", "Tomasz", "1975-11-02", B, None, None),
            ("MÜLLER", "Zoë", "1962-01-12", A, None, None),
            ("KHAN", "Li", "1980-02-01", C, None, None),
        ],
    ),
    # A letter about three people, a paragraph each: each fact stays with its paragraph's person.
    "letters.txt": (
        (
            "Clinic letter\n\n"
            "Patient: Siobhán Ó SÚILLEABHÁIN, date of birth 12th January 1962, NHS 455-766-0932.\n"
            "14 Elm Grove, London SE15 4AB.\nResults: HbA1c 64 mmol/mol.\n\n"
            "Re: Mr Jean-Luc D'ARCY (born 3rd March 1955) Hosp no K0099812\n"
            "His hepatitis B surface antigen is positive.\n\n"
            "Name: Priya Patel  DOB: 1/2/80  MRN: 77812345\nCervical screening: HPV detected.\n"
        ).encode(),
        "text",
        [
            ("Ó SÚILLEABHÁIN", "Siobhán", "1962-01-12", A, "HBA1C", None),
            ("D'ARCY", "Jean-Luc", "1955-03-03", None, "HBSAG", "hepatitis"),
            ("Patel", "Priya", "1980-02-01", None, "HRHPV", "cancer"),
        ],
    ),
    # A CDA document: one patient, names and ids in attributes and nested elements.
    "letter.xml": (
        (
            '<?xml version="1.0"?><ClinicalDocument xmlns="urn:hl7-org:v3"><recordTarget>'
            f'<patientRole><id root="2.16.840.1.113883.2.1.4.1" extension="{B}"/>'
            "<patient><name><given>Tomasz</given><family>NOWAK</family></name>"
            '<birthTime value="19751102"/></patient></patientRole></recordTarget>'
            "<component><section><title>Results</title>"
            "<text>Chlamydia trachomatis NAAT: Detected</text></section></component>"
            "</ClinicalDocument>"
        ).encode(),
        "xml",
        [(*TOMASZ, "CHLAM", "sexual_health")],
    ),
    # FHIR: the NHS number under its OID, tests in a DiagnosticReport and an Observation.
    "bundle.json": (
        json.dumps(
            {
                "resourceType": "Bundle",
                "entry": [
                    {
                        "fullUrl": "urn:uuid:1",
                        "resource": {
                            "resourceType": "Patient",
                            "id": "p1",
                            "identifier": [
                                {"system": "urn:oid:2.16.840.1.113883.2.1.4.1", "value": A}
                            ],
                            "name": [{"family": "OKAFOR", "given": ["Grace"]}],
                            "birthDate": "1962-01-12",
                        },
                    },
                    {
                        "resource": {
                            "resourceType": "DiagnosticReport",
                            "subject": {"reference": "urn:uuid:1"},
                            "code": {"text": "Hepatitis C antibody"},
                            "conclusion": "Reactive",
                        }
                    },
                    {
                        "resource": {
                            "resourceType": "ServiceRequest",
                            "subject": {"reference": "Patient/p1"},
                            "code": {"coding": [{"display": "Prostate specific antigen"}]},
                        }
                    },
                ],
            }
        ).encode(),
        "fhir_json",
        [(*GRACE, "HCVAB;PSA", "cancer;hepatitis")],
    ),
    # A lower-cased export and log: keys and name labels say what the small words are.
    "lower.csv": (
        (
            "surname,forename,dob,nhs_no,test\n"
            f"okafor,grace,12/01/1952,{A},hiv\n"
            f"nowak,tomasz,02/11/1975,{B},psa\n"
            f"khan,li,01/02/1980,{C},fbc\n"
        ).encode(),
        "csv",
        [
            ("okafor", "grace", "1952-01-12", A, "HIVAGAB", "hiv"),
            ("nowak", "tomasz", "1975-11-02", B, "PSA", "cancer"),
            ("khan", "li", "1980-02-01", C, "FBC", None),
        ],
    ),
    "lower.txt": (
        (
            f"patient: seen today, nhs {A}, test: hiv\n"
            "name=tomasz nowak dob=02/11/1975 hep c antibody positive\n"
        ).encode(),
        "text",
        [
            (None, None, None, A, "HIVAGAB", "hiv"),
            ("nowak", "tomasz", "1975-11-02", None, "HCVAB", "hepatitis"),
        ],
    ),
    # Family names with particles, in prose and in a capitals list; a given name that is a
    # particle too ("Al") opens a name, it is not part of the family name.
    "particles.txt": (
        (
            f"Patient: Pieter van der Berg DOB 01/02/1980 NHS {C}\n"
            f"VAN DER BERG, Tomasz 02/11/1975 NHS {B}\n"
            f"Name: Al OKAFOR  DOB: 12/01/1962  NHS {A}\n"
        ).encode(),
        "text",
        [
            ("van der Berg", "Pieter", "1980-02-01", C, None, None),
            ("VAN DER BERG", "Tomasz", "1975-11-02", B, None, None),
            ("OKAFOR", "Al", "1962-01-12", A, None, None),
        ],
    ),
    # A SQL Server script: no INTO, no ";", N'' strings, CAST dates; results join patients.
    "lims.sql": (
        (
            "CREATE TABLE [dbo].[Patients]([PatientID] [int] NOT NULL, [NHSNumber] [nvarchar](10),"
            " [Surname] [nvarchar](50), [Forename] [nvarchar](50), [DateOfBirth] [date])\nGO\n"
            + "".join(
                f"INSERT [dbo].[Patients] ([PatientID], [NHSNumber], [Surname], [Forename], "
                f"[DateOfBirth]) VALUES ({i}, N'{n}', N'{f}', N'{g}', CAST(N'{d}' AS Date))\n"
                for i, n, f, g, d in [
                    (1, A, "OKAFOR", "Grace", "1962-01-12"),
                    (2, B, "NOWAK", "Tomasz", "1975-11-02"),
                ]
            )
            + "GO\nCREATE TABLE [dbo].[Results]([ResultID] [int], [PatientID] [int], "
            "[TestName] [nvarchar](100))\nGO\n"
            "INSERT [dbo].[Results] ([ResultID], [PatientID], [TestName]) VALUES (10, 1, "
            "N'HIV 1+2 Ab/Ag')\nGO\n"
        ).encode(),
        "sql",
        [(*GRACE, None, None), (*TOMASZ, None, None), (*GRACE, "HIVAGAB", "hiv")],
    ),
    # No label, title or capitals: the name is what stands before a date-of-birth label.
    "email_body.txt": (
        (
            b"Subject: Results for OKAFOR Grace DOB 12/01/1962\n\n"
            b"Hi, please can you check Tomasz Nowak (DOB 02/11/1975) - his hep C came back "
            b"reactive.\n"
        ),
        "text",
        [
            (*GRACE[:3], None, None, None),
            ("Nowak", "Tomasz", "1975-11-02", None, "HCVAB", "hepatitis"),
        ],
    ),
    "oru.hl7": (
        (
            "MSH|^~\\&|WINPATH|RJZ|GPSYS|F84042|20240530100000||ORU^R01|MSG001|P|2.4\r"
            f"PID|1|{A}^^^NHS^NH|K0099812^^^RJZ^MR||OKAFOR^Grace^A^^MRS||19620112|F\r"
            "OBR|1||S24-000123|HIV^HIV 1+2 Ab/Ag^LOCAL\r"
            "OBX|1|ST|HIV^HIV 1+2 Ab/Ag^LOCAL||Reactive||||||F\r"
        ).encode(),
        "hl7",
        [(*GRACE, "HIVAGAB", "hiv")],
    ),
    # Month first, as US-made software writes dates; without it Tomasz had no date of birth,
    # so no person, and his HIV test went to Grace.
    "us_dates.txt": (
        (
            b"Patient: Grace Okafor  DOB: Jan 12, 1962  NHS: 455 766 0932  Test: HbA1c\n"
            b"Patient: Tomasz Nowak  Date of birth: November 2nd, 1975  Test requested: HIV\n"
        ),
        "text",
        [
            ("Okafor", *GRACE[1:], "HBA1C", None),
            ("Nowak", "Tomasz", "1975-11-02", None, "HIVAGAB", "hiv"),
        ],
    ),
    # Nested names ({"name": {"family": ..., "given": [...]}}): "given" was no header we knew,
    # so no one had a given name, a date of birth or so a person.
    "nested_names.json": (
        json.dumps(
            {
                "records": [
                    {
                        "name": {"family": "OKAFOR", "given": ["Grace"]},
                        "born": "12/01/1962",
                        "placeOfBirth": "Lagos",
                        "orders": [{"test": "HIV 1+2 Ab/Ag"}],
                    },
                    {
                        "name": {"family": "NOWAK", "given": ["Tomasz"]},
                        "born": "02/11/1975",
                        "placeOfBirth": "Gdansk",
                        "orders": [{"test": "PSA"}],
                    },
                ]
            }
        ).encode(),
        "json",
        [(*GRACE[:3], None, "HIVAGAB", "hiv"), (*TOMASZ[:3], None, "PSA", "cancer")],
    ),
    # A per-patient export names its patient above a table of results with no column saying
    # who: the sheet gave no one, the CSV the patient without their tests.
    "cumulative.xlsx": (_cumulative_xlsx(), "xlsx", [(*GRACE, "HBA1C;HIVAGAB", "hiv")]),
    "cumulative.csv": (
        (
            f"Cumulative report - Patient: OKAFOR, Grace   DOB: 12/01/1962   NHS: {A}\n\n"
            "Date,Test,Result,Units\n01/05/2024,HbA1c,48,mmol/mol\n"
            "15/05/2024,HIV 1+2 Ab/Ag,Reactive,\n"
        ).encode(),
        "csv",
        [(*GRACE, "HBA1C;HIVAGAB", "hiv")],
    ),
    # ... but a table under two people's names is neither's.
    "two_named.csv": (
        (
            b"Patient list: OKAFOR, Grace DOB 12/01/1962; NOWAK, Tomasz DOB 02/11/1975\n\n"
            b"Date,Test,Result,Units\n01/05/2024,HbA1c,48,mmol/mol\n02/05/2024,PSA,5.1,ug/L\n"
        ),
        "csv",
        [(*GRACE[:3], None, None, None), (*TOMASZ[:3], None, None, None)],
    ),
    "worklist.pdf": (
        _worklist_pdf(),
        "pdf",
        [
            (*GRACE, "HIVAGAB", "hiv"),
            (*TOMASZ, "PSA", "cancer"),
            ("MCDONALD-WILLIAMS", "Ann", "1968-04-03", C, "CHLAM", "sexual_health"),
        ],
    ),
    # A letter's header block: the NHS number on the line under the name and date of birth
    # (was two people, one with the name and one with the number and the tests).
    "header_block.txt": (
        (
            b"Patient: OKAFOR, Grace  DOB 12/01/1962  Ward 7, Riverside Hospital\n"
            b"NHS: 455 766 0932\n"
            b"Patient: NOWAK, Tomasz  DOB 02/11/1975\n"
            b"NHS: 427 429 5745\n"
            b"Hep C antibody reactive.\n"
        ),
        "text",
        [(*GRACE, None, None), (*TOMASZ, "HCVAB", "hepatitis")],
    ),
    # ... also where the number's line says more, not naming anyone (a hospital number): was
    # two people, the tests the nameless one's.
    "header_block_ids.txt": (
        (
            b"Patient: OKAFOR, Grace   DOB: 12/01/1962\n"
            b"NHS No: 455 766 0932   Hosp No: H1234567   GP: F83001\n\n"
            b"HIV 1+2 antibody: Not detected\n"
        ),
        "text",
        [(*GRACE, "HIVAGAB", "hiv")],
    ),
    # ... but rows of a list stay their own people: a row with only a name and date of birth
    # beside rows with only NHS numbers is someone else.
    "mixed_list.txt": (
        f"NHS {A} HIV\nNHS {B}\nOKAFOR, Grace 12/01/1962\n".encode(),
        "text",
        [
            (None, None, None, A, "HIVAGAB", "hiv"),
            (None, None, None, B, None, None),
            (*GRACE[:3], None, None, None),
        ],
    ),
    # A form's labels and values parted by tabs: sniffed as a two-column TSV, no one found.
    "form.txt": (
        (
            f"Patient:\tOKAFOR, Grace\nDOB:\t12/01/1962\nNHS No.:\t{A}\nTests:\tHIV, Hep B sAg\n"
        ).encode(),
        "text",
        [(*GRACE, "HIVAGAB;HBSAG", "hepatitis;hiv")],
    ),
    # ... and a real two-column TSV stays one.
    "codes.tsv": (
        f"NHS Number\tSurname\n{A}\tOKAFOR\n{B}\tNOWAK\n".encode(),
        "tsv",
        [("OKAFOR", None, None, A, None, None), ("NOWAK", None, None, B, None, None)],
    ),
    # Through pandas (an integer column with a gap becomes floats) and Excel's day numbers for
    # dates: nobody was found.
    "through_pandas.csv": (
        (
            "NHS Number,Surname,Forename,DOB,Test\n"
            f"{A}.0,OKAFOR,Grace,22658,HIV\n"
            ",NOWAK,Tomasz,27700.0,PSA\n"
        ).encode(),
        "csv",
        [(*GRACE, "HIVAGAB", "hiv"), (*TOMASZ[:3], None, "PSA", "cancer")],
    ),
    # A printout's dot leaders between a label and its value (the name and date were lost).
    "printout.txt": (
        (
            "PATIENT DETAILS\n"
            "Surname ........ OKAFOR\n"
            "Forename ....... GRACE\n"
            "Date of Birth .........: 12/01/1962\n"
            f"NHS No ......... {A}\n\n"
            "REQUEST\n"
            "Test ........... HIV 1+2 Ab/Ag\n"
            "Result ......... Reactive\n"
        ).encode(),
        "text",
        [("OKAFOR", "GRACE", *GRACE[2:], "HIVAGAB", "hiv")],
    ),
    # A worklist prints the sex between the name and the date of birth; SAS and some LIMS print
    # Excel's ="..." to keep a number as text; a sex between the DOB label and the date.
    "excel_text.csv": (
        f'Surname,Forename,DOB,NHS,Test\nOKAFOR,Grace,12/01/1962,="{A}",HIV\n'
        f'NOWAK,Tomasz,02/11/1975,="{B}",Hep C\n'.encode(),
        "csv",
        [(*GRACE, "HIVAGAB", "hiv"), (*TOMASZ, "HCVAB", "hepatitis")],
    ),
    "sex_dob.txt": (
        f"Patient OKAFOR, Grace   Sex/DOB: F 12/1/62   NHS {A}\nHIV antibody: reactive\n".encode(),
        "text",
        [(*GRACE, "HIVAB", "hiv")],
    ),
    # A name with no label, title or comma, just before an NHS label and its number; a trust's
    # name before "NHS Trust" is none.
    "phoned.txt": (
        (
            "The results for Grace OKAFOR (NHS 455 766 0932) were phoned to the ward.\n\n"
            f"Tomasz NOWAK, NHS No {B}, Hep C antibody positive.\n\n"
            "Barts Health NHS Trust\n"
        ).encode(),
        "text",
        [(*GRACE[:2], None, A, None, None), (*TOMASZ[:2], None, B, "HCVAB", "hepatitis")],
    ),
    # dates as 02NOV1975; "D.O.B." is no family name "D".
    "worklist.txt": (
        (
            b"Ward 7 worklist\n"
            b"OKAFOR, Grace (F) 12/01/1962 HbA1c\n"
            b"NOWAK, Tomasz  M  02NOV1975  PSA\n"
            b"Name: Ann Ball D.O.B. 3 Apr 1968 Chlamydia PCR\n"
        ),
        "text",
        [
            (*GRACE[:3], None, "HBA1C", None),
            (*TOMASZ[:3], None, "PSA", "cancer"),
            ("Ball", "Ann", "1968-04-03", None, "CHLAM", "sexual_health"),
        ],
    ),
    # Excel's text marker kept in an export: "'4557660932".
    "apostrophes.csv": (
        (
            "NHS Number,Surname,Forename,DOB,Test\n"
            f"'{A},OKAFOR,Grace,12/01/1962,HIV\n'{B},NOWAK,Tomasz,02/11/1975,PSA\n"
        ).encode(),
        "csv",
        [(*TOMASZ, "PSA", "cancer"), (*GRACE, "HIVAGAB", "hiv")],
    ),
    # One patient in XML attributes: read as labelled lines, each key qualified by the
    # element ("patient surname: OKAFOR" / "patient forename: Grace").
    "attributes.xml": (
        (
            f'<Patients><Patient NHS="{A}" Surname="OKAFOR" Forename="Grace" DOB="12/01/1962">'
            '<Test Name="HIV 1+2 Ag/Ab" Result="Reactive"/></Patient></Patients>'
        ).encode(),
        "xml",
        [(*GRACE, "HIVAGAB", "hiv")],
    ),
    # Headers in other languages (a system set up abroad, an export for a European partner):
    # German with a BOM, semicolons and dotted dates; French with accented headers.
    "deutsch.csv": (
        (
            "\ufeffNHS-Nummer;Nachname;Vorname;Geburtsdatum;Geschlecht;Test\n"
            f"{A};Okafor;Grace;12.01.1962;W;HIV\n{B};Nowak;Tomasz;02.11.1975;M;Hep C\n"
        ).encode(),
        "csv",
        [
            ("Nowak", "Tomasz", "1975-11-02", B, "HCVAB", "hepatitis"),
            ("Okafor", "Grace", "1962-01-12", A, "HIVAGAB", "hiv"),
        ],
    ),
    "francais.csv": (
        (
            "Numéro NHS,Nom,Prénom,Date de naissance,Analyse\n"
            f"{A},OKAFOR,Grace,12/01/1962,HIV\n{B},NOWAK,Tomasz,02/11/1975,PSA\n"
        ).encode(),
        "csv",
        [
            ("NOWAK", "Tomasz", "1975-11-02", B, "PSA", "cancer"),
            ("OKAFOR", "Grace", "1962-01-12", A, "HIVAGAB", "hiv"),
        ],
    ),
    # A short export with a footer under its rows: was sniffed as prose ("Surname Forename" a
    # person's name), the footer's lines having no comma.
    "footer.csv": (
        (
            f"Surname,Forename,DOB,NHS No,Test\nOKAFOR,Grace,12/01/1962,{A},HIV\n"
            f"NOWAK,Tomasz,02/11/1975,{B},PSA\nSMITH,John,01/02/1980,{C},Hb\n\n"
            "Total records: 3\nExported by: jsmith on 01/06/2024\n"
        ).encode(),
        "csv",
        [
            ("NOWAK", "Tomasz", "1975-11-02", B, "PSA", "cancer"),
            ("OKAFOR", "Grace", "1962-01-12", A, "HIVAGAB", "hiv"),
            ("SMITH", "John", "1980-02-01", C, "HB", None),
        ],
    ),
    # Each record a line of "key: value" cells between pipes: was read as a pipe-separated
    # table headed by its first record, and no one was found.
    "keyed.txt": (
        (
            f"Surname: Okafor | Forename: Grace | DOB: 12/01/1962 | NHS: {A} | Test: HIV\n"
            f"Surname: Nowak | Forename: Tomasz | DOB: 02/11/1975 | NHS: {B} | Test: PSA 5.1\n"
        ).encode(),
        "text",
        [
            ("Nowak", "Tomasz", "1975-11-02", B, "PSA", "cancer"),
            ("Okafor", "Grace", "1962-01-12", A, "HIVAGAB", "hiv"),
        ],
    ),
    # A log of JSON payloads: '"dob":"1962-01-12"' (a key's closing quote between label and
    # date) and '"date_of_birth"' (underscores) were no date-of-birth labels.
    "payloads.log": (
        (
            '[2024-06-01 10:00:01] lims.INFO: result.release {"patient":{"nhs":"'
            + A
            + '","name":"OKAFOR, Grace","dob":"1962-01-12"},"test":"HIV"}\n'
            '[2024-06-01 10:00:02] lims.INFO: result.release {"patient":{"nhs":"'
            + B
            + '","name":"NOWAK, Tomasz","date_of_birth":"1975-11-02"},"test":"PSA"}\n'
        ).encode(),
        "log",
        [
            ("NOWAK", "Tomasz", "1975-11-02", B, "PSA", "cancer"),
            ("OKAFOR", "Grace", "1962-01-12", A, "HIVAGAB", "hiv"),
        ],
    ),
    # "date_naissance" (no "de"): was any other date, so nobody had a date of birth.
    "naissance.csv": (
        (
            b"id;nom;prenom;date_naissance;analyse\n1;OKAFOR;Grace;12/01/1962;HIV\n"
            b"2;NOWAK;Tomasz;02/11/1975;PSA\n3;SMITH;John;01/02/1980;FBC\n"
        ),
        "csv",
        [
            ("NOWAK", "Tomasz", "1975-11-02", None, "PSA", "cancer"),
            ("OKAFOR", "Grace", "1962-01-12", None, "HIVAGAB", "hiv"),
            ("SMITH", "John", "1980-02-01", None, "FBC", None),
        ],
    ),
}


def _grouped_header_xlsx() -> bytes:
    """A sheet whose header has a row of merged group cells above it."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Data")
    sheet.merge_range(0, 0, 0, 2, "Patient")
    sheet.merge_range(0, 3, 0, 4, "Request")
    sheet.write_row(1, 0, ["Surname", "Forename", "DOB", "Test", "NHS No"])
    sheet.write_row(2, 0, ["OKAFOR", "Grace", "12/01/1962", "HIV", A])
    sheet.write_row(3, 0, ["NOWAK", "Tomasz", "02/11/1975", "HCV Ab", B])
    book.close()
    return buffer.getvalue()


def test_a_row_of_group_cells_above_the_header_is_no_header() -> None:
    # "Patient" and "Request" over the real header were taken as the header: no one found.
    assert people_in_file("grouped.xlsx", _grouped_header_xlsx()) == (
        "xlsx",
        [(*TOMASZ, "HCVAB", "hepatitis"), (*GRACE, "HIVAGAB", "hiv")],
    )
    # A header with a blank cell over rows of words stays the header.
    data = f",Name,Test,NHS\n1,OKAFOR Grace,HIV,{A}\n2,NOWAK Tomasz,Hep C,{B}\n".encode()
    fields = ("family_name", "given_name", "nhs_number", "tests")
    assert people_in_file("blank.csv", data, fields)[1] == [
        ("NOWAK", "Tomasz", B, "HCVAB"),
        ("OKAFOR", "Grace", A, "HIVAGAB"),
    ]


def _identifier_lists(one: bool) -> bytes:
    """Patients whose numbers are typed pairs in a list (``{"type": "NHS", "value": ...}``)."""
    grace = {
        "name": {"family": "OKAFOR", "given": "Grace"},
        "birthDate": "1962-01-12",
        "identifiers": [{"type": "NHS", "value": A}, {"type": "MRN", "value": "RF12345"}],
        "contact": [{"system": "phone", "value": "020 7946 0018"}],
        "tests": ["HIV"],
    }
    tomasz = {
        "name": {"family": "NOWAK", "given": "Tomasz"},
        "birthDate": "1975-11-02",
        "identifiers": [{"idType": "MRN", "value": "RF67890"}, {"idType": "NHS", "value": B}],
        "tests": ["HBsAg"],
    }
    return json.dumps({"patient": grace} if one else {"patients": [grace, tomasz]}).encode()


def test_identifiers_written_as_typed_pairs_are_read_by_their_type() -> None:
    # By key alone both numbers fell in one "value" column, typed as a result: NHS numbers lost.
    fields = (*FIELDS[:4], "hospital_number", "e_phone", "tests")
    assert people_in_file("patients.json", _identifier_lists(False), fields) == (
        "json",
        [
            (*TOMASZ, "RF67890", False, "HBSAG"),
            (*GRACE, "RF12345", True, "HIVAGAB"),
        ],
    )
    # One patient: the list of pairs is their numbers, not a table of rows.
    assert people_in_file("patient.json", _identifier_lists(True), fields)[1] == [
        (*GRACE, "RF12345", True, "HIVAGAB")
    ]


@pytest.mark.parametrize("name", sorted(CASES))
def test_people_and_facts(name: str) -> None:
    data, kind, expected = CASES[name]
    assert _people(name, data) == (kind, sorted(expected, key=str))


def test_two_test_columns_name_each_test_once() -> None:
    data = (
        "Surname,Forename,DOB,NHS,Test Code,Test Name\n"
        f"OKAFOR,Grace,12/01/1962,{A},HCVAB,Hepatitis C antibody\n"
        f"NOWAK,Tomasz,02/11/1975,{B},PSA,Prostate specific antigen\n"
    ).encode()
    assert _people("two_tests.csv", data)[1] == sorted(
        [(*GRACE, "HCVAB", "hepatitis"), (*TOMASZ, "PSA", "cancer")], key=str
    )


def _hospital_numbers(name: str, data: bytes) -> list[str | None]:
    entry = Entry(path=name, parent=None, depth=0, size=len(data), type="csv", data=data)
    found: list[str | None] = []
    for records, _ in _scan_file(entry, 1, Limits()):
        found.extend(records.column("hospital_number").to_pylist())
    return found


def test_a_row_number_is_no_hospital_number() -> None:
    rows = [(A, "OKAFOR", "K0099812"), (B, "NOWAK", "K0099813"), (C, "KHAN", "RX1234567")]
    by_key = "Patient ID,NHS Number,Surname\n" + "".join(
        f"{i},{nhs},{family}\n" for i, (nhs, family, _) in enumerate(rows, start=1)
    )
    assert _hospital_numbers("keys.csv", by_key.encode()) == [None, None, None]
    real = "Patient ID,NHS Number,Surname\n" + "".join(f"{h},{n},{f}\n" for n, f, h in rows)
    assert _hospital_numbers("mrn.csv", real.encode()) == ["K0099812", "K0099813", "RX1234567"]


def test_excel_text_numbers_in_a_big_csv() -> None:
    # Past ARROW_MIN_CHARS the CSV is parsed by Arrow: the ="..." cells are unwrapped there too.
    rows = "".join(f'OKAFOR,Grace,12/01/1962,="{A}",HIV\n' for _ in range(1000))
    data = ("Surname,Forename,DOB,NHS,Test\n" + rows).encode()
    kind, people = people_in_file("big.csv", data)
    assert kind == "csv" and len(people) == 1000
    assert set(people) == {(*GRACE, "HIVAGAB", "hiv")}


def test_headers_in_other_scripts_fold_to_their_ascii_spelling() -> None:
    from breachdesk.detect.columns import fold, header_kind

    assert [fold(h) for h in ("Prénom", "Imię", "Płeć", "Soyadı", "NHS-Nummer")] == [
        "prenom",
        "imie",
        "plec",
        "soyadi",
        "nhs nummer",
    ]
    kinds = ["Nazwisko", "Imię", "Data urodzenia", "Płeć", "Geb.-Datum", "Badanie"]
    assert [header_kind(h) for h in kinds] == [
        "family_name",
        "given_name",
        "date_of_birth",
        "sex",
        "date_of_birth",
        "test",
    ]
    # The word saying whose a column is names no type beside one that does ("Patient MRN" was
    # a full name, the longest synonym in it).
    whose = ["Patient MRN", "Patient Sex", "Patient Postcode", "Patient", "Patient Name"]
    assert [header_kind(h) for h in whose] == [
        "hospital_number",
        "sex",
        "postcode",
        "full_name",
        "full_name",
    ]


def test_warehouse_and_epr_headers() -> None:
    from breachdesk.detect.columns import header_kind

    # A data warehouse's abbreviated column names and an EPR's identifiers: no type before.
    headers = ["last_nm", "first_nm", "post_cd", "EPR Number", "Case No", "Assay", "Profile"]
    assert [header_kind(h) for h in headers] == [
        "family_name",
        "given_name",
        "postcode",
        "hospital_number",
        "hospital_number",
        "test",
        "test",
    ]


def test_an_hl7_note_about_the_patient_gives_them_its_tests() -> None:
    # NTE comments name tests and findings without naming anyone: they are the PID's patient's
    # ("Patient known HIV positive" was no health data of anyone's before).
    message = (
        "MSH|^~\\&|LIMS|RJ1|EPR|RJ1|202405301000||ORU^R01|M1|P|2.4\r"
        f"PID|1||{A}^^^NHS^NH||OKAFOR^GRACE||19620112|F\r"
        "OBR|1||24H1|FBC^Full blood count^L\r"
        "NTE|1||Patient known HIV positive; repeat HbA1c\r"
    )
    fields = ("family_name", "nhs_number", "tests", "sensitive", "e_test_result")
    assert people_in_file("note.hl7", message.encode(), fields) == (
        "hl7",
        [("OKAFOR", A, "FBC;HIVAGAB;HBA1C", "hiv", True)],
    )
