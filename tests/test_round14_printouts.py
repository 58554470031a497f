"""Round 14: printed lists (PAS/EPR/LIMS printouts aligned with spaces) whose rules, narrow
columns and wrapped cells lost or misplaced their patients, and EPR forms exported as HTML
tables of header and data cells in pairs. All people invented; each file must give each person
exactly their identifiers and tests, and none of a neighbour's."""

from __future__ import annotations

import io

import pytest

from breachdesk.ingest.sniff import sniff_data
from breachdesk.readers import fixed_width, html, printed_columns
from breachdesk.readers.base import Record, Table
from test_generalise import people_in_file

# Valid NHS numbers (Modulus 11, England range), invented.
N1, N2, N3, N4, N5 = "4361263280", "4158045150", "4426771706", "4706226899", "4743032288"
PEOPLE = ("locator", "nhs_number", "family_name", "given_name", "sex", "tests", "sensitive")

TITLE = "ST ELSEWHERE ED - PATIENT TRACKING LIST                      02/06/2025 03:00   PAGE {}"
HEAD = (
    "BAY    NAME                     AGE SEX NHS NO        TIME IN WAIT  "
    "COMPLAINT / NOTES                          DR"
)
RULE = (
    "------ ------------------------ --- --- ------------- ------- ----- "
    "------------------------------------------ --------"
)
NOTES_AT = HEAD.index("COMPLAINT")


def _spaced(nhs: str) -> str:
    return f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"


def _row(bay: str, name: str, age: str, sex: str, nhs: str, time: str, notes: str, dr: str) -> str:
    wait = "0:30"
    cells = f"{bay:<6} {name:<24} {age:>3} {sex:<3} {_spaced(nhs):<13} {time:<7} {wait:<5} "
    return f"{cells}{notes:<42} {dr}"


def _wrapped(notes: str) -> str:
    """A notes cell's text continued on the next line, indented to its column."""
    return " " * NOTES_AT + notes


PAGE_1 = [
    _row("CUB2", "PEMBERTON, Alys", "29", "F", N1, "01:10",
         "Needlestick injury - PEP started; baseline", "AHMED"),
    _wrapped("HIV Ag/Ab, HBsAg, HCV Ab sent, OH referral"),
    _row("CUB4", "TREVELYAN, Marcus", "61", "M", N2, "01:35", "Melaena, known varices", "OSEI"),
    _wrapped("Hb 68, INR 2.1 - crossmatch 4 units"),
    _row("RESUS2", "ADEYINKA, Folake", "33", "F", N3, "02:05",
         "Headache at 34/40, BP 170/110, PET bloods", "KOVAC"),
    _row("CUB7", "McCREADY, Dougal", "47", "M", N4, "02:20",
         "Cellulitis R arm, CRP 140", "BRENNER"),
]  # fmt: skip
PAGE_2 = [
    _row("CUB9", "HALVORSEN, Ingrid", "72", "F", N5, "02:40",
         "Febrile neutropenia - chemo for lymphoma", "OSEI"),
    _wrapped("neuts 0.3, lactate 3.1, blood cultures x2"),
]  # fmt: skip


def _tracking(rule: str | None = RULE, head: str = HEAD) -> bytes:
    """The ED's tracking list as its printer writes it: CRLF, a page's title and labels (and
    rule) again after a form feed, a line at the end."""
    ruled = [rule] if rule else []
    lines = [
        TITLE.format(1), head, *ruled, *PAGE_1,
        "\f" + TITLE.format(2), head, *ruled, *PAGE_2,
        "", "*** END OF LIST - 5 PATIENTS ***", "",
    ]  # fmt: skip
    return "\r\n".join(line.rstrip() for line in lines).encode()


# Each wrapped line's tests are the patient's above it: PEMBERTON's blood-borne virus tests
# went to TREVELYAN, and his Hb and INR to ADEYINKA, when the wrapped lines were prose.
TRACKED = [
    ("line:2!row:1", N1, "PEMBERTON", "Alys", "F", "HIVAGAB;HBSAG;HCVAB", "hepatitis;hiv"),
    ("line:2!row:2", N2, "TREVELYAN", "Marcus", "M", "HB;INR;XM", None),
    ("line:2!row:3", N3, "ADEYINKA", "Folake", "F", None, "pregnancy"),
    ("line:2!row:4", N4, "McCREADY", "Dougal", "M", "CRP", None),
    ("line:2!row:5", N5, "HALVORSEN", "Ingrid", "F", "NEUT;LACT;BCUL", "cancer"),
]
LABELS = ["BAY", "NAME", "AGE", "SEX", "NHS NO", "TIME IN", "WAIT", "COMPLAINT / NOTES", "DR"]


