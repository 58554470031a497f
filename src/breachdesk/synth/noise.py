"""How a person is *written* in one place of the dump: the noise real lab files carry.

Every deviation from the PMI value is returned as a tag so ground truth can say which records are
hard, and eval can report recall per kind of noise.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources

from breachdesk.synth import names
from breachdesk.synth.people import Person

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
_LETTERS = "abcdefghijklmnopqrstuvwxyz"

# Date styles seen on UK lab paperwork; one per file or column, as real exports do.
DATE_STYLES = ("dmy", "dmy_short", "iso", "dmon", "dmy_dot", "dmy_yy")
_DATE_WEIGHTS = (40, 10, 20, 12, 10, 8)


@cache
def nicknames() -> dict[str, tuple[str, ...]]:
    """formal -> nicknames, from ``data/nicknames.csv`` (shared with the linker's comparisons)."""
    path = resources.files("breachdesk") / "data" / "nicknames.csv"
    if not path.is_file():
        return {}
    table: dict[str, list[str]] = {}
    with io.StringIO(path.read_text(encoding="utf-8-sig"), newline="") as handle:
        for row in csv.DictReader(handle):
            formal = (row.get("formal") or "").strip()
            nick = (row.get("nickname") or "").strip()
            if formal and nick and nick.lower() != formal.lower():
                # The table is lower case; records write names as people spell them.
                table.setdefault(formal.lower(), []).append(nick[:1].upper() + nick[1:])
    return {k: tuple(v) for k, v in table.items()}


def typo(rng: random.Random, text: str) -> str:
    """One substitution, transposition or deletion, keeping the first letter (as clerks do)."""
    if len(text) < 4:
        return text
    for _ in range(8):
        pos = rng.randrange(1, len(text))
        kind = rng.randrange(3)
        if kind == 0:
            ch = rng.choice(_LETTERS)
            ch = ch.upper() if text[pos].isupper() else ch
            out = text[:pos] + ch + text[pos + 1 :]
        elif kind == 1 and pos < len(text) - 1:
            out = text[:pos] + text[pos + 1] + text[pos] + text[pos + 2 :]
        else:
            out = text[:pos] + text[pos + 1 :]
        if out.lower() != text.lower():
            return out
    return text


def fmt_date(value: date, style: str) -> str:
    d, m, y = value.day, value.month, value.year
    if style == "dmy":
        return f"{d:02d}/{m:02d}/{y:04d}"
    if style == "dmy_short":
        return f"{d}/{m}/{y}"
    if style == "iso":
        return f"{y:04d}-{m:02d}-{d:02d}"
    if style == "dmon":
        return f"{d:02d}-{_MONTHS[m - 1]}-{y:04d}"
    if style == "dmy_dot":
        return f"{d:02d}.{m:02d}.{y:04d}"
    if style == "dmy_yy":
        return f"{d:02d}/{m:02d}/{y % 100:02d}"
    if style == "hl7":
        return f"{y:04d}{m:02d}{d:02d}"
    # The other lab's formats (``variants.OTHER_DATE_STYLES``).
    if style == "dmy_dash":
        return f"{d:02d}-{m:02d}-{y:04d}"
    if style == "ymd_slash":
        return f"{y:04d}/{m:02d}/{d:02d}"
    if style == "dmon_space":
        return f"{d:02d} {_MONTHS[m - 1]} {y:04d}"
    if style == "dmonth":
        return f"{d} {_MONTH_NAMES[m - 1]} {y}"
    raise ValueError(style)


def fmt_datetime(value: datetime, style: str) -> str:
    if style == "iso":
        return value.strftime("%Y-%m-%d %H:%M")
    if style == "hl7":
        return value.strftime("%Y%m%d%H%M%S")
    return f"{fmt_date(value.date(), style)} {value:%H:%M}"


def date_style(rng: random.Random) -> str:
    return rng.choices(DATE_STYLES, weights=_DATE_WEIGHTS)[0]


def fmt_nhs(number: str, style: str) -> str:
    if style == "spaced":
        return f"{number[:3]} {number[3:6]} {number[6:]}"
    if style == "dashed":
        return f"{number[:3]}-{number[3:6]}-{number[6:]}"
    return number


@dataclass(slots=True)
class Written:
    """One rendering of a person; ``tags`` names every deviation from the PMI."""

    family: str
    given: str
    title: str
    dob: date
    nhs: str
    tags: list[str]

    def dob_text(self, style: str) -> str:
        if style == "dmy_yy" and "short_year" not in self.tags:
            self.tags.append("short_year")
        return fmt_date(self.dob, style)

    def comma_name(self) -> str:
        """The ``SURNAME, Given`` single field that worklists and letters use."""
        if "surname_comma" not in self.tags:
            self.tags.append("surname_comma")
        return f"{self.family}, {self.given}"

    def full_name(self, with_title: bool) -> str:
        if with_title and self.title:
            if "title" not in self.tags:
                self.tags.append("title")
            return f"{self.title} {self.given} {self.family}"
        return f"{self.given} {self.family}"


def written(
    rng: random.Random,
    person: Person,
    *,
    caps: float = 0.5,
    no_nhs: float = 0.15,
    nhs_styles: tuple[str, ...] = ("plain",),
    latin1: bool = False,
) -> Written:
    """Render a person with the noise of one record.

    ``no_nhs`` must be 0 where the layout has no full name and date of birth, or a record that
    drops the number would identify nobody.
    """
    tags: list[str] = []
    family, given = person.family, person.given
    if latin1:
        safe_family, safe_given = names.latin1_safe(family), names.latin1_safe(given)
        if (safe_family, safe_given) != (family, given):
            tags.append("translit")
        family, given = safe_family, safe_given
    options = nicknames().get(given.lower())
    roll = rng.random()
    # About a quarter of given names have a nickname; 18% of those gives ~5% of all records.
    if options and roll < 0.18:
        given = rng.choice(options)
        tags.append("nickname")
    elif roll > 0.985:
        changed = typo(rng, given)
        if changed != given:
            given = changed
            tags.append("typo_given")
    elif roll > 0.97:
        changed = typo(rng, family)
        if changed != family:
            family = changed
            tags.append("typo_family")
    if rng.random() < caps:
        upper = family.upper()
        if upper.casefold() != family.casefold() and "translit" not in tags:
            tags.append("translit")  # "Yılmaz" -> "YILMAZ" loses the dotless i
        family = upper
        tags.append("caps_family")
    dob = person.dob
    if dob.day <= 12 and dob.day != dob.month and rng.random() < 0.025:
        dob = date(dob.year, dob.day, dob.month)
        tags.append("dob_swap")
    number = person.nhs
    if number and rng.random() < no_nhs:
        number = ""
        tags.append("no_nhs")
    elif number:
        style = rng.choice(nhs_styles)
        if style != "plain":
            tags.append(f"nhs_{style}")
        number = fmt_nhs(number, style)
    return Written(family, given, person.title(rng), dob, number, tags)


def encode(text: str, encoding: str) -> bytes:
    """Encode a whole file; cp1252 callers have already folded what cp1252 cannot hold."""
    return text.encode(encoding, errors="replace")


def csv_text(rows: list[list[str]], delimiter: str, quote_all: bool, newline: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        delimiter=delimiter,
        lineterminator=newline,
        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
    )
    writer.writerows(rows)
    return buffer.getvalue()
