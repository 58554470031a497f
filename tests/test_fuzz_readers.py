"""Fuzzing: every reader and every archive walker on mutated real samples. A reader may only
raise ``ReaderError`` (its subclasses say the status) or a limit's verdict; the walker may raise
nothing at all. Bugs found here became fixes, and their inputs stay as examples."""

from __future__ import annotations

import faulthandler
import gzip
import io
import itertools
import os
import resource
import tarfile
import zipfile
from pathlib import Path

import py7zr
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from breachdesk.ingest.guard import deadline
from breachdesk.ingest.limits import LimitExceeded, Limits, Timeout
from breachdesk.ingest.sniff import sniff_data
from breachdesk.ingest.walk import walk_file
from breachdesk.readers.base import ReaderError
from breachdesk.readers.registry import READERS, STREAM_READERS
from test_readers_samples import SAMPLES, csv_bytes, pdf_bytes

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=True,  # the same examples every CI run: a failure is reproducible
)


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """A sample with a few bytes flipped, a slice cut out or repeated, junk inserted, or cut."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        if not out:
            break
        at = draw(st.integers(0, len(out) - 1))
        op = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "repeat"]))
        if op == "flip":
            out[at] ^= draw(st.integers(1, 255))
        elif op == "truncate":
            del out[at:]
        elif op == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif op == "delete":
            del out[at : at + draw(st.integers(1, 64))]
        else:
            out[at:at] = out[at : at + draw(st.integers(1, 256))] * draw(st.integers(2, 8))
    return bytes(out)


# Readers backed by native libraries (calamine, pdfium, sqlite, Pillow and Tesseract, ReadStat)
# run in a forked child under a memory limit: a hostile file can make them allocate without
# bound (a mutated XLS did), which in a worker is the memory limit's business (MemoryError, or a
# crash the engine isolates).
NATIVE = {"xls", "xlsx", "ods", "pdf", "sqlite", "image", "spss", "sas"}


def _in_child(kind: str, data: bytes) -> None:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report what escaped, never run the parent's cleanup
        os.close(read_end)
        faulthandler.disable()  # a native abort is expected here; no traceback dump
        resource.setrlimit(resource.RLIMIT_DATA, (1 << 30, resource.RLIM_INFINITY))
        verdict = b"ok"
        try:
            _read_all(kind, data)
        except MemoryError:
            verdict = b"ok"  # the worker memory limit's verdict: too_large
        except BaseException as exc:
            verdict = f"{type(exc).__name__}: {exc}".encode()[:500]
        os.write(write_end, verdict)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as handle:
        verdict = handle.read()
    _, status = os.waitpid(pid, 0)
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
        assert verdict == b"ok", verdict.decode(errors="replace")
    elif os.environ.get("FUZZ_REPORT"):
        print(f"native crash in the {kind} reader ({len(data)} bytes): status {status}")
    # A child killed by a signal is a native abort: the engine reruns such a file alone and
    # marks it unreadable (tests/test_ingest_limits.py); nothing Python-level escaped.


def _read_all(kind: str, data: bytes) -> None:
    try:
        with deadline(10):
            for _ in READERS[kind](data, f"fuzz.{kind}"):
                pass
            if kind in STREAM_READERS:
                for _ in STREAM_READERS[kind](io.BytesIO(data), f"fuzz.{kind}"):
                    pass
    except Timeout:
        pytest.fail(f"{kind} reader hung on a {len(data)}-byte input")
    except (ReaderError, LimitExceeded):
        pass


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_reader_survives_mutations(kind: str) -> None:
    sample = SAMPLES[kind]()

    @FUZZ
    @given(data=mutated(sample))
    @example(data=b"")
    @example(data=sample[: len(sample) // 2])
    def run(data: bytes) -> None:
        (_in_child if kind in NATIVE else _read_all)(kind, data)

    run()


def _archives() -> dict[str, bytes]:
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a/list.csv", csv_bytes())
        zf.writestr("b/letter.pdf", pdf_bytes())
    tarred = io.BytesIO()
    with tarfile.open(fileobj=tarred, mode="w:gz") as tf:
        for name, data in (("a/list.csv", csv_bytes()), ("inner.zip", zipped.getvalue())):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    seven = io.BytesIO()
    with py7zr.SevenZipFile(seven, "w") as z:
        z.writestr(csv_bytes(), "a/list.csv")
    return {
        "x.zip": zipped.getvalue(),
        "x.tgz": tarred.getvalue(),
        "x.7z": seven.getvalue(),
        "x.csv.gz": gzip.compress(csv_bytes()),
    }


@pytest.mark.parametrize("name", sorted(_archives()))
def test_walker_survives_mutated_archives(name: str, tmp_path: Path) -> None:
    sample = _archives()[name]
    counter = itertools.count()

    @FUZZ
    @given(data=mutated(sample))
    def run(data: bytes) -> None:
        rel = f"{next(counter)}-{name}"
        (tmp_path / rel).write_bytes(data)
        with deadline(10):
            entries = list(walk_file(tmp_path, rel, Limits()))
        assert entries[-1].path == rel  # the file itself always gets its one entry, last
        assert len({e.path for e in entries}) == len(entries)
        for entry in entries:
            assert entry.status in {"ok", "unreadable", "bomb", "refused", "encrypted", "too_large"}
            assert entry.status == "ok" or entry.reason

    run()


@FUZZ
@given(data=st.binary(max_size=4096))
def test_sniffing_never_raises(data: bytes) -> None:
    assert isinstance(sniff_data(data, "any.name"), str)
