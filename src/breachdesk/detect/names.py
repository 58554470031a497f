"""Person names in free text: labelled, titled, HL7 XPN, before a date of birth, in capitals,
or before a date where the name lists know the words as a given and a family name (name
columns are split in ``detect.name_columns``).

Clinicians and staff are named all over a lab's files; a name after "Dr", "requested by",
"authorised by" and the like is staff, never the patient.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterator
from typing import Any

from breachdesk.detect import name_addressee, name_lines
from breachdesk.detect.base import Mention
from breachdesk.detect.given_names import family_first
from breachdesk.detect.given_names import kind as given_kind
from breachdesk.detect.name_context import NOT_NAMES as _STOP
from breachdesk.detect.name_context import (
    about_a_test,
    caps_family_before,
    doctor_before,
    doctor_titled,
    given_before,
    given_before_nhs,
    listed_test,
    nhs_label_at,
    order,
    organisation_named,
    relative_before,
    session_title_before,
    staff_before,
    surname_prefix,
    thing_named,
)
from breachdesk.detect.name_context import (
    is_caps as _is_caps,
)

_TITLE_WORDS: tuple[str, ...] = ("mr", "mrs", "ms", "miss", "mx", "master", "dr", "prof", "rev")
_TITLE_WORDS += ("sir", "dame", "lady", "lord")
TITLES = rf"(?:{'|'.join(_TITLE_WORDS)})"
_SP = r"[^\S\n]"  # a space that is not a line break: a name never runs onto the next line
_LETTER = r"[^\W\d_]"
_TOKEN = rf"{_LETTER}(?:{_LETTER}|['’\-](?={_LETTER})){{0,63}}"


# Each rule below opens with the character class its first letter is in and puts its leading
# lookbehind or ``\b`` straight after that letter (``\b`` before a letter is "no word character
# before it"): ``re`` then skips to such letters before trying a match, where a pattern that
# opens with an assertion is tried at every position, several times the cost on a log line.
# The matches are the same; tests/test_detect_fast_paths.py checks them against the plain forms.
# (The HL7 caret rule cannot open with a class ``re`` skips on: see ``_caret_matches``.)
# Under IGNORECASE the first letter is a case-sensitive class holding every letter ``re`` folds
# to the labels' first letters (``ſ`` is an ``s``), so ``re`` can skip to it.
# Family names with particles ("van der Berg", "de la Cruz", "al Hassan"): up to three particles
# before the name's last word, in any case, where a family name follows a given name or a
# family-name key. Not where a name opens ("Al SMITH", "Den GILES": given names that are
# particles too); "VAN DER BERG, Pieter" is read by the capitals rule.
_PARTICLES: tuple[str, ...] = ("van", "von", "der", "den", "de", "del", "della", "di", "da", "du")
_PARTICLES += ("dos", "das", "la", "le", "al", "el", "bin", "ibn", "ter", "ten", "ap")
# Irish and Scottish Gaelic: "Áine Ó Súilleabháin", "Siobhán Ní Bhriain", "Seán Mac Giolla".
_PARTICLES += ("ó", "ní", "nic", "mac", "uí", "ni", "ui")  # (a text message drops the fadas)
_PARTICLES += ("o",)  # "O BRIEN": a system that keeps no apostrophe writes O'Brien so
# Those that open a family name after a title with no given name between ("Mr Ó Briain", "Ms Ni
# Bhriain"); "Mr Van Thanh" is a given name.
_GAELIC = frozenset({"ó", "ní", "nic", "mac", "uí", "ni", "ui", "o"})
PARTICLES = _PARTICLES  # (``name_columns`` gives a full name's family name its particles)
_PARTICLE = rf"(?i:{'|'.join(_PARTICLES)})"
_FAMILY = rf"(?:{_PARTICLE}{_SP}+){{0,3}}{_TOKEN}"
# "Ms G. Okafor", "Mr J Smith": a given name written as its initial, a lone letter and a dot.
# Further initials (up to three) ride in the separator: "Dr J. A. Smith" is J Smith. Bounded,
# not a repeat inside a repeat.
_INITIAL_SEP = rf"(?<!{_LETTER}{_LETTER})\.(?:{_SP}?{_LETTER}\.){{0,3}}{_SP}++"
# "Grace A. Okafor": a middle initial's dot before the family name.
_MIDDLE_INITIAL = rf"(?:(?<!{_LETTER}{_LETTER})\.)?"
_PARTICLE_CAPS = rf"(?:{'|'.join(p.upper() for p in _PARTICLES)})"
_LABELLED = re.compile(
    r"(?-i:[NnPpRrSs\u017f])(?<!\w.)"
    # ("Patient 3: ROBINSON Daniel": a list's numbered patient)
    r"(?:(?<=[Pp])(?:atient|t)(?:[\s_]*name|[ \t]?\d{1,3}(?=[ \t]*[:=\-]))?|(?<=[Nn])ame"
    r"|(?<=[Rr])e|(?<=[Ss])ubject)"
    # name="John Smith", as key=value logs quote a value with spaces; "patient_name":"...", a
    # JSON payload's key quoted too
    r"[\"']?\s*(?:[:=\-]|\.{2,}+(?:\s*[:=])?)\s*[\"']?"  # (a printout's "Name ...... Grace Okafor")
    r"(?:(?<=[:=\-\s])pt\.?:?\s+)?"  # "RE: Pt SMITH-JONES Kieran": a subject line's "Pt"
    rf"(?:{TITLES}\.?\s+)?"
    rf"(?P<a>{_TOKEN})(?P<sep>{_SP}*,{_SP}*|{_SP}+|\^|{_INITIAL_SEP})(?P<b>{_FAMILY})"
    rf"(?:{_MIDDLE_INITIAL}{_SP}+(?P<c>{_TOKEN}))?",
    re.IGNORECASE,
)
_TITLED = re.compile(
    rf"M(?<!\wM)(?:r|rs|s|iss|x|aster|R|RS|S|ISS|X|ASTER)\.?{_SP}+(?P<a>{_TOKEN})"
    rf"(?P<sep>{_SP}+|{_INITIAL_SEP})(?P<b>{_FAMILY})(?:{_MIDDLE_INITIAL}{_SP}+(?P<c>{_TOKEN}))?"
)
# Capital and small letters beyond ASCII that UK names are written with (Latin, Greek,
# Cyrillic): "MÜLLER, Noor", "ÖZTÜRK, Çağla". ``re`` has no Unicode letter-case classes.
_NON_ASCII_UPPER = "".join(
    c
    for r in ((0xC0, 0x250), (0x370, 0x400), (0x400, 0x530))
    for c in map(chr, range(*r))
    if c.isupper() and c.isalpha()
)
_NON_ASCII_LOWER = "".join(
    c
    for r in ((0xC0, 0x250), (0x370, 0x400), (0x400, 0x530))
    for c in map(chr, range(*r))
    if c.islower() and c.isalpha()
)
UPPER = f"A-Z{_NON_ASCII_UPPER}"
LOWER = f"a-z{_NON_ASCII_LOWER}"
# "SMITH, John" / "O'BRIEN-KAUR, Mary": the way lab lists print a patient, label or not; also
# in quotes ("candidates 'ROSSI, Giulia' and ..."), an apostrophe being the name's own only
# after a letter ("O'BRIEN").
_CAPS_COMMA = re.compile(
    rf"(?P<a>(?:(?<![\w'’])O{_SP})?[{UPPER}](?<!\w[{UPPER}])(?<!\w['’][{UPPER}])[{UPPER}'’\-]+(?:{_SP}{_PARTICLE_CAPS}(?={_SP})){{0,2}}"
    rf"(?:{_SP}[{UPPER}][{UPPER}'’\-]+)?)"
    rf"{_SP}*(?P<sep>,){_SP}*(?P<b>[{UPPER}][{LOWER}](?:\w|['’\-](?=\w))*)"
)
_CARET = re.compile(rf"(?<![\w^])(?P<a>{_TOKEN})(?P<sep>\^)(?P<b>{_TOKEN})(?![\w])")
# "surname=SMITH forename=John", "given_name: John; family name: SMITH": logs, exports and forms
# that write fields as key=value pairs. The keys say which token is which, so no label is needed.
# (LDAP's "sn", a log's "lname"/"fn": short keys, read only in a pair, family and given.)
_FAMILY_KEY = r"(?:surname|family(?:[_. ]?name)?|last[_. ]?name|l[_. ]?name|sn)"
# ("Forename(s):", as paper forms print the box.)
_GIVEN_KEY = r"(?:forenames?|first[_. ]?names?|given(?:[_. ]?names?)?|f[_. ]?names?|fn)(?:\(s\))?"
# "Surname: SMITH", "surname=SMITH", and a printout's dot leaders: "Surname ....... SMITH".
_KEY_SEP = rf"[\"']?{_SP}*+(?:[=:]|\.{{2,}}+{_SP}*+[=:]?){_SP}*+[\"']?"
# One line break may part the two: an XML or form's fields are written one to a line, each
# key perhaps qualified by whose it is ("patient surname: OKAFOR" / "patient forename: Grace").
# A two-column form may print another box to the right of the first name, on its line: "Surname:
# NAPIER-COLE      Consultant: Mr Victor STEYN" / "Forename: Imelda". The pair still holds.
_PAIR_SEP = (
    rf"(?P<sep>[\"']?{_SP}*+[,;|&\n]?{_SP}*+[\"']?|{_SP}[^\n]{{0,100}}\n{_SP}*+)"
    r"(?:(?:patient|pt)[_. ]?)?"
)
_FAMILY_FIRST = re.compile(
    rf"\b{_FAMILY_KEY}{_KEY_SEP}(?P<a>{_FAMILY}){_PAIR_SEP}{_GIVEN_KEY}{_KEY_SEP}(?P<b>{_TOKEN})",
    re.IGNORECASE,
)
_GIVEN_FIRST = re.compile(
    rf"\b{_GIVEN_KEY}{_KEY_SEP}(?P<b>{_TOKEN}){_PAIR_SEP}{_FAMILY_KEY}{_KEY_SEP}(?P<a>{_FAMILY})",
    re.IGNORECASE,
)
# "First name Grace Last name Okafor", "Surname OKAFOR Forename Grace": a form's boxes copied
# out with their captions and no colon. Both captions are needed (a caption alone is a word of a
# sentence), each a two-word caption or "surname"/"forename", and both names capitalised (rule
# ``key_words``, read as ``key_value`` is).
_BARE_FAMILY_KEY = r"(?:surname|family[_. ]name|last[_. ]name)"
_BARE_GIVEN_KEY = r"(?:forenames?|first[_. ]names?|given[_. ]names?)"
_BARE_PAIR = rf"(?P<sep>{_SP}*+[,;|]?{_SP}*+)(?:(?:patient|pt)[_. ]?)?"
_FAMILY_FIRST_BARE = re.compile(
    rf"\b{_BARE_FAMILY_KEY}{_SP}++(?P<a>{_FAMILY}){_BARE_PAIR}{_BARE_GIVEN_KEY}{_SP}++"
    rf"(?P<b>{_TOKEN})(?![\w'’\-])",
    re.IGNORECASE,
)
_GIVEN_FIRST_BARE = re.compile(
    rf"\b{_BARE_GIVEN_KEY}{_SP}++(?P<b>{_TOKEN}){_BARE_PAIR}{_BARE_FAMILY_KEY}{_SP}++"
    rf"(?P<a>{_FAMILY})(?![\w'’\-])",
    re.IGNORECASE,
)
# A scanned form's captions and boxes read out a line each: "Surname" / "O SULLIVAN" /
# "Forename(s)" / "Bridget" (OCR and pdftotext of a request form). Each caption and each name
# alone on its line, so no sentence is read as one; the family name may be two words.
_FAMILY_LINES = re.compile(
    rf"^{_SP}*+{_BARE_FAMILY_KEY}{_SP}*+\n{_SP}*+(?P<a>{_FAMILY}(?:{_SP}{_TOKEN})?){_SP}*+\n"
    rf"{_SP}*+(?P<sep>){_BARE_GIVEN_KEY}(?:\(s\))?{_SP}*+\n{_SP}*+(?P<b>{_TOKEN}){_SP}*+$",
    re.IGNORECASE | re.MULTILINE,
)
# "Dear Grace Okafor,": a letter's salutation names the person it is written to, its patient.
# Asked only where the lists know the given name, so "Dear Practice Manager," names no one
# ("Dear Mr Okafor" is the title rule's; "Dear Dr Lee" names a clinician, "Dr" no given name).
_DEAR = re.compile(
    rf"D(?<![\w'’\-]D)(?:ear|EAR){_SP}+(?P<a>{_TOKEN})(?P<sep>{_SP}+)(?P<b>{_FAMILY})"
    rf"(?={_SP}*+(?:[,:]|$))",
    re.MULTILINE,
)
# Labels that say the words after them are a name, so a name written in small letters (a
# lower-cased export or log: "name=tomasz nowak") is still one; after "Patient:" or "Re:" small
# words are usually prose ("Patient: seen today").
_NAME_LABEL = re.compile(r"(?:patient\s+|pt\s+)?name\s*[:=\-]", re.IGNORECASE)


def _initial_upper(name: str) -> bool:
    """Whether a name's last word (after any particles: "van der Berg") is capitalised."""
    return name.rsplit(None, 1)[-1][0].isupper()


