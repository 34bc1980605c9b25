"""DOCX backend (python-docx): minutes and memos as headings, list entries, paragraphs, table
cells and text boxes, in body order.

A DOCX file has no fixed page geometry (Word lays it out when it opens it), so boxes are None
and each block carries a ``locator`` into the body instead ("/body/p[12]",
"/body/tbl[1]/tr[2]/tc[3]"). ``page`` is the page Word last rendered the text on: the count of
``w:lastRenderedPageBreak`` marks before it, plus one; a file no word processor has laid out
(generated ones) has none, and its hard page breaks count instead. Headers and footers are
kept apart from the body: blocks of kind ``header``/``footer`` after the body of page 1, never
items.
"""

from __future__ import annotations

import re
from pathlib import Path

from docx import Document as open_docx
from docx.oxml.ns import qn
from lxml import etree

from .model import Block, Document, Line, Origin, Page

_HEADING_STYLE = re.compile(r"^(?:heading|overskrift|title|tittel)\s*(\d*)", re.I)
_LIST_STYLE = re.compile(r"list|liste|bullet|punkt|nummer", re.I)
#: A case heading in minutes ("Sak 4-40/23 Temasak: ...", "4-40/23 Orienteringssaker").
_CASE_HEADING = re.compile(r"^(?:sak\s+)?\d{1,3}\s*[-/]\s*\d{1,3}\s*/\s*\d{2,4}\b", re.I)
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class _Pager:
    """Counts page breaks through the body in order: the page of the text read so far."""

    def __init__(self, body) -> None:
        rendered = body.find(f".//{_W}lastRenderedPageBreak") is not None
        self.marks = ({f"{_W}lastRenderedPageBreak"} if rendered else {f"{_W}br"})
        self.page = 1

    def advance(self, element) -> int:
        """The page ``element`` starts on (a break before any of its text moves it to the next
        page); counts the breaks inside it for what follows."""
        if f"{_W}br" in self.marks:
            ppr = element.find(f"{_W}pPr")
            if ppr is not None and ppr.find(f"{_W}pageBreakBefore") is not None:
                self.page += 1
        start, text_seen = self.page, False
        for el in element.iter(*self.marks, f"{_W}t"):
            if _in_textbox(el, element):
                continue
            if el.tag == f"{_W}t":
                text_seen = text_seen or bool((el.text or "").strip())
                continue
            if el.tag == f"{_W}br" and el.get(qn("w:type")) != "page":
                continue
            self.page += 1
            if not text_seen:
                start = self.page
        return start


def _in_textbox(el, root) -> bool:
    parent = el.getparent()
    while parent is not None and parent is not root:
        if parent.tag == f"{_W}txbxContent":
            return True
        parent = parent.getparent()
    return False


def _paragraph_text(p) -> list[str]:
    """A paragraph's text as lines: runs and hyperlinks in order, ``w:br`` (Shift+Enter) a line
    break, ``w:tab`` a space; text boxes anchored in it are left out (read as blocks)."""
    parts: list[str] = []
    for el in p.iter(f"{_W}t", f"{_W}br", f"{_W}cr", f"{_W}tab", f"{_W}noBreakHyphen"):
        if _in_textbox(el, p):
            continue
        if el.tag == f"{_W}t":
            parts.append(el.text or "")
        elif el.tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n" if el.get(qn("w:type")) in (None, "textWrapping") else "")
        elif el.tag == f"{_W}tab":
            parts.append(" ")
        else:
            parts.append("-")
    text = "".join(parts)
    return [" ".join(line.split()) for line in text.split("\n") if line.strip()]


def _style_name(p, styles: dict[str, str]) -> str:
    ppr = p.find(f"{_W}pPr")
    style = ppr.find(f"{_W}pStyle") if ppr is not None else None
    return styles.get(style.get(qn("w:val")), "") if style is not None else ""


def _list_level(p, style: str) -> int | None:
    """The list level of a numbered or bulleted paragraph (None: not a list entry)."""
    ppr = p.find(f"{_W}pPr")
    num = ppr.find(f"{_W}numPr") if ppr is not None else None
    if num is not None:
        ilvl = num.find(f"{_W}ilvl")
        return int(ilvl.get(qn("w:val"), 0)) if ilvl is not None else 0
    return 0 if _LIST_STYLE.search(style) else None


def _is_heading(p, style: str, lines: list[str]) -> bool:
    if _HEADING_STYLE.match(style):
        return True
    ppr = p.find(f"{_W}pPr")
    if ppr is not None and ppr.find(f"{_W}outlineLvl") is not None:
        return True
    if len(lines) == 1 and _CASE_HEADING.match(lines[0]):
        return True
    # A short paragraph all in bold is a heading in minutes typed without styles.
    runs = [r for r in p.iter(f"{_W}r") if "".join(t.text or "" for t in r.iter(f"{_W}t")).strip()]
    return bool(runs) and len(lines) == 1 and len(lines[0]) <= 90 and all(
        (rpr := r.find(f"{_W}rPr")) is not None and rpr.find(f"{_W}b") is not None
        and rpr.find(f"{_W}b").get(qn("w:val"), "true") not in ("0", "false") for r in runs)


