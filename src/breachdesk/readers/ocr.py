"""Text of a scanned page (a request form, a fax, a photographed worklist) by OCR: Tesseract
in-process through tesserocr, one engine per worker process, the English model from Debian's
``tesseract-ocr-eng`` (or a ``TESSDATA_PREFIX`` folder).

A page on its side or upside down is turned; the words of a tilted page are levelled (a scan is
rarely straight, and a tilted table's rows drift into each other) and put back on lines at their
columns (``readers.layout``), so a scanned table reads row by row: Tesseract's own text reads a
table's columns one after another, parting each patient's name from their number and test."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from PIL import Image

from breachdesk.detect import given_names, hospital, ocr_digits
from breachdesk.readers import layout, rules
from breachdesk.readers.base import Item
from breachdesk.readers.text import paragraphs

# Each scan worker has a core of its own; Tesseract's OpenMP threads would fight over them.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

INSTALL = (
    "install Debian's tesseract-ocr-eng (apt-get install tesseract-ocr-eng), "
    "or set TESSDATA_PREFIX to a folder holding eng.traineddata"
)
_TESSDATA = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
)
# Scans are read at 300 dots per inch; one that says it has fewer is scaled up to it (a fax's
# 200 x 100 is made square), and a page is never made longer than this many pixels.
DPI = 300
LONGEST = 5000
# More pixels than this is no page (a 600 dpi A0 poster is ~140 million): a decompression bomb.
MAX_PIXELS = 150_000_000
# A tilt of less than this (degrees) leaves a row of an A4 page at 300 dpi within about a
# third of its line's height; on a page tilted more, the words are levelled. Tilt is read off
# lines longer than _BASELINE pixels (a short line's baseline says little).
_LEVEL = 0.25
_BASELINE = 150
# Specks and stamps: marks Tesseract is less sure of than this.
_LEAST_CONFIDENCE = 20.0
# A form's boxes and rules read as marks at a word's ends ("OKAFOR_", "Cholesterol!") or as
# words of their own ("JONES  —  Forename(s):", "Surname: . ROGERS"): the ends are cut and such
# words dropped, but for the marks a line of text uses (a label's colon, "U + E").
_RULES = "_|!"
_MARKS = frozenset({":", ",", "+", "/", "&", "-", "#", "=", "(", ")"})


def _tessdata() -> str | None:
    given = os.environ.get("TESSDATA_PREFIX")
    folders = [given, os.path.join(given, "tessdata")] if given else []
    for folder in (*folders, *_TESSDATA):
        if Path(folder, "eng.traineddata").is_file():
            return folder
    return None


@lru_cache(maxsize=1)
def unavailable() -> str | None:
    """Why this machine cannot OCR, or None when it can."""
    try:
        import tesserocr  # noqa: F401
    except ImportError as exc:
        return f"OCR needs the tesserocr package ({exc}); reinstall breachdesk"
    if _tessdata() is None:
        return f"OCR needs Tesseract's English model: {INSTALL}"
    return None


_ENGINE: Any = None


def _engine() -> Any:
    global _ENGINE
    if _ENGINE is None:
        import tesserocr

        _ENGINE = tesserocr.PyTessBaseAPI(path=_tessdata(), lang="eng")
    return _ENGINE


def prepared(image: Image.Image) -> Image.Image:
    """One frame as the grey page Tesseract reads best: transparency on white, at ~300 dpi."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        image = image.convert("RGBA")
        page = Image.new("RGBA", image.size, "white")
        page.alpha_composite(image)
        image = page
    if image.mode in ("I", "F") or image.mode.startswith("I;16"):
        # 16-bit and float greys (some scanners' TIFFs): Pillow would clip them to white.
        wide = image if image.mode == "F" else image.convert("I")
        low, high = cast(tuple[float, float], wide.getextrema())  # one band: (low, high)
        span = max(high - low, 1.0)
        image = wide.point(lambda v: (v - low) * 255.0 / span)
    grey = image.convert("L")
    dpi = image.info.get("dpi")
    x_dpi, y_dpi = (float(dpi[0]), float(dpi[1])) if dpi and dpi[0] and dpi[1] else (0.0, 0.0)
    width, height = grey.size
    if x_dpi and y_dpi:
        x_scale, y_scale = max(1.0, DPI / x_dpi), max(1.0, DPI / y_dpi)
    else:
        # No resolution given: a small picture of a page is taken to be a low-resolution scan.
        x_scale = y_scale = 2.0 if max(width, height) < 1600 else 1.0
    x_scale, y_scale = _bounded(width * x_scale, height * y_scale, x_scale, y_scale)
    if (x_scale, y_scale) != (1.0, 1.0):
        size = (max(1, round(width * x_scale)), max(1, round(height * y_scale)))
        grey = grey.resize(size, Image.Resampling.BILINEAR)
    return grey


