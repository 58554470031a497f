"""Mojibake repaired on decoding: UTF-8 text once read as Windows-1252 and saved again
("Oâ€™Brien", "SiobhÃ¡n"), or twice ("BrontÃƒÂ«"), so its names match the same people's clean
spellings elsewhere.

``ftfy`` decides what is mojibake (it leaves "SÃO PAULO" alone); it runs only on the lines that
hold one of mojibake's telltale pairs, a UTF-8 lead byte read as "Â", "Ã", "Ä", "Å" or "â" and
then a continuation byte read as Windows-1252, so a clean file pays one C scan for them. Only
the encoding is fixed: line breaks, quotes and the rest stay as written, so the lines (and the
rows, which locators name) stay where they were.
"""

from __future__ import annotations

import re

# A UTF-8 lead byte of Latin-1 Supplement, Latin Extended-A or punctuation (C2-C5, E2) read as
# Windows-1252, then a continuation byte (80-BF) read so: C1 controls and Latin-1's A0-BF as
# themselves, Windows-1252's 80-9F as its letters and punctuation. (One character each side: the
# pattern is linear.)
_CONTINUATION = (
    "\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
)
_TELLTALE = re.compile(f"[\u00c2-\u00c5\u00e2][{_CONTINUATION}]")
_LEADS = ("\u00c2", "\u00c3", "\u00c4", "\u00c5", "\u00e2")


def repair(text: str) -> str:
    """``text`` with its mojibake lines re-decoded; the text itself when it has none."""
    if not any(lead in text for lead in _LEADS):  # nearly every file: five C scans
        return text
    first = _TELLTALE.search(text)
    if first is None:
        return text
    from ftfy import TextFixerConfig, fix_text  # loaded only for a text that needs it

    config = TextFixerConfig(
        unescape_html=False,
        remove_terminal_escapes=False,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        fix_surrogates=False,
        remove_control_chars=False,
        normalization=None,
        explain=False,
    )
    pieces: list[str] = []
    done = 0  # where the text is copied up to
    match: re.Match[str] | None = first
    while match is not None:
        start = max(text.rfind("\n", 0, match.start()), text.rfind("\r", 0, match.start())) + 1
        ends = [i for i in (text.find("\n", match.end()), text.find("\r", match.end())) if i >= 0]
        end = min(ends) if ends else len(text)
        line = text[start:end]
        fixed = fix_text(line, config)
        # A repair never adds or takes a line break: should it, the line stays as written.
        if fixed.count("\n") == line.count("\n") and fixed.count("\r") == line.count("\r"):
            pieces += [text[done:start], fixed]
            done = end
        match = _TELLTALE.search(text, end)
    pieces.append(text[done:])
    return "".join(pieces)
