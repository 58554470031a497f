"""Seventeenth round: each person of a text at their own line (a paragraph's people all had its
first line), the places of their facts counted from it; a note's heading that names its author
is not the first patient's name; a doctor written as "your patient Dr ..." is the patient."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from breachdesk.detect.name_context import staff_before
from breachdesk.nhs import generate
from breachdesk.readers.text import paragraphs
from test_generalise import people_in_file

_RNG = random.Random(1717)
N1, N2, N3 = (generate(_RNG) for _ in range(3))
FIELDS = ("locator", "family_name", "given_name", "date_of_birth", "nhs_number", "tests")

HANDOVER = (
    "Handover notes 26/05/2024 - Ms A Woods\n"
    "\n"
    f"07:56 Called Dr M Shevchenko (G81113) re Mr Nigel HUDSON DOB 10/1/1957 NHS {N1}: "
    "Metanephrines 59 pmol/L. No answer, will retry.\n"
    "08:05 Called Dr K Johnson (G83544) re Ms Hodan MCCARTHY DOB 01/08/1954: Urea and "
    "electrolytes Abnormal - see comment.\n"
    f"08:18 Called Dr P King (F83754) re Mrs Pam SINGH DOB 1979-01-21 NHS {N2}: Ferritin 8 ug/L.\n"
    "\n"
    "Analyser 2 down 14:00-15:30, engineer called.\n"
)


def test_a_handovers_patients_each_at_their_line_and_not_named_for_its_author() -> None:
    kind, rows = people_in_file("handover_notes.txt", HANDOVER.encode(), FIELDS)
    assert kind == "text"
    assert rows == [
        ("line:3", "HUDSON", "Nigel", "1957-01-10", N1, "METAN"),  # was Woods A, at line:1
        ("line:4", "MCCARTHY", "Hodan", "1954-08-01", None, "UE"),
        ("line:5", "SINGH", "Pam", "1979-01-21", N2, "FERR"),
    ]


def test_a_heading_with_the_patients_own_family_name_is_kept() -> None:
    # The same family name above the person's line is theirs, written twice: its given name
    # stays the record's.
    text = f"Results for Mrs Jane OKAFOR\n\nre Mrs J OKAFOR DOB 12/01/1962 NHS {N1}: HbA1c 48.\n"
    _, rows = people_in_file("note.txt", text.encode(), FIELDS)
    assert rows == [("line:1", "OKAFOR", "Jane", "1962-01-12", N1, "HBA1C")]


def test_a_labelled_patient_above_a_blank_line_is_the_patient() -> None:
    text = (
        "Patient: OKAFOR, Grace\n"
        "\n"
        f"NHS {N1}  Requested by: Mr T Adebayo  DOB 12/01/1962\n"
        "Ferritin 12 ug/L\n"
    )
    _, rows = people_in_file("letter.txt", text.encode(), FIELDS)
    assert rows == [("line:1", "OKAFOR", "Grace", "1962-01-12", N1, "FERR")]


def test_lines_are_counted_over_every_blank_line_of_the_file() -> None:
    # Three blank lines between two paragraphs of one record: the second person is at the
    # file's line 6, not the record's fourth line.
    text = (
        f"re Mr Nigel HUDSON DOB 10/01/1957 NHS {N1}: ferritin 8 ug/L\n"
        "Advised repeat.\n"
        "\n\n\n"
        f"re Mrs Pam SINGH DOB 21/01/1979 NHS {N2}: HbA1c 48 mmol/mol\n"
    )
    (record,) = paragraphs(text)
    assert record.locator == "line:1" and record.text.split("\n")[5].startswith("re Mrs Pam")
    _, rows = people_in_file("calls.txt", text.encode(), FIELDS)
    assert rows == [
        ("line:1", "HUDSON", "Nigel", "1957-01-10", N1, "FERR"),
        ("line:6", "SINGH", "Pam", "1979-01-21", N2, "HBA1C"),
    ]


def test_a_pages_people_are_at_their_lines_of_the_page_and_facts_counted_from_there() -> None:
    from breachdesk.ingest.limits import Limits
    from breachdesk.ingest.walk import Entry
    from breachdesk.scan.stage import _scan_file

    text = (
        "Southbank Pathology - telephoned results\n"
        "\n"
        f"Mr Nigel HUDSON DOB 10/01/1957 NHS {N1} Ferritin 8 ug/L\n"
        f"Mrs Pam SINGH DOB 21/01/1979 NHS {N2} HbA1c 48 mmol/mol\n"
    )
    data = text.encode()
    entry = Entry(path="calls.txt", parent=None, depth=0, size=len(data), type="text", data=data)
    ((records, mentions),) = list(_scan_file(entry, 1, Limits()))
    assert records.column("locator").to_pylist() == ["line:3", "line:4"]
    singh = [m for m in mentions.to_pylist() if m["locator"] == "line:4"]
    line = text.split("\n")[3]
    spans = {m["kind"]: m["field"] for m in singh}
    start = line.index(N2)
    assert spans["nhs_number"] == f"chars:{start}-{start + 10}"  # from the start of line 4
    assert spans["name"] == f"chars:{line.index('Pam')}-{line.index(' DOB')}"  # (no title)


def test_your_patient_doctor_is_the_patient_and_a_doctor_alone_is_staff() -> None:
    text = (
        "Dear Dr A Wood,\n"
        "\n"
        f"re your patient Dr Marilyn RAHMAN, DOB 11-Dec-1944, NHS {N3} - the Procalcitonin "
        "result is 0.40 ug/L.\n"
        "\n"
        "Regards,\n"
        "Dr Y Nowak\n"
    )
    _, rows = people_in_file("mail.txt", text.encode(), FIELDS)
    assert rows == [("line:3", "RAHMAN", "Marilyn", "1944-12-11", N3, "PCT")]
    assert staff_before("seen by Dr ", 11) and staff_before("Called Dr ", 10)
    assert not staff_before("patient Dr ", 11) and not staff_before("Pt: Prof ", 9)
    assert not staff_before("(Y04808) re Dr ", 15)  # a call log's "re" names its patient


def test_a_call_logs_doctor_patient_keeps_their_date_and_the_next_keeps_theirs() -> None:
    # "re Dr Iain ROBERTSON" was read as staff, and his date of birth, on a line of no one's,
    # went to the next line's patient as theirs.
    text = (
        "Handover notes\n"
        "\n"
        f"10:18 Called Dr N Smith (G82276) re Mr Daniel Quinn DOB 07/02/1978 NHS {N1}: U&E.\n"
        "10:29 Called Dr R Parker (Y04808) re Dr Iain ROBERTSON DOB 1968-01-25: IGF-1 13.4.\n"
        "10:40 Ward 7 rang about a haemolysed sample from bed 4, no name given, DOB 1931-05-05\n"
        "11:06 Called Dr N Smith (G82276) re Mr Matthew Cameron DOB 09/07/1953: Ferritin 8.\n"
    )
    _, rows = people_in_file("handover.txt", text.encode(), FIELDS)
    assert rows == [
        ("line:3", "Quinn", "Daniel", "1978-02-07", N1, "UE"),
        ("line:4", "ROBERTSON", "Iain", "1968-01-25", None, "IGF1"),
        ("line:6", "Cameron", "Matthew", "1953-07-09", None, "FERR"),  # not bed 4's date
    ]


LAID_OUT = [  # a PDF table's page as laid out: a long test name touching its result
    "       NHS No         Patient                        DOB           Test"
    "                            Result        Source",
    "                      BRENNAN,  Stephen              13/02/1957    "
    "Erythrocyte sedimentation rate  25.4          Y09325",
    "                      JONES, Zoë                     17/09/1927    "
    "Extractable nuclear antigen antibodies Reported  Y06467",
    f"       {N1}     SMITH, Emily                   20/05/1936    "
    "Urinary protein:creatinine ratio  4.7         Y03500",
]


def test_a_long_value_touching_the_next_is_cut_at_its_words_not_the_tables_end() -> None:
    from breachdesk.readers import fixed_width
    from breachdesk.readers.base import Table

    (table,) = fixed_width.segments(LAID_OUT)
    assert isinstance(table, Table) and table.n_rows == 3  # was a form of one row, then prose
    assert [column[1] for column in table.columns] == [
        "",
        "JONES, Zoë",
        "17/09/1927",
        "Extractable nuclear antigen antibodies",
        "Reported",
        "Y06467",
    ]
    # A sentence under the labels, its only cell across every column, is no row.
    sentence = "Results telephoned to the practice and repeat samples requested."
    prose = [*LAID_OUT[:3], " " * 22 + sentence]
    items = list(fixed_width.segments(prose))
    assert [type(i).__name__ for i in items] == ["Table", "Record"]
    assert items[0].n_rows == 2  # type: ignore[union-attr]


def test_a_pmi_name_that_is_a_street_of_the_address_is_no_person(tmp_path: Path) -> None:
    import pyarrow as pa

    from breachdesk.detect import pmi_terms
    from breachdesk.detect.text import people_in_text

    pmi = {
        "patient_id": ["P1", "P2"],
        "nhs_number": [N1, N2],
        "family_name": ["Oduya", "Hill"],
        "given_name": ["Lewis", "Albert"],
        "date_of_birth": ["1954-03-28", "1954-03-28"],
        "sex": ["M", "M"],
    }
    path = tmp_path / "pmi_terms.pickle"
    pmi_terms.save(pmi_terms.build(pa.table(pmi)), path)
    text = (
        "Southbank Pathology - Cumulative Report\n"
        "Patient: Mr Lewis ODUYA Sex: M\n"
        "Date of birth: 28/03/1954\n"
        "Hosp No: K7269465\n"
        "Address: 129 Albert Hill, London, SE6 8ZZ\n"
        "24/05/2024 Gonorrhoea PCR Detected\n"
    )
    people = people_in_text(text, "page:1!line:1", extra=pmi_terms.matcher(str(path)))
    # One person, with the tests and the address: "Albert Hill" took them as a second.
    assert [
        (p.locator, p.values["family_name"], p.tests, p.values.get("postcode")) for p in people
    ] == [("page:1!line:2", "ODUYA", ["GC"], "SE6 8ZZ")]


def test_a_postcodes_inward_code_is_no_two_week_wait_referral() -> None:
    from breachdesk.detect import diagnosis_words

    def kinds(text: str) -> list[tuple[str, str | None]]:
        return [(m.value, m.extra) for m in diagnosis_words.detect(text)]

    assert kinds("Address: 112 Victoria Rise, London, SE19 2WW") == []
    assert kinds("Address: 4 Hill Road, London, N1 2WW") == []
    assert kinds("Referred 2WW by GP, seen in clinic.") == [("two-week-wait", "cancer")]


@pytest.mark.parametrize(
    ("pmi", "dump"),
    [
        ("Yılmaz", "YILMAZ"),
        ("Łukasz", "Lukasz"),
        ("Søren", "Soren"),
        ("Strauß", "STRAUSS"),
        ("Đorđević", "Dordevic"),
        ("Wiśniewska", "WISNIEWSKA"),
        ("O'Neill-Brontë", "ONEILL BRONTE"),
    ],
)
def test_linkage_folds_a_name_to_the_letters_a_dump_writes(pmi: str, dump: str) -> None:
    import duckdb

    from breachdesk.engine.spark import transpile
    from breachdesk.link.prepare import FOLD
    from breachdesk.outputs.evaluate import _fold

    def folded(name: str) -> str:
        return str(duckdb.execute(f"SELECT {FOLD.format(x='?')}", [name]).fetchall()[0][0])

    assert folded(pmi) == folded(dump) == _fold(pmi) == _fold(dump)
    assert "TRANSLATE(TRANSLATE(REPLACE(" in transpile(f"SELECT {FOLD.format(x='n')} FROM t")


def test_a_full_name_cells_family_name_keeps_its_particles() -> None:
    data = (
        "DOB;Requested Tests;Name;Postcode\n"
        "20.01.1931;Free T4;Mrs Kayleigh De Souza;BR6 2YG\n"
        "02.02.1950;FBC;Mr Pieter van der Berg;SE1 1AA\n"
        "03.03.1960;FBC;Maria de Jesus Santos;SE1 1AB\n"
        "04.04.1970;FBC;Áine Ó Súilleabháin;SE1 1AC\n"
    ).encode()
    _, rows = people_in_file("outstanding.csv", data, ("family_name", "given_name"))
    assert rows == [
        ("De Souza", "Kayleigh"),  # was Souza: the PMI's "De Souza" never met it
        ("Santos", "Maria"),  # "de" before a given name's word, not the family name's
        ("van der Berg", "Pieter"),
        ("Ó Súilleabháin", "Áine"),
    ]


def test_a_number_written_right_after_a_long_value_is_the_next_columns() -> None:
    from breachdesk.readers import fixed_width
    from breachdesk.readers.base import Table

    def line(*placed: tuple[int, str]) -> str:
        text = ""
        for column, value in placed:
            text = text.ljust(column) + value
        return text

    header = line((7, "NHS"), (12, "No"), (23, "Patient"), (44, "DOB"), (58, "Test"))
    header = line((0, header), (90, "Result"), (104, "Source"))
    rows = [
        line((7, f"{N1[:3]} {N1[3:6]} {N1[6:]}"), (23, "COLLINS, Jennifer"), (44, "23/02/1951"))
        + line((58 - 54, "Serum angiotensin converting enzyme 94"), (104 - 54, "Y08390")),
        line((23, "BYRNE, Maureen"), (44, "15/04/2002"))
        + line((58 - 54, "Activated partial thromboplastin time"), (104 - 54, "G81113")),
        line((7, N2), (23, "WARD, Diana"), (44, "27/12/1996"), (58, "Ferritin"), (90, "8"))
        + line((104 - 91, "F84001")),
    ]
    assert rows[0].rindex(" 94") + 1 >= 90 > rows[0].index("enzyme")  # over "Result" only
    (table,) = fixed_width.segments([header, *rows])
    assert isinstance(table, Table)
    columns = dict(zip(table.header, table.columns, strict=True))
    # The spaced NHS number under a header cut "NHS  No" is not cut at its last group.
    assert columns["NHS"] == [f"{N1[:3]} {N1[3:6]} {N1[6:]}", "", N2]
    assert columns["No"] == ["", "", ""]
    assert columns["Test"][:2] == [
        "Serum angiotensin converting enzyme",
        "Activated partial thromboplastin time",  # a long value over an empty column: kept whole
    ]
    assert columns["Result"] == ["94", "", "8"]
