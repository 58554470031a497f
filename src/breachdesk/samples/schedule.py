"""Plan the recovery runs: which viable samples each lane runs, in which order, before they expire.

A *job* is one sample on one lane (a sample whose tests span two disciplines needs both). Each
lane offers run slots (``capacity.Lane.slots``); a job is saved when it runs in a slot before its
deadline (the tightest viable test it carries on that lane). Per lane:

1. **Choose** which jobs to run: unit jobs with deadlines on one machine form a matroid, so taking
   jobs in priority order (critical, urgent, routine; earlier deadline first within a priority)
   and putting each in the latest free slot before its deadline, or dropping it when there is
   none, saves the most critical jobs, then the most critical + urgent, then the most overall:
   no ordering can do better at any level.
2. **Order** the chosen jobs: critical first as early as possible, then urgent, then routine,
   while every chosen job still runs before its deadline (lower priorities are held as late as
   they can go while the higher one is placed earliest-deadline-first in what is left).

First-come-first-served for comparison runs each lane's jobs in order of arrival
(``received_at``), skipping a sample that has already expired when its turn comes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from breachdesk.samples.backlog import MISSING, Backlog
from breachdesk.samples.capacity import Capacity
from breachdesk.samples.viability import DISCARD, Viability

WEIGHTS = (1, 5, 25)  # routine, urgent, critical: for the weighted score in the summary


@dataclass
class Plan:
    start: int
    lanes: tuple[str, ...]
    job_sample: np.ndarray
    job_lane: np.ndarray
    job_deadline: np.ndarray
    run_at: np.ndarray  # MISSING when the plan cannot run it in time
    fcfs_at: np.ndarray  # MISSING when first-come-first-served would not
    pair_job: np.ndarray  # per pair: its job, -1 when expired, -2 when no lane takes the test
    saved: np.ndarray  # per sample: every viable test runs in time under the plan
    fcfs_saved: np.ndarray


class _Latest:
    """Union-find over slot indices: the latest free slot at or before an index, -1 if none."""

    def __init__(self, free: np.ndarray) -> None:
        idx = np.arange(len(free))
        self.parent = np.where(free, idx, idx - 1).tolist()

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while root >= 0 and parent[root] != root:
            root = parent[root]
        while x >= 0 and parent[x] != x:
            parent[x], x = root, parent[x]
        return root

    def take(self, x: int) -> None:
        self.parent[x] = x - 1


def _order(
    jobs: list[int], prio: np.ndarray, last: np.ndarray, deadline: np.ndarray, nslots: int
) -> dict[int, int] | None:
    """Slot per chosen job, higher priorities earliest; None if that would miss a deadline."""
    free = np.ones(nslots, dtype=bool)
    slot_of: dict[int, int] = {}
    for level in sorted({int(prio[j]) for j in jobs}, reverse=True):
        lower = sorted((j for j in jobs if prio[j] < level), key=lambda j: -deadline[j])
        held = np.zeros(nslots, dtype=bool)
        latest = _Latest(free)
        for j in lower:
            s = latest.find(int(last[j]))
            if s < 0:
                return None
            latest.take(s)
            held[s] = True
        open_slots = np.flatnonzero(free & ~held)
        mine = sorted((j for j in jobs if prio[j] == level), key=lambda j: deadline[j])
        for j, slot in zip(mine, open_slots.tolist(), strict=False):
            if slot > last[j]:
                return None
            slot_of[j] = slot
            free[slot] = False
    return slot_of


def _lane(
    jobs: np.ndarray, prio: np.ndarray, arrival: np.ndarray, deadline: np.ndarray, slots: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(plan slot, FCFS slot) per job of one lane, -1 when not run."""
    last = np.searchsorted(slots, deadline[jobs], side="left") - 1
    local_prio, local_dl = prio[jobs], deadline[jobs]
    by_choice = np.lexsort((arrival[jobs], local_dl, -local_prio.astype(np.int64)))
    latest = _Latest(np.ones(len(slots), dtype=bool))
    chosen: list[int] = []
    for j in by_choice.tolist():
        s = latest.find(int(last[j]))
        if s >= 0:
            latest.take(s)
            chosen.append(j)
    plan = np.full(len(jobs), -1, dtype=np.int64)
    slot_of = _order(chosen, local_prio, last, local_dl, len(slots))
    if slot_of is None:  # never expected; earliest-deadline-first is always feasible
        edf = sorted(chosen, key=lambda j: local_dl[j])
        slot_of = dict(zip(edf, range(len(edf)), strict=True))
    for j, s in slot_of.items():
        plan[j] = s
    fcfs = np.full(len(jobs), -1, dtype=np.int64)
    nxt = 0
    for j in np.argsort(arrival[jobs], kind="stable").tolist():
        if nxt < len(slots) and nxt <= last[j]:
            fcfs[j] = nxt
            nxt += 1
    return plan, fcfs


def plan(b: Backlog, v: Viability, capacity: Capacity, lane_of_test: np.ndarray) -> Plan:
    start = max(v.now, capacity.start or v.now)
    n = b.size
    pair_lane = lane_of_test[b.pair_test]
    live = v.viable & (pair_lane >= 0)
    key = b.pair_sample * len(capacity.lanes) + pair_lane
    uniq, inverse = np.unique(key[live], return_inverse=True)
    job_sample, job_lane = uniq // len(capacity.lanes), uniq % len(capacity.lanes)
    deadline = np.full(len(uniq), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(deadline, inverse, v.until[live])
    pair_job = np.where(v.viable, -2, -1).astype(np.int64)
    pair_job[live] = inverse

    # Arrival order for FCFS: received, then collected, then the row in the file.
    rank = np.lexsort((b.row, b.collected, b.received))
    arrival_of_sample = np.empty(n, dtype=np.int64)
    arrival_of_sample[rank] = np.arange(n)
    prio = b.priority[job_sample].astype(np.int64)
    arrival = arrival_of_sample[job_sample]
    run_at = np.full(len(uniq), MISSING, dtype=np.int64)
    fcfs_at = np.full(len(uniq), MISSING, dtype=np.int64)
    for lane_index, lane in enumerate(capacity.lanes):
        jobs = np.flatnonzero(job_lane == lane_index)
        if not len(jobs):
            continue
        slots = lane.slots(start, int(deadline[jobs].max()), len(jobs))
        got, fcfs = _lane(jobs, prio, arrival, deadline, slots)
        run_at[jobs[got >= 0]] = slots[got[got >= 0]]
        fcfs_at[jobs[fcfs >= 0]] = slots[fcfs[fcfs >= 0]]

    def all_run(at: np.ndarray) -> np.ndarray:
        # A sample is saved when every viable test it carries runs in time.
        missed = np.zeros(n, dtype=bool)
        missed[b.pair_sample[pair_job == -2]] = True
        lost = at == MISSING
        missed[job_sample[lost]] = True
        return (v.status != DISCARD) & ~missed

    return Plan(
        start,
        tuple(lane.name for lane in capacity.lanes),
        job_sample,
        job_lane,
        deadline,
        run_at,
        fcfs_at,
        pair_job,
        all_run(run_at),
        all_run(fcfs_at),
    )


def saved_by_priority(saved: np.ndarray, priority: np.ndarray) -> dict[str, int]:
    names = ("routine", "urgent", "critical")
    out = {name: int(np.count_nonzero(saved & (priority == i))) for i, name in enumerate(names)}
    out["total"] = int(np.count_nonzero(saved))
    out["weighted"] = sum(out[name] * w for name, w in zip(names, WEIGHTS, strict=True))
    return out