def _caret_matches(text: str) -> Iterator[re.Match[str]]:
    """``_CARET.finditer(text)``, the pattern tried only where a match can start. ``_CARET``
    opens with a lookbehind, so ``re`` tries it at every position: most of an interface log
    line's cost. A match's first token ends at a caret and holds only letters and the marks
    ``'’-``: walking back from each caret over word characters and marks finds the run it lies
    in, and the lookbehind allows a start only at the run's start or after a mark. Trying
    those in order, from the end of the last match on, gives finditer's matches. The walk back
    is one match of ``_RUN`` on the text reversed (made once, where a caret is)."""
    caret = text.find("^")
    if caret == -1:
        return
    reversed_ = text[::-1]
    length = len(text)
    end = 0
    while caret != -1:
        # The run before the caret is the one after its mirror position in the reversed text.
        found_run = _RUN.match(reversed_, length - caret)  # ``*``: it always matches
        run = length - found_run.end() if found_run else caret
        if run < end:
            run = end
        if run < caret:
            found = _CARET.match(text, run)
            if not found and _has_mark(text, run, caret):
                for start in range(run + 1, caret):
                    if text[start - 1] in _MARKS:
                        found = _CARET.match(text, start)
                        if found:
                            break
            if found:
                yield found
                end = found.end()
        caret = text.find("^", max(caret + 1, end))


