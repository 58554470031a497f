"""Small ASCII columns are read with Python's ``re`` over distinct cells; the result must be the
Arrow (RE2) path's, cell for cell, and the Arrow path must still serve other columns."""

from __future__ import annotations

import random
import re

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from breachdesk import catalogue
from breachdesk.detect import cellwise, columns, lab_tests, name_columns, postcode
from breachdesk.detect.dates import may_parse, parse_column
from breachdesk.detect.tables import _clean, _mask, runs

# Pieces that reach each rule's edge: titles with and without a full stop, commas and carets,
# RE2's whitespace and the ASCII spaces it does not count (\v, \x1c), postcodes in any case.
_PIECES = [
    " (Mr)",
    "(mrs.)",
    *"abcSMITHJohnMrsDr. ,^'-\t\n\x0b\x1c ",
    "mr ",
    "Mrs. ",
    "MS ",
    "dr\t",
    "SE15 4AB",
    "ec1a1bb",
    "GIR 0AA",
    "O'BRIEN",
    "x@y.co",
    "01/02/1980",
    "4010232137",
]


def _cells(seed: int, count: int) -> list[str | None]:
    rng = random.Random(seed)
    cells: list[str | None] = [
        "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 8))) for _ in range(count)
    ]
    return [*cells, None, "", "   "]


def _both(fn, values: pa.Array, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    fast = fn(values)
    with monkeypatch.context() as patched:
        patched.setattr(cellwise, "FEW", -1)  # every column takes the Arrow path
        slow = fn(values)
    return fast, slow


def _paths_agree(values: pa.Array, monkeypatch: pytest.MonkeyPatch) -> None:
    """Title stripping, postcodes and name splitting give the same columns on either path."""
    assert cellwise.distinct_ascii(values) is not None  # the fast path is the one tested
    for fn in (name_columns.strip_title, postcode.extract_column):
        fast, slow = _both(fn, values, monkeypatch)
        assert fast.equals(slow), fn.__name__
    (fam, giv), (fam_slow, giv_slow) = _both(name_columns.split_column, values, monkeypatch)
    assert fam.equals(fam_slow)
    assert giv.equals(giv_slow)


@pytest.mark.parametrize("seed", range(6))
def test_python_path_equals_arrow_path(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    values = pa.array(_cells(seed, 1500), pa.string())
    _paths_agree(values, monkeypatch)


def test_exact_values_on_the_python_path() -> None:
    values = pa.array(
        ["Mrs. Jane SMITH", "SMITH, Dr John", "DOE^Ann", "O'BRIEN Mary", "Cher", "", None, "mr  x"]
    )
    family, given = name_columns.split_column(values)
    assert family.to_pylist() == ["SMITH", "SMITH", "DOE", "O'BRIEN", "Cher", None, None, "x"]
    assert given.to_pylist() == ["Jane", "John", "Ann", "Mary", None, None, None, None]
    assert name_columns.strip_title(values).to_pylist()[0] == "Jane SMITH"
    codes = pa.array(["se154ab", "flat 2, EC1A 1BB.", "SE15 4AB\n", "SE154ABX", None, "gir0aa"])
    assert postcode.extract_column(codes).to_pylist() == [
        "SE15 4AB",
        "EC1A 1BB",
        "SE15 4AB",
        None,
        None,
        "GIR 0AA",
    ]


def test_long_cells_and_cells_python_reads_otherwise_take_the_arrow_path() -> None:
    assert cellwise.distinct_ascii(pa.array(["SMITH", "Zoë Kılıç"])) is None
    assert cellwise.distinct_ascii(pa.array(["SMITH", "x" * (cellwise.LONGEST + 1)])) is None
    assert cellwise.distinct_ascii(pa.array([str(i) for i in range(cellwise.FEW + 1)])) is None
    # The Arrow path still reads them: a name with a dotless i splits as before.
    family, given = name_columns.split_column(pa.array(["Zoë KILIÇ", "Kılıç, Ayşe", "  "]))
    assert family.to_pylist() == ["KILIÇ", "Kılıç", None]
    assert given.to_pylist() == ["Zoë", "Ayşe", None]
    # A hostile 100,000-space cell is not handed to a backtracking regex.
    family, _ = name_columns.split_column(pa.array([" " * 100_000 + "x, y"]))
    assert family.to_pylist() == ["x"]


@pytest.mark.parametrize("seed", range(4))
def test_value_typing_equals_arrow_typing(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    kinds = [
        ["4010232137", "401 023 2137", "9434765919"],
        ["SE15 4AB", "EC1A 1BB", "se1 9rt"],
        ["a@b.com", "x.y@nhs.net", "bad@"],
        ["01/02/1980", "2001-03-04", "12.12.1950"],
        ["SMITH, John", "O'BRIEN-KAUR, Mary A", "DOE, Ann"],
        ["Sodium", "Potassium", "HbA1c"],
        ["abc", "12", " "],
    ]
    for pool in kinds:
        cells = [rng.choice(pool + _PIECES[-6:]) for _ in range(rng.randint(2, 40))]
        values = pa.array(cells, pa.string())
        fast = columns._by_values(values)
        with monkeypatch.context() as patched:
            patched.setattr(columns, "_sample_cells", lambda _values: None)
            assert fast == columns._by_values(values), cells


def test_value_typing_exact() -> None:
    assert columns._by_values(pa.array(["SE15 4AB", "EC1A 1BB", "se1 9rt"])) == "postcode"
    assert columns._by_values(pa.array(["a@b.com", "x.y@nhs.net", "c@d.org"])) == "email"
    assert columns._by_values(pa.array(["SMITH, John", "DOE, Ann", "LEE, Bo"])) == "full_name"
    assert columns._by_values(pa.array(["a@b.com", "x", "y", ""])) is None


def test_clean_makes_blank_cells_null() -> None:
    out = _clean(pa.array([" a ", "", "  ", None, "b"]))
    assert out.to_pylist() == ["a", None, None, None, "b"]
    assert out.null_count == 3
    assert _clean(pa.array(["x", "y"])).null_count == 0
    assert _clean(pa.array(["x", " ", "y"]).slice(1)).to_pylist() == [None, "y"]


def test_may_parse_counts_every_cell_a_format_could_read() -> None:
    cells = ["01/02/1980", " 3 Jan 1999 ", "01/02/+1980", "2024-01-02T10:00", "S1234", "12.5", "x"]
    cells += ["3.5-5.0", "-1-2"]
    # A signed year and a time are counted; "12.5" and the range "3.5-5.0" have no format's
    # shape, signed or not ("-1-2" has: a sign before a day is allowed for, as a bound).
    assert may_parse(cells) == 5
    parsed = parse_column(pa.array(cells)).to_pylist()
    assert sum(v is not None for v in parsed) <= may_parse(cells)
    assert parsed[:2] == ["1980-02-01", "1999-01-03"]


# Non-ASCII pieces Python and RE2 read alike (accents, a curly apostrophe, Unicode spaces), and
# the characters on which they part ways.
_AGREED = ["é", "Seán", "Zoë", "ÉMILE", "’", "ß", "\xa0", "\u2003", "\u3000", "\u0301", "Ж"]
_DISAGREE = ["\u0130", "\u0131", "\u017f", "\u212a", "٣", "\uff11"]


@pytest.mark.parametrize("seed", range(6))
def test_python_path_equals_arrow_path_beyond_ascii(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(seed)
    pieces = _PIECES + _AGREED
    values = pa.array(
        ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 8))) for _ in range(1500)]
        + [None, "", "\xa0Mrs\u2003Seán  Ó'Brien\xa0"],
        pa.string(),
    )
    _paths_agree(values, monkeypatch)


