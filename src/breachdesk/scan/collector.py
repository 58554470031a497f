"""The cyclic garbage collector, settled for a scan worker's long life."""

from __future__ import annotations

import gc

_SETTLED = False


_YOUNGEST = 50_000


def settle_collector() -> None:
    """Once per process, after its first file: what the worker has built by then (catalogue,
    automata, compiled patterns, the PMI's terms, warm caches) is taken out of the cyclic
    collector's generations (``gc.freeze``). It lives as long as the worker, and each full
    collection would otherwise walk all of it again: 6% of the 1 GB scan benchmark's CPU.

    The youngest generation is also collected after 50,000 new objects rather than 700: a log
    makes a record and its tuples per line, none of them in a cycle, and the default threshold
    spent ~5% of a log's scan looking for cycles among them (measured on the 20,000-patient
    incident's logs). Cycles are still collected, every 50,000 allocations."""
    global _SETTLED
    if not _SETTLED:
        _SETTLED = True
        gc.freeze()
        gc.set_threshold(_YOUNGEST, *gc.get_threshold()[1:])
