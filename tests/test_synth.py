"""The synthetic incident is every other test's fixture, so its truth is checked against the bytes.

Each record in ``truth/records.csv`` is looked up at its locator in the dump and the values its
categories claim are searched for there (and, for person-specific values, their absence when not
claimed), so a writer that forgets to report a field, or reports one it did not write, fails here.
"""

from __future__ import annotations

import csv
import email
import functools
import io
import json
import random
import re
import time
import zipfile
import zlib
from collections import defaultdict
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import pytest
from anyascii import anyascii
from PIL import Image
from python_calamine import CalamineWorkbook

from breachdesk import catalogue, nhs
from breachdesk.errors import UserError
from breachdesk.ingest.sniff import sniff
from breachdesk.readers import ocr
from breachdesk.readers.base import Record
from breachdesk.synth import PMI_COLUMNS, SynthSummary, clinical, generate
from breachdesk.synth import noise as synth_noise
from breachdesk.synth import rows as synth_rows
from breachdesk.synth.variants import OTHER_DATE_STYLES, OTHER_HEADERS
from test_readers_samples import scan_image

STYLES = ("dmy", "dmy_short", "iso", "dmon", "dmy_dot", "dmy_yy", "hl7", *OTHER_DATE_STYLES)


@pytest.fixture(scope="module")
def incident(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SynthSummary]:
    out = tmp_path_factory.mktemp("incident")
    return out, generate(out, patients=400, seed=11)


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _pmi(out: Path) -> dict[str, dict[str, str]]:
    return {row["patient_id"]: row for row in _csv(out / "pmi.csv")}


def _people(out: Path) -> dict[str, dict[str, str]]:
    """Everyone truth may name: PMI patients and the not-in-PMI people (with their PMI-like
    values recovered from not_in_pmi.csv)."""
    people = _pmi(out)
    for row in _csv(out / "truth" / "not_in_pmi.csv"):
        people[row["person_key"]] = {**row, "patient_id": row["person_key"]}
    return people


@functools.lru_cache(maxsize=32)
def _member(dump: Path, path: str) -> bytes:
    parts = path.split("!/")
    data = (dump / parts[0]).read_bytes()
    for name in parts[1:]:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            data = zf.read(name)
    return data


@functools.lru_cache(maxsize=8)
def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252")


@functools.lru_cache(maxsize=8)
def _table_rows(text: str, fmt: str) -> tuple[int, list[list[str]]]:
    lines = text.splitlines()
    delimiter = {"tsv": "\t", "psv": "|"}.get(fmt)
    rows = list(csv.reader(lines, delimiter=delimiter or ","))
    header = next(i for i, r in enumerate(rows) if len(r) > 1 or (r and ";" in r[0]))
    if delimiter is None and len(rows[header]) == 1:
        rows = list(csv.reader(lines, delimiter=";"))
    return header, rows


def _table_row(text: str, fmt: str, n: int) -> str:
    header, rows = _table_rows(text, fmt)
    return " | ".join(rows[header + n])


@functools.lru_cache(maxsize=8)
def _lines(data: bytes) -> list[str]:
    return _decode(data).splitlines()


def _pdf_page(data: bytes, n: int) -> str:
    streams = [
        data[m.end() : m.end() + int(m.group(1))]
        for m in re.finditer(rb"/Length (\d+)\s*>>\s*stream\r?\n", data)
    ]
    content = zlib.decompress(streams[n - 1]).decode("latin-1")
    strings = re.findall(r"\(((?:[^()\\]|\\.)*)\) Tj", content)
    return " ".join(re.sub(r"\\(.)", r"\1", s) for s in strings)


