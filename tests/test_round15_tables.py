"""Round 15: tables' people and hospital numbers. A surname with a date of birth and a hospital
number is a patient; a blood unit's number, a bare "Hosp" column of names and a database's row
keys are no hospital numbers, while "Hosp", "IPP" and short "MRN" numbers are; a 999-range NHS
number's row is a test patient; a printout's page total is no row."""

from __future__ import annotations

import random

import pyarrow as pa

from breachdesk.detect import hospital_columns
from breachdesk.detect.records import PersonRecord, person_mask
from breachdesk.detect.records import test_patients as find_test_patients
from breachdesk.nhs import generate
from breachdesk.readers import totals
from test_generalise import people_in_file

_RNG = random.Random(1515)
N1, N2 = generate(_RNG), generate(_RNG)
T1, T2 = (generate(_RNG, low=999_000_000, high=999_999_999) for _ in range(2))
WHO = ("family_name", "given_name", "date_of_birth", "hospital_number")


def test_surname_dob_and_hospital_number_identify_a_freezer_row() -> None:
    data = (
        b"Rack;Pos;Sample ID;Patient ID;Surname;DOB;Assay;Stored\n"
        b"B;A1;26V001101;KH1102934;OYELARAN;1961-03-14;HCV RNA;2026-10-02\n"
        b"B;A2;26V001102;KH1102934;OYELARAN;1961-03-14;HCV genotype;2026-10-02\n"
        b"B;A3;26V001140;KH7730012;PETRIE;1979-08-21;HIV-1 RNA;2026-10-03\n"
    )
    kind, rows = people_in_file("archive_rack_B.csv", data, (*WHO, "sensitive"))
    assert kind == "csv"
    assert rows == [
        ("OYELARAN", None, "1961-03-14", "KH1102934", "hepatitis"),
        ("OYELARAN", None, "1961-03-14", "KH1102934", "hepatitis"),
        ("PETRIE", None, "1979-08-21", "KH7730012", "hiv"),
    ]


def test_a_surname_needs_both_a_dob_and_a_hospital_number() -> None:
    # A staff rota's surname and start date, a list's surname and number: no one.
    staff = b"Staff,Surname,Start date,Role\nAM,Hollis,2019-04-01,BMS\nRB,Quayle,2015-09-12,MLA\n"
    assert people_in_file("rota.csv", staff, WHO)[1] == []
    numbers = b"Hosp No,Surname,Ward\nKH1102934,OYELARAN,Ward 4\nKH7730012,PETRIE,Ward 9\n"
    assert people_in_file("beds.csv", numbers, WHO)[1] == []
    born = b"Surname,DOB,Ward\nOYELARAN,14/03/1961,Ward 4\nPETRIE,21/08/1979,Ward 9\n"
    assert people_in_file("beds2.csv", born, WHO)[1] == []


def test_person_record_and_table_mask_agree() -> None:
    def rec(**values: str) -> PersonRecord:
        return PersonRecord("line:1", "text", dict(values))

    assert rec(family_name="PETRIE", date_of_birth="1979-08-21", hospital_number="K1").identifies()
    assert not rec(family_name="PETRIE", date_of_birth="1979-08-21").identifies()
    assert not rec(family_name="PETRIE", hospital_number="KH7730012").identifies()
    assert not rec(date_of_birth="1979-08-21", hospital_number="KH7730012").identifies()
    assert rec(family_name="PETRIE", given_name="Ann", hospital_number="K1").identifies()

    def col(*cells: str | None) -> pa.Array:
        return pa.array(list(cells), pa.string())

    mask = person_mask(
        col(None, None, None, None, N1),
        col("PETRIE", "PETRIE", "PETRIE", None, None),
        col(None, None, None, None, None),
        col("1979-08-21", "1979-08-21", None, "1979-08-21", None),
        col("KH7730012", None, "KH7730012", "KH7730012", None),
    )
    assert mask.to_pylist() == [True, False, False, False, True]


def test_blood_unit_numbers_are_no_hospital_numbers() -> None:
    data = (
        b"Issued,Unit Number,Product,Patient Surname,Patient Forename,Patient DOB,Hosp No\n"
        b"27/11/2026 08:42,G071426004512B,Red Cells,HARGREAVES,Joan,02/02/1950,KH4410093\n"
        b"27/11/2026 09:10,G0714 26 004533 7,Platelets,OSEI,Kwame,19/09/1981,KH5520811\n"
        b"27/11/2026 10:02,LOT-AD-1500,Anti-D Ig,FLYNN,Orla,07/07/1996,KH6630127\n"
    )
    assert people_in_file("bb_issues.csv", data, WHO)[1] == [
        ("FLYNN", "Orla", "1996-07-07", "KH6630127"),
        ("HARGREAVES", "Joan", "1950-02-02", "KH4410093"),
        ("OSEI", "Kwame", "1981-09-19", "KH5520811"),
    ]
    # With no hospital number column, the unit's number is still not the patient's.
    alone = (
        b"Unit No,Surname,Forename,DOB\n"
        b"G071426004512B,HARGREAVES,Joan,02/02/1950\n"
        b"G071426004533A,OSEI,Kwame,19/09/1981\n"
    )
    assert people_in_file("units.csv", alone, WHO)[1] == [
        ("HARGREAVES", "Joan", "1950-02-02", None),
        ("OSEI", "Kwame", "1981-09-19", None),
    ]


