"""The constrained clustering on hand-made graphs: what plain connected components get wrong."""

from __future__ import annotations

from breachdesk.link.cluster import Edge, cluster


def test_a_profile_matching_two_pmi_patients_joins_the_stronger() -> None:
    nodes = ["pmi:A", "pmi:B", "r1", "r2"]
    edges = [
        Edge("r1", "pmi:A", 0.97, "probabilistic"),
        Edge("r1", "pmi:B", 0.99, "probabilistic"),
        Edge("r2", "pmi:A", 1.0, "nhs_dob"),
        Edge("r1", "r2", 0.96, "probabilistic"),
    ]
    result = cluster(nodes, edges)
    assert result.anchor("r1") == "pmi:B"
    assert result.anchor("r2") == "pmi:A"
    refused = {(e.a, e.b) for e in result.refused}
    assert refused == {("r1", "pmi:A"), ("r1", "r2")}  # kept for review, not merged


def test_deterministic_links_outrank_a_model_link_at_certainty() -> None:
    nodes = ["pmi:A", "pmi:B", "r1"]
    edges = [Edge("r1", "pmi:B", 1.0, "probabilistic"), Edge("r1", "pmi:A", 1.0, "nhs_dob")]
    assert cluster(nodes, edges).anchor("r1") == "pmi:A"


def test_reviewers_decisions_outrank_everything() -> None:
    nodes = ["pmi:A", "r1", "r2", "r3"]
    edges = [
        Edge("r1", "pmi:A", 1.0, "nhs_dob"),
        Edge("r2", "r1", 0.999, "probabilistic"),
        Edge("r3", "r2", 0.99, "probabilistic"),
    ]
    # "different" for r3 and pmi:A holds even though r3 reaches A through r2 and r1
    result = cluster(nodes, edges, different=[("r3", "pmi:A")])
    assert result.anchor("r2") == "pmi:A"
    assert result.anchor("r3") is None
    assert result.root_of["r3"] != result.root_of["r1"]
    same = cluster(nodes, [*edges, Edge("r3", "pmi:A", 1.0, "reviewed")])
    assert same.anchor("r3") == "pmi:A"
