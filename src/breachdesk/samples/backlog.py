"""Read the sample backlog CSV, check every row, and hand triage clean arrays.

A row that cannot be triaged (unknown test, missing or impossible times, a storage log that is not
``condition@ISO-datetime``) is rejected with its 1-based data-row number and every reason found,
never dropped. Times are ISO 8601 (``YYYY-MM-DDTHH:MM[:SS]``, a space instead of ``T`` also
accepted); times without a zone are taken as written, times with ``Z`` or an offset are
converted to UTC, so don't mix the two within one backlog.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from breachdesk import catalogue
from breachdesk.errors import UserError
from breachdesk.samples.stability import CONDITIONS, Stability, container_aliases

REQUIRED = (
    "sample_id", "nhs_number", "family_name", "given_name", "date_of_birth", "requester_code",
    "collected_at", "received_at", "container", "tests", "storage", "priority",
)  # fmt: skip
OPTIONAL = ("postcode",)
PRIORITIES = ("routine", "urgent", "critical")
MISSING = np.iinfo(np.int64).min
_TIME = (
    r"^(?P<date>\d{4}-\d{2}-\d{2})[T ](?P<hm>\d{2}:\d{2})(?::(?P<sec>\d{2})(?:[.,]\d+)?)?"
    r"(?P<tz>Z|[+-]\d{2}:?\d{2})?$"
)


@dataclass
class Backlog:
    """Accepted samples as parallel arrays; ``pairs`` are (sample, test) and ``storage`` entries
    are (sample, time, condition), both sorted by sample."""

    rows: int
    row: np.ndarray
    text: dict[str, np.ndarray]
    priority: np.ndarray
    collected: np.ndarray
    received: np.ndarray
    container: np.ndarray
    pair_sample: np.ndarray
    pair_test: np.ndarray
    store_sample: np.ndarray
    store_time: np.ndarray
    store_cond: np.ndarray
    notes: dict[int, list[str]] = field(default_factory=dict)
    rejected: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.row)


def iso(seconds: int) -> str:
    return str(np.datetime64(int(seconds), "s"))


def parse_times(values: Sequence[str] | pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(seconds since 1970 or MISSING, empty?) for ISO date-times, vectorised."""
    arr = pc.utf8_trim_whitespace(pa.array(values, pa.string()))
    empty = pc.fill_null(pc.equal(arr, ""), True).to_numpy(zero_copy_only=False)
    parts = pc.extract_regex(arr, _TIME)
    date, hm, sec, tz = (parts.field(n) for n in ("date", "hm", "sec", "tz"))
    sec = pc.if_else(pc.equal(sec, ""), "00", sec)
    text = pc.binary_join_element_wise(date, "T", hm, ":", sec, "")
    stamp = pc.strptime(text, format="%Y-%m-%dT%H:%M:%S", unit="s", error_is_null=True)
    # strptime rolls 30 February over to 1 March: a date must read back as written.
    same = pc.equal(pc.strftime(stamp, format="%Y-%m-%d"), date)
    stamp = pc.if_else(pc.fill_null(same, False), stamp, pa.scalar(None, stamp.type))
    out = pc.fill_null(pc.cast(stamp, pa.int64()), MISSING).to_numpy(zero_copy_only=False).copy()
    zoned = pc.fill_null(pc.not_equal(tz, ""), False).to_numpy(zero_copy_only=False)
    for i in np.flatnonzero(zoned & (out != MISSING)):
        zone = str(tz[i].as_py())
        if zone != "Z":
            sign = -1 if zone[0] == "-" else 1
            digits = zone[1:].replace(":", "")
            out[i] -= sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
    return out, empty


def parse_now(text: str) -> int:
    seconds, _ = parse_times([text])
    if seconds[0] == MISSING:
        raise UserError(
            f"--now: {text!r} is not an ISO date-time; give the time triage is for, "
            "e.g. --now 2024-06-08T09:00"
        )
    return int(seconds[0])


def _read_records(
    path: Path,
) -> tuple[list[str], dict[str, list[str]], list[int], list[tuple[int, str, str]]]:
    """Header, the wanted columns, each record's 1-based data-row number, and ragged rows."""
    if path.is_dir():
        raise UserError(f"{path}: is a folder; give the backlog CSV file")
    try:
        try:
            return _parse(path, "utf-8-sig")
        except UnicodeDecodeError:
            return _parse(path, "cp1252")  # a backlog saved from Excel on Windows
    except FileNotFoundError as exc:
        raise UserError(f"{path}: no such backlog file; give the sample backlog CSV") from exc
    except OSError as exc:
        raise UserError(f"{path}: cannot be read ({exc.strerror}); check the path") from exc


