"""The fifteenth round's smaller fixes made by the lead."""

from __future__ import annotations

from breachdesk.detect import diagnosis_words
from test_generalise import people_in_file


def _terms(text: str) -> list[str]:
    return [mention.rule for mention in diagnosis_words.detect(text)]


def test_a_screening_test_named_after_a_condition_is_no_diagnosis() -> None:
    # The other_lab incident's "Down's syndrome quadruple test" made two pregnant women genetic.
    assert _terms("Down's syndrome quadruple test") == []
    assert _terms("Downs syndrome screening: low chance") == []
    assert _terms("risk of Down syndrome 1 in 250") == []
    assert _terms("screening for Down's syndrome declined") == []
    assert _terms("Known Down's syndrome, lives in care home") == ["term chromosomal abnormality"]


LETTER = """\
Mrs Grace Okafor
14 Elm Grove
Croydon
CR0 2AB

30 May 2024

Dear Mrs Okafor,

Your recent blood test (HIV antibody) was negative. No further action is needed.

Yours sincerely,
Dr A Patel
"""


def test_a_letter_s_address_block_names_its_patient() -> None:
    fields = ("family_name", "given_name", "postcode", "nhs_number", "tests", "sensitive")
    assert people_in_file("letter.txt", LETTER.encode(), fields) == (
        "text",
        [("Okafor", "Grace", "CR0 2AB", None, "HIVAB", "hiv")],
    )


def test_only_a_block_ending_in_a_postcode_names_anyone() -> None:
    fields = ("family_name", "given_name", "tests")
    # No postcode: a name and a town are no address to post to.
    assert people_in_file("l.txt", LETTER.replace("CR0 2AB", "Surrey").encode(), fields)[1] == []
    # A blank line between the name and the address: the name heads no block.
    spaced = LETTER.replace("Okafor\n14", "Okafor\n\n14")
    assert people_in_file("l.txt", spaced.encode(), fields)[1] == []
    # Words beside the name on its line: a sentence, not a block's first line.
    prose = LETTER.replace("Mrs Grace Okafor\n", "Seen today with Mrs Grace Okafor\n")
    assert people_in_file("l.txt", prose.encode(), fields)[1] == []


def test_a_date_s_month_and_year_are_no_gestation() -> None:
    # The standard incident's "DOB 23/11/40" had made a man pregnant ("11/40").
    assert _terms("re Mr Roger Thompson DOB 23/11/40 NHS 4588700618: TSH 0.4") == []
    assert _terms("DOB 1.11/40") == []
    assert _terms("currently 11/40 pregnant") == ["term gestation N/40", "term pregnancy"]
    assert _terms("G2P1 at 28+3/40") == ["term gravida/para", "term gestation N/40"]
