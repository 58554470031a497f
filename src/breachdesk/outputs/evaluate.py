"""Score a case against a synthetic incident's ground truth: every later change reports these.

- exposed PMI patients: recall and precision of the register's PMI matches;
- categories: micro-averaged F1 over (patient, category) pairs of correctly matched patients;
- sensitive kinds: recall and precision over (patient, kind) pairs;
- people not in the PMI: found vs true, matched on NHS number, else folded family name + DOB;
- clustering: pairwise precision/recall of records grouped into people, over the records that
  align one-to-one with truth by (file path, locator) — table rows, HL7 messages, SQL rows,
  FHIR entries, text lines; a PDF page or e-mail part is aligned where it holds one person on
  each side (ours at a line of it: "page:2!line:3" is truth's "page:2"); one holding several
  people cannot be aligned record by record, so it is left out and the number aligned is
  reported.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

from anyascii import anyascii

from breachdesk.case import Case
from breachdesk.errors import UserError


def _read(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        raise UserError(
            f"{path}: missing; --truth must be the truth/ folder `breachdesk synth` wrote"
        )
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _split(text: str | None) -> set[str]:
    return {p for p in (text or "").split(";") if p}


def _fold(text: str | None) -> str:
    # (anyascii spells out what NFKD cannot: "Yılmaz" is "YILMAZ" written in a dump)
    return re.sub(r"[^a-z]", "", anyascii(text or "").lower())


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def _f1(tp: int, fp: int, fn: int) -> float | None:
    return _ratio(2 * tp, 2 * tp + fp + fn)


def _pairs(groups: dict[Any, int]) -> int:
    return sum(n * (n - 1) // 2 for n in groups.values())


# A record's line within a page or a part ("part:1!line:3"): truth says only the part.
_AT_LINE = re.compile(r"!line:\d+$")


def clustering(case: Case, truth_rows: list[dict[str, str]]) -> dict[str, Any]:
    """Pairwise precision/recall of the person each record was put in, against truth."""
    files = case.read_table("files").select(["file_id", "path"]).to_pydict()
    path_of = dict(zip(files["file_id"], files["path"], strict=True))
    records = case.read_table("records").select(["record_id", "file_id", "locator"]).to_pydict()
    links = case.read_table("record_links").select(["record_id", "person_id"]).to_pydict()
    person_of = dict(zip(links["record_id"], links["person_id"], strict=True))
    ours: dict[tuple[str, str], list[str]] = {}
    parts: dict[tuple[str, str], list[str]] = {}  # by the page or part a line is of
    for rid, fid, loc in zip(
        records["record_id"], records["file_id"], records["locator"], strict=True
    ):
        ours.setdefault((path_of.get(fid, ""), loc), []).append(rid)
        if (part := _AT_LINE.sub("", loc)) != loc:
            parts.setdefault((path_of.get(fid, ""), part), []).append(rid)
    theirs: dict[tuple[str, str], list[str]] = {}
    for row in truth_rows:
        theirs.setdefault((row["path"], row["locator"]), []).append(row["person"])
    truth_n: dict[str, int] = {}
    pred_n: dict[str, int] = {}
    both_n: dict[tuple[str, str], int] = {}
    aligned = 0
    for key, persons in theirs.items():
        mine = ours.get(key) or parts.get(key, [])
        if len(persons) != 1 or len(mine) != 1 or mine[0] not in person_of:
            continue
        aligned += 1
        t, p = persons[0], person_of[mine[0]]
        truth_n[t] = truth_n.get(t, 0) + 1
        pred_n[p] = pred_n.get(p, 0) + 1
        both_n[(t, p)] = both_n.get((t, p), 0) + 1
    tp, true_pairs, pred_pairs = _pairs(both_n), _pairs(truth_n), _pairs(pred_n)
    return {
        "records_truth": len(truth_rows),
        "records_found": len(records["record_id"]),
        "records_aligned": aligned,
        "true_pairs": true_pairs,
        "found_pairs": pred_pairs,
        "correct_pairs": tp,
        "pairwise_recall": _ratio(tp, true_pairs),
        "pairwise_precision": _ratio(tp, pred_pairs),
    }


def evaluate(case: Case, truth_dir: Path) -> dict[str, Any]:
    case.require("assess")
    exposed = {r["patient_id"]: r for r in _read(truth_dir / "exposed.csv")}
    outsiders = _read(truth_dir / "not_in_pmi.csv")
    register = case.read_table("register").to_pylist()
    predicted = {r["pmi_patient_id"]: r for r in register if r["pmi_patient_id"]}
    hits = set(predicted) & set(exposed)

    tp = fp = fn = 0
    for pid in hits:
        got, want = _split(predicted[pid]["exposed"]), _split(exposed[pid]["categories"])
        tp, fp, fn = tp + len(got & want), fp + len(got - want), fn + len(want - got)
    for pid in set(exposed) - hits:
        fn += len(_split(exposed[pid]["categories"]))

    s_pred = {(pid, k) for pid, r in predicted.items() for k in _split(r["sensitive"])}
    s_true = {(pid, k) for pid, r in exposed.items() for k in _split(r["sensitive"])}

    unmatched = [r for r in register if not r["pmi_patient_id"]]

    def keys(nhs: str | None, family: str | None, dob: str | None) -> set[str]:
        out = {f"n:{nhs}"} if nhs else set()
        if family and dob:
            out.add(f"d:{_fold(family)}|{dob}")
        return out

    true_keys = [keys(r["nhs_number"], r["family_name"], r["date_of_birth"]) for r in outsiders]
    found_keys = [keys(r["nhs_number"], r["family_name"], r["date_of_birth"]) for r in unmatched]
    all_found = set().union(*found_keys) if found_keys else set()
    all_true = set().union(*true_keys) if true_keys else set()
    outsiders_found = sum(1 for k in true_keys if k & all_found)
    correct_unmatched = sum(1 for k in found_keys if k & all_true)

    result: dict[str, Any] = {
        "exposed_pmi_patients": {
            "true": len(exposed),
            "found": len(predicted),
            "correct": len(hits),
            "recall": _ratio(len(hits), len(exposed)),
            "precision": _ratio(len(hits), len(predicted)),
        },
        "categories": {
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "f1": _f1(tp, fp, fn),
            "recall": _ratio(tp, tp + fn),
            "precision": _ratio(tp, tp + fp),
        },
        "sensitive_kinds": {
            "true": len(s_true),
            "found": len(s_pred),
            "recall": _ratio(len(s_true & s_pred), len(s_true)),
            "precision": _ratio(len(s_true & s_pred), len(s_pred)),
        },
        "not_in_pmi": {
            "true": len(outsiders),
            "found": len(unmatched),
            "true_found": outsiders_found,
            "recall": _ratio(outsiders_found, len(outsiders)),
            "precision": _ratio(correct_unmatched, len(unmatched)),
        },
        "register_rows": len(register),
        "clustering": clustering(case, _read(truth_dir / "records.csv")),
    }
    (case.root / "eval.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    return result


def rows_for_display(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(measure, value, found/true, note) rows for the printed table."""
    e, c, s, n = (
        result[k] for k in ("exposed_pmi_patients", "categories", "sensitive_kinds", "not_in_pmi")
    )

    def f(x: float | None) -> str:
        return "n/a" if x is None else f"{x:.4f}"

    rows = [
        ("exposed PMI patients: recall", f(e["recall"]), f"{e['correct']}/{e['true']}", ""),
        ("exposed PMI patients: precision", f(e["precision"]), f"{e['correct']}/{e['found']}", ""),
        ("categories: F1", f(c["f1"]), f"tp {c['tp']} fp {c['fp']} fn {c['fn']}", ""),
        ("sensitive kinds: recall", f(s["recall"]), f"of {s['true']}", ""),
        ("sensitive kinds: precision", f(s["precision"]), f"of {s['found']}", ""),
        ("not in PMI: recall", f(n["recall"]), f"{n['true_found']}/{n['true']}", ""),
        ("not in PMI: precision", f(n["precision"]), f"found {n['found']}", ""),
    ]
    k = result.get("clustering")
    if k:
        aligned = f"of {k['records_aligned']}/{k['records_truth']} records aligned"
        rows += [
            (
                "clustering: pairwise recall",
                f(k["pairwise_recall"]),
                f"{k['correct_pairs']}/{k['true_pairs']} pairs",
                aligned,
            ),
            (
                "clustering: pairwise precision",
                f(k["pairwise_precision"]),
                f"{k['correct_pairs']}/{k['found_pairs']} pairs",
                aligned,
            ),
        ]
    return rows
