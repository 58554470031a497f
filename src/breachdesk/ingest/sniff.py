"""Decide a file's type from its content, not its name: leaked files lie about their extension."""

from __future__ import annotations

import re

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
    (b"SQLite format 3\x00", "sqlite"),
    (b"{\\rtf", "rtf"),
)

_HL7_START = re.compile(rb"^(?:\x0b)?(?:MSH|FHS|BHS)(.)")
_EMAIL_HEADER = re.compile(
    r"^(?:from|to|subject|date|message-id|mime-version|received|return-path|content-type):",
    re.IGNORECASE | re.MULTILINE,
)
_SQL = re.compile(
    r"^\s*(?:--|/\*|CREATE TABLE|INSERT INTO|COPY \S+ .*FROM stdin|SET )", re.I | re.M
)
_FHIR = re.compile(r'"resourceType"\s*:')
_LOG_LINE = re.compile(r"^\[?(?:\d{4}-\d{2}-\d{2}|\d{2}/\d{2}/\d{4})[ T]\d{2}:\d{2}")


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding it was in: BOMs first, then UTF-8, then Windows-1252 (UK Excel)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        # A cut in the middle of a multi-byte character at the sample's end is still UTF-8.
        if exc.start >= len(data) - 3:
            return data[: exc.start].decode("utf-8"), "utf-8"
    return data.decode("cp1252", errors="replace"), "cp1252"


def _looks_binary(sample: bytes) -> bool:
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    if b"\x00" in sample:
        return True
    text, _ = decode(sample)
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\x0b\x0c\x1c")
    return controls > max(8, len(text) // 100) or text.count("\ufffd") > len(text) // 50


_QUOTED = re.compile(r'"(?:[^"]|"")*"')


def delimiter(text: str) -> str | None:
    """The delimiter most lines agree on, counted outside quotes; None for prose."""
    lines = [_QUOTED.sub("", ln) for ln in text.splitlines()[:50] if ln.strip()]
    if len(lines) < 2:
        return None
    best: tuple[float, str] | None = None
    for delim in (",", "\t", "|", ";"):
        counts = [ln.count(delim) for ln in lines]
        tail = counts[len(counts) // 3 :] or counts  # title rows above the header vary
        common = max(set(tail), key=tail.count)
        share = tail.count(common) / len(tail)
        if common >= 1 and share >= 0.8:
            score = share * min(common, 10)
            if best is None or score > best[0]:
                best = (score, delim)
    return best[1] if best else None


def sniff(head: bytes, name: str, members: list[str] | None = None) -> str:
    """The type of a file from its first bytes (``head``) and, for zips, its member names."""
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
                return "odf"
        return "zip"
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if len(head) > 262 and head[257:262] == b"ustar":
        return "tar"
    sample = head[:_TEXT_SAMPLE]
    if _HL7_START.match(sample.lstrip(b"\xef\xbb\xbf\r\n ")):
        return "hl7"
    if _looks_binary(sample):
        return "bin"
    text, _ = decode(sample)
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")) and _FHIR.search(text[:4096]):
        return "fhir_json"
    if stripped.startswith(("{", "[")):
        return "json"
    first_lines = "\n".join(text.splitlines()[:30])
    if len(_EMAIL_HEADER.findall(first_lines)) >= 3:
        return "eml"
    if stripped.startswith(("<?xml", "<html", "<!DOCTYPE", "<HTML")):
        return "xml" if stripped.startswith("<?xml") else "html"
    if len(_SQL.findall(text[:8192])) >= 2:
        return "sql"
    delim = delimiter(text)
    lines = [ln for ln in text.splitlines()[:50] if ln.strip()]
    if delim in {"\t", "|"}:
        return {"\t": "tsv", "|": "psv"}[delim]
    if lines and sum(bool(_LOG_LINE.match(ln)) for ln in lines) >= 0.6 * len(lines):
        # Timestamps with ",123" milliseconds would otherwise pass as CSV.
        return "log"
    if delim is not None:
        return "csv"
    return "text"
