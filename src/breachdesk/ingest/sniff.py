"""Decide a file's type from its content, not its name: leaked files lie about their extension."""

from __future__ import annotations

import csv
import functools
import io
import re
from typing import Any, BinaryIO

from breachdesk.ingest.damaged import agreeing, cut_row, without_cut
from breachdesk.ingest.damaged import first_lines as _first_lines  # noqa: F401 (tests)
from breachdesk.ingest.damaged import rows as _rows
from breachdesk.ingest.mojibake import repair
from breachdesk.ingest.structured_text import kind as structured_kind
from breachdesk.readers import dbase_header, dbase_memo, spss_sas_header, stata_header
from breachdesk.readers.table_edges import DRAWN_RULE, unboxed

_TEXT_SAMPLE = 64 * 1024

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"\x1f\x8b", "gzip"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x89PNG", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF8", "image"),
    (b"II*\x00", "image"),  # TIFF, as scanners and fax servers write it
    (b"MM\x00*", "image"),
    (b"SQLite format 3\x00", "sqlite"),
    (b"{\\rtf", "rtf"),
    (b"PAR1", "parquet"),
    (b"ARROW1", "arrow"),
)

_HL7_START = re.compile(rb"^(?:\x0b)?(?:MSH|FHS|BHS)(.)")
# An ASTM E1394 header record, at a line's start or after a frame's STX (spelled "<STX>" in a
# log) and its number: "H" and four distinct delimiters, the field delimiter again ("H|\^&|").
_PUNCT = rb"[!-/:-@\[-`{-~]"
_ASTM_HEADER = re.compile(
    rb"(?m)(?:^|[\x02>\]\s:])[0-7]?H(" + _PUNCT * 4 + rb")(?=(" + _PUNCT + rb"))"
)
_EMAIL_HEADER = re.compile(
    r"^(?:from|to|subject|date|message-id|mime-version|received|return-path|content-type):",
    re.IGNORECASE | re.MULTILINE,
)
# (A line of dashes is a printout's rule, not an SQL comment: "--" and "-- Host: ..." are, and
# phpMyAdmin's "-- -----" separator. So is a rule under a printout's columns, "------ --- ----":
# runs of dashes with spaces between, three or more, or two when the first is longer than "--".)
_SQL = re.compile(
    r"^\s*(?:--(?!--+\s*$|-++(?:[ \t]++-++)++[ \t\r]*+$|(?:[ \t]++-++){2,}+[ \t\r]*+$)"
    r"|/\*|CREATE TABLE|INSERT INTO|COPY \S+ .*FROM stdin|SET )",
    re.I | re.M,
)
_COPY_FIRST = re.compile(r"COPY [^\n]{1,2000}FROM stdin;[ \t\r]*\n", re.I)
_FHIR = re.compile(r'"resourceType"\s*:')
# FHIR's XML form: its resources are in this namespace.
_FHIR_XML = re.compile(r"""xmlns(?::\w{1,20})?\s*=\s*["']http://hl7\.org/fhir["']""")
# An element opening a document: "<Bundle xmlns=...>", "<Report>", "<ns:Export a='1'>".
_ROOT_ELEMENT = re.compile(r"<(?:[A-Za-z_][\w.-]{0,40}:)?([A-Za-z_][\w.-]{0,80})[\s/>]")
_HTML_TAGS = frozenset(
    ("html", "head", "body", "div", "p", "table", "span", "br", "hr", "h1", "h2", "h3", "h4",
     "h5", "h6", "meta", "title", "style", "script", "ul", "ol", "li", "font", "b", "i", "u",
     "a", "center", "pre", "form", "tr", "td", "th", "img", "link", "base", "section",
     "article", "header", "footer", "main", "nav")
)  # fmt: skip
_EDIFACT = re.compile(rb"^(?:UNA.{6}\s*)?UNB\+UNO[A-Z]:\d", re.DOTALL)
_MBOX = re.compile(r"^From \S+ .*\d{4}\s*$")
_ODF = {
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
# A line that opens with a timestamp, the ways loggers write one: ISO or UK dates
# ("2024-05-30T10:00", "2024/05/30 10:00", "30/05/2024 10:00"), syslog's "May 30 10:00:01"
# (after an RFC 5424 "<34>1 " priority or not), ctime's "Thu May 30 10:00:01", Tomcat's
# "30-May-2024 10:00", and a web server's access line ("10.1.2.3 - - [30/May/2024:10:00:01").
_MON = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
_LEVELS = "TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|FATAL|CRITICAL|SEVERE"
# (A layout may put the level first, "INFO  2024-05-30 10:00:01 ..." (log4j's "%-5p %d"), or
# write the time alone with its milliseconds, "10:00:01.123 [main] INFO" (logback's default).)
_LOG_LINE = re.compile(
    rf"^(?:<\d{{1,3}}>\d?\s*|\S+ \S+ \S+ (?=\[)|\[?(?:{_LEVELS})\]?:?[ \t]+)?\[?"
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),?\s+)?"
    rf"(?:(?:\d{{4}}[-/]\d{{2}}[-/]\d{{2}}|\d{{2}}[/.-]\d{{2}}[/.-]\d{{4}}|"
    rf"\d{{1,2}}[-/ ](?:{_MON})[-/ ]\d{{4}}|(?:{_MON})\s+\d{{1,2}})"
    r"[ T:]\d{2}:\d{2}|\d{2}:\d{2}:\d{2}[.,]\d{3}(?!\d))"
)
LOG_LINE = _LOG_LINE  # (``readers.log_entries`` reads a log's entries with these two)
# A severity word near the start of a timestamped line: an application log, whatever separates
# its columns (log4j and NLog layouts often use " | " or tabs); Serilog writes it in three
# letters ("[INF]").
_LOG_LEVEL = re.compile(rf"\b(?:{_LEVELS})\b|\[(?:VRB|DBG|INF|WRN|ERR|FTL)\]")
# The lines an entry runs on over, under its timestamped first line: a stack trace's frames and
# anything indented, an exception's name and message (Java, .NET, Python), a Python traceback's
# heading, an XML or JSON payload, .NET's "--- End of inner exception stack trace ---".
LOG_CONTINUATION = re.compile(
    r"[ \t<{}\[\]]|Traceback \(most recent|Caused by:|During handling of|The above exception"
    r"|Exception in thread |--- |[A-Za-z_$][\w$]{0,63}+\.[\w$.]{0,191}+(?::|$)"
    r"|[A-Z]\w{0,63}+(?:(?<=Exception)|(?<=Error))"
)
# An IIS (W3C extended) log's directives: "#Fields:" names the columns of the lines below.
_W3C_DIRECTIVE = re.compile(r"#(?:Software|Version|Date|Fields|Remark|Start-Date|End-Date):")
# A JSON access log's line (nginx ``escape=json``, Caddy, Traefik, a load balancer's): an object
# holding a request's URI (or method and URI) and a time.
_JSON_REQUEST = re.compile(
    r'"(?:request(?:_?ur[il]|_line)?|ur[il]|path|cs-uri-stem)"\s*:\s*'
    r'"(?:[A-Z]{3,7} )?(?:/|https?:)',
    re.IGNORECASE,
)
_JSON_TIME = re.compile(
    r'"(?:@?timestamp|@t|time(?:_local|_iso8601)?|ts|datetime|date)"\s*:\s*"?\d', re.IGNORECASE
)


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding it was in: BOMs first, then UTF-16 without one, then UTF-8, then
    Windows-1252 (UK Excel); mojibake in it (UTF-8 once read as Windows-1252) repaired."""
    text, encoding = _decode(data)
    return repair(text), encoding


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    # (Checked before UTF-8: ASCII text in UTF-16 is valid UTF-8 with a NUL every other byte.)
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return data.decode(utf16, errors="replace"), utf16
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        # A cut in the middle of a multi-byte character at the sample's end is still UTF-8.
        if exc.start >= len(data) - 3:
            return data[: exc.start].decode("utf-8"), "utf-8"
    return data.decode("cp1252", errors="replace"), "cp1252"


# How much of a file's head says whether it is UTF-16 without a byte-order mark.
_UTF16_PROBE = 4096


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` for text written so with no byte-order mark (SQL Server's
    ``bcp -w``, .NET's ``Encoding.Unicode`` writers), else None: in text of Latin letters, digits
    and punctuation the high byte of nearly every character is zero, the low byte nearly never.
    (A binary file of 16-bit numbers may pass too: ``_looks_binary`` then counts what the
    decoded text's control characters say.)"""
    head = data[:_UTF16_PROBE]
    if b"\x00" not in head:  # nearly every file: one C scan of 4 KiB
        return None
    units = len(head) // 2
    if units < 2:
        return None
    even, odd = head[0 : 2 * units : 2].count(0), head[1 : 2 * units : 2].count(0)
    if odd >= 0.6 * units and even <= units // 50:
        return "utf-16-le"
    if even >= 0.6 * units and odd <= units // 50:
        return "utf-16-be"
    return None


