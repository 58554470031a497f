"""The one place that lists the free-text detectors. Adding one is a module plus a line here."""

from __future__ import annotations

from breachdesk.detect import (
    address,
    contact,
    dates,
    hospital,
    lab_tests,
    names,
    nhs_number,
    ods,
    postcode,
)
from breachdesk.detect.base import TextDetector

# Each detector with the prefilter trigger (``prefilter.TRIGGERS``) without which it finds
# nothing; None: it always runs (the catalogue automaton is already one pass).
GATED_DETECTORS: tuple[tuple[TextDetector, str | None], ...] = (
    (nhs_number.detect, "nhs"),
    (dates.detect, "date"),  # detect_dob and detect_unlabelled in one pass
    (names.detect, "name"),
    (postcode.detect, "postcode"),
    (contact.detect, "contact"),
    (address.detect, "address"),
    (hospital.detect, "hospital"),
    # (lab_tests.detect also yields the diagnoses, coded (``diagnoses.detect``) and in words
    # (``diagnosis_words.detect``), each behind its own Hyperscan scan, and beside an hCG the
    # sex a text states (``male_markers``): a line here of their own would need a trigger in
    # prefilter.TRIGGERS.)
    (lab_tests.detect, None),
    (ods.detect, "ods"),
)
TEXT_DETECTORS: tuple[TextDetector, ...] = tuple(detector for detector, _ in GATED_DETECTORS)
