"""Name columns: family and given names split out of a table's name cells, titles taken off,
vectorised (a cell at a time only over a column's few distinct cells, ``detect.cellwise``).

Free-text names (labels, titles, HL7 XPN, capitals before a date of birth) are ``detect.names``.
"""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

from breachdesk.detect import cellwise, name_ages
from breachdesk.detect.given_names import (
    column_family_first,
    reorder_column,
    two_words,
)
from breachdesk.detect.names import LOWER, PARTICLES, TITLES, UPPER

_TITLE_PREFIX = rf"(?i)^\s*(?:{TITLES}\.?\s+)"
# ... and one after the name in brackets: "Smith (Mr)", "OKAFOR, Grace (Mrs)".
_TITLE_SUFFIX = rf"(?i)\s*\((?:{TITLES})\.?\)\s*$"
_COMMA = rf"^\s*(?P<family>[^,^]+?)\s*,\s*(?:(?i:{TITLES})\.?\s+)?(?P<given>[^\s,]+)"
_CARET_CELL = r"^\s*(?P<family>[^\^]+)\^(?P<given>[^\^]*)"
# "DA SILVA Tomasz", "MÜLLER Zoë": the family name in capitals, however many words, then given
# ("ST. JOHN-BAPTISTE Amélie": a saint's abbreviation keeps its full stop).
_CAPS_FIRST = (
    rf"^\s*(?P<family>[{UPPER}][{UPPER}'\-]+\.?(?:\s+[{UPPER}][{UPPER}'\-]+)*)\s+"
    rf"(?P<given>[{UPPER}][{LOWER}]\S*)(?:\s+\S+)*\s*$"
)
# "Anne-Marie DE LA CRUZ", "Mary Jane VAN DER BERG": given names written as names, then a
# family name of several words in capitals (one word is the last word's, ``_SPACED``).
_CAPS_LAST = (
    rf"^\s*(?P<given>[{UPPER}][{LOWER}]\S*(?:\s+[{UPPER}][{LOWER}]\S*)*)\s+"
    rf"(?P<family>[{UPPER}][{UPPER}'\-]+(?:\s+[{UPPER}][{UPPER}'\-]+)+)\s*$"
)
# The last word the family name's, with the particles before it ("Kayleigh De Souza", "Pieter
# van der Berg"): the middle words are taken as few as may be, so the particles go to the
# family name; a particle written first is a given name ("Da Silva": given Da).
_PARTICLE_WORDS = rf"(?:(?i:{'|'.join(PARTICLES)})\s+)*"
_SPACED = rf"^\s*(?P<given>\S+)(?:\s+\S+)*?\s+(?P<family>{_PARTICLE_WORDS}\S+)\s*$"


# The same for Python's ``re`` on short cells (see ``cellwise``): RE2's ``\s`` is exactly
# ``[\t\n\f\r ]`` and its ``$`` is ``\Z``. Every form is anchored at the start, so ``match``.
# The titles are matched case-insensitively as RE2 does on any text: ASCII case folding, and the
# long s (RE2 folds it with "s"; the dotless and dotted i, which Python folds with "i", it does
# not; no title has a "k" for the Kelvin sign). Every other class here is explicit, so these
# forms read every character as RE2 does (pinned over every code point in the tests), and a
# column of accented or Turkish names takes the Python path too.
_S, _NS = r"[\t\n\f\r ]", r"[^\t\n\f\r ]"
_TITLES_PY = TITLES.replace("s", "[s\u017f]")
_RE2_CASE = re.ASCII | re.IGNORECASE
_TITLE_PREFIX_PY = re.compile(rf"^{_S}*(?:{_TITLES_PY}\.?{_S}+)", _RE2_CASE)
# Leading and trailing spaces are left in the groups (the caller strips them) rather than given
# repeats of their own that a backtracking engine could share a run of spaces between.
_WAYS_PY = (
    re.compile(
        rf"(?P<family>[^,^]+),{_S}*(?:(?i:{_TITLES_PY})\.?{_S}+)?(?P<given>[^\t\n\f\r ,]+)",
        re.ASCII,
    ),
    re.compile(r"(?P<family>[^\^]+)\^(?P<given>[^\^]*)"),
    re.compile(
        # Possessive: a word in capitals is never a given name, so none is ever given back.
        rf"{_S}*(?P<family>[{UPPER}][{UPPER}'\-]++\.?+(?:{_S}++[{UPPER}][{UPPER}'\-]++)*+){_S}+"
        rf"(?P<given>[{UPPER}][{LOWER}]{_NS}*)(?!{_NS})"
    ),
    re.compile(
        rf"{_S}*(?P<given>[{UPPER}][{LOWER}]{_NS}*+(?:{_S}++[{UPPER}][{LOWER}]{_NS}*+)*+){_S}++"
        rf"(?P<family>[{UPPER}][{UPPER}'\-]++(?:{_S}++[{UPPER}][{UPPER}'\-]++)++){_S}*+\Z"
    ),
    re.compile(rf"{_S}*(?P<given>{_NS}+){_S}(?:[\s\S]*{_S})?(?P<family>{_NS}+){_S}*\Z"),
)


