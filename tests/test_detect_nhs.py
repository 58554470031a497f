"""NHS numbers in text dense with other ten-digit numbers: precision and recall against truth.

The text mixes true numbers from every issuing range with the look-alikes a leaked lab system is
full of: numbers that fail Modulus 11, invoice and account numbers (one in eleven passes the
check), UK phone numbers, 999-range test patients, Unix timestamps and sample ids.
"""

from __future__ import annotations

import random

import pyarrow as pa
import pytest

from breachdesk import nhs
from breachdesk.detect import nhs_number

_FORMATS = ("{a}{b}{c}", "{a} {b} {c}", "{a}-{b}-{c}")
_TRUE_LABELS = ("NHS No: ", "NHS number ", "NHS: ", "patient ", "CHI ", "H&C no. ", "", "re ")


def _chi(rng: random.Random) -> str:
    """A valid CHI number: DDMMYY then four digits, the last a Modulus 11 check digit."""
    while True:
        stem = f"{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}{rng.randint(0, 99):02d}"
        stem += f"{rng.randint(0, 999):03d}"
        digit = nhs.check_digit(stem)
        if digit is not None and int(stem) <= 311_299_999:
            return f"{stem}{digit}"


def _true_number(rng: random.Random) -> str:
    pick = rng.randrange(4)
    if pick == 0:
        return nhs.generate(rng)
    if pick == 1:
        return nhs.generate(rng, low=600_000_000, high=799_999_999)
    if pick == 2:
        return nhs.generate(rng, low=320_000_000, high=399_999_999)
    return _chi(rng)


def _written(number: str, rng: random.Random) -> str:
    return rng.choice(_FORMATS).format(a=number[:3], b=number[3:6], c=number[6:])


def _noise(rng: random.Random) -> tuple[str, str]:
    """One look-alike and the kind of thing it is."""
    pick = rng.randrange(7)
    if pick == 0:
        return "Ref " + _written(nhs.generate_invalid(rng), rng), "checksum_fail"
    if pick == 1:
        invoice = f"{rng.randint(400_000_000, 799_999_999)}{rng.randrange(10)}"
        return rng.choice(("Invoice no: ", "Inv ", "Account ", "a/c ")) + invoice, "invoice"
    if pick == 2:
        phone = rng.choice(
            (
                f"07700 {rng.randint(900000, 900999)}",
                f"01632 {rng.randint(960000, 960999)}",
                f"020 7946 {rng.randint(0, 999):04d}",
                f"+44 7700 {rng.randint(900000, 900999)}",
                f"0{rng.randint(100, 199)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
            )
        )
        return rng.choice(("Tel: ", "phone ", "Mob ", "call ")) + phone, "phone"
    if pick == 3:
        test = nhs.generate(rng, low=999_000_000, high=999_999_999)
        return "NHS No: " + _written(test, rng), "test"
    if pick == 4:
        stamp = rng.randint(1_577_836_800, 1_798_761_600)  # 2020 to 2027
        return rng.choice(("ts=", '"timestamp": ', "epoch ", "unix time ")) + str(stamp), "time"
    if pick == 5:
        sample = f"{rng.randint(20, 26)}{rng.randint(0, 99_999_999):08d}"
        return rng.choice(("S", "LAB", "Sample ", "specimen ", "Accession: ")) + sample, "sample"
    return f"{rng.randint(1_000, 9_999_999)} and {rng.randint(10**11, 10**12)}", "other_digits"


def _dense_text(seed: int, people: int) -> tuple[str, dict[int, str], int]:
    """The text, the true numbers by start offset, and how many 999-range numbers it holds."""
    rng = random.Random(seed)
    parts: list[str] = []
    truth: dict[int, str] = {}
    tests = 0
    offset = 0
    for _ in range(people):
        for _ in range(rng.randint(3, 8)):
            noise, kind = _noise(rng)
            tests += kind == "test"
            parts.append(noise + rng.choice((" | ", "\n", "; ", ", ")))
            offset += len(parts[-1])
        number = _true_number(rng)
        label = rng.choice(_TRUE_LABELS)
        truth[offset + len(label)] = number
        parts.append(f"{label}{_written(number, rng)}\n")
        offset += len(parts[-1])
    return "".join(parts), truth, tests


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_precision_and_recall_on_dense_text(seed: int) -> None:
    text, truth, tests = _dense_text(seed, people=2_000)
    found = list(nhs_number.detect(text))
    people = {m.start: m.value for m in found if m.kind == "nhs_number"}
    right = sum(truth.get(start) == value for start, value in people.items())
    assert right == len(truth)  # recall 1.0, at the exact offsets
    assert right / len(people) >= 0.999
    assert sum(m.kind == "nhs_number_test" for m in found) == tests


