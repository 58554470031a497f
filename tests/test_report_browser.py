"""The HTML report in a real headless Chromium: it renders offline and its charts are drawn."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from breachdesk.engine.local import LocalEngine
from breachdesk.pipeline import open_case, run_all
from breachdesk.report import facts as report_facts
from breachdesk.report import render
from breachdesk.synth import generate

pytestmark = pytest.mark.browser


def test_report_charts_render_in_chromium(tmp_path: Path, chromium: Any) -> None:

    generate(tmp_path / "synth", patients=200, seed=3)
    case = open_case(
        tmp_path / "synth" / "dump", tmp_path / "case", tmp_path / "synth" / "pmi.csv", None
    )
    run_all(LocalEngine(workers=1), case)
    html = render.html(report_facts.collect(LocalEngine(workers=1), case), tmp_path)
    assert "http" not in html.read_text().split("<body>")[0]  # nothing fetched from the network
    page = chromium.new_page(viewport={"width": 1200, "height": 1600})
    page.goto(html.as_uri())
    assert page.title().startswith("Incident report")
    charts = page.locator(".chart svg")
    assert charts.count() >= 4
    for i in range(charts.count()):
        box = charts.nth(i).bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 60
    shot = tmp_path / "risk.png"
    page.locator("#people ~ .charts .chart").first.screenshot(path=str(shot))
    from PIL import Image

    image = Image.open(shot).convert("L")
    colours = image.getcolors(maxcolors=1 << 16) or []
    # A drawn chart has bars, axes and labels: many grey levels, and far from all white.
    assert len(colours) > 10
    white = max(count for count, level in colours if level > 250) if colours else 0
    assert white < 0.97 * image.width * image.height
