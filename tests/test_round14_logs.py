"""Application and web-server logs: entries over several lines (stack traces, exception
messages that print patients, payloads), URL-encoded query strings, XML in a log line, JSON
access logs and IIS logs. Every person is invented; each must get exactly their own facts."""

from __future__ import annotations

import io
import json

import pytest

from breachdesk.ingest.limits import Limits
from breachdesk.ingest.sniff import sniff_data
from breachdesk.ingest.walk import Entry
from breachdesk.readers import log_entries, text
from breachdesk.readers.log_values import readable
from breachdesk.readers.url_text import decode_queries
from breachdesk.scan.stage import _scan_file

FIELDS = (
    "locator", "nhs_number", "family_name", "given_name", "date_of_birth", "postcode",
    "tests", "sensitive",
)  # fmt: skip
# Valid NHS numbers (Modulus 11), of invented people.
PENDLETON, QUARRIE, NWACHUKWU, LINDGREN = "4231713758", "4571501846", "4005945473", "4073296930"
ASHCOMBE, HADDAD, GILMARTIN, DRISCOLL = "4311826907", "4032590117", "4202500040", "4633191136"
KOWALEWSKA, TREVITHICK, POLGLASE = "4401707249", "4445482005", "4763907344"


def _scan(name: str, data: bytes) -> tuple[str, list[tuple[str | None, ...]]]:
    """The sniffed type and each person-record's ``FIELDS``, in the file's order."""
    kind = sniff_data(data, name)
    entry = Entry(path=name, parent=None, depth=0, size=len(data), type=kind, data=data)
    rows: list[tuple[str | None, ...]] = []
    for records, _ in _scan_file(entry, 1, Limits()):
        rows.extend(tuple(r[f] for f in FIELDS) for r in records.select(list(FIELDS)).to_pylist())
    return kind, rows


# --- stack traces: an entry is its line and the lines under it ------------------------------

SPRING = (
    "2023-11-10 14:22:01.337  INFO 18244 --- [nio-8080-exec-4] u.n.l.g.web.ResultController"
    f"       : GET /api/results/{PENDLETON}\n"
    "2023-11-10 14:22:01.512 ERROR 18244 --- [nio-8080-exec-4] o.a.c.c.C.[.[.[/].[dispatcher"
    "Servlet]    : Servlet.service() threw exception [Request processing failed]\n"
    "\n"
    "uk.nhs.lab.gateway.ValidationException: Result failed validation: LabResult{id=5512, "
    "testCode='HIVVL', testName='HIV-1 RNA viral load', value='48200', patient=Patient{id=3, "
    f"nhsNumber='{PENDLETON}', surname='Pendleton', forename='Marcus', sex=MALE, "
    "postcode='LS6 1AB'}}\n"
    "\tat uk.nhs.lab.gateway.service.ResultValidator.validate(ResultValidator.java:74)\n"
    "\tat uk.nhs.lab.gateway.service.ResultService.publish(ResultService.java:112)\n"
    "\tat java.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke0(Native Method)\n"
    "\t... 48 common frames omitted\n"
    "\n"
    "2023-11-10 14:22:04.115  INFO 18244 --- [nio-8080-exec-7] u.n.l.g.service.ResultService"
    "      : Queued LabResult{id=5513, testCode='PSA', testName='Prostate specific antigen', "
    f"patient=Patient{{id=4, nhsNumber='{QUARRIE}', surname='Quarrie', forename='Dorothy', "
    "postcode='LS12 3PJ'}}\n"
)


def test_a_spring_boot_log_with_a_tab_indented_stack_trace_is_a_log() -> None:
    kind, rows = _scan("lims-gateway.log", SPRING.encode())
    assert kind == "log"  # the tabs of "\tat ..." made it a TSV: 0 records
    pendleton = (PENDLETON, "Pendleton", "Marcus", None, "LS6 1AB", "HIVVL", "hiv")
    assert rows == [
        ("line:4", *pendleton),  # one entry, the ERROR line and the exception under it
        ("line:10", QUARRIE, "Quarrie", "Dorothy", None, "LS12 3PJ", "PSA", "cancer"),
    ]