@functools.lru_cache(maxsize=4)
def _sql_rows(data: bytes) -> list[str]:
    """Rows of the patients table (MySQL INSERT tuples or PostgreSQL COPY lines), in order."""
    text = data.decode("utf-8")
    if "COPY public." in text:
        body = text.split("FROM stdin;\n", 1)[1].split("\\.\n", 1)[0]
        return body.splitlines()
    block = text.split("CREATE TABLE `patients`", 1)[1].split("CREATE TABLE", 1)[0]
    rows = re.findall(r"\((\d+),(.*?)\)(?=,\(|;\n)", block)
    assert [int(r[0]) for r in rows] == list(range(1, len(rows) + 1))
    return [r[1].replace("\\'", "'") for r in rows]


@functools.lru_cache(maxsize=4)
def _sql_results(data: bytes) -> list[tuple[int, str]]:
    """Rows of a MySQL dump's results table, in order: (patient_id, the row's other values)."""
    block = data.decode("utf-8").split("CREATE TABLE `results`", 1)[1].split("CREATE TABLE", 1)[0]
    rows = re.findall(r"\((\d+),(\d+),(.*?)\)(?=,\(|;\n)", block)
    assert [int(r[0]) for r in rows] == list(range(1, len(rows) + 1))
    return [(int(r[1]), r[2]) for r in rows]


def _fhir_entry(data: bytes, n: int) -> str:
    entries = json.loads(data)["entry"]
    patient = entries[n - 1]
    url = patient["fullUrl"]
    linked = [e for e in entries if e["resource"].get("subject", {}).get("reference") == url]
    return json.dumps([patient, *linked], ensure_ascii=False)


@functools.lru_cache(maxsize=8)
def _xlsx_rows(dump: Path, path: str, sheet: str) -> list[list[object]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(_member(dump, path)))
    return [list(row) for row in book.get_sheet_by_name(sheet).to_python()]


def _xlsx_row(dump: Path, path: str, sheet: str, n: int) -> str:
    rows = _xlsx_rows(dump, path, sheet)
    header = next(i for i, r in enumerate(rows) if sum(1 for c in r if c != "") > 1)
    return " | ".join(str(c) for c in rows[header + n])


@functools.lru_cache(maxsize=8)
def _hl7_messages(data: bytes) -> list[str]:
    text = data.decode("utf-8").replace("\x0b", "").replace("\x1c", "")
    text = text.replace("\r\n", "\r").replace("\n", "\r")
    return ["MSH|" + m for m in text.split("MSH|")[1:]]


def _text_at(dump: Path, path: str, fmt: str, locator: str) -> str:
    data = _member(dump, path)
    steps = locator.split("!")
    if fmt == "eml":
        msg = email.message_from_bytes(data)
        leaves = [p for p in msg.walk() if not p.is_multipart()]
        part = leaves[int(steps[0].split(":")[1]) - 1]
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        if len(steps) == 1:
            return _decode(payload)
        kind, _, number = steps[1].partition(":")
        if kind == "page":
            return _pdf_page(payload, int(number))
        return _table_row(_decode(payload), "csv", int(number))
    kind, _, number = steps[0].partition(":")
    if path.startswith("Scans/"):  # pixels (an image, or a PDF of one): read as OCR reads them
        return _scanned_text(data, fmt, int(number))
    if fmt == "hl7":
        return _hl7_messages(data)[int(number) - 1]
    if fmt in ("csv", "tsv", "psv"):
        row = _table_row(_decode(data), fmt, int(number))
        if "/LIMS_" in path and path.endswith("/results.csv"):
            # A joined record: the results row and the row of patients.csv beside it that its
            # PatientID points at (the export numbers patients from 1001).
            patients = _decode(_member(dump, path.rsplit("/", 1)[0] + "/patients.csv"))
            return row + " " + _table_row(patients, "csv", int(row.split(" | ")[1]) - 1000)
        return row
    if fmt in ("log", "txt"):
        return _lines(data)[int(number) - 1]
    if fmt == "pdf":
        return _pdf_page(data, int(number))
    if fmt == "sql":
        number = int(steps[1].split(":")[1])
        if steps[0] == "table:results":
            # A joined record: the results row and the patients row its patient_id points at.
            patient, row = _sql_results(data)[number - 1]
            return row + " " + _sql_rows(data)[patient - 1]
        return _sql_rows(data)[number - 1]
    if fmt == "fhir_json":
        return _fhir_entry(data, int(number))
    if fmt == "xlsx":
        return _xlsx_row(dump, path, number, int(steps[1].split(":")[1]))
    if fmt == "json":  # results!row:N: the Nth object of the export's results
        item = json.loads(data)[steps[0]][int(steps[1].split(":")[1]) - 1]
        return json.dumps(item, ensure_ascii=False)
    if fmt == "xml":  # Result!row:N: the Nth <Result> element
        root = ElementTree.fromstring(data)
        element = root.findall(steps[0])[int(steps[1].split(":")[1]) - 1]
        return " ".join(element.itertext())
    raise AssertionError(f"no locator rule for {fmt}")