def _parse(
    path: Path, encoding: str
) -> tuple[list[str], dict[str, list[str]], list[int], list[tuple[int, str, str]]]:
    # Streamed from the file (not read whole and wrapped in StringIO, which holds four bytes
    # per character): about half the peak memory on 100,000 rows.
    with path.open(encoding=encoding, errors="strict", newline="") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
            if not header:
                raise UserError(
                    f"{path}: empty; the backlog needs a header line: {','.join(REQUIRED)}"
                )
            header = [h.strip().lower() for h in header]
            missing = [c for c in REQUIRED if c not in header]
            if missing:
                raise UserError(
                    f"{path}: backlog lacks column(s) {', '.join(missing)} (it has: "
                    f"{', '.join(header[:14])}); give the columns {', '.join(REQUIRED)}"
                )
            wanted = [
                (name, header.index(name)) for name in (*REQUIRED, *OPTIONAL) if name in header
            ]
            columns: dict[str, list[str]] = {name: [] for name, _ in wanted}
            appenders = [(columns[name].append, i) for name, i in wanted]
            numbers: list[int] = []
            ragged: list[tuple[int, str, str]] = []
            width = len(header)
            n = 0
            for rec in reader:
                if not any(f.strip() for f in rec):
                    continue  # blank lines are not records and are not counted
                n += 1
                if len(rec) != width:
                    reason = f"has {len(rec)} fields; the header has {width}"
                    ragged.append((n, rec[0].strip() if rec else "", reason))
                    continue
                for append, i in appenders:
                    append(rec[i])
                numbers.append(n)
        except csv.Error as exc:
            raise UserError(
                f"{path}: not readable as CSV at line {reader.line_num} ({exc}); export it as CSV"
            ) from exc
    return header, columns, numbers, ragged


def _split(values: np.ndarray) -> tuple[np.ndarray, pa.Array]:
    """Parent index and trimmed non-empty items of ``;``-separated cells."""
    lists = pc.split_pattern(pa.array(values, pa.string()), ";")
    parent = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False)
    items = pc.utf8_trim_whitespace(pc.list_flatten(lists))
    keep = pc.not_equal(items, "").to_numpy(zero_copy_only=False)
    return parent[keep], items.filter(pa.array(keep))