# The control characters a text file does not hold (below 32, except tab, the line and page
# breaks and the file separator): counted in C, not a Python step per character (0.6 ms for a
# 35 kB CSV, a fifth of what its table then costs).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x1d-\x1f]")


def _looks_binary(sample: bytes) -> bool:
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    if b"\x00" in sample and _utf16_without_bom(sample) is None:
        return True
    text, _ = decode(sample)
    controls = len(_CONTROL.findall(text))
    return controls > max(8, len(text) // 100) or text.count("\ufffd") > len(text) // 50


# (A run of plain characters taken whole, not one at a time: it ends at a quote, which is all
# the pattern could stop at either way, so the strings it takes are the same.)
_QUOTED = re.compile(r'"(?:[^"]++|"")*"')


def delimiter(text: str) -> str | None:
    """The delimiter most lines agree on, counted outside quotes; None for prose."""
    # (A line without a quote has nothing to take out: the regex is not run over it.)
    # (A database shell's rules, "------+------" or "+----+----+", are drawn between rows.)
    # (A rule holds "---" or "===": the regex is run over those lines alone.)
    rows = [
        ln
        for ln in _rows(text, 50)
        if ln.strip() and not (("---" in ln or "===" in ln) and DRAWN_RULE.fullmatch(ln))
    ]
    lines = [_QUOTED.sub("", ln) if '"' in ln else ln for ln in rows]
    cut = cut_row(text, rows)  # a partial copy's last row, cut off mid-row
    if len(lines) < 2:
        return None
    # Notes whose lines each hold a comma or two and "Label: value" pairs ("Patient: SMITH, John
    # DOB: ...") are prose: no CSV's rows read "word: value" in most lines.
    # (Looked for only where it may decide: most files' commas are more than two a line.)
    labelled: bool | None = None
    # A delimiter in no line counts none in each, which no table has: it is not looked at.
    joined = "\n".join(lines)
    best: tuple[float, str] | None = None
    for delim in (",", "\t", "|", ";"):
        if delim not in joined:
            continue
        counts = without_cut([ln.count(delim) for ln in lines], cut)
        # A short export's footer ("Total records: 3", "Exported by jsmith on 01/06/2024")
        # holds no delimiter either: the lines without one at its end are left out.
        trail = next((i for i, count in enumerate(reversed(counts)) if count), len(counts))
        if 0 < trail <= _TITLE_LINES and len(counts) - trail >= 2:
            counts = counts[:-trail]
        # Title rows above the header vary; a short export's titles ("Cumulative results
        # report", "Generated 30/05/2024 by LIMS") hold no delimiter and may be more than a third
        # of its lines, so the leading lines without one are left out too.
        lead = next((i for i, count in enumerate(counts) if count), len(counts))
        skip = max(len(counts) // 3, min(lead, _TITLE_LINES, len(counts) - 2))
        # A report's block of titles and "label, value" lines above a small table may outnumber
        # its rows: the table starts at its header, the first line of the longest run of lines
        # with one count of delimiters.
        skip = max(skip, _table_run(counts, rows, delim))
        tail = counts[skip:] or counts
        common = max(set(tail), key=tail.count)
        share = agreeing(tail, common) / len(tail)
        if common >= 1 and share >= 0.8 and delim == "," and common <= 2 and labelled is None:
            labelled = sum(1 for ln in lines if _LABEL_VALUE.search(ln)) >= 0.6 * len(lines)
        if common >= 1 and share >= 0.8 and not (labelled and delim == "," and common <= 2):
            if delim in ",;" and common <= 2 and _prose_cells(lines, delim, common):
                continue
            if common <= 2 and _label_first(lines, delim):
                continue  # "Patient:<tab>OKAFOR, Grace", "DOB:<tab>12/01/1962": a form
            if delim == "," and common <= 2 and _letter(lines):
                continue  # "Hi Jo," ... "Thanks,": a note's greeting and sign-off
            if _keyed_cells(lines, delim):
                continue  # "Surname: Okafor | DOB: 12/01/1962 | NHS: ...": keyed values
            score = share * min(common, 10)
            if best is None or score > best[0]:
                best = (score, delim)
    return best[1] if best else None


# A command in a Stata session's log: ". " at a line's start, then one of its commands.
_STATA_COMMAND = re.compile(
    r"(?m)^\. (?:use|list|tab(?:ulate)?|describe|summarize|su|count|keep|drop|gen(?:erate)?|sort"
    r"|merge|import|export|browse|display|log|save|replace|clear|codebook|by(?:sort)?)\b"
)
_LABEL_VALUE = re.compile(r"[A-Za-z]{2}:[ \t]+\S")
_TITLE_LINES = 10


def _table_run(counts: list[int], rows: list[str], delim: str) -> int:
    """Where the table below a block of title lines starts among ``counts`` (each line's
    delimiters): the first line of the longest run of lines with one count, when that line is a
    header and the lines above it are few and short, as titles are; else 0."""
    runs: list[tuple[int, int, int]] = []  # (score, start, length)
    start = 0
    for i in range(1, len(counts) + 1):
        if i == len(counts) or counts[i] != counts[start]:
            length, count = i - start, counts[start]
            if count and length >= (2 if count > 2 else 3):
                runs.append((length * (count + 1), start, length))
            start = i
    if not runs:
        return 0
    _, start, _ = max(runs)
    if not 0 < start <= _TITLE_LINES or not _header_line(rows[start], delim):
        return 0
    # A letter's sentences above a table of results are no titles: the letter is text.
    if any(len(ln) > 120 or ln.rstrip().endswith((".", "?", "!")) for ln in rows[:start]):
        return 0
    # A form naming its patient above the patient's results ("Patient Name:,Grace OKAFOR") is
    # read as text, its labels with their values (``readers.forms``).
    from breachdesk.readers import forms  # the header synonyms, loaded only for such a text

    try:
        above = list(csv.reader(rows[:start], delimiter=delim))
    except csv.Error:
        return 0
    return 0 if forms.block(above) is not None else start


def _header_line(line: str, delim: str) -> bool:
    """Whether a line's cells are mostly a header's short labels (two at least)."""
    try:
        cells = next(csv.reader([line], delimiter=delim), [])
    except csv.Error:
        return False
    filled = [c.strip() for c in cells if c.strip()]
    return len(filled) >= 2 and 3 * sum(map(_is_label, filled)) >= 2 * len(filled)


# A header cell: a short label ("NHS Number", "D.O.B.", "Hb A1c"), a few words at most.
_LABEL_CELL = re.compile(r"[A-Za-z][\w .#/()'&%+-]{0,39}")
# A cell a table holds and prose does not: a number, a date, a time, a code of digits.
_DIGIT_RUN = re.compile(r"\d{3}")
_ATOMIC_CELL = re.compile(r"[\d/.:+-]+")


_KEYED = re.compile(r"[A-Za-z][\w ./()#-]{0,30}:[ \t]{0,20}\S")


def _keyed_cells(lines: list[str], delim: str) -> bool:
    """Whether most cells are "key: value" pairs: a record a line, each field named in its
    cell (read as text, the key-value rules naming each), no table with a header."""
    # Only a cell holding a colon may be keyed (most tables' cells hold none): the regex is
    # run over those alone, and not at all where they are too few.
    if not any(":" in ln for ln in lines[:20]):
        return False
    cells = [cell for ln in lines[:20] for cell in ln.split(delim) if cell.strip()]
    colons = [c for c in cells if ":" in c]
    least = 0.6 * len(cells)
    if not cells or len(colons) < least:
        return False
    return sum(1 for c in colons if _KEYED.match(c.lstrip())) >= least


def _is_label(cell: str) -> bool:
    return (
        bool(_LABEL_CELL.fullmatch(cell))
        and len(cell.split()) <= 4
        and "  " not in cell
        and not _DIGIT_RUN.search(cell)
    )


def _prose_cells(lines: list[str], delim: str, common: int) -> bool:
    """Whether lines that each hold one or two commas are sentences rather than a narrow table:
    most of them have a "cell" of four or more words, or of words spaced out in columns (a
    printout whose names carry a comma: "OKAFOR, GRACE     12/01/1962  4557660932"), and none a
    bare number or date; and the first is no header row of short labels."""
    rows = [ln.split(delim) for ln in lines if ln.count(delim) == common]
    if not rows or all(_is_label(cell.strip()) for cell in rows[0]):
        return False
    prose = sum(
        any(len(cell.split()) >= 4 or "  " in cell.strip() for cell in row)
        and not any(_ATOMIC_CELL.fullmatch(cell.strip()) for cell in row)
        for row in rows
    )
    return prose >= 0.6 * len(rows)


# A letter's or a note's greeting ("Dear Dr Barnes,", "Hi Jo,") or sign-off ("Thanks,", "Kind
# regards,"), a line of its own ending in the comma that made it look like a table's row.
_GREETING = re.compile(
    r"(?i)(?:(?:dear|hi|hello|hey|morning|afternoon|good\s+(?:morning|afternoon))\b[^,]{0,40}"
    r"|(?:many\s+|kind\s+)?thanks|(?:kind\s+|best\s+|warm\s+)?regards|best(?:\s+wishes)?"
    r"|yours(?:\s+(?:sincerely|faithfully))?|cheers|sincerely),[ \t]*"
)


def _letter(lines: list[str]) -> bool:
    """Whether one of a text's lines is a greeting or sign-off alone (``_GREETING``)."""
    return any(_GREETING.fullmatch(line.strip()) for line in lines)


# A form's label as a line's first field: "Patient:", "Date of birth:", "NHS No.:".
_FORM_LABEL = re.compile(r"[A-Za-z][\w .#/()'-]{0,39}:\s*")


def _label_first(lines: list[str], delim: str) -> bool:
    """Whether most lines open with a form's label before the delimiter: a filled-in form or
    letter header ("Patient:<tab>OKAFOR, Grace"), read as text, where a two-column table's
    first column would hold values, not labels ending in a colon."""
    firsts = [ln.split(delim, 1)[0].strip() for ln in lines if delim in ln]
    return bool(firsts) and sum(bool(_FORM_LABEL.fullmatch(f)) for f in firsts) >= 0.8 * len(firsts)


def _is_astm(sample: bytes) -> bool:
    """An analyser's records (``readers.astm``): a header record naming four distinct
    delimiters, then a patient, order or result record under its field delimiter."""
    for header in _ASTM_HEADER.finditer(sample):
        delimiters = header.group(1)
        if len(set(delimiters)) == 4 and header.group(2) == delimiters[:1]:
            return astm_record(delimiters[:1]).search(sample, header.end()) is not None
    return False


def _is_zpl(sample: bytes) -> bool:
    """A Zebra label spool: it opens with a label's ``^XA``, or has one and field data early."""
    opening = sample.lstrip(b"\xef\xbb\xbf\r\n \t")
    return opening[:3].upper() == b"^XA" or b"^FD" in sample[:4096]


@functools.cache
def astm_record(field: bytes) -> re.Pattern[bytes]:
    """A patient, order or result record opening ("P|1") under the field delimiter ``field``."""
    return re.compile(rb"(?m)(?:^|[\x02>\]\s:])[0-7]?[POR]" + re.escape(field) + rb"\d")


def sniff(head: bytes, name: str, members: list[str] | None = None, size: int | None = None) -> str:
    """The type of a file from its first bytes (``head``), its ``size`` where known and, for
    zips, its member names."""
    if not head:
        return "empty"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        if members is not None:
            names = set(members)
            if "[Content_Types].xml" in names:
                if any(m.startswith("xl/") for m in names):
                    return "xlsx"
                if any(m.startswith("word/") for m in names):
                    return "docx"
                if any(m.startswith("ppt/") for m in names):
                    return "pptx"
            if "mimetype" in names:
                # ODF stores its mimetype member first and uncompressed, so it is in the head.
                for mime, kind in _ODF.items():
                    if (
                        b"mimetype" + mime + b"PK" in head[:200]
                        or mime + b"-template" in head[:200]
                    ):
                        return kind
                return "odf"
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") and members is not None:
        return _ole_kind(members)
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if len(head) > 262 and head[257:262] == b"ustar":
        return "tar"
    if head[128:132] == b"DICM":  # a DICOM file's 128-byte preamble, then its mark
        return "dicom"
    # No magic number: a signature byte, then a header whose lengths must all agree.
    if head[0] in dbase_header.SIGNATURES and dbase_header.is_dbase(head, size):
        return "dbase"
    if stata_header.is_stata(head):
        return "stata"
    if (package := spss_sas_header.kind_of(head)) is not None:
        return package
    if len(head) >= 512 and not any(head[22:64]) and dbase_memo.layout(head, size):
        return "dbase_memo"
    sample = head[:_TEXT_SAMPLE]
    if _EDIFACT.match(sample.lstrip(b"\xef\xbb\xbf\r\n ")):
        return "edifact"
    if _HL7_START.match(sample.lstrip(b"\xef\xbb\xbf\r\n ")):
        return "hl7"
    if b"^XA" in sample[:4096] and _is_zpl(sample):
        return "zpl"
    if b"H" in sample and _is_astm(sample):
        return "astm"
    if _looks_binary(sample):
        return "bin"
    text, _ = decode(sample)
    stripped = text.lstrip()
    lines = [ln for ln in text.splitlines()[:50] if ln.strip()]
    # "[2024-05-30 10:00:01] ..." opens like a JSON array: a log whose lines open with a
    # bracketed timestamp.
    if stripped.startswith(("{", "[")) and not _is_log(lines, levelled=False):
        if '"cells"' in text or '"worksheets"' in text:
            from breachdesk.readers.notebook import is_notebook  # (it imports this module)

            if is_notebook(text):
                return "notebook"
        return "fhir_json" if _FHIR.search(text[:4096]) else "json"
    first_lines = "\n".join(text.splitlines()[:30])
    if len(_EMAIL_HEADER.findall(first_lines)) >= 3:
        return "mbox" if _MBOX.match(text.split("\n", 1)[0]) else "eml"
    if stripped.startswith(("<?xml", "<html", "<!DOCTYPE", "<HTML")):
        if not stripped.startswith("<?xml"):
            return "html"
        return "fhir_xml" if _FHIR_XML.search(text[:4096]) else "xml"
    if root := _ROOT_ELEMENT.match(stripped):
        # XML needs no declaration: an export may open straight with its root element.
        if root[1].lower() in _HTML_TAGS:
            return "html"  # a fragment of a web page or an e-mail body
        return "fhir_xml" if _FHIR_XML.search(text[:4096]) else "xml"
    # YAML, a database shell's printout of documents (before SQL: YAML's "---" is no comment).
    if (structured := structured_kind(text)) is not None:
        return structured
    # (One table copied out of a PostgreSQL dump is a single COPY statement and its rows.)
    if len(_SQL.findall(text[:8192])) >= 2 or _COPY_FIRST.match(stripped):
        return "sql"
    delim = delimiter(unboxed(text))
    if _is_log(lines, levelled=True):
        return "log"
    if delim in {"\t", "|"}:
        return {"\t": "tsv", "|": "psv"}[delim]
    if _is_log(lines, levelled=False) and (delim is None or _LOG_LINE.match(lines[0])):
        # Timestamps with ",123" milliseconds would otherwise pass as CSV; but an export whose
        # rows open with a date and time has a header (or a title) before them, a log does not.
        return "log"
    if delim is not None and not (delim == "," and len(_STATA_COMMAND.findall(text[:8192])) >= 2):
        return "csv"  # (a Stata session's log: its commands' commas part no cells)
    return "text"


def _is_log(lines: list[str], *, levelled: bool) -> bool:
    """Most lines start with a timestamp (and, ``levelled``, name a severity: a log even when
    its columns are separated by pipes or tabs, as a table's rows do not each carry a level).
    An entry's lines after its first (a stack trace, an exception's message, a payload) are
    not counted, but the first line of the rest must be a log line. An IIS log's directives
    and entries, and a JSON access log's lines, are a log's lines whatever their severity."""
    if not lines:
        return False
    w3c = any(_W3C_DIRECTIVE.match(ln) for ln in lines[:8])
    logged = [_logged(ln, levelled, w3c) for ln in lines]
    if sum(logged) >= 0.6 * len(lines):
        return True
    own = [
        hit for ln, hit in zip(lines, logged, strict=True) if hit or not LOG_CONTINUATION.match(ln)
    ]
    return bool(own) and own[0] and sum(own) >= 0.6 * len(own)


def _logged(line: str, levelled: bool, w3c: bool) -> bool:
    if w3c and _W3C_DIRECTIVE.match(line):
        return True
    if line.startswith("{"):
        return bool(_JSON_REQUEST.search(line, 0, 4096) and _JSON_TIME.search(line, 0, 4096))
    if _LOG_LINE.match(line) is None:
        return False
    return w3c or not levelled or _LOG_LEVEL.search(line, 0, 80) is not None


def _ole_kind(names: list[str]) -> str:
    """Which Office format an OLE compound file is, from its stream names."""
    top = set(names)
    if {"EncryptionInfo", "EncryptedPackage"} <= top:
        return "office_encrypted"  # a password-protected XLSX/DOCX is an OLE wrapper
    if "Workbook" in top or "Book" in top:
        return "xls"
    if "__properties_version1.0" in top or any(n.startswith("__substg1.0_") for n in top):
        return "msg"
    if "WordDocument" in top:
        return "doc"
    if "PowerPoint Document" in top:
        return "ppt"
    return "ole"


def ole_names(data: bytes) -> list[str] | None:
    """Top-level stream and storage names of an OLE compound file, or None if damaged."""
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            return sorted({path[0] for path in ole.listdir(streams=True, storages=True)})
    except Exception:  # olefile raises OSError, struct.error, IndexError... on hostile input
        return None


def sniff_data(data: bytes, name: str) -> str:
    """The type of a whole file held in memory, looking inside zips and OLE files."""
    members: list[str] | None = None
    if data[:2] == b"PK":
        from breachdesk.ingest.archives.zipped import names

        members = names(io.BytesIO(data))
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        members = ole_names(data)
    return sniff(data[:_TEXT_SAMPLE], name, members, len(data))


class _Prefixed(io.RawIOBase):
    def __init__(self, prefix: bytes, rest: BinaryIO) -> None:
        super().__init__()
        self._prefix = memoryview(prefix)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if len(self._prefix):
            n = min(len(buffer), len(self._prefix))
            buffer[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def text_stream(stream: BinaryIO) -> io.TextIOWrapper:
    """Text from a binary stream, its encoding chosen from the first 64 KiB as ``decode`` does.

    Lines split on ``\\n``, ``\\r`` and ``\\r\\n`` alike (HL7 ends segments with ``\\r``); bytes
    that do not fit the encoding become U+FFFD rather than stopping the read.
    """
    head = stream.read(_TEXT_SAMPLE)
    _, encoding = decode(head)
    if encoding == "utf-16":
        encoding = "utf-16-le" if head.startswith(b"\xff\xfe") else "utf-16-be"
        head = head[2:]
    raw = io.BufferedReader(_Prefixed(head, stream), 1 << 20)
    return io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