def _bounded(width: float, height: float, x: float, y: float) -> tuple[float, float]:
    shrink = min(1.0, LONGEST / max(width, height, 1.0))
    return x * shrink, y * shrink


def page_lines(image: Image.Image) -> list[str]:
    """A page's words on lines at their columns, an empty line where blank page parts them.

    A page fed into the scanner sideways or upside down is turned and read again when its
    first reading says so (``_turn``), and kept turned unless Tesseract is less sure of it
    (a page a quarter clockwise it reads about as surely either way, only upright in rows)."""
    engine = _engine()
    grey = rules.unruled(prepared(image))
    engine.SetImage(grey)
    engine.Recognize()
    words = _words(engine)
    sure = engine.MeanTextConf()
    turn = _turn(words, sure)
    if turn:
        lines = _placed(engine, words)
        engine.SetImage(grey.transpose(_TURNS[turn]))
        engine.Recognize()
        if engine.MeanTextConf() < sure - _SURE_SLACK:
            return lines
        words = _words(engine)
    return _placed(engine, words)


# Degrees anticlockwise that turn a page upright, as Pillow's transpositions.
_TURNS = {
    90: Image.Transpose.ROTATE_90,
    180: Image.Transpose.ROTATE_180,
    270: Image.Transpose.ROTATE_270,
}
# Tesseract is this sure (per cent) of an upright page's words; of a page upside down or on its
# side, about a third as sure (measured on the synthetic forms and worklists: 88-94 against
# 31-42). It reads a page turned a quarter clockwise as well as an upright one, but each word
# in a box taller than wide. A turned page is kept unless Tesseract is _SURE_SLACK less sure.
_SURE = 60
_SURE_SLACK = 5
_FEWEST_WORDS = 5  # fewer words than this say nothing of which way up a page is

# A recognised word: its text as Tesseract gives it, its box (left, top, right, bottom; y grows
# downwards) and Tesseract's confidence in it, per cent.
_Recognised = tuple[str, tuple[int, int, int, int], float]


def _words(engine: Any) -> list[_Recognised]:
    """The last reading's words, each asked of Tesseract once."""
    import tesserocr

    level = tesserocr.RIL.WORD
    words: list[_Recognised] = []
    for word in _iterate(engine, level):
        try:
            text = word.GetUTF8Text(level) or ""
        except RuntimeError:  # "No text returned": a page with nothing on it
            continue
        box = word.BoundingBox(level)
        if box is not None:
            words.append((text, box, word.Confidence(level)))
    return words