SERILOG = (
    "\ufeff2023-11-12 07:45:13.402 +00:00 [INF] Starting OrderComms.Worker v3.4.1\r\n"
    '2023-11-12 07:45:20.118 +00:00 [ERR] Failed to file result for request "23M552101"\r\n'
    "System.InvalidOperationException: Sequence contains more than one matching element\r\n"
    "   at System.Linq.ThrowHelper.ThrowMoreThanOneMatchException()\r\n"
    "   at OrderComms.Filing.ResultFiler.FileAsync(ResultMessage msg) in D:\\build\\"
    "ResultFiler.cs:line 88\r\n"
    f"Patient: {{ NhsNumber = {NWACHUKWU}, Surname = Nwachukwu, Forename = Ifeoma, "
    "DOB = 14/05/1988, Postcode = NW1 2AB }\r\n"
    "Result: { TestCode = SYPHAB, TestName = Treponemal antibody, Value = Reactive }\r\n"
    f'2023-11-12 07:45:21.009 +00:00 [WRN] Duplicate demographics {{"NhsNumber": "{LINDGREN}", '
    '"Surname": "Lindgren", "Forename": "Freya", "Postcode": "NW6 7QB"} for test '
    '"Urine pregnancy test (hCG)"\r\n'
    "2023-11-12 07:45:22.550 +00:00 [INF] Filed 14 results in 2.4s\r\n"
)


def test_a_dotnet_exception_printing_a_patient_keeps_its_test_on_its_own_entry() -> None:
    kind, rows = _scan("OrderComms.Worker-20231112.log", SERILOG.encode())
    assert kind == "log"  # was "text": the whole file one paragraph
    assert rows == [
        ("line:6", NWACHUKWU, "Nwachukwu", "Ifeoma", "1988-05-14", "NW1 2AB", "SYPH",
         "sexual_health"),
        ("line:8", LINDGREN, "Lindgren", "Freya", None, "NW6 7QB", "UPT;HCG", "pregnancy"),
    ]  # fmt: skip


PYTHON = (
    "2023-11-09 02:14:07,118 INFO [worker-3] results_sync.poll: fetched 3 messages\n"
    "2023-11-09 02:14:07,452 ERROR [worker-3] results_sync.push: failed to post result to EPR\n"
    "Traceback (most recent call last):\n"
    '  File "/opt/results_sync/push.py", line 88, in push_result\n'
    "    resp = client.post_observation(patient, obs)\n"
    "results_sync.errors.EPRRejected: (422, 'Unknown patient identifier')\n"
    "During handling of the above exception, the following locals were captured:\n"
    f"  patient = Patient(nhs_number='{ASHCOMBE}', family_name='Ashcombe', given_name='Walter', "
    "date_of_birth=datetime.date(1936, 11, 2), sex='M', postcode='BS1 4DJ')\n"
    "  obs = Observation(code='TROPT', display='Troponin T (high sensitivity)', value='88')\n"
    f"2023-11-09 02:14:08,003 WARNING [worker-1] results_sync.push: retrying {{'nhs': '{HADDAD}', "
    "'surname': 'Haddad', 'forename': 'Samir', 'dob': '1980-08-08', "
    "'test': 'Hepatitis B surface antigen', 'result': 'Positive'} (attempt 2/5)\n"
)


def test_a_python_traceback_keeps_its_locals_test_off_the_next_patient() -> None:
    kind, rows = _scan("results_worker.log", PYTHON.encode())
    assert kind == "log"
    assert rows == [
        # datetime.date(1936, 11, 2) is his date of birth; the troponin is his alone.
        ("line:8", ASHCOMBE, "Ashcombe", "Walter", "1936-11-02", "BS1 4DJ", "TROPT", None),
        ("line:10", HADDAD, "Haddad", "Samir", "1980-08-08", None, "HBSAG", "hepatitis"),
    ]


# --- XML, JSON and URLs in log lines ---------------------------------------------------------

