"""Probabilistic linkage of the residue: train the model on the case's data, score pairs.

Scored pairs come back as Arrow (``key_l``, ``key_r``, ``match_probability``, ``match_weight``,
``evidence``): the clustering that follows is the engine-neutral part, so it is the same
whichever backend Splink ran on.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from breachdesk.engine import Engine
from breachdesk.link import train

PAIRS_SCHEMA = pa.schema(
    [
        ("key_l", pa.string()),
        ("key_r", pa.string()),
        ("match_probability", pa.float64()),
        ("match_weight", pa.float64()),
        ("gammas", pa.list_(pa.int8())),
    ]
)


@dataclass
class Scored:
    pairs: pa.Table
    # per comparison, {comparison vector value: level label}; ``gammas`` follow this order
    labels: list[dict[int, str]] = field(default_factory=list)
    model: dict[str, Any] | None = None
    parameters: dict[str, Any] | None = None
    status: str = "trained"
    seconds: dict[str, float] = field(default_factory=dict)
    em_iterations: list[int] = field(default_factory=list)


def _labels(linker: Any) -> tuple[list[str], list[dict[int, str]]]:
    """gamma columns and, for each, {comparison vector value: level label}."""
    names, labels = [], []
    for comparison in linker._settings_obj.comparisons:
        names.append(f"gamma_{comparison.output_column_name}")
        # Splink calls every else level "All other comparisons"; say which value differs.
        what = comparison.output_column_name.replace("_", " ")
        labels.append(
            {
                level.comparison_vector_value: (
                    f"{what} differs" if level._is_else_level else level.label_for_charts
                )
                for level in comparison.comparison_levels
                if not level.is_null_level
            }
        )
    return names, labels


def evidence(gammas: list[int] | None, labels: list[dict[int, str]]) -> str:
    """One readable line for a pair: the level each comparison reached (missing values left
    out)."""
    if not gammas:
        return ""
    return "; ".join(m[g] for g, m in zip(gammas, labels, strict=False) if g in m)


def score(engine: Engine, entities: pa.Table, workdir: Path, review_threshold: float) -> Scored:
    """Train on ``entities`` and score every blocked pair touching the residue."""
    residue = pc.sum(pc.equal(entities["kind"], "res")).as_py() or 0
    if residue == 0:
        return Scored(PAIRS_SCHEMA.empty_table(), status="no residue: every profile linked")
    if entities.num_rows < train.MIN_ENTITIES:
        return Scored(
            PAIRS_SCHEMA.empty_table(),
            status=f"not trained: {entities.num_rows} entities, fewer than "
            f"{train.MIN_ENTITIES}; the residue is grouped by exact keys",
        )
    db_api = engine.linker_db_api(workdir)
    trained = train.train(db_api, entities)
    linker = trained.linker
    start = time.monotonic()
    predictions = linker.inference.predict(
        threshold_match_probability=review_threshold, warning_mode="never"
    )
    names, labels = _labels(linker)
    # Only the columns clustering and review need leave the backend (plain SQL: any dialect).
    selected = predictions.query_sql(
        "SELECT unique_id_l, unique_id_r, match_probability, match_weight, "
        + ", ".join(names)
        + " FROM {this}"
    )
    raw = selected.as_pyarrow_table()
    selected.drop_table_from_database_and_remove_from_cache()
    predictions.drop_table_from_database_and_remove_from_cache()
    # One list per pair: the level (comparison vector value) each comparison reached.
    matrix = np.column_stack(
        [raw[name].to_numpy(zero_copy_only=False).astype(np.int8) for name in names]
    ).reshape(-1)
    offsets = np.arange(0, matrix.size + 1, len(names), dtype=np.int32)
    gammas = pa.ListArray.from_arrays(pa.array(offsets), pa.array(matrix, pa.int8()))
    pairs = pa.table(
        {
            "key_l": raw["unique_id_l"],
            "key_r": raw["unique_id_r"],
            "match_probability": pc.cast(raw["match_probability"], pa.float64()),
            "match_weight": pc.cast(raw["match_weight"], pa.float64()),
            "gammas": gammas,
        },
        schema=PAIRS_SCHEMA,
    )
    seconds = dict(trained.seconds)
    seconds["predict"] = time.monotonic() - start
    return Scored(
        pairs,
        labels=labels,
        model=linker.misc.save_model_to_json(),
        parameters=train.parameters(linker, trained.estimated),
        seconds=seconds,
        em_iterations=trained.em_iterations,
    )
