"""What the held-out layout (``synth --variant other_lab``) showed the detectors missing.

Its first evaluation found people and facts written in ways the standard layout never uses:
key=value name fields in an interface log, year-first dates with slashes, months spelt out in
full, and test lists under headers no synonym covers. Each case is held here to exact values.
"""

from __future__ import annotations

import pytest

from breachdesk.detect import dates, names, prefilter
from breachdesk.detect.text import find_mentions, people_in_text


def _people(text: str) -> list[tuple[str | None, str | None, str | None, str | None]]:
    return [
        (
            p.values.get("family_name"),
            p.values.get("given_name"),
            p.values.get("date_of_birth"),
            p.values.get("nhs_number"),
        )
        for p in people_in_text(text, "line:1", "text")
    ]


@pytest.mark.parametrize(
    ("line", "family", "given"),
    [
        (
            "delivered msg_id=R1 nhs_no=NONE surname=NOVAK forename=Lena dob=1970-09-13",
            "NOVAK",
            "Lena",
        ),
        ("given_name: Lena; family_name: Novak, dob: 1970-09-13", "Novak", "Lena"),
        ("FirstName=Lena&LastName=O'Neill-Price&DOB=1970-09-13", "O'Neill-Price", "Lena"),
        ("last.name = Novak | first.names = Lena | born 13/09/1970", "Novak", "Lena"),
    ],
)
def test_key_value_names_with_a_birth_date_are_a_person(line: str, family: str, given: str) -> None:
    assert _people(line) == [(family, given, "1970-09-13", None)]


def test_key_value_mention_spans_both_values_and_says_its_rule() -> None:
    text = "x forename=Lena surname=NOVAK y"
    (found,) = names.detect(text)
    assert (found.value, found.extra, found.rule) == ("NOVAK", "Lena", "key_value")
    assert text[found.start : found.end] == "Lena surname=NOVAK"


def test_key_value_needs_both_keys_and_no_staff_before() -> None:
    assert list(names.detect("surname=NOVAK dob=1970-09-13")) == []
    assert list(names.detect("username=admin forename=Lena")) == []
    assert _people("requested by Dr surname=NOVAK forename=Lena dob=1970-09-13") == []


def test_key_value_trigger_lets_the_prefilter_keep_the_record() -> None:
    text = "surname = NOVAK forename = Lena"
    found = prefilter.triggers(text)
    assert found is not None and "name:key_value" in found
    assert find_mentions(text, found) == find_mentions(text, None)
    assert prefilter.triggers("the surnames of staff") == frozenset()


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("1970/09/13", "1970-09-13"),
        ("13 September 1970", "1970-09-13"),
        ("13 Sept 1970", "1970-09-13"),
        ("2 SEPTEMBER 2001", "2001-09-02"),
        ("1970/13/09", None),  # no month 13: not a date
    ],
)
def test_dates_the_standard_layout_never_writes(written: str, iso: str | None) -> None:
    parsed = dates.parse(written)
    assert (parsed.isoformat() if parsed else None) == iso


def test_year_first_slashed_birth_date_in_prose() -> None:
    text = "rang Dr M Connor about NAIR, Tunde (born 2002/08/29) - Na+ 170 mmol/L."
    assert _people(text) == [("NAIR", "Tunde", "2002-08-29", None)]
    found = prefilter.triggers(text)
    assert found is not None
    assert find_mentions(text, found, starts=prefilter.starts(text)) == find_mentions(text, None)


def test_a_log_of_key_value_lines_is_read_as_each_line_alone() -> None:
    # A log's lines are scanned a block at a time for the lines that can hold a person; the
    # key=value names are among those triggers, so the block path finds what each line gives.
    from breachdesk.detect.text import people_in_lines

    lines = [
        "29/05/2024 00:00:14.039 | INFO  | Listener | accepted peer=10.1.2.3 port=1234",
        "29/05/2024 00:01:11.088 | INFO  | ResultRouter | delivered msg_id=R1 nhs_no=NONE "
        "surname=NOVAK forename=Lena dob=1970-09-13 tests=FERR",
        "29/05/2024 00:02:11.088 | DEBUG | Monitor | alive backlog=3 threads=2",
    ]
    one_by_one = [
        (f"line:{n}", p.values)
        for n, line in enumerate(lines, 1)
        for p in people_in_text(line, f"line:{n}")
    ]
    assert one_by_one == [
        ("line:2", {"family_name": "NOVAK", "given_name": "Lena", "date_of_birth": "1970-09-13"})
    ]
    blocked = [(p.locator, p.values) for p in people_in_lines(lines, 1)]
    assert blocked == one_by_one


def test_a_test_whose_name_has_a_slash_in_a_list_of_tests() -> None:
    from breachdesk.detect import lab_tests

    cell = "HIV 1 and 2 antigen/antibody, Renal profile, International normalised ratio"
    assert lab_tests.lookup(cell) == ["HIVAGAB", "UE", "INR"]  # was ["UE", "INR"]: HIV lost
    assert lab_tests.lookup("FBC/UE; LFT") == ["FBC", "UE", "LFT"]
    assert lab_tests.lookup("Add-on requested, FBC") == ["FBC"]


def test_a_column_of_test_lists_is_typed_by_its_values_under_any_header() -> None:
    import pyarrow as pa

    from breachdesk.detect.columns import type_columns

    ordered = ["HCT, Urine analysis", "Ammonia, Chloride", "Ferritin", "FBC/UE; LFT", "TSH"]
    comments = ["Haemolysed", "Repeat sample required", "", "Add-on requested, FBC", "Fasting"]
    header = ["Order Codes", "Lab Comment"]
    kinds = type_columns(header, [pa.array(ordered), pa.array(comments)])
    assert kinds == ["test", None]