# (Searched in a cell with its trailing spaces taken off, and those before it taken off after,
# as RE2 takes ``\s*`` either side: one try per "(", not a scan of each run of spaces.)
_TITLE_SUFFIX_PY = re.compile(rf"\((?:{_TITLES_PY})\.?\)\Z", _RE2_CASE)
_RE2_SPACES = "\t\n\f\r "


def _strip_title_cell(cell: str) -> str:
    cell = _TITLE_PREFIX_PY.sub("", cell, count=1)
    if "(" in cell:
        bare = cell.rstrip(_RE2_SPACES)
        found = _TITLE_SUFFIX_PY.search(bare)
        if found:
            cell = bare[: found.start()].rstrip(_RE2_SPACES)
    return cell.strip()  # ASCII: strip() trims as Arrow does


# ``_TITLE_PREFIX_PY`` at the start of any of the cells, each after a NUL (no NUL is a space or a
# title's letter, so a match cannot run across cells): one search, tried only at the NULs, says
# whether any cell of a column has a title to strip. A cell holding a NUL can only add a match,
# never hide one. A title is followed by whitespace: cells with none have no title either.
_TITLE_IN_JOINED = re.compile(rf"\x00{_S}*(?i:{_TITLES_PY})\.?{_S}+", re.ASCII)


def _strip_title_cells(cells: list[str | None]) -> list[str | None]:
    """``_strip_title_cell`` of each cell (None stays None), an age after the name cut off
    first (``name_ages``)."""
    cells = name_ages.cut_cells(cells)
    present = [c for c in cells if c is not None]
    joined = "\x00" + "\x00".join(present)
    spaced = any(space in joined for space in "\t\n\f\r ")
    if "(" not in joined and (not spaced or _TITLE_IN_JOINED.search(joined) is None):
        return [None if c is None else c.strip() for c in cells]
    return [None if c is None else _strip_title_cell(c) for c in cells]


# ``_WAYS_PY[0]`` (the commonest way, "SMITH, John") over cells joined with NULs, each match
# running to its cell's end: one ``findall`` reads every cell, a cell it does not fit giving two
# empty groups (a fit fills both). No class takes a NUL, so no match runs across cells; the
# repeats are possessive where the pattern's next character cannot continue them, which
# changes no match.
_COMMA_JOINED = re.compile(
    rf"(?:(?P<family>[^,^\x00]++),{_S}*+(?:(?i:{_TITLES_PY})\.?{_S}++)?"
    r"(?P<given>[^\t\n\f\r ,\x00]++))?[^\x00]*+(?:\x00|\Z)",
    re.ASCII,
)


