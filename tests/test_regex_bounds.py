"""Every Python regular expression on the scan path is bounded in time (a dump is hostile input:
one crafted line must not make a detector backtrack for minutes).

The patterns are collected, not listed: every compiled ``re.Pattern`` reachable from the
globals (and classes, tuples, dicts) of the scan-path modules, and every literal pattern handed
to an ``re`` function in their source. A new pattern is checked without anyone adding it here.
"""

from __future__ import annotations

import ast
import importlib
import json
import pkgutil
import re
import select
import subprocess
import sys
import textwrap
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

import breachdesk
import regex_bounds

PACKAGES = ("detect", "readers", "ingest", "scan")
SRC = Path(breachdesk.__file__).parent

# Patterns whose callers hand them a short piece of text, and how long it is at most: the
# behavioural test runs them at that length (their static check is the same as every other's).
BOUNDED_INPUT = {
    # Run over distinct cells only when every cell is ASCII and at most cellwise.LONGEST long.
    "breachdesk.detect.columns._LISTED_NAME_PY": 256,
    "breachdesk.detect.columns._EMAIL_PY": 256,
    "breachdesk.detect.name_columns._WAYS_PY[0]": 256,
    "breachdesk.detect.name_columns._WAYS_PY[1]": 256,
    "breachdesk.detect.name_columns._WAYS_PY[2]": 256,
    "breachdesk.detect.name_columns._WAYS_PY[3]": 256,
    "breachdesk.detect.name_columns._WAYS_PY[4]": 256,
    # A header read for a test's name only up to ``columns.LONGEST_TEST_HEADER``.
    "breachdesk.detect.columns._HEADER_TAIL": 128,
    # The 60 characters before a PMI term.
    "breachdesk.detect.pmi_terms._BEFORE": 60,
    # Read only with fullmatch over a date the date pattern found.
    "breachdesk.detect.dates._MONTH_FIRST": 32,
    # Label checks read backwards over the few characters before a match (one anchored try).
    "breachdesk.detect.dob_label._DOB_LABEL_REVERSED": 40,
    "breachdesk.detect.name_context.STAFF_BEFORE_REVERSED": 30,
    "breachdesk.detect.name_context.RELATIVE_BEFORE_REVERSED": 40,
    "breachdesk.detect.name_context._NHS_AFTER": 64,
    "breachdesk.detect.nhs_number._OTHER_LABEL_REVERSED": 24,
    # The plain forms the reversed labels above are checked against (never run by the
    # product), searched over the same windows.
    "breachdesk.detect.dob_label.DOB_LABEL": 40,
    "breachdesk.detect.name_context.STAFF_BEFORE": 30,
    # A name read backwards from a date-of-birth label, over the reach before it.
    "breachdesk.detect.names._BEFORE_DOB_REVERSED": 160,
    # What stands between a name and a date, read only when at most 16 characters.
    "breachdesk.detect.grouping._SEX_GAP": 16,
    # One table's locator prefix ("table:<name>!"), searched once per table.
    "breachdesk.detect.staff_tables.TABLE_NAME": 4096,
}
# re calls whose pattern is built at run time, and the test that checks what they build.
# Patterns the product runs only over what another pattern accepted, and how it joins that:
# their adversarial inputs go through the same step first (SQL cells are read only from the
# insides of rows ``_INSIDE`` matched, joined with ")").
# (SQL rows are found only in a run ``_RUN`` matched at the reader's position; ``None``: the
# text the other pattern matches at the start.)
PREVALIDATED = {
    "breachdesk.readers.sql_dump._CELL": ("breachdesk.readers.sql_dump._INSIDE", ")"),
    "breachdesk.readers.sql_dump._INSIDE": ("breachdesk.readers.sql_dump._RUN", None),
}
# Patterns the product only ever matches at a position it then moves past what they read
# (``pattern.match(text, pos)``), never searches with: tried at the start of each input.
# (A log's continuation lines are matched at each line's start: ``log_entries``, ``sniff``.)
ANCHORED = {
    "breachdesk.readers.sql_dump._RUN",
    "breachdesk.readers.log_entries.LOG_CONTINUATION",
    # (matched where a name ends: "Stanley Hird, 21/10/1934, NHS ...")
    "breachdesk.detect.name_context._DATE_THEN_NHS",
    # (fullmatched over one line before a name: a relative's form block, "Partner" / "Name ...")
    "breachdesk.detect.name_context._NAME_CAPTION",
    "breachdesk.detect.name_context._RELATIVE_HEADING",
}
DYNAMIC = {
    ("readers/edifact.py", "segments"): "test_edifact_tokens_are_bounded",
    ("readers/astm.py", "record_start"): "test_astm_delimiter_patterns_are_bounded",
    ("ingest/sniff.py", "astm_record"): "test_astm_delimiter_patterns_are_bounded",
}
# Near-matches the generic ones miss: a short head repeated with no end, each copy a new start
# for a lazy body or a column list that would scan to the end of the text.
CRAFTED = {
    "breachdesk.readers.sql_dump._CREATE": "CREATE TABLE a (" * 20_000,
    "breachdesk.readers.sql_dump._INSERT": "INSERT INTO a (" * 20_000,
    "breachdesk.readers.sql_dump._COPY": "COPY a (\n" * 30_000,
}
ADVERSARIAL_LENGTH = 50_000
HANG_GUARD = 10.0  # CPU seconds one pattern may take over all its inputs: a guard, not a measure