def _scanned_text(data: bytes, fmt: str, page: int) -> str:
    """The page as the OCR reader gives it to the detectors (its slips mended)."""
    if fmt == "pdf":
        lines = ocr.page_lines(scan_image(data, dpi=300, page=page - 1))
    else:
        with Image.open(io.BytesIO(data)) as picture:
            picture.seek(page - 1)
            lines = ocr.page_lines(picture)
    return "\n".join(item.text for item in ocr.items(lines, "") if isinstance(item, Record))


def _nhs_numbers(text: str) -> set[str]:
    return {nhs.normalise(m) for m in re.findall(r"(?<!\d)\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)", text)}


def _dob_written(text: str, dob: date, tags: set[str]) -> bool:
    dates = [dob]
    if "dob_swap" in tags:
        dates = [date(dob.year, dob.day, dob.month)]
    return any(synth_noise.fmt_date(d, s) in text for d in dates for s in STYLES)


def test_other_lab_writes_the_same_people_another_way(
    incident: tuple[Path, SynthSummary], other_lab: tuple[Path, SynthSummary]
) -> None:
    (standard, _), (other, _) = incident, other_lab
    assert (standard / "pmi.csv").read_bytes() == (other / "pmi.csv").read_bytes()
    exposed = [
        {r["patient_id"] for r in _csv(o / "truth" / "exposed.csv")} for o in (standard, other)
    ]
    assert exposed[0] == exposed[1]
    # No header of the other lab's files is one the standard layout writes.
    standard_headers = {h for options in synth_rows.HEADERS.values() for h in options}
    assert not standard_headers & {h for o in OTHER_HEADERS.values() for h in o}
    logs = sorted((other / "dump").rglob("*.log"))
    assert logs and all(" | ResultRouter | " in p.read_text() for p in logs)
    assert sniff(logs[0].read_bytes()[:65536], logs[0].name) == "log"


def test_unknown_variant_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="--variant nope: unknown layout; choose one of"):
        generate(tmp_path / "x", patients=50, variant="nope")


def test_same_seed_same_bytes_and_other_seed_differs(tmp_path: Path) -> None:
    def run(name: str, seed: int) -> dict[str, bytes]:
        out = tmp_path / name
        generate(out, patients=120, seed=seed)
        return {
            str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()
        }

    first, second, other = run("a", 5), run("b", 5), run("c", 6)
    assert first.keys() == second.keys()
    for key in first:
        assert first[key] == second[key], key
    assert first["pmi.csv"] != other["pmi.csv"]
    assert first["truth/records.csv"] != other["truth/records.csv"]


