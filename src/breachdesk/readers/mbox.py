"""Mailboxes (mbox): every message read as an e-mail, with its attachments.

Messages start at a ``From `` line at the start of the file or after a blank line; each is
handed to the e-mail reader and its records are located ``message:N!...``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import BinaryIO

from breachdesk.readers import email_message
from breachdesk.readers.base import Item, Nested, ReaderError, Record, Table

_FROM = re.compile(rb"^From \S")
MAX_MESSAGE = 256 * 2**20


def _messages(lines: Iterable[bytes]) -> Iterator[bytes]:
    current: list[bytes] = []
    size = 0
    blank = True
    for line in lines:
        if blank and _FROM.match(line):
            if current:
                yield b"".join(current)
            current, size = [], 0
        else:
            if size < MAX_MESSAGE:  # a message past the limit is cut, not held whole
                current.append(line[1:] if line.startswith(b">From ") else line)
                size += len(line)
        blank = not line.strip()
    if current:
        yield b"".join(current)


def located(items: Iterable[Item], prefix: str) -> Iterator[Item]:
    """``items`` located under ``prefix`` (a message's, a notebook cell's)."""
    for item in items:
        if isinstance(item, Record | Nested):
            yield replace(item, locator=prefix + item.locator)
        elif isinstance(item, Table):
            item.prefix = prefix + item.prefix
            yield item


def _read(lines: Iterable[bytes], name: str) -> Iterator[Item]:
    for number, message in enumerate(_messages(lines), start=1):
        try:
            items = list(email_message.read(message, name))
        except ReaderError:
            continue  # one malformed message costs that message, not the mailbox
        yield from located(items, f"message:{number}!")


def read(data: bytes, name: str) -> Iterator[Item]:
    yield from _read(data.splitlines(keepends=True), name)


def read_stream(stream: BinaryIO, name: str) -> Iterator[Item]:
    yield from _read(iter(lambda: stream.readline(1 << 20), b""), name)
