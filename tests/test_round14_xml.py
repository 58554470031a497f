"""XML exports with more than one list: each list is a table, each result goes to the person
its key names, and a schema or a missing root changes nothing of how the rows are read."""

from __future__ import annotations

import pytest

from breachdesk.ingest.limits import Limits
from breachdesk.ingest.sniff import sniff_data
from breachdesk.ingest.walk import Entry
from breachdesk.readers import xml
from breachdesk.readers.base import Record, Table
from breachdesk.scan.stage import _scan_file

# Valid NHS numbers (Modulus 11, England range), invented; so are the people.
A, B, C, D = "4557660932", "4274295745", "4010232137", "4434640976"
FIELDS = (
    "locator",
    "nhs_number",
    "family_name",
    "given_name",
    "date_of_birth",
    "postcode",
    "tests",
    "sensitive",
)
Row = tuple[str | None, ...]
XML = '<?xml version="1.0" encoding="UTF-8"?>\n'


def _records(name: str, data: bytes) -> tuple[str, list[Row]]:
    """The file's sniffed type and its person-records' ``FIELDS``, sorted by locator, through
    the scan stage's own per-file call (the joins of its tables included)."""
    kind = sniff_data(data, name)
    entry = Entry(path=name, parent=None, depth=0, size=len(data), type=kind, data=data)
    rows: list[Row] = []
    for records, _ in _scan_file(entry, 1, Limits()):
        rows.extend(tuple(r[f] for f in FIELDS) for r in records.select(list(FIELDS)).to_pylist())
    return kind, sorted(rows, key=lambda row: str(row[0]))


def _tests_by_person(rows: list[Row]) -> dict[str | None, set[str]]:
    """Each NHS number's test codes over all its records (none given to anyone else)."""
    found: dict[str | None, set[str]] = {}
    for row in rows:
        found.setdefault(row[1], set()).update((row[6] or "").split(";") if row[6] else [])
    return found


# --- a .NET DataSet written with its inline schema ------------------------------------------

_SCHEMA = (
    '<xs:schema id="NewDataSet" xmlns="" xmlns:xs="http://www.w3.org/2001/XMLSchema" '
    'xmlns:msdata="urn:schemas-microsoft-com:xml-msdata">'
    '<xs:element name="NewDataSet" msdata:IsDataSet="true"><xs:complexType>'
    '<xs:choice minOccurs="0" maxOccurs="unbounded"><xs:element name="Table">'
    "<xs:complexType><xs:sequence>"
    + "".join(
        f'<xs:element name="{c}" type="xs:string" minOccurs="0" />'
        for c in ("NHS_NO", "SURNAME", "FORENAME", "DOB", "PCODE", "TEST_NAME", "RESULT")
    )
    + "</xs:sequence></xs:complexType></xs:element></xs:choice></xs:complexType>"
    "</xs:element></xs:schema>"
)
_DATASET_ROWS = (
    f"<Table><NHS_NO>{A}</NHS_NO><SURNAME>MARLOWE</SURNAME><FORENAME>Edith</FORENAME>"
    "<DOB>1952-04-08T00:00:00+01:00</DOB><PCODE>LS6 2QR</PCODE>"
    "<TEST_NAME>Karyotype (peripheral blood)</TEST_NAME><RESULT>46,XX</RESULT></Table>"
    f"<Table><NHS_NO>{B}</NHS_NO><SURNAME>QUILLAN</SURNAME><FORENAME>Rory</FORENAME>"
    "<DOB>1988-08-19T00:00:00+01:00</DOB><PCODE>LS7 3HB</PCODE>"
    "<TEST_NAME>Carbohydrate deficient transferrin</TEST_NAME><RESULT>2.9 %</RESULT></Table>"
)
DATASET_PEOPLE = [
    ("Table!row:1", A, "MARLOWE", "Edith", "1952-04-08", "LS6 2QR", "KARYO", "genetic"),
    ("Table!row:2", B, "QUILLAN", "Rory", "1988-08-19", "LS7 3HB", "CDT", "substance_misuse"),
]


@pytest.mark.parametrize("schema", [_SCHEMA, ""], ids=["with_schema", "without_schema"])
def test_a_dataset_reads_its_rows_alike_with_or_without_its_inline_schema(schema: str) -> None:
    data = f"{XML}<NewDataSet>{schema}{_DATASET_ROWS}</NewDataSet>".encode()
    assert _records("DataSet_Test.xml", data) == ("xml", DATASET_PEOPLE)


