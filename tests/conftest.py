from __future__ import annotations

import random

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