def test_pmi_columns_and_numbers(incident: tuple[Path, SynthSummary]) -> None:
    out, summary = incident
    with (out / "pmi.csv").open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert tuple(header) == PMI_COLUMNS
    rows = _csv(out / "pmi.csv")
    assert len(rows) == summary.patients == 400
    numbers = [r["nhs_number"] for r in rows]
    assert len(set(numbers)) == len(numbers)
    for row in rows:
        assert nhs.is_valid(row["nhs_number"]), row["patient_id"]
        assert nhs.region(row["nhs_number"]) == "england_wales"
        assert re.fullmatch(r"P\d{7}", row["patient_id"])
        assert re.fullmatch(r"[A-Z]\d{5}", row["gp_practice_code"])
        assert 0 <= (date(2024, 6, 3) - date.fromisoformat(row["date_of_birth"])).days < 101 * 366
    assert 0.8 < sum(1 for r in rows if r["phone"]) / len(rows) < 0.97
    assert 0.3 < sum(1 for r in rows if r["email"]) / len(rows) < 0.5
    identities = {(r["family_name"], r["given_name"], r["date_of_birth"]) for r in rows}
    assert len(identities) == len(rows)


def test_every_path_is_listed_and_exists(incident: tuple[Path, SynthSummary]) -> None:
    out, summary = incident
    dump = out / "dump"
    files = {row["path"]: row for row in _csv(out / "truth" / "files.csv")}
    assert summary.files == len(files)
    on_disk = {str(p.relative_to(dump)) for p in dump.rglob("*") if p.is_file()}
    assert on_disk == {p for p in files if "!/" not in p}
    assert summary.dump_bytes == sum((dump / p).stat().st_size for p in on_disk)
    for path, row in files.items():
        if "!/" in path and files[path.rsplit("!/", 1)[0]]["expected_status"] == "ok":
            assert len(_member(dump, path)) == int(row["size"]), path
    records = _csv(out / "truth" / "records.csv")
    assert records and summary.records == len(records)
    counts: dict[str, int] = defaultdict(int)
    for rec in records:
        assert rec["path"] in files
        counts[rec["path"]] += 1
    for path, row in files.items():
        assert int(row["records"]) == counts.get(path, 0), path
    keys = [(r["path"], r["locator"], r["person"]) for r in records]
    assert len(set(keys)) == len(keys)


def test_exposed_is_the_union_of_records(incident: tuple[Path, SynthSummary]) -> None:
    out, summary = incident
    pmi = _pmi(out)
    agg: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    records: dict[str, int] = defaultdict(int)
    for rec in _csv(out / "truth" / "records.csv"):
        person = agg[rec["person"]]
        for field in ("categories", "sensitive"):
            person[field].update(v for v in rec[field].split(";") if v)
        person["files"].add(rec["path"])
        if rec["requester"]:
            person["controllers"].add(rec["requester"])
        records[rec["person"]] += 1
    exposed = _csv(out / "truth" / "exposed.csv")
    others = _csv(out / "truth" / "not_in_pmi.csv")
    assert len(exposed) == summary.exposed and len(others) == summary.not_in_pmi
    assert {r["patient_id"] for r in exposed} | {r["person_key"] for r in others} == set(agg)
    for row in exposed + others:
        key = row.get("patient_id") or row["person_key"]
        person = agg[key]
        assert row["categories"] == ";".join(sorted(person["categories"]))
        assert row["sensitive"] == ";".join(sorted(person["sensitive"]))
        assert int(row["files"]) == len(person["files"])
        assert int(row["records"]) == records[key]
        if key in pmi:
            for column in ("nhs_number", "family_name", "given_name", "date_of_birth"):
                assert row[column] == pmi[key][column]
            expected = person["controllers"] or {pmi[key]["gp_practice_code"]}
            assert row["controllers"] == ";".join(sorted(expected))
    assert 0.55 < len(exposed) / summary.patients < 0.65
    assert 0.03 < len(others) / len(exposed) < 0.08
    with_number = sum(1 for r in others if r["nhs_number"])
    for row in others:
        if row["nhs_number"]:
            assert nhs.is_valid(row["nhs_number"])
            assert row["nhs_number"] not in {p["nhs_number"] for p in pmi.values()}
    assert 0.4 <= with_number / len(others) <= 0.95


