"""What a caller gives, normalised identically at index time and at lookup time.

Two ways in: NHS number + date of birth, or family name + given name + date of birth +
postcode. Names are folded (case, spacing, punctuation and accents removed) so "O'Brien" and
"obrien", "Siobhán" and "SIOBHAN" meet; every part must match, so a partial match finds nothing.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from anyascii import anyascii

from breachdesk import nhs


class QueryError(ValueError):
    """Input an operator can correct; the message names the field and the fix."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


_DOB_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")


def fold_name(text: str) -> str:
    """Lower-case ASCII letters and digits only: accents, spaces, hyphens, apostrophes go."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch for ch in anyascii(bare).lower() if ch.isascii() and ch.isalnum())


def parse_dob(text: str) -> str:
    """ISO date from YYYY-MM-DD or the UK's DD/MM/YYYY (also with - or .)."""
    value = text.strip()
    for fmt in _DOB_FORMATS:
        try:
            day = dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
        if day > dt.date.today():
            raise QueryError("date_of_birth", "Date of birth is in the future; check it.")
        if day.year < 1880:
            raise QueryError("date_of_birth", "Date of birth is before 1880; check the year.")
        return day.isoformat()
    raise QueryError("date_of_birth", "Date of birth: write it as DD/MM/YYYY or YYYY-MM-DD.")


def parse_nhs_number(text: str) -> str:
    digits = nhs.normalise(text)
    if len(digits) != 10 or len(digits) != len(re.sub(r"[\s-]", "", text.strip())):
        raise QueryError("nhs_number", "NHS number: ten digits, spaces allowed (943 476 5919).")
    if not nhs.is_valid(digits):
        raise QueryError("nhs_number", "That NHS number fails its check digit; read it back.")
    return digits


def compact_postcode(text: str) -> str:
    return re.sub(r"\s+", "", text).upper()


def parse_postcode(text: str) -> str:
    compact = compact_postcode(text)
    if not _POSTCODE.match(compact):
        raise QueryError("postcode", "Postcode: a full UK postcode, such as SE15 4AB.")
    return compact


def parse_name(text: str, field: str, label: str) -> str:
    folded = fold_name(text)
    if not folded:
        raise QueryError(field, f"{label}: required.")
    return folded


@dataclass(frozen=True)
class NhsQuery:
    nhs_number: str
    date_of_birth: str

    def key(self) -> str:
        return f"nhs|{self.nhs_number}|{self.date_of_birth}"


@dataclass(frozen=True)
class NameQuery:
    family_name: str
    given_name: str
    date_of_birth: str
    postcode: str

    def key(self) -> str:
        return f"name|{self.family_name}|{self.given_name}|{self.date_of_birth}|{self.postcode}"


Query = NhsQuery | NameQuery


def nhs_query(nhs_number: str, date_of_birth: str) -> NhsQuery:
    return NhsQuery(parse_nhs_number(nhs_number), parse_dob(date_of_birth))


def name_query(family_name: str, given_name: str, date_of_birth: str, postcode: str) -> NameQuery:
    return NameQuery(
        parse_name(family_name, "family_name", "Family name"),
        parse_name(given_name, "given_name", "Given name"),
        parse_dob(date_of_birth),
        parse_postcode(postcode),
    )


def register_keys(
    nhs_number: str | None,
    family_name: str | None,
    given_name: str | None,
    date_of_birth: str | None,
    postcode: str | None,
) -> list[str]:
    """The lookup keys one register row can be found by (none when its date of birth is
    missing: every way in needs it). Register values are trusted as written by assess, so
    they are folded but not checked."""
    if not date_of_birth:
        return []
    try:
        dob = dt.date.fromisoformat(date_of_birth.strip()).isoformat()
    except ValueError:
        return []
    keys = []
    digits = nhs.normalise(nhs_number or "")
    if len(digits) == 10:
        keys.append(NhsQuery(digits, dob).key())
    family, given = fold_name(family_name or ""), fold_name(given_name or "")
    code = compact_postcode(postcode or "")
    if family and given and code:
        keys.append(NameQuery(family, given, dob, code).key())
    return keys