class _Reader:
    """Walks a body (or a header, a footer, a text box) into blocks, page by page."""

    def __init__(self, styles: dict[str, str], pager: _Pager | None) -> None:
        self.styles, self.pager = styles, pager
        self.blocks: list[tuple[int, Block]] = []
        self.tables = 0

    def page_of(self, element) -> int:
        return self.pager.advance(element) if self.pager else 1

    def read(self, container, locator: str, kind: str | None = None) -> None:
        counts: dict[str, int] = {}
        pending_list: Block | None = None
        for child in container.iterchildren():
            tag = etree.QName(child).localname
            if tag == "sdt":  # a content control: read what it holds in place
                content = child.find(f"{_W}sdtContent")
                if content is not None:
                    self.read(content, locator, kind)
                continue
            if tag not in ("p", "tbl"):
                continue
            counts[tag] = counts.get(tag, 0) + 1
            here = f"{locator}/{tag}[{counts[tag]}]"
            if tag == "tbl":
                pending_list = None
                self.table(child, here, kind)
                continue
            page = self.page_of(child)
            lines = _paragraph_text(child)
            style = _style_name(child, self.styles)
            if lines:
                level = _list_level(child, style)
                if kind is None and level is not None:
                    new = [Line(t, None, level=level, bullet=True) for t in lines]
                    if pending_list is not None and self.blocks[-1][0] == page:
                        pending_list.lines += new
                    else:
                        pending_list = Block("list", new, None, locator=here)
                        self.blocks.append((page, pending_list))
                else:
                    pending_list = None
                    block_kind = kind or ("heading" if _is_heading(child, style, lines)
                                          else "paragraph")
                    self.blocks.append((page, Block(block_kind, [Line(t, None) for t in lines],
                                                    None, locator=here)))
            for n, box in enumerate(child.iter(f"{_W}txbxContent"), start=1):
                if box.getparent() is not None and _in_textbox(box.getparent(), child):
                    continue  # a text box inside a text box is read with its parent
                self.textbox(box, f"{here}/txbx[{n}]", page)

    def textbox(self, box, locator: str, page: int) -> None:
        lines = []
        for p in box.iter(f"{_W}p"):
            level = _list_level(p, _style_name(p, self.styles))
            lines += [Line(t, None, level=level or 0, bullet=level is not None)
                      for t in _paragraph_text(p)]
        if lines:
            self.blocks.append((page, Block("textbox", lines, None, locator=locator)))

    def table(self, tbl, locator: str, kind: str | None = None) -> None:
        """Each cell once, with its row and column span (``gridSpan``, ``vMerge``); a table in
        a cell is a table of its own. With ``kind`` (a header's or footer's table), cells are
        blocks of that kind, not table cells."""
        self.tables += 1
        number = self.tables
        origins: dict[int, list] = {}  # grid column -> [block, row span] of an open vMerge
        for r, tr in enumerate(tbl.iterchildren(f"{_W}tr")):
            c = 0
            for n, tc in enumerate(tr.iterchildren(f"{_W}tc"), start=1):
                tcpr = tc.find(f"{_W}tcPr")
                span = tcpr.find(f"{_W}gridSpan") if tcpr is not None else None
                cs = int(span.get(qn("w:val"), 1)) if span is not None else 1
                vmerge = tcpr.find(f"{_W}vMerge") if tcpr is not None else None
                if vmerge is not None and vmerge.get(qn("w:val"), "continue") == "continue":
                    if c in origins and origins[c][0].table_cell:
                        origins[c][1] += 1
                        block = origins[c][0]
                        t, rr, cc, _, ccs = block.table_cell
                        block.table_cell = (t, rr, cc, origins[c][1], ccs)
                    c += cs
                    continue
                here = f"{locator}/tr[{r + 1}]/tc[{n}]"
                page = self.page_of(tc)
                lines: list[Line] = []
                for p in tc.iterchildren(f"{_W}p"):
                    level = _list_level(p, _style_name(p, self.styles))
                    lines += [Line(t, None, level=level or 0, bullet=level is not None)
                              for t in _paragraph_text(p)]
                block = (Block(kind, lines, None, locator=here) if kind else
                         Block("table_cell", lines, None, table_cell=(number, r, c, 1, cs),
                               locator=here))
                if lines:
                    self.blocks.append((page, block))
                if vmerge is not None:
                    origins[c] = [block, 1]
                else:
                    origins.pop(c, None)
                for k, inner in enumerate(tc.iterchildren(f"{_W}tbl"), start=1):
                    self.table(inner, f"{here}/tbl[{k}]", kind)
                c += cs


def _style_names(document) -> dict[str, str]:
    names = {}
    for style in document.styles:
        try:
            names[style.style_id] = style.name or ""
        except (AttributeError, ValueError):
            continue
    return names


def extract_docx(path: Path, origin: Origin) -> Document:
    document = open_docx(str(path))
    styles = _style_names(document)
    body = document.element.body
    reader = _Reader(styles, _Pager(body))
    reader.read(body, "/body")
    # Headers and footers: once each (the same text repeats on every page), kept apart.
    apart = _Reader(styles, None)
    apart.tables = reader.tables
    seen: set[str] = set()
    for s, section in enumerate(document.sections, start=1):
        for kind, parts in (("header", (section.header, section.first_page_header)),
                            ("footer", (section.footer, section.first_page_footer))):
            for part in parts:
                if part.is_linked_to_previous and s > 1:
                    continue
                element = part._element
                key = etree.tostring(element)
                if key in seen:
                    continue
                seen.add(key)
                apart.read(element, f"/{kind}[{s}]", kind)
    last = max((page for page, _ in reader.blocks), default=1)
    pages = []
    for number in range(1, last + 1):
        blocks = [b for page, b in reader.blocks if page == number]
        if number == 1:
            blocks += [b for _, b in apart.blocks if b.lines]
        pages.append(Page(number, None, None, blocks, text_source="docx").finalize())
    title = document.core_properties.title or None
    return Document(origin=origin, pages=pages, extractor="docx", title=title)
