"""Notification settings and templates: data the incident team edits, never code."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import yaml

from breachdesk.errors import UserError

KEYS = (
    "processor_name",
    "processor_address",
    "incident_summary",
    "helpline_phone",
    "helpline_hours",
    "website",
    "dpo_contact",
    "child_age",
)
TEMPLATES = ("patient_letter.txt.j2", "cover_letter.txt.j2")

# Plain-English phrases for the register's categories, for letters and cover letters.
PLAIN = {
    "name": "your name",
    "date_of_birth": "your date of birth",
    "nhs_number": "your NHS number",
    "hospital_number": "your hospital number",
    "address": "your address",
    "postcode": "your postcode",
    "phone": "your phone number",
    "email": "your email address",
    "test_description": "the names of tests you had",
    "test_result": "the results of some of those tests",
}


# The same categories as a controller reads them, counted across its patients.
PLAIN_FOR_CONTROLLER = {
    "name": "Names",
    "date_of_birth": "Dates of birth",
    "nhs_number": "NHS numbers",
    "hospital_number": "Hospital numbers",
    "address": "Addresses",
    "postcode": "Postcodes",
    "phone": "Phone numbers",
    "email": "Email addresses",
    "test_description": "Names of tests requested",
    "test_result": "Test results",
}


@dataclass(frozen=True)
class Settings:
    values: dict[str, Any]

    def __getattr__(self, key: str) -> Any:
        try:
            return self.values[key]
        except KeyError as exc:
            raise AttributeError(key) from exc


def load_settings(path: Path | None) -> Settings:
    default = resources.files("breachdesk") / "data" / "notify_settings.yaml"
    values: dict[str, Any] = yaml.safe_load(default.read_text(encoding="utf-8"))
    if path is not None:
        try:
            own = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise UserError(f"{path}: not a readable settings YAML file ({exc})") from exc
        unknown = sorted(set(own) - set(KEYS))
        if unknown:
            raise UserError(f"{path}: unknown setting {unknown[0]!r}; known: {', '.join(KEYS)}")
        values.update(own)
    try:
        values["child_age"] = int(values["child_age"])
    except (TypeError, ValueError) as exc:
        raise UserError("settings: child_age must be a whole number of years") from exc
    return Settings(values)


def environment(template_dir: Path | None) -> jinja2.Environment:
    """Templates from ``template_dir`` where it has them, else the shipped ones."""
    loaders: list[jinja2.BaseLoader] = []
    if template_dir is not None:
        if not template_dir.is_dir():
            raise UserError(f"{template_dir}: no such folder; give a folder of letter templates")
        loaders.append(jinja2.FileSystemLoader(str(template_dir)))
    loaders.append(jinja2.PackageLoader("breachdesk", "data/templates"))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,  # a misspelt variable fails loudly, not blank
        autoescape=False,  # plain text rendered into PDFs, not HTML
        keep_trailing_newline=True,
    )


def render(env: jinja2.Environment, name: str, **context: Any) -> str:
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateError as exc:
        raise UserError(f"template {name}: {exc}; fix the template or remove it") from exc