def _has_mark(text: str, start: int, end: int) -> bool:
    return any(text.find(mark, start, end) != -1 for mark in _MARKS)


_MARKS = "'’-"
# Word characters (``\w`` is what str.isalnum() and "_" take) and the marks: the run a caret
# ends, read backwards from the character before the caret.
_RUN = re.compile(r"[\w'’\-]*")
# "Grace Okafor (DOB 12/01/1962)", "Results for OKAFOR Grace DOB ...", "Okafor, Grace born 3 April
# 1968", "Grace OKAFOR (NHS 455 766 0932)": two words just before a date-of-birth label, or an
# NHS-number label with its number, are the person's name, with no label, title or capitals to
# say so. This is the rule's plain form; ``_before_dob_matches`` reads it. (An NHS label needs
# its digits: "Barts Health NHS Trust" names a trust.)
_NHS_NUMBER_AHEAD = rf"(?=(?i:{_SP}*+(?:(?:no|number)\b\.?{_SP}*+)?[:#]?{_SP}*+\d))"
_DOB_AHEAD = (
    rf"(?i:d\.?{_SP}?o\.?{_SP}?b\b|date{_SP}+of{_SP}+birth|born\b|birth{_SP}?date"
    rf"|b\.(?={_SP}*\d)|nhs{_NHS_NUMBER_AHEAD})"
)
_BEFORE_DOB = re.compile(
    rf"(?P<a>{_LETTER}(?<![\w'’\-]{_LETTER})(?:{_LETTER}|['’\-](?={_LETTER})){{0,63}})"
    rf"(?P<sep>{_SP}*,{_SP}*|{_SP}+)(?P<b>{_FAMILY})(?<!['’\-])"
    rf"(?={_SP}*+(?:[,(\[\-]{_SP}*+)?{_DOB_AHEAD})"
)
# "Grace OKAFOR 12/01/1962", "OKAFOR Grace 12/01/1962": a worklist's or a note's patient with
# no label, title or comma: a given name and a family name in capitals, either way round, and a
# date straight after (their date of birth, as after any name), ten digits ("WOODCOCK Ethel
# 4570492363", a chat's list) or a hospital number's label ("WOZNIAK Grzegorz MRN R4481029"):
# a name is a person only beside a valid NHS number, a date of birth or a hospital number.
# Asked only where the given name is one the lists know (``given_kind``), so "Sample RECEIVED
# 30/05/2024" names no one.
# ``prefilter``'s triggers are the patterns' tails (the last letters, the date).
# (A sex may stand between, "OKAFOR GRACE F 12.01.1962", "Okafor, Grace (F) 12-Jan-1962".)
_MONTHS3 = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
_DATE_AHEAD = (
    r"(?=[ ]*+(?:[,(][ ]*+)?(?:(?:\(?[MFU]\)?,?[ ]++)?"
    rf"\d{{1,2}}(?:[/.-]\d{{1,2}}[/.-]\d{{2}}|[ -](?i:{_MONTHS3})[a-z]*[ -]\d{{2}}"
    r"|\d[ ]?\d{3}[ ]?\d{4}(?!\d))|(?i:mrn|hosp(?:ital)?\.?[ ]?no)\b))"
)
# (A Gaelic or Norman family name's inner capital: "MacLeod", "McAllister", "O'Neill", "D'Souza".)
_INNER_CAPITAL = rf"(?:[{LOWER}]{{1,30}}|(?:a?c|['’])[{UPPER}][{LOWER}]{{1,30}})"
_TITLE_WORD = rf"[{UPPER}]{_INNER_CAPITAL}(?:-[{UPPER}][{LOWER}]{{1,30}})?"
_CAPS_WORD = rf"[{UPPER}]{{2,30}}(?:['’\-][{UPPER}]{{2,30}})?"
# The first word with its lookbehind after its first letter, so ``re`` skips to capitals (see
# above; the plain forms, in tests/test_speed_text.py, were most of an e-mail's name rules).
_TITLE_WORD_FIRST = (
    rf"[{UPPER}](?<![\w'’\-][{UPPER}]){_INNER_CAPITAL}(?:-[{UPPER}][{LOWER}]{{1,30}})?"
)
_CAPS_WORD_FIRST = rf"[{UPPER}](?<![\w'’\-][{UPPER}])[{UPPER}]{{1,29}}(?:['’\-][{UPPER}]{{2,30}})?"
_GIVEN_CAPS = re.compile(
    rf"(?P<a>{_TITLE_WORD_FIRST})(?P<sep>[ ]+)(?P<b>{_CAPS_WORD}){_DATE_AHEAD}"
)
_CAPS_GIVEN = re.compile(
    rf"(?P<a>{_CAPS_WORD_FIRST})(?P<sep>[ ]+)(?P<b>{_TITLE_WORD}){_DATE_AHEAD}"
)
# ... and both words with a capital only, "Grace Okafor 12/01/1962", "Patient Grace Okafor
# (12/01/1962)", "Okafor Grace, 12/01/1962": asked only where the name lists know one word as
# a given name and the other as a family name, three lists apart (``family_first``), which also
# says which is which; so "Sample Received 30/05/2024" and "Ward Round 12/01/2024" name no one.
_TITLE_TITLE = re.compile(
    rf"(?P<a>{_TITLE_WORD_FIRST})(?P<sep>[ ]*,[ ]*|[ ]+)(?P<b>{_TITLE_WORD}){_DATE_AHEAD}"
)
# ... and a LIMS's all-capitals "OKAFOR, GRACE 12/01/1962", "OKAFOR GRACE 12/01/1962": which
# word is the given name the comma, or the name lists, say (``order``).
_CAPS_CAPS = re.compile(
    rf"(?P<a>{_CAPS_WORD_FIRST})(?P<sep>[ ]*,[ ]*|[ ]+)(?P<b>{_CAPS_WORD}){_DATE_AHEAD}"
)
# ``_DOB_AHEAD`` opening with its first letter's class, so ``re`` skips to those letters (three
# times quicker over a letter than the plain form, which is tried at every position).
_DOB_WORD = re.compile(
    r"[DdBbNn](?:(?<=[Dd])\.?[^\S\n]?[Oo]\.?[^\S\n]?[Bb]\b|(?<=[Dd])(?i:ate)[^\S\n]+(?i:of)[^\S\n]+"
    r"(?i:birth)|(?<=[Bb])(?i:orn)\b|(?<=[Bb])(?i:irth)[^\S\n]?(?i:date)|(?<=[Bb])\.(?=[^\S\n]*\d)"
    rf"|(?<=[Nn])(?i:hs){_NHS_NUMBER_AHEAD})"
)
# How far before its label a name can start: two words of 64 letters at most, three particles.
_NAME_REACH = 160
# ``_BEFORE_DOB`` read backwards from a label, on the reversed text before it: the spaces (and a
# "," "(" or "["), the family name's last word, its particles, the separator, the given name,
# and no letter or mark before it. One anchored match per label, where ``finditer`` tries the
# pattern at every letter of the text (a third of a handover note's scan). Held to the plain
# form by tests/test_detect_fast_paths.py.
_PARTICLES_REVERSED = "|".join(p[::-1] for p in _PARTICLES)
_WORD = rf"{_LETTER}(?:{_LETTER}|['’\-](?={_LETTER})){{0,63}}"
_BEFORE_DOB_REVERSED = re.compile(
    rf"{_SP}*+(?:[,(\[\-]{_SP}*+)?"
    rf"(?P<b>{_WORD}(?:{_SP}+(?i:{_PARTICLES_REVERSED})(?={_SP}|,)){{0,3}})"
    rf"(?P<sep>{_SP}*,{_SP}*|{_SP}+)(?P<a>{_WORD})(?![\w'’\-])"
)


