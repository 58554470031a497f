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

TEXT_DETECTORS: tuple[TextDetector, ...] = (
    nhs_number.detect,
    dates.detect_dob,
    dates.detect_unlabelled,
    names.detect,
    postcode.detect,
    contact.detect,
    address.detect,
    hospital.detect,
    lab_tests.detect,
    ods.detect,
)