def _split_cells(
    cells: list[str | None], family_first: bool | None = None
) -> list[tuple[str | None, str | None]]:
    """``_split_stripped`` of each cell (None gives no names), a column's "A B" names read
    family first where its header says so (``family_first``) or, where it does not say, its
    names do (``given_names.column_family_first``)."""
    present = [c for c in cells if c is not None]
    joined = "\x00".join(present)
    if len(present) < len(cells) or joined.count("\x00") != len(present) - 1:
        parts = [(None, None) if c is None else _split_stripped(c) for c in cells]
    else:
        # (``findall`` may add an empty match at the very end: one more than there are cells.)
        found = _COMMA_JOINED.findall(joined)[: len(present)]
        ways = _NO_COMMA if "^" in joined else _NO_CARET  # (the caret's way needs one)
        parts = [
            (family.strip(), given.strip()) if family else _split_stripped(cell, ways)
            for cell, (family, given) in zip(present, found, strict=True)
        ]
    for i, (family, given) in enumerate(parts):
        if given and given.casefold() in _GIVEN_OPENERS and (cell := cells[i]) is not None:
            parts[i] = (family, _whole_given(cell, given))
    two = [(i, words) for i, c in enumerate(cells) if c and (words := two_words(c)) is not None]
    if two and (
        column_family_first(words for _, words in two) if family_first is None else family_first
    ):
        for i, words in two:
            parts[i] = words
    return parts


# Words that open a given name of two ("NGUYEN, Thi Lan", "RAHMAN, Abdul Karim", "Siti
# Aishah"): never the whole given name, where a comma's cell is otherwise read to its first word.
_GIVEN_OPENERS = frozenset({"thi", "thị", "văn", "abdul", "abd", "siti"})


def _whole_given(cell: str, given: str) -> str:
    """``given`` with the capitalised word after it in ``cell``, when there is one."""
    at = cell.find(given)
    rest = cell[at + len(given) :].split(None, 1) if at != -1 else []
    word = rest[0].rstrip(",;") if rest else ""
    return f"{given} {word}" if word[:1].isupper() and word.isalpha() else given


_OPENERS = pa.array(sorted(_GIVEN_OPENERS), pa.string())
# (RE2, on the whole cell: the opener, its spaces and the capitalised word after it)
_WHOLE_GIVEN = (
    rf"(?P<given>(?:^|[\s,])(?i:{'|'.join(sorted(_GIVEN_OPENERS))})\s+[{UPPER}][{LOWER}]+)"
)


def _whole_given_column(values: pa.Array, given: pa.Array) -> pa.Array:
    """``_whole_given`` over a column: asked only where a given name read is an opener."""
    opens = pc.fill_null(pc.is_in(pc.utf8_lower(given), value_set=_OPENERS), False)
    if not pc.any(opens).as_py():
        return given
    found = pc.struct_field(pc.extract_regex(values, _WHOLE_GIVEN), "given")
    found = pc.utf8_ltrim(found, characters=" \t\n\r\f,")
    return pc.if_else(opens, pc.coalesce(found, given), given)


# The ways after the comma's, for a cell ``_COMMA_JOINED`` has found written no comma's way (its
# group reads exactly where ``_WAYS_PY[0]`` matches).
_NO_COMMA = _WAYS_PY[1:]
_NO_CARET = _WAYS_PY[2:]


def _split_stripped(
    cell: str, ways: tuple[re.Pattern[str], ...] = _WAYS_PY
) -> tuple[str | None, str | None]:
    """Family and given name of one cell whose title ``_strip_title_cells`` has stripped (of
    ``ways``, the first that matches)."""
    for way in ways:
        found = way.match(cell)
        if found:
            family, given = found["family"], found["given"]
            if way is _WAYS_PY[-1] and _INITIALS_PY.fullmatch(family):
                return _before_initials(cell)
            if way is _WAYS_PY[-1]:
                return _with_particles(cell, found.start("family")), given.strip()
            return family.strip(), given.strip()
    return (cell, None) if cell else (None, None)


_PARTICLE_SET = frozenset(PARTICLES)


def _with_particles(cell: str, start: int) -> str:
    """The family name starting at ``start`` with the particles written before it, up to the
    first word (``_SPACED``: "Kayleigh De Souza" is family De Souza)."""
    words = [found.span() for found in _WORD_PY.finditer(cell, 0, start)]
    first = len(words)
    while first > 1 and cell[slice(*words[first - 1])].casefold() in _PARTICLE_SET:
        first -= 1
    return cell[words[first][0] if first < len(words) else start :].strip()