def test_every_region_is_known() -> None:
    rng = random.Random(4)
    assert nhs.region(nhs.generate(rng)) == "england_wales"
    assert nhs.region(nhs.generate(rng, low=600_000_000, high=799_999_999)) == "england_wales"
    assert nhs.region(nhs.generate(rng, low=320_000_000, high=399_999_999)) == "northern_ireland"
    assert nhs.region(_chi(rng)) == "scotland_chi"
    assert nhs.region(nhs.generate(rng, low=999_000_000, high=999_999_999)) == "test"


@pytest.mark.parametrize(
    ("number", "region"),
    [
        ("0101000006", "scotland_chi"),  # 1 January 2000: the first CHI date
        ("3112999991", "scotland_chi"),  # 31 December
        ("1700000004", None),  # a Unix timestamp: month 00 is no date
        ("3102011233", None),  # 31 February
        ("1713000008", None),  # month 13
        ("3150000009", None),  # between the Scottish and Northern Irish ranges
    ],
)
def test_chi_needs_a_birth_date(number: str, region: str | None) -> None:
    assert nhs.region(number) == region


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("NHS No: 401 023 2137", "nhs_number"),
        ("Invoice no: 4010232137", "nhs_number_other"),
        ("Tel: 401 023 2137", "nhs_number_other"),
        ("ts=4010232137", "nhs_number_other"),
        ("NHS ref 4010232137", "nhs_number"),  # an NHS label near it wins
        ("S4010232137", None),  # a sample id: not a number on its own
        ("results 4010232137", "nhs_number"),  # "ts" only as a word
    ],
)
def test_labels_of_other_numbers(text: str, kind: str | None) -> None:
    kinds = [m.kind for m in nhs_number.detect(text)]
    assert kinds == ([kind] if kind else [])


def test_column_numbers_read_off_the_string_bytes() -> None:
    # A slice of a column (its data offset past the start), nulls, spacing and dashes, a failed
    # check digit, repeated digits, text around a number, and a CHI number with a birth date.
    cells = [
        "pad",
        " 401 023 2137 ",
        "401-023-2137",
        "4010232138",
        "1111111111",
        None,
        "x4010232137",
        "4010232137 x",
        "",
        "\t170 372-9684\n",
        "7825107365",
        "pad",
    ]
    found = nhs_number.validate_column(pa.array(cells).slice(1, 10))
    assert found.to_pylist() == [
        "4010232137",
        "4010232137",
        None,
        None,
        None,
        None,
        None,
        None,
        "1703729684",
        "7825107365",
    ]
    assert found.null_count == 6
    assert nhs_number.validate_column(pa.array(["x", None])).to_pylist() == [None, None]


def test_column_chi_numbers_need_a_real_birth_date_as_text_does() -> None:
    """A CHI-range number in a column passes exactly when ``nhs.chi_date_ok`` passes it (and its
    check digit holds): month 13 or more, or day 32, is no date (it was clipped to December)."""
    rng = random.Random(11)
    cells = []
    for _ in range(4000):
        head = f"{rng.randint(1, 31):02d}{rng.randint(0, 19):02d}{rng.randint(0, 99999):05d}"
        digit = nhs.check_digit(head)
        if digit is not None:
            cells.append(f"{head}{digit}")
    found = nhs_number.validate_column(pa.array(cells)).to_pylist()
    expected = [c if nhs.region(c) == "scotland_chi" and len(set(c)) > 1 else None for c in cells]
    assert found == expected
    assert sum(f is not None for f in found) > 500 and sum(f is None for f in found) > 500


def test_a_column_written_through_a_float_keeps_its_numbers() -> None:

    cells = ["4557660932.0", "4.557660932E9", "4.557660932e+09", "4.56E+09", "4557660932.5", None]
    assert nhs_number.validate_column(pa.array(cells)).to_pylist() == [
        "4557660932",
        "4557660932",
        "4557660932",
        None,  # rounded: the number is lost
        None,
        None,
    ]


@pytest.mark.parametrize(
    "text",
    [
        "NHS No 455\u00a0766\u00a00932",  # a Word letter's or a web page's no-break spaces
        "NHS No 455\u202f766\u202f0932",  # narrow no-break spaces
        "NHS No 455\u2009766\u20090932",  # thin spaces
        "NHS No \uff14\uff15\uff15\uff17\uff16\uff16\uff10\uff19\uff13\uff12",  # full-width
    ],
)
def test_numbers_spaced_or_written_in_other_digits_give_their_ascii_digits(text: str) -> None:
    found = [(m.kind, m.value, text[m.start : m.end]) for m in nhs_number.detect(text)]
    assert found == [("nhs_number", "4557660932", text[7:])]
