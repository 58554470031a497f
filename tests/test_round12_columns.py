"""Column typing, round 12: a member of staff's or a thing's name column is not the patient's,
tests named in wide headers ("HIV antibody test - Value", "Last eGFR", "CT" in a sexual health
screen), a clinic's own numbers and an SMS gateway's "To", and a relative's own columns."""

from __future__ import annotations

import pytest

from breachdesk.detect.columns import header_kind
from test_generalise import people_in_file

# Valid NHS numbers (Modulus 11, England range), invented.
A, B, C = "4361038910", "4636957989", "4882444658"
NAMED = ("family_name", "given_name", "hospital_number", "tests", "sensitive")


def test_a_user_name_column_is_not_the_patient() -> None:
    data = (
        b"Timestamp,User ID,User Name,Workstation,Action,Patient Name,Hospital No,Lab No,Test\n"
        b'2024-03-03 02:14:07,LBX01,Lorna BAXTER,LAB-PC-07,VIEW RESULT,"GREGSON, Alice",'
        b"J004512,V24.118801,HIV 1+2 Ag/Ab\n"
        b'2024-03-03 02:20:10,IMR02,Iain MCRAE,LAB-PC-02,PRINT REPORT,"FOTHERINGHAM, Neil",'
        b"J004777,C24.550112,Chlamydia NAAT\n"
    )
    assert people_in_file("audit.csv", data, NAMED)[1] == [
        ("FOTHERINGHAM", "Neil", "J004777", "CHLAM", "sexual_health"),
        ("GREGSON", "Alice", "J004512", "HIVAGAB", "hiv"),
    ]


def test_a_staff_column_of_whole_names_is_not_read_as_the_name() -> None:
    # No column headed as the patient's name: a user's whole names are not taken for it.
    data = (
        "NHS Number,DOB,User,Test\n"
        f"{A},12/01/1962,Lorna Baxter,HIV\n"
        f"{B},02/11/1975,Iain McRae,Hep C\n"
        f"{C},30/05/1980,Helen Briggs,PSA\n"
    ).encode()
    fields = ("nhs_number", "family_name", "given_name", "tests")
    assert people_in_file("staff.csv", data, fields)[1] == [
        (A, None, None, "HIVAGAB"),
        (B, None, None, "HCVAB"),
        (C, None, None, "PSA"),
    ]


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("User Name", "clinician"),
        ("Username", "clinician"),
        ("Operator Surname", "clinician"),
        ("Staff Name", "clinician"),
        ("Amended By", "clinician"),
        ("obs_name", "test"),
        ("test_name", "test"),
        ("analyte_name", "test"),
        ("Exam Name", "test"),
        ("Name of test", "test"),
        ("Ward Name", None),
        ("Drug name", None),
        ("Name (as on sample)", "full_name"),
        ("Patient Name", "full_name"),
        ("Service User Surname", "family_name"),
        ("Last Name", "family_name"),
        ("HIV antibody test - Value", "analyte:HIVAB"),
        ("HIV antibody test - Date", "other_date"),
        ("HIV antibody test", "analyte:HIVAB"),
        ("Haemoglobin estimation - Value", "analyte:HB"),
        ("Last Lithium Level", "analyte:LITH"),
        ("Most recent PSA", "analyte:PSA"),
        ("Test Result", "result"),
        ("Order", None),  # a test column only where its cells are tests
        ("GUM No", "hospital_number"),
        ("Clinic No", "hospital_number"),
        ("To", None),
        ("Partner DOB", "relative"),
        ("Partner NHS No", "relative"),
        ("Mother's hosp no", "relative"),
    ],
)
def test_header_kinds(header: str, kind: str | None) -> None:
    assert header_kind(header) == kind


def test_a_thing_name_column_is_a_test_not_a_name() -> None:
    data = (
        "hosp_no,nhs_no,dob,obs_name,obs_value,entered_by\n"
        f"J001122,{A},1950-01-02,HIV viral load,36000,Lorna Baxter\n"
        f"J001210,{B},1939-09-09,Troponin T,1450,Iain McRae\n"
    ).encode()
    fields = ("nhs_number", "family_name", "given_name", "tests", "sensitive")
    assert people_in_file("obs.csv", data, fields)[1] == [
        (A, None, None, "HIVVL", "hiv"),
        (B, None, None, "TROPT", None),
    ]