def _turn(words: list[_Recognised], sure: float) -> int:
    """Degrees anticlockwise that would set the page upright, from its first reading (its
    words, and how ``sure`` Tesseract is of them): words standing on end (most boxes of three
    letters or more taller than wide) are a page on its side; words lying down that Tesseract
    is unsure of are one upside down."""
    shapes = sorted(
        (right - left) / max(bottom - top, 1)
        for text, (left, top, right, bottom), _ in words
        if len(text) >= 3
    )
    if len(shapes) < _FEWEST_WORDS:
        return 0
    if shapes[len(shapes) // 2] < 1.0:
        return 90 if sure >= _SURE else 270
    return 0 if sure >= _SURE else 180


def _placed(engine: Any, words: list[_Recognised]) -> list[str]:
    import tesserocr

    # Tesseract reads a tilted line's words well; only their boxes are tilted. They are turned
    # back about the page's corner (turning the page itself would cost a third of reading it).
    tilt = _tilt(engine, tesserocr.RIL.TEXTLINE)
    return _words_placed(words, math.radians(tilt) if abs(tilt) > _LEVEL else 0.0)


def _tilt(engine: Any, level: int) -> float:
    """The page's tilt in degrees (clockwise), the median of its longer lines' baselines."""
    angles = []
    for line in _iterate(engine, level):
        baseline = line.Baseline(level)
        if baseline:
            (x1, y1), (x2, y2) = baseline
            if x2 - x1 > _BASELINE:
                angles.append(math.degrees(math.atan2(y2 - y1, x2 - x1)))
    angles.sort()
    return angles[len(angles) // 2] if angles else 0.0


def _iterate(engine: Any, level: int) -> Iterator[Any]:
    import tesserocr

    found = engine.GetIterator()
    return iter(()) if found is None else cast(Iterator[Any], tesserocr.iterate_level(found, level))


def _words_placed(recognised: list[_Recognised], tilt: float) -> list[str]:
    cos, sin = math.cos(tilt), math.sin(tilt)
    words: list[layout.Word] = []
    widths: list[float] = []
    for raw, (left, top, right, bottom), confidence in recognised:
        text = raw.strip().strip(_RULES)
        if not text:
            continue
        if not any(c.isalnum() for c in text) and (
            text not in _MARKS or confidence < _LEAST_CONFIDENCE
        ):
            continue
        x0, x1, y0, y1 = float(left), float(right), float(top), float(bottom)
        if tilt:
            # The box's middle turned back by the tilt; its size kept.
            x, y = (x0 + x1) / 2, (y0 + y1) / 2
            x, y = x * cos + y * sin, y * cos - x * sin
            half_width, half_height = (x1 - x0) / 2, (y1 - y0) / 2
            x0, x1, y0, y1 = x - half_width, x + half_width, y - half_height, y + half_height
        words.append((x0, x1, -y1, -y0, text))
        widths.append((x1 - x0) / len(text))
    if not words:
        return []
    widths.sort()
    return layout.place(words, max(widths[len(widths) // 2], 1.0), gaps=True)


# OCR reads a gap in a spaced number as a dot or comma now and then ("706.926 0938"), parts a
# date's "11" as "1 1" ("20/1 1/2018", "10/11/1 984"), and reads a postcode's digit as the
# letter it looks like ("CRO 4RA", "SE1 OAB"): where a postcode has a digit, a digit is put back,
# and a gap between its halves placed as two spaces ("SW4  3UH") is one. A number's narrow last
# digit can stand apart ("685022881  1"): nine digits and one after a gap are put together.
# A sans-serif capital I is a small l to it: "lan Cameron", "lbrahim" are mended where the name
# lists know the word with an I and not with an l. A label's "rn" or "n" read as "m"
# ("Sumame", "Surmame") is put back where the header synonyms know the word so.
_GROUP_MARK = re.compile(r"(?<![\d.,])(\d{3})[.,](\d{3})[ .,](\d{4})(?![\d.,]?\d)")
_POSTCODE_SLIP = re.compile(r"\b([A-Z]{1,2})([0-9OIl])([0-9A-Z]?) {1,2}([0-9OIl])([A-Z]{2})\b")
_AS_DIGIT = str.maketrans("OIl", "011")
_SMALL_L = re.compile(r"(?<![\w'’-])l[a-z]{1,20}(?![\w'’-])")
_LAST_DIGIT_APART = re.compile(r"(?<![\d.,])((?:\d{3} ?){2}\d{3}) {1,2}(\d)(?![\d.,]?\d)")
_WORD = re.compile(r"\b[A-Za-z]{5,40}\b")
_PARTED_DATE = re.compile(
    r"(?<![\d/])(\d ?\d?)/(\d ?\d?)/(\d\d(?:\d\d)?|\d ?\d{3}|\d\d ?\d\d|\d{3} ?\d)(?![\d/])"
)


# A postcode's district digit read as the letter it looks like ("SES 4NB" for SE5 4NB), where
# the two letters before it are a postcode area; a hospital number read in two parts after its
# label ("Hospital No: Q1 852775").
_POSTCODE_LETTER = re.compile(r"\b([A-Z]{2})([SBZG])( {1,2}\d[ABD-HJLNP-UW-Z]{2})\b")
_AS_DIGIT_TOO = str.maketrans("SBZG", "5826")
# (120 codes read better as one string than as a list: hence the noqa.)
_AREAS = frozenset(
    "AB AL BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY "  # noqa: SIM905
    "EC EH EN EX FK FY GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY LA LD LE LL "
    "LN LS LU ME MK ML NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM SA SE SG SK SL SM SN "
    "SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB WA WC WD WF WN WR WS WV YO ZE".split()
)
_HOSPITAL_PARTED = re.compile(
    r"(\b(?:Hosp(?:ital)?\.? ?(?:No|Number|Num|ID)\b\.?|MRN|Unit No\b\.?)[: ]{1,3})"
    r"([A-Z]{0,3}\d{1,3}) (\d{3,8}[A-Z]?)\b",
    re.IGNORECASE,
)


def _mended(line: str) -> str:
    if "m" in line or "M" in line:
        line = _WORD.sub(_label_word, line)
    if "." in line or "," in line:
        line = _GROUP_MARK.sub(r"\1 \2 \3", line)
    if "/" in line:
        line = _PARTED_DATE.sub(_joined_date, line)
    line = _LAST_DIGIT_APART.sub(r"\1\2", line)
    if "l" in line:
        line = _SMALL_L.sub(_capital_i, line)
    line = _HOSPITAL_PARTED.sub(_hospital_joined, line)
    line = _POSTCODE_LETTER.sub(_postcode_letter, line)
    return _POSTCODE_SLIP.sub(_postcode_digits, line)


def _postcode_letter(match: re.Match[str]) -> str:
    area, district, rest = match.groups()
    if area not in _AREAS:
        return match.group()
    return area + district.translate(_AS_DIGIT_TOO) + rest


def _hospital_joined(match: re.Match[str]) -> str:
    label, first, second = match.groups()
    if hospital.SHAPE.fullmatch(first + second) is None:
        return match.group()
    return label + first + second


def _label_word(match: re.Match[str]) -> str:
    word = match.group()
    return _label_words().get(word.lower(), {}).get(word, word)


@lru_cache(maxsize=1)
def _label_words() -> dict[str, dict[str, str]]:
    """The words of the header synonyms as OCR misreads them, "rn" read as "m" ("Sumame") or
    an "n" as "m" ("Surmame"), each as written (lower, Capital, UPPER) -> the word in that
    case. (Not "m" read as "rn": "Horne" is a family name.)"""
    from breachdesk.detect.columns import synonyms

    words = {word for label in synonyms() for word in label.split() if len(word) >= 5}
    slips: dict[str, dict[str, str]] = {}
    for word in words:
        misread = {word.replace("rn", "m")}
        misread |= {word[:i] + "m" + word[i + 1 :] for i, c in enumerate(word) if c == "n"}
        for slip in misread - words - {word}:
            slips[slip] = {
                slip: word,
                slip.capitalize(): word.capitalize(),
                slip.upper(): word.upper(),
            }
    return slips


def _capital_i(match: re.Match[str]) -> str:
    word = match.group()
    mended = "I" + word[1:]
    return mended if given_names.kind(word) == 0 and given_names.kind(mended) != 0 else word


def _postcode_digits(match: re.Match[str]) -> str:
    area, district, more, sector, unit = match.groups()
    return f"{area}{district.translate(_AS_DIGIT)}{more} {sector.translate(_AS_DIGIT)}{unit}"


def _joined_date(match: re.Match[str]) -> str:
    return match.group().replace(" ", "")


def items(lines: list[str], prefix: str) -> Iterator[Item]:
    """A page's items: a printed table or a form's rows of boxes as ``readers.fixed_width``
    reads them, else paragraphs (a column's run of spaces cut to three, so a label's window
    still reaches its value). Every page is tried as laid out (a misread label, "Sumame", would
    fail ``layout.may_hold_table``, and the trying is little beside the OCR)."""
    lines = [_mended(line) for line in lines]
    if lines:  # OCR's letters for digits in NHS numbers and dates of birth
        lines = ocr_digits.repair("\n".join(lines)).split("\n")
    printed = layout.printed_table(lines, prefix)
    if printed is not None:
        yield from printed
        return
    yield from paragraphs("\n".join(_squeezed(line) for line in lines), prefix=prefix)


_COLUMN_GAP = re.compile(r" {4,}")


def _squeezed(line: str) -> str:
    return _COLUMN_GAP.sub("   ", line)