SOAP = f"""2023-11-17 11:20:33,101 DEBUG [OrdersEndpoint] Outbound SOAP request:
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:o="urn:o">
  <soapenv:Header/>
  <soapenv:Body>
    <o:Patient>
      <o:NHSNumber>{TREVITHICK}</o:NHSNumber>
      <o:Surname>Trevithick</o:Surname>
      <o:Forename>Morwen</o:Forename>
      <o:DOB>1987-07-07</o:DOB>
      <o:Postcode>PL4 8AA</o:Postcode>
    </o:Patient>
    <o:Test>Hepatitis C RNA (PCR)</o:Test>
  </soapenv:Body>
</soapenv:Envelope>
2023-11-17 11:20:34,517 ERROR [OrdersEndpoint] SOAP fault from EPR: Patient not registered
2023-11-17 11:21:02,009 DEBUG [OrdersEndpoint] Outbound: <o:Patient><o:NHSNumber>{POLGLASE}\
</o:NHSNumber><o:Surname>Polglase</o:Surname><o:Forename>Jory</o:Forename><o:DOB>1949-01-15\
</o:DOB></o:Patient><o:Test>Full blood count</o:Test>
"""


def test_xml_elements_in_a_log_are_read_as_labelled_values() -> None:
    kind, rows = _scan("soap_interface.log", SOAP.encode())
    assert kind == "log"
    assert rows == [
        ("line:6", TREVITHICK, "Trevithick", "Morwen", "1987-07-07", "PL4 8AA", "HCVRNA",
         "hepatitis"),
        ("line:16", POLGLASE, "Polglase", "Jory", "1949-01-15", None, "FBC", None),
    ]  # fmt: skip


def _nginx(uri: str, second: int) -> str:
    return json.dumps(
        {"time": f"2023-11-08T13:02:{second:02d}+00:00", "remote_addr": "10.30.1.14",
         "request_method": "GET", "request_uri": uri, "status": 200, "request_time": 0.041},
        separators=(",", ":"),
    )  # fmt: skip


def test_a_json_access_log_reads_each_line_and_its_encoded_query() -> None:
    lines = [
        _nginx(f"/fhir/Patient?identifier=https%3A%2F%2Ffhir.nhs.uk%2FId%2Fnhs-number%7C"
               f"{GILMARTIN}", 11),
        _nginx("/fhir/Patient?family=Brannigan&given=Siobhan&birthdate=1991-06-21", 14),
        _nginx("/metrics", 15),
    ]  # fmt: skip
    kind, rows = _scan("nginx_api_access.json.log", "\n".join(lines).encode())
    assert kind == "log"  # was "json": its rows' request_uri never read
    assert rows == [
        ("line:1", GILMARTIN, None, None, None, None, None, None),
        ("line:2", None, "Brannigan", "Siobhan", "1991-06-21", None, None, None),
    ]


def test_a_json_lines_export_without_requests_is_still_json() -> None:
    row = {"ts": "2024-03-02T10:06:19Z", "nhs": GILMARTIN, "surname": "Gilmartin"}
    assert sniff_data((json.dumps(row) + "\n").encode() * 3, "events.jsonl") == "json"


APACHE = (
    '10.20.8.41 - - [06/Nov/2023:08:59:58 +0000] "GET /healthz HTTP/1.1" 200 2 "-" "kube"\n'
    '10.20.8.77 - apatel [06/Nov/2023:09:01:33 +0000] "GET /patients/lookup?surname=O%27Dris'
    'coll&given=Cathal&dob=23%2F02%2F1969&postcode=SK3+9XY HTTP/1.1" 200 1880 "-" "Mozilla"\n'
    f'10.20.8.77 - apatel [06/Nov/2023:09:01:41 +0000] "GET /results/view?nhs={DRISCOLL}'
    '&test=HIV%20viral%20load HTTP/1.1" 200 40211 "-" "Mozilla/5.0 (Windows NT 10.0)"\n'
)


def test_an_access_logs_url_encoded_query_is_read() -> None:
    kind, rows = _scan("access.log.1", APACHE.encode())
    assert kind == "log"
    assert rows == [
        ("line:2", None, "O'Driscoll", "Cathal", "1969-02-23", "SK3 9XY", None, None),
        ("line:3", DRISCOLL, None, None, None, None, "HIVVL", "hiv"),
    ]