def test_a_name_column_of_tests_is_a_test_column() -> None:
    data = (
        "NHS Number,Surname,Forename,Name,Value\n"
        f"{A},OKAFOR,Grace,HIV viral load,36000\n"
        f"{B},NOWAK,Tomasz,Troponin T,1450\n"
        f"{C},KOWALSKI,Anna,HbA1c,48\n"
    ).encode()
    fields = ("nhs_number", "family_name", "given_name", "tests")
    assert people_in_file("named.csv", data, fields)[1] == [
        (A, "OKAFOR", "Grace", "HIVVL"),
        (B, "NOWAK", "Tomasz", "TROPT"),
        (C, "KOWALSKI", "Anna", "HBA1C"),
    ]


POSTGRES = f"""CREATE TABLE public.patient (patient_uid integer, nhs_number varchar(10),
    family_name varchar(40), given_names varchar(60), birth_date date);
CREATE TABLE public.observation (obs_id integer, patient_uid integer, obs_name text,
    obs_value text, entered_by text);
COPY public.patient (patient_uid, nhs_number, family_name, given_names, birth_date) FROM stdin;
501\t{A}\tABERNETHY\tFiona\t1958-04-11
502\t{B}\tCHAUDHRY\tBilal\t2001-09-09
\\.
COPY public.observation (obs_id, patient_uid, obs_name, obs_value, entered_by) FROM stdin;
9001\t501\tCA 15-3\t88\tLorna Baxter
9002\t502\tHIV viral load\t36000\tIain McRae
\\.
"""


def test_a_dumps_observation_names_are_its_patients_tests() -> None:
    fields = ("nhs_number", "family_name", "given_name", "tests")
    assert people_in_file("lims.sql", POSTGRES.encode(), fields)[1] == [
        (A, "ABERNETHY", "Fiona", "CA153"),
        (A, "ABERNETHY", "Fiona", None),
        (B, "CHAUDHRY", "Bilal", "HIVVL"),
        (B, "CHAUDHRY", "Bilal", None),
    ]


def test_tests_named_in_wide_value_headers() -> None:
    data = (
        '"NHS Number","First Name","Surname","Date of Birth","HIV antibody test - Date",'
        '"HIV antibody test - Value","Syphilis serology - Date","Syphilis serology - Value",'
        '"Hepatitis B surface antigen - Value"\n'
        f'"{A}","Aisha","RAHMAN","19/11/1989","20/02/2024","Positive","20/02/2024",'
        '"Not detected","Negative"\n'
        f'"{B}","Kasia","NOWAK","28/02/2001","","","05/01/2024","Reactive","Positive"\n'
    ).encode()
    fields = ("nhs_number", "family_name", "tests", "sensitive", "e_test_result")
    assert people_in_file("antenatal.csv", data, fields)[1] == [
        (A, "RAHMAN", "HIVAB;SYPH;HBSAG", "hepatitis;hiv;sexual_health", True),
        (B, "NOWAK", "SYPH;HBSAG", "hepatitis;sexual_health", True),
    ]


def test_a_searchs_last_result_headers() -> None:
    data = (
        "Surname,Forename,DOB,NHS Number,Last eGFR,Last INR,Last Lithium Level\n"
        f"WHITTAKER,Albert,12/01/1932,{A},38,2.6,\n"
        f"FINNEGAN,Rose,30/09/1928,{B},51,,0.8\n"
    ).encode()
    fields = ("nhs_number", "family_name", "tests", "sensitive")
    assert people_in_file("search.csv", data, fields)[1] == [
        (A, "WHITTAKER", "EGFR;INR", None),
        (B, "FINNEGAN", "EGFR;LITH", "mental_health"),
    ]


