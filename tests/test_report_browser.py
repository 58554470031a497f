"""The HTML report in a real headless Chromium: it renders offline and its charts are drawn."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from breachdesk.engine.local import LocalEngine
from breachdesk.pipeline import open_case, run_all
from breachdesk.report import facts as report_facts
from breachdesk.report import render
from breachdesk.synth import generate

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not os.environ.get("CI"),
        reason="Debian's chromium is not installed; CI installs it",
    ),
]


def test_report_charts_render_in_chromium(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    generate(tmp_path / "synth", patients=200, seed=3)
    case = open_case(
        tmp_path / "synth" / "dump", tmp_path / "case", tmp_path / "synth" / "pmi.csv", None
    )
    run_all(LocalEngine(workers=1), case)
    html = render.html(report_facts.collect(LocalEngine(workers=1), case), tmp_path)
    assert "http" not in html.read_text().split("<body>")[0]  # nothing fetched from the network
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page(viewport={"width": 1200, "height": 1600})
        page.goto(html.as_uri())
        assert page.title().startswith("Incident report")
        charts = page.locator(".chart svg")
        assert charts.count() >= 4
        for i in range(charts.count()):
            box = charts.nth(i).bounding_box()
            assert box is not None and box["width"] > 200 and box["height"] > 60
        shot = tmp_path / "risk.png"
        page.locator("#people ~ .charts .chart").first.screenshot(path=str(shot))
        browser.close()
    from PIL import Image

    image = Image.open(shot).convert("L")
    colours = image.getcolors(maxcolors=1 << 16) or []
    # A drawn chart has bars, axes and labels: many grey levels, and far from all white.
    assert len(colours) > 10
    white = max(count for count, level in colours if level > 250) if colours else 0
    assert white < 0.97 * image.width * image.height
