"""The limits every document is read under, in one place. Exceeding one fails that document
with a one-line reason; the other documents of the run go on. Each can be set in the
environment (``VEIKART_MAX_FILE_MB=500``) for a machine with more room.

| limit | default | what it guards against |
|---|---|---|
| ``VEIKART_MAX_FILE_MB`` | 512 | a file too big to read in a morning run |
| ``VEIKART_MAX_PAGES`` | 3000 | a document of endless pages (pages or slides; sheets) |
| ``VEIKART_MAX_UNZIPPED_MB`` | 1024 | a ZIP bomb: Office parts that expand far beyond |
| ``VEIKART_MAX_PAGE_MEGAPIXELS`` | 40 | rendering a giant page (resolution lowered to fit) |
| ``VEIKART_OCR_TIMEOUT_S`` | 300 | a hung tesseract call |
| ``VEIKART_MAX_DOCUMENT_S`` | 900 | one document taking the whole morning (checked page by page) |
| ``VEIKART_MAX_HTML_MB`` | 5 | a web page or text file too big to be a page (its items are rows) |
"""

from __future__ import annotations

import os
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from veikart.errors import InputFileError

MB = 1 << 20


def _env(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


def max_file_bytes() -> int:
    return int(_env("VEIKART_MAX_FILE_MB", 512) * MB)


def max_pages() -> int:
    return int(_env("VEIKART_MAX_PAGES", 3000))


def max_unzipped_bytes() -> int:
    return int(_env("VEIKART_MAX_UNZIPPED_MB", 1024) * MB)


def max_page_pixels() -> int:
    return int(_env("VEIKART_MAX_PAGE_MEGAPIXELS", 40) * 1_000_000)


def ocr_timeout() -> float:
    return _env("VEIKART_OCR_TIMEOUT_S", 300)


def max_document_seconds() -> float:
    return _env("VEIKART_MAX_DOCUMENT_S", 900)


def max_markup_bytes() -> int:
    return int(_env("VEIKART_MAX_HTML_MB", 5) * MB)


#: The document being read in this thread (or task), and when its time is up.
_DEADLINE: ContextVar[tuple[str, float, float] | None] = ContextVar("veikart_deadline",
                                                                    default=None)


@contextmanager
def time_limit(path: Path | str) -> Iterator[None]:
    """Read ``path`` within ``VEIKART_MAX_DOCUMENT_S``: :func:`check_time` (called page by
    page) fails it once the time is up, and helper programs get only the time left."""
    limit = max_document_seconds()
    token = _DEADLINE.set((str(path), time.monotonic() + limit, limit))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def check_time() -> None:
    """Fail the document being read if its time is up (nothing to do outside
    :func:`time_limit`)."""
    deadline = _DEADLINE.get()
    if deadline is not None and time.monotonic() > deadline[1]:
        raise InputFileError(deadline[0], f"not read within {deadline[2]:.0f} s, the limit per "
                             "document (VEIKART_MAX_DOCUMENT_S)")


def helper_timeout() -> float:
    """Seconds a helper program (tesseract) may take: its own limit, or the document's time
    left if that is shorter (at least 1 s)."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return ocr_timeout()
    return max(1.0, min(ocr_timeout(), deadline[1] - time.monotonic()))


def check_markup(path: Path, size: int) -> None:
    if size > max_markup_bytes():
        raise InputFileError(str(path), f"too big for a web page or text: {size / MB:.1f} MB, "
                             f"the limit is {max_markup_bytes() / MB:.0f} MB "
                             "(VEIKART_MAX_HTML_MB)")


def check_file(path: Path, size: int) -> None:
    if size > max_file_bytes():
        raise InputFileError(str(path), f"too big: {size / MB:.0f} MB, the limit is "
                             f"{max_file_bytes() / MB:.0f} MB (VEIKART_MAX_FILE_MB)")


def check_zip(path: Path) -> None:
    """Refuse an Office package whose parts would expand beyond the limit, before any part
    is decompressed (the sizes are in the ZIP's directory)."""
    try:
        with zipfile.ZipFile(path) as zf:
            total = sum(info.file_size for info in zf.infolist())
    except zipfile.BadZipFile:
        return  # the backend says what is wrong with it
    if total > max_unzipped_bytes():
        raise InputFileError(str(path), f"its parts expand to {total / MB:.0f} MB, the limit is "
                             f"{max_unzipped_bytes() / MB:.0f} MB (VEIKART_MAX_UNZIPPED_MB): a "
                             "ZIP bomb, or a file too big to read")


def check_pages(path: Path, count: int) -> None:
    if count > max_pages():
        raise InputFileError(str(path), f"{count} pages, the limit is {max_pages()} "
                             "(VEIKART_MAX_PAGES)")


def render_dpi(width_pt: float, height_pt: float, dpi: float) -> float:
    """``dpi``, lowered so that the page's image stays within the pixel limit.

    >>> render_dpi(720, 540, 200)
    200
    >>> round(render_dpi(14400, 14400, 200))
    32
    """
    pixels = (width_pt / 72 * dpi) * (height_pt / 72 * dpi)
    if pixels <= max_page_pixels():
        return dpi
    return dpi * (max_page_pixels() / pixels) ** 0.5