IIS = (
    "#Software: Microsoft Internet Information Services 10.0\r\n"
    "#Version: 1.0\r\n"
    "#Date: 2023-11-07 00:00:01\r\n"
    "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip "
    "cs(User-Agent) sc-status\r\n"
    f"2023-11-07 08:12:44 10.1.4.20 GET /ICE/ResultsViewer.aspx PatientNHS={KOWALEWSKA}"
    "&Surname=KOWALEWSKA&Forename=Beata&DOB=14-Mar-1983 443 NHS\\kjones 10.1.22.87 "
    "Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64) 200\r\n"
    f"2023-11-07 08:12:51 10.1.4.20 GET /ICE/ResultsViewer.aspx PatientNHS={KOWALEWSKA}"
    "&Test=Hepatitis+B+surface+antigen 443 NHS\\kjones 10.1.22.87 Mozilla/5.0+(Windows) 200\r\n"
    "2023-11-07 08:13:05 10.1.4.20 GET /ICE/logo.gif - 443 NHS\\kjones 10.1.22.87 "
    "Mozilla/5.0+(Windows) 304\r\n"
    "2023-11-07 08:14:30 10.1.4.20 GET /ICE/PatientSearch.aspx Surname=OKONJO&Forename=Emeka"
    "&DOB=05-Jun-1960&Postcode=M13+9PL 443 NHS\\lgreen 10.1.22.90 Mozilla/5.0+(Windows) 200\r\n"
)


def test_an_iis_log_is_a_log_and_its_plus_signs_are_spaces() -> None:
    kind, rows = _scan("u_ex231107.log", IIS.encode())
    assert kind == "log"  # its four directive lines made it a CSV
    assert rows == [
        ("line:5", KOWALEWSKA, "KOWALEWSKA", "Beata", "1983-03-14", None, None, None),
        ("line:6", KOWALEWSKA, None, None, None, None, "HBSAG", "hepatitis"),
        ("line:8", None, "OKONJO", "Emeka", "1960-06-05", "M13 9PL", None, None),
    ]


@pytest.mark.parametrize(
    ("line", "decoded"),
    [
        ("GET /p?surname=O%27Neil&dob=23%2F01%2F1971&postcode=SK4+2HD HTTP/1.1",
         "GET /p? surname = O'Neil & dob = 23/01/1971 & postcode = SK4 2HD HTTP/1.1"),
        ('"uri":"/x?a=1\\u0026name=Jo%20Ann"', '"uri":"/x? a = 1 & name = Jo Ann"'),
        ("/x?a=1&amp;b=D%C3%A9sir%C3%A9", "/x? a = 1 & b = Désiré"),
        ("/x?b=Andr%E9", "/x? b = André"),  # an old form's Latin-1 escape
        (" Surname=EZE&Postcode=M14+5RQ 443", " Surname = EZE & Postcode = M14 5RQ 443"),
        (" Test=Hepatitis+B+surface+antigen 443", " Test = Hepatitis B surface antigen 443"),
        # What no URL's query is stays as it was: a lone pair, a time zone, a sum.
        ("ts=2024-05-30T10:00:00+01:00 depth=4", "ts=2024-05-30T10:00:00+01:00 depth=4"),
        ("HIV Ag+Ab screen", "HIV Ag+Ab screen"),
        ("100% done, 5%20 left", "100% done, 5%20 left"),
        # A query with nothing escaped is read as written: decoding it would only cost time.
        ("/r?nhs=4633191136&test=FBC", "/r?nhs=4633191136&test=FBC"),
        # An escaped line break never splits the line.
        ("/x?note=a%0D%0Ab", "/x? note = a  b"),
    ],
)  # fmt: skip
def test_query_strings_decoded(line: str, decoded: str) -> None:
    assert decode_queries(line) == decoded


def test_payload_values_rewritten_in_place() -> None:
    assert readable("<a:Surname>O&apos;Hara</a:Surname><a:Forename>Ann</a:Forename>") == (
        "Surname: O'Hara; Forename: Ann"
    )
    assert readable("<Patient id='1'>\n  <Dob>1950-01-02</Dob>\n</Patient>") == (
        "<Patient id='1'>\n  Dob: 1950-01-02\n</Patient>"
    )
    assert readable("dob=datetime.date(1936, 11, 2), seen=datetime.datetime(2023, 1, 2, 3, 4)") == (
        "dob=1936-11-02, seen=2023-01-02"
    )
    plain = "2024-05-30 10:00:01,123 INFO [ORU] ACK sent queue_depth=4"
    assert readable(plain) is plain


# --- entries: what joins a line above and what does not -------------------------------------


def _entries(lines: list[str]) -> list[tuple[int, str]]:
    return [
        (first + at, line)
        for first, block in log_entries.entry_blocks([(1, lines)])
        for at, line in enumerate(block)
        if line
    ]