def _modules() -> list[object]:
    out = []
    for package in PACKAGES:
        root = importlib.import_module(f"breachdesk.{package}")
        out.append(root)
        for info in pkgutil.walk_packages(root.__path__, f"breachdesk.{package}."):
            out.append(importlib.import_module(info.name))
    return out


def _visit(obj: object, where: str, found: dict[str, re.Pattern[str]], depth: int = 0) -> None:
    if isinstance(obj, re.Pattern):
        if all(obj is not known for known in found.values()):  # first name it is reached by
            found[where] = obj
    elif depth < 3 and isinstance(obj, tuple | list | frozenset | set):
        for i, item in enumerate(obj):
            _visit(item, f"{where}[{i}]", found, depth + 1)
    elif depth < 3 and isinstance(obj, dict):
        for key, item in obj.items():
            _visit(item, f"{where}[{key!r}]", found, depth + 1)
    elif depth < 3 and isinstance(obj, type) and obj.__module__.startswith("breachdesk."):
        for key, item in vars(obj).items():
            _visit(item, f"{where}.{key}", found, depth + 1)


_RE_CALLS = {"compile", "search", "match", "fullmatch", "sub", "subn", "findall", "finditer"}
_RE_CALLS |= {"split"}


def _flags(call: ast.Call) -> int:
    """The flags of an ``re`` call, written as ``re.I | re.M`` positionally (compile) or by name."""
    given = [k.value for k in call.keywords if k.arg == "flags"]
    if call.func.attr == "compile" and len(call.args) > 1:  # type: ignore[attr-defined]
        given.append(call.args[1])
    flags = 0
    for expr in given:
        for node in ast.walk(expr):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                flags |= int(getattr(re, node.attr))
    return flags


def _inline() -> tuple[dict[str, re.Pattern[str]], set[tuple[str, str]]]:
    """Literal patterns passed to ``re`` functions in the source, and the (file, function) of
    each call whose pattern is not a literal."""
    found: dict[str, re.Pattern[str]] = {}
    dynamic: set[tuple[str, str]] = set()
    for package in PACKAGES:
        for path in sorted((SRC / package).rglob("*.py")):
            tree = ast.parse(path.read_text())
            rel = path.relative_to(SRC).as_posix()
            for func in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)] + [tree]:
                for node in ast.walk(func):
                    if not (
                        isinstance(node, ast.Call)
                        and isinstance(node.func, ast.Attribute)
                        and isinstance(node.func.value, ast.Name)
                        and node.func.value.id == "re"
                        and node.func.attr in _RE_CALLS
                        and node.args
                    ):
                        continue
                    arg = node.args[0]
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str | bytes):
                        where = f"{rel}:{node.lineno}:{node.col_offset}"
                        found[where] = re.compile(arg.value, _flags(node))
                    elif isinstance(func, ast.FunctionDef):
                        dynamic.add((rel, func.name))
    return found, dynamic


def _patterns() -> dict[str, re.Pattern[str]]:
    found: dict[str, re.Pattern[str]] = {}
    for module in _modules():
        for name, value in vars(module).items():
            _visit(value, f"{module.__name__}.{name}", found)  # type: ignore[attr-defined]
    inline, _ = _inline()
    # A module-level re.compile is found both ways: keep the name it is known by.
    named = {(p.pattern, p.flags) for p in found.values()}
    return found | {k: p for k, p in inline.items() if (p.pattern, p.flags) not in named}


PATTERNS = _patterns()


def test_the_collection_finds_the_patterns() -> None:
    assert set(CRAFTED) <= set(PATTERNS) and set(BOUNDED_INPUT) <= set(PATTERNS)
    # A collector that silently found nothing would pass every check below.
    assert "breachdesk.detect.nhs_number.PATTERN" in PATTERNS
    assert "breachdesk.detect.name_columns._WAYS_PY[4]" in PATTERNS
    assert "breachdesk.readers.sql_dump._CREATE" in PATTERNS
    # re.sub(r"\s+", ...) inline (in PATTERNS under a module-level name when one has the same)
    assert any(key.startswith("detect/postcode.py:") for key in _inline()[0])
    assert len(PATTERNS) >= 60


