"""Seventeenth round: each person of a text at their own line (a paragraph's people all had its
first line), the places of their facts counted from it; a note's heading that names its author
is not the first patient's name; a doctor written as "your patient Dr ..." is the patient."""

from __future__ import annotations

import random

from breachdesk.detect.name_context import staff_before
from breachdesk.nhs import generate
from breachdesk.readers.text import paragraphs
from test_generalise import people_in_file

_RNG = random.Random(1717)
N1, N2, N3 = (generate(_RNG) for _ in range(3))
FIELDS = ("locator", "family_name", "given_name", "date_of_birth", "nhs_number", "tests")

HANDOVER = (
    "Handover notes 26/05/2024 - Ms A Woods\n"
    "\n"
    f"07:56 Called Dr M Shevchenko (G81113) re Mr Nigel HUDSON DOB 10/1/1957 NHS {N1}: "
    "Metanephrines 59 pmol/L. No answer, will retry.\n"
    "08:05 Called Dr K Johnson (G83544) re Ms Hodan MCCARTHY DOB 01/08/1954: Urea and "
    "electrolytes Abnormal - see comment.\n"
    f"08:18 Called Dr P King (F83754) re Mrs Pam SINGH DOB 1979-01-21 NHS {N2}: Ferritin 8 ug/L.\n"
    "\n"
    "Analyser 2 down 14:00-15:30, engineer called.\n"
)


def test_a_handovers_patients_each_at_their_line_and_not_named_for_its_author() -> None:
    kind, rows = people_in_file("handover_notes.txt", HANDOVER.encode(), FIELDS)
    assert kind == "text"
    assert rows == [
        ("line:3", "HUDSON", "Nigel", "1957-01-10", N1, "METAN"),  # was Woods A, at line:1
        ("line:4", "MCCARTHY", "Hodan", "1954-08-01", None, "UE"),
        ("line:5", "SINGH", "Pam", "1979-01-21", N2, "FERR"),
    ]


def test_a_heading_with_the_patients_own_family_name_is_kept() -> None:
    # The same family name above the person's line is theirs, written twice: its given name
    # stays the record's.
    text = f"Results for Mrs Jane OKAFOR\n\nre Mrs J OKAFOR DOB 12/01/1962 NHS {N1}: HbA1c 48.\n"
    _, rows = people_in_file("note.txt", text.encode(), FIELDS)
    assert rows == [("line:1", "OKAFOR", "Jane", "1962-01-12", N1, "HBA1C")]


def test_a_labelled_patient_above_a_blank_line_is_the_patient() -> None:
    text = (
        "Patient: OKAFOR, Grace\n"
        "\n"
        f"NHS {N1}  Requested by: Mr T Adebayo  DOB 12/01/1962\n"
        "Ferritin 12 ug/L\n"
    )
    _, rows = people_in_file("letter.txt", text.encode(), FIELDS)
    assert rows == [("line:1", "OKAFOR", "Grace", "1962-01-12", N1, "FERR")]


def test_lines_are_counted_over_every_blank_line_of_the_file() -> None:
    # Three blank lines between two paragraphs of one record: the second person is at the
    # file's line 6, not the record's fourth line.
    text = (
        f"re Mr Nigel HUDSON DOB 10/01/1957 NHS {N1}: ferritin 8 ug/L\n"
        "Advised repeat.\n"
        "\n\n\n"
        f"re Mrs Pam SINGH DOB 21/01/1979 NHS {N2}: HbA1c 48 mmol/mol\n"
    )
    (record,) = paragraphs(text)
    assert record.locator == "line:1" and record.text.split("\n")[5].startswith("re Mrs Pam")
    _, rows = people_in_file("calls.txt", text.encode(), FIELDS)
    assert rows == [
        ("line:1", "HUDSON", "Nigel", "1957-01-10", N1, "FERR"),
        ("line:6", "SINGH", "Pam", "1979-01-21", N2, "HBA1C"),
    ]


def test_a_pages_people_are_at_their_lines_of_the_page_and_facts_counted_from_there() -> None:
    from breachdesk.ingest.limits import Limits
    from breachdesk.ingest.walk import Entry
    from breachdesk.scan.stage import _scan_file

    text = (
        "Southbank Pathology - telephoned results\n"
        "\n"
        f"Mr Nigel HUDSON DOB 10/01/1957 NHS {N1} Ferritin 8 ug/L\n"
        f"Mrs Pam SINGH DOB 21/01/1979 NHS {N2} HbA1c 48 mmol/mol\n"
    )
    data = text.encode()
    entry = Entry(path="calls.txt", parent=None, depth=0, size=len(data), type="text", data=data)
    ((records, mentions),) = list(_scan_file(entry, 1, Limits()))
    assert records.column("locator").to_pylist() == ["line:3", "line:4"]
    singh = [m for m in mentions.to_pylist() if m["locator"] == "line:4"]
    line = text.split("\n")[3]
    spans = {m["kind"]: m["field"] for m in singh}
    start = line.index(N2)
    assert spans["nhs_number"] == f"chars:{start}-{start + 10}"  # from the start of line 4
    assert spans["name"] == f"chars:{line.index('Pam')}-{line.index(' DOB')}"  # (no title)


def test_your_patient_doctor_is_the_patient_and_a_doctor_alone_is_staff() -> None:
    text = (
        "Dear Dr A Wood,\n"
        "\n"
        f"re your patient Dr Marilyn RAHMAN, DOB 11-Dec-1944, NHS {N3} - the Procalcitonin "
        "result is 0.40 ug/L.\n"
        "\n"
        "Regards,\n"
        "Dr Y Nowak\n"
    )
    _, rows = people_in_file("mail.txt", text.encode(), FIELDS)
    assert rows == [("line:3", "RAHMAN", "Marilyn", "1944-12-11", N3, "PCT")]
    assert staff_before("seen by Dr ", 11) and staff_before("re Dr ", 6)
    assert not staff_before("patient Dr ", 11) and not staff_before("Pt: Prof ", 9)