# --- a list of patients beside a list of results pointing at them ----------------------------

_PATIENTS = (
    f'<Patients><Patient id="P0001"><NHSNumber>{A}</NHSNumber>'
    "<Name><Family>Garvie</Family><Given>Fraser</Given></Name><BirthDate>1958-10-10</BirthDate>"
    "<Address><PostCode>DD1 4HN</PostCode></Address></Patient>"
    f'<Patient id="P0002"><NHSNumber>{B}</NHSNumber>'
    "<Name><Family>Mulvey</Family><Given>Shona</Given></Name><BirthDate>1995-03-21</BirthDate>"
    "<Address><PostCode>DD2 1SP</PostCode></Address></Patient></Patients>"
)
# (pointer, test, value) in file order: Mulvey's two sensitive results around Garvie's PSA.
_RESULTS = [
    ("P0002", "Chlamydia NAAT", "DETECTED"),
    ("P0001", "Prostate specific antigen", "3.1"),
    ("P0002", "HIV 1/2 Ag/Ab combo", "Negative"),
]
GARVIE = (A, "Garvie", "Fraser", "1958-10-10", "DD1 4HN")
MULVEY = (B, "Mulvey", "Shona", "1995-03-21", "DD2 1SP")
HUB_PEOPLE = [
    ("table:Patient!row:1", *GARVIE, None, None),
    ("table:Patient!row:2", *MULVEY, None, None),
    ("table:Result!row:1", *MULVEY, "CHLAM", "sexual_health"),
    ("table:Result!row:2", *GARVIE, "PSA", "cancer"),
    ("table:Result!row:3", *MULVEY, "HIVAGAB", "hiv"),
]


def _results(as_element: bool) -> str:
    rows = []
    for ref, test, value in _RESULTS:
        key = f"<patientRef>{ref}</patientRef>" if as_element else ""
        attribute = "" if as_element else f' patientRef="{ref}"'
        rows.append(
            f'<Result{attribute} specimen="D23.1">{key}<Test code="X">{test}</Test>'
            f"<Value>{value}</Value><AuthorisedBy>Dr Moira Gault</AuthorisedBy></Result>"
        )
    return f"<Results>{''.join(rows)}</Results>"


@pytest.mark.parametrize("as_element", [False, True], ids=["attribute", "element"])
def test_each_result_goes_to_the_patient_its_reference_names(as_element: bool) -> None:
    data = f"{XML}<Extract>{_PATIENTS}{_results(as_element)}</Extract>".encode()
    kind, rows = _records("hub_export.xml", data)
    assert (kind, rows) == ("xml", HUB_PEOPLE)
    assert _tests_by_person(rows) == {A: {"PSA"}, B: {"CHLAM", "HIVAGAB"}}


def test_an_exporters_block_does_not_make_the_lists_one_document() -> None:
    """The exporter named with a date of birth outside the lists: the results still point at
    the patients by key, so the lists are read as tables and joined, not pooled."""
    header = (
        "<ExportedBy><Surname>Pryor</Surname><Forename>Joan</Forename>"
        "<DOB>1970-01-01</DOB></ExportedBy>"
    )
    data = f"{XML}<Extract>{header}{_PATIENTS}{_results(False)}</Extract>".encode()
    assert _records("hub_export.xml", data) == ("xml", HUB_PEOPLE)


def test_the_reader_yields_each_list_as_a_table_with_its_key_columns() -> None:
    data = f"{XML}<Extract>{_PATIENTS}{_results(False)}</Extract>".encode()
    patients, results = xml.read(data, "hub_export.xml")
    assert isinstance(patients, Table) and isinstance(results, Table)
    assert (patients.prefix, results.prefix) == ("table:Patient!", "table:Result!")
    assert patients.header[:2] == ["id", "NHSNumber"]
    assert patients.columns[0] == ["P0001", "P0002"]
    assert results.header[0] == "patientRef"
    assert results.columns[0] == ["P0002", "P0001", "P0002"]


# --- mysqldump --xml ----------------------------------------------------------------------


def _table_data(name: str, rows: list[dict[str, str]]) -> str:
    body = "".join(
        "<row>" + "".join(f'<field name="{k}">{v}</field>' for k, v in row.items()) + "</row>"
        for row in rows
    )
    return f'<table_data name="{name}">{body}</table_data>'