# "Okafor, Grace Mary born ...": the two words before the label are given names, the family
# name before them and a comma.
_COMMA_BEFORE = re.compile(
    rf"(?<![\w'’\-])({_LETTER}(?:{_LETTER}|['’\-](?={_LETTER})){{0,63}}),{_SP}*$"
)


def _comma_family(text: str, at: int, second: str) -> tuple[int, str] | None:
    """The family name and where it starts, when the name read before a label at ``at`` is
    "Given Middle" after "Family, " (``second`` a given name the lists know); else None."""
    if given_kind(second) <= 0 or "," not in text[max(at - 4, 0) : at]:
        return None
    found = _COMMA_BEFORE.search(text, max(at - 70, 0), at)
    if found is None:
        return None
    word = found.group(1)
    if word.lower() in _STOP or word.lower() in _TITLE_WORDS or not _initial_upper(word):
        return None
    return found.start(1), word


class _Found:
    """What ``detect`` reads of a match: its groups and spans, here on the unreversed text."""

    def __init__(self, text: str, spans: dict[str, tuple[int, int]]) -> None:
        self._text, self._spans = text, spans
        self.groupindex = {"a": 1, "sep": 2, "b": 3}

    def span(self, name: str) -> tuple[int, int]:
        return self._spans[name]

    def start(self, name: str = "a") -> int:
        return self._spans[name][0]

    def end(self, name: str = "b") -> int:
        return self._spans[name][1]

    def group(self, *names: str) -> Any:  # str, or a tuple of them, as ``re.Match.group``
        if not names:
            return self._text[self._spans["a"][0] : self._spans["b"][1]]
        found = tuple(self._text[slice(*self._spans[n])] for n in names)
        return found[0] if len(found) == 1 else found


