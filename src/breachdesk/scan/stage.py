"""The scan stage: per top-level file, read every ok member and find the people in it.

The per-unit function is pure (paths and settings in, Arrow tables out) so any engine can run it.
A reader that fails costs its file, with the reason kept, never the run: exceptions become
statuses, a per-file deadline becomes ``timeout``, the worker's memory limit ``too_large``, and a
reader that kills its worker outright is skipped on the unit's next attempt (``guard.Journal``).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, BinaryIO, cast

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from breachdesk import __version__
from breachdesk.case import Case
from breachdesk.detect import folder_relations, pmi_terms, staff_tables, text_cells
from breachdesk.detect.fhir import person_from_patient
from breachdesk.detect.folder_relations import KEYED_SCHEMA
from breachdesk.detect.hl7 import person_from_analyser, person_from_message, sensitive_map
from breachdesk.detect.label_columns import records_of
from breachdesk.detect.pmi_terms import Matcher
from breachdesk.detect.records import (
    MENTION_SCHEMA,
    SCHEMA,
    PersonRecord,
    rows_to_tables,
)
from breachdesk.detect.relations import Relations
from breachdesk.detect.tables import unowned_tests
from breachdesk.detect.text import people_in_lines, people_in_text
from breachdesk.detect.text_cells import people_in_cells
from breachdesk.engine import Engine
from breachdesk.ingest.archives import ARCHIVES
from breachdesk.ingest.guard import Journal, Watchdog, deadline, limit_memory
from breachdesk.ingest.limits import LimitExceeded, Limits
from breachdesk.ingest.sniff import sniff_data
from breachdesk.ingest.walk import Entry, walk_bytes, walk_file
from breachdesk.readers import fhir as fhir_reader
from breachdesk.readers import text as text_reader
from breachdesk.readers.base import Item, Nested, ReaderError, Record, Table
from breachdesk.readers.delimited import is_unheaded
from breachdesk.readers.embedded import PROBLEM
from breachdesk.readers.registry import reader_for, stream_reader_for
from breachdesk.readers.sections import splitter
from breachdesk.scan import owner
from breachdesk.scan.collector import settle_collector
from breachdesk.scan.owner import (
    Unowned,
    give_to_banner,
    give_unowned,
    keep,
    one_person,
    table_text,
)

SCANNED_SCHEMA = pa.schema(
    [
        ("file_id", pa.int64()),
        ("status", pa.string()),
        ("reason", pa.string()),
        ("records", pa.int64()),
        ("seconds", pa.float64()),
    ]
)
MAX_NESTING = 4
# Structured records (named fields) and the detector that turns each into person-records.
STRUCTURED: dict[str, Callable[[Record], list[PersonRecord]]] = {
    "hl7v2": person_from_message,
    "astm": person_from_analyser,
    "fhir": person_from_patient,
}
Batch = tuple[pa.Table, pa.Table, pa.Table, pa.Table]  # records, mentions, scanned, keyed
OUTPUTS = {
    "records": SCHEMA,
    "mentions": MENTION_SCHEMA,
    "scanned": SCANNED_SCHEMA,
    "keyed": KEYED_SCHEMA,  # a scan's own: joined across files, then removed (_join_folders)
}
# Files that are one table, joined with the other such files of their folder after the scan;
# and files that may hold one table (a one-sheet workbook, a dump of one table), joined so when
# they do. A workbook's table is named by its file ("Sheet1" says nothing), a dump's by itself.
WHOLE_TABLES = frozenset({"csv", "tsv", "psv", "dbase"})
WORKBOOKS = frozenset({"xlsx", "xls", "ods"})
DUMPS = frozenset({"sql", "sqlite"})
# Files that are one report, letter or message: their parts (pages, a Word header, an e-mail's
# header and attachments) are read apart, yet a part naming no one is about the one person
# the rest names. Not logs or tables: their lines and rows are each about someone else.
DOCUMENTS = frozenset(
    {
        "pdf",
        "docx",
        "doc",
        "pptx",
        "ppt",
        "odt",
        "odp",
        "rtf",
        "html",
        "text",
        "xml",
        "eml",
        "msg",
        "image",
    }
)
# Message files whose reports may be carried inside (an OBX's PDF, a FHIR attachment): a carried
# report that names no one is about the one patient the file names, as a document's part is.
CARRIERS = frozenset({"hl7", "fhir_json", "fhir_xml"})
# Parts that could not be read (a damaged attachment) named in an ok file's reason, at most.
_PROBLEMS_SHOWN = 3
_STAFF = ": staff, not patients"


def _reason(problems: list[str]) -> str:
    """An ok file's reason: the parts it carries that could not be read, at most
    ``_PROBLEMS_SHOWN`` named, then its tables of staff (read, their people not patients)."""
    staff = [p for p in problems if _STAFF in p]
    unread = [p for p in problems if _STAFF not in p]
    parts = []
    if unread:
        more = len(unread) - _PROBLEMS_SHOWN
        parts.append("parts not read: " + "; ".join(unread[:_PROBLEMS_SHOWN]))
        parts[-1] += f"; and {more} more" if more > 0 else ""
    parts += staff
    return "; ".join(parts)


@dataclass(frozen=True)
class Unit:
    root: str
    top: str
    wanted: dict[str, int]  # path -> file_id
    limits: Limits
    size: int
    journal: str = ""  # folder for the crash journal; empty: no journal
    identity: str = ""  # what the wanted files are (their hashes), for resuming
    terms: str = ""  # the case's PMI-term automaton (detect.pmi_terms); empty: no PMI

    @property
    def resume_key(self) -> str:
        """Same key, same output: a finished unit's part is reused when a run resumes."""
        raw = json.dumps(
            [
                __version__,
                self.top,
                sorted(self.wanted.items()),
                asdict(self.limits),
                self.identity,
                self.terms,
            ]
        )
        return hashlib.sha256(raw.encode()).hexdigest()[:32]


