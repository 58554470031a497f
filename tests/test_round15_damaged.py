"""Damaged delimited files (round 15): a file cut off mid-row or inside a quoted cell, a row
with an unquoted delimiter in its address or comment, and mojibake (UTF-8 once or twice read as
Windows-1252 and saved again). Each must still be read as its table, its people whole."""

from __future__ import annotations

import random

from breachdesk.ingest.mojibake import repair
from breachdesk.ingest.sniff import decode, delimiter
from breachdesk.nhs import generate
from test_generalise import people_in_file

_RNG = random.Random(1515)
N1, N2, N3, N4 = (generate(_RNG) for _ in range(4))
FIELDS = ("nhs_number", "family_name", "given_name", "date_of_birth", "tests", "sensitive")


def _by_str(rows: list[tuple[str | None, ...]]) -> list[tuple[str | None, ...]]:
    return sorted(rows, key=str)  # as ``people_in_file`` sorts them


def test_file_cut_off_mid_row_is_still_a_table() -> None:
    data = (
        "Hospital No,NHS No,Last Name,First Name,Date of Birth,Sample,Haemoglobin,Platelets\r\n"
        f"H100231,{N1},Pritchard,Leonard,1951-04-12,S-9921,131,240\r\n"
        f"H100232,{N2},Quinlan,Bernadette,1948-10-30,S-9922,104,188\r\n"
        f"H100233,{N3},Rushworth,Gl"
    ).encode()
    kind, people = people_in_file("fbc_partial.csv", data, FIELDS)
    assert kind == "csv"
    assert people == _by_str(
        [
            (N1, "Pritchard", "Leonard", "1951-04-12", "HB;PLT", None),
            (N2, "Quinlan", "Bernadette", "1948-10-30", "HB;PLT", None),
            (N3, "Rushworth", "Gl", None, None, None),
        ]
    )


def test_cut_row_is_left_out_of_the_delimiter_count_only_at_the_end() -> None:
    rows = "a,b,c,d\n1,2,3,4\n5,6,7,8\n9,10"
    assert delimiter(rows) == ","
    # The same short row ended by a line break is a row as written: no cut, no table.
    assert delimiter(rows + "\n") is None


def test_unquoted_comma_in_an_address_is_joined_back() -> None:
    data = (
        "NHS Number,Family Name,Given Name,DOB,Home Address,Postcode,Investigation\n"
        f"{N1},Ackroyd,Winifred,03/03/1931,4 Tanner Row,YO1 6JB,INR\n"
        f"{N2},Bellamy,Cyril,19/08/1927,Flat 12, Aire House,LS1 4EF,Full blood count\n"
        f"{N3},Cowling,Edna,27/01/1934,22 Kings Road,HG1 5JW,INR\n"
    ).encode()
    kind, people = people_in_file("dn_visits.csv", data, FIELDS)
    assert kind == "csv"
    assert people == _by_str(
        [
            (N1, "Ackroyd", "Winifred", "1931-03-03", "INR", None),
            (N2, "Bellamy", "Cyril", "1927-08-19", "FBC", None),
            (N3, "Cowling", "Edna", "1934-01-27", "INR", None),
        ]
    )
    kind, people = people_in_file("dn_visits.csv", data, ("nhs_number", "postcode", "tests"))
    assert (N2, "LS1 4EF", "FBC") in people


def test_unquoted_comma_in_a_comment_before_the_test_is_joined_back() -> None:
    # The comment column sits between the people's columns and the test's: without the join
    # the test would have read the comment's second half.
    data = (
        "Surname|Forename|NHS No|Date of birth|Notes|Test requested\n"
        f"Dyson|Harriet|{N1}|1962-02-14|fasting|Lipid profile\n"
        f"Eastwood|Colin|{N2}|1958-06-01|housebound| needs key safe|HbA1c\n"
        f"Farrar|Irene|{N3}|1970-12-09|none|Lipid profile\n"
        f"Gaunt|Percy|{N4}|1949-09-23|none|HbA1c\n"
    ).encode()
    kind, people = people_in_file("gp_requests.psv", data, FIELDS)
    assert kind == "psv"
    assert [p[:5] for p in people] == _by_str(
        [
            (N1, "Dyson", "Harriet", "1962-02-14", "LIPID"),
            (N2, "Eastwood", "Colin", "1958-06-01", "HBA1C"),
            (N3, "Farrar", "Irene", "1970-12-09", "LIPID"),
            (N4, "Gaunt", "Percy", "1949-09-23", "HBA1C"),
        ]
    )


def test_long_row_without_a_free_text_column_keeps_its_first_cells() -> None:
    data = (
        "NHS Number,Surname,Forename,DOB,Ward,Consultant,Test\n"
        f"{N1},Hirst,Gordon,1944-05-05,Ward 7,Dr Khan,INR\n"
        f"{N2},Ingham,Lilian,1939-03-17,Ward 9, side room,Dr Lowe,INR\n"
        f"{N3},Jowett,Stanley,1950-11-11,Ward 7,Dr Khan,INR\n"
    ).encode()
    kind, people = people_in_file("ward_inr.csv", data, FIELDS[:4])
    assert kind == "csv"
    assert people == _by_str(
        [
            (N1, "Hirst", "Gordon", "1944-05-05"),
            (N2, "Ingham", "Lilian", "1939-03-17"),
            (N3, "Jowett", "Stanley", "1950-11-11"),
        ]
    )


