"""The link stage: records to people, and people to the patient master index (PMI).

Deterministic links first (``deterministic``), then a Splink model trained on the case's own
data scores the residue (``probabilistic``), then a constrained clustering turns links into
people (``cluster``), reviewers' decisions re-applied on the way (``review``).

Why one pass over PMI rows and dump profiles together, rather than deduplicating the dump and
then linking its clusters to the PMI: a dump record often says too little on its own to be
linked (no NHS number, a nickname, a day/month swap) but is plainly the same person as another
record that *is* linked, or plainly the PMI patient. Scoring profile-to-profile and
profile-to-PMI pairs with one model, then clustering under the rule "at most one PMI patient
per person", lets either kind of evidence carry a record home; clustering the dump first would
freeze its mistakes before the PMI could correct them. Without a PMI the same code deduplicates
the dump alone.

Writes ``persons`` and ``record_links`` (the public tables assess and export read), plus
``link_review`` (the queue ``breachdesk review`` shows) and ``link_conflicts``; and, under
``CASE/link/``, ``model.json`` (the trained Splink model) and ``report.json`` (m, u and match
weight per comparison level, thresholds, counts, timings). Thresholds come from the call, else
``CASE/link/settings.json``, else the defaults measured on synthetic incidents (``THRESHOLDS``).
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from breachdesk import pmi as pmi_mod
from breachdesk.case import Case
from breachdesk.engine import Engine
from breachdesk.errors import UserError
from breachdesk.link import deterministic, people, prepare, review
from breachdesk.link.cluster import PMI_PREFIX, Clusters, Edge, cluster
from breachdesk.link.probabilistic import Scored, evidence, score

# (review, link): a pair at or above ``link`` joins two nodes into one person; one between
# ``review`` and ``link`` goes to the review queue. Measured (bench/bench_link.py --sweep, and
# eval on a 20,000-patient synthetic incident) over link thresholds 0.5 to 0.999: below 0.9
# people outside the PMI start to merge (incident pairwise precision 0.999), above 0.99 recall
# falls (simulated pairwise recall 0.9993 -> 0.9965) and the queue grows twenty-fold; 0.95 keeps
# both at their best with a short queue.
THRESHOLDS = {"review_threshold": 0.5, "link_threshold": 0.95}
RULE_RANK = {"reviewed": 0, "nhs_dob": 1, "nhs_number": 2, "name_dob": 3, "hospital_number": 4}

_ENTITIES_SQL = """
SELECT unique_id, 'pmi' AS kind, nhs, fam, giv, giv_forms, dob, dob_swap, yob, postcode, sex
FROM pmi
UNION ALL
SELECT p.profile_key, CASE WHEN d.key_l IS NULL THEN 'res' ELSE 'det' END,
       nhs, fam, giv, giv_forms, dob, dob_swap, yob, postcode, sex
FROM profiles p LEFT JOIN det d ON d.key_l = p.profile_key
"""
# Without a model the residue is grouped as the foundation did: full name and birth date.
_EXACT_SQL = """
SELECT a.profile_key AS key_l, b.profile_key AS key_r, 'exact_name_dob' AS rule,
       1.0::DOUBLE AS match_probability
FROM profiles a JOIN profiles b
  ON a.fam = b.fam AND a.giv = b.giv AND a.dob = b.dob AND a.profile_key < b.profile_key
