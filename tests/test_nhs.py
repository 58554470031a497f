from __future__ import annotations

import random

import pyarrow as pa
import pytest

from breachdesk import nhs
from breachdesk.detect import nhs_number


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("9434765919", True),  # the NHS's own worked example
        ("9434765918", False),  # wrong check digit
        ("4010232137", True),
        ("4010232138", False),
        ("1111111111", False),  # repeated digits pass Modulus 11 but are never issued
        ("0000000000", False),
        ("943476591", False),
        ("943476591X", False),
    ],
)
def test_is_valid(number: str, valid: bool) -> None:
    assert nhs.is_valid(number) is valid


def test_check_digit_ten_means_no_number() -> None:
    # 11 - (sum mod 11) == 10 has no valid check digit.
    stems = [f"{i:09d}" for i in range(400000000, 400000200)]
    assert any(nhs.check_digit(s) is None for s in stems)
    for stem in stems:
        digit = nhs.check_digit(stem)
        if digit is not None:
            assert nhs.is_valid(stem + str(digit)) or len(set(stem + str(digit))) == 1


def test_generate_is_valid_and_in_england_range() -> None:
    rng = random.Random(1)
    for _ in range(500):
        number = nhs.generate(rng)
        assert nhs.is_valid(number)
        assert nhs.region(number) == "england_wales"


def test_generate_invalid_fails_the_check() -> None:
    rng = random.Random(2)
    assert not any(nhs.is_valid(nhs.generate_invalid(rng)) for _ in range(500))


@pytest.mark.parametrize(
    ("number", "status"),
    [
        ("4010232137", "valid"),
        ("9990000018", "test"),
        ("9434765919", "invalid"),
        ("4010232138", "invalid"),
    ],
)
def test_classify_knows_ranges(number: str, status: str) -> None:
    # 943 476 5919 passes Modulus 11 but lies in no issued range.
    assert nhs_number.classify(number) == status


def test_text_detection_spans_and_formats() -> None:
    text = "NHS: 401 023 2137, alt 401-023-2137; inv 4010232138 and test pt 9990000018."
    found = list(nhs_number.detect(text))
    assert [(m.kind, m.value, text[m.start : m.end]) for m in found] == [
        ("nhs_number", "4010232137", "401 023 2137"),
        ("nhs_number", "4010232137", "401-023-2137"),
        ("nhs_number_invalid", "4010232138", "4010232138"),
        ("nhs_number_test", "9990000018", "9990000018"),
    ]
    assert found[2].checksum == "fail"


def test_text_detection_ignores_longer_digit_runs_and_dates() -> None:
    assert list(nhs_number.detect("order 40102321370 and 01/02/4010232137")) == []


def test_validate_column_is_vectorised_and_exact() -> None:
    col = pa.array(
        [
            "401 023 2137",
            "4010232138",
            "401-023-2137",
            "9990000018",
            None,
            "12",
            "",
            "x401 023 2137",
        ]
    )
    assert nhs_number.validate_column(col).to_pylist() == [
        "4010232137",
        None,
        "4010232137",
        None,
        None,
        None,
        None,
        None,
    ]


def test_check_digit_matches_modulus_11_digit_by_digit() -> None:
    """The check digit from the digits' bytes is the one summed a digit at a time, for every
    check digit (ten: no number) and for digits of other scripts, which ``isdigit`` allows."""
    rng = random.Random(3)

    def by_digit(stem: str) -> int | None:
        total = sum(int(d) * w for d, w in zip(stem, range(10, 1, -1), strict=True))
        digit = 11 - total % 11
        return 0 if digit == 11 else None if digit == 10 else digit

    stems = [str(rng.randrange(10**9)).zfill(9) for _ in range(5000)]
    assert {nhs.check_digit(s) for s in stems} == {None, *range(10)}
    assert all(nhs.check_digit(s) == by_digit(s) for s in stems)
    arabic = "".join(chr(0x660 + int(d)) for d in "455766093")  # Arabic-Indic 455766093
    assert nhs.check_digit(arabic) == by_digit("455766093") == 2
    assert nhs.is_valid(arabic + chr(0x662))
