"""Which organisation must decide on notifying each person (the controller).

In order, as the 2024 investigation had to do by hand: ODS or requester codes in the person's own
records (HL7 headers, requester columns, text) and in the folder and file names those records came
from; else a path rule (a YAML list mapping path patterns to controllers, for folders named after
a client rather than a code); else the practice the PMI registers the patient with. Nobody is
dropped: people with none of these are "unmapped" and listed for manual mapping.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from breachdesk.errors import UserError

_PRACTICE_IN_PATH = re.compile(r"(?<![A-Za-z0-9])([A-HJ-NP-Y]\d{5})(?![0-9])")
_ODS = re.compile(r"^(?:[A-HJ-NP-Y]\d{5}|R[A-Z0-9]{2}(?:[A-Z0-9]{2})?|[A-Z0-9]{3,6})$")


@dataclass(frozen=True)
class PathRule:
    pattern: str
    controller: str

    def matches(self, path: str) -> bool:
        # Patterns match the whole dump path, archive members included ("Archive/*.zip!/GP1/*").
        return fnmatch.fnmatchcase(path, self.pattern)


def load_path_rules(path: Path | None) -> list[PathRule]:
    """``rules: [{pattern: "Clients/Lordship Lane/*", controller: G85001}, ...]``"""
    if path is None:
        return []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        rules = [
            PathRule(str(r["pattern"]), str(r["controller"]).strip().upper())
            for r in data.get("rules", [])
        ]
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError) as exc:
        raise UserError(
            f"{path}: not a controller rules file ({exc}); expected "
            "'rules: [{pattern: GLOB, controller: ODS_CODE}, ...]'"
        ) from exc
    bad = [r.controller for r in rules if not _ODS.match(r.controller)]
    if bad:
        raise UserError(f"{path}: {bad[0]!r} is not an ODS code; use codes like G85001 or RJ1")
    return rules


def codes_in_path(path: str) -> list[str]:
    """GP practice codes in folder and file names (``GP_Results/G85001/results.csv``)."""
    return list(dict.fromkeys(_PRACTICE_IN_PATH.findall(path)))


def resolve(
    record_codes: list[str],
    paths: list[str],
    rules: list[PathRule],
    registered_practice: str | None,
) -> tuple[list[str], str]:
    """(controllers, source) for one person; source says which rule decided."""
    from_records = list(dict.fromkeys(record_codes))
    from_paths = [c for p in paths for c in codes_in_path(p) if c not in from_records]
    if from_records or from_paths:
        return sorted({*from_records, *from_paths}), "records"
    by_rule = sorted({r.controller for r in rules for p in paths if r.matches(p)})
    if by_rule:
        return by_rule, "path_rule"
    if registered_practice:
        return [registered_practice], "pmi"
    return [], "unmapped"
