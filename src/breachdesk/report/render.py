"""Render the report's facts as ``report.html`` (inline SVG charts) and ``report.pdf``."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import jinja2
from fpdf import FPDF

from breachdesk.report.charts import bar
from breachdesk.report.facts import Facts


def _chart_data(facts: Facts) -> dict[str, tuple[str, dict[str, int]]]:
    status = {r["status"]: r["files"] for r in facts.files_by_status}
    return {
        "status": ("Files by status", status),
        "years": ("Files by year last modified", facts.files_by_year),
        "risk": ("People by risk", facts.by_risk),
        "category": ("People by data exposed", {k: v for k, v in facts.by_category.items() if v}),
        "age": ("People by age band", facts.by_age),
        "sensitive": (
            "People by sensitive kind",
            {k.replace("_", " "): v for k, v in facts.by_sensitive.items()},
        ),
    }


def html(facts: Facts, out: Path) -> Path:
    charts = {
        key: bar(title, data, "svg").decode("utf-8") if data else ""
        for key, (title, data) in _chart_data(facts).items()
    }
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("breachdesk", "data/templates"),
        autoescape=True,  # file paths and reasons come from a hostile dump
        undefined=jinja2.StrictUndefined,
    )
    text = env.get_template("report.html.j2").render(f=facts, charts=charts)
    path = out / "report.html"
    path.write_text(text, encoding="utf-8")
    return path


def _latin1(text: Any) -> str:
    return str(text).encode("latin-1", "replace").decode("latin-1")


def _table(pdf: FPDF, header: list[str], rows: list[list[Any]], widths: list[float]) -> None:
    pdf.set_font("helvetica", "B", 8)
    for title, width in zip(header, widths, strict=True):
        pdf.cell(width, 5, _latin1(title), border=1)
    pdf.ln()
    pdf.set_font("helvetica", "", 8)
    for row in rows:
        for value, width in zip(row, widths, strict=True):
            pdf.cell(width, 5, _latin1(value)[: int(width / 1.6)], border=1)
        pdf.ln()


def pdf(facts: Facts, out: Path) -> Path:
    doc = FPDF(format="A4")
    doc.set_auto_page_break(True, margin=15)
    doc.add_page()
    doc.set_font("helvetica", "B", 16)
    doc.cell(0, 10, "Data breach incident report", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("helvetica", "", 9)
    doc.multi_cell(
        0,
        5,
        _latin1(
            f"Generated {facts.generated} by breachdesk {facts.tool_version} from {facts.dump}."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    t = facts.totals
    doc.set_font("helvetica", "B", 12)
    doc.cell(0, 9, "Facts for the ICO report", new_x="LMARGIN", new_y="NEXT")
    _table(
        doc,
        ["fact", "value"],
        [
            ["People whose data is in the dump", t["people"]],
            ["Matched to the patient index", t["matched"]],
            ["Not in the patient index", t["not_in_pmi"]],
            ["Person-records", t["records"]],
            ["Files holding personal data", t["files_with_people"]],
            ["Special category data (health)", "yes"],
            ["People with sensitive test information", t["sensitive_people"]],
            [
                "Risk high / medium / low",
                f"{facts.by_risk['high']} / {facts.by_risk['medium']} / {facts.by_risk['low']}",
            ],
            ["Controllers to inform", len(facts.controllers)],
            ["People not yet mapped to a controller", t["unmapped"]],
        ],
        [110, 60],
    )
    for key, (title, data) in _chart_data(facts).items():
        if data:
            doc.image(bar(title, data, "png"), w=150)
            del key
    doc.add_page()
    doc.set_font("helvetica", "B", 12)
    doc.cell(0, 9, "What the dump contains", new_x="LMARGIN", new_y="NEXT")
    if facts.dates.get("earliest"):
        doc.set_font("helvetica", "", 9)
        doc.multi_cell(
            0,
            5,
            f"Files are dated from {facts.dates['earliest'][:10]} to "
            f"{facts.dates['latest'][:10]}; {facts.dates['undated']} carry no date.",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    _table(
        doc,
        ["type", "files", "MB"],
        [[r["type"], r["files"], f"{(r['bytes'] or 0) / 1e6:.2f}"] for r in facts.files_by_type],
        [50, 30, 30],
    )
    if facts.authenticity:
        a = facts.authenticity
        doc.set_font("helvetica", "B", 12)
        doc.cell(0, 9, "How authentic it is", new_x="LMARGIN", new_y="NEXT")
        doc.set_font("helvetica", "", 9)
        doc.multi_cell(
            0,
            5,
            f"{a['nhs_in_pmi']} of {a['with_nhs']} valid NHS numbers "
            f"({100 * (a['nhs_match_share'] or 0):.1f}%) are in the patient index; "
            f"dates of birth agree in {100 * (a['dob_agreement'] or 0):.1f}%.",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    doc.set_font("helvetica", "B", 12)
    doc.cell(0, 9, "By controller, with notification status", new_x="LMARGIN", new_y="NEXT")
    _table(
        doc,
        ["ODS", "name", "people", "high", "sens.", "pending", "sent", "returned", "n/r"],
        [
            [
                c["code"],
                c["name"],
                c["people"],
                c["high"],
                c["sensitive"],
                c["pending"],
                c["sent"],
                c["returned"],
                c["not_required"],
            ]
            for c in facts.controllers
        ],
        [18, 52, 16, 14, 14, 16, 14, 18, 12],
    )
    path = out / "report.pdf"
    doc.output(str(path))
    return path


def facts_dict(facts: Facts) -> dict[str, Any]:
    return dataclasses.asdict(facts)
