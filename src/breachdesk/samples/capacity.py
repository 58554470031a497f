"""Recovery capacity: lanes (a discipline or an analyser), samples per hour, opening hours.

The capacity file is YAML (see ``data/capacity_example.yaml``)::

    start: 2024-06-10T08:00        # optional; planning starts at --now or here, the later
    lanes:
      chemistry:                   # any name: a discipline, an analyser, a bench
        per_hour: 12               # or per_day: 200 (spread over the opening hours)
        hours: "08:00-20:00"       # optional, default all day; "22:00-06:00" wraps midnight
        disciplines: [biochemistry, toxicology]   # optional; default: the lane's own name
        tests: [HBA1C]             # optional: these tests come here whatever their discipline

``disciplines: ["*"]`` takes every test no other lane takes. Without a file the plan uses one lane
for everything at 400 samples a day around the clock: the capacity the affected trusts had after
the June 2024 attack (against about 10,000 normally).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from breachdesk.catalogue import Test
from breachdesk.errors import UserError
from breachdesk.samples.backlog import MISSING, parse_times

DEFAULT_PER_DAY = 400.0
_HOURS = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_DAY = 86400


@dataclass(frozen=True)
class Lane:
    name: str
    per_hour: float
    open_s: int  # seconds after midnight the lane opens
    close_s: int  # seconds after midnight it closes (may be <= open_s: wraps midnight)
    disciplines: tuple[str, ...]
    tests: tuple[str, ...]

    @property
    def open_seconds_per_day(self) -> int:
        span = (self.close_s - self.open_s) % _DAY
        return _DAY if span == 0 else span

    def slots(self, start: int, before: int, most: int) -> np.ndarray:
        """Run times (epoch seconds, ascending) from ``start``: at most ``most`` of them, all
        before ``before``. Slot k falls k/per_hour hours of opening time after ``start``, so no
        clock hour ever holds more than per_hour runs (rounded up)."""
        if most <= 0 or before <= start:
            return np.zeros(0, dtype=np.int64)
        opened = self.open_seconds_per_day
        day0 = start - start % _DAY
        # Enough days to reach ``before`` or to hold ``most`` slots, whichever comes first: a
        # year-long frozen deadline must not build a year of windows for a dozen jobs.
        needed = int(np.ceil(most / (self.per_hour * opened / 3600.0))) + 2
        days = min((before - day0) // _DAY + 2, needed)
        first = day0 + np.arange(-1, days) * _DAY + self.open_s
        lo = np.maximum(first, start)
        hi = np.minimum(first + opened, before)
        keep = hi > lo
        lo, hi = lo[keep], hi[keep]
        if not len(lo):
            return np.zeros(0, dtype=np.int64)
        length = hi - lo
        cumulative = np.concatenate([[0], np.cumsum(length)])
        # Offsets in opening time: floor(k * 3600 / rate), exact in integers for whole rates.
        k = np.arange(most, dtype=np.float64)
        offset = np.floor(k * 3600.0 / self.per_hour + 1e-9).astype(np.int64)
        offset = offset[offset < cumulative[-1]]
        window = np.searchsorted(cumulative, offset, side="right") - 1
        return lo[window] + (offset - cumulative[window])


@dataclass(frozen=True)
class Capacity:
    lanes: tuple[Lane, ...]
    start: int | None
    source: str

    def route(self, tests: tuple[Test, ...]) -> np.ndarray:
        """Lane index per catalogue test (-1: no lane takes it)."""
        by_test: dict[str, int] = {}
        by_discipline: dict[str, int] = {}
        catch_all = -1
        for i, lane in enumerate(self.lanes):
            for code in lane.tests:
                by_test.setdefault(code, i)
            for d in lane.disciplines:
                if d == "*":
                    catch_all = i if catch_all < 0 else catch_all
                else:
                    by_discipline.setdefault(d, i)
        return np.array(
            [by_test.get(t.code, by_discipline.get(t.discipline, catch_all)) for t in tests],
            dtype=np.int64,
        )


def default() -> Capacity:
    lane = Lane("all", DEFAULT_PER_DAY / 24.0, 0, 0, ("*",), ())
    return Capacity((lane,), None, f"default: one lane, {DEFAULT_PER_DAY:g} samples/day")


def _hours(text: object, where: str) -> tuple[int, int]:
    if text is None or str(text).strip().lower() in ("", "24h", "all day", "00:00-24:00"):
        return 0, 0
    m = _HOURS.match(str(text))
    if not m or int(m[1]) > 24 or int(m[3]) > 24 or int(m[2]) > 59 or int(m[4]) > 59:
        raise UserError(f'{where}: hours {text!r} is not HH:MM-HH:MM (e.g. "08:00-20:00")')
    return (int(m[1]) * 3600 + int(m[2]) * 60) % _DAY, (int(m[3]) * 3600 + int(m[4]) * 60) % _DAY


def _names(value: object, where: str, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise UserError(f"{where}: {key} must be a list of names, e.g. {key}: [biochemistry]")
    return tuple(str(v).strip() for v in value)


def load(path: Path, known_codes: set[str]) -> Capacity:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise UserError(f"{path}: no such capacity file; give a YAML file with lanes:") from exc
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UserError(
            f"{path}: cannot be read as YAML ({first}); see --help for the form"
        ) from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("lanes"), dict) or not doc["lanes"]:
        raise UserError(f"{path}: needs a 'lanes:' mapping of lane name to per_hour (see --help)")
    lanes: list[Lane] = []
    for name, spec in doc["lanes"].items():
        where = f"{path}: lane {name!r}"
        spec = spec if isinstance(spec, dict) else {"per_hour": spec}
        open_s, close_s = _hours(spec.get("hours"), where)
        span = (close_s - open_s) % _DAY or _DAY
        rate = spec.get("per_hour")
        if rate is None and spec.get("per_day") is not None:
            rate = _number(spec["per_day"], where, "per_day") * 3600.0 / span
        rate = _number(rate, where, "per_hour")
        tests = _names(spec.get("tests"), where, "tests")
        unknown = [t for t in tests if t not in known_codes]
        if unknown:
            raise UserError(f"{where}: tests {', '.join(unknown)} are not test catalogue codes")
        disciplines = _names(spec.get("disciplines"), where, "disciplines")
        lanes.append(Lane(str(name), rate, open_s, close_s, disciplines or (str(name),), tests))
    start = None
    if doc.get("start") is not None:
        secs, _ = parse_times([str(doc["start"]).replace(" ", "T")])
        if secs[0] == MISSING:
            raise UserError(f"{path}: start {doc['start']!r} is not an ISO date-time")
        start = int(secs[0])
    return Capacity(tuple(lanes), start, str(path))


def _number(value: object, where: str, key: str) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = 0.0
    if not number > 0:
        raise UserError(f"{where}: {key} must be a number above 0 (samples per hour or per day)")
    return number