@pytest.mark.parametrize("odd", _DISAGREE)
def test_characters_python_reads_otherwise_take_the_arrow_path(odd: str) -> None:
    assert cellwise.distinct_ascii(pa.array(["Seán", "Zoë"])) is not None
    assert cellwise.distinct_ascii(pa.array(["Seán", f"M{odd}ss Zoë"])) is None


def test_python_and_arrow_agree_on_whitespace_case_and_digits_beyond_the_kept_out() -> None:
    """What the Python path relies on, over every code point: ``str.strip`` trims what Arrow's
    ``utf8_trim_whitespace`` trims; outside the kept-out characters, neither engine matches a
    non-ASCII character case-insensitively to an ASCII letter, or as ``\\d``."""
    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    trimmed = pc.utf8_trim_whitespace(pa.array([f"a{c}" for c in chars])).to_pylist()
    assert [c for c, t in zip(chars, trimmed, strict=True) if t != f"a{c}".strip()] == []
    kept_out = {c for c in chars if not cellwise._agreed(c)}
    assert kept_out == {
        *_DISAGREE[:4],
        *(c for c in chars if not c.isascii() and re.match(r"\d", c)),
    }
    wide = pa.array([c for c in chars if not c.isascii() and c not in kept_out])
    for pattern in (
        "(?i)^[a-z]$",
        r"^\d$",
        "(?i)^(?:mr|mrs|ms|miss|mx|master|dr|prof|rev|sir|dame|lady|lord)$",
    ):
        assert not pc.any(pc.match_substring_regex(wide, pattern)).as_py(), pattern
    python = re.compile(r"(?i)[a-z]|\d")
    assert not [c for c in wide.to_pylist() if python.fullmatch(c)]