@pytest.mark.parametrize("mark", ["-", "=", "_"])
def test_a_ruled_tracking_list_is_one_table_of_its_patients(mark: str) -> None:
    # Two rules of dashes (one a page) were two SQL comments: the file was sniffed as SQL and
    # its five patients lost.
    data = _tracking(RULE.replace("-", mark))
    assert people_in_file("ED_tracking_print_0300.txt", data, PEOPLE) == ("text", TRACKED)


def test_the_rule_draws_the_columns_whose_labels_are_one_space_apart() -> None:
    items = list(fixed_width.read(_tracking(), "ED_tracking.txt"))
    (table,) = [i for i in items if isinstance(i, Table)]
    assert table.header == LABELS
    assert table.columns[2:5] == [
        ["29", "61", "33", "47", "72"],
        ["F", "M", "F", "M", "F"],
        [_spaced(n) for n in (N1, N2, N3, N4, N5)],
    ]
    assert table.columns[7][0] == (
        "Needlestick injury - PEP started; baseline HIV Ag/Ab, HBsAg, HCV Ab sent, OH referral"
    )
    assert table.columns[7][4] == (
        "Febrile neutropenia - chemo for lymphoma neuts 0.3, lactate 3.1, blood cultures x2"
    )
    # The page titles and the end line are prose in their places, no row of the table.
    prose = [(i.locator, i.text) for i in items if isinstance(i, Record)]
    assert [locator for locator, _ in prose] == ["line:1", "line:11", "line:17"]
    assert "END OF LIST" in prose[2][1]
    streamed = list(fixed_width.read_stream(io.BytesIO(_tracking()), "ED_tracking.txt"))
    assert [t for t in streamed if isinstance(t, Table)] == [table]


def test_an_unruled_list_is_cut_where_its_rows_leave_a_gap() -> None:
    # No rule: "AGE SEX" stays one column (its values "29 F" are one space apart too), but
    # the NHS numbers, two spaces on, are a column of their own.
    items = list(fixed_width.read(_tracking(rule=None), "ED_tracking.txt"))
    (table,) = [i for i in items if isinstance(i, Table)]
    assert table.header == ["BAY", "NAME", "AGE SEX", "NHS NO", *LABELS[5:]]
    assert table.columns[3] == [_spaced(n) for n in (N1, N2, N3, N4, N5)]
    fields = tuple(f for f in PEOPLE if f != "sex")  # (in "29 F", under "AGE SEX")
    assert people_in_file("ED_tracking.txt", _tracking(rule=None), fields) == (
        "text",
        [(*person[:4], *person[5:]) for person in TRACKED],
    )


def test_labels_run_together_are_cut_at_the_rule_only_where_it_has_a_gap() -> None:
    cells = [(0, 3, "BAY"), (7, 11, "NAME"), (32, 46, "AGE SEX NHS NO")]
    header = "BAY    NAME                     AGE SEX NHS NO"
    runs = printed_columns.rule_runs("------ ------------------------ --- --- -------------")
    assert runs == [(0, 6), (7, 31), (32, 35), (36, 39), (40, 53)]
    assert runs is not None
    assert [c[2] for c in printed_columns.cut_by_rule(header, cells, runs) or []] == [
        "BAY", "NAME", "AGE", "SEX", "NHS NO",
    ]  # fmt: skip
    # A rule with fewer runs than labels, a label across a run's edge, or runs most of which
    # have no label draw nothing.
    assert printed_columns.cut_by_rule(header, cells, [(0, 6), (7, 46)]) is None
    assert printed_columns.cut_by_rule(header, cells, [(0, 6), (7, 31), (32, 38), (39, 53)]) is None
    wide = [(0, 6), (7, 31), (32, 35), (36, 39), (40, 53), (55, 58), (60, 62), (64, 66)]
    assert printed_columns.cut_by_rule(header, cells, wide) is None
    # A line of one rule, or of dashes among words, is no rule of columns.
    assert printed_columns.rule_runs("-" * 60) is None
    assert printed_columns.rule_runs("-- see below --") is None


