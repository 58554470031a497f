"""The public vocabulary of the register (DESIGN.md): what of a person a dump can disclose.

Shared by the detectors, the risk rules, the generator's ground truth and the evaluation, so the
words can never drift apart between what is found and what is scored.
"""

from __future__ import annotations

# The register's ``exposed`` values, in the order they are written.
CATEGORIES = (
    "name",
    "date_of_birth",
    "nhs_number",
    "hospital_number",
    "address",
    "postcode",
    "phone",
    "email",
    "test_description",
    "test_result",
)
