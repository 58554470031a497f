"""E-mail (RFC 822 / .eml): headers and text bodies as text, attachments read recursively.

A body sent as alternatives (``multipart/alternative``: plain text and HTML) is one body
written twice; read twice, it made two records of its patient. The plain text is read, and the
HTML only when it says what the plain text does not (a plain part that is a stub: "this
message is best viewed in HTML").
"""

from __future__ import annotations

import contextlib
import email
import re
from collections.abc import Iterator
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.message import Message

from breachdesk.readers import fixed_width
from breachdesk.readers.base import Item, Nested, ReaderError, Record

_HEADERS = ("From", "To", "Cc", "Subject")
_FOLD = re.compile(r"\r?\n(?=[ \t])")


def _decoded(value: object) -> str:
    """A header's text: unfolded, its RFC 2047 encoded words ("=?utf-8?q?...?=") decoded.

    The stdlib's compat32 policy, which leaves header values as written: the default policy
    parses every header into objects (addresses into display names and mailboxes), most of an
    e-mail's reading time, for text the detectors read as text anyway."""
    text = str(value)
    if "\n" in text:
        text = _FOLD.sub("", text)
    if "=?" in text:
        # A malformed encoded word is read as written.
        with contextlib.suppress(HeaderParseError, LookupError, UnicodeError, ValueError):
            text = str(make_header(decode_header(text)))
    return text


def read(data: bytes, name: str) -> Iterator[Item]:
    try:
        message = email.message_from_bytes(data)
    except Exception as exc:  # the stdlib parser raises a wide variety on hostile input
        raise ReaderError(f"malformed e-mail: {exc}") from exc
    try:
        items = list(_items(message))
    except Exception as exc:  # MIME parsing is lazy and raises on hostile values
        raise ReaderError(f"malformed e-mail: {type(exc).__name__}") from exc
    yield from items


# An address in a From, To or Cc header, with its angle brackets.
_ADDRESS = re.compile(r"<?([\w.+'-]{1,64})@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}>?")
_WORD = re.compile(r"[^\W\d_]{3,}")
# Mailboxes named for what they are for, not whose: "results@", "pathology.enquiries@".
_ROLES = frozenset({
    "results", "result", "lab", "labs", "pathology", "path", "reception", "admin", "info",
    "enquiries", "enquiry", "team", "ward", "office", "noreply", "reply", "mail", "nhs",
    "surgery", "practice", "clinic", "hospital", "haematology", "biochemistry", "microbiology",
    "secretary", "referrals", "bookings", "appointments", "urgent", "critical",
})  # fmt: skip


def _header(message: Message) -> str:
    """The headers the detectors read, each address kept only where its mailbox holds a word
    of the subject ("grace.okafor62@..." under "Subject: Grace Okafor 12/01/1962 - results"):
    a subject naming a patient made the sender's and the recipients' addresses theirs, when
    they are the GP's, the ward's and the lab's (a patient writing in from their own address
    is the case the mailbox's words say so)."""
    # (Each header looked up once: a lookup is a walk over all of them.)
    values = [(name, message[name]) for name in _HEADERS]
    raw_subject = values[-1][1]
    subject = _decoded(raw_subject) if raw_subject else ""
    words: set[str] | None = None  # the subject's words, for the first address header
    lines = []
    for name, raw in values:
        if raw:
            value = _decoded(raw)
            if name != "Subject":
                if "@" in value and words is None:
                    words = _subject_words(subject)
                value = addresses_kept(value, subject, words)
            lines.append(f"{name}: {value}")
    return "\n".join(lines)


def _subject_words(subject: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(subject)} - _ROLES


def addresses_kept(value: str, subject: str, words: set[str] | None = None) -> str:
    """A From, To or Cc header's ``value`` with each address taken out unless its mailbox
    holds a word of the ``subject`` that is not a role (see ``_header``); ``words``: those of
    the subject, when the caller has them."""
    if "@" not in value:
        return value
    if words is None:
        words = _subject_words(subject)

    def kept(match: re.Match[str]) -> str:
        mailbox = {w.lower() for w in _WORD.findall(match.group(1))}
        return match.group() if mailbox & words else ""

    return _ADDRESS.sub(kept, value).strip()


def _body(part: Message) -> str | None:
    """A text part's body as text, or None when it has none."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return None
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:
        return payload.decode("utf-8", errors="replace")


_WORDS = re.compile(r"\w+")
# An HTML alternative is the plain one's copy when this share of its words are the plain one's
# (its copy may add a link's words, a "View online" line, a footer).
SAME_WORDS = 0.9


def _html_words(body: str) -> set[str]:
    from breachdesk.readers import html

    cells = (
        text
        for piece in html.pieces(body)
        for text in ([piece] if isinstance(piece, str) else [c for row in piece for c in row])
    )
    return {word.lower() for text in cells for word in _WORDS.findall(text)}


def _copies(message: Message) -> set[int]:
    """The HTML alternatives (by ``id``) that repeat a plain-text alternative of their body."""
    copies: set[int] = set()
    for container in message.walk():
        if container.get_content_type() != "multipart/alternative":
            continue
        children = [c for c in container.get_payload() if isinstance(c, Message)]
        plain = next(
            (c for c in children if c.get_content_type() == "text/plain" and not c.get_filename()),
            None,
        )
        text = _body(plain) if plain is not None else None
        if not text:
            continue
        words = {word.lower() for word in _WORDS.findall(text)}
        for child in children:
            for part in child.walk():
                if part.get_content_type() != "text/html" or part.get_filename():
                    continue
                body = _body(part)
                theirs = _html_words(body) if body else set()
                if len(theirs & words) >= SAME_WORDS * len(theirs):
                    copies.add(id(part))
    return copies


def _items(message: Message) -> Iterator[Item]:
    copies = _copies(message) if message.is_multipart() else set()
    header = _header(message)
    if header:
        yield Record(locator="header", schema="text", text=header)
    # Parts are numbered as a reader of the message counts them: leaf parts only, body first.
    # The multipart containers hold nothing to read, and counting them made an attachment
    # "part:3" in a message of two parts.
    leaves = (part for part in message.walk() if not part.is_multipart())
    for number, part in enumerate(leaves, start=1):
        if id(part) in copies:
            continue  # counted still: the parts after it keep their numbers
        filename = part.get_filename()
        if filename:
            filename = _decoded(filename)
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        # (The type parsed once where it is needed: ``get_content_maintype`` and
        # ``get_content_subtype`` each parse it again, and it holds exactly one "/".)
        maintype, _, subtype = ("", "", "") if filename else part.get_content_type().partition("/")
        if filename or maintype not in {"text"}:
            yield Nested(locator=f"part:{number}", name=filename or f"part{number}", data=payload)
            continue
        charset = part.get_content_charset() or "utf-8"
        try:
            body = payload.decode(charset, errors="replace")
        except LookupError:
            body = payload.decode("utf-8", errors="replace")
        if subtype == "html":
            # A body written in HTML may hold a table of patients: read as a table.
            from breachdesk.readers import doc_tables, html

            yield from doc_tables.items(html.pieces(body), prefix=f"part:{number}!")
            continue
        # (A plain body may hold a list of patients in aligned columns: read as a table.)
        yield from fixed_width.read_text(body, prefix=f"part:{number}!")