def test_file_cut_off_inside_a_quoted_comment() -> None:
    data = (
        "NHS Number,Surname,Forename,DOB,Test,Comment\r\n"
        f'{N1},Kitching,Ruth,1979-07-07,HIV 1/2 antigen/antibody,"Not detected."\r\n'
        f"{N2},Lumb,Stephen,1983-01-21,Hepatitis C antibody,"
        '"Reactive, confirm on a second sample.\r\nWife Joanne Lumb (DOB 1985-04-04) to be'
    ).encode()
    kind, people = people_in_file("bbv_comments.csv", data, FIELDS)
    assert kind == "csv"
    # Her husband's number and result are his own; the wife in his comment gets none of them.
    assert (N2, "Lumb", "Stephen", "1983-01-21", "HCVAB", "hepatitis") in people
    assert (N1, "Kitching", "Ruth", "1979-07-07", "HIVAGAB", "hiv") in people
    assert not any(p[0] == N2 and p[2] == "Joanne" for p in people)


def test_stray_quote_mid_cell_near_the_end_does_not_join_rows() -> None:
    # An inch mark is no quoted cell: the rows after it are still rows.
    rows = ["Name,Height,Weight,Note"] + [f"P{i},5'{i}\",70,ok" for i in range(1)]
    rows += [f"Q{i},170,70,ok" for i in range(5)]
    assert delimiter("\n".join(rows)) == ","


def test_prose_with_an_unclosed_quote_stays_prose() -> None:
    text = (
        "Spoke to the ward sister this morning about the results.\n"
        'She said "the patient, who is anxious, wants a call back\n'
        "before the weekend if at all possible.\n"
    )
    assert delimiter(text) is None


def test_mojibake_names_are_repaired_on_decoding() -> None:
    clean = "Nic Giolla Phádraig,Ciarán,Dvořák,Anaïs,D’Arcy,Ødegård,Gonçalves"
    once = clean.encode("utf-8").decode("cp1252")  # "PhÃ¡draig", "Dvoå™Ã¡k", "Dâ€™Arcy"
    twice = once.encode("utf-8").decode("cp1252")  # "PhÃƒÂ¡draig"
    assert decode(once.encode("utf-8")) == (clean, "utf-8")
    assert decode(twice.encode("utf-8")) == (clean, "utf-8")
    # Saved as Windows-1252 the second time (a raw "£" makes it no UTF-8), it is still repaired.
    assert decode(f"Fee £5\r\n{once}".encode("cp1252")) == (f"Fee £5\r\n{clean}", "cp1252")


def test_clean_text_is_left_as_it_is() -> None:
    for text in ("SÃO PAULO, BRASIL", "Müller,Zoë,£5", "plain ascii\r\nline two", ""):
        assert repair(text) is text


def test_repair_keeps_lines_and_line_ends() -> None:
    text = "a,b\r\nMÃ¼ller,ZoÃ«\r\nc,d\nOâ€™Brien,x"
    assert repair(text) == "a,b\r\nMüller,Zoë\r\nc,d\nO’Brien,x"


def test_mojibake_table_names_match_clean_spellings() -> None:
    rows = [
        "NHS Number,Surname,Forename,DOB,Test,Result",
        f"{N1},Ní Bhriain,Aisling,12/05/1991,Chlamydia NAAT,Detected",
        f"{N2},Weiß,Jürgen,30/09/1985,Syphilis serology,Reactive",
    ]
    clean = "\n".join(rows)
    once = clean.encode("utf-8").decode("cp1252").encode("utf-8")
    twice = once.decode("utf-8").encode("utf-8").decode("cp1252").encode("utf-8")
    expected = people_in_file("gum.csv", clean.encode(), FIELDS)
    assert expected[1][0][1:3] in {("Ní Bhriain", "Aisling"), ("Weiß", "Jürgen")}
    assert people_in_file("gum_mojibake.csv", once, FIELDS) == expected
    assert people_in_file("gum_mojibake2.csv", twice, FIELDS) == expected


def test_big_file_with_a_long_row_and_a_cut_quote_is_read_by_the_csv_module() -> None:
    # Arrow refuses the ragged row: the csv module reads the file, the long row realigned and
    # the cut quoted cell kept to the file's end.
    from breachdesk.readers import delimited

    rows = ["NHS Number,Surname,Forename,DOB,Address,Postcode,Test"]
    rows += [f"{N1},Name{i},Given,01/02/1950,{i} High Street,LS1 1AA,INR" for i in range(600)]
    rows[301] = f"{N2},Odd,One,01/02/1950,Flat 3, Rose Court,BD7 1QX,U&E"
    data = ("\n".join(rows) + f'\n{N3},Cut,Off,01/02/1950,"Flat 9, Long').encode()
    (table,) = delimited.read(data, "big.csv")
    assert isinstance(table, delimited.Table)
    cells = [list(column) for column in table.columns]
    assert len(cells[0]) == 601
    assert [c[300] for c in cells] == [N2, "Odd", "One", "01/02/1950", "Flat 3, Rose Court",
                                       "BD7 1QX", "U&E"]  # fmt: skip
    assert [c[600] for c in cells] == [N3, "Cut", "Off", "01/02/1950", "Flat 9, Long", "", ""]
