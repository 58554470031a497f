"""The person-record: the facts about one identifiable person in one place, as scan writes them.

A record is kept only when it identifies someone: a valid NHS number, or a family name, given
name and date of birth together (what a caller or a controller would recognise as "me").
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

from breachdesk.vocabulary import CATEGORIES

VALUE_FIELDS = (
    "nhs_number",
    "family_name",
    "given_name",
    "date_of_birth",
    "postcode",
    "sex",
    "hospital_number",
    "tests",
    "sensitive",
    "ods_codes",
)
SCHEMA = pa.schema(
    [
        ("record_id", pa.string()),
        ("file_id", pa.int64()),
        ("locator", pa.string()),
        ("source", pa.string()),
        *[(name, pa.string()) for name in VALUE_FIELDS],
        *[(f"e_{name}", pa.bool_()) for name in CATEGORIES],
    ]
)
MENTION_SCHEMA = pa.schema(
    [
        ("record_id", pa.string()),
        ("file_id", pa.int64()),
        ("locator", pa.string()),
        ("kind", pa.string()),
        ("field", pa.string()),
        ("detector", pa.string()),
        ("rule", pa.string()),
        ("score", pa.float64()),
        ("checksum", pa.string()),
    ]
)


@dataclass
class PersonRecord:
    locator: str
    source: str
    values: dict[str, str] = field(default_factory=dict)
    exposed: set[str] = field(default_factory=set)
    tests: list[str] = field(default_factory=list)
    ods_codes: list[str] = field(default_factory=list)
    # (kind, where: field name or "chars:a-b", detector, rule, checksum) for the mentions table
    evidence: list[tuple[str, str, str, str, str]] = field(default_factory=list)

    def set(self, name: str, value: str | None, category: str | None = None) -> None:
        if value and not self.values.get(name):
            self.values[name] = value
        if value and category:
            self.exposed.add(category)

    def add_test(self, code: str) -> None:
        if code not in self.tests:
            self.tests.append(code)
        self.exposed.add("test_description")

    def identifies(self) -> bool:
        v = self.values
        return bool(v.get("nhs_number")) or bool(
            v.get("family_name") and v.get("given_name") and v.get("date_of_birth")
        )


def rows_to_tables(
    file_id: int, records: list[PersonRecord], sensitive_of: dict[str, str]
) -> tuple[pa.Table, pa.Table]:
    """The records and mentions tables for person-records built one at a time (HL7, text)."""
    columns: dict[str, list[object]] = {name: [] for name in SCHEMA.names}
    mentions: dict[str, list[object]] = {name: [] for name in MENTION_SCHEMA.names}
    for number, rec in enumerate(records):
        record_id = f"{file_id}:{rec.locator}#{number}"
        columns["record_id"].append(record_id)
        for kind, where, detector, rule, checksum in rec.evidence:
            for name, value in zip(
                MENTION_SCHEMA.names,
                (record_id, file_id, rec.locator, kind, where, detector, rule, 1.0, checksum),
                strict=True,
            ):
                mentions[name].append(value)
        columns["file_id"].append(file_id)
        columns["locator"].append(rec.locator)
        columns["source"].append(rec.source)
        kinds = sorted({sensitive_of[c] for c in rec.tests if sensitive_of.get(c)})
        values = dict(rec.values)
        values["tests"] = ";".join(rec.tests)
        values["sensitive"] = ";".join(kinds)
        values["ods_codes"] = ";".join(rec.ods_codes)
        for name in VALUE_FIELDS:
            columns[name].append(values.get(name) or None)
        for cat in CATEGORIES:
            columns[f"e_{cat}"].append(cat in rec.exposed)
    return (
        pa.Table.from_pydict(columns, schema=SCHEMA),
        pa.Table.from_pydict(mentions, schema=MENTION_SCHEMA),
    )