def test_sensitive_share(incident: tuple[Path, SynthSummary]) -> None:
    out, summary = incident
    people = _csv(out / "truth" / "exposed.csv") + _csv(out / "truth" / "not_in_pmi.csv")
    share = sum(1 for r in people if r["sensitive"]) / len(people)
    assert 0.05 < share < 0.11
    assert summary.sensitive == sum(1 for r in people if r["sensitive"])
    kinds = {k for r in people for k in r["sensitive"].split(";") if k}
    assert len(kinds) >= 4


def test_sensitive_tests_fit_the_person_s_sex(incident: tuple[Path, SynthSummary]) -> None:
    # A man's hCG is a tumour marker (``detect.male_markers``): the generator orders the
    # pregnancy kind for women only, so its truth never says a man was tested for pregnancy.
    out, _ = incident
    sex = {r["patient_id"]: r["sex"] for r in _csv(out / "pmi.csv")}
    exposed = _csv(out / "truth" / "exposed.csv")
    by_sex: dict[str, set[str]] = {"M": set(), "F": set()}
    for row in exposed:
        by_sex[sex[row["patient_id"]]].update(row["sensitive"].split(";"))
    assert "pregnancy" not in by_sex["M"] and "pregnancy" in by_sex["F"]
    rng = random.Random(3)
    for _ in range(400):
        (man,) = clinical.order(rng, True, most=1, sex="M")
        (woman,) = clinical.order(rng, True, most=1, sex="F")
        assert man.sensitive != "pregnancy" and man.code not in {"CA125", "LBC", "AMH"}
        assert woman.code not in {"PSA", "FPSA", "SEMEN", "PVSA"}


@pytest.fixture(scope="module")
def other_lab(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SynthSummary]:
    out = tmp_path_factory.mktemp("other_lab")
    return out, generate(out, patients=400, seed=11, variant="other_lab")


def test_records_match_the_bytes_at_their_locator(incident: tuple[Path, SynthSummary]) -> None:
    _check_records(incident[0])


def test_other_lab_records_match_the_bytes_at_their_locator(
    other_lab: tuple[Path, SynthSummary],
) -> None:
    _check_records(other_lab[0])


def _check_records(out: Path) -> None:
    dump = out / "dump"
    people = _people(out)
    formats = {row["path"]: row["format"] for row in _csv(out / "truth" / "files.csv")}
    tests = {t.code: t for t in catalogue.load()}
    sensitive_codes = {
        t.name.casefold(): t.code for t in tests.values() if t.sensitive and len(t.name) >= 8
    }
    alternatives = "|".join(re.escape(n) for n in sorted(sensitive_codes, key=len, reverse=True))
    sensitive_names = re.compile(rf"\b(?:{alternatives})\b")
    per_locator: dict[tuple[str, str], int] = defaultdict(int)
    records = _csv(out / "truth" / "records.csv")
    for rec in records:
        per_locator[rec["path"], rec["locator"]] += 1
    seen_formats: set[str] = set()
    for rec in records:
        person = people[rec["person"]]
        cats = set(rec["categories"].split(";"))
        tags = set(rec["noise"].split(";")) - {""}
        fmt = formats[rec["path"]]
        seen_formats.add(fmt)
        text = _text_at(dump, rec["path"], fmt, rec["locator"])
        # OCR's English model reads "Noël" as "Noel": a scan's names are compared folded.
        fold = anyascii if rec["path"].startswith("Scans/") else str
        folded = fold(text).casefold()
        where = f"{rec['path']} {rec['locator']}"
        number = person["nhs_number"]
        assert ("nhs_number" in cats) == bool(number and number in _nhs_numbers(text)), where
        assert "nhs_number" in cats or ("name" in cats and "date_of_birth" in cats), where
        if "name" in cats and not tags & {"typo_family", "translit"}:
            assert fold(person["family_name"]).casefold() in folded, where
        if "name" in cats and not tags & {"typo_given", "nickname", "translit"}:
            assert fold(person["given_name"]).casefold() in folded, where
        if "date_of_birth" in cats:
            dob = date.fromisoformat(person["date_of_birth"])
            assert _dob_written(text.replace(" 00:00:00", ""), dob, tags), where
        if rec["person"].startswith("P"):
            pmi_row = people[rec["person"]]
            for category, column in (
                ("postcode", "postcode"),
                ("address", "address_line"),
                ("phone", "phone"),
                ("email", "email"),
            ):
                value = pmi_row[column]
                if value:
                    assert (category in cats) == (value in text), (where, category)
        for code in filter(None, rec["tests"].split(";")):
            terms = [t.casefold() for t in tests[code].all_names]
            assert any(t in folded for t in terms), (where, code)
        if per_locator[rec["path"], rec["locator"]] == 1:
            # No sensitive test may be written in a record without truth claiming it; claimed
            # terms are blanked first, as "Maternal alpha-fetoprotein" contains another test.
            claimed = set(filter(None, rec["tests"].split(";")))
            rest = folded
            written = {n.casefold() for c in claimed for n in tests[c].all_names if len(n) > 3}
            for term in sorted(written, key=len, reverse=True):
                rest = rest.replace(term, " ")
            for hit in sensitive_names.findall(rest):
                assert sensitive_codes[hit] in claimed, (where, hit)
        if rec["requester"]:
            context = rec["path"] + text
            if fmt == "eml":
                context += _decode(_member(dump, rec["path"]))
                context += _text_at(dump, rec["path"], fmt, "part:1")
            assert rec["requester"] in context, where
    assert {"hl7", "csv", "tsv", "psv", "log", "txt", "eml", "sql", "fhir_json", "xlsx"} <= (
        seen_formats
    )
    assert "pdf" in seen_formats