@pytest.mark.parametrize("where", sorted(PATTERNS))
def test_pattern_has_no_super_linear_construction(where: str) -> None:
    assert regex_bounds.problems(PATTERNS[where]) == []


@pytest.mark.parametrize(
    "pattern",
    [
        r"(a+)+b",  # star height 2
        r"(?:\s+\S+)*\Z",  # star height 2, even with disjoint classes
        r"\d+\d+x",  # adjacent, same characters
        r"\s*[:=]?\s*$",  # adjacent through an optional separator
        r"\w+a\w+!",  # the separator is a character both repeats take
        r"(?:\w\w|\d)*!",  # alternatives that start alike, repeated
        r"(?:x?)*y",  # a repeat of something that can be empty
        r"\d+(?!\d*/)",  # a lookahead's repeat after a repeat of the same characters
        r"(?:[^,]+?)\s*,",  # lazy, then overlapping
        r"(?P<a>\w+)\s(?P=a)",  # a back-reference to an unbounded group
    ],
)
def test_checker_rejects_backtracking_constructions(pattern: str) -> None:
    assert regex_bounds.problems(re.compile(pattern)) != []


@pytest.mark.parametrize(
    "pattern",
    [
        r"\d+-\d+",
        r"\s*(?:[:=]\s*)?$",
        r'"(?:[^"]|"")*"',
        r"[A-Z][A-Z'\-]+\s*,\s*[A-Z][a-z]+",
        r"code\s*+[:=]?\s*R\d",  # possessive: never given back
        r"\w{1,64}@\w+",
        r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})",
    ],
)
def test_checker_accepts_bounded_constructions(pattern: str) -> None:
    assert regex_bounds.problems(re.compile(pattern)) == []


def test_dynamic_patterns_are_known() -> None:
    _, dynamic = _inline()
    assert dynamic == set(DYNAMIC)


@pytest.mark.parametrize("separators", [":+?'", "*^\\~", "::?'"])
def test_edifact_tokens_are_bounded(separators: str) -> None:
    from breachdesk.readers import edifact

    comp, elem, release, term = separators
    text = f"UNA{comp}{elem}.{release} {term}UNB{elem}UNOC{comp}3{term}"
    # The tokenizer edifact.segments builds, for these separators.
    token = re.compile(
        "|".join(re.escape(c) for c in (release, term, elem, comp))
        + f"|[^{re.escape(release + term + elem + comp)}]+"
    )
    assert regex_bounds.problems(token) == []
    assert [seg[0][0] for seg in edifact.segments(text)] == ["UNB"]


@pytest.mark.parametrize("field", ["|", "!", "\\", "^", "]", "-"])
def test_astm_delimiter_patterns_are_bounded(field: str) -> None:
    from breachdesk.ingest import sniff
    from breachdesk.readers import astm

    start, record = astm.record_start(field), sniff.astm_record(field.encode())
    assert regex_bounds.problems(start) == []
    assert start.search(f"10:00:01 RX 2P{field}1").group(1) == "P"
    assert record.search(f"\x023R{field}1".encode()) is not None
    for text in (f"P{field}" * 20_000, "1" * 50_000, f"xP{field}" * 20_000):
        started = time.process_time()
        list(start.finditer(text))
        list(record.finditer(text.encode()))
        assert time.process_time() - started < 1.0


_RUNNER = textwrap.dedent(
    """
    import json, sys, time
    sys.path.insert(0, {tests!r})
    import regex_bounds, test_regex_bounds as t
    print("ready", flush=True)
    for where, length, *repeats in json.loads(sys.argv[1]):
        pattern = t.PATTERNS[where]
        # A crafted input has one length: it says nothing of growth.
        crafted = [t.CRAFTED[where]] if where in t.CRAFTED and not repeats else []
        texts = [*crafted, *regex_bounds.adversarial(pattern, length)]
        if where in t.PREVALIDATED:
            check, glue = t.PREVALIDATED[where]
            if glue is None:
                texts = [t.PATTERNS[check].match(x).group() for x in texts]
            else:
                texts = [glue.join(m.group(1) for m in t.PATTERNS[check].finditer(x)) + glue
                         for x in texts]
        start = time.process_time()
        for text in texts * (repeats[0] if repeats else 1):
            if where in t.ANCHORED:
                pattern.match(text)
                continue
            for _ in pattern.finditer(text):
                pass
        print(where, time.process_time() - start, flush=True)
    """
)