def test_a_rules_column_with_no_label_is_a_column_of_its_own() -> None:
    # A flag printed beside the NHS number: cut into the number's column, it spoilt the number.
    data = (
        "NAME                 AGE SEX NHS NO          TEST\n"
        "-------------------- --- --- ------------- - ----------\n"
        f"OKAFOR, Grace         61 F   {_spaced(N1)}  * HIV Ab\n"
        f"NOWAK, Tomasz         48 M   {_spaced(N2)}    HBsAg\n"
    ).encode()
    (table,) = [i for i in fixed_width.read(data, "list.txt") if isinstance(i, Table)]
    assert table.header == ["NAME", "AGE", "SEX", "NHS NO", "", "TEST"]
    assert table.columns[3:5] == [[_spaced(N1), _spaced(N2)], ["*", ""]]
    assert people_in_file("list.txt", data, PEOPLE) == (
        "text",
        [
            ("line:1!row:1", N1, "OKAFOR", "Grace", "F", "HIVAB", "hiv"),
            ("line:1!row:2", N2, "NOWAK", "Tomasz", "M", "HBSAG", "hepatitis"),
        ],
    )


def test_a_label_of_words_stays_whole_when_its_values_fill_it() -> None:
    header = "NAME             DATE OF BIRTH   PATIENT NAME"
    cells = [(0, 4, "NAME"), (17, 30, "DATE OF BIRTH"), (33, 45, "PATIENT NAME")]
    rows = [
        "X                12/01/1962      LI, Wu",
        "Y                02/11/1975      NG, Al",
    ]
    assert printed_columns.cut_by_rows(header, cells, rows) == cells


WRAPS = (
    "WARD 7 LIST                                       Page 1 of 1\n"
    "BED   NAME               NHS NO        TEST      NOTES\n"
    f"B1    OKAFOR, Grace      {_spaced(N1)}  HIV Ab    Needlestick injury,\n"
    "                                                 Plan: repeat at 6 weeks\n"
    f"B2    NOWAK, Tomasz      {_spaced(N2)}            Rash\n"
    "                                        HBsAg\n"
    f"B3    SMITH, John        {_spaced(N3)}  PSA       Retention\n"
    "      Jonathan\n"
    f"B4    BAKER, Anne        {_spaced(N4)}  CRP       Cellulitis\n"
    "\n"
    "                                                 Ward round 09:00\n"
    f"B5    DAY, Ruth          {_spaced(N5)}  FBC       Fall\n"
    "                                                 Page 1 of 1\n"
)


def test_only_a_line_under_its_rows_text_continues_the_row() -> None:
    items = list(fixed_width.read(WRAPS.encode(), "ward.txt"))
    tables = [i for i in items if isinstance(i, Table)]
    assert len(tables) == 1 and tables[0].header == ["BED", "NAME", "NHS NO", "TEST", "NOTES"]
    # A wrapped note goes on, "Plan:" and all; a test under a blank test cell, a name's
    # second line, a line after a blank one and a footer do not.
    assert tables[0].columns[4] == [
        "Needlestick injury, Plan: repeat at 6 weeks", "Rash", "Retention", "Cellulitis", "Fall",
    ]  # fmt: skip
    assert tables[0].columns[3] == ["HIV Ab", "", "PSA", "CRP", "FBC"]
    prose = [i.text.strip() for i in items if isinstance(i, Record)]
    assert prose == ["WARD 7 LIST                                       Page 1 of 1", "HBsAg",
                     "Jonathan", "Ward round 09:00", "Page 1 of 1"]  # fmt: skip


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        # A printout's rules, one a page, of three columns or two with a wide first.
        (f"{HEAD}\n{RULE}\n{PAGE_1[0]}\n\f{HEAD}\n{RULE}\n{PAGE_2[0]}\n", "text"),
        ("NAME      DOB\n--------- ----------\nA  1\n\fNAME      DOB\n--------- ---\nB  2\n",
         "text"),
        # mysqldump's comments, "--" alone among them, and phpMyAdmin's separator line.
        ("--\n-- Table structure for table `patients`\n--\n\nCREATE TABLE patients (id int);\n",
         "sql"),
        ("-- --------------------------------------------------------\n\n"
         "-- Dumping data for table `results`\nINSERT INTO results VALUES (1);\n", "sql"),
        ("-- ------------------------------\n-- ------------------------------\nSELECT 1;\n",
         "sql"),
    ],
)  # fmt: skip
def test_a_rule_of_columns_is_no_sql_comment(data: str, kind: str) -> None:
    assert sniff_data(data.encode(), "export.txt") == kind


