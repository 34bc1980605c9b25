"""Extract stage: one backend per format, all returning the same :class:`Document`.

>>> from pathlib import Path
>>> doc = extract(Path("samples/prosjektside_digital_dialog.html"))
>>> doc.origin.format, doc.pages[0].number
(<Format.html: 'html'>, 1)
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Callable
from pathlib import Path

from veikart.errors import InputFileError

from .detect import MIMETYPES, detect_format
from .html import extract_html
from .model import Block, Document, Format, Line, Origin, Page
from .pdf import extract_pdf
from .pptx import extract_pptx
from .text import extract_text

__all__ = ["Block", "Document", "Format", "Line", "Origin", "Page", "extract", "file_sha256",
           "BACKENDS", "detect_format"]

BACKENDS: dict[Format, Callable[[Path, Origin], Document]] = {
    Format.pptx: extract_pptx,
    Format.pdf: extract_pdf,
    Format.html: extract_html,
    Format.text: extract_text,
}


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def extract(path: Path) -> Document:
    """Read one document. Raises InputFileError with a one-line reason when it can't."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(str(path), "no such file")
    size = path.stat().st_size
    if size == 0:
        raise InputFileError(str(path), "the file is empty")
    fmt = detect_format(path)
    if fmt is None:
        raise InputFileError(str(path), "not a PPTX, PDF, HTML or text file")
    origin = Origin(str(path), file_sha256(path), fmt, size, 0, MIMETYPES[fmt])
    try:
        doc = BACKENDS[fmt](path, origin)
    except InputFileError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError) as err:
        raise InputFileError(str(path), f"damaged {fmt.value} file ({err})") from None
    doc.origin = Origin(origin.path, origin.sha256, fmt, size, len(doc.pages), origin.mimetype)
    return doc