def _structure(name: str, columns: list[str]) -> str:
    fields = "".join(f'<field Field="{c}" Type="varchar(60)" Null="YES" Key="" />' for c in columns)
    return f'<table_structure name="{name}">{fields}<options Name="{name}" /></table_structure>'


_PAT_MASTER = [
    {"pat_id": "30101", "nhs_no": C, "surname": "Greaves", "forenames": "Hilary"}
    | {"dob": "1963-06-06", "postcode": "S10 2TN"},
    {"pat_id": "30102", "nhs_no": D, "surname": "Oduro", "forenames": "Kofi"}
    | {"dob": "1958-02-20", "postcode": "S11 8YB"},
]
_REQ_TESTS = [
    {"req_test_id": "991001", "pat_id": "30102", "test_desc": "Hepatitis B surface antigen"},
    {"req_test_id": "991002", "pat_id": "30101", "test_desc": "CA 125"},
]
GREAVES = (C, "Greaves", "Hilary", "1963-06-06", "S10 2TN")
ODURO = (D, "Oduro", "Kofi", "1958-02-20", "S11 8YB")


def test_mysqldump_xml_tables_are_read_as_tables_and_joined() -> None:
    data = (
        '<?xml version="1.0"?>\n<mysqldump xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        '<database name="pathlive">'
        + _structure("pat_master", list(_PAT_MASTER[0]))
        + _table_data("pat_master", _PAT_MASTER)
        + _structure("req_tests", list(_REQ_TESTS[0]))
        + _table_data("req_tests", _REQ_TESTS)
        + "</database></mysqldump>"
    ).encode()
    kind, rows = _records("pathlive_tables.xml", data)
    assert (kind, rows) == (
        "xml",
        [
            ("table:pat_master!row:1", *GREAVES, None, None),
            ("table:pat_master!row:2", *ODURO, None, None),
            ("table:req_tests!row:1", *ODURO, "HBSAG", "hepatitis"),
            ("table:req_tests!row:2", *GREAVES, "CA125", "cancer"),
        ],
    )


def test_mysqldump_xml_nulls_are_empty_cells_not_records() -> None:
    """``<field name="postcode" xsi:nil="true"/>``: a NULL cell of the row, not a record of a
    list of fields (nor a "field name" column)."""
    nil = '<field name="{}" xsi:nil="true" />'
    patients = _table_data("pat_master", _PAT_MASTER).replace(
        '<field name="postcode">S10 2TN</field>', nil.format("postcode")
    )
    patients = patients.replace("</row>", nil.format("phone") + "</row>")
    tests = _table_data("req_tests", _REQ_TESTS).replace("</row>", nil.format("note") + "</row>")
    data = (
        '<mysqldump xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f'<database name="pathlive">{patients}{tests}</database></mysqldump>'
    ).encode()
    people, results = xml.read(data, "nulls.xml")
    assert isinstance(people, Table) and isinstance(results, Table)
    assert people.header == ["pat_id", "nhs_no", "surname", "forenames", "dob", "postcode"]
    assert people.columns[-1] == ["", "S11 8YB"]
    assert results.header == ["req_test_id", "pat_id", "test_desc"]
    kind, rows = _records("nulls.xml", data)
    assert kind == "xml"
    assert [(row[0], row[1], row[2], row[6]) for row in rows] == [
        ("table:pat_master!row:1", C, "Greaves", None),
        ("table:pat_master!row:2", D, "Oduro", None),
        ("table:req_tests!row:1", D, "Oduro", "HBSAG"),
        ("table:req_tests!row:2", C, "Greaves", "CA125"),
    ]


# --- SQL Server FOR XML RAW: attribute rows, often with no root ------------------------------

_RAW = [
    (A, "Kaur", "Harpreet", "1985-01-17", "UB2 4LH", "Chlamydia NAAT (vulvovaginal swab)"),
    (B, "Oduya", "Emmanuel", "1967-06-30", "UB1 3EW", "Quantiferon TB Gold"),
    (C, "Sandhu", "Gurpreet", "1959-09-02", "UB2 5NR", "Hepatitis B core antibody"),
]
RAW_PEOPLE = [
    ("row!row:1", A, "Kaur", "Harpreet", "1985-01-17", "UB2 4LH", "CHLAM", "sexual_health"),
    ("row!row:2", B, "Oduya", "Emmanuel", "1967-06-30", "UB1 3EW", "IGRA", None),
    ("row!row:3", C, "Sandhu", "Gurpreet", "1959-09-02", "UB2 5NR", "HBCAB", "hepatitis"),
]


