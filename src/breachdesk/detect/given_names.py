"""Which word of a two-word name is the given name, where the writing does not say.

"Grace Okafor" and "Okafor Grace", or "OKAFOR GRACE" after a label: with no comma, caret or
capitals to mark the family name, the order is a guess. Lab systems print family names first
and letters write given names first, so neither default is safe. What decides it here is which
word is known as a given name and which as a family name, in Faker's name lists for the
countries London's patients come from (lists compiled from national statistics: the ONS's for
Britain). A word counts as a given name where more of those lists hold it as one than as a
family name ("Grace" is a family name in Ireland's list, a given name in most), and as a family
name the other way round; only a name with one word of each kind, three lists apart, is ordered
by them. A column's names vote; in running text, where given names come first, only a name in
capitals ("PATIENT: OKAFOR GRACE", as lab systems print them) is asked.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache

import pyarrow as pa
import pyarrow.compute as pc

# Faker's person providers for the languages most spoken in London, in the Latin script the
# records are written in.
_LOCALES = (
    "en_GB", "en_IE", "en_US", "en_NZ", "en_IN", "en_NG", "en_KE", "en_PK", "ga_IE", "pl_PL",
    "ro_RO", "lt_LT", "lv_LV", "bg_BG", "pt_PT", "pt_BR", "es_ES", "it_IT", "fr_FR", "de_DE",
    "tr_TR", "hu_HU", "cs_CZ", "sk_SK", "hi_IN", "ig_NG", "ha_NG", "tw_GH", "sw", "nl_NL",
)  # fmt: skip


def _key(word: str) -> str:
    """A word without case or accents: "ZOË", "Zoe" and "zoë" are one name."""
    folded = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in folded if not unicodedata.combining(c))


def _words(value: object, depth: int = 0) -> set[str]:
    # A provider's list is a tuple, a dict of names to weights, or lists of such (Polish
    # family names by sex); some attributes are properties.
    if isinstance(value, str):
        return {_key(value)}
    if depth > 2 or not isinstance(value, tuple | list | dict):
        return set()
    return {word for item in value for word in _words(item, depth + 1)}


def _lists(provider: type, kind: str) -> set[str]:
    """Every name a provider lists under an attribute naming ``kind`` (``first_names``,
    ``first_names_male``, ``male_last_names``...)."""
    words: set[str] = set()
    for attribute in dir(provider):
        if kind in attribute and attribute.endswith("names"):
            words |= _words(getattr(provider, attribute, None))
    return words


@cache
def _kinds() -> dict[str, int]:
    """Each known word's lists as given name less its lists as family name."""
    score: Counter[str] = Counter()
    for locale in _LOCALES:
        try:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except (ImportError, AttributeError):
            continue  # a Faker release without this locale
        score.update(_lists(provider, "first_name"))
        score.subtract(_lists(provider, "last_name"))
    return {word: n for word, n in score.items() if n}


# Each word's ``kind`` as asked: a name column asks it of every cell's two words, and a dump
# repeats its names across thousands of tables, where ``_key``'s folding costs more than the
# look-up. (Cleared when full: a bound, not a policy.)
_KIND_OF: dict[str, int] = {}
_KIND_CACHED = 1 << 16


def kind(word: str) -> int:
    """How many more of the lists hold ``word`` as a given name than as a family name (negative:
    a family name), 0 where they do not tell."""
    found = _KIND_OF.get(word)
    if found is None:
        if len(_KIND_OF) >= _KIND_CACHED:
            _KIND_OF.clear()
        found = _kinds().get(_key(word), 0) or (-_MARGIN if _GAELIC_SHAPE.match(word) else 0)
        _KIND_OF[word] = found
    return found


# A family name by its shape where the lists do not know it: "MacLeod", "McAllister", "O'Neill",
# "D'Souza" (no given name is written with an inner capital after Mac, Mc or an apostrophe).
_GAELIC_SHAPE = re.compile(r"(?:Ma?c|[OD]['’])[A-Z][a-z]+$")


def family_first(first: str, second: str) -> bool | None:
    """True when ``first`` is a family name and ``second`` a given name, False the other way
    round, None when the lists cannot tell (unknown words, or two of a kind)."""
    a, b = kind(first), kind(second)
    # Lists apart by one either way are no evidence ("Abdi" is a family name in one list more
    # than a given name, "Mason" the reverse): the two must be three lists apart.
    if a < 0 < b and b - a >= _MARGIN:
        return True
    if b < 0 < a and a - b >= _MARGIN:
        return False
    return None


_MARGIN = 3


def two_words(cell: str) -> tuple[str, str] | None:
    """The words of a name written "A B" with nothing to say which is the family name: two
    words, no comma or caret, and not one in capitals beside one that is not (that one is the
    family name already)."""
    if "," in cell or "^" in cell:
        return None
    words = cell.split()
    if len(words) != 2:
        return None
    a, b = words
    if (a.isupper() and len(a) > 1) != (b.isupper() and len(b) > 1):
        return None
    return a, b


def column_family_first(pairs: Iterable[tuple[str, str]]) -> bool:
    """Whether a column's names written "A B" put the family name first: a system writes all its
    names one way, so the column's names vote, and family first must win twice over."""
    votes = Counter(family_first(a, b) for a, b in pairs)
    return votes[True] > 2 * votes[False]


