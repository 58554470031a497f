"""What a program writes of a patient in its logs: an NHS number as a segment of a URL's path
(``/api/patients/<nhs>/results``, FHIR's ``Patient/<nhs>``), and the camel-case and kebab-case
keys of its code (``dateOfBirth=``, ``date-of-birth``)."""

from __future__ import annotations

import pytest

from breachdesk.detect import dob_label, nhs_number
from test_generalise import people_in_file

N1, N2, N3 = "4319390717", "4795429162", "4730452100"
FIELDS = ("family_name", "given_name", "date_of_birth", "nhs_number", "tests")


@pytest.mark.parametrize(
    "path",
    [f"GET /api/v2/patients/{N1}/results", f"/fhir/Patient/{N1}/Observation",
     f"/nhs/{N1}", f"/lookup/nhs-number/{N1}?full=1", f"/nhsNumber/{N1}", f"Patient/{N1}.json"],
)  # fmt: skip
def test_a_patient_path_segment_is_an_nhs_number(path: str) -> None:
    assert [m.group() for m in nhs_number.PATTERN.finditer(path)] == [N1]


@pytest.mark.parametrize(
    "path", [f"/orders/{N1}/lines", f"/invoice/{N1}", f"ab/{N1}", f"/order-number/{N1}"]
)
def test_other_ids_in_a_path_are_not(path: str) -> None:
    assert list(nhs_number.PATTERN.finditer(path)) == []


def test_program_keys_label_a_date_of_birth() -> None:
    for text in ("dateOfBirth=", "DateOfBirth: ", "date-of-birth ", '"dateofbirth":"'):
        assert dob_label.ends_at(text + "1961-04-03", len(text)), text
    assert not dob_label.ends_at("dateOfDeath=1961-04-03", len("dateOfDeath="))


def test_an_api_log_names_each_patient_and_the_test_asked_for() -> None:
    log = (
        "2024-05-30 10:00:01,123 INFO  [exec-3] c.l.api.PatientController - GET "
        f"/api/v2/patients/{N1}/results?testCode=HIV 200 32ms\n"
        "2024-05-30 10:00:02,456 INFO  [exec-5] c.l.api.PatientController - lookup patient "
        f"lastName=OKAFOR firstName=Grace dateOfBirth=1961-04-03 nhsNumber={N1}\n"
        "2024-05-30 10:00:04,001 INFO  [exec-9] c.l.api.ResultController - POST "
        f"/fhir/Patient/{N3}/Observation HBA1C=48 mmol/mol\n"
    )
    assert people_in_file("api.log", log.encode(), FIELDS) == (
        "log",
        [
            ("OKAFOR", "Grace", "1961-04-03", N1, None),
            (None, None, None, N1, "HIVAGAB"),
            (None, None, None, N3, "HBA1C"),
        ],
    )
