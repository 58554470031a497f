"""Dashboard charts as inline SVG, drawn by matplotlib on the server: the page needs no
JavaScript and fetches nothing (the helpline may run on a network with no internet)."""

from __future__ import annotations

import html
import io
import re

from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

_BLUE = "#1d4f91"
_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.DOTALL)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)


def _svg(fig: Figure, label: str) -> str:
    # The object API, not pyplot: pyplot keeps global state and requests run in threads.
    FigureCanvasSVG(fig)
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = _METADATA.sub("", _PROLOGUE.sub("", buffer.getvalue(), count=1), count=1)
    return text.replace("<svg ", f'<svg role="img" aria-label="{html.escape(label)}" ', 1)


def columns(title: str, data: dict[str, int]) -> str:
    """Vertical bars over time (calls per hour)."""
    fig = Figure(figsize=(8.0, 2.6), dpi=96)
    ax = fig.add_subplot()
    labels = list(data)
    ax.bar(range(len(labels)), list(data.values()), color=_BLUE)
    step = max(1, len(labels) // 12)
    ax.set_xticks(range(0, len(labels), step), labels[::step], rotation=0, fontsize=7)
    ax.set_title(title, fontsize=10, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=7)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # no 0.5 of a call
    fig.tight_layout()
    return _svg(fig, title)


def bars(title: str, data: dict[str, int]) -> str:
    """Horizontal bars (outcomes, reasons, lookups), largest first."""
    labels = list(data)[::-1] or ["none yet"]
    values = [data.get(k, 0) for k in labels]
    fig = Figure(figsize=(5.6, max(1.5, 0.34 * len(labels) + 0.8)), dpi=96)
    ax = fig.add_subplot()
    drawn = ax.barh(labels, values, color=_BLUE)
    ax.bar_label(drawn, padding=3, fontsize=7)
    ax.set_xlim(0, max([*values, 1]) * 1.2)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(title, fontsize=10, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=7)
    fig.tight_layout()
    return _svg(fig, title)
