"""The detector interface for free text: text in, mentions out, each explaining itself."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import NamedTuple


class Mention(NamedTuple):
    """One finding. A named tuple, not a frozen dataclass: a log line makes several and a frozen
    dataclass costs ~5 us each to build (a ``setattr`` per field), a tuple a fifth of that."""

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
