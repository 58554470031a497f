from __future__ import annotations

import os
import random
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from breachdesk import nhs, progress

progress.QUIET = True


@pytest.fixture
def rng() -> random.Random:
    return random.Random(20240603)


@pytest.fixture
def numbers(rng: random.Random) -> list[str]:
    """Valid England NHS numbers."""
    return [nhs.generate(rng) for _ in range(20)]


# Debian's Chromium, driven by Playwright through executable_path (Playwright's own browser
# download cannot reach its host here). The flags keep it off this machine's closed network.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def chromium() -> Iterator[Any]:
    """A headless Chromium browser; skipped on a developer machine without it, never in CI."""
    if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
        pytest.skip("Debian's chromium is not installed; CI installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
