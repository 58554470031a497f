"""Risk rules as data: a supervisor edits ``risk_rules.yaml`` (or passes their own) and re-runs."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from breachdesk.errors import UserError
from breachdesk.vocabulary import CATEGORIES

LEVELS = ("low", "medium", "high")


@dataclass(frozen=True)
class Rule:
    level: str
    explanation: str
    sensitive: bool = False
    identity: bool = False
    all_of: tuple[str, ...] = ()
    any_of: tuple[str, ...] = ()

    def holds(self, exposed: set[str], sensitive: list[str]) -> bool:
        if self.sensitive and not sensitive:
            return False
        if self.identity and not has_identity(exposed):
            return False
        if any(c not in exposed for c in self.all_of):
            return False
        return not self.any_of or any(c in exposed for c in self.any_of)


def has_identity(exposed: set[str]) -> bool:
    return "nhs_number" in exposed or {"name", "date_of_birth"} <= exposed


def load_rules(path: Path | None = None) -> list[Rule]:
    source = path or resources.files("breachdesk") / "data" / "risk_rules.yaml"
    try:
        with source.open(encoding="utf-8") as handle:
            data: dict[str, Any] = yaml.safe_load(handle)
        rules = [
            Rule(
                level=str(r["level"]),
                explanation=str(r["explanation"]),
                sensitive=bool(r.get("sensitive", False)),
                identity=bool(r.get("identity", False)),
                all_of=tuple(r.get("all_of", ())),
                any_of=tuple(r.get("any_of", ())),
            )
            for r in data["rules"]
        ]
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise UserError(
            f"{source}: not a valid risk rules file ({exc}); see risk_rules.yaml"
        ) from exc
    for rule in rules:
        unknown = [c for c in (*rule.all_of, *rule.any_of) if c not in CATEGORIES]
        if rule.level not in LEVELS or unknown:
            raise UserError(
                f"{source}: rule {rule.level!r} has unknown level or categories {unknown}; "
                f"levels are {', '.join(LEVELS)}"
            )
    if not rules or any(r.sensitive or r.identity or r.all_of or r.any_of for r in rules[-1:]):
        raise UserError(f"{source}: the last rule must have no conditions (the default level)")
    return rules


def assess(rules: list[Rule], exposed: set[str], sensitive: list[str]) -> tuple[str, str]:
    """(level, one-sentence explanation) from the first rule that holds."""
    for rule in rules:
        if rule.holds(exposed, sensitive):
            text = rule.explanation.format(
                sensitive=", ".join(k.replace("_", " ") for k in sensitive) or "none",
                exposed=", ".join(c.replace("_", " ") for c in sorted(exposed)) or "nothing",
            )
            return rule.level, text
    raise AssertionError("the last rule always holds")  # load_rules guarantees a default