def _before_dob_matches(text: str) -> Iterator[_Found]:
    """``_BEFORE_DOB.finditer(text)``, read backwards from each date-of-birth label."""
    end = 0
    for label in _DOB_WORD.finditer(text):
        at = label.start()
        low = max(end, at - _NAME_REACH)
        found = _BEFORE_DOB_REVERSED.match(text[low:at][::-1])
        if found is None:
            continue
        spans = {name: (at - found.end(name), at - found.start(name)) for name in ("a", "sep", "b")}
        end = spans["b"][1]
        yield _Found(text, spans)


# "Agnieszka WROBLEWSKA", "WROBLEWSKA, Agnieszka", "Mrs Agnieszka Wroblewska": a line holding
# only a name, above a patient's block (``name_lines.matches`` fullmatches it over the line).
# (Opening with a letter at a word's start, so a search, as the regex tests make, skips the rest.)
_NAME_LINE = re.compile(
    rf"(?={_LETTER})(?<![\w'’\-])(?:(?P<t>(?i:{TITLES}))\.?{_SP}+)?(?P<a>{_TOKEN})"
    rf"(?P<sep>{_SP}*,{_SP}*|{_SP}+)(?P<b>{_FAMILY})(?:{_SP}+(?P<c>{_TOKEN}))?"
)


