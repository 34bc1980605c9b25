"""HTML backend (BeautifulSoup + lxml): headings, paragraphs, list entries and table cells in
document order. HTML has no page geometry, so boxes are None and every block carries a
``locator`` (an XPath-like path to its element) instead."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag

from .model import Block, Document, Line, Origin, Page

_SKIP = {"script", "style", "noscript", "template", "head", "nav", "svg", "footer", "aside",
         "form", "button"}
_BLOCKS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "table", "dl", "pre",
           "blockquote", "figcaption"}
_WS = re.compile(r"\s+")


def _locator(tag: Tag) -> str:
    parts = []
    while tag is not None and tag.name and tag.name != "[document]":
        same = [s for s in tag.parent.find_all(tag.name, recursive=False)] if tag.parent else []
        index = same.index(tag) + 1 if len(same) > 1 else 0
        parts.append(f"{tag.name}[{index}]" if index else tag.name)
        tag = tag.parent
    return "/" + "/".join(reversed(parts))


def _own_text(tag: Tag, exclude: set[str]) -> str:
    """The text of ``tag`` without nested elements named in ``exclude``."""
    out = []
    for child in tag.children:
        if isinstance(child, NavigableString):
            out.append(str(child))
        elif isinstance(child, Tag) and child.name not in exclude | _SKIP:
            out.append(_own_text(child, exclude) if child.name != "br" else "\n")
    return "".join(out)


def _clean(text: str) -> str:
    lines = [_WS.sub(" ", part).strip() for part in text.split("\n")]
    return "\n".join(part for part in lines if part)


def _list_lines(tag: Tag, level: int = 0) -> list[Line]:
    lines = []
    for li in tag.find_all("li", recursive=False):
        text = _clean(_own_text(li, {"ul", "ol"}))
        if text:
            lines.append(Line(text, None, level=level, bullet=True))
        for sub in li.find_all(["ul", "ol"], recursive=False):
            lines += _list_lines(sub, level + 1)
    return lines


def _table_blocks(table: Tag, table_no: int) -> list[Block]:
    blocks, occupied = [], set()
    for r, tr in enumerate(table.find_all("tr")):
        c = 0
        for cell in tr.find_all(["td", "th"], recursive=False):
            while (r, c) in occupied:
                c += 1
            rs, cs = int(cell.get("rowspan", 1) or 1), int(cell.get("colspan", 1) or 1)
            for dr in range(rs):
                for dc in range(cs):
                    occupied.add((r + dr, c + dc))
            nested = cell.find(["ul", "ol"])
            lines = _list_lines(nested) if nested else []
            head = _clean(_own_text(cell, {"ul", "ol"}))
            if head:
                lines.insert(0, Line(head, None))
            if lines:
                blocks.append(Block("table_cell", lines, None, table_cell=(table_no, r, c, rs, cs),
                                    locator=_locator(cell)))
            c += cs
    return blocks


def extract_html(path: Path, origin: Origin) -> Document:
    raw = path.read_bytes()
    soup = BeautifulSoup(raw, "lxml")
    blocks: list[Block] = []
    tables = 0
    body = soup.body or soup
    for tag in body.find_all(_BLOCKS):
        if any(p.name in _SKIP | {"table", "ul", "ol", "dl"} for p in tag.parents):
            continue
        if tag.name == "table":
            tables += 1
            blocks += _table_blocks(tag, tables)
        elif tag.name in ("ul", "ol"):
            lines = _list_lines(tag)
            if lines:
                blocks.append(Block("list", lines, None, locator=_locator(tag)))
        elif tag.name == "dl":
            lines = [Line(_clean(d.get_text(" ")), None) for d in tag.find_all(["dt", "dd"])]
            lines = [ln for ln in lines if ln.text]
            if lines:
                blocks.append(Block("list", lines, None, locator=_locator(tag)))
        else:
            text = _clean(tag.get_text("\n" if tag.name == "pre" else " "))
            if text:
                kind = "heading" if tag.name.startswith("h") else "paragraph"
                blocks.append(Block(kind, [Line(text, None)], None, locator=_locator(tag)))
    title = soup.title.get_text(strip=True) if soup.title else None
    page = Page(1, None, None, blocks, text_source="html").finalize()
    return Document(origin=origin, pages=[page], extractor="html", title=title)