def test_a_plain_line_under_a_log_line_stays_a_record_of_its_own() -> None:
    # An interface engine's untimestamped lines are events of their own, as before: only a
    # continuation's shape (indented, an exception, a payload), or what follows one, joins.
    lines = [
        "2024-05-26 00:03:11,398 INFO [ORU] batch received",
        f"ACK NHS={PENDLETON} DOB=19710409 PENDLETON^Marcus test=HIV",
        f"ACK NHS={QUARRIE} DOB=19500211 QUARRIE^Dorothy test=PSA",
        "2024-05-26 00:03:12,001 ERROR [ORU] rejected",
        "java.lang.IllegalStateException: no episode",
        "\tat uk.lab.Handler.handle(Handler.java:12)",
        f"Patient {QUARRIE}",
    ]
    assert _entries(lines) == [
        (1, lines[0]),
        (2, lines[1]),
        (3, lines[2]),
        (4, "\n".join(lines[3:])),
    ]


def test_an_entry_ends_after_entry_lines_and_the_rest_are_read_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(log_entries, "ENTRY_LINES", 3)
    lines = ["2024-05-26 00:03:11 ERROR x", "\tat a", "", "\tat c", "\tat d", "2024 INFO y"]
    assert _entries(lines) == [
        (1, "2024-05-26 00:03:11 ERROR x\n\tat a"),
        (4, "\tat c"),
        (5, "\tat d"),
        (6, "2024 INFO y"),
    ]


@pytest.mark.parametrize("block_lines", [1, 2, 3, 5, 4096])
def test_entries_are_the_same_whatever_the_blocks_and_streamed(
    block_lines: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = (SPRING + PYTHON + SERILOG.replace("\ufeff", "") + SOAP).encode()
    whole = [(r.locator, r.text) for r in text.read_lines(data, "x.log")]
    monkeypatch.setattr(text, "BLOCK_LINES", block_lines)
    blocks = [
        (f"line:{first + at}", line)
        for first, block in text.line_blocks(data)
        for at, line in enumerate(block)
        if line.strip()
    ]
    streamed = [(r.locator, r.text) for r in text.read_lines_stream(io.BytesIO(data), "x.log")]
    assert blocks == whole == streamed
    assert [locator for locator, _ in whole][:4] == ["line:1", "line:2", "line:10", "line:11"]
    # The lines of an entry keep their numbers: every physical line is counted once.
    numbered = sum(len(block) for _, block in text.line_blocks(data))
    assert numbered == len(data.decode().splitlines())


def test_an_ordinary_log_is_given_back_line_for_line() -> None:
    lines = [f"2024-05-26 00:03:{i % 60:02d},398 INFO [ORU] sent queue={i}" for i in range(500)]
    blocks = list(log_entries.entry_blocks([(1, lines[:300]), (301, lines[300:])]))
    # Each block's last line waits for the next (an entry may go on there); nothing changes.
    assert [(first, len(block)) for first, block in blocks] == [(1, 299), (300, 200), (500, 1)]
    assert [line for _, block in blocks for line in block] == lines


# --- sniffing ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        # More trace than log lines in the sample: still a log.
        ("app.log", "2024-05-30 10:00:01,123 ERROR [main] failed\n"
         + "\tat a.b.C.d(C.java:1)\n" * 60, "log"),
        # log4j's "%-5p %d" (level first) and logback's time-only default.
        ("a.log", "INFO  2024-05-30 10:00:01,123 [main] started\n" * 3, "log"),
        ("b.log", "10:00:01.123 [main] INFO  c.e.App - started\n" * 3, "log"),
        # Serilog's three-letter levels with pipes between the columns.
        ("c.log", "2024-05-30 10:00:01.123 +00:00|[INF]|started|ok\n" * 3, "log"),
        # A table whose rows open with a date and time has a header: a table.
        ("t.csv", "Received,NHS Number,Test\n" + "2024-05-30 10:00,4231713758,FBC\n" * 3, "csv"),
        # A letter opening with its date is a letter.
        ("l.txt", "30/05/2024 10:00\nDear Dr Brooks,\nThank you for seeing her.\n"
         "She is well.\nYours sincerely\n", "text"),
    ],
)  # fmt: skip
def test_sniffing_logs(name: str, data: str, kind: str) -> None:
    assert sniff_data(data.encode(), name) == kind