NHS_HTML = "4288114667"
LETTER = (
    '<html><head><meta charset="utf-8"><title>ED Discharge Letter</title></head><body>'
    "<table><tr><td><b>Emergency Department Discharge Letter</b><br>St Elsewhere Hospital</td>"
    '<td align="right">Attendance: 02/06/2025 21:15<br>Discharge: 03/06/2025 10:40</td></tr>'
    '</table><table border="1" cellspacing="0">'
    '<tr><th align="left">Patient</th><td>Mrs Carys PENHALIGON</td>'
    '<th align="left">DOB</th><td>09/10/1969 (55 yrs)</td></tr>'
    f'<tr><th align="left">NHS No</th><td>{_spaced(NHS_HTML)}</td>'
    '<th align="left">Hospital No</th><td>RJ2 7730215</td></tr>'
    '<tr><th align="left">Address</th><td colspan="3">14 Quarry Road, London SE13 5QT</td></tr>'
    '<tr><th align="left">Next of kin</th>'
    '<td colspan="3">Mr Tomos Penhaligon (husband) 07700 900123</td></tr>'
    '<tr><th align="left">GP</th><td colspan="3">Dr Ruth Abara, Hilly Fields Medical Centre '
    "(G85123), 1 Adelaide Avenue SE4 1YU</td></tr></table>"
    "<h3>Diagnosis</h3><p>Staggered paracetamol overdose; alcohol dependence.</p>"
    "<h3>Investigations</h3><ul><li>Paracetamol level 62 mg/L</li><li>ALT 980 U/L, INR 1.8</li>"
    "<li>Blood alcohol 210 mg/dL</li></ul><p>Letter by Dr Jonah Feld, ED ST4.</p></body></html>"
)
LETTER_FIELDS = (
    "nhs_number", "family_name", "given_name", "date_of_birth", "hospital_number", "postcode",
    "tests", "sensitive", "ods_codes",
)  # fmt: skip
# Her date of birth, hospital number and postcode were lost; the husband's and the GP's
# details are not hers.
PENHALIGON = (
    NHS_HTML, "PENHALIGON", "Carys", "1969-10-09", "RJ27730215", "SE13 5QT",
    "PARAC;ALT;INR;ETOH", "substance_misuse", "G85123",
)  # fmt: skip


@pytest.mark.parametrize("cells", ["th", "td"])
def test_a_letters_label_and_value_cells_two_pairs_a_row(cells: str) -> None:
    # With <th> labels, or <td> alone (the value spanning the row's other columns).
    page = LETTER if cells == "th" else LETTER.replace("<th", "<td").replace("</th>", "</td>")
    assert people_in_file("ED_discharge_letter.html", page.encode(), LETTER_FIELDS) == (
        "html",
        [PENHALIGON],
    )


def test_header_and_data_cells_in_pairs_read_as_labelled_lines() -> None:
    # Labels no header synonym knows ("Triage category", "Attendance") are labels all the same.
    page = (
        "<table><tr><th>Attendance</th><td>ED-2025-004417</td><th>Triage category</th>"
        "<td>2 - Very urgent</td></tr><tr><th>Name</th><td>PENHALIGON, Carys</td>"
        f"<th>NHS number</th><td>{NHS_HTML}</td></tr>"
        '<tr><th>Presenting complaint:</th><td colspan="3">Overdose</td></tr>'
        "<tr><th>Seen by</th><td></td></tr></table>"
    )
    assert html.pieces(page) == [
        "Attendance: ED-2025-004417\nTriage category: 2 - Very urgent\n"
        f"Name: PENHALIGON, Carys\nNHS number: {NHS_HTML}\nPresenting complaint: Overdose\n"
    ]


def test_a_table_with_a_header_row_stays_a_table() -> None:
    page = (
        "<table><tr><th>Name</th><th>NHS number</th></tr>"
        f"<tr><td>PENHALIGON, Carys</td><td>{NHS_HTML}</td></tr>"
        f'<tr><td colspan="2">Sample rejected</td><td>{N1}</td></tr></table>'
    )
    # A merged cell's text stands in the first column it spans, as in a DOCX or a workbook.
    assert html.pieces(page) == [
        [
            ["Name", "NHS number"],
            ["PENHALIGON, Carys", NHS_HTML],
            ["Sample rejected", "", N1],
        ]
    ]


def test_an_arrival_time_column_headed_arr_names_no_test() -> None:
    head = HEAD.replace("TIME IN", "ARR    ")
    assert people_in_file("ED_tracking.txt", _tracking(head=head), PEOPLE) == ("text", TRACKED)
