"""HTML to text with the stdlib parser: tags out, block boundaries kept as line breaks."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser

from breachdesk.ingest.sniff import decode
from breachdesk.readers.base import Item
from breachdesk.readers.text import paragraphs

_BLOCKS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "table", "td", "th"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._skip += 1
        elif tag in _BLOCKS:
            self.parts.append("\n" if tag != "td" and tag != "th" else " ")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def to_text(markup: str) -> str:
    parser = _Text()
    try:
        parser.feed(markup)
        parser.close()
    except (AssertionError, ValueError, IndexError):
        # The stdlib parser asserts on some malformed declarations; keep the text so far.
        pass
    return "".join(parser.parts)


def read(data: bytes, name: str) -> Iterator[Item]:
    text, _ = decode(data)
    yield from paragraphs(to_text(text))