def test_ct_is_chlamydia_only_beside_a_sexual_health_screen() -> None:
    screen = (
        "GUM No,Name,DOB,NHS No,HIV,Syph,CT,GC\n"
        f'GU-40211,"TREGUNNA, Kieran",17/02/1998,{A},Neg,Neg,Pos,Neg\n'
        f'GU-40212,"OYELOWO, Funmi",05/10/1993,{B},Pos,,,\n'
    ).encode()
    assert people_in_file("sh.csv", screen, NAMED)[1] == [
        ("OYELOWO", "Funmi", "GU-40212", "HIVAGAB", "hiv"),
        ("TREGUNNA", "Kieran", "GU-40211", "HIVAGAB;SYPH;CHLAM;GC", "hiv;sexual_health"),
    ]
    # A CT beside an MRI is a scan.
    scans = (
        f"NHS Number,Surname,Forename,DOB,CT,MRI,PSA\n{A},OKAFOR,Grace,12/01/1962,Done,,4.1\n"
    ).encode()
    assert people_in_file("scans.csv", scans, NAMED)[1] == [
        ("OKAFOR", "Grace", None, "PSA", "cancer")
    ]


def test_an_order_column_of_tests() -> None:
    data = (
        b"Patient,Date of Birth,MRN,Order,Result\n"
        b'"CHEN, Wei","Jan 12, 1962",UH0011223,HCV Antibody,Reactive\n'
        b'"MORGAN, Delyth","Feb 3, 1971",UH0011987,Lithium,1.6\n'
    )
    assert people_in_file("orders.csv", data, NAMED)[1] == [
        ("CHEN", "Wei", "UH0011223", "HCVAB", "hepatitis"),
        ("MORGAN", "Delyth", "UH0011987", "LITH", "mental_health"),
    ]


def test_a_clinic_number_yields_to_the_hospital_number() -> None:
    data = (
        b"Clinic No,Hospital No,Surname,Forename,DOB\n"
        b"GU24-0311,K482210,FENWICK,Oliver,14/08/1996\n"
        b"GU24-0312,K482977,MBEKI,Thandiwe,02/12/1990\n"
    )
    fields = ("family_name", "hospital_number", "date_of_birth")
    assert people_in_file("clinic.csv", data, fields)[1] == [
        ("FENWICK", "K482210", "1996-08-14"),
        ("MBEKI", "K482977", "1990-12-02"),
    ]


@pytest.mark.parametrize(
    ("to", "phone"),
    [
        (("+447961204245", "07534118378", "07412 665491"), True),
        (("Dr Patel", "Ward 5", "Dr Jones"), False),
    ],
)
def test_a_to_column_is_a_phone_only_where_it_holds_phones(
    to: tuple[str, str, str], phone: bool
) -> None:
    data = (
        "To,Surname,Forename,DOB,Body\n"
        f"{to[0]},PETRIE,Lorna,01/02/1970,Results ready\n"
        f"{to[1]},WESTLAKE,Anita,19/08/1964,INR clinic\n"
        f"{to[2]},HOLT,Callum,03/03/1990,Results ready\n"
    ).encode()
    fields = ("family_name", "e_phone")
    assert people_in_file("sms.csv", data, fields)[1] == [
        ("HOLT", phone),
        ("PETRIE", phone),
        ("WESTLAKE", phone),
    ]


def test_a_partners_columns_are_not_the_patients() -> None:
    # The woman's own DOB blank: the partner's is not taken for it, nor his NHS number.
    data = (
        "Lab No,Woman's name,DOB,NHS No,Result,Partner name,Partner DOB,Partner NHS No,"
        "Partner result\n"
        f"AN24-0019,Grace ADJEI,,{A},HbAS,Kofi ADJEI,22/01/1992,{B},HbAS\n"
        f"AN24-0047,Aaliyah MAHMOOD,29/12/2000,,HbAC,Imran MAHMOOD,05/05/1997,{C},HbAS\n"
    ).encode()
    fields = ("family_name", "given_name", "date_of_birth", "nhs_number")
    assert people_in_file("sct.csv", data, fields)[1] == [
        ("ADJEI", "Grace", None, A),
        ("MAHMOOD", "Aaliyah", "2000-12-29", None),
    ]
