"""The Splink model: comparisons that fit NHS data, and the blocking rules that pick pairs.

Entities are PMI rows (``kind = 'pmi'``) and dump profiles, either already linked
deterministically (``'det'``) or not (``'res'``, the residue). The model scores one table in
Splink's ``dedupe_only`` mode rather than ``link_and_dedupe`` over two, because both questions
(is this profile that PMI patient? are these two profiles one person?) need the same comparisons
and a single set of m/u estimates; blocking rules keep PMI-to-PMI pairs out (the PMI is the
lab's own index: one row is one patient) and, for prediction, score only pairs that touch the
residue (deterministic links are settled).

Every comparison has a null level (a missing value is no evidence), levels from most to least
specific, and an else level; no weights are typed here, all are estimated (see ``train``).
"""

from __future__ import annotations

from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator

# Columns the model reads from each entity; ``prepare`` makes them.
ENTITY_COLUMNS = (
    "unique_id",
    "kind",
    "nhs",
    "fam",
    "giv",
    "giv_forms",
    "dob",
    "dob_swap",
    "yob",
    "postcode",
    "sex",
)


def comparisons() -> list[Any]:
    nhs = cl.CustomComparison(
        [
            cll.NullLevel("nhs"),
            cll.ExactMatchLevel("nhs").configure(label_for_charts="NHS number exact"),
            cll.DamerauLevenshteinLevel("nhs", 1).configure(
                label_for_charts="NHS number: one digit mistyped or two transposed"
            ),
            cll.ElseLevel(),
        ],
        output_column_name="nhs_number",
        comparison_description="NHS number",
    )
    family = cl.CustomComparison(
        [
            cll.NullLevel("fam"),
            # Term frequencies: SMITH agreeing says less than SZCZEPANSKI agreeing.
            cll.ExactMatchLevel("fam").configure(
                tf_adjustment_column="fam", label_for_charts="family name exact"
            ),
            cll.CustomLevel("fam_l = giv_r", "family name written as the given name"),
            cll.DamerauLevenshteinLevel("fam", 1).configure(
                label_for_charts="family name: one typing slip"
            ),
            cll.JaroWinklerLevel("fam", 0.9).configure(label_for_charts="family name JW >= 0.9"),
            # "De Souza" and "Souza", "Smith-Jones" and "Jones": one name inside the other.
            cll.CustomLevel(
                "(length(fam_r) >= 4 AND contains(fam_l, fam_r)) OR "
                "(length(fam_l) >= 4 AND contains(fam_r, fam_l))",
                "family name part of the other",
            ),
            cll.JaroWinklerLevel("fam", 0.8).configure(label_for_charts="family name JW >= 0.8"),
            cll.ElseLevel(),
        ],
        output_column_name="family_name",
        comparison_description="family name",
    )
    given = cl.CustomComparison(
        [
            cll.NullLevel("giv"),
            cll.ExactMatchLevel("giv").configure(
                tf_adjustment_column="giv", label_for_charts="given name exact"
            ),
            cll.CustomLevel("giv_l = fam_r", "given name written as the family name"),
            cll.ArrayIntersectLevel("giv_forms", 1).configure(
                label_for_charts="given name: nickname of the same name"
            ),
            cll.DamerauLevenshteinLevel("giv", 1).configure(
                label_for_charts="given name: one typing slip"
            ),
            cll.JaroWinklerLevel("giv", 0.88).configure(label_for_charts="given name JW >= 0.88"),
            # Worklists and letters often give only an initial: "K Cook-James".
            cll.CustomLevel(
                "(length(giv_l) = 1 OR length(giv_r) = 1) AND left(giv_l, 1) = left(giv_r, 1)",
                "given name: an initial that fits",
            ),
            cll.ElseLevel(),
        ],
        output_column_name="given_name",
        comparison_description="given name",
    )
    dob = cl.CustomComparison(
        [
            cll.NullLevel("dob"),
            cll.ExactMatchLevel("dob").configure(label_for_charts="date of birth exact"),
            cll.CustomLevel("dob_l = dob_swap_r", "date of birth: day and month swapped"),
            cll.DamerauLevenshteinLevel("dob", 1).configure(
                label_for_charts="date of birth: one digit mistyped or two transposed"
            ),
            # "29/10/26" read as 2026 for someone born in 1926.
            cll.CustomLevel(
                "substr(dob_l, 3, 8) = substr(dob_r, 3, 8)",
                "date of birth: same but for the century",
            ),
            cll.CustomLevel(
                "substr(dob_l, 1, 7) = substr(dob_r, 1, 7)", "date of birth: same year and month"
            ),
            cll.ElseLevel(),
        ],
        output_column_name="date_of_birth",
        comparison_description="date of birth",
    )
    postcode = cl.PostcodeComparison("postcode")
    sex = cl.ExactMatch("sex")
    return [nhs, family, given, dob, postcode, sex]


# Pairs to score. Together they catch every kind of error the comparisons model, as long as two
# records of one person agree exactly on something: an NHS number, a date of birth, the full
# name, the family name and birth year (a slip in day or month, a nickname), the family name and
# birthday or the given name and birthday (a slip in the year), the family name and postcode.
_PREDICT_RULES = (
    "l.nhs = r.nhs",
    "l.dob = r.dob",
    "l.fam = r.fam AND l.giv = r.giv",
    "l.fam = r.fam AND l.yob = r.yob",
    "l.fam = r.fam AND substr(l.dob, 6, 5) = substr(r.dob, 6, 5)",
    "l.giv = r.giv AND substr(l.dob, 6, 5) = substr(r.dob, 6, 5)",
    "l.fam = r.fam AND l.postcode = r.postcode",
    "l.dob = r.dob_swap",
)
_TOUCHES_RESIDUE = "(l.kind = 'res' OR r.kind = 'res')"
_NOT_PMI_PAIR = "NOT (l.kind = 'pmi' AND r.kind = 'pmi')"

# EM sessions: each leaves out the comparisons its blocking rule uses; together they estimate
# every m probability.
TRAINING_RULES = (
    f"l.dob = r.dob AND {_NOT_PMI_PAIR}",
    f"l.fam = r.fam AND l.giv = r.giv AND {_NOT_PMI_PAIR}",
)
# Rules that admit (almost) no false matches, for the prior probability that two entities match.
DETERMINISTIC_RULES = (
    "l.nhs = r.nhs AND l.dob = r.dob",
    "l.fam = r.fam AND l.giv = r.giv AND l.dob = r.dob",
)


def predict_rules() -> list[Any]:
    return [f"{rule} AND {_TOUCHES_RESIDUE}" for rule in _PREDICT_RULES]


def settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=predict_rules(),
        # Matching columns carry the gamma (level reached) per comparison: the review evidence.
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=False,
        additional_columns_to_retain=["kind"],
        max_iterations=20,
    )
