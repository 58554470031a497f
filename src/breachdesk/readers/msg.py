"""Outlook messages (.msg): headers and body as text, attachments read recursively.

A .msg is an OLE compound file of MAPI properties, each a stream named
``__substg1.0_<property id><type>``; attachments are storages holding their own properties,
and an attached e-mail is a storage holding a whole message. olefile reads the structure;
nothing is extracted to disk.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import olefile

from breachdesk.readers import doc_tables
from breachdesk.readers.base import Item, Nested, ReaderError, Record
from breachdesk.readers.email_message import addresses_kept
from breachdesk.readers.html import pieces
from breachdesk.readers.text import paragraphs

_SUBJECT, _BODY, _HTML = "0037", "1000", "1013"
_HEADERS = (("0C1A", "From"), ("0C1F", "From"), ("0E04", "To"), ("0E03", "Cc"))
_ATTACH_DATA, _ATTACH_LONG_NAME, _ATTACH_NAME = "3701", "3707", "3704"
MAX_DEPTH = 4


class _Message:
    def __init__(self, ole: olefile.OleFileIO, base: list[str]) -> None:
        self.ole = ole
        self.base = base

    def _stream(self, name: str) -> bytes | None:
        path = [*self.base, name]
        if not self.ole.exists("/".join(path)):
            return None
        if self.ole.get_type("/".join(path)) != olefile.STGTY_STREAM:
            return None
        with self.ole.openstream(path) as handle:
            return bytes(handle.read())

    def text(self, prop: str) -> str:
        unicode = self._stream(f"__substg1.0_{prop}001F")
        if unicode is not None:
            return unicode.decode("utf-16-le", errors="replace").rstrip("\x00")
        narrow = self._stream(f"__substg1.0_{prop}001E")
        if narrow is not None:
            return narrow.decode("cp1252", errors="replace").rstrip("\x00")
        binary = self._stream(f"__substg1.0_{prop}0102")
        if binary is not None:
            return binary.decode("utf-8", errors="replace")
        return ""

    def binary(self, prop: str) -> bytes | None:
        return self._stream(f"__substg1.0_{prop}0102")

    def children(self, prefix: str) -> list[str]:
        depth = len(self.base)
        found = set()
        for path in self.ole.listdir(streams=False, storages=True):
            if len(path) == depth + 1 and path[:depth] == self.base and path[-1].startswith(prefix):
                found.add(path[-1])
        return sorted(found)


def _read_message(msg: _Message, prefix: str, depth: int) -> Iterator[Item]:
    subject = msg.text(_SUBJECT)
    header = [f"Subject: {subject}"] if subject else []
    # (The sender's and recipients' addresses as an .eml's: kept only where they are the
    # patient's the subject names, ``email_message.addresses_kept``.)
    for prop, label in _HEADERS:
        if value := addresses_kept(msg.text(prop), subject):
            header.append(f"{label}: {value}")
    for recipient in msg.children("__recip_version1.0_"):
        inner = _Message(msg.ole, [*msg.base, recipient])
        who = " ".join(v for v in (inner.text("3001"), inner.text("39FE")) if v)
        if who := addresses_kept(who, subject):
            header.append(f"Recipient: {who}")
    if header:
        yield Record(locator=f"{prefix}header", schema="text", text="\n".join(header))
    body = msg.text(_BODY)
    if body.strip() or not msg.text(_HTML):
        yield from paragraphs(body, prefix=f"{prefix}body!")
    else:
        yield from doc_tables.items(pieces(msg.text(_HTML)), prefix=f"{prefix}body!")
    for number, storage in enumerate(msg.children("__attach_version1.0_"), start=1):
        attachment = _Message(msg.ole, [*msg.base, storage])
        locator = f"{prefix}attachment:{number}"
        name = attachment.text(_ATTACH_LONG_NAME) or attachment.text(_ATTACH_NAME)
        data = attachment.binary(_ATTACH_DATA)
        if data is not None:
            yield Nested(locator=locator, name=name or f"attachment{number}", data=data)
            continue
        embedded = [*attachment.base, "__substg1.0_3701000D"]
        if depth < MAX_DEPTH and msg.ole.exists("/".join(embedded)):
            # An attached e-mail: a whole message inside this one's storage.
            yield from _read_message(_Message(msg.ole, embedded), f"{locator}!", depth + 1)


def read(data: bytes, name: str) -> Iterator[Item]:
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception as exc:  # olefile raises OSError, struct.error, IndexError... on damage
        raise ReaderError(f"damaged Outlook message: {type(exc).__name__}: {exc}") from exc
    with ole:
        try:
            items = list(_read_message(_Message(ole, []), "", 0))
        except ReaderError:
            raise
        except Exception as exc:  # a damaged directory or FAT surfaces while streams are read
            raise ReaderError(f"damaged Outlook message: {type(exc).__name__}") from exc
    yield from items