# The triggers of rules read with another's (a name line's block has a DOB or NHS label).
_TRIGGERS = {"key_words": "key_value", "name_line": "before_dob"}
_RULES = tuple(
    (rule, pattern, f"name:{_TRIGGERS.get(rule, rule)}")  # and its trigger
    for rule, pattern in (
        ("label", _LABELLED),
        ("title", _TITLED),
        ("caps_comma", _CAPS_COMMA),
        ("hl7_xpn", _CARET),
        ("key_value", _FAMILY_FIRST),
        ("key_value", _GIVEN_FIRST),
        ("key_words", _FAMILY_FIRST_BARE),
        ("key_words", _GIVEN_FIRST_BARE),
        ("key_words", _FAMILY_LINES),
        ("dear", _DEAR),
        ("before_dob", _BEFORE_DOB),
        ("given_caps", _GIVEN_CAPS),
        ("given_caps", _CAPS_GIVEN),
        ("given_caps", _CAPS_CAPS),
        ("given_caps", _TITLE_TITLE),
        ("name_line", _NAME_LINE),
    )
)


_KEYED = ("key_value", "key_words", "hl7_xpn")  # rules whose keys or carets say which word is which
_COMMA_GIVEN = re.compile(rf"{_SP}{{0,4}}+,{_SP}{{0,4}}+({_TOKEN})")


