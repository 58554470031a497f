"""The Hyperscan trigger pass: what it reports, and that skipping on it changes no result."""

from __future__ import annotations

import importlib.util
import random
from email.message import EmailMessage

import pytest

from breachdesk.detect import dates, names, prefilter
from breachdesk.detect.hl7_in_text import segment_people
from breachdesk.detect.registry import GATED_DETECTORS
from breachdesk.detect.text import find_mentions, group, people_in_text
from breachdesk.readers import email_message
from breachdesk.readers.base import Nested, Record

# The trigger pass needs Hyperscan (a dependency); without it every detector runs, which the
# pattern tests below do not need.
needs_hyperscan = pytest.mark.skipif(
    importlib.util.find_spec("hyperscan") is None, reason="hyperscan not installed"
)

# Pieces that between them fire every detector and rule, and near-misses for each.
FRAGMENTS = [
    "Patient: SMITH, John",
    "Pt name - O'BRIEN-KAUR Mary Anne",
    "Re: Mrs Jane DOE",
    "MR Tom JONES",
    "WALKER^Geoffrey",
    "Grace OKAFOR 12/01/1962",
    "OKAFOR Grace (12/01/1962)",
    "Zoë MÜLLER 12/01/1962",
    "Ms G. Okafor",
    "DOB: 01/02/1980",
    "born 3 Feb 1979",
    "d.o.b. 1980-02-01",
    "19891012",
    "12.03.85",
    "NHS 943 476 5919",  # passes Modulus 11, outside the issued ranges
    "NHS 450 557 7104",
    "NHS=4180340631",
    "PID|1||4763972502^^^NHS^NH||JONES^Ann||19700101|F",
    "Invoice 4271372278",
    "a/c 401 023 2137",
    "tel 020 7946 0000",
    "+44 (0)20 7946 0001",
    "j.smith@example.nhs.uk",
    "SE15 4AB",
    "gir0aa",
    "Address: 12 Manor Park, London",
    "Hosp No: L1234567",
    "MRN K0012345",
    "unit no 0012345",
    "G85001",
    "MSG4794216 xG85001 G85002b",
    "site RJ1",
    "FBC",
    "Haemoglobin 135",
    "HbA1c was 48",
    "test=UE",
    "Dr Alan GREY",
    "requested by Mr Paul WHITE",
    "SMITH, John 01/02/1980",
    "Order 6878912344 matched",
    "2024-06-01 00:08:27,564 INFO [ORU]",
    "SMITH,",
    "Mx",
    "MSG4794216 MRN",
    "Mrs.\u2003Ann LEE",
    "xMr Tom JONES",
    "_Mrs Ann LEE",
    "éMr Tom JONES",
    "pre: x",
    "ward re - y",
    "Siobhán",
    "Dr A Horváth",
    "O’BRIEN , Mary",
    "DOB\xa001/02/1980",
    "Re:\u2003Mrs Zoë DOE",
    "NHS ٤٥٠ 557 7104",
    "café",
    "ſite RJ1",
    "٤G85001",
    "source: rj1",
    "organisation code = RX1",
    "Trust\u2003RJ1",
    "methods and periods",
    "^",
    "@",
]
SEPARATORS = [" ", ", ", "\n", " | ", "\t", ": ", "\n\n", "; "]


def _all_detectors(text: str, locator: str):  # type: ignore[no-untyped-def]
    """people_in_text as it was: every detector over every text, DOB and other dates apart."""
    embedded = []
    if "PID|" in text:
        embedded, text = segment_people(text, locator, "text")
    found = []
    for detector, _ in GATED_DETECTORS:
        if detector is dates.detect:
            found.extend(dates.detect_dob(text))
            found.extend(dates.detect_unlabelled(text))
        else:
            found.extend(detector(text))
    found.sort(key=lambda m: m.start)
    return embedded + group(found, locator, "text", text)


def _texts(count: int) -> list[str]:
    rng = random.Random(20261129)
    texts = []
    for _ in range(count):
        parts = rng.sample(FRAGMENTS, rng.randint(1, 6))
        text = ""
        for part in parts:
            text += part + rng.choice(SEPARATORS)
        texts.append(text.strip() if rng.random() < 0.5 else text)
    return texts