"""


def settings_path(case: Case) -> Path:
    return case.root / "link" / "settings.json"


def thresholds(case: Case, **given: float | None) -> dict[str, float]:
    """The call's values, else the case's ``link/settings.json``, else ``THRESHOLDS``."""
    chosen = dict(THRESHOLDS)
    path = settings_path(case)
    if path.exists():
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise UserError(f"{path}: not JSON ({exc}); fix it or delete it") from exc
        chosen.update({k: float(v) for k, v in stored.items() if k in THRESHOLDS})
    chosen.update({k: float(v) for k, v in given.items() if v is not None})
    if not 0 < chosen["review_threshold"] <= chosen["link_threshold"] < 1:
        raise UserError(
            f"link thresholds: need 0 < review ({chosen['review_threshold']}) <= link "
            f"({chosen['link_threshold']}) < 1"
        )
    return chosen


def _edges(table: pa.Table, rule: str | None = None) -> Iterator[Edge]:
    rules = table["rule"].to_pylist() if rule is None else None
    for i, (a, b, p) in enumerate(
        zip(
            table["key_l"].to_pylist(),
            table["key_r"].to_pylist(),
            table["match_probability"].to_pylist(),
            strict=True,
        )
    ):
        yield Edge(a, b, float(p), rules[i] if rules is not None else str(rule))


def _better(new: tuple[str, float], old: tuple[str, float] | None) -> bool:
    if old is None:
        return True
    return (new[1], -RULE_RANK.get(new[0], 9)) > (old[1], -RULE_RANK.get(old[0], 9))


def _assign(
    profile_keys: list[str], clusters: Clusters, edges: list[Edge]
) -> tuple[pa.Table, pa.Table]:
    """Number the people and say, per profile and per person, what linked them."""
    root_of = clusters.root_of
    first_key: dict[str, str] = {}
    for key in profile_keys:
        root = root_of[key]
        if key < first_key.get(root, "\uffff"):
            first_key[root] = key

    def order(root: str) -> tuple[int, str]:
        anchor = clusters.anchor(root)
        return (0, anchor) if anchor else (1, first_key[root])

    person_of = {root: f"BD{n:07d}" for n, root in enumerate(sorted(first_key, key=order), start=1)}
    to_anchor: dict[str, tuple[str, float]] = {}
    to_member: dict[str, tuple[str, float]] = {}
    for e in edges:
        if root_of.get(e.a) != root_of.get(e.b):
            continue
        for x, y in ((e.a, e.b), (e.b, e.a)):
            if x.startswith(PMI_PREFIX):
                continue
            slot = to_anchor if y.startswith(PMI_PREFIX) else to_member
            if _better((e.rule, e.probability), slot.get(x)):
                slot[x] = (e.rule, e.probability)
    refused: dict[str, int] = {}
    for e in clusters.refused:
        for x, y in ((e.a, e.b), (e.b, e.a)):
            if y.startswith(PMI_PREFIX) and not x.startswith(PMI_PREFIX):
                root = root_of[x]
                refused[root] = refused.get(root, 0) + 1
    assign: dict[str, list[Any]] = {name: [] for name in people.ASSIGN_SCHEMA.names}
    best: dict[str, tuple[str, float]] = {}
    for key in profile_keys:
        root = root_of[key]
        anchor = clusters.anchor(root)
        how = to_anchor.get(key) or to_member.get(key)
        if key in to_anchor and _better(to_anchor[key], best.get(root)):
            best[root] = to_anchor[key]
        assign["profile_key"].append(key)
        assign["person_id"].append(person_of[root])
        assign["pmi_patient_id"].append(anchor[len(PMI_PREFIX) :] if anchor else None)
        assign["match_rule"].append(how[0] if how else None)
        assign["match_probability"].append(how[1] if how else None)
    matches: dict[str, list[Any]] = {name: [] for name in people.PERSON_MATCH_SCHEMA.names}
    for root, person_id in person_of.items():
        anchor = clusters.anchor(root)
        how = best.get(root)
        matches["person_id"].append(person_id)
        matches["pmi_patient_id"].append(anchor[len(PMI_PREFIX) :] if anchor else None)
        matches["match_rule"].append(how[0] if (how and anchor) else None)
        matches["match_probability"].append(how[1] if (how and anchor) else None)
        matches["refused_pmi_links"].append(refused.get(root, 0))
    return (
        pa.Table.from_pydict(assign, schema=people.ASSIGN_SCHEMA),
        pa.Table.from_pydict(matches, schema=people.PERSON_MATCH_SCHEMA),
    )


def run_link(
    engine: Engine,
    case: Case,
    *,
    link_threshold: float | None = None,
    review_threshold: float | None = None,
) -> dict[str, int]:
    case.require("scan")
    chosen = thresholds(case, link_threshold=link_threshold, review_threshold=review_threshold)
    case.start_stage("link", dict(chosen))
    workdir = case.root / "link"
    workdir.mkdir(parents=True, exist_ok=True)
    seconds: dict[str, float] = {}
    start = time.monotonic()

    records_path = case.table_path("records")
    # Per-record working tables live in the case (they hold identifiers), never in the
    # driver's memory: on Spark the executors write and read them.
    rp = workdir / "record_profiles.parquet"
    records = prepare.record_profiles(engine, records_path, rp)
    profiles = engine.query(
        # A filter on a numbered subquery, not QUALIFY: Spark SQL has no QUALIFY.
        "SELECT * EXCLUDE (record_id, n, first), n AS records FROM (SELECT *, count(*) OVER "
        "(PARTITION BY profile_key) AS n, row_number() OVER (PARTITION BY profile_key "
        "ORDER BY record_id) AS first FROM rp) WHERE first = 1 ORDER BY profile_key",
        {"rp": rp},
    )
    pmi_path = case.pmi_path
    pmi = (
        prepare.pmi_entities(engine, pmi_path)
        if pmi_path is not None
        else prepare.pmi_entities(engine, _empty_pmi())
    )
    profiles, dropped = prepare.drop_placeholders(engine, profiles)
    pmi, dropped_pmi = prepare.drop_placeholders(engine, pmi)
    placeholders = {f"pmi_{k}": v for k, v in dropped_pmi.items()} | dropped
    seconds["prepare"] = time.monotonic() - start

    start = time.monotonic()
    det = deterministic.to_pmi(engine, profiles, pmi)
    within = deterministic.within_dump(engine, profiles)
    hospital = deterministic.by_hospital_number(engine, records_path, rp)
    seconds["deterministic"] = time.monotonic() - start

    entities = engine.query(_ENTITIES_SQL, {"pmi": pmi, "profiles": profiles, "det": det})
    decided = review.load_decisions(case)
    start = time.monotonic()
    scored = score(engine, entities, workdir / "spill", chosen["review_threshold"])
    shutil.rmtree(workdir / "spill", ignore_errors=True)  # spilled pairs hold identifiers
    seconds.update({f"model_{k}": v for k, v in scored.seconds.items()})
    seconds["model"] = time.monotonic() - start

    start = time.monotonic()
    edges = list(_edges(det)) + list(_edges(within)) + list(_edges(hospital))
    if scored.model is None:
        edges += _edges(engine.query(_EXACT_SQL, {"profiles": profiles}))
    pairs = scored.pairs
    decided_same = [d for d in decided.values() if d.decision == "same"]
    different = {
        review.pair_id(d.key_l, d.key_r) for d in decided.values() if d.decision == "different"
    }
    strong = pairs.filter(pc.greater_equal(pairs["match_probability"], chosen["link_threshold"]))
    edges += [
        e for e in _edges(strong, "probabilistic") if review.pair_id(e.a, e.b) not in different
    ]
    edges += [Edge(d.key_l, d.key_r, 1.0, "reviewed") for d in decided_same]
    nodes = [*pmi["unique_id"].to_pylist(), *profiles["profile_key"].to_pylist()]
    known = set(nodes)
    edges = [e for e in edges if e.a in known and e.b in known]  # decisions on gone records
    clusters = cluster(
        nodes,
        edges,
        [(d.key_l, d.key_r) for d in decided.values() if d.decision == "different"],
    )
    assign, matches = _assign(profiles["profile_key"].to_pylist(), clusters, edges)
    seconds["cluster"] = time.monotonic() - start

    start = time.monotonic()
    assign_path = workdir / "assign.parquet"
    pq.write_table(assign, assign_path)
    links = case.table_path("record_links")
    links.parent.mkdir(parents=True, exist_ok=True)
    people.record_links(engine, rp, assign_path, links)
    conflict_rows = people.conflicts(engine, rp, assign_path, matches, pmi)
    persons_path = case.table_path("persons")
    n_persons = people.persons(
        engine,
        records_path,
        links,
        matches,
        pmi_path if pmi_path is not None else _empty_pmi(),
        conflict_rows,
        persons_path,
    )
    queue = _review_queue(engine, case, pairs, clusters, chosen, scored, decided, rp, pmi_path)
    case.write_table("link_conflicts", conflict_rows)
    case.write_table("link_review", queue)
    # Every scored pair, so any link (or its absence) can be explained after the run.
    case.write_table("link_pairs", pairs.drop_columns(["gammas"]))
    rp.unlink()
    assign_path.unlink()
    seconds["write"] = time.monotonic() - start

    matched = pq.read_table(persons_path, columns=["pmi_patient_id"])["pmi_patient_id"]
    n_matched = len(matched) - matched.null_count
    rules = pc.value_counts(assign["match_rule"]).to_pylist()
    counts = {
        "records": records,
        "profiles": profiles.num_rows,
        "persons": n_persons,
        "matched": n_matched,
        "unmatched": n_persons - n_matched,
        "conflicts": pc.count_distinct(conflict_rows["person_id"]).as_py()
        if conflict_rows.num_rows
        else 0,
        "review": pc.sum(pc.is_null(queue["decision"])).as_py() or 0,
        "reviewed": pc.sum(pc.is_valid(queue["decision"])).as_py() or 0,
    }
    _write_report(case, chosen, scored, counts | placeholders, rules, seconds)
    case.finish_stage("link", counts)
    return counts


def _empty_pmi() -> pa.Table:
    """A PMI with no patients, so the same SQL serves a case without one."""
    return pa.table({name: pa.array([], pa.string()) for name in pmi_mod.COLUMNS})


def _write_report(
    case: Case,
    chosen: dict[str, float],
    scored: Scored,
    counts: dict[str, int],
    rules: list[dict[str, Any]],
    seconds: dict[str, float],
) -> None:
    import splink

    workdir = case.root / "link"
    if scored.model is not None:
        (workdir / "model.json").write_text(json.dumps(scored.model, indent=2), encoding="utf-8")
    else:
        (workdir / "model.json").unlink(missing_ok=True)
    report = {
        "splink_version": splink.__version__,
        "model": scored.status,
        "thresholds": chosen,
        "thresholds_chosen_by": "measured pairwise and PMI precision/recall on synthetic "
        "incidents (bench/bench_link.py --sweep); set per case with "
        "`breachdesk review CASE --thresholds REVIEW LINK`",
        "pairs_above_review_threshold": scored.pairs.num_rows,
        "parameters": scored.parameters,
        "em_iterations": scored.em_iterations,
        "profiles_by_rule": {str(r["values"]): r["counts"] for r in rules},
        "counts": counts,
        "seconds": {k: round(v, 3) for k, v in seconds.items()},
    }
    (workdir / "report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")


def _review_queue(
    engine: Engine,
    case: Case,
    pairs: pa.Table,
    clusters: Clusters,
    chosen: dict[str, float],
    scored: Scored,
    decided: dict[str, review.Decision],
    rp: Path,
    pmi_path: Path | None,
) -> pa.Table:
    """Uncertain pairs that would change who is who, refused links, and decided pairs."""
    root_of = clusters.root_of
    low, high = chosen["review_threshold"], chosen["link_threshold"]
    refused = {review.pair_id(e.a, e.b): e for e in clusters.refused}
    # Pairs below the link threshold, and the strong ones that were refused or decided.
    wanted = {(e.a, e.b) for e in clusters.refused} | {(d.key_l, d.key_r) for d in decided.values()}
    either_way = pa.array([f"{a}|{b}" for a, b in wanted] + [f"{b}|{a}" for a, b in wanted])
    joined = pc.binary_join_element_wise(pairs["key_l"], pairs["key_r"], "|")
    keep = pc.or_(
        pc.less(pairs["match_probability"], high), pc.is_in(joined, either_way.cast(pa.string()))
    )
    rows: dict[str, dict[str, Any]] = {}
    for row in pairs.filter(keep).to_pylist():
        a, b, p = row["key_l"], row["key_r"], row["match_probability"]
        pid = review.pair_id(a, b)
        if pid in decided:
            reason = "decided"
        elif pid in refused:
            reason = "conflict"
        elif p >= low and root_of.get(a) != root_of.get(b):
            anchors = {clusters.anchor(a), clusters.anchor(b)} - {None}
            if len(anchors) > 1:
                continue  # both sides already belong to PMI patients: nothing to join
            reason = "uncertain"
        else:
            continue
        rows[pid] = {
            "key_l": a,
            "key_r": b,
            "reason": reason,
            "match_probability": p,
            "match_weight": row["match_weight"],
            "evidence": evidence(row["gammas"], scored.labels),
        }
    for pid, e in refused.items():
        if pid not in rows:  # a refused deterministic link: the rule is the evidence
            rows[pid] = {
                "key_l": e.a,
                "key_r": e.b,
                "reason": "conflict",
                "match_probability": e.probability,
                "match_weight": None,
                "evidence": e.rule,
            }
    candidates = pa.Table.from_pylist(list(rows.values()), schema=review.CANDIDATE_SCHEMA)
    return review.build_queue(
        engine,
        candidates,
        rp,
        case.table_path("records"),
        pmi_path if pmi_path is not None else _empty_pmi(),
        decided,
    )
