"""Format detection as data: content sniffing first, the file suffix second (as docling does)."""

from __future__ import annotations

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
}

MIMETYPES: dict[Format, str] = {
    Format.pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    Format.pdf: "application/pdf",
    Format.html: "text/html",
    Format.text: "text/plain",
}

_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body")


def sniff(head: bytes, path: Path) -> Format | None:
    """The format the first bytes of a file show, or None when they show nothing known.

    >>> sniff(b"%PDF-1.7 ...", Path("x.bin"))
    <Format.pdf: 'pdf'>
    >>> sniff(b"  <!DOCTYPE html><html>", Path("x"))
    <Format.html: 'html'>
    """
    if head.startswith(b"%PDF-"):
        return Format.pdf
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as zf:
                if "ppt/presentation.xml" in zf.namelist():
                    return Format.pptx
        except zipfile.BadZipFile:
            return None
        return None
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
    return None if by_suffix in (Format.pdf, Format.pptx) else by_suffix