def _raw_rows() -> str:
    return "".join(
        f'<row PatientID="{i}" NHSNumber="{n}" Surname="{f}" Forename="{g}" '
        f'DateOfBirth="{d}T00:00:00" Postcode="{p}" TestDescription="{t}" '
        'AuthorisedBy="Dr Rebecca Stone"/>'
        for i, (n, f, g, d, p, t) in enumerate(_RAW, start=30551)
    )


@pytest.mark.parametrize(
    ("encoding", "declared"),
    [("utf-8", False), ("utf-16", False), ("cp1252", True)],
    ids=["utf8", "utf16_bom", "declared_cp1252"],
)
def test_a_for_xml_raw_fragment_without_a_root_is_a_table(encoding: str, declared: bool) -> None:
    head = '<?xml version="1.0" encoding="windows-1252"?>' if declared else ""
    data = (head + _raw_rows().replace("Oduya", "Oduyá")).encode(encoding)
    expected = [(*row[:2], "Oduyá", *row[3:]) if row[2] == "Oduya" else row for row in RAW_PEOPLE]
    assert _records("forxml_raw.xml", data) == ("xml", expected)


def test_for_xml_raw_with_a_root_reads_the_same() -> None:
    data = f"<results>{_raw_rows()}</results>".encode()
    assert _records("forxml_root.xml", data) == ("xml", RAW_PEOPLE)


def test_a_document_followed_by_a_row_count_is_still_read_as_xml() -> None:
    data = f"<results>{_raw_rows()}</results>\n(3 rows affected)\n".encode()
    assert _records("sqlcmd_out.xml", data) == ("xml", RAW_PEOPLE)


def test_an_ado_recordset_reads_its_rows_not_its_schema() -> None:
    data = (
        "<xml xmlns:s='uuid:BDC6E3F0-6DA3-11d1-A2A3-00AA00C14882' "
        "xmlns:rs='urn:schemas-microsoft-com:rowset' xmlns:z='#RowsetSchema'>"
        "<s:Schema id='RowsetSchema'><s:ElementType name='row'>"
        "<s:AttributeType name='NHSNumber'/><s:AttributeType name='Surname'/>"
        "<s:AttributeType name='Forename'/></s:ElementType></s:Schema><rs:data>"
        + _raw_rows().replace("<row ", "<z:row ")
        + "</rs:data></xml>"
    ).encode()
    assert _records("recordset.xml", data) == ("xml", RAW_PEOPLE)


# --- the family: other names, wrappers, several tables of one DataSet -----------------------


def test_a_dataset_of_two_tables_joins_results_to_patients() -> None:
    patients = "".join(
        f"<Patients><PatientID>{i}</PatientID><NHS_No>{n}</NHS_No><Surname>{f}</Surname>"
        f"<Forename>{g}</Forename><DOB>{d}T00:00:00+00:00</DOB></Patients>"
        for i, (n, f, g, d, _) in enumerate([GARVIE, MULVEY], start=1)
    )
    results = "".join(
        f"<Results><ResultID>{k}</ResultID><PatientID>{p}</PatientID><Test>{t}</Test></Results>"
        for k, (p, t) in enumerate([(2, "Chlamydia NAAT"), (1, "CA 125"), (2, "PSA")], start=1)
    )
    data = f"{XML}<NewDataSet>{_SCHEMA}{patients}{results}</NewDataSet>".encode()
    kind, rows = _records("dataset_two_tables.xml", data)
    assert kind == "xml"
    assert [row[:5] + row[6:] for row in rows] == [
        ("table:Patients!row:1", *GARVIE[:4], None, None),
        ("table:Patients!row:2", *MULVEY[:4], None, None),
        ("table:Results!row:1", *MULVEY[:4], "CHLAM", "sexual_health"),
        ("table:Results!row:2", *GARVIE[:4], "CA125", "cancer"),
        ("table:Results!row:3", *MULVEY[:4], "PSA", "cancer"),
    ]


