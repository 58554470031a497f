"""Estimate the model's parameters from the case's own data: nothing is hand-typed.

- u (how often each level occurs between *different* people): random sampling of entity pairs,
  which are almost all non-matches in any index of thousands;
- the prior (how likely two random entities are one person): from deterministic rules, scaled
  by their assumed recall;
- m (how often each level occurs for the *same* person): expectation maximisation over pairs
  blocked on date of birth, then on full name; each session estimates the comparisons its
  blocking does not use.

The trained model (Splink's JSON) and a report of m, u and match weight per comparison level
are saved with the case, so a run can be explained and repeated.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
from splink import Linker

from breachdesk.link import model

# Below this many entities EM has too few pairs to learn from; the link stage then keeps the
# deterministic links and groups the rest by exact keys, and says so in its report.
MIN_ENTITIES = 300
# Assumed recall of the deterministic rules, for the prior only (thresholds are set on
# measured precision/recall, so this shifts scores, not decisions at the chosen thresholds).
DETERMINISTIC_RECALL = 0.8
# u from U_PAIRS_PER_ENTITY random pairs per entity, between U_MIN_PAIRS and U_MAX_PAIRS.
# Splink 5 scores the sample once per comparison (~1 us a pair each on DuckDB); a million pairs
# puts ~200 observations in the rarest levels that matter (a swapped day and month), and past
# that the estimates barely move while time grows linearly.
U_MIN_PAIRS = 1e5
U_MAX_PAIRS = 1e6
U_PAIRS_PER_ENTITY = 25
EM_MAX_PAIRS = 3e6
SEED = 20240603
M_FLOOR = 1e-3


@dataclass
class Trained:
    linker: Linker
    seconds: dict[str, float] = field(default_factory=dict)
    em_iterations: list[int] = field(default_factory=list)
    # (comparison, level) -> (m estimated, u estimated) before any level was filled in
    estimated: dict[tuple[str, str], tuple[bool, bool]] = field(default_factory=dict)


def quiet_splink() -> None:
    """Splink logs SQL progress at INFO; keep the stage's own output to counts and timings."""
    logging.getLogger("splink").setLevel(logging.ERROR)


def make_linker(db_api: Any, entities: pa.Table, settings: Any = None) -> Linker:
    quiet_splink()
    table = db_api.register(entities.select(list(model.ENTITY_COLUMNS)), table_name="entities")
    return Linker(table, settings if settings is not None else model.settings(), log_level=None)


def train(db_api: Any, entities: pa.Table) -> Trained:
    """A linker over ``entities`` with every parameter estimated from them."""
    linker = make_linker(db_api, entities)
    out = Trained(linker)
    start = time.monotonic()
    linker.training.estimate_probability_two_random_records_match(
        list(model.DETERMINISTIC_RULES), recall=DETERMINISTIC_RECALL
    )
    out.seconds["prior"] = time.monotonic() - start
    start = time.monotonic()
    pairs = min(U_MAX_PAIRS, max(U_MIN_PAIRS, U_PAIRS_PER_ENTITY * entities.num_rows))
    # One chunk, no early stop: the rare levels never reach Splink's early-stop count, so
    # chunking only repeats fixed costs.
    linker.training.estimate_u_using_random_sampling(
        max_pairs=pairs, seed=SEED, min_count_per_level=None, num_chunks=1
    )
    out.seconds["u"] = time.monotonic() - start
    start = time.monotonic()
    for rule in model.TRAINING_RULES:
        session = linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True, max_pairs=EM_MAX_PAIRS
        )
        out.em_iterations.append(len(session._core_model_settings_history) - 1)
    out.seconds["m"] = time.monotonic() - start
    out.estimated = estimated(linker)
    bound_unseen_u(linker, pairs)
    smooth(linker, out.estimated)
    return out


def bound_unseen_u(linker: Linker, pairs: float) -> None:
    """A level never seen among ``pairs`` random pairs gets u = 3 / pairs, the rule-of-three
    upper bound, rather than Splink's starting value: e.g. two valid NHS numbers are never one
    digit apart (Modulus 11 catches every single-digit error), so that level's true u is ~0."""
    for comparison in linker._settings_obj.comparisons:
        for level in comparison.comparison_levels:
            if level.is_null_level or level._is_else_level:
                continue
            if not (level._has_estimated_u_values and level._u_is_trained):
                current = level.u_probability if level.u_probability is not None else 1.0
                level.u_probability = min(current, 3.0 / pairs)


def smooth(linker: Linker, flags: dict[tuple[str, str], tuple[bool, bool]]) -> None:
    """Keep every m probability at or above ``M_FLOOR``, renormalised per comparison.

    EM drives m to zero for a level it never sees among matches in this dump (no one moved
    house, no sex recorded wrongly), which would make one such disagreement veto any amount of
    agreement elsewhere; rare is not impossible. A level EM could not estimate at all starts at
    the floor too, rather than at Splink's starting value, which would take its share of
    probability from the levels that were estimated.
    """
    for comparison in linker._settings_obj.comparisons:
        levels = [lv for lv in comparison.comparison_levels if not lv.is_null_level]
        current = [
            lv.m_probability
            if flags.get((comparison.output_column_name, lv.label_for_charts), (True, True))[0]
            else 0.0
            for lv in levels
        ]
        if any(m is None for m in current):
            continue
        floored = [max(float(m or 0.0), M_FLOOR) for m in current]
        total = sum(floored)
        for level, m in zip(levels, floored, strict=True):
            level.m_probability = m / total


def estimated(linker: Linker) -> dict[tuple[str, str], tuple[bool, bool]]:
    """Per (comparison, level): were m and u estimated from the data? A level never seen in
    the training pairs has no estimate, and the report says so."""
    out = {}
    for comparison in linker._settings_obj.comparisons:
        for level in comparison.comparison_levels:
            if not level.is_null_level:
                key = (comparison.output_column_name, level.label_for_charts)
                out[key] = (
                    bool(level._has_estimated_m_values) and level._m_is_trained,
                    bool(level._has_estimated_u_values) and level._u_is_trained,
                )
    return out


def parameters(
    linker: Linker, flags: dict[tuple[str, str], tuple[bool, bool]] | None = None
) -> dict[str, Any]:
    """m, u and match weight per comparison level, and the prior: the model in numbers."""
    settings = linker._settings_obj
    comparisons = []
    for comparison in settings.comparisons:
        levels = []
        for level in comparison.comparison_levels:
            if level.is_null_level:
                continue
            m, u = level.m_probability, level.u_probability
            weight = math.log2(m / u) if m and u else None
            m_est, u_est = (flags or {}).get(
                (comparison.output_column_name, level.label_for_charts), (True, True)
            )
            levels.append(
                {
                    "level": level.label_for_charts,
                    "m": _round(m),
                    "u": _round(u),
                    "m_estimated": m_est,
                    "u_estimated": u_est,
                    "match_weight": _round(weight),
                    "tf_adjusted": bool(level._tf_adjustment_input_column),
                }
            )
        comparisons.append({"comparison": comparison.output_column_name, "levels": levels})
    prior = settings._probability_two_random_records_match
    return {"probability_two_random_records_match": prior, "comparisons": comparisons}


def _round(value: float | None) -> float | None:
    return None if value is None else float(f"{value:.6g}")