def _items(
    source: bytes | BinaryIO,
    kind: str,
    name: str,
    prefix: str,
    depth: int,
    limits: Limits,
    extra: Matcher | None = None,
    unowned: bool = False,
) -> Iterator[PersonRecord | Table | Unowned | Record]:
    """Person-records and tables from one file, following attachments and archives inside it;
    with ``unowned``, also the tests of text records that name no one; a FHIR file's ids and
    the tests that point at another file's Patients (``readers.fhir.LINKS``).

    A generator, so a big table's chunks are detected and dropped one at a time.
    """
    items: Iterator[Item]
    if isinstance(source, bytes):
        reader = reader_for(kind)
        if reader is None:
            if depth == 0:
                raise ReaderError(f"no reader for {kind} files in this version")
            return
        if reader is text_reader.read_lines:
            yield from _lines(text_reader.line_blocks(source), prefix, extra)
            return
        items = reader(source, name)
    else:
        streamer = stream_reader_for(kind)
        if streamer is None:
            raise ReaderError(f"{kind} files are not read as streams")
        if streamer is text_reader.read_lines_stream:
            yield from _lines(text_reader.line_blocks_stream(source), prefix, extra)
            return
        items = streamer(source, name)
    split = splitter(kind)
    for item in items:
        if isinstance(item, Table):
            item.prefix = prefix + item.prefix
            yield from split(item)
        elif isinstance(item, Record):
            locator = prefix + item.locator
            if item.schema in STRUCTURED:
                item.locator = locator
                yield from STRUCTURED[item.schema](item)
                continue
            if item.schema in (fhir_reader.LINKS, PROBLEM):
                item.locator = locator  # the prefix of the file's entries, or the bad part's
                yield item
                continue
            found = people_in_text(item.text, locator, item.schema, extra=extra)
            if found:
                yield from found
            if unowned and all(p.relative for p in found) and item.text.strip():
                # (no one named, or only a relative: its facts are the file's patient's)
                yield Unowned(locator, [], False, "text", "report_of_person", item.text)
        elif isinstance(item, Nested) and depth < MAX_NESTING:
            yield from _nested(item, prefix, depth, limits, extra, unowned)


