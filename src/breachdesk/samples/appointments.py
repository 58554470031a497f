"""Allocate recalled patients to phlebotomy clinic slots by urgency and postcode district.

The slots file is CSV: ``clinic, day (YYYY-MM-DD), capacity[, postcode_districts]`` where
``postcode_districts`` lists the districts a clinic serves (``SE13;SE6``); a clinic that lists
none serves everyone. Patients are placed most urgent first (then earliest sample), each in the
earliest day that still has room at a clinic serving their district, preferring a clinic that
names the district over an open one on the same day. A patient seen by several requesters gets
one appointment. Those who cannot be placed are listed with the reason.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from breachdesk.errors import UserError
from breachdesk.samples.recall import TARGET_DAYS, Recall

COLUMNS = ("clinic", "day", "capacity")


@dataclass
class Slot:
    clinic: str
    day: date
    capacity: int
    districts: frozenset[str]
    order: int
    used: int = 0


def load(path: Path) -> list[Slot]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise UserError(f"{path}: no such slots file; give a CSV of clinic,day,capacity") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(
            f"{path}: cannot read the slots file ({type(exc).__name__}); give a UTF-8 CSV"
        ) from exc
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise UserError(
            f"{path}: slots file lacks column(s) {', '.join(missing)}; give clinic,day,capacity"
            " and optionally postcode_districts"
        )
    slots: list[Slot] = []
    for n, raw in enumerate(reader, start=1):
        rec = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
        try:
            day = date.fromisoformat(rec["day"])
            capacity = int(rec["capacity"])
        except ValueError as exc:
            raise UserError(
                f"{path}: row {n} needs day as YYYY-MM-DD and capacity as a whole number"
            ) from exc
        if not rec["clinic"] or capacity < 0:
            raise UserError(f"{path}: row {n} needs a clinic name and a capacity of 0 or more")
        districts = frozenset(
            d.upper() for d in re.split(r"[;,\s]+", rec.get("postcode_districts", "")) if d
        )
        slots.append(Slot(rec["clinic"], day, capacity, districts, n - 1))
    return slots


def allocate(recalls: list[Recall], slots: list[Slot], today: date) -> list[Recall]:
    """Fill clinic and day on each recall (shared per person); return those left unplaced."""
    usable = sorted(
        (s for s in slots if s.day >= today and s.capacity > 0),
        key=lambda s: (s.day, not s.districts, s.order),
    )
    people: dict[str, list[Recall]] = {}
    for r in recalls:
        people.setdefault(r.person_key, []).append(r)
    queue = sorted(
        people.values(),
        key=lambda rs: (
            -max(r.urgency for r in rs),
            min(r.first_collected for r in rs),
            rs[0].person_key,
        ),
    )
    # Per district, the slots it may use in preference order; a pointer skips full ones (a full
    # slot never frees up, so each list is walked once).
    lists: dict[str, list[Slot]] = {}
    pointer: dict[str, int] = {}
    unplaced: list[Recall] = []
    for group in queue:
        where = next((r.district for r in group if r.district), "")
        if where not in lists:
            lists[where] = [s for s in usable if not s.districts or where in s.districts]
            pointer[where] = 0
        options, i = lists[where], pointer[where]
        while i < len(options) and options[i].used >= options[i].capacity:
            i += 1
        pointer[where] = i
        urgency = max(r.urgency for r in group)
        if i == len(options):
            if not usable:
                note = "no clinic slots on or after today"
            elif not where:
                note = "postcode district unknown and no open clinic has room (give --pmi)"
            else:
                note = f"no free slot at a clinic serving {where}"
            for r in group:
                r.slot_note = note
            unplaced.append(group[0])
            continue
        slot = options[i]
        slot.used += 1
        late = slot.day > today + timedelta(days=TARGET_DAYS[urgency])
        note = f"later than the {TARGET_DAYS[urgency]}-day target" if late else ""
        for r in group:
            r.clinic, r.day, r.slot_note = slot.clinic, slot.day.isoformat(), note
    return unplaced
