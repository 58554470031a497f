"""From scored pairs to people: greedy union under constraints, strongest evidence first.

Plain connected components would let one ambiguous profile chain two PMI patients into one
person. Here edges are taken in order (reviewers' "same" decisions, then deterministic links,
then model links by falling probability, ties by key so re-runs agree) and an edge is refused
when it would put two PMI patients in one person or join two nodes a reviewer said are
different people. So a profile ends with at most one PMI patient and a PMI patient in at most
one person; a refused edge is kept as a conflict for review, never silently dropped or merged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

PMI_PREFIX = "pmi:"
# Reviewers' decisions first, then deterministic rules, then the model by falling probability:
# a model link at p = 1.0 must not pre-empt an exact NHS number and birth date match.
_TIER = {"reviewed": 0, "nhs_dob": 1, "nhs_number": 1, "name_dob": 1}


@dataclass(frozen=True, slots=True)
class Edge:
    a: str
    b: str
    probability: float
    rule: str


@dataclass
class Clusters:
    root_of: dict[str, str]  # node -> the root naming its cluster
    anchors: dict[str, str]  # root -> the PMI entity in that cluster, where there is one
    accepted: list[Edge] = field(default_factory=list)
    refused: list[Edge] = field(default_factory=list)

    def anchor(self, node: str) -> str | None:
        """The PMI entity in ``node``'s cluster, if any."""
        return self.anchors.get(self.root_of.get(node, node))


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.anchor: dict[str, str] = {}
        self.forbid: dict[str, set[str]] = {}

    def find(self, key: str) -> str:
        parent = self.parent
        root = key
        while (up := parent.setdefault(root, root)) != root:
            root = up
        while (up := parent[key]) != root:
            parent[key] = root
            key = up
        return root

    def refuses(self, ra: str, rb: str) -> bool:
        pa, pb = self.anchor.get(ra), self.anchor.get(rb)
        if pa is not None and pb is not None and pa != pb:
            return True
        small, other = (
            (ra, rb) if len(self.forbid.get(ra, ())) <= len(self.forbid.get(rb, ())) else (rb, ra)
        )
        return any(self.find(x) == other for x in self.forbid.get(small, ()))

    def union(self, ra: str, rb: str) -> None:
        keep, gone = (ra, rb) if ra < rb else (rb, ra)
        self.parent[gone] = keep
        if gone in self.anchor:
            self.anchor[keep] = self.anchor.pop(gone)
        if gone in self.forbid:
            self.forbid.setdefault(keep, set()).update(self.forbid.pop(gone))


def cluster(
    nodes: Iterable[str],
    edges: Iterable[Edge],
    different: Iterable[tuple[str, str]] = (),
) -> Clusters:
    """Cluster ``nodes`` (profile keys and ``pmi:`` entities) along ``edges``, strongest first.

    ``different`` are pairs a reviewer said are not one person: they never end up together.
    """
    uf = _UnionFind()
    for node in nodes:
        uf.find(node)
        if node.startswith(PMI_PREFIX):
            uf.anchor[node] = node
    for a, b in different:
        for x, y in ((a, b), (b, a)):
            uf.find(x)
            uf.forbid.setdefault(uf.find(x), set()).add(y)
    accepted: list[Edge] = []
    refused: list[Edge] = []
    order = sorted(edges, key=lambda e: (_TIER.get(e.rule, 2), -e.probability, e.a, e.b))
    for edge in order:
        ra, rb = uf.find(edge.a), uf.find(edge.b)
        if ra == rb:
            continue
        if uf.refuses(ra, rb):
            refused.append(edge)
            continue
        uf.union(ra, rb)
        accepted.append(edge)
    root_of = {node: uf.find(node) for node in uf.parent}
    return Clusters(root_of, dict(uf.anchor), accepted, refused)
