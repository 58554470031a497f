"""Bar charts for the report, drawn once by matplotlib as SVG (HTML) and PNG (PDF)."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # no display: the report is built on servers and in CI

import matplotlib.pyplot as plt

_COLOURS = {"high": "#b2182b", "medium": "#ef8a62", "low": "#67a9cf"}


def bar(title: str, data: dict[str, int], fmt: str) -> bytes:
    """A horizontal bar chart of ``data`` (label -> count) as SVG or PNG bytes."""
    labels = list(data)[::-1]
    values = [data[k] for k in labels]
    height = max(1.6, 0.38 * len(labels) + 0.8)
    fig, ax = plt.subplots(figsize=(6.4, height), dpi=110)
    colours = [_COLOURS.get(label, "#4575b4") for label in labels]
    bars = ax.barh(labels, values, color=colours)
    ax.bar_label(bars, padding=3, fontsize=8)
    ax.set_title(title, fontsize=11, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=8)
    ax.set_xlim(0, max([*values, 1]) * 1.15)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    plt.close(fig)
    return buffer.getvalue()