def _lines(
    blocks: Iterator[tuple[int, list[str]]], prefix: str, extra: Matcher | None
) -> Iterator[PersonRecord]:
    """A log's people: its reader's record a line, read a block of lines at a time (the same
    people, without a record or a trigger scan for each line that cannot hold one)."""
    for first, lines in blocks:
        yield from people_in_lines(lines, first, prefix, extra=extra)


def _nested(
    item: Nested,
    prefix: str,
    depth: int,
    limits: Limits,
    extra: Matcher | None = None,
    unowned: bool = False,
) -> Iterator[PersonRecord | Table | Unowned | Record]:
    """An attachment: read like a file, and an attached archive walked under the same limits.
    One that cannot be read costs itself, not the file carrying it: a ``PROBLEM`` record."""
    inner = sniff_data(item.data, item.name)
    here = f"{prefix}{item.locator}!"
    try:
        if inner not in ARCHIVES:
            yield from _items(item.data, inner, item.name, here, depth + 1, limits, extra, unowned)
            return
        for entry in walk_bytes(item.data, item.name, limits):
            if entry.data is not None:
                member = entry.path.split("!/", 1)[-1]
                yield from _items(
                    entry.data,
                    entry.type,
                    member,
                    f"{here}{member}!",
                    depth + 1,
                    limits,
                    extra,
                    unowned,
                )
    except (ReaderError, LimitExceeded) as exc:
        status, reason = _verdict(exc, limits)
        fields = {"status": [status], "reason": [reason]}
        yield Record(locator=f"{prefix}{item.locator}", schema=PROBLEM, fields=fields)


def _scan_file(
    entry: Entry,
    file_id: int,
    limits: Limits,
    extra: Matcher | None = None,
    keyed: list[pa.Table] | None = None,
    problems: list[str] | None = None,
) -> Iterator[tuple[pa.Table, pa.Table]]:
    """Records and mentions of one file, a table chunk at a time; then the rows of its tables
    that point at people in another of its tables (``detect.relations``); free-text people last.
    ``keyed``: where a file that is one table leaves what a join with the other tables of its
    folder needs (``detect.folder_relations``); ``problems``: where the parts it carries that
    could not be read are named ("part:2: ...")."""
    people: list[PersonRecord] = []
    relations = Relations()
    source: bytes | BinaryIO = (
        entry.data if entry.data is not None else cast(BinaryIO, entry.stream)
    )
    unowned: list[Unowned] = []  # tests of tables and document parts about no one named there
    held = 0  # characters of unnamed text kept
    found_in_tables = 0
    in_cells = False  # a table's cells named someone
    banner: tuple[pa.Table, pa.Table] | None = None  # a document's one table record, held back
    links: list[Record] = []  # FHIR ids and tests for another file's Patients
    document = entry.type in DOCUMENTS
    name = entry.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    whole = name if keyed is not None and entry.type in WHOLE_TABLES else None
    carrier = document or entry.type in CARRIERS
    for item in _items(source, entry.type, entry.path, "", 0, limits, extra, carrier):
        if isinstance(item, Table):
            item, records, mentions = records_of(item, file_id)
            relations.add(item, records, whole if not item.prefix else None)
            if records.num_rows and staff_tables.lists_staff(item):
                # A LIMS's users or a rota: its people are staff, not patients (said in the
                # file's reason, not as people; its text cells may still name patients).
                if problems is not None:
                    problems.append(f"{item.prefix}rows{_STAFF} ({item.n_rows} rows)")
                people.extend(people_in_cells(item, extra))
                continue
            found_in_tables += records.num_rows
            if not records.num_rows and item.n_rows < FEW_ROWS and is_unheaded(item.header):
                cells = _rows_as_text(item, extra)  # its text cells with the rest
            else:
                cells = people_in_cells(item, extra)
                records, mentions, cells = text_cells.onto_rows(records, mentions, cells)
            people.extend(cells)
            in_cells = in_cells or bool(cells)
            if not records.num_rows:
                codes, results = unowned_tests(item)
                where = f"{item.prefix}rows"
                if codes:
                    unowned.append(Unowned(where, codes, results, "columns", "table_of_person"))
                elif not in_cells and held <= owner.UNOWNED_TEXT:
                    text = table_text(item, owner.UNOWNED_TEXT - held)
                    if text is None:
                        held = keep(unowned, None, held)
                    elif text:
                        part = Unowned(where, [], False, "text", "table_of_person", text)
                        held = keep(unowned, part, held)
            if banner is not None and records.num_rows:
                yield banner  # a second person: the document is not its banner's alone
                banner = None
            if document and found_in_tables == records.num_rows == item.n_rows == 1:
                banner = records, mentions  # a one-row table, the only one naming anyone yet
            else:
                yield records, mentions
        elif isinstance(item, Record) and item.schema == PROBLEM:
            if problems is not None:
                problems.append(f"{item.locator}: {item.fields['reason'][0]}")
        elif isinstance(item, Record):
            links.append(item)
        elif isinstance(item, Unowned):
            if item.text:
                held = keep(unowned, item, held)
            else:
                unowned.append(item)
        else:
            people.append(item)
    if keyed is not None:
        folder = folder_relations.folder_of(entry.path)
        states = relations.take_whole_files()
        if not states and entry.type in WORKBOOKS | DUMPS:
            states = relations.take_only(name if entry.type in WORKBOOKS else None)
        for found in links:
            states += folder_relations.fhir_states(found, {p.locator for p in people})
        exported = folder_relations.export(states, folder, file_id)
        if exported is not None:
            keyed.append(exported)
    for records, mentions in relations.joined(file_id):
        found_in_tables += records.num_rows
        yield records, mentions
    if in_cells:
        # A table's cells name people, so its unnamed rows may be about any of them.
        unowned = [part for part in unowned if not (part.text and part.rule == "table_of_person")]
    if banner is not None:
        if unowned and found_in_tables == 1:
            banner = give_to_banner(*banner, people, unowned)
        yield banner
    if not people and not found_in_tables and unowned:
        people = owner.named_by_path(entry.path)  # (its facts are the one its path names)
    if people:
        if document and len(people) == 2:
            people = one_person(people)
        if unowned and not found_in_tables:
            give_unowned(people, unowned)
        yield rows_to_tables(file_id, people, sensitive_map())