@needs_hyperscan
def test_triggers_name_what_is_there() -> None:
    text = "Patient: SMITH, John DOB 01/02/1980 NHS 943 476 5919 FBC Hb 135"
    assert prefilter.triggers(text) == {
        "date",
        "name",
        "name:before_dob",
        "name:caps_comma",
        "name:given_caps",  # loose: "John DOB 01/02/1980" (DOB is no family name)
        "name:label",
        "nhs",
    }
    assert prefilter.triggers("Invoice 4271372278 exported") == {"nhs"}
    assert prefilter.triggers("Heartbeat ok queue_depth=163") == frozenset()
    text = "MRN 1234567 Address: site RJ1 G85001 WALKER^Geoffrey 3 Feb 1980 a@b.com"
    assert prefilter.triggers(text) == {
        "address",
        "contact",
        "date",
        "hospital",
        "name",
        "name:hl7_xpn",
        "ods",
        "ods:practice",
        "ods:trust",
    }
    # A practice code inside a longer token ("MSG4794216") cannot match, so does not trigger.
    assert prefilter.triggers("ACK for MSG4794216 xG85001") == frozenset()
    # A trigger may fire where its rule then finds nothing ("Mr" then a lower-case word).
    assert prefilter.triggers("Mr smith") == {"name", "name:title"}


@needs_hyperscan
def test_non_ascii_characters_are_scanned_as_what_they_can_stand_for() -> None:
    # re's \s and \d take any Unicode space and digit, and ’ is in the CAPS-comma class.
    assert prefilter.triggers("Patient: ZOË SMITH, DOB 01/02/1980") == {
        "date",
        "name",
        "name:before_dob",
        "name:caps_comma",
        "name:given_caps",  # loose: "SMITH, DOB 01/02/1980" (DOB is no given name)
        "name:label",
    }
    assert prefilter.triggers("O’BRIEN\u2003, Mary") == {"name", "name:caps_comma"}
    # A non-ASCII digit is a digit to \\d yet outside [A-Za-z0-9]: no verdict.
    assert prefilter.triggers("NHS ٤٥٠ 557 7104") is None
    assert prefilter.triggers("Horváth née Łukasz") == frozenset()
    # ſ matches "s" under IGNORECASE ("ſite RJ1" is a trust label to re): no verdict.
    assert prefilter.triggers("ſite RJ1") is None


@needs_hyperscan
@pytest.mark.parametrize("text", _texts(600))
def test_skipping_changes_no_mention_and_no_person(text: str) -> None:
    present = prefilter.triggers(text)
    assert find_mentions(text, present) == find_mentions(text, None)
    assert people_in_text(text, "line:3") == _all_detectors(text, "line:3")


@needs_hyperscan
def test_a_line_without_an_anchor_is_skipped_and_one_with_is_not() -> None:
    assert people_in_text("2024-06-01 INFO Invoice 4271372278 exported", "line:1") == []
    (person,) = people_in_text("2024-06-01 INFO ACK NHS=4505577104 test=FBC", "line:2")
    assert person.values["nhs_number"] == "4505577104"
    assert person.tests == ["FBC"]


def test_one_date_pass_gives_labelled_and_other_dates() -> None:
    text = "DOB: 01/02/1980 seen 2024-06-01, SMITH, John 3 Feb 1979"
    found = [(m.kind, m.value, text[m.start : m.end], m.rule) for m in dates.detect(text)]
    assert found == [
        ("date_of_birth", "1980-02-01", "01/02/1980", "dob_label"),
        ("date", "2024-06-01", "2024-06-01", "date"),
        ("date", "1979-02-03", "3 Feb 1979", "date"),
    ]


def test_name_rules_run_only_with_their_trigger() -> None:
    text = "Mr John SMITH and WALKER^Geoffrey"
    every = [(m.rule, text[m.start : m.end]) for m in names.detect(text)]
    assert every == [("title", "John SMITH"), ("hl7_xpn", "WALKER^Geoffrey")]
    only_caret = frozenset({"name", "name:hl7_xpn"})
    assert [(m.rule, m.value, m.extra) for m in names.detect(text, only_caret)] == [
        ("hl7_xpn", "WALKER", "Geoffrey")
    ]