def test_hl7_pid_matches_the_pmi(incident: tuple[Path, SynthSummary]) -> None:
    out, _ = incident
    dump = out / "dump"
    pmi = _pmi(out)
    checked = 0
    for rec in _csv(out / "truth" / "records.csv"):
        if not rec["path"].endswith(".hl7") or rec["person"] not in pmi:
            continue
        msg = _hl7_messages(_member(dump, rec["path"]))[int(rec["locator"].split(":")[1]) - 1]
        pid = next(s for s in msg.split("\r") if s.startswith("PID|")).split("|")
        patient = pmi[rec["person"]]
        ids = {i.split("^")[0]: i.split("^")[-1] for i in pid[3].split("~") if i}
        if "no_nhs" in rec["noise"]:
            assert "NH" not in ids.values()
        else:
            assert ids[patient["nhs_number"]] == "NH"
        family, given = pid[5].split("^")[:2]
        if not {"typo_family", "translit"} & set(rec["noise"].split(";")):
            assert family.casefold() == patient["family_name"].casefold()
        if not {"typo_given", "nickname"} & set(rec["noise"].split(";")):
            assert given == patient["given_name"]
        msh = msg.split("\r")[0].split("|")
        assert msh[5] == rec["requester"]
        checked += 1
    assert checked > 100


def test_edge_files(incident: tuple[Path, SynthSummary]) -> None:
    out, _ = incident
    dump = out / "dump"
    files = _csv(out / "truth" / "files.csv")
    by_status: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in files:
        by_status[row["expected_status"]].append(row)
    (duplicate,) = by_status["duplicate"]
    copies = [r for r in files if "!/" not in r["path"] and r["size"] == duplicate["size"]]
    same = [
        r
        for r in copies
        if (dump / r["path"]).read_bytes() == (dump / duplicate["path"]).read_bytes()
    ]
    assert len(same) == 2
    original = min(r["path"] for r in same)
    assert original != duplicate["path"]
    assert int(next(r for r in same if r["path"] == original)["records"]) > 0
    assert duplicate["records"] == "0"
    unreadable = {r["path"]: r for r in by_status["unreadable"]}
    assert {r["format"] for r in unreadable.values()} == {"zip", "bin"}
    for path, row in unreadable.items():
        assert not any(r["path"].startswith(path + "!/") for r in files)
        if row["format"] == "zip":
            with pytest.raises(zipfile.BadZipFile):
                zipfile.ZipFile(dump / path)
        else:
            assert path.endswith(".csv")
    empty = [r for r in files if r["size"] == "0"]
    assert len(empty) == 1 and empty[0]["expected_status"] == "ok"
    nested = [r for r in files if r["path"].count("!/") == 2]
    assert nested and all(r["format"] == "hl7" for r in nested)
    assert sum(1 for r in files if r["records"] == "0" and r["format"] == "csv") >= 3