def _inside(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether ``start``-``end`` overlaps a span of ``taken`` (disjoint spans, sorted): only
    the last span starting before ``end`` can."""
    at = bisect_left(taken, (end,)) - 1
    return at >= 0 and taken[at][1] > start


# A word's possessive ending ("Okafor's"): no name goes on past it, and it is no part of one.
_POSSESSIVE = ("'s", "’s", "'S", "’S")


def detect(
    text: str, present: frozenset[str] | None = None, line_starts: list[int] | None = None
) -> Iterator[Mention]:
    """``_detect``, less a letter's reader's name beside its patient's (``name_addressee``)."""
    found = _detect(text, present, line_starts)
    return name_addressee.drop_readers(text, found) if "Dear" in text or "DEAR" in text else found


def _detect(
    text: str, present: frozenset[str] | None, line_starts: list[int] | None
) -> Iterator[Mention]:
    """Patient names; ``present`` (the prefilter's triggers, ``name:<rule>``) skips the rules
    that cannot match, None runs them all. ``line_starts``: ``text`` is lines joined by "\n"
    that start there, each read as if alone; the label rule, whose spaces may be line breaks,
    must then be left out of ``present`` (every other rule's match stays in its line or, the
    key=value pair parted by a line break, is dropped; a staff title is looked for in the
    name's own line only)."""
    if line_starts is not None and (present is None or "name:label" in present):
        raise ValueError("the label rule reads across lines")
    # The spans of the names found so far, disjoint and by start: a later rule's name inside
    # one is no other name (the same words again; "Surname: OKAFOR  Forename(s): Grace Ada
    # DOB ..." is not also "Grace Ada" before a DOB). Looked up by bisection: a log's joined
    # lines hold thousands of names.
    taken: list[tuple[int, int]] = []
    for rule, pattern, trigger in _RULES:
        if present is not None and trigger not in present:
            continue
        # (a regex's matches, or ``_Found``s that answer the same calls)
        matches: Iterator[Any]
        if pattern is _NAME_LINE:
            if line_starts is not None:
                continue  # a name line and its block are lines apart
            matches = name_lines.matches(text, _NAME_LINE)
        elif pattern is _CARET:
            matches = _caret_matches(text)
        elif pattern is _BEFORE_DOB:
            matches = _before_dob_matches(text)
        else:
            matches = pattern.finditer(text)
        has_c = "c" in pattern.groupindex
        for match in matches:
            a_start, a_end = match.span("a")
            b_start, b_end = match.span("b")  # (before "a" where a given name is keyed first)
            # A key pair's two names are taken apart: what lies between them may be a form's
            # right-hand box ("Surname: X   Consultant: Mr Y" / "Forename: Z"), not theirs.
            if rule == "key_value":
                spans = [(a_start, a_end), (b_start, b_end)]
                if taken and (_inside(taken, a_start, a_end) or _inside(taken, b_start, b_end)):
                    continue
            else:
                low, high = min(a_start, b_start), max(a_end, b_end)
                if taken and _inside(taken, low, high):
                    continue
                spans = [(low, high)]
            start = match.start()
            if line_starts is not None and rule in _KEYED and "\n" in match.group():
                continue  # a key pair may span a line break, but joined lines are read alone
            floor = 0 if line_starts is None else line_starts[bisect_right(line_starts, start) - 1]
            if staff_before(text, start, floor) or relative_before(text, a_start, floor):
                continue
            if session_title_before(text, min(a_start, b_start), floor):
                continue  # "Colposcopy Clinic - Mr T. ADEBAYO": the surgeon running the list
            if rule == "label" and (
                thing_named(text, start, floor) or doctor_titled(text[start:a_start])
            ):
                continue  # "ward name: ...", '"name": "Dr Samuel Ogundipe"' (an orderer's)
            a, b = match.group("a", "b")
            if rule == "label" and text[start] in "RrSs" and about_a_test(a, b):
                continue  # "Subject: Reactive HIV screen", "Re: Ferritin Results"
            c = match.group("c") if has_c else None
            # A third word is a middle name only if it looks like one: "Leigh ROINSON DOB" has
            # its family name already in capitals, "DOB" is a label, not a name, and one letter
            # is no family name ("Tomasz Nowak D.O.B. ..."); nor is a word with a colon after
            # it the next field's label ("Patient: Abdi Kovacs  Sex: M", a form's line).
            if c and surname_prefix(b, c):
                b, c, b_end = f"{b} {c}", None, match.end("c")  # "Ms Penelope ST JOHN"
            if c and (
                len(c) == 1
                or text.startswith(":", match.end("c"))
                or c.lower() in _STOP
                or not c[0].isupper()
                or (_is_caps(b) and not _is_caps(a) and len(b) > 1)
                or b.endswith(_POSSESSIVE)  # "Mr Tomasz Nowak's PSA": the name ends there
            ):
                c = None
            if c and "," in match.group("sep") and b.lower().rstrip(".") in _TITLE_WORDS:
                b, c = c, None  # "Re: Hassan, Mr Yusuf": the title stands before the given name
            if a.lower() in _STOP or b.lower() in _STOP:
                continue
            if rule not in _KEYED and (
                doctor_before(text, start, floor)
                or organisation_named(text, min(a_start, b_start), match.end("c") if c else b_end)
            ):
                continue  # "Dr Lucy HAWTHORNE,": staff; "HAWTHORNE, Fairfield Surgery": a place
            if rule == "caps_comma" and listed_test(text, a_start, a, b_start):
                continue  # "Tests: LFT, GGT, FBC, Clotting screen", "CT/NG NAAT, HIV, Syphilis"
            if rule not in ("hl7_xpn", "key_value") and a.endswith(_POSSESSIVE):
                continue  # "Mr Nowak's PSA (DOB ...)": no name follows a possessive
            if rule == "before_dob" and a.lower() in _TITLE_WORDS:
                continue  # "Mrs Okafor, dob ...": a title and a family name, no given name
            lower: bool | None = None  # which way round two small-letter words are
            if (
                rule not in ("hl7_xpn", "key_value")
                and not (_initial_upper(a) and _initial_upper(b))
                and not (rule == "label" and _NAME_LABEL.match(match.group()))
            ):
                # "grace okafor dob 12/01/1962", a note typed in small letters: only where the
                # lists know one word as a given name and the other as a family name.
                if rule != "before_dob" or not (a.islower() and b.islower()):
                    continue
                if (lower := family_first(a, b)) is None:
                    continue
            if rule in ("key_value", "key_words"):  # group ``a`` is the family name
                family, given = a, b
            elif lower is not None:
                family, given = (a, b) if lower else (b, a)
            elif rule == "label" and a.lower() in _TITLE_WORDS:
                family, given = b, ""  # "Re: Mrs Okafor": a title is no given name
            elif (
                rule == "label"
                and not c
                and a.lower() in _PARTICLES
                and (after := _COMMA_GIVEN.match(text, b_end)) is not None
                and after.group(1)[:1].isupper()  # ("Patient: LE Van Thanh, born ...")
            ):
                # "PT=DE SOUZA,MARCOS": a family name with its particle, then the given name
                family, given, b_end = f"{a} {b}", after.group(1), after.end(1)
            elif rule in ("title", "label", "dear") and a.lower() in _GAELIC and not c:
                family, given = f"{a} {b}", ""  # "Dear Mr Ó Briain": a family name alone
            elif rule == "before_dob" and b.lower().rstrip(".") in _TITLE_WORDS:
                # "Okafor, Grace Mrs  NHS no. ...": the title after the given name
                if (lead := _comma_family(text, a_start, a)) is None:
                    continue
                (a_start, family), given = lead, a
            elif rule == "before_dob" and (lead := _comma_family(text, a_start, b)) is not None:
                (a_start, family), given = lead, a
            elif rule == "before_dob" and (lead := caps_family_before(text, a_start, a, b, floor)):
                (a_start, family), given = lead, a  # "NOWAK Anna Maria DOB ..."
            elif rule == "before_dob" and surname_prefix(a, b):  # "Penelope ST JOHN DOB ..."
                if (lead := given_before(text, a_start, floor)) is None:
                    continue
                (a_start, given), family = lead, f"{a} {b}"
            elif pattern is _TITLE_TITLE:
                first = family_first(a, b)
                first = given_before_nhs(text, b_end, a, b) if first is None else first
                if first is None or ("," in match.group("sep") and not first):
                    continue  # the lists do not know the words as a given and a family name
                family, given = (a, b) if first else (b, a)
            else:
                family, given = order(a, b, c, match.group("sep"))
                if pattern is _CAPS_CAPS and given_kind(b) > 0 >= given_kind(a):
                    family, given = a, b  # "NOWAK TOMASZ": a LIMS's order, the lists agreeing
                if rule in ("given_caps", "dear") and given_kind(given.split("-")[0]) <= 0:
                    continue  # not a given name the lists know
                if rule == "name_line" and not name_lines.sure(
                    match.group("t"), match.group("c"), c, family, given
                ):
                    continue  # a heading, or more on the line than a name
            if family.endswith(_POSSESSIVE):
                family = family[:-2]  # "Mrs Grace Okafor's results": her name is Okafor
            end = match.end("c") if c else b_end
            if rule != "key_value":
                spans = [(min(a_start, b_start), max(end, a_end))]
            for span in spans:
                insort(taken, span)
            yield Mention(
                "name",
                min(a_start, b_start),
                max(end, a_end),
                family,
                "names",
                "before_nhs" if rule == "before_dob" and nhs_label_at(text, b_end) else rule,
                1.0,
                "",
                given,
            )