def _before_initials(cell: str) -> tuple[str, str]:
    """``_INITIALS_LAST`` of a cell whose last word is an initial: the initials after the first
    word that run to the end are the given names', the words before them the family name."""
    words = [found.span() for found in _WORD_PY.finditer(cell)]
    first = len(words) - 1
    while first > 1 and _INITIALS_PY.fullmatch(cell, *words[first - 1]):
        first -= 1
    start = words[first][0]
    return cell[:start].strip(), cell[start:].strip().rstrip(".")


# "Okafor G", "OKAFOR G.", "van der Berg A.M.", "NGUYEN T H": a family name with the given
# names' initials after it, as a results list prints a name to fit its column. Read as given
# then family, the last initial was the family name. (Two capitals without dots, "LI", are a
# name: "JO LI".) The first word is the family name's whatever it is ("A B": family A).
_INITIALS = r"[A-Z](?:\.|\.[A-Z]\.?)?"
_INITIALS_PY = re.compile(_INITIALS)
_INITIALS_LAST = rf"(?s)^\s*(?P<family>.*?\S)\s+(?P<given>{_INITIALS}(?:\s+{_INITIALS})*)\s*$"
_WORD_PY = re.compile(_NS + "+")


def _any_match(values: pa.Array, pattern: str) -> bool:
    return bool(pc.any(pc.match_substring_regex(values, pattern)).as_py())


def strip_title(values: pa.Array) -> pa.Array:
    found = cellwise.distinct_ascii(values, any_text=True)
    if found is not None:
        index, cells = found
        return cellwise.map_back(index, _strip_title_cells(cells))[0]
    values = name_ages.cut_column(values)
    # A title is followed by whitespace: a column of single words ("SMITH") has none to strip,
    # and a tiny regex to see so costs a fraction of compiling the titles' alternation.
    if _any_match(values, r"\s"):
        values = pc.replace_substring_regex(values, _TITLE_PREFIX, "")
    if _any_match(values, r"\("):
        values = pc.replace_substring_regex(values, _TITLE_SUFFIX, "")
    return pc.utf8_trim_whitespace(values)


def strip_title_filled(values: pa.Array) -> pa.Array | None:
    """``strip_title`` with empty cells made null, read straight off the distinct cells when
    the column takes the Python path (its cells come back stripped as Arrow trims); None when it
    does not, for the caller to clean ``strip_title``'s column itself."""
    found = cellwise.distinct_ascii(values, any_text=True)
    if found is None:
        return None
    index, cells = found
    return cellwise.map_back(index, [c or None for c in _strip_title_cells(cells)])[0]


def split_column_filled(
    values: pa.Array, family_first: bool | None = None
) -> tuple[pa.Array, pa.Array] | None:
    """``split_column`` with empty parts made null, when the column takes the Python path (as
    ``strip_title_filled``); else None."""
    found = cellwise.distinct_ascii(pc.cast(values, pa.string()), any_text=True)
    if found is None:
        return None
    index, cells = found
    parts = _split_cells(_strip_title_cells(cells), family_first)
    family, given = cellwise.map_back(
        index, [f or None for f, _ in parts], [g or None for _, g in parts]
    )
    return family, given


_NULL = pa.scalar(None, pa.string())


def _first_of(arrays: list[pa.Array], n: int) -> pa.Array:
    if not arrays:
        return pa.nulls(n, pa.string())
    return pc.coalesce(*arrays) if len(arrays) > 1 else arrays[0]


