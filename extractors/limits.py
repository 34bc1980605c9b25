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
"""

from __future__ import annotations

import os
import zipfile
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