# A column is typed by its values from three cells (``detect.columns``): a headerless table of
# fewer rows says nothing of its columns, so its rows are read as text instead.
FEW_ROWS = 3


def _rows_as_text(table: Table, extra: Matcher | None) -> list[PersonRecord]:
    """People in a small headerless table's rows, each read as a line of text (its cells
    between spaces: "OKAFOR Grace 12/01/1962 HIV"), located by its row."""
    columns = table.arrow or table.columns
    cells = [column if isinstance(column, list) else column.to_pylist() for column in columns]
    people: list[PersonRecord] = []
    for number, row in enumerate(zip(*cells, strict=True), start=table.first_row):
        line = " ".join(cell.strip() for cell in row if cell and cell.strip())
        people += people_in_text(line, f"{table.prefix}row:{number}", "text", extra=extra)
    return people


def _verdict(exc: BaseException, limits: Limits) -> tuple[str, str]:
    if isinstance(exc, LimitExceeded):
        return exc.status, exc.reason
    if isinstance(exc, ReaderError):
        return exc.status, str(exc)
    if isinstance(exc, MemoryError):
        return "too_large", f"needed more than the worker memory limit ({limits.worker_memory})"
    if isinstance(exc, RecursionError):
        return "unreadable", "nested too deeply to read"
    # A reader bug on hostile input costs this file, not the run; the type names it.
    return "unreadable", f"reader failed: {type(exc).__name__}"


def _status(file_id: int, status: str, reason: str, count: int, seconds: float) -> pa.Table:
    row = {"file_id": file_id, "status": status, "reason": reason, "records": count}
    return pa.Table.from_pylist([{**row, "seconds": round(seconds, 4)}], schema=SCANNED_SCHEMA)


