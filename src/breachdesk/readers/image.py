"""Images (scanned request forms, faxes as multi-page TIFF, photographed worklists): each frame
OCR'd (``readers.ocr``) and read as a page of text. A machine without Tesseract's model lists
them ``needs_ocr`` with the install that reads them."""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator

from PIL import Image, ImageSequence

from breachdesk.ingest.limits import Bomb, LimitExceeded
from breachdesk.readers import ocr
from breachdesk.readers.base import Item, NeedsOcr, ReaderError

# A limit's verdict (the per-file deadline's Timeout) and the worker's memory limit pass
# through: they are not the image's damage.
_OURS = (LimitExceeded, MemoryError)


def read(data: bytes, name: str) -> Iterator[Item]:
    missing = ocr.unavailable()
    if missing:
        raise NeedsOcr(f"an image; {missing}")
    with warnings.catch_warnings():
        # Pillow warns past 89 million pixels; the bound below decides instead.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except Image.DecompressionBombError as exc:
            raise Bomb(f"an image of more pixels than any scanned page ({exc})") from exc
        except _OURS:
            raise
        except Exception as exc:
            # Pillow's decoders raise what they like on a damaged file (OSError, ValueError,
            # SyntaxError, struct.error, ...): each costs this file, with its words.
            raise ReaderError(f"damaged or unknown image: {exc}") from exc
        for index, frame in enumerate(_frames(image)):
            width, height = frame.size
            if width * height > ocr.MAX_PIXELS:
                raise Bomb(f"an image of {width} x {height} pixels (no scanned page is)")
            try:
                frame.load()
                lines = ocr.page_lines(frame)
            except _OURS:
                raise
            except Exception as exc:
                raise ReaderError(f"damaged image (frame {index + 1}): {exc}") from exc
            yield from ocr.items(lines, prefix=f"page:{index + 1}!")


def _frames(image: Image.Image) -> Iterator[Image.Image]:
    """Each page of a multi-page TIFF or GIF; a frame that cannot be reached is the file's
    error, after the pages before it were read."""
    frames = ImageSequence.Iterator(image)
    index = 0
    while True:
        try:
            frame = next(frames)
        except StopIteration:
            return
        except _OURS:
            raise
        except Exception as exc:
            raise ReaderError(f"damaged image (frame {index + 1}): {exc}") from exc
        index += 1
        yield frame
