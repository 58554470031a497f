"""The table-wide reads of a table's health cells give what the column-at-a-time reads they
replace give: diagnoses in words (``diagnosis_cells._words_each``), tests named in cells
(``cell_tests._named_each``) and merged kinds (``diagnoses.merged_kinds``)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from breachdesk.detect import cell_tests, diagnoses, diagnosis_cells, diagnosis_words

_WORDY = [
    "Adenocarcinoma sigmoid colon",
    "G2P1 - currently 14/40 pregnant",
    "28/40",
    "booking bloods + HCV Ab (previous IVDU)",
    None,
    "",
    "mother had breast cancer",
    "Known HIV positive",
    "no history of alcohol excess",
    "Adenocarcinoma sigmoid colon",
    "12345",
    "Pregnant\nHIV positive",
    "Prénom HIV positive",
]


def _columns() -> list[pa.Array]:
    return [
        pa.array(_WORDY),
        pa.array(list(reversed(_WORDY)), pa.large_string()),
        pa.chunked_array([pa.array(_WORDY[:4]), pa.array(_WORDY[4:])]),
        pa.array(["A01", "B12", None, "x"]),
        pa.array([1, 2, None]),
        pa.array([None, None], pa.string()),
        pa.array(_WORDY).slice(3, 6),
    ]


def _same(got: object, want: object) -> bool:
    if got is None or want is None:
        return got is None and want is None
    assert isinstance(got, tuple) and isinstance(want, tuple)
    return all(
        g.to_pylist() == w.to_pylist() and g.type == w.type for g, w in zip(got, want, strict=True)
    )


def test_words_each_is_words_of_each_column() -> None:
    columns = _columns()
    got = diagnosis_cells._words_each(columns)
    want = [diagnosis_cells._words(values) for values in columns]
    assert any(w is not None for w in want)
    assert all(_same(g, w) for g, w in zip(got, want, strict=True))
    assert diagnosis_cells._words_each([]) == []


def test_words_each_after_a_flood_reads_each_column(monkeypatch: pytest.MonkeyPatch) -> None:
    columns = _columns()
    monkeypatch.setattr(diagnosis_cells, "_AT_ONCE_MATCHES", 1)
    assert diagnosis_words.in_cells_within(pa.array(_WORDY).drop_null(), 1) is None
    got = diagnosis_cells._words_each(columns)
    want = [diagnosis_cells._words(values) for values in columns]
    assert all(_same(g, w) for g, w in zip(got, want, strict=True))


def test_in_cells_within_is_in_cells() -> None:
    cells = pa.array(_WORDY)
    assert diagnosis_words.in_cells_within(cells, 4096) == diagnosis_words.in_cells(cells)
    assert diagnosis_words.in_cells_within(pa.array([], pa.string()), 1) == []


def _merged_by_rows(columns: list[pa.Array]) -> list[str | None]:
    rows = zip(*(c.to_pylist() for c in columns), strict=True)
    out = []
    for row in rows:
        kinds = {k for cell in row if cell is not None for k in cell.split(";") if k}
        out.append(";".join(sorted(kinds)) or None)
    return out


def test_merged_kinds() -> None:
    a = pa.array(["hiv", None, "pregnancy;cancer", "", "b;;a", "hiv", None, "x;x"])
    b = pa.array([None, None, "cancer", ";", "a", "genetic;hiv", "z", None])
    c = pa.chunked_array([pa.array(["q", None, None, None]), pa.array([None] * 4, pa.string())])
    for columns in ([a, b], [b, a], [a, b, c], [a], [pa.nulls(8, pa.string()), b]):
        merged = diagnoses.merged_kinds(columns)
        assert merged.type == pa.string()
        assert merged.to_pylist() == _merged_by_rows(columns)
    assert diagnoses.merged_kinds([pa.nulls(3, pa.string())] * 2).to_pylist() == [None] * 3
    assert len(diagnoses.merged_kinds([pa.array([], pa.string())] * 2)) == 0


def test_merged_kinds_many_combinations() -> None:
    rng = np.random.default_rng(7)
    kinds = ["hiv", "cancer", "pregnancy", "", None, "hiv;cancer", "genetic"]
    columns = [pa.array([kinds[i] for i in rng.integers(0, len(kinds), 500)]) for _ in range(4)]
    assert diagnoses.merged_kinds(columns).to_pylist() == _merged_by_rows(columns)


_PROSE = [
    "Patient known HIV positive",
    "HIV\tpositive",
    "L154917",
    None,
    "HbA1c 48 mmol/mol",
    "",
    "H",
]


def _named_columns() -> list[pa.Array]:
    tabbed = pa.array(["HIV\tpositive", None, "x"])
    # A null cell whose slot still holds bytes (a space): Arrow's look passes over it.
    hidden = pa.Array.from_buffers(
        pa.string(),
        2,
        [
            pa.py_buffer(np.packbits([1, 0], bitorder="little").tobytes()),
            pa.py_buffer(np.array([0, 12, 24], dtype=np.int32).tobytes()),
            pa.py_buffer(b"HIV\tpositiveHIV positive"),
        ],
    )
    return [
        pa.array(_PROSE),
        tabbed,
        hidden,
        pa.array(_PROSE, pa.large_string()),
        pa.chunked_array([pa.array(_PROSE[:2]), pa.array(_PROSE[2:])]),
        pa.array(["5.4", "6.1", None]),
        pa.array(["HIV POS", "5.4", "Detected"]),
        pa.array([1, 2]),
        pa.array([], pa.string()),
        pa.array(_PROSE).slice(1, 4),
    ]


def _named_one_by_one(results: list[pa.Array], untyped: list[pa.Array]) -> list[tuple]:
    found = []
    for at, values in enumerate(results + untyped):
        if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
            continue
        column = cell_tests._named(values, prose=at >= len(results))
        if column is not None:
            found.append((at, *column))
    return found


@pytest.mark.parametrize("split", [0, 3, 6, 10])
def test_named_is_named_of_each_column(split: int) -> None:
    columns = _named_columns()
    results, untyped = columns[:split], columns[split:]
    got = cell_tests.named(results, untyped)
    want = _named_one_by_one(results, untyped)
    assert [g[0] for g in got] == [w[0] for w in want]
    for (_, *g), (_, *w) in zip(got, want, strict=True):
        assert [x.to_pylist() for x in g] == [x.to_pylist() for x in w]
        assert [x.type for x in g] == [x.type for x in w]


def test_may_name_reads_bytes_as_arrow_looks() -> None:
    for values in _named_columns():
        if isinstance(values, pa.ChunkedArray):
            values = values.combine_chunks()
        if not pa.types.is_string(values.type):
            continue
        for prose in (False, True):
            assert cell_tests._may_name(values, prose=prose) == cell_tests._look(
                values, prose=prose
            )
    assert not cell_tests._may_name(pc.cast(pa.array(["", None]), pa.string()), prose=True)


def _framed_in_arrow(cells: pa.Array) -> tuple[bytes, list[int]]:
    framed = pc.fill_null(pc.binary_join_element_wise(cells, pa.scalar(""), "\n"), "\n")
    offsets = np.frombuffer(framed.buffers()[1], dtype=np.int32)[
        framed.offset : framed.offset + len(framed) + 1
    ]
    first = int(offsets[0])
    data = framed.buffers()[2].to_pybytes()[first : int(offsets[-1])]
    return data, (offsets[:-1] - first).tolist()


def test_framed_cells_are_arrows_bytes() -> None:
    invalid = pa.Array.from_buffers(
        pa.string(),
        2,
        [None, pa.py_buffer(np.array([0, 2, 14], dtype=np.int32).tobytes()),
         pa.py_buffer(b"\xff\xfeHIV positive")],
    )  # fmt: skip
    for cells in (
        pa.array([c for c in _WORDY if c is not None]),
        pa.array(_WORDY),
        pa.array(["Prénom", "Łódź HIV positive", "", "x"]).slice(1, 3),
        invalid,
    ):
        data, starts = diagnosis_words._framed(cells)
        assert (data, starts().tolist()) == _framed_in_arrow(cells)
    assert diagnosis_words.in_cells(invalid) == [(1, "hiv", "term HIV positive")]
