"""Sample stability: how long each requested test stays valid, given where the tube has been.

The figures are data (``data/stability.csv``): per test x container x storage condition
(``ambient`` 15-25 °C, ``fridge`` 2-8 °C, ``frozen`` -20 °C or colder), ``max_hours`` is the
longest the test stays valid if the tube is kept in that condition from collection, with the
published source of the figure. Where sources differ the shorter time was taken. A lab overrides
rows with its own file (same columns) through ``--stability``.

The model is time-in-condition accounting:

* Every hour a tube spends in a condition uses up ``1 / max_hours`` of each test's life; the test
  expires when the used fraction reaches 1. Kept 12 h ambient (24 h limit) and then refrigerated
  (168 h limit), a test has half its life left: 84 h more in the fridge.
* ``max_hours = 0`` means *not allowed*: entering that condition ends the test at once
  (refrigerating unseparated potassium, freezing an EDTA full blood count).
* The tube is ambient from ``collected_at`` until the first storage change and stays in its last
  condition after the last change, so ``viable_until`` is when the used fraction will reach 1.
* A catalogue test with no row for the sample's container uses that container's conservative
  default (test ``*``) when the catalogue names that container for it, and says so in the
  reason; a test that belongs in another container cannot be run on this one.
* Figures are for the primary tube as the backlog stores it (unseparated: the lab could not
  process it); a ``frozen`` figure assumes serum or plasma separated before freezing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

from breachdesk import catalogue
from breachdesk.errors import UserError

CONDITIONS = ("ambient", "fridge", "frozen")
COLUMNS = ("test", "container", "condition", "max_hours", "source", "note")
DEFAULT_TEST = "*"

# How a (test, container) pair got its limits.
FROM_TABLE, FROM_DEFAULT, WRONG_CONTAINER = 0, 1, 2


@dataclass(frozen=True)
class Row:
    test: str
    container: str
    condition: str
    max_hours: float
    source: str
    note: str


@dataclass(frozen=True)
class Stability:
    """Limits as arrays indexed by catalogue test, container and condition, for vectorised use."""

    codes: tuple[str, ...]
    containers: tuple[str, ...]
    # hours[t, c, k]: limit of test t in container c under condition k; NaN where no row.
    hours: np.ndarray
    # default[c, k]: the container's conservative default; NaN where the table has none.
    default: np.ndarray
    # home[t]: index of the test's container in the catalogue (-1 when not a known container).
    home: np.ndarray
    rows: tuple[Row, ...]

    def code_index(self) -> dict[str, int]:
        return {code: i for i, code in enumerate(self.codes)}

    def container_index(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.containers)}

    def resolve(self, tests: np.ndarray, conts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Limits (n x 3 hours) and how each came about (FROM_TABLE | FROM_DEFAULT | WRONG_...)."""
        own = self.hours[tests, conts]
        has_row = ~np.isnan(own).all(axis=1)
        # Only the catalogue's own container may fall back to the container default: a test
        # asked of another container (an FBC on a serum tube) cannot be run from it.
        at_home = self.home[tests] == conts
        kind = np.where(has_row, FROM_TABLE, np.where(at_home, FROM_DEFAULT, WRONG_CONTAINER))
        limits = np.where(has_row[:, None], own, self.default[conts])
        # A missing condition inside a row, or a container without a default, is "not allowed".
        limits = np.nan_to_num(limits, nan=0.0)
        limits[kind == WRONG_CONTAINER] = 0.0
        return limits, kind


def _read_rows(text: str, where: str) -> list[Row]:
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    missing = [c for c in COLUMNS[:4] if c not in (reader.fieldnames or [])]
    if missing:
        raise UserError(
            f"{where}: stability table lacks column(s) {', '.join(missing)}; "
            f"give the columns {', '.join(COLUMNS)}"
        )
    rows: list[Row] = []
    for n, rec in enumerate(reader, start=1):
        test = (rec.get("test") or "").strip()
        container = (rec.get("container") or "").strip()
        condition = (rec.get("condition") or "").strip().lower()
        text_hours = (rec.get("max_hours") or "").strip()
        try:
            hours = float(text_hours)
        except ValueError:
            hours = -1.0
        if not test or not container or condition not in CONDITIONS or not hours >= 0:
            raise UserError(
                f"{where}: data row {n} is not test,container,condition,max_hours with condition "
                f"one of {', '.join(CONDITIONS)} and max_hours a number of hours >= 0"
            )
        source = (rec.get("source") or "").strip()
        rows.append(Row(test, container, condition, hours, source, (rec.get("note") or "").strip()))
    return rows


@cache
def container_aliases() -> dict[str, str]:
    """Folded container names and aliases to the container name the catalogue uses."""
    path = resources.files("breachdesk") / "data" / "sample_containers.csv"
    text = path.read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith("#")]
    out: dict[str, str] = {}
    for rec in csv.DictReader(io.StringIO("\n".join(lines))):
        name = rec["container"].strip()
        for alias in (name, *rec["aliases"].split("|")):
            out.setdefault(catalogue.term_key(alias), name)
    return out


@cache
def shipped_rows() -> tuple[Row, ...]:
    path = resources.files("breachdesk") / "data" / "stability.csv"
    return tuple(_read_rows(path.read_text(encoding="utf-8"), "data/stability.csv"))


def build(rows: Iterable[Row], where: str = "data/stability.csv") -> Stability:
    tests = catalogue.load()
    codes = tuple(t.code for t in tests)
    code_at = {c: i for i, c in enumerate(codes)}
    containers = tuple(dict.fromkeys(container_aliases().values()))
    cont_at = {c: i for i, c in enumerate(containers)}
    rows = tuple(rows)
    hours = np.full((len(codes), len(containers), len(CONDITIONS)), np.nan)
    default = np.full((len(containers), len(CONDITIONS)), np.nan)
    for row in rows:
        c = cont_at.get(row.container)
        if c is None:
            raise UserError(
                f"{where}: container {row.container!r} is not one of {', '.join(containers)}"
            )
        k = CONDITIONS.index(row.condition)
        if row.test == DEFAULT_TEST:
            default[c, k] = row.max_hours
        elif row.test in code_at:
            hours[code_at[row.test], c, k] = row.max_hours
        else:
            raise UserError(f"{where}: test {row.test!r} is not a test catalogue code")
    home = np.array([cont_at.get(t.container, -1) for t in tests], dtype=np.int64)
    return Stability(codes, containers, hours, default, home, rows)


def load(override: Path | None = None) -> Stability:
    """The shipped table, with a local file's rows replacing the same test/container/condition."""
    rows = {(r.test, r.container, r.condition): r for r in shipped_rows()}
    where = "data/stability.csv"
    if override is not None:
        where = str(override)
        try:
            text = override.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(
                f"{override}: cannot read the stability file ({type(exc).__name__}); give a "
                f"UTF-8 CSV with columns {', '.join(COLUMNS)}"
            ) from exc
        for r in _read_rows(text, where):
            rows[(r.test, r.container, r.condition)] = r
    return build(rows.values(), where)
