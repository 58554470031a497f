"""E-mail (RFC 822 / .eml): headers and text bodies as text, attachments read recursively."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from email.message import EmailMessage

from breachdesk.readers.base import Item, Nested, ReaderError, Record
from breachdesk.readers.text import paragraphs

_HEADERS = ("From", "To", "Cc", "Subject")


def read(data: bytes, name: str) -> Iterator[Item]:
    try:
        message = email.message_from_bytes(data, policy=email.policy.default)
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
    for number, part in enumerate(message.walk(), start=1):
        if part.is_multipart():
            continue
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
            from breachdesk.readers.html import to_text

            body = to_text(body)
        yield from paragraphs(body, prefix=f"part:{number}!")
