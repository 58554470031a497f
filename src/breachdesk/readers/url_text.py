"""URL query strings in a line of text, decoded into the words they stand for.

A web server's or a FHIR API's log writes what a user searched for as a query string
(``?surname=O%27Connell&dob=23%2F01%2F1971&postcode=SK4+2HD``): percent-escapes, ``+`` for a
space, ``&`` and ``=`` for separators. Decoded, with spaces around the separators, the line's
detectors read it as they read ``surname = O'Connell & dob = 23/01/1971``. A query with nothing
escaped (``?nhs=4253370071&test=FBC``) is read as it is written, and left so.
"""

from __future__ import annotations

import re

_KEY = r"[A-Za-z_][\w.\-\[\]]{0,63}"
# A value ends at a separator, a space, a quote or markup (the end of a JSON string, an
# attribute, a log's field); a backslash is where JSON escapes its "&" ("\u0026").
_VALUE = r"[^\s&\"'<>#\\]{0,2048}"
_SEPARATOR = r"(?:&(?:amp;)?|\\u0026)"
_PAIR = rf"{_KEY}={_VALUE}"
# A URL's query: its "?" and pairs (the "?" is what ``re`` finds fast, as ``str.find`` does).
_AFTER_MARK = re.compile(rf"\?({_PAIR}(?:{_SEPARATOR}{_PAIR})*)")
# A query's pairs, matched where one starts (``re`` tries a pattern that opens with a class at
# every character: a query with no "?" is found from a hit below instead).
_RUN = re.compile(rf"{_PAIR}(?:{_SEPARATOR}{_PAIR})*")
_RUN_REACH = 64 + 1 + 2048
# Where a query with no "?" may be, each found by its first character: a pair after "&", a
# percent-escape, a "+" between two letters.
_HITS = {
    "&": re.compile(r"&(?=(?:amp;)?[A-Za-z_][\w.\-\[\]]{0,63}=)"),
    "%": re.compile(r"%[0-9A-Fa-f]{2}"),
    "+": re.compile(r"\+(?<=[A-Za-z]\+)(?=[A-Za-z])"),
}
# What ends the text before a query that stands alone: IIS logs its ``cs-uri-query`` field so,
# and a POST body is one.
_BEFORE_QUERY = (" ", "\t", "\n", '"', "'", "<", ">", "(", ",", ";", "|")
_SEPARATORS = re.compile(r"&(?:amp;)?|\\u0026")
_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2}){1,512}")
_WORD_PLUS = re.compile(r"\+(?<=[A-Za-z]\+)(?=[A-Za-z])")
# Characters a decoded value must not bring into a line: a line break would split the line
# (and move every line after it), other controls are noise to the detectors.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


def decode_queries(text: str) -> str:
    """``text`` with each URL query string in it decoded (``text`` itself when it has none):
    after a "?", or standing alone after a space, a quote or a bracket when it has two pairs
    or more or one whose value is escaped (a "%" escape, or a "+" between words). A lone
    ``key=value`` of an ordinary log line (``queue_depth=4``, ``tz=+01:00``) is left as it is.
    Never adds or removes a line break, so a block of lines joined by "\\n" keeps its lines."""
    if "?" in text:
        text = _AFTER_MARK.sub(_after_mark, text)
    if "&" in text or "%" in text or "+" in text:
        text = _standing_alone(text)
    return text


def _after_mark(match: re.Match[str]) -> str:
    run = match.group(1)
    # (The detectors read "a=b&c=d" as it is: decoding it would only cost time.)
    return "? " + _decoded(run) if _escaped(run) else match.group()


def _escaped(run: str) -> bool:
    return "%" in run or "+" in run or "&amp;" in run or "\\u0026" in run


def _standing_alone(text: str) -> str:
    """``decode_queries`` of the queries with no "?" (those after one are decoded already, so
    their "&", "%" and "+" are gone)."""
    hits = sorted(
        match.start()
        for mark, pattern in _HITS.items()
        if mark in text
        for match in pattern.finditer(text)
    )
    pieces: list[str] = []
    at = 0  # where the text not yet copied starts
    for position in hits:
        if position < at:
            continue  # inside a query already decoded
        reach = max(at, position - _RUN_REACH)
        start = max(reach, max(text.rfind(char, reach, position) for char in _BEFORE_QUERY) + 1)
        match = _RUN.match(text, start)
        if match is None or match.end() <= position:
            continue
        run = match.group()
        if _escaped(run) and (
            "&" in run or "\\u0026" in run or _ESCAPES.search(run) or _WORD_PLUS.search(run)
        ):
            pieces += [text[at:start], _decoded(run)]
            at = match.end()
    if not pieces:
        return text
    pieces.append(text[at:])
    return "".join(pieces)


def _decoded(run: str) -> str:
    """A query's pairs (``_RUN``) as ``key = value & key = value``, unescaped. Its "&" all
    separate pairs and each pair's first "=" ends its key (an "&" or "=" in a value is escaped,
    ``%26``, ``%3D``), so they are spaced out before the escapes are read."""
    if "+" in run:
        run = run.replace("+", " ")
    run = " & ".join(pair.replace("=", " = ", 1) for pair in _SEPARATORS.split(run))
    if "%" in run:
        run = _ESCAPES.sub(_unescaped, run)
        if not run.isprintable():
            run = without_breaks(run)
    return run


def _unescaped(match: re.Match[str]) -> str:
    raw = bytes.fromhex(match.group().replace("%", ""))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:  # an older form's Latin-1 escapes ("%E9" for "é")
        return raw.decode("cp1252", errors="replace")


def without_breaks(text: str) -> str:
    """``text`` with its line breaks and other control characters made spaces."""
    return _CONTROLS.sub(" ", text)
