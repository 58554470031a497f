"""ASTM E1394 / LIS2-A2 analyser records: framed (E1381), in a host log, or plain lines."""

from __future__ import annotations

import pytest

from breachdesk.detect.hl7 import person_from_analyser
from breachdesk.ingest.limits import Limits
from breachdesk.ingest.sniff import sniff_data
from breachdesk.ingest.walk import Entry
from breachdesk.readers import astm
from breachdesk.readers.base import ReaderError
from breachdesk.scan.stage import _scan_file

HEADER = "H|\\^&|||cobas^8000|||||LIS|TSREQ^REAL|P|1"
RECORDS = [
    HEADER,
    "P|1||K123456|4557660932|SMITH^JOHN^A||19600214|M||12 High St^Leeds^^LS1 4AB|||^OKAFOR^GRACE",
    "O|1|S0001||^^^HBSAG\\^^^HIV|R",
    "R|1|^^^HBSAG^1|Reactive|||N",
    "R|2|^^^HIV|Non-reactive",
    "C|1|I|Known hepatitis C, repeat HbA1c|G",
    "P|2||||JONES^AMY||19851103|F",
    "O|1|S0002||^^^GLU",
    "R|1|^^^GLU|5.4|mmol/L",
    "L|1|N",
]


def _frame(number: int, text: str, end: str = "\x03") -> str:
    body = f"{number % 8}{text}"
    checksum = (sum(body.encode()) + ord(end)) % 256
    return f"\x02{body}{end}{checksum:02X}\r\n"


def _people(data: bytes, name: str = "analyser.log") -> list[tuple[str, dict[str, str], list[str]]]:
    out = []
    for item in astm.read(data, name):
        if item.schema == "astm":
            out += [(item.locator, p.values, p.tests) for p in person_from_analyser(item)]
    return out


SMITH = {
    "hospital_number": "K123456",
    "nhs_number": "4557660932",
    "family_name": "SMITH",
    "given_name": "JOHN",
    "date_of_birth": "1960-02-14",
    "sex": "M",
    "postcode": "LS1 4AB",
}
JONES = {"family_name": "JONES", "given_name": "AMY", "date_of_birth": "1985-11-03", "sex": "F"}


def test_framed_host_log_with_timestamps():
    lines = [
        f"2024-03-01 10:00:{n:02d}.120 [COM3] RX " + _frame(n + 1, r + "\r")
        for n, r in enumerate(RECORDS)
    ]
    data = ("2024-03-01 10:00:00.001 [COM3] RX \x05\r\n" + "".join(lines) + "\x04").encode()
    people = _people(data)
    assert people == [
        ("line:3", SMITH, ["HBSAG", "HIVAGAB", "HCVAB", "HBA1C"]),
        ("line:8", JONES, ["GLU"]),
    ]


def test_record_continued_over_frames_is_joined():
    patient = RECORDS[1] + "\r"
    data = (
        _frame(1, HEADER + "\r")
        + _frame(2, patient[:25], "\x17")
        + _frame(3, patient[25:60], "\x17")
        + _frame(4, patient[60:])
        + _frame(5, "R|1|^^^HIV|Reactive\r")
    ).encode()
    assert _people(data) == [("line:2", SMITH, ["HIVAGAB"])]


def test_spelled_control_characters_and_plain_lines():
    spelled = "\n".join(f"<STX>{n % 8}{r}<CR><ETX>00<CR><LF>" for n, r in enumerate(RECORDS))
    plain = "\r\n".join(RECORDS)
    for data in (spelled, plain):
        located = [(values, tests) for _, values, tests in _people(data.encode())]
        assert located == [(SMITH, ["HBSAG", "HIVAGAB", "HCVAB", "HBA1C"]), (JONES, ["GLU"])]


def test_header_names_other_delimiters():
    # Field "!", repeat "@", component "#", escape "$"; "$S$" writes a component delimiter.
    records = ["H!@#$!!!host", "P!1!!!!OBRIEN#SEAN!!19700101!M", "R!1!###HCV$S$1!Detected", "L!1"]
    ((_, values, tests),) = _people("\n".join(records).encode())
    assert values == {
        "family_name": "OBRIEN",
        "given_name": "SEAN",
        "date_of_birth": "1970-01-01",
        "sex": "M",
    }
    assert tests == ["HCVAB"]


def test_physician_is_not_the_patient_and_orphan_results_name_no_one():
    records = [HEADER, "R|1|^^^HIV|Reactive", "P|1||||||||M|||||^OKAFOR^GRACE", "L|1"]
    assert _people("\n".join(records).encode()) == []


def test_not_astm_is_an_error():
    with pytest.raises(ReaderError, match="no ASTM"):
        list(astm.read(b"Patient SMITH seen today\n", "notes.txt"))


@pytest.mark.parametrize(
    "data",
    [
        "\r\n".join(RECORDS),
        "".join(_frame(n, r + "\r") for n, r in enumerate(RECORDS)),
        "10:00:01 <- <ENQ>\n"
        + "\n".join(f"10:00:02 <- <STX>{n % 8}{r}<CR><ETX>4F" for n, r in enumerate(RECORDS)),
    ],
)
def test_sniffed_and_scanned_as_astm(data):
    raw = data.encode()
    assert sniff_data(raw, "COBAS_20240301.DAT") == "astm"
    entry = Entry(path="cobas.dat", parent=None, depth=0, size=len(raw), type="astm", data=raw)
    rows = [
        row
        for records, _ in _scan_file(entry, 1, Limits(), keyed=[])
        for row in records.to_pylist()
    ]
    assert [(r["source"], r["family_name"], r["sensitive"]) for r in rows] == [
        ("astm", "SMITH", "hepatitis;hiv"),
        ("astm", "JONES", None),
    ]


@pytest.mark.parametrize(
    "data",
    [
        b"id|name|dob\n1|SMITH John|1960-02-14\n",  # a pipe-delimited table
        b"H|\\^&|||\n",  # a header alone: no patient or result record
        b"The form has fields H|P|O for the analyser.\n",
    ],
)
def test_other_files_are_not_astm(data):
    assert sniff_data(data, "x.txt") != "astm"