def test_lists_of_one_tag_under_other_parents_are_other_tables() -> None:
    """``<Patients><Item>`` and ``<Results><Item>``: two tables, named by their parents."""
    patients = "".join(
        f'<Item id="{i}"><NHSNumber>{n}</NHSNumber><Surname>{f}</Surname>'
        f"<Forename>{g}</Forename><DOB>{d}</DOB></Item>"
        for i, (n, f, g, d, _) in enumerate([GARVIE, MULVEY], start=1)
    )
    results = "".join(
        f"<Item><PatientID>{p}</PatientID><Test>{t}</Test></Item>"
        for p, t in [(2, "HIV viral load"), (1, "PSA")]
    )
    data = f"{XML}<Extract><Patients>{patients}</Patients><Results>{results}</Results></Extract>"
    kind, rows = _records("items.xml", data.encode())
    assert kind == "xml"
    assert [(row[0], row[1], row[6], row[7]) for row in rows] == [
        ("table:Patients!row:1", A, None, None),
        ("table:Patients!row:2", B, None, None),
        ("table:Results!row:1", B, "HIVVL", "hiv"),
        ("table:Results!row:2", A, "PSA", "cancer"),
    ]


def test_a_list_split_among_wrappers_is_one_table_each_row_its_own() -> None:
    """``<Batch>``es that only wrap patient lists: the patients are the rows, numbered across
    the batches, each with their own test (not a batch's row pooling its patients)."""

    def patient(nhs: str, family: str, given: str, born: str, test: str) -> str:
        return (
            f"<Patient><NHSNumber>{nhs}</NHSNumber><Surname>{family}</Surname>"
            f"<Forename>{given}</Forename><DOB>{born}</DOB><Test>{test}</Test></Patient>"
        )

    data = (
        f'{XML}<Export><Batch id="1"><Patients>'
        + patient(A, "OKAFOR", "Grace", "1962-01-12", "HIV viral load")
        + patient(B, "NOWAK", "Tomasz", "1975-11-02", "HbA1c")
        + '</Patients></Batch><Batch id="2"><Patients>'
        + patient(C, "KHAN", "Li", "1980-02-01", "PSA")
        + patient(D, "BROWN", "Ann", "1950-05-05", "Hepatitis C antibody")
        + "</Patients></Batch></Export>"
    ).encode()
    kind, rows = _records("batches.xml", data)
    assert kind == "xml"
    assert [(row[0], row[1], row[2], row[6], row[7]) for row in rows] == [
        ("Patient!row:1", A, "OKAFOR", "HIVVL", "hiv"),
        ("Patient!row:2", B, "NOWAK", "HBA1C", None),
        ("Patient!row:3", C, "KHAN", "PSA", "cancer"),
        ("Patient!row:4", D, "BROWN", "HCVAB", "hepatitis"),
    ]


def test_one_patients_report_with_a_list_of_copies_stays_their_document() -> None:
    """Two lists (results, and the clinicians sent copies) around one patient: the patient's
    document, one record with every result, the clinicians no patients."""
    data = (
        f"{XML}<Report><Patient><Surname>OKAFOR</Surname><Forename>Grace</Forename>"
        f"<DOB>1962-01-12</DOB><NHSNumber>{A}</NHSNumber></Patient><CopyTo>"
        "<Doctor><Name>Dr Alan Brooks</Name><Code>G85001</Code></Doctor>"
        "<Doctor><Name>Dr Jane Hill</Name><Code>G85002</Code></Doctor></CopyTo><Results>"
        "<Result><Test>HbA1c</Test><Value>48</Value></Result>"
        "<Result><Test>HIV 1+2 Ab/Ag</Test><Value>Negative</Value></Result>"
        "<Result><Test>PSA</Test><Value>1.0</Value></Result></Results></Report>"
    ).encode()
    assert _records("report.xml", data) == (
        "xml",
        [
            (
                "Report!row:1",
                A,
                "OKAFOR",
                "Grace",
                "1962-01-12",
                None,
                "HBA1C;HIVAGAB;PSA",
                "cancer;hiv",
            )
        ],
    )


# --- bad input ------------------------------------------------------------------------------


def test_a_fragment_declaring_entities_is_not_expanded() -> None:
    data = (
        b'<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<row Surname="&b;"/><row Surname="SMITH"/>'
    )
    items = list(xml.read(data, "bomb.xml"))
    assert items and all(isinstance(item, Record) for item in items)
    text = " ".join(item.text for item in items if isinstance(item, Record))
    assert "SMITH" in text and "a" * 20 not in text  # (expanded, &b; is 100 of them)


def test_a_cut_fragment_is_read_as_text_not_lost() -> None:
    data = f'<row NHSNumber="{A}" Surname="Kaur"/><row NHSNumber="{B}" Surn'.encode()
    items = list(xml.read(data, "cut.xml"))
    assert all(isinstance(item, Record) for item in items)
    assert A in " ".join(item.text for item in items if isinstance(item, Record))