def test_email_headers_are_unfolded_and_decoded() -> None:
    message = EmailMessage()
    message["From"] = "Ward Clerk <ward@example.nhs.uk>"
    message["To"] = "Results Desk <results@example.nhs.uk>"
    message["Subject"] = "Re: SMITH, Zoë"  # non-ASCII: sent as an RFC 2047 encoded word
    message.set_content("Patient: SMITH, John DOB 01/02/1980\nNHS 943 476 5919\n")
    message.add_attachment(b"x", maintype="application", subtype="pdf", filename="Zoë SMITH.pdf")
    data = message.as_bytes().replace(b"To: Results Desk", b"To: Results\r\n Desk")
    assert b"=?utf-8?" in data and b"Results\r\n Desk" in data
    assert list(email_message.read(data, "a.eml")) == [
        Record(
            locator="header",
            schema="text",
            # (The addresses are the ward's and the lab's: no word of the subject's.)
            text="From: Ward Clerk\nTo: Results Desk\nSubject: Re: SMITH, Zoë",
        ),
        Record(
            locator="part:1!line:1",
            schema="text",
            text="Patient: SMITH, John DOB 01/02/1980\nNHS 943 476 5919",
        ),
        Nested(locator="part:2", name="Zoë SMITH.pdf", data=b"x"),
    ]
    # A malformed encoded word is read as written, not refused.
    broken = data.replace(b"=?utf-8?", b"=?no-such-charset?")
    (header, *_) = email_message.read(broken, "a.eml")
    assert isinstance(header, Record)
    assert header.text.endswith("Subject: Re: SMITH, =?no-such-charset?q?Zo=C3=AB?=")


def test_date_pattern_matches_as_its_plain_form() -> None:
    """DATE_TEXT is written digit-first for speed; it must match exactly where the plain form
    (lookbehind first) does, on random strings of date parts."""
    import re

    plain = re.compile(
        r"(?<![\d/.-])("
        r"\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})"
        r"|\d{4}-\d{2}-\d{2}"
        r"|(?:19|20)\d{6}"
        rf"|\d{{1,2}}(?:st|nd|rd|th)?[ -/](?:{dates._MONTHS})[a-z]*[ -/,]+(?:\d{{4}}|\d{{2}})"
        rf"|\d{{1,2}}(?:{dates._MONTHS3})\d{{4}}"
        r")(?![\d/-]|\.\d|:\d)"
        # month first: "Jan 12, 1962"
        rf"|(?<![^\W\d_])((?:{dates._MONTHS})[a-z]*\.?[ ]?\d{{1,2}}(?:st|nd|rd|th)?(?:,[ ]?|[ ])"
        r"\d{4})(?![\d/-]|\.\d|:\d)",
        re.IGNORECASE,
    )
    parts = ["1", "12", "3", "0", "/", "-", ".", ":", " ", ",", "Jan", "FEB", "sept", "uary", "th"]
    parts += ["1980", "80", "19", "20", "2024", "x", "\n", "+"]
    rng = random.Random(7)
    texts = ["".join(rng.choice(parts) for _ in range(rng.randint(1, 12))) for _ in range(20000)]
    texts += ["DOB 01/02/1980", "19891012", "3 Feb 1979", "2024-06-01 00:08", "1/2/80-1"]
    texts += ["born 3rd March 1955", "12th January 1962", "1ST feb 80", "4th-Jul-1976"]
    texts += ["Jan 12, 1962", "DOB:November 2nd 1975", "x02NOV1975", "2nov1975", "aJan 12 1962"]
    matched = 0
    for text in texts:
        want = [(m.span(), m.group(1) or m.group(2)) for m in plain.finditer(text)]
        assert [(m.span(), m.group(1)) for m in dates.DATE_TEXT.finditer(text)] == want, text
        matched += bool(want)
    assert matched > 400  # a good share of the strings hold a date


@pytest.mark.parametrize(
    ("fast", "plain", "parts"),
    [
        (
            "nhs",
            r"(?<![\dA-Za-z/.:-])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?!\d|[/.-]\d)",
            ["123", "4", "56", "7890", "450", "557", "7104", " ", "-", "/", ".", ":", "a", "\n"],
        ),
        (
            "phone",
            r"(?<![\dA-Za-z+])(?:(?:\+44[ \t]?\(?0?\)?[ \t]?|0)(?:\d[ \t]?){9,10})(?!\d)",
            ["+44", "0", "020", "7946", "0000", "11", "1", "(0)", " ", "\t", "+", "a", "\n"],
        ),
    ],
)
def test_digit_first_patterns_match_as_their_plain_forms(
    fast: str, plain: str, parts: list[str]
) -> None:
    import re

    from breachdesk.detect import contact, nhs_number

    pattern = nhs_number.PATTERN if fast == "nhs" else contact.PHONE
    reference = re.compile(plain)
    rng = random.Random(11)
    matched = 0
    for _ in range(20000):
        text = "".join(rng.choice(parts) for _ in range(rng.randint(1, 14)))
        want = [(m.span(), m.groups()) for m in reference.finditer(text)]
        assert [(m.span(), m.groups()) for m in pattern.finditer(text)] == want, text
        matched += bool(want)
    assert matched > 400
