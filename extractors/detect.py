"""Format detection as data: content sniffing first, the file suffix second (as docling does)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from .model import Format

SUFFIXES: dict[str, Format] = {
    ".pptx": Format.pptx,
    ".pdf": Format.pdf,
    ".html": Format.html,
    ".htm": Format.html,
    ".txt": Format.text,
    ".md": Format.text,
    ".docx": Format.docx,
    ".xlsx": Format.xlsx,
    ".xlsm": Format.xlsx,
    ".ppt": Format.ppt,
    ".doc": Format.doc,
    ".xls": Format.xls,
    ".odp": Format.odp,
    ".odt": Format.odt,
    ".ods": Format.ods,
}

MIMETYPES: dict[Format, str] = {
    Format.pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    Format.pdf: "application/pdf",
    Format.html: "text/html",
    Format.text: "text/plain",
    Format.docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    Format.xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Format.ppt: "application/vnd.ms-powerpoint",
    Format.doc: "application/msword",
    Format.xls: "application/vnd.ms-excel",
    Format.odp: "application/vnd.oasis.opendocument.presentation",
    Format.odt: "application/vnd.oasis.opendocument.text",
    Format.ods: "application/vnd.oasis.opendocument.spreadsheet",
}

#: Office Open XML packages: the part that names each.
_OOXML_PARTS = {"ppt/presentation.xml": Format.pptx, "word/document.xml": Format.docx,
                "xl/workbook.xml": Format.xlsx}
#: ODF packages: their stored ``mimetype`` member.
_ODF_TYPES = {MIMETYPES[f]: f for f in (Format.odp, Format.odt, Format.ods)}
#: OLE2 compound files (legacy Office): the format comes from the suffix.
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: PDF readers accept the header anywhere in the first 1024 bytes (a mail gateway's banner,
#: a stray BOM before it).
PDF_HEADER_WINDOW = 1024

_PDF_HEADER = re.compile(rb"%PDF-\d\.\d")

_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body")


def pdf_header_offset(head: bytes) -> int | None:
    """Where the ``%PDF-`` header starts in a file's first bytes (None: not within
    ``PDF_HEADER_WINDOW``). The offsets a PDF gives count from its header.

    >>> pdf_header_offset(b"Scanned by MailGate %PDF-1.4 ..."), pdf_header_offset(b"%PDF-1.7")
    (20, 0)
    """
    match = _PDF_HEADER.search(head[:PDF_HEADER_WINDOW])
    return match.start() if match else None


def sniff(head: bytes, path: Path) -> Format | None:
    """The format the first bytes of a file show, or None when they show nothing known.

    >>> sniff(b"%PDF-1.7 ...", Path("x.bin"))
    <Format.pdf: 'pdf'>
    >>> sniff(b"  <!DOCTYPE html><html>", Path("x"))
    <Format.html: 'html'>
    """
    if pdf_header_offset(head) is not None:
        return Format.pdf
    if head.startswith(b"PK\x03\x04"):
        return _package_format(path)
    if head.startswith(_OLE2):
        legacy = SUFFIXES.get(path.suffix.lower())
        return legacy if legacy in (Format.ppt, Format.doc, Format.xls) else None
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if any(lowered.startswith(m) for m in _HTML_MARKERS):
        return Format.html
    if b"\x00" in head:
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as err:
        # A multi-byte character cut at the end of the sniffed head is still text.
        if err.start < len(head) - 4:
            return None
    return Format.text


def _package_format(path: Path) -> Format | None:
    """The format of a ZIP package: an OOXML part or an ODF mimetype names it."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            for part, fmt in _OOXML_PARTS.items():
                if part in names:
                    return fmt
            if "mimetype" in names:
                return _ODF_TYPES.get(zf.read("mimetype").decode("ascii", "replace").strip())
    except (zipfile.BadZipFile, OSError):
        return None
    return None


def encrypted_office(path: Path) -> bool:
    """Whether ``path`` is an OOXML file saved with a password: Office wraps those in an OLE2
    container holding an ``EncryptedPackage`` stream."""
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    return (head.startswith(_OLE2) and path.suffix.lower() in (".docx", ".xlsx", ".pptx", ".xlsm")
            and "EncryptedPackage".encode("utf-16-le") in head)


def detect_format(path: Path) -> Format | None:
    """Content first, suffix second. None: not a format veikart reads."""
    with path.open("rb") as fh:
        head = fh.read(4096)
    sniffed = sniff(head, path)
    by_suffix = SUFFIXES.get(path.suffix.lower())
    if sniffed is Format.text and by_suffix is Format.html:
        return Format.html  # an HTML fragment without <html>
    if sniffed is not None:
        return sniffed
    # A binary format whose content did not show it is damaged or something else: not read.
    return by_suffix if by_suffix in (Format.html, Format.text) else None


def unreadable_reason(path: Path, readable: str) -> str:
    """Why a file :func:`detect_format` found no format in is not read, as specific as its
    bytes allow: a password, a ZIP package cut short, a ZIP that holds no Office document,
    else "not ``readable``"."""
    if encrypted_office(path):
        return ("a password-protected (encrypted) Office file: save it without a password to "
                "have it read")
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as zf:
                zf.namelist()
        except (zipfile.BadZipFile, OSError) as err:
            return f"a damaged or truncated ZIP package, as an Office file cut short ({err})"
        return ("a ZIP archive, but not an Office document (no ppt/presentation.xml, "
                "word/document.xml or xl/workbook.xml in it)")
    if head.startswith(_OLE2):
        return (f"a legacy Office (OLE2) file whose kind its name does not tell "
                f"({path.suffix or 'no suffix'}): name it .ppt, .doc or .xls")
    return f"not {readable}"