def test_hosp_and_ipp_headers_are_hospital_numbers() -> None:
    tox = (
        b"Sample\tName\tDOB\tHosp\tClinic\n"
        b"26T00111\tDUNNE Mark\t1984-02-14\tKH4501123\tSMS\n"
        b"26T00112\tLACEY Jade\t1995-07-07\tKH4501988\tSMS\n"
    )
    assert people_in_file("tox.txt", tox, WHO)[1] == [
        ("DUNNE", "Mark", "1984-02-14", "KH4501123"),
        ("LACEY", "Jade", "1995-07-07", "KH4501988"),
    ]
    french = (
        b"LabNo;Nom;Prenom;DDN;IPP;Analyse\n"
        b"26S1;BERTIN;Luc;05/05/1965;700123456;HBsAg\n"
        b"26S2;ROUX;Anne;30/12/1993;700188001;HIV1/2 Ag/Ab\n"
    )
    assert people_in_file("sero.csv", french, WHO)[1] == [
        ("BERTIN", "Luc", "1965-05-05", "700123456"),
        ("ROUX", "Anne", "1993-12-30", "700188001"),
    ]
    # A "Hosp" column of hospitals' names, and "Hosp Site" of codes: no one's number.
    sites = (
        b"Surname,Forename,DOB,Hosp,Hosp Site\n"
        b"DUNNE,Mark,14/02/1984,St James's,SJUH 1234\n"
        b"LACEY,Jade,07/07/1995,Leeds General,LGI 5678\n"
    )
    assert people_in_file("sites.csv", sites, WHO)[1] == [
        ("DUNNE", "Mark", "1984-02-14", None),
        ("LACEY", "Jade", "1995-07-07", None),
    ]


def test_short_mrns_are_hospital_numbers_but_row_keys_are_not() -> None:
    ward = (
        b"MRN,Patient Surname,Patient Forename,Date of Birth,Ward\n"
        b"23456,Ashby,Clive,12/07/1938,Ward 7\n"
        b"87012,Rehman,Sana,02/12/1971,Ward 7\n"
        b"4567,Doyle,Terence,25/03/1944,Ward 9\n"
    )
    assert people_in_file("ward.csv", ward, WHO)[1] == [
        ("Ashby", "Clive", "1938-07-12", "23456"),
        ("Doyle", "Terence", "1944-03-25", "4567"),
        ("Rehman", "Sana", "1971-12-02", "87012"),
    ]
    keyed = ward.replace(b"23456", b"1").replace(b"87012", b"2").replace(b"4567,", b"3,")
    assert [row[3] for row in people_in_file("keyed.csv", keyed, WHO)[1]] == [None] * 3
    rows = ward.replace(b"MRN", b"PatientID").replace(b"23456", b"7").replace(b"87012", b"40")
    assert [row[3] for row in people_in_file("ids.csv", rows, WHO)[1]] == [None] * 3


def test_settle_keeps_the_shaped_hospital_number_of_two() -> None:
    header = ["Unit No", "Hosp No"]
    columns = [pa.array(["BATCH A", "BATCH B", "BATCH C"]), pa.array(["K1234567"] * 3)]
    types = hospital_columns.settle(header, ["hospital_number"] * 2, columns, lambda v: v)
    assert types == [None, "hospital_number"]


def test_999_range_rows_are_test_patients_not_people() -> None:
    data = (
        "NHS Number,Surname,Forename,DOB,Test,Result\n"
        f"{T1},TEST,PATIENT,01/01/1970,Glucose,5.5\n"
        f"{N1},Morgan,Lisa,18/04/1973,Glucose,11.4\n"
        f"{T2[:3]} {T2[3:6]} {T2[6:]},ZZTEST,Ewan,01/01/2000,HIV antibody,Positive\n"
        f"{N2},Hussain,Imran,05/05/1966,Cholesterol,7.1\n"
    ).encode()
    _, rows = people_in_file("iqc.csv", data, ("family_name", "nhs_number", "sensitive"))
    assert rows == [("Hussain", N2, None), ("Morgan", N1, None)]
    names = pa.array(["TEST", "Morgan", "Hussain", None]), pa.array(["PATIENT", "Lisa", "I", None])
    flags = find_test_patients([pa.array([T1, N1, "9990000000", None])], *names)
    assert flags is not None and flags.to_pylist() == [True, False, False, False]
    nobody = pa.nulls(2, pa.string())
    assert find_test_patients([pa.array([N1, N2])], nobody, nobody) is None
    # A test patient's name alone says so, whatever the number.
    named = find_test_patients([pa.array([N1, N2])], pa.array(["ZZTEST", "Morgan"]), names[1][:2])
    assert named is not None and named.to_pylist() == [True, False]


def test_a_printouts_page_total_is_no_row() -> None:
    data = (
        "PATHOLOGY SERVICES                         INVOICE DETAIL\n"
        "Page 1\n"
        "DATE     LABNO       NHSNO       SURNAME        FORENAME   DOB       CODE    AMOUNT\n"
        f"01/10/26 26.1101002  {N1}  KEMP           HELEN      04/04/83  BRCA    350.00\n"
        f"02/10/26 26.1101331  {N2}  VARGA          ELLIE      30/06/99  SEMEN    42.00\n"
        "                                                          PAGE TOTAL    392.00\n"
        "-- continued --\n"
    ).encode()
    _, rows = people_in_file("INVOICE.TXT", data, ("family_name", "nhs_number", "tests"))
    assert rows == [("KEMP", N1, "BRCA"), ("VARGA", N2, "SEMEN")]
    assert totals.is_total(["", "Sub-total:", "£1,234.50"])
    assert not totals.is_total(["", "Total cholesterol", "5.2"])
    assert not totals.is_total(["", "TOTAL", "VAUGHAN"])