def split_column(values: pa.Array, family_first: bool | None = None) -> tuple[pa.Array, pa.Array]:
    """Family and given names from a full-name column, whichever way each cell is written ("A
    B" names family first where ``family_first`` or, it None, the column's names say so)."""
    values = pc.cast(values, pa.string())
    found = cellwise.distinct_ascii(values, any_text=True)
    if found is not None:
        index, cells = found
        stripped = _strip_title_cells(cells)
        parts = _split_cells(stripped, family_first)
        family, given = cellwise.map_back(index, [f for f, _ in parts], [g for _, g in parts])
        return family, given
    values = strip_title(values)
    spaced = _any_match(values, r"\s")
    # Each way of writing a name needs its mark (a comma, a caret, a space): a way no cell can be
    # written in would find nothing, so its regex is not compiled and run.
    ways = [
        pattern
        for pattern, needed in (
            (_COMMA, ","),
            (_CARET_CELL, "^"),
            (_CAPS_FIRST, ""),
            (_CAPS_LAST, ""),
            (_SPACED, ""),
        )
        if (spaced if not needed else pc.any(pc.match_substring(values, needed)).as_py())
    ]
    families: list[pa.Array] = []
    givens: list[pa.Array] = []
    # Each way reads only the cells no earlier way has read: a match fills both parts (if only
    # with ""), so an earlier match decides both and a later regex need not see the cell.
    pending = values
    for number, pattern in enumerate(ways, start=1):
        found = pc.extract_regex(pending, pattern)
        family = pc.struct_field(found, "family")
        families.append(family)
        givens.append(pc.struct_field(found, "given"))
        if number < len(ways):
            pending = pc.if_else(pc.is_null(family), pending, _NULL)
    family, given = reorder_column(
        values, _first_of(families, len(values)), _first_of(givens, len(values)), family_first
    )
    single = pc.and_(
        pc.is_null(family), pc.greater(pc.utf8_length(values), pa.scalar(0, pa.int32()))
    )
    family = pc.if_else(single, values, family)  # one word: take it as the family name
    given = _whole_given_column(values, given)
    if _SPACED in ways:  # "Okafor G" read given first: the initial is the given name's
        spaced = families[ways.index(_SPACED)]
        initial = pc.and_(
            pc.match_substring_regex(family, f"^{_INITIALS}$"), pc.equal(family, spaced)
        )
        initial = pc.fill_null(initial, False)
        if initial.true_count:
            parts = pc.extract_regex(values, _INITIALS_LAST)
            initials = pc.utf8_rtrim(pc.struct_field(parts, "given"), characters=".")
            given = pc.if_else(initial, initials, given)
            family = pc.if_else(initial, pc.struct_field(parts, "family"), family)
    return pc.utf8_trim_whitespace(family), pc.utf8_trim_whitespace(given)


# A name column's header that names both parts says the column holds the whole name, in the
# order it names them: "Name (Last, First)", "Surname, Forename", "First Last". (The header
# "Name last" alone is the family name's.)
_FAMILY_WORDS = frozenset({"last", "lastname", "surname", "family", "familyname"})
_GIVEN_WORDS = frozenset({"first", "firstname", "forename", "forenames", "given", "givenname"})
_SPANISH = frozenset({"surname", "family", "familyname"})  # "first surname": primer apellido


def both_parts(words: list[str]) -> bool:
    """Whether a header's words (folded) name both the family and the given name."""
    # ("Surname (first 3)": part of the family name, not the given name; "First surname", a
    # Spanish name's first family name.)
    if any(word.isdigit() for word in words):
        return False
    given = any(
        word in _GIVEN_WORDS and not (word == "first" and after in _SPANISH)
        for word, after in zip(words, [*words[1:], ""], strict=True)
    )
    return given and not _FAMILY_WORDS.isdisjoint(words)


def header_order(words: list[str]) -> bool | None:
    """Whether a full-name column's header (its words, folded) says its names are written
    family name first ("Name (Surname Forename)", "Last First"): True, given name first ("Name
    (First Last)"): False, or None where it names one part or neither. A system writes all its
    names one way, and its header saying which settles "Okonjo Adaeze", which the name lists
    may not."""
    if not words or not both_parts(words):
        return None
    family = next(i for i, word in enumerate(words) if word in _FAMILY_WORDS)
    given = next(
        i
        for i, (word, after) in enumerate(zip(words, [*words[1:], ""], strict=True))
        if word in _GIVEN_WORDS and not (word == "first" and after in _SPANISH)
    )
    return family < given