def scan_unit(unit: Unit) -> Iterator[Batch]:
    """Batches of (records, mentions, scanned, keyed) for one top-level file, a file at a
    time."""
    limits = unit.limits
    limit_memory(limits.worker_memory)
    journal = Journal(Path(unit.journal), unit.resume_key) if unit.journal else None
    poison = journal.poison if journal else {}
    empty = (SCHEMA.empty_table(), MENTION_SCHEMA.empty_table())
    no_keys = KEYED_SCHEMA.empty_table()
    extra = pmi_terms.matcher(unit.terms) if unit.terms else None
    seen: set[int] = set()
    with Watchdog(journal, limits.seconds_per_file) if journal else _nothing() as dog:
        for entry in walk_file(Path(unit.root), unit.top, limits, wanted=unit.wanted):
            file_id = unit.wanted.get(entry.path)
            if file_id is None or file_id in seen:
                continue
            seen.add(file_id)
            if file_id in poison:
                yield (*empty, _status(file_id, *poison[file_id], 0, 0.0), no_keys)
                continue
            if journal:
                journal.start(file_id)
            if dog:
                dog.arm(file_id)
            started = time.monotonic()
            status, reason, count = "ok", "", 0
            keyed: list[pa.Table] = []
            problems: list[str] = []
            try:
                with deadline(limits.seconds_per_file) as clock:
                    for records, mentions in _scan_file(
                        entry, file_id, limits, extra, keyed, problems
                    ):
                        count += records.num_rows
                        with clock.paused():
                            yield records, mentions, SCANNED_SCHEMA.empty_table(), no_keys
                if problems:  # read, but for the parts named
                    reason = _reason(problems)
            except Exception as exc:
                status, reason = _verdict(exc, limits)
                keyed = []  # a file not read whole joins nothing
            for table in keyed:
                yield (*empty, SCANNED_SCHEMA.empty_table(), table)
            if dog:
                dog.arm(None)
            entry.data = None
            settle_collector()
            took = time.monotonic() - started
            yield (*empty, _status(file_id, status, reason, count, took), no_keys)
    # A wanted file the walk did not reach (the dump changed since ingest) is still accounted.
    for path, file_id in unit.wanted.items():
        if file_id not in seen:
            gone = _status(file_id, "unreadable", f"{path!r} not found again", 0, 0.0)
            yield (*empty, gone, no_keys)
    if journal:
        journal.finish()


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def run_scan(engine: Engine, case: Case) -> dict[str, int]:
    """Read every ok file. A scan already finished on the same ingest (same files, same
    limits, same version) is kept; an interrupted one resumes from its finished units."""
    case.require("ingest")
    files = case.read_table("files")
    ingest = case.manifest["settings"].get("ingest", {})
    limits = Limits.from_settings(ingest.get("limits"))
    pmi = case.manifest.get("pmi") or {}
    fingerprint = hashlib.sha256(
        json.dumps(
            [__version__, ingest.get("fingerprint"), asdict(limits), pmi.get("sha256")]
        ).encode()
    ).hexdigest()
    done = case.manifest.get("stages", {}).get("scan")
    if (
        done
        and ingest.get("fingerprint")
        and case.manifest["settings"].get("scan", {}).get("fingerprint") == fingerprint
        and all(case.table_path(t).exists() for t in ("records", "mentions", "scanned"))
    ):
        print("scan: files and limits unchanged since the last scan; kept", file=sys.stderr)
        return case.stage_counts("scan")
    case.start_stage("scan", {"fingerprint": fingerprint})
    terms = ""
    if case.pmi_path is not None:
        # Built once per scan and kept with the case (it holds identifiers); workers load it.
        terms_path = case.root / "scan" / "pmi_terms.pickle"
        pmi_terms.save(pmi_terms.build(pq.read_table(case.pmi_path)), terms_path)
        terms = str(terms_path)
    who = f"|pmi:{pmi.get('sha256')}" if terms else ""  # a unit read with another PMI is not reused
    ok = files.filter(pc.equal(files["status"], "ok")).to_pylist()
    root = case.dump.parent if case.dump.is_file() else case.dump
    by_top: dict[str, dict[str, int]] = {}
    hashes: dict[str, list[str]] = {}
    sizes: dict[str, int] = {}
    for row in ok:
        path = str(row["path"])
        top = path.split("!/", 1)[0]
        if row["type"] in {"empty", *ARCHIVES}:
            continue
        by_top.setdefault(top, {})[path] = int(row["file_id"])
        hashes.setdefault(top, []).append(str(row["sha256"]))
        sizes[top] = sizes.get(top, 0) + int(row["size"])
    journal = case.root / ".journal" / "scan"
    units = [
        Unit(
            str(root),
            top,
            wanted,
            limits,
            sizes[top],
            str(journal),
            ",".join(hashes[top]) + who,
            terms,
        )
        for top, wanted in by_top.items()
    ]
    # The local engine takes a unit function that yields batches, written as they come, so a
    # big file's records never sit in memory whole (the Protocol's type says tuples only).
    rows = engine.map_to_tables(
        cast(Any, scan_unit),
        units,
        outputs=OUTPUTS,
        dest=case.root / "tables",
        label="scan",
        weight=_weight,
    )
    shutil.rmtree(journal.parent, ignore_errors=True)
    joined, joined_mentions = _join_folders(case)
    counts = {
        "files": rows["scanned"],
        "records": rows["records"] + joined,
        "mentions": rows["mentions"] + joined_mentions,
    }
    statuses = engine.query(
        "SELECT status, count(*) AS n FROM scanned WHERE status <> 'ok' GROUP BY status",
        {"scanned": case.table_path("scanned")},
    )
    counts.update(zip(statuses["status"].to_pylist(), statuses["n"].to_pylist(), strict=True))
    case.finish_stage("scan", counts)
    return counts