def test_mention_columns_built_from_buffers() -> None:
    assert runs(["kind", "", "é"], [2, 1, 0]).to_pylist() == ["kind", "kind", ""]
    assert runs(["columns"], [3]).equals(pa.array(["columns"] * 3, pa.string()))
    assert runs(["x"], [0]).to_pylist() == []
    flags = pa.array([True, None, False, True, True, None, True, False, True, True])
    for part in (flags, flags.slice(1), flags.slice(3, 5)):
        truth = [bool(v) for v in part.to_pylist()]
        assert _mask(part).tolist() == truth
        assert _mask(part, valid=True).tolist() == [v is not None for v in part.to_pylist()]
    assert _mask(pa.array([], pa.bool_())).tolist() == []


def test_titles_found_over_the_joined_cells_are_each_cells_own() -> None:
    # No cell has a title: each is only trimmed. One title anywhere: every cell is read alone,
    # and a NUL inside a cell does not make the next piece a cell start.
    plain = pa.array(["  Smith ", "Jones", None, "Mrs", "DrNo", "x\x00Mr y"])
    assert name_columns.strip_title(plain).to_pylist() == [
        "Smith",
        "Jones",
        None,
        "Mrs",
        "DrNo",
        "x\x00Mr y",
    ]
    titled = pa.array(["  Smith ", "Mr. \tLee", None, "mrs  Khan ", "x\x00Mr y"])
    assert name_columns.strip_title(titled).to_pylist() == [
        "Smith",
        "Lee",
        None,
        "Khan",
        "x\x00Mr y",
    ]
    family, given = name_columns.split_column(
        pa.array(["SMITH, John", "Dr Ann LEE", "Bo^Day", " Solo "])
    )
    assert family.to_pylist() == ["SMITH", "LEE", "Bo", "Solo"]
    assert given.to_pylist() == ["John", "Ann", "Day", None]


@pytest.mark.parametrize("seed", range(3))
def test_agreement_asked_of_joined_cells_is_each_cells(seed: int) -> None:
    rng = random.Random(seed)
    pool = ["a", "Seán", "Zoë", "\u0131", "\u017f", "\u212a", "\u0660", "x" * 200, " ", "1"]
    for _ in range(300):
        cells: list[str | None] = [
            "".join(rng.choice(pool) for _ in range(rng.randint(0, 3)))
            for _ in range(rng.randint(0, 4))
        ]
        if rng.random() < 0.3:
            cells.append(None)
        expected = all(c is None or cellwise._agreed(c) for c in cells)
        assert cellwise._all_agreed(cells) == expected, cells


def _lookup_plainly(value: str) -> list[str]:
    """``lab_tests.lookup`` written plainly: the whole value's key; else, item by item (split at
    ``; , |`` and `` + ``), the item's key, else its "/"-joined pieces' keys, else the tests free
    text detection finds in the item."""
    index = catalogue.by_term()
    whole = index.get(catalogue.term_key(value))
    if whole:
        return [whole.code]
    codes: list[str] = []
    for item in re.split(r"[;,|]|\s\+\s", value):
        test = index.get(catalogue.term_key(item))
        found = [test.code] if test else []
        if not found and "/" in item:
            tests = [index.get(catalogue.term_key(p)) for p in item.split("/")]
            found = [t.code for t in tests if t]
            if found and not all(tests):  # "Antenatal booking (HIV/HBsAg/Syph)": the text's too
                found = [m.value for m in lab_tests.detect(item) if m.kind == "test"] + found
        if not found:
            found = [m.value for m in lab_tests.detect(item) if m.kind == "test"]
        codes += [code for code in found if code not in codes]
    return list(dict.fromkeys(codes))


def _is_test_list_plainly(cell: str) -> bool:
    index = catalogue.by_term()
    if index.get(catalogue.term_key(cell)):
        return True
    items = [item for item in re.split(r"[;,|]|\s\+\s", cell) if item.strip()]
    for item in items:
        pieces = item.split("/") if "/" in item else []
        if not index.get(catalogue.term_key(item)) and not (
            pieces and all(index.get(catalogue.term_key(p)) for p in pieces)
        ):
            return False
    return bool(items)


@pytest.mark.parametrize("seed", range(2))
def test_test_lists_read_from_their_pieces_keys_as_from_the_whole(seed: int) -> None:
    # The whole cell's key is built from its pieces' cached keys: the same key, whatever the
    # separators, case, spacing or characters that lower by context (a final sigma) or to two.
    rng = random.Random(seed)
    terms = [name for test in catalogue.load() for name in test.all_names]
    seps = [", ", ",", ";", " / ", "|", " + ", "+", " and ", ",,", " ; ", "/"]
    noise = ["", " ", "Σ", "İ", "ς", "x", "(fasting)", "-", "?"]
    for _ in range(3000):
        value = rng.choice(noise) + rng.choice(terms)
        for _ in range(rng.randint(0, 3)):
            value += rng.choice(seps) + rng.choice(noise) + rng.choice(terms) + rng.choice(noise)
        value = value.upper() if rng.random() < 0.3 else value
        assert lab_tests.lookup(value) == _lookup_plainly(value), value


