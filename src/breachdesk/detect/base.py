"""The detector interface for free text: text in, mentions out, each explaining itself."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Mention:
    kind: str  # nhs_number, family_name, given_name, date_of_birth, postcode, test, ...
    start: int
    end: int
    value: str  # normalised (NHS digits, ISO date, catalogue code, upper-case postcode)
    detector: str
    rule: str
    score: float = 1.0
    checksum: str = ""  # "pass" / "fail" where a check digit applies
    extra: str = ""  # e.g. a given name riding with a family name


TextDetector = Callable[[str], Iterator[Mention]]