def reorder_column(
    values: pa.Array, family: pa.Array, given: pa.Array, family_first: bool | None = None
) -> tuple[pa.Array, pa.Array]:
    """A full-name column's parts with its "A B" names read family first, where its header says
    so (``family_first``) or, where it does not say, the column's names do
    (``column_family_first``); else as they are."""
    pairs = {
        cell: words
        for cell in pc.unique(values).to_pylist()
        if cell and (words := two_words(cell)) is not None
    }
    if not pairs or not (
        column_family_first(pairs.values()) if family_first is None else family_first
    ):
        return family, given
    where = pc.index_in(values, pa.array(list(pairs), pa.string()))
    first = pa.array([a for a, _ in pairs.values()], pa.string())
    second = pa.array([b for _, b in pairs.values()], pa.string())
    known = pc.is_valid(where)
    return (
        pc.if_else(known, pc.take(first, where), family),
        pc.if_else(known, pc.take(second, where), given),
    )


# A column of names split in two with a header the synonyms do not know (a headerless export's
# "column_3", another language's "Nachname"): at least this share of its distinct names known
# as family names, beside a column as sure of given names.
_NAME_SHARE = 0.6
_MARKS = str.maketrans("", "", "'’-")
# Forenames with a middle name ("KEITH JOHN"), family names of two words ("DA SILVA"): fewer
# than this share of a column's distinct names may have more than one word.
_MANY_WORDS = 0.5
# A pair whose other column the lists know less well (Yorkshire's "Ashworth" and
# "Barraclough" are in none of them) is a pair only this near a column that says who the row
# is (an NHS number, a date of birth): a headerless export writes its patient's names there.
_NEAR = 2


def _is_word(text: str) -> bool:
    """Letters, with an apostrophe or a hyphen inside ("O'Neill", "Smith-Jones")."""
    return text[:1].isalpha() and text[-1:].isalpha() and text.translate(_MARKS).isalpha()


def _name_shares(cells: list[str]) -> tuple[float, float] | None:
    """The shares of a column's distinct names known as family names (by their last word) and
    as given names (by their first), or None where its cells are not names: a word each, a
    minority of them two or three words."""
    names = {c.strip() for c in cells if c and c.strip()}
    if len(names) < 3:
        return None
    words = [name.split() for name in names]
    if not all(len(w) <= 3 and all(map(_is_word, w)) for w in words):
        return None
    if sum(len(w) > 1 for w in words) >= _MANY_WORDS * len(names):
        return None
    return (
        sum(kind(w[-1]) < 0 for w in words) / len(names),
        sum(kind(w[0]) > 0 for w in words) / len(names),
    )


def _pair_side(share: float, other: float) -> int:
    """How sure a column is of its part of a pair: 2 where most of its names are known so, 1
    where some are and more than are known as the other part, else 0."""
    if share >= _NAME_SHARE:
        return 2
    return 1 if share > other else 0


def name_columns(
    samples: dict[int, list[str]], anchors: Sequence[int] = ()
) -> tuple[int, int] | None:
    """Of columns' sampled cells, the column of family names and the column of given names:
    two neighbouring columns (either way round), one mostly known names of its part, the other
    too or, near an ``anchors`` column (one that says who the row is), holding some. Of several
    such pairs (the patient's, then a clinician's), the one nearest an anchor."""
    shares = {i: found for i, cells in samples.items() if (found := _name_shares(cells))}
    pairs: list[tuple[int, float, int, int]] = []
    for left in shares:
        right = left + 1
        if right not in shares:
            continue
        # (How many columns away the nearest anchor is: 1 beside the pair.)
        gaps = [max(a - right, left - a) for a in anchors if a not in (left, right)]
        near = min(gaps, default=_NEAR + 1)
        for family, given in ((left, right), (right, left)):
            f, g = shares[family][0], shares[given][1]
            sure = (_pair_side(f, shares[family][1]), _pair_side(g, shares[given][0]))
            if 2 in sure and min(sure) >= 1 and (min(sure) == 2 or near <= _NEAR):
                pairs.append((near, -(f + g), family, given))
    if not pairs:
        return None
    _, _, family, given = min(pairs)
    return family, given


def full_name_column(samples: dict[int, list[str]]) -> int | None:
    """Of columns' sampled cells, the first that holds whole names: mostly two or three words
    with a given name the lists know first or last ("Grace Okafor", "OKAFOR Grace"), or
    family and given names parted by a caret, as HL7 writes them ("OKAFOR^GRACE")."""
    for index, cells in samples.items():
        names = {c.strip() for c in cells if c and c.strip()}
        if len(names) < 3:
            continue
        careted = sum(1 for c in names if c.count("^") in (1, 2) and _caret_words(c))
        if careted >= 0.8 * len(names):
            return index
        words = [c.split() for c in names]
        spaced = [w for w in words if 2 <= len(w) <= 3 and all(map(_is_word, w))]
        known = sum(1 for w in spaced if kind(w[0]) > 0 or kind(w[-1]) > 0)
        if len(spaced) >= 0.8 * len(names) and known >= _NAME_SHARE * len(names):
            return index
    return None


def _caret_words(cell: str) -> bool:
    parts = [p for p in cell.split("^") if p]
    return len(parts) >= 2 and all(_is_word(w) for p in parts[:2] for w in p.split())