def test_backlog(incident: tuple[Path, SynthSummary]) -> None:
    out, summary = incident
    with (out / "backlog.csv").open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert header == [
        "sample_id", "nhs_number", "family_name", "given_name", "date_of_birth",
        "requester_code", "collected_at", "received_at", "container", "tests", "storage",
        "priority",
    ]  # fmt: skip
    rows = _csv(out / "backlog.csv")
    assert len(rows) == summary.backlog == 200
    bad = {r["sample_id"]: r["problem"] for r in _csv(out / "truth" / "backlog_bad.csv")}
    assert 2 <= len(bad) <= 6
    index = catalogue.by_term()
    for row in rows:
        problem = bad.get(row["sample_id"])
        terms = row["tests"].split(";")
        known = [index.get(catalogue.term_key(t)) for t in terms]
        assert (None in known) == (problem == "unknown_test")
        assert {t.container for t in known if t} == {row["container"]}
        if problem == "missing_collected_at":
            assert row["collected_at"] == ""
            continue
        assert (row["received_at"] < row["collected_at"]) == (
            problem == "received_before_collected"
        )
        steps = [s.split("@") for s in row["storage"].split(";")]
        assert steps[0] == ["ambient", row["collected_at"]]
        assert [s[1] for s in steps] == sorted(s[1] for s in steps)
    priorities = [r["priority"] for r in rows]
    assert priorities.count("routine") > priorities.count("urgent") > priorities.count("critical")


def test_summary_json(incident: tuple[Path, SynthSummary]) -> None:
    out, summary = incident
    data = json.loads((out / "truth" / "summary.json").read_text(encoding="utf-8"))
    assert data["seed"] == 11 and data["patients"] == 400
    assert data["exposed"] == summary.exposed and data["records"] == summary.records
    assert sum(data["files_by_format"].values()) == summary.files


def test_small_run_is_quick(tmp_path: Path) -> None:
    started = time.perf_counter()
    summary = generate(tmp_path, patients=100, seed=1)
    assert time.perf_counter() - started < 5
    assert summary.exposed == 60 and summary.files > 20


def test_refuses_a_used_directory_and_tiny_populations(tmp_path: Path) -> None:
    (tmp_path / "dump").mkdir()
    (tmp_path / "dump" / "x.csv").write_text("x", encoding="utf-8")
    with pytest.raises(UserError) as caught:
        generate(tmp_path, patients=50)
    assert str(caught.value) == (
        f"{tmp_path}: already holds a synthetic incident; choose an empty --out directory"
    )
    with pytest.raises(UserError):
        generate(tmp_path / "fresh", patients=9)


def test_pdf_writes_a_test_its_font_cannot_print_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    # Seed 13 at 20,000 patients drew the synonym "Free β-hCG" for a PDF, and the core font
    # has no β: generation failed. The page now names the test by its catalogue name.
    from breachdesk.synth import clinical as synth_clinical
    from breachdesk.synth import pdf as synth_pdf

    (test,) = [t for t in catalogue.load() if t.code == "FBHCG"]
    monkeypatch.setattr(synth_clinical, "term", lambda *args, **kwargs: "Free β-hCG")
    assert synth_pdf.test_label(random.Random(1), test, []) == "Free beta hCG"
    monkeypatch.setattr(synth_clinical, "term", lambda *args, **kwargs: "Free b-hCG")
    assert synth_pdf.test_label(random.Random(1), test, []) == "Free b-hCG"
