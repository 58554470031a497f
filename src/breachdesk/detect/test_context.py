"""What stands beside a catalogue test's name in text that makes it no such test, or another:
an empty tick box before it on a request form, a tumour's gene after it ("EGFR exon 19
deletion" is no eGFR), a vaccine's words after it ("Hep B vaccination"), and liquid-based
cytology of a site other than the cervix ("FNA thyroid, 2 passes, LBC" is a thyroid's); and
what makes a code in small letters one: its result straight after it ("hiv neg").
"""

from __future__ import annotations

import re
from functools import cache

from breachdesk import catalogue

# An empty tick box straight before a test on a request form copied out as text.
_UNTICKED = re.compile(r"(?:[\u2610\u25a1\u274f]|\[ ?\]|\( ?\))[ \t]{0,2}\Z")
# A gene's name in capitals before what is said of a tumour's DNA ("EGFR exon 19 deletion",
# "EGFR amplification") is the gene, not the test written the same (eGFR, the kidney's).
_GENE_AFTER = re.compile(
    r"[ \t]{1,3}(?:exon|mutation|mutations|mutated|mutant|deletion|del|amplification|amplified|"
    r"insertion|rearrangement|rearranged|fusion|variant|translocation|gene|wild[ -]?type|wt)\b"
)
# A test's name before a vaccine's words is the vaccine ("Hep B vaccination course", "HPV
# vaccine"); "Hep B immunity" is a test of it.
_VACCINE = re.compile(r"[ \t-]{0,3}(?:vaccin|immunis|immuniz|booster|jab\b)")
# Liquid-based cytology is the cervical screening sample only where no other site is named
# beside it on its line: then it is the other site's (non-gynae) cytology.
_LBC_WRITTEN = frozenset({"lbc", "liquid based cytology", "liquid-based cytology"})
_OTHER_SITE = re.compile(
    r"\b(?:thyroid|fna|fnac|urine|urinary|sputum|pleural|ascitic|peritoneal|pericardial|fluid|"
    r"effusion|lymph|node|breast|lung|bronch[a-z]{0,8}|ebus|pancrea[a-z]{0,4}|salivary|parotid|"
    r"csf|washings?|brushings?|bile|biliary|anal|oral|cyst|aspirate|liver|kidney|renal|"
    r"bladder)\b"
)
_REACH = 120


def written_as(text: str, lowered: str, start: int, end: int, code: str) -> str | None:
    """The catalogue code a test's name at ``start:end`` stands for where it is written, or
    None where it stands for no test (``lowered``: ``text`` in small ASCII letters)."""
    if _UNTICKED.search(text, max(0, start - 5), start):
        return None  # "☐ HIV 1+2 Ag/Ab": a request form's box left empty, not asked for
    if _GENE_AFTER.match(lowered, end) and text[start:end].isupper() and code not in _gene_tests():
        return None
    if _VACCINE.match(lowered, end):
        return None
    if code == "LBC" and lowered[start:end] in _LBC_WRITTEN and _other_site(lowered, start, end):
        return "CYTO"
    return code


@cache
def _gene_tests() -> frozenset[str]:
    """The catalogue's tests of a gene (its genetics discipline): "BRCA1 mutation screen",
    "JAK2 mutation", "HFE gene" name the test itself, not a tumour's gene written like one."""
    return frozenset(t.code for t in catalogue.load() if t.discipline == "genetics")


def _other_site(lowered: str, start: int, end: int) -> bool:
    """Whether the line around ``start:end`` (at most ``_REACH`` either side) names a site
    other than the cervix."""
    line_start = lowered.rfind("\n", max(0, start - _REACH), start) + 1
    line_end = lowered.find("\n", end, end + _REACH)
    stop = end + _REACH if line_end < 0 else line_end
    return _OTHER_SITE.search(lowered, max(line_start, start - _REACH), stop) is not None


# A result straight after a short code typed in small letters ("hiv neg 2023", "psa 14", "cdt
# raised"): a note's or a chat's test, which the capitals-only rule would pass over.
_RESULT_AFTER = re.compile(
    r"[ \t]{0,3}[:=-]?[ \t]{0,3}(?:neg(?:ative)?|pos(?:itive)?|(?:non[ -]?)?reactive|detected"
    r"|not[ \t]detected|raised|elevated|high|low|normal|equivocal|indeterminate|[<>]?\d)"
    r"(?![A-Za-z])"
)


def result_after(text: str, end: int) -> bool:
    """Whether a result follows a test's name ending at ``end``."""
    return _RESULT_AFTER.match(text, end) is not None
