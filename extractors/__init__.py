"""Extract stage: one backend per format, all returning the same :class:`Document`.

>>> from pathlib import Path
>>> doc = extract(Path("samples/prosjektside_digital_dialog.html"))
>>> doc.origin.format, doc.pages[0].number
(<Format.html: 'html'>, 1)
"""

from __future__ import annotations

import errno
import importlib
import shutil
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path

from veikart import PIPELINE_VERSION
from veikart.errors import InputFileError, VeikartError
from veikart.files import sha256_file
from veikart.memory import LONG_DOCUMENT, give_back

from . import cache, convert, limits
from .detect import MIMETYPES, detect_format, unreadable_reason
from .model import CONVERTED_TO, Block, Document, Format, Line, Origin, Page
from .sources import FolderSource, Skipped, discover, walk

__all__ = ["BACKENDS", "Block", "Document", "FolderSource", "Format", "Line", "Origin", "Page",
           "Skipped", "backend", "detect_format", "discover", "extract", "extraction_of",
           "file_sha256", "load_backends", "walk"]

#: Each format's backend: the module in this package and its function. A backend is
#: imported when a document of its format is first read (:func:`backend`), so a run that
#: reads nothing, or only web pages, never imports the PDF and OCR stack (≈ 0.4 s).
BACKENDS: dict[Format, tuple[str, str]] = {
    Format.pptx: ("pptx", "extract_pptx"),
    Format.pdf: ("pdf", "extract_pdf"),
    Format.html: ("html", "extract_html"),
    Format.text: ("text", "extract_text"),
    Format.docx: ("docx", "extract_docx"),
    Format.xlsx: ("xlsx", "extract_xlsx"),
}


def backend(fmt: Format) -> Callable[..., Document]:
    """The function that reads documents of format ``fmt`` (its module imported now)."""
    module, name = BACKENDS[fmt]
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


def load_backends() -> None:
    """Import every backend now: before worker processes are forked, which then share them
    instead of each importing its own."""
    for fmt in BACKENDS:
        backend(fmt)
#: What the error says a file is not, when its format is none of these.
READABLE = "a PPTX, PDF, DOCX, XLSX, HTML, text, or legacy/ODF office file"


def file_sha256(path: Path) -> str:
    return sha256_file(path)


def extraction_of(path: Path, sha256: str, folder: Path | None) -> Document:
    """The document as an ingest read it: its extraction kept in the cache ``folder`` (an
    ingest checks text layers for OCR damage, and that is the reading its rows point into),
    else read again now (without that check)."""
    for where in (folder, None):  # None: the environment's cache folder
        for checked in (True, False):
            kept = cache.load("extract", cache.key(sha256, PIPELINE_VERSION, checked), where)
            if kept is not None:
                return kept
    return extract(path)


def _not_a_file(path: Path) -> str:
    """Why ``path``, which is no regular file, cannot be read."""
    try:
        mode = path.stat().st_mode
    except OSError as err:
        if err.errno == errno.ELOOP:
            return "a symbolic link loop"
        if path.is_symlink():
            return "a symbolic link to nothing"
        return "no such file" if err.errno == errno.ENOENT else f"cannot stat ({err.strerror})"
    if stat.S_ISDIR(mode):
        return "a folder (name it as an input to have its documents read)"
    kind = ("a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a special file")
    return f"not a regular file: {kind}"


def extract(path: Path, text_check: Callable[[str], bool] | None = None) -> Document:
    """Read one document. Raises InputFileError with a one-line reason when it can't.

    ``text_check(text)`` says whether a PDF text layer reads as OCR-damaged; such a page that
    also carries a page image is OCR'd again with the Norwegian model (``re-ocr``).
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError(str(path), _not_a_file(path))
    size = path.stat().st_size
    if size == 0:
        raise InputFileError(str(path), "the file is empty")
    fmt = detect_format(path)
    if fmt is None:
        raise InputFileError(str(path), unreadable_reason(path, READABLE))
    try:
        path.open("rb").close()
    except OSError as err:
        raise InputFileError(str(path), f"cannot open ({err.strerror})") from None
    limits.check_file(path, size)
    if fmt in (Format.pptx, Format.docx, Format.xlsx):
        limits.check_zip(path)
    if fmt in (Format.html, Format.text):
        limits.check_markup(path, size)
    origin = Origin(str(path), file_sha256(path), fmt, size, 0, MIMETYPES[fmt])
    cache_name = cache.key(origin.sha256, PIPELINE_VERSION, text_check is not None)
    cached = cache.load("extract", cache_name)
    if cached is not None:
        limits.check_pages(path, len(cached.pages))
        cached.origin = Origin(str(path), origin.sha256, fmt, size, len(cached.pages),
                               origin.mimetype, cached.origin.converted)
        return cached
    converted, read_path, read_fmt = None, path, CONVERTED_TO.get(fmt, fmt)
    try:
        if fmt in CONVERTED_TO:
            read_path, converted = convert.convert(path, fmt, origin.sha256)
        doc = (backend(fmt)(path, origin, text_check=text_check) if fmt is Format.pdf
               else backend(read_fmt)(read_path, origin))
    except VeikartError:
        raise
    except zipfile.BadZipFile as err:
        raise InputFileError(str(path), f"damaged {fmt.value} file ({err})") from None
    except MemoryError:
        raise InputFileError(str(path), "ran out of memory reading it (pages too big or too "
                             "many: see the limits, VEIKART_MAX_PAGE_MEGAPIXELS and "
                             "VEIKART_MAX_PAGES)") from None
    except Exception as err:  # noqa: BLE001 - a parser crash on one file fails that file only
        reason = " ".join(str(err).split())[:200] or type(err).__name__
        raise InputFileError(str(path), f"cannot read this {fmt.value} file: {reason}") from None
    finally:
        if read_path != path and cache.cache_dir() is None:
            shutil.rmtree(read_path.parent, ignore_errors=True)  # a one-off conversion
    if len(doc.pages) >= LONG_DOCUMENT:  # the parser's trees go back to the system
        give_back()
    limits.check_pages(path, len(doc.pages))
    doc.origin = Origin(origin.path, origin.sha256, fmt, size, len(doc.pages), origin.mimetype,
                        converted)
    cache.save("extract", cache_name, doc)
    return doc
