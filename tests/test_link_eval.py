"""eval's clustering figures, counted by hand on a case small enough to check."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from breachdesk.case import Case
from breachdesk.outputs.evaluate import clustering, rows_for_display


def _case(tmp_path: Path, ours: list[tuple[str, int, str, str]]) -> Case:
    """A case whose files are a.csv and b.pdf and whose records (record id, file, locator,
    person) are ``ours``, each linked to its person."""
    (tmp_path / "dump").mkdir()
    case = Case.create(tmp_path / "case", tmp_path / "dump")
    case.write_table("files", pa.table({"file_id": [0, 1], "path": ["a.csv", "b.pdf"]}))
    columns = ("record_id", "file_id", "locator")
    case.write_table("records", pa.table({c: [r[i] for r in ours] for i, c in enumerate(columns)}))
    case.write_table(
        "record_links",
        pa.table({"record_id": [r[0] for r in ours], "person_id": [r[3] for r in ours]}),
    )
    return case


def test_pairwise_figures_over_records_aligned_one_to_one(tmp_path: Path) -> None:
    ours = [  # record id, file, locator, person
        ("0:row:1", 0, "row:1", "A"),
        ("0:row:2", 0, "row:2", "A"),
        ("0:row:3", 0, "row:3", "A"),
        ("0:row:4", 0, "row:4", "B"),
        ("1:page:1#0", 1, "page:1", "A"),  # a page naming two people cannot be aligned
        ("1:page:1#1", 1, "page:1", "C"),
    ]
    case = _case(tmp_path, ours)
    truth = [
        {"path": "a.csv", "locator": "row:1", "person": "P1"},
        {"path": "a.csv", "locator": "row:2", "person": "P1"},
        {"path": "a.csv", "locator": "row:3", "person": "P2"},
        {"path": "a.csv", "locator": "row:4", "person": "X1"},
        {"path": "b.pdf", "locator": "page:1", "person": "P1"},
        {"path": "b.pdf", "locator": "page:1", "person": "P2"},
        {"path": "c.csv", "locator": "row:1", "person": "P3"},  # never read
    ]
    result = clustering(case, truth)
    assert result == {
        "records_truth": 7,
        "records_found": 6,
        "records_aligned": 4,
        "true_pairs": 1,  # P1's two rows
        "found_pairs": 3,  # A's three rows
        "correct_pairs": 1,
        "pairwise_recall": 1.0,
        "pairwise_precision": 0.3333,
    }
    shown = rows_for_display(
        {
            "exposed_pmi_patients": {
                "recall": 1,
                "precision": 1,
                "correct": 1,
                "true": 1,
                "found": 1,
            },
            "categories": {"f1": 1, "tp": 1, "fp": 0, "fn": 0},
            "sensitive_kinds": {"recall": 1, "precision": 1, "true": 1, "found": 1},
            "not_in_pmi": {"recall": 1, "precision": 1, "true_found": 1, "true": 1, "found": 1},
            "clustering": result,
        }
    )
    assert shown[-2][:3] == ("clustering: pairwise recall", "1.0000", "1/1 pairs")
    assert shown[-1][:3] == ("clustering: pairwise precision", "0.3333", "1/3 pairs")
    assert shown[-1][3] == "of 4/7 records aligned"


def test_eval_aligns_a_page_or_part_holding_one_person_at_a_line_of_it(tmp_path: Path) -> None:
    ours = [  # record id, file, locator, person
        ("0:row:1", 0, "row:1", "A"),
        ("0:row:2", 0, "row:2", "A"),
        ("1:page:1!line:3#0", 1, "page:1!line:3", "A"),  # page 1's one person, at its line 3
        ("1:page:2!line:1#0", 1, "page:2!line:1", "B"),  # page 2's two: not aligned
        ("1:page:2!line:5#1", 1, "page:2!line:5", "A"),
    ]
    case = _case(tmp_path, ours)
    truth = [
        {"path": "a.csv", "locator": "row:1", "person": "P1"},
        {"path": "a.csv", "locator": "row:2", "person": "P2"},
        {"path": "b.pdf", "locator": "page:1", "person": "P1"},
        {"path": "b.pdf", "locator": "page:2", "person": "P1"},
    ]
    result = clustering(case, truth)
    assert (result["records_aligned"], result["true_pairs"], result["found_pairs"]) == (3, 1, 3)
    assert (result["pairwise_recall"], result["pairwise_precision"]) == (1.0, 0.3333)