def read(path: Path, now: int, stab: Stability) -> Backlog:
    _, columns, numbers, ragged = _read_records(path)
    n = len(numbers)
    text = {name: np.array([v.strip() for v in vs], dtype=object) for name, vs in columns.items()}
    del columns
    if "postcode" not in text:
        text["postcode"] = np.full(n, "", dtype=object)
    problems: dict[int, list[str]] = {}

    def flag(positions: np.ndarray | list[int], message: str | list[str]) -> None:
        for j, i in enumerate(positions):
            problems.setdefault(int(i), []).append(
                message if isinstance(message, str) else message[j]
            )

    ids = text["sample_id"]
    flag(np.flatnonzero(ids == ""), "missing sample_id")
    first: dict[str, int] = {}
    for i, sid in enumerate(ids):
        if sid and first.setdefault(sid, i) != i:
            flag([i], f"duplicate sample_id (first at row {numbers[first[sid]]})")

    stamps = {}
    for name in ("collected_at", "received_at"):
        secs, empty = parse_times(text[name])
        stamps[name] = secs
        flag(np.flatnonzero(empty), f"missing {name}")
        bad = np.flatnonzero((secs == MISSING) & ~empty)
        flag(bad, [f"{name} {text[name][i]!r} is not an ISO date-time" for i in bad])
        flag(np.flatnonzero((secs != MISSING) & (secs > now)), f"{name} is after --now")
    collected, received = stamps["collected_at"], stamps["received_at"]
    both = (collected != MISSING) & (received != MISSING)
    flag(np.flatnonzero(both & (received < collected)), "received_at is before collected_at")

    # Tests: each distinct term is looked up once, then mapped back to every cell.
    t_parent, t_items = _split(text["tests"])
    flag(np.setdiff1d(np.arange(n), t_parent), "no tests requested")
    terms = pc.unique(t_items)
    code_at = stab.code_index()
    index = catalogue.by_term()
    term_code = np.array(
        [
            code_at[t.code] if (t := index.get(catalogue.term_key(s))) else -1
            for s in terms.to_pylist()
        ],
        dtype=np.int64,
    )
    t_test = term_code[pc.index_in(t_items, value_set=terms).to_numpy(zero_copy_only=False)]
    unknown = np.flatnonzero(t_test < 0)
    flag(
        t_parent[unknown],
        [
            f"unknown test {t_items[int(j)].as_py()!r}: not in the test catalogue, so no stability "
            f"data for test {t_items[int(j)].as_py()}"
            for j in unknown
        ],
    )

    aliases = container_aliases()
    cont_at = stab.container_index()
    cont_names = text["container"]
    container = np.array(
        [
            cont_at[aliases[k]] if (k := catalogue.term_key(c)) in aliases else -2
            for c in cont_names
        ],
        dtype=np.int64,
    )
    container[cont_names == ""] = -1  # not given: each test's catalogue container is assumed
    bad = np.flatnonzero(container == -2)
    flag(
        bad,
        [f"unknown container {cont_names[i]!r} (known: {', '.join(stab.containers)})" for i in bad],
    )

    # Storage log: condition@time entries.
    s_parent, s_items = _split(text["storage"])
    parts = pc.extract_regex(s_items, r"^(?P<cond>[^@]*)@(?P<at>.*)$")
    malformed = parts.is_null().to_numpy(zero_copy_only=False)
    cond_text = pc.utf8_lower(pc.utf8_trim_whitespace(parts.field("cond")))
    s_cond = pc.fill_null(pc.index_in(cond_text, value_set=pa.array(CONDITIONS)), -1)
    s_cond = s_cond.to_numpy(zero_copy_only=False).astype(np.int64)
    s_time, _ = parse_times(parts.field("at"))
    for j in np.flatnonzero(malformed | (s_cond < 0) | (s_time == MISSING)).tolist():
        if malformed[j] or s_time[j] == MISSING:
            msg = f"storage entry {s_items[j].as_py()!r} is not condition@ISO-datetime"
        else:
            msg = (
                f"storage condition {cond_text[j].as_py()!r} is not one of {', '.join(CONDITIONS)}"
            )
        flag([s_parent[j]], msg)
    ok_time = s_time != MISSING
    early = ok_time & (collected[s_parent] != MISSING) & (s_time < collected[s_parent])
    flag(np.unique(s_parent[early]), "a storage change is before collected_at")
    flag(np.unique(s_parent[ok_time & (s_time > now)]), "a storage change is after --now")

    prio_text = np.array([p.lower() for p in text["priority"]], dtype=object)
    priority = np.zeros(n, dtype=np.int8)
    notes: dict[int, list[str]] = {}
    for level, name in enumerate(PRIORITIES):
        priority[prio_text == name] = level
    for pos in np.flatnonzero(~np.isin(prio_text, PRIORITIES)).tolist():
        shown = text["priority"][pos]
        notes.setdefault(pos, []).append(
            f"priority {shown!r} is not routine, urgent or critical: taken as routine"
            if shown
            else "priority missing: taken as routine"
        )
    for pos in np.flatnonzero(container == -1).tolist():
        notes.setdefault(pos, []).append("container not given: each test's usual one assumed")

    keep = np.ones(n, dtype=bool)
    keep[list(problems)] = False
    new_index = np.cumsum(keep) - 1
    rejected = [
        *ragged,
        *((numbers[i], str(ids[i]), "; ".join(msgs)) for i, msgs in problems.items()),
    ]
    rejected.sort()

    # Pairs of accepted samples, first mention of a test kept.
    ok_pair = keep[t_parent]
    p_sample, p_test = new_index[t_parent[ok_pair]], t_test[ok_pair]
    _, first_at = np.unique(p_sample * len(stab.codes) + p_test, return_index=True)
    first_at.sort()
    p_sample, p_test = p_sample[first_at], p_test[first_at]

    ok_store = keep[s_parent]
    st_sample = new_index[s_parent[ok_store]]
    st_time, st_cond = s_time[ok_store], s_cond[ok_store]
    order = np.lexsort((st_time, st_sample))  # a log written out of order is read in time order

    kept = np.flatnonzero(keep)
    return Backlog(
        rows=len(numbers) + len(ragged),
        row=np.asarray(numbers, dtype=np.int64)[kept] if n else np.zeros(0, np.int64),
        text={k: v[kept] for k, v in text.items()},
        priority=priority[kept],
        collected=collected[kept],
        received=received[kept],
        container=container[kept],
        pair_sample=p_sample.astype(np.int64),
        pair_test=p_test.astype(np.int64),
        store_sample=st_sample[order].astype(np.int64),
        store_time=st_time[order],
        store_cond=st_cond[order].astype(np.int64),
        notes={int(new_index[i]): v for i, v in notes.items() if keep[i]},
        rejected=rejected,
    )