def test_cell_traits_are_each_tests_answer() -> None:
    # The prechecks ("@" before the e-mail pattern, "," before a listed name, digits as their
    # own key) change no answer.
    rng = random.Random(3)
    pieces = [*"0123456789@.,-+: /abcXYZ\t", "FBC", "Sodium", "a@b.com", "SMITH, John", "HbA1c"]
    pieces += [", ", "; ", " + ", "U&E", "HIV 1 and 2 antigen/antibody"]  # lists of tests
    cells = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 6))) for _ in range(20000)]
    # The listed-name pattern is RE2's (``\pL``): asked of Arrow, as the column path asks it.
    listed = pc.match_substring_regex(pa.array(cells), columns._LISTED_NAME).to_pylist()
    for cell, is_listed in zip(cells, listed, strict=True):
        digits = sum(ch.isdigit() for ch in cell)
        expected = {
            columns._DIGIT: digits > 0,
            columns._TEN_DIGITS: digits == 10,
            columns._SHORT: len(cell) <= 9,
            columns._AT_EMAIL: re.fullmatch(columns._EMAIL, cell) is not None,
            columns._DATE_SHAPED: may_parse([cell]) > 0,
            columns._LISTED: is_listed,
            columns._TEST: _is_test_list_plainly(cell),
            columns._LETTER: re.search("[A-Za-z]", cell) is not None,
        }
        traits = columns._traits(cell)
        assert {bit: bool(traits & bit) for bit in expected} == expected, cell


def test_test_lists_and_their_sensitive_kinds_from_one_column() -> None:
    from breachdesk.detect.tables import records_from_table
    from breachdesk.readers.base import Table

    cells = [
        "Urine drug screen, Prostate specific antigen, Urea and electrolytes",
        "Prostate specific antigen + Urine drug screen",
        "Urea and electrolytes",
        "",
        "nothing",
        "Urine drug screen; Urine drug screen",
    ]
    table = Table(header=["NHS Number", "Test"], columns=[["4010232137"] * 6, cells])
    records = records_from_table(table, 1)[0]
    assert records["tests"].to_pylist() == ["UDS;PSA;UE", "PSA;UDS", "UE", None, None, "UDS"]
    # Kinds sorted and each once, whatever the order of the tests.
    assert records["sensitive"].to_pylist() == [
        "cancer;substance_misuse",
        "cancer;substance_misuse",
        None,
        None,
        None,
        "substance_misuse",
    ]


def test_value_sample_is_the_first_filled_cells_however_far_down() -> None:
    # Blanks fill the first heads looked at: the sample is still the column's first 500 filled.
    cells = [" "] * 2500 + [None] * 20000 + [f"c{i}" for i in range(700)]
    assert columns._first_filled(pa.array(cells)).to_pylist() == [f"c{i}" for i in range(500)]
    few = ["", "a", " ", "b"] * 1000
    assert columns._first_filled(pa.array(few)).to_pylist() == ["a", "b"] * 250
    assert columns._first_filled(pa.array(["\t"] * 3000)).to_pylist() == []


def test_a_family_name_with_the_given_names_initial_after_it() -> None:
    cells = ["Okafor G", "OKAFOR G.", "van der Berg A.M.", "G Okafor", "JO LI", "Grace Okafor"]
    for values in (pa.array(cells), pa.array([*cells, "Zoë KILIÇ", "Müller A."])):  # both paths
        family, given = name_columns.split_column(values)
        assert family.to_pylist()[:6] == [
            "Okafor",
            "OKAFOR",
            "van der Berg",
            "Okafor",
            "LI",
            "Okafor",
        ]
        assert given.to_pylist()[:6] == ["G", "G", "A.M", "G", "JO", "Grace"]
    assert name_columns.split_column(pa.array(["Müller A."]))[0].to_pylist() == ["Müller"]


def test_given_names_then_a_family_name_of_several_words_in_capitals() -> None:
    cells = ["Anne-Marie DE LA CRUZ", "Mary Jane VAN DER BERG", "Grace A OKAFOR", "Grace OKAFOR"]
    for values in (pa.array(cells), pa.array([*cells, "Zoë KILIÇ"])):  # both paths
        family, given = name_columns.split_column(values)
        assert family.to_pylist()[:4] == ["DE LA CRUZ", "VAN DER BERG", "OKAFOR", "OKAFOR"]
        assert given.to_pylist()[:4] == ["Anne-Marie", "Mary Jane", "Grace", "Grace"]
