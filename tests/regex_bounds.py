"""A static check that a Python ``re`` pattern cannot backtrack super-linearly, and adversarial
inputs built from a pattern's own character classes.

A backtracking engine goes polynomial or exponential only where one stretch of text can be
split between two unbounded repeats in many ways: a repeat inside a repeat (star height 2),
two unbounded repeats one after the other that can take the same character with nothing
required between them that one of them cannot take, a repeat over alternatives that can start
with the same character, or a repeat whose body can match nothing. ``problems`` walks the parse
tree (``re._parser``) and names each such construction; a pattern with none is bounded by a
constant times the text per start position, and its repeats by the limits it writes.

Character sets are compared on a sample alphabet (all of Latin-1 and a few characters that
Python's Unicode classes treat specially), which is where every class in our patterns differs.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from re import _constants as C
from re import _parser as P

ALPHABET = "".join(chr(i) for i in range(256)) + "’\u2028\u3000\u0660\u0131\u017f\u212a\u00e9ß"
UNBOUNDED = C.MAXREPEAT
_REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT)
_CHARS = (C.LITERAL, C.NOT_LITERAL, C.IN, C.ANY)
_CATEGORY = {
    C.CATEGORY_DIGIT: r"\d",
    C.CATEGORY_NOT_DIGIT: r"\D",
    C.CATEGORY_SPACE: r"\s",
    C.CATEGORY_NOT_SPACE: r"\S",
    C.CATEGORY_WORD: r"\w",
    C.CATEGORY_NOT_WORD: r"\W",
}


def _chars_of(op: object, av: object, flags: int) -> frozenset[str]:
    """The sample characters one character-matching node takes."""
    ascii_only = bool(flags & re.ASCII)
    fold = bool(flags & re.IGNORECASE)

    def member(ch: str) -> bool:
        if op is C.ANY:
            return bool(flags & re.DOTALL) or ch != "\n"
        if op is C.LITERAL:
            return ch == chr(av)  # type: ignore[arg-type]
        if op is C.NOT_LITERAL:
            return ch != chr(av)  # type: ignore[arg-type]
        negate = False
        hit = False
        for iop, iav in av:  # type: ignore[attr-defined]
            if iop is C.NEGATE:
                negate = True
            elif iop is C.LITERAL:
                hit |= ch == chr(iav)
            elif iop is C.RANGE:
                hit |= iav[0] <= ord(ch) <= iav[1]
            elif iop is C.CATEGORY:
                pattern = _CATEGORY[iav]
                hit |= bool(re.fullmatch(pattern, ch, re.ASCII if ascii_only else 0))
            else:
                raise ValueError(f"class item {iop} not understood")
        return hit != negate

    def folded(ch: str) -> bool:
        return any(member(c) for c in {ch, ch.lower(), ch.upper(), ch.swapcase()} if len(c) == 1)

    return frozenset(ch for ch in ALPHABET if (folded(ch) if fold else member(ch)))


@dataclass
class _Pending:
    """An unbounded repeat that a later one may still be adjacent to."""

    name: str
    chars: frozenset[str]
    separators: list[frozenset[str]] = field(default_factory=list)


@dataclass
class _Walker:
    flags: int
    groups: dict[int, P.SubPattern] = field(default_factory=dict)
    found: list[str] = field(default_factory=list)
    count: int = 0

    # --- facts about a node -------------------------------------------------------------
    def chars(self, items: object, flags: int) -> frozenset[str]:
        """Every sample character a (sub)pattern can consume."""
        out: set[str] = set()
        for op, av in items:  # type: ignore[attr-defined]
            if op in _CHARS:
                out |= _chars_of(op, av, flags)
            elif op in _REPEATS:
                out |= self.chars(av[2], flags)
            elif op is C.SUBPATTERN:
                out |= self.chars(av[3], (flags | av[1]) & ~av[2])
            elif op is C.ATOMIC_GROUP:
                out |= self.chars(av, flags)
            elif op is C.BRANCH:
                for alt in av[1]:
                    out |= self.chars(alt, flags)
            elif op is C.GROUPREF:
                out |= self.chars(self.groups[av], flags)
            elif op is C.GROUPREF_EXISTS:
                out |= self.chars(av[1], flags)
                if av[2] is not None:
                    out |= self.chars(av[2], flags)
        return frozenset(out)

    def first(self, items: object, flags: int) -> frozenset[str]:
        """The sample characters a match of ``items`` can start with."""
        out: set[str] = set()
        for op, av in items:  # type: ignore[attr-defined]
            node = [(op, av)]
            if op in _CHARS:
                out |= _chars_of(op, av, flags)
            elif op in _REPEATS:
                out |= self.first(av[2], flags)
            elif op is C.SUBPATTERN:
                out |= self.first(av[3], (flags | av[1]) & ~av[2])
            elif op is C.ATOMIC_GROUP:
                out |= self.first(av, flags)
            elif op is C.BRANCH:
                for alt in av[1]:
                    out |= self.first(alt, flags)
            elif op in (C.GROUPREF, C.GROUPREF_EXISTS):
                out |= self.chars(node, flags)
            if not self.nullable(node):
                break
        return frozenset(out)

    def nullable(self, items: object) -> bool:
        for op, av in items:  # type: ignore[attr-defined]
            if op in _CHARS:
                return False
            if op in _REPEATS and av[0] > 0 and not self.nullable(av[2]):
                return False
            if op is C.SUBPATTERN and not self.nullable(av[3]):
                return False
            if op is C.ATOMIC_GROUP and not self.nullable(av):
                return False
            if op is C.BRANCH and not any(self.nullable(alt) for alt in av[1]):
                return False
            if op is C.GROUPREF and not self.nullable(self.groups[av]):
                return False
        return True

    def unbounded_inside(self, items: object, backtracking: bool = False) -> bool:
        """Whether ``items`` hold an unbounded repeat; with ``backtracking``, only one that can
        give characters back: a possessive repeat or an atomic group never does, so the outer
        repeat cannot split a run between its iterations and the inner one in several ways
        (unless something inside them backtracks in turn)."""
        inside = functools.partial(self.unbounded_inside, backtracking=backtracking)
        for op, av in items:  # type: ignore[attr-defined]
            if backtracking and op is C.POSSESSIVE_REPEAT:
                if inside(av[2]):
                    return True
                continue
            if op in _REPEATS and (av[1] == UNBOUNDED or inside(av[2])):
                return True
            if op is C.SUBPATTERN and inside(av[3]):
                return True
            if op in (C.ATOMIC_GROUP,) and inside(av):
                return True
            if op is C.BRANCH and any(inside(alt) for alt in av[1]):
                return True
            if op is C.GROUPREF and inside(self.groups[av]):
                return True
            if op in (C.ASSERT, C.ASSERT_NOT) and inside(av[1]):
                return True
        return False

    def repeated(self, items: object, flags: int) -> list[frozenset[str]]:
        """The characters of each unbounded repeat, outside lookarounds."""
        out: list[frozenset[str]] = []
        for op, av in items:  # type: ignore[attr-defined]
            if op in _REPEATS:
                if av[1] == UNBOUNDED:
                    out.append(self.chars(av[2], flags))
                out += self.repeated(av[2], flags)
            elif op is C.SUBPATTERN:
                out += self.repeated(av[3], (flags | av[1]) & ~av[2])
            elif op is C.BRANCH:
                for alt in av[1]:
                    out += self.repeated(alt, flags)
        return out

    # --- the walk ---------------------------------------------------------------------------
    def walk(self, items: object, pending: list[_Pending], flags: int) -> list[_Pending]:
        """Check ``items`` given the unbounded repeats still open before it; return those open
        after it."""
        for op, av in items:  # type: ignore[attr-defined]
            pending = self.node(op, av, pending, flags)
        return pending

    def node(self, op: object, av: object, pending: list[_Pending], flags: int) -> list[_Pending]:
        if op in _CHARS:
            taken = _chars_of(op, av, flags)
            return [
                _Pending(p.name, p.chars, [*p.separators, taken])
                for p in pending
                if p.chars & taken  # a character the repeat cannot take ends it
            ]
        if op is C.SUBPATTERN:
            group, add, remove, inner = av  # type: ignore[misc]
            if group is not None:
                self.groups[group] = inner
            return self.walk(inner, pending, (flags | add) & ~remove)
        if op is C.ATOMIC_GROUP:
            return self.walk(av, pending, flags)
        if op is C.BRANCH:
            out: list[_Pending] = []
            for alt in av[1]:  # type: ignore[index]
                out = _merge(out, self.walk(alt, pending, flags))
            return out
        if op in (C.ASSERT, C.ASSERT_NOT):
            # A lookaround runs at every position it is reached from: a repeat inside it counts
            # against the repeats before it, but it consumes nothing.
            self.walk(av[1], pending, flags)  # type: ignore[index]
            return pending
        if op in _REPEATS:
            return self.repeat(op, av, pending, flags)
        if op is C.GROUPREF:
            if self.unbounded_inside(self.groups[av]):  # type: ignore[index]
                self.found.append(f"back-reference to group {av}, which has an unbounded repeat")
            return self.node(C.IN, [(C.NEGATE, None)], pending, flags)
        if op is C.GROUPREF_EXISTS:
            self.found.append("conditional group: not analysed")
            return pending
        return pending  # anchors (AT): zero width, no characters

    def repeat(self, op: object, av: object, pending: list[_Pending], flags: int) -> list[_Pending]:
        low, high, body = av  # type: ignore[misc]
        if high != UNBOUNDED:
            out = pending if low == 0 else []
            current = pending
            for _ in range(min(high, 2)):  # twice shows whether one pass meets the next
                current = self.walk(body, current, flags)
                out = _merge(out, current)
            return out
        body_chars = self.chars(body, flags)
        self.count += 1
        name = f"unbounded repeat #{self.count} over {_describe(body_chars)}"
        if self.unbounded_inside(body, backtracking=True):
            self.found.append(f"star height 2: an unbounded repeat inside {name}")
        if self.nullable(body):
            self.found.append(f"{name} can repeat an empty match")
        self._disjoint_alternatives(body, flags, name)
        for p in pending:
            if p.chars & body_chars and not any(
                not (s & p.chars) or not (s & body_chars) for s in p.separators
            ):
                self.found.append(
                    f"{p.name} then {name}: both take {_describe(p.chars & body_chars)}"
                    " with no required character between them that one of them cannot take"
                )
        self.walk(body, [], flags)  # what the body does within itself
        before = pending if low == 0 else self.walk(body, pending, flags)
        if op is C.POSSESSIVE_REPEAT:
            return before  # never given back, so nothing after it can share its characters
        return _merge(before, [_Pending(name, body_chars)])

    def _disjoint_alternatives(self, body: object, flags: int, name: str) -> None:
        for op, av in body:  # type: ignore[attr-defined]
            if op is C.SUBPATTERN:
                self._disjoint_alternatives(av[3], (flags | av[1]) & ~av[2], name)
            elif op is C.BRANCH:
                firsts = [self.first(alt, flags) for alt in av[1]]
                for i, a in enumerate(firsts):
                    for b in firsts[i + 1 :]:
                        if a & b:
                            self.found.append(
                                f"{name} repeats alternatives that can both start with"
                                f" {_describe(a & b)}"
                            )
            if not self.nullable([(op, av)]):
                break


def _merge(a: list[_Pending], b: list[_Pending]) -> list[_Pending]:
    """Pending repeats of either path; one open on both keeps the separators common to both."""
    out = {p.name: p for p in a}
    for p in b:
        if p.name in out:
            common = [s for s in out[p.name].separators if s in p.separators]
            out[p.name] = _Pending(p.name, p.chars, common)
        else:
            out[p.name] = p
    return list(out.values())


def _describe(chars: frozenset[str]) -> str:
    sample = "".join(sorted(chars)[:12])
    return f"{len(chars)} chars like {sample!r}"


def problems(pattern: re.Pattern[str] | re.Pattern[bytes]) -> list[str]:
    """Every construction in ``pattern`` that lets a backtracking engine go super-linear."""
    source = pattern.pattern
    if isinstance(source, bytes):  # a bytes pattern's classes are ASCII ones
        tree = P.parse(source.decode("latin-1"), pattern.flags)
        flags = tree.state.flags | re.ASCII
    else:
        tree = P.parse(source, pattern.flags)
        flags = tree.state.flags
    walker = _Walker(flags)
    walker.walk(tree, [], flags)
    return walker.found


# --- adversarial inputs ---------------------------------------------------------------------


def _witnesses(items: object, flags: int, walker: _Walker, k: int) -> list[str]:
    """Strings that walk ``items`` (each unbounded repeat taken ``k`` times), one per branch."""
    out = [""]
    for op, av in items:  # type: ignore[attr-defined]
        if op in _CHARS:
            chars = sorted(_chars_of(op, av, flags))
            printable = [c for c in chars if c.isascii() and c.isprintable()]
            parts = [(printable or chars or [""])[0]]
        elif op is C.SUBPATTERN:
            parts = _witnesses(av[3], (flags | av[1]) & ~av[2], walker, k)
        elif op is C.ATOMIC_GROUP:
            parts = _witnesses(av, flags, walker, k)
        elif op is C.BRANCH:
            parts = [w for alt in av[1] for w in _witnesses(alt, flags, walker, k)]
        elif op in _REPEATS:
            times = k if av[1] == UNBOUNDED else max(av[0], min(av[1], k))
            parts = [w * times for w in _witnesses(av[2], flags, walker, k)[:4]]
        else:
            parts = [""]
        # Cut at ``LONGEST`` characters: repeats inside repeats multiply, and the stretched
        # inputs are ~``length`` long anyway.
        out = [(a + b)[:_LONGEST] for a in out for b in parts][:64]
    return out


_LONGEST = 200_000


def adversarial(pattern: re.Pattern[str], length: int) -> Iterator[str]:
    """Near-matches of ``pattern`` about ``length`` characters long: each witness cut short and
    repeated, and each with every unbounded repeat stretched, then spoilt at the end by a NUL
    (which no class of ours takes)."""
    tree = P.parse(pattern.pattern, pattern.flags)
    walker = _Walker(tree.state.flags)
    flags = tree.state.flags
    shorts = list(dict.fromkeys(_witnesses(tree, flags, walker, 2)))[:8]
    for short in shorts:
        cuts = sorted({len(short), *range(1, len(short), max(1, len(short) // 6))})
        for cut in cuts:
            prefix = short[:cut]
            if prefix:
                yield prefix * max(1, length // len(prefix)) + "\x00"
    for stretched in list(dict.fromkeys(_witnesses(tree, flags, walker, length // 4)))[:8]:
        yield stretched[:length] + "\x00"
        yield stretched[: length - 1] + "\x00"
    # A run a repeat takes, of a letter and a character that is no letter: every second
    # position is a word boundary, so a repeat behind ``\b`` is tried from each.
    for chars in walker.repeated(tree, flags):
        word = [c for c in sorted(chars) if c.isascii() and c.isalnum()]
        other = [c for c in sorted(chars) if c.isascii() and c.isprintable() and not c.isalnum()]
        if word and other:
            yield (word[0] + other[0]) * (length // 2) + "\x00"
