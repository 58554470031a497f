"""Events joined to people through the tables between them: a LIMS's ``result(req_id)``
points at ``request(req_id, pid)``, which points at ``patient(pid)``; some put a specimen
between the request and its results too.

``relations`` joins an events table straight to a table of people. Where none is found, the
events table may point at a table that is a step on the way: one whose rows, none a person's,
have a key of their own and a pointer (``_State.links``), and whose pointer leads to people,
straight or through another such table. Steps are found from the people outwards, one hop at
a time, up to ``MAX_HOPS`` hops from an events row to its person; each hop is proposed by names
and kept by values, as a direct relation is (``relations.best_relation``): the step's key must
be unique over its rows and hold ``MIN_CONTAINED`` of the pointer's distinct values, counted
over every row of the table pointed at (``relations._every_key``): a request for a patient row
that identifies no one (a baby not yet registered) still points into the patients table, and
its results, reaching no person, join no one.

A hop's name says the step table or its key: ``req_id`` -> ``request.req_id``, ``request_id``
or ``req_id`` -> ``request.id``, or a number named alike on both sides (``Lab No``). A generic
person key (``patient_id``) proposes people, never a step.

Cost: each step is resolved once, as one array of person row indices over its rows, by a hash
lookup of its pointer in the table it points at (``index_in``), so a chain costs the sum of
its tables' rows, never their product. What a step keeps is its key columns' values per row.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pyarrow as pa
import pyarrow.compute as pc

from breachdesk.detect.join_names import is_pointer, key_naming, numbered, table_names
from breachdesk.detect.relations import Relation, _people, _State, best_relation

MAX_HOPS = 3  # patient <- request <- specimen <- result


@dataclass
class _Step:
    """A table whose rows are known to belong to people: to whom, and by which hops."""

    people: tuple[str, str]  # the people table
    person: pa.Array  # per row (of ``links``): the index of its person row, or null
    rule: str  # the hops from this table to the people, as "t.a->u.b;u.c->p.d"
    hops: int


def _hop_naming(pointer: str, key: str, step: str) -> int:
    """0: names do not relate; 1: an abbreviation of the table, or the same name of an unlisted
    number; 2: the name names the table or is the key's own."""
    if key == "id":
        names = table_names(step)
        if pointer in {n + "id" for n in names}:
            return 2
        stem = pointer[:-2] if pointer.endswith("id") else ""
        # "req_id" for request.id, "spec_id" for "lab_specimens".id
        return 1 if len(stem) >= 3 and any(stem in n for n in names) else 0
    if pointer == key and is_pointer(pointer):
        return 2
    return 1 if pointer == key and numbered(pointer) else 0


def _one(chunks: list[pa.Array]) -> pa.Array:
    return chunks[0] if len(chunks) == 1 else pa.concat_arrays(chunks)


def chains(
    tables: dict[tuple[str, str], _State], direct: set[tuple[str, str]]
) -> list[tuple[tuple[str, str], tuple[str, str], Relation, pa.Array]]:
    """(events table, people table, relation, each events row's person row index) for every
    events table not in ``direct`` whose rows reach people through steps."""
    steps: dict[tuple[str, str], _Step] = {}
    for key, state in tables.items():
        if not state.links or state.staff:
            continue
        pointers = {k: v for k, v in state.links.items() if k != "id"}
        chosen = best_relation(tables, key, pointers, key_naming, "keys", _people)
        if chosen:
            people, relation = chosen
            keys = _one(tables[people].keys[relation.key])
            person = pc.index_in(_one(state.links[relation.pointer]), keys)
            steps[key] = _Step(people, person, relation.rule.removeprefix("joined:"), 1)
    for hops in range(2, MAX_HOPS):
        for key, state in tables.items():
            if key in steps or not state.links or state.staff:
                continue
            pointers = {k: v for k, v in state.links.items() if k != "id"}
            found = _hop(tables, steps, key, pointers, hops - 1)
            if found:
                step, person, relation = found
                steps[key] = _Step(step.people, person, relation.rule, hops)
    joined = []
    for key, state in tables.items():
        if key in direct or not state.pointers:
            continue
        found = _hop(tables, steps, key, state.pointers, MAX_HOPS - 1)
        if found:
            step, where, relation = found
            relation = replace(relation, rule=f"joined:{relation.rule}")
            joined.append((key, step.people, relation, where))
    return joined


def _hop(
    tables: dict[tuple[str, str], _State],
    steps: dict[tuple[str, str], _Step],
    key: tuple[str, str],
    pointers: dict[str, list[pa.Array]],
    most: int,
) -> tuple[_Step, pa.Array, Relation] | None:
    """The step (of at most ``most`` hops) that ``pointers`` point at, with each row's person
    row index through it, and the hop's relation, its rule that of the whole chain."""
    near = {k: s for k, s in steps.items() if s.hops <= most and k != key}
    eligible = {id(tables[k]) for k in near}
    chosen = best_relation(tables, key, pointers, _hop_naming, "links", lambda t: id(t) in eligible)
    if chosen is None:
        return None
    target, relation = chosen
    step = near[target]
    at = pc.index_in(_one(pointers[relation.pointer]), _one(tables[target].links[relation.key]))
    rule = f"{relation.rule.removeprefix('joined:')};{step.rule}"
    return step, pc.take(step.person, at), replace(relation, rule=rule)