def _join_folders(case: Case) -> tuple[int, int]:
    """The events rows of a folder's one-table files that point at a person row of another
    (``detect.folder_relations``), added to the records and mentions as joined records of their
    own files, each file's record count with them. The keyed table is removed after: only the
    join needs its keys and row numbers."""
    path = case.table_path("keyed")
    if not path.exists():
        return 0, 0
    roles = pq.read_table(path, columns=["folder", "role"])
    events = pc.filter(roles["folder"], folder_relations.events_of(roles))
    folders = set(events.unique().to_pylist())
    found: list[tuple[pa.Table, pa.Table]] = []
    if folders:
        # An events folder's siblings too: its files may point at people kept beside it.
        every = roles["folder"].unique().to_pylist()
        parents = {folder_relations.folder_of(folder) for folder in folders if folder}
        folders.update(f for p in parents for f in folder_relations.scope(every, p))
        keyed = pq.read_table(path, filters=pc.field("folder").isin(sorted(folders)))

        def people(file_ids: list[int]) -> pa.Table:
            return pq.read_table(
                case.table_path("records"),
                columns=list(folder_relations.PERSON_COLUMNS),
                filters=pc.field("file_id").isin(file_ids),
            )

        found = list(folder_relations.join(keyed, people))
    path.unlink()
    if not found:
        return 0, 0
    case.append_rows("records", [records for records, _ in found])
    case.append_rows("mentions", [mentions for _, mentions in found])
    ids = [chunk for records, _ in found for chunk in records["file_id"].chunks]
    joined = pc.value_counts(pa.chunked_array(ids, pa.int64()))
    per_file = dict(zip(joined.field(0).to_pylist(), joined.field(1).to_pylist(), strict=True))
    scanned = case.read_table("scanned")
    counts = [
        count + per_file.get(file_id, 0)
        for file_id, count in zip(
            scanned["file_id"].to_pylist(), scanned["records"].to_pylist(), strict=True
        )
    ]
    case.write_table("scanned", scanned.set_column(3, "records", pa.array(counts, pa.int64())))
    return sum(r.num_rows for r, _ in found), sum(m.num_rows for _, m in found)


def _weight(unit: Unit) -> int:
    return unit.size
