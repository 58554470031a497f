"""Ruled lines taken off a scanned page before OCR: a request form's boxes, a table's grid, the
lines a form's answers are written on.

Tesseract reads a box's edge beside a word as part of it ("[NHS number"), an edge under a row
as a line of its own ("LL", "Es"), and digits boxed in tightly as letters ("[eeeen eae" for an
NHS number). A rule is a run of dark pixels far longer than any stroke of a letter, across or
down the page; a scan's tilt (up to a few degrees) is allowed for by thickening the page by a
few pixels across the run before measuring it. Only pixels in such runs that are also in a
stretch longer than any letter's own stroke are whitened, with a pixel either side (the edge a
scanner greys): a letter touching a rule keeps its own strokes.

The work is done at half size (a 300 dpi A4 page is 8.7 million pixels; halved, a quarter of
the work for the same rules)."""

from __future__ import annotations

import numpy as np
from PIL import Image

_DARK = 200  # grey levels below this are ink (a scanner greys a rule's edges)
# At the half size, in pixels (150 dpi): a rule runs at least _ACROSS (1.7 cm) along a line,
# where touching letters of a bold heading may run on, or _DOWN (6.8 mm, a box around one line
# of writing) down the page, where letters never touch; a letter's stroke is shorter than
# _STROKE (3.4 mm, more than a 14 pt capital's height); a rule tilted by up to ~2 degrees keeps
# its run when thickened _SPREAD pixels either side.
_ACROSS = 100
_DOWN = 40
_STROKE = 20
_SPREAD = 2


def unruled(grey: Image.Image) -> Image.Image:
    """The page (mode "L") with its long straight rules whitened; itself when it has none."""
    page = np.asarray(grey)
    height, width = page.shape
    if height < 2 * _DOWN or width < 2 * _DOWN:
        return grey
    half_h, half_w = height // 2, width // 2
    ink = page[: half_h * 2, : half_w * 2] < _DARK
    small = ink[0::2, 0::2] | ink[1::2, 0::2] | ink[0::2, 1::2] | ink[1::2, 1::2]
    across = _runs(small, _ACROSS, _SPREAD) & _runs(small, _STROKE, 0)
    down = (_runs(small.T, _DOWN, _SPREAD) & _runs(small.T, _STROKE, 0)).T
    if not across.any() and not down.any():
        return grey
    rules = across | down
    rules[1:] |= across[:-1]
    rules[:-1] |= across[1:]
    rules[:, 1:] |= down[:, :-1]
    rules[:, :-1] |= down[:, 1:]
    whole = np.repeat(np.repeat(rules, 2, axis=0), 2, axis=1)
    out = page.copy()
    out[: half_h * 2, : half_w * 2][whole] = 255
    return Image.fromarray(out)


def _runs(ink: np.ndarray, length: int, spread: int) -> np.ndarray:
    """The ink pixels lying in a run of at least ``length`` along each row, the ink first
    thickened ``spread`` rows up and down."""
    thick = ink.copy()
    for k in range(1, spread + 1):
        thick[k:] |= ink[:-k]
        thick[:-k] |= ink[k:]
    rows, cols = thick.shape
    if cols < length or cols >= 1 << 15:
        return np.zeros_like(ink)
    # Sums over every window of ``length`` along a row, from one running sum: a window all ink
    # starts a run; a pixel is in one when such a window starts at most ``length`` - 1 before it.
    total = np.zeros((rows, cols + 1), np.int16)
    np.cumsum(thick, axis=1, out=total[:, 1:])
    starts = np.zeros((rows, cols), bool)
    starts[:, : cols - length + 1] = (total[:, length:] - total[:, :-length]) == length
    np.cumsum(starts, axis=1, out=total[:, 1:])
    within = total[:, 1:].copy()
    within[:, length:] -= total[:, 1 : cols - length + 1]
    return (within > 0) & ink
