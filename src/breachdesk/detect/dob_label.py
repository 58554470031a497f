"""Whether a date is labelled as a date of birth: ``DOB: 12/01/1962``, ``born 12 Jan 1962``,
``patient_dob=1962-01-12``, ``DOB / Age 12.01.1962 (62y)``.

The label must end just before the date (``DOB_REACH`` characters back at most), so it is read
backwards from the date: one anchored attempt per date instead of a search over the window.
"""

from __future__ import annotations

import re

DOB_LABEL = re.compile(
    # "patient_dob=", "pt_dob=": a log's key names the date with an underscore before it;
    # "dateOfBirth=", "date-of-birth": a program's names for it, camel-case and kebab-case
    r"(?:\bd\.?\s?o\.?\s?b\.?|date[\s_-]*of[\s_-]*birth|\bborn(?:\s+on)?(?:\s+the)?"
    r"|birth[\s_]?(?:date|time)|(?<![^\W_])dob|\bb\.)"  # "Okafor Grace b. 12/01/1962": born
    r"(?:\s*[/(]\s*age\b\)?)?"  # "DOB / Age 12.01.1962 (62y)", "Date of Birth (Age): ..."
    r"(?:\s+(?:is|as|was)\b)?"  # "your date of birth as 12/01/1962": a letter's wording
    r"[\"']?"  # {"dob": "1962-01-12"}: a JSON key's closing quote
    # "DOB ........ 12/01/1962", "DOB: ____ 12/01/1962", "Date of Birth . . . . 12/01/1962": a
    # printout's or a form's leaders, before or after the colon
    r"\s*(?:[._\u2026][._\u2026 ]*[._\u2026]\s*)?"
    r"(?:[:=#-]\s*(?:[._\u2026][._\u2026 ]*[._\u2026]\s*)?)?"
    r"(?:\b(?:[MFU]|male|female)\s+)?"  # "Sex/DOB: F 12/1/62": a report's sex and birth in one
    # "DOB: Thu 12 Jan 1962", "Date of birth: Thursday, 12 January 1962": a date as a calendar
    # or a mail client writes it, with its weekday
    r"(?:\b(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
    r"[\"']?$",  # dob="07/08/1953": key=value logs quote values
    re.IGNORECASE,
)

# ``DOB_LABEL`` read backwards: each of its matches ends where the window does, so it matches a
# window exactly when this (each alternative spelled backwards; ``\b`` looks both ways) matches
# at the start of the reversed window: one anchored attempt instead of one per position.
_DOB_LABEL_REVERSED = re.compile(
    r"[\"']?(?:\s+,?\.?(?:yad)?(?:nom|s?eut|(?:sen)?dew|(?:s?r)?uht|irf|(?:ru)?tas|nus)\b)?"
    r"(?:\s+(?:[MFU]|elam|elamef)\b)?\s*(?:(?:[._\u2026][._\u2026 ]*[._\u2026]\s*)?[:=#-]\s*)?"
    r"(?:[._\u2026][._\u2026 ]*[._\u2026]\s*)?[\"']?"
    r"(?:\b(?:si|sa|saw)\s+)?"
    r"(?:\)?\bega\s*[/(]\s*)?"
    r"(?:\.?b\s?\.?o\s?\.?d\b|htrib[\s_-]*fo[\s_-]*etad|(?:eht\s+)?(?:no\s+)?nrob\b"
    r"|(?:etad|emit)[\s_]?htrib|bod(?![^\W_])|\.b\b)",
    re.IGNORECASE,
)

# How far back a label is looked for: "Date of Birth ........: " with its leaders.
DOB_REACH = 40


def ends_at(text: str, start: int, floor: int = 0) -> bool:
    """Whether a date-of-birth label (``DOB_LABEL``) ends just before ``start``, looking no
    further back than ``floor``. Every form of it holds a "b" (IGNORECASE folds it with "B"
    only): a window without one has none."""
    window = text[max(floor, start - DOB_REACH) : start]
    return ("b" in window or "B" in window) and _DOB_LABEL_REVERSED.match(window[::-1]) is not None