def test_patterns_finish_on_adversarial_input() -> None:
    """Each pattern over near-matches built from its own classes, ``ADVERSARIAL_LENGTH`` long
    (or as long as its callers ever make its input): a quadratic pattern takes minutes on
    these, a linear one milliseconds, so a generous guard per pattern tells them apart."""
    jobs = [
        (where, BOUNDED_INPUT.get(where, ADVERSARIAL_LENGTH))
        for where, pattern in sorted(PATTERNS.items())
        if isinstance(pattern.pattern, str)
    ]
    script = _RUNNER.format(tests=str(Path(__file__).parent))
    proc = subprocess.Popen(
        [sys.executable, "-c", script, json.dumps(jobs)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    try:
        # Importing every module can take a while on a loaded machine; it is not timed.
        ready, _, _ = select.select([proc.stdout], [], [], 300)
        assert ready and proc.stdout.readline().strip() == "ready"
        for where, _ in jobs:
            # CPU seconds, so other jobs on the machine do not count; the wall-clock wait
            # only keeps a pattern that never ends from hanging the suite.
            ready, _, _ = select.select([proc.stdout], [], [], 20 * HANG_GUARD)
            name, _, cpu = (proc.stdout.readline().strip() if ready else "").partition(" ")
            assert name == where, f"{where} did not finish on adversarial input"
            assert float(cpu) < HANG_GUARD, f"{where} took {float(cpu):.1f} CPU s"
    finally:
        proc.kill()
        proc.wait()


# The long input is GROWTH_PARTS times the short one, and the short one is run GROWTH_PARTS times:
# the same work for a linear pattern (a ratio of ~1), GROWTH_PARTS times more for a quadratic one.
GROWTH_PARTS = 8
GROWTH_LIMIT = 3.0
GROWTH_FLOOR = 0.1  # CPU seconds below which a pattern's time is too small to compare


def _cpu_times(jobs: Sequence[tuple[str, int] | tuple[str, int, int]]) -> list[float]:
    """CPU seconds of each job (pattern, input length, how many times its inputs are run), in
    order, all in one process."""
    script = _RUNNER.format(tests=str(Path(__file__).parent))
    out = subprocess.run(
        [sys.executable, "-c", script, json.dumps(jobs)],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    ).stdout.splitlines()
    assert out[0] == "ready"
    return [float(line.rpartition(" ")[2]) for line in out[1:]]


def _growth(wheres: list[str], rounds: int) -> dict[str, tuple[float, float]]:
    """Each pattern's long input's time over its repeated short inputs' time, and the long
    time. The two are timed in turns in one process, and each judged by its least time over
    the rounds: CPU time still varies with what else runs on the machine (a core's sibling
    thread, a JVM left by an earlier test), and turns keep both sides under the same load."""
    jobs = [
        job
        for where in wheres
        for job in [
            (where, ADVERSARIAL_LENGTH // GROWTH_PARTS, GROWTH_PARTS),
            (where, ADVERSARIAL_LENGTH, 1),
        ]
        * rounds
    ]
    times = iter(_cpu_times(jobs))
    out = {}
    for where in wheres:
        pairs = [(next(times), next(times)) for _ in range(rounds)]
        short, long = min(p[0] for p in pairs), min(p[1] for p in pairs)
        out[where] = (long / max(short, 1e-9), long)
    return out


def test_patterns_grow_linearly_with_their_input() -> None:
    """A pattern can be quadratic with no construction the parse-tree check rejects: a repeat
    searched from starts inside its own class (``\\(([^)]*)\\)`` over a run of "(" scans to the
    end from each) takes seconds at ``ADVERSARIAL_LENGTH``, near the guard. Its inputs at that
    length take about GROWTH_PARTS times as long as its inputs at a GROWTH_PARTS-th of it run
    GROWTH_PARTS times; a linear pattern's, about as long. Every pattern slow enough to time is
    held under ``GROWTH_LIMIT``."""
    free = [
        where
        for where, pattern in sorted(PATTERNS.items())
        if isinstance(pattern.pattern, str) and where not in BOUNDED_INPUT
    ]
    quarter = _cpu_times([(where, ADVERSARIAL_LENGTH // 4) for where in free])
    timed = [where for where, cpu in zip(free, quarter, strict=True) if cpu >= GROWTH_FLOOR / 4]
    grown = {w: r for w, (r, long) in _growth(timed, 1).items() if long >= GROWTH_FLOOR}
    # A quadratic pattern is over the limit whatever the load; a linear one only by chance.
    again = _growth([w for w, r in grown.items() if r > GROWTH_LIMIT], 3)
    grown |= {w: r for w, (r, _) in again.items()}
    assert {w: round(r, 1) for w, r in grown.items() if r > GROWTH_LIMIT} == {}
