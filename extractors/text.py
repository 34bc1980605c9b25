"""Plain-text backend: pages split at form feeds, blocks at blank lines, one Line per line."""

from __future__ import annotations

import re
from pathlib import Path

from veikart.errors import InputFileError

from .model import Block, Document, Line, Origin, Page

BULLET = re.compile(r"^\s*(?:[•●▪◦‣∙·*\-–»°]|\d{1,2}[.)])\s+")


def decode(raw: bytes, path: Path) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputFileError(str(path), "text is neither UTF-8 nor Windows-1252")


def extract_text(path: Path, origin: Origin) -> Document:
    text = decode(path.read_bytes(), path).replace("\r\n", "\n").replace("\r", "\n")
    pages = []
    for number, page_text in enumerate(text.split("\f"), start=1):
        blocks = []
        for chunk in re.split(r"\n\s*\n", page_text):
            lines = [Line(ln.strip(), None, bullet=bool(BULLET.match(ln)))
                     for ln in chunk.split("\n") if ln.strip()]
            if lines:
                blocks.append(Block("paragraph", lines, None))
        pages.append(Page(number, None, None, blocks, text_source="text").finalize())
    return Document(origin=origin, pages=pages, extractor="text")
