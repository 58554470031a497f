"""E-mail (RFC 822 / .eml): headers and text bodies as text, attachments read recursively."""

from __future__ import annotations

import email
import email.policy
import functools
from collections.abc import Iterator
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import EmailMessage

from breachdesk.readers.base import Item, Nested, ReaderError, Record
from breachdesk.readers.text import paragraphs

_HEADERS = ("From", "To", "Cc", "Subject")


class _CachedRegistry(HeaderRegistry):
    """The default policy parses a header afresh every time it is read, and reading a part's
    type, charset, filename and payload reads Content-Type and friends a dozen times: most of
    the time an e-mail took. A parsed header depends only on (name, value) and is never changed
    here, so one parse serves every read, and the same few content types across a mailbox."""

    def __init__(self) -> None:
        super().__init__()
        self._parsed = functools.lru_cache(maxsize=4096)(super().__call__)

    def __call__(self, name: str, value: str) -> BaseHeader:
        return self._parsed(name, value)


_POLICY = email.policy.default.clone(header_factory=_CachedRegistry())


def read(data: bytes, name: str) -> Iterator[Item]:
    try:
        message = email.message_from_bytes(data, policy=_POLICY)
    except Exception as exc:  # the stdlib parser raises a wide variety on hostile input
        raise ReaderError(f"malformed e-mail: {exc}") from exc
    if not isinstance(message, EmailMessage):
        raise ReaderError("not an e-mail message")
    try:
        items = list(_items(message))
    except Exception as exc:  # header and MIME parsing is lazy and raises on hostile values
        raise ReaderError(f"malformed e-mail: {type(exc).__name__}") from exc
    yield from items


def _items(message: EmailMessage) -> Iterator[Item]:
    header = "\n".join(f"{h}: {message[h]}" for h in _HEADERS if message[h])
    if header:
        yield Record(locator="header", schema="text", text=header)
    # Parts are numbered as a reader of the message counts them: leaf parts only, body first.
    # The multipart containers hold nothing to read, and counting them made an attachment
    # "part:3" in a message of two parts.
    leaves = (part for part in message.walk() if not part.is_multipart())
    for number, part in enumerate(leaves, start=1):
        filename = part.get_filename()
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        if filename or part.get_content_maintype() not in {"text"}:
            yield Nested(locator=f"part:{number}", name=filename or f"part{number}", data=payload)
            continue
        charset = part.get_content_charset() or "utf-8"
        try:
            body = payload.decode(charset, errors="replace")
        except LookupError:
            body = payload.decode("utf-8", errors="replace")
        if part.get_content_subtype() == "html":
            # A body written in HTML may hold a table of patients: read as a table.
            from breachdesk.readers import doc_tables, html

            yield from doc_tables.items(html.pieces(body), prefix=f"part:{number}!")
            continue
        yield from paragraphs(body, prefix=f"part:{number}!")
