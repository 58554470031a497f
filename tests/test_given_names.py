"""Which word of a two-word name is the given name, where the writing does not say."""

from __future__ import annotations

import pyarrow as pa

from breachdesk.detect import given_names, name_columns, names
from test_generalise import A, B, C, people_in_file


def test_known_given_and_family_names_order_two_words() -> None:
    assert given_names.family_first("Okafor", "Grace") is True
    assert given_names.family_first("GRACE", "OKAFOR") is False
    assert given_names.family_first("Zoë", "Popescu") is False  # accents and case folded
    # Two given names, or a word no list holds: no answer.
    assert given_names.family_first("Thomas", "James") is None
    assert given_names.family_first("Xqzt", "Grace") is None


def test_only_names_that_do_not_say_are_asked() -> None:
    assert given_names.two_words("Okafor Grace") == ("Okafor", "Grace")
    assert given_names.two_words(" OKAFOR GRACE ") == ("OKAFOR", "GRACE")
    assert given_names.two_words("OKAFOR Grace") is None  # the capitals say it
    assert given_names.two_words("Okafor, Grace") is None
    assert given_names.two_words("Grace Ann Okafor") is None


def test_a_column_votes_and_family_first_must_win_twice_over() -> None:
    family_first = ["Okafor Grace", "Smith John", "Nowak Tomasz", "Kowalski Piotr"]
    family, given = name_columns.split_column(pa.array(family_first))
    assert family.to_pylist() == ["Okafor", "Smith", "Nowak", "Kowalski"]
    assert given.to_pylist() == ["Grace", "John", "Tomasz", "Piotr"]
    given_first = ["Grace Okafor", "John Smith", "Tomasz Nowak"]
    assert name_columns.split_column(pa.array(given_first))[0].to_pylist() == [
        "Okafor",
        "Smith",
        "Nowak",
    ]
    # One vote each way: the usual given-first reading stands.
    split = name_columns.split_column(pa.array(["Okafor Grace", "John Smith"]))[0].to_pylist()
    assert split == ["Grace", "Smith"]
    # The same on a column with letters outside ASCII (the Arrow path).
    family, given = name_columns.split_column(pa.array(["Popescu Zoë", "Okafor Grace", None]))
    assert family.to_pylist() == ["Popescu", "Okafor", None]
    assert given.to_pylist() == ["Zoë", "Grace", None]


def test_family_first_exports_and_printouts() -> None:
    data = (
        f"patient_name,dob,nhs\nOkafor Grace,12 Jan 1962,{A}\nNowak Tomasz,2 Nov 1975,{B}\n"
        f"Smith John,23 Jul 1980,{C}\n"
    ).encode()
    fields = ("family_name", "given_name", "nhs_number")
    assert people_in_file("export.csv", data, fields)[1] == [
        ("Nowak", "Tomasz", B),
        ("Okafor", "Grace", A),
        ("Smith", "John", C),
    ]
    text = f"PATIENT: OKAFOR GRACE\nDOB: 12/01/1962\nNHS: {A}\n".encode()
    assert people_in_file("label.txt", text, fields)[1] == [("OKAFOR", "GRACE", A)]


def test_weak_evidence_and_running_text_keep_the_written_order() -> None:
    # "Abdi" is a family name in one list more than a given name, "Mason" the reverse.
    assert given_names.family_first("Abdi", "Mason") is None
    text = "09:45 Called Dr K Wilson re Mr Abdi Mason DOB 15-Apr-1994, and re Okafor Grace DOB x"
    found = [(m.value, m.extra) for m in names.detect(text)]
    assert ("Mason", "Abdi") in found
    # Where the lists know the words three lists apart, they say which is which, as they do for
    # capitals: "Okafor Grace" is Grace Okafor
    assert ("Okafor", "Grace") in found


def test_unheaded_name_columns_are_typed_by_known_names() -> None:
    # No header (or one in another language): the names were lost, the numbers kept.
    rows = [
        (A, "OKAFOR", "Grace", "12/01/1962", "HIV"),
        (B, "NOWAK", "Tomasz", "02/11/1975", "HCV Ab"),
        (C, "SMITH", "John", "23/07/1950", "FBC"),
    ]
    fields = ("family_name", "given_name", "date_of_birth", "nhs_number")
    expected = [
        ("NOWAK", "Tomasz", "1975-11-02", B),
        ("OKAFOR", "Grace", "1962-01-12", A),
        ("SMITH", "John", "1950-07-23", C),
    ]
    bare = "".join(",".join(r) + "\n" for r in rows).encode()
    assert people_in_file("extract.csv", bare, fields)[1] == expected
    german = "Nachname;Vorname;Geburtsdatum;NHS;Test\n" + "".join(
        ";".join((r[1], r[2], r[3].replace("/", "."), r[0], r[4])) + "\n" for r in rows
    )
    assert people_in_file("export.csv", german.encode(), fields)[1] == expected
    # A column of words that are not names (wards, tests) names no one.
    wards = "".join(f"{r[0]},Lister,Ward {i},{r[3]}\n" for i, r in enumerate(rows)).encode()
    assert [p[:2] for p in people_in_file("wards.csv", wards, fields)[1]] == [(None, None)] * 3
