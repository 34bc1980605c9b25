"""HTML backend (BeautifulSoup + lxml): the text of every element that holds text, in
document order. HTML has no page geometry, so boxes are None and every block carries a
``locator`` (an XPath-like path to its element) instead.

- A block is one element's own text: a ``p``, a heading, a ``div`` or ``section`` with text
  of its own, text directly in ``body``. Inline elements (``span``, ``a``, ``b``, ``em`` ...)
  join into their parent's text; a block-level child ends the parent's run of text and is
  read in its turn, so text before and after it are two blocks with the parent's locator.
- ``<br>`` is a line break inside the block's line (as a soft break in a PPTX paragraph);
  the source's own line breaks are spaces, as a browser shows them (``pre`` keeps them).
- Headings, ``summary`` (the title of a ``details``) and a table's ``caption`` are
  ``heading`` blocks; a list is one ``list`` block with a line per entry (bullet, nesting
  level); a ``dl`` is a ``list`` block with its terms at level 0 and descriptions at level 1;
  every table cell is a ``table_cell`` block. A table inside a cell or a list entry is read
  once, cell by cell, right after the cell or list that holds it.
- Left out: scripts, styles, ``nav``, ``svg``, form controls and their labels, embedded
  media, hidden elements, search forms (``role="search"``), and ``footer``/``aside``
  outside the page's ``main`` or ``article`` (page chrome; inside the text they hold its
  date or a fact box). A ``form`` itself is read: some publishing systems (ASP.NET,
  SharePoint) wrap the whole page in one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString

from .model import Block, Document, Line, Origin, Page

_SKIP = {"script", "style", "noscript", "template", "head", "nav", "svg", "math", "button",
         "select", "option", "optgroup", "datalist", "textarea", "input", "iframe", "object",
         "embed", "canvas", "video", "audio", "map", "label"}
#: Page chrome when outside the main text; content inside it.
_CHROME = {"footer", "aside"}
_CHROME_ROLES = {"contentinfo", "complementary"}
_SKIP_ROLES = {"navigation", "search"}
_MAIN_ROLE = "main"
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
#: Elements whose text runs on in their parent's line.
_INLINE = {"a", "abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "code", "data", "del",
           "dfn", "em", "font", "i", "img", "ins", "kbd", "mark", "nobr", "output",
           "q", "rp", "rt", "ruby", "s", "samp", "small", "span", "strike", "strong", "sub",
           "sup", "time", "tt", "u", "var", "wbr"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6", "summary", "caption"}
_LISTS = {"ul", "ol", "menu", "dir"}
_CELLS = {"td", "th"}
_WS = re.compile(r"\s+")
#: Invisible in a browser: soft hyphens and zero-width characters.
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_BR = object()  # a line break in a run of text


def _skipped(tag: Tag) -> bool:
    """Whether ``tag`` and everything in it is left out: scripts, styles, navigation, form
    controls and their labels, media, hidden elements, a search form (``role="search"``),
    and page chrome (a footer or aside outside the page's main text)."""
    if tag.name in _SKIP or tag.has_attr("hidden") or _HIDDEN_STYLE.search(tag.get("style", "")):
        return True
    role = str(tag.get("role", "")).casefold()
    if role in _SKIP_ROLES:
        return True
    if tag.name in _CHROME or role in _CHROME_ROLES:
        return not any(p.name in ("main", "article") or p.get("role") == _MAIN_ROLE
                       for p in tag.parents)
    return False


def _is_text(node) -> bool:
    """A text node (not a comment, doctype or processing instruction)."""
    return isinstance(node, NavigableString) and not isinstance(node, PreformattedString)


def _pieces(tag: Tag, through_blocks: bool = False) -> Iterator[object]:
    """The content of ``tag`` in order: strings and ``_BR`` for its own text (inline elements
    opened up), and each block-level child as a Tag. With ``through_blocks``, block-level
    children other than lists, description lists and tables are opened up too, each set
    apart by line breaks (the text of a list entry or a table cell)."""
    for child in tag.children:
        if _is_text(child):
            yield str(child)
        elif not isinstance(child, Tag) or _skipped(child):
            continue
        elif child.name == "br":
            yield _BR
        elif child.name in _INLINE:
            yield from _pieces(child, through_blocks)
        elif through_blocks and child.name not in _LISTS | {"table", "dl"}:
            yield _BR
            yield from _pieces(child, through_blocks)
            yield _BR
        else:
            yield child


def clean_run(pieces: list[object]) -> str:
    """The text a run of pieces shows: white space folded to one space, ``_BR`` as a line
    break, empty lines dropped.

    >>> clean_run(["  Status:", " Pågår\\n  i Helse ", _BR, "Nord", _BR, _BR, " "])
    'Status: Pågår i Helse\\nNord'
    """
    text, parts = "", []
    for piece in pieces + [_BR]:
        if piece is _BR:
            part = _WS.sub(" ", _INVISIBLE.sub("", text)).strip()
            if part:
                parts.append(part)
            text = ""
        else:
            text += piece
    return "\n".join(parts)


def _span(value) -> int:
    """A rowspan or colspan attribute as a number of cells (1 when missing or unreadable).

    >>> _span("2"), _span(None), _span("3px"), _span("0")
    (2, 1, 3, 1)
    """
    m = re.match(r"\s*(\d+)", str(value or ""))
    return max(1, min(int(m.group(1)), 1000)) if m else 1


def _rows(table: Tag) -> list[Tag]:
    """The table's own rows: direct ``tr`` children and those of its own thead, tbody and
    tfoot, not the rows of a table nested in a cell."""
    rows = []
    for child in table.find_all(True, recursive=False):
        if child.name == "tr":
            rows.append(child)
        elif child.name in ("thead", "tbody", "tfoot"):
            rows += child.find_all("tr", recursive=False)
    return [r for r in rows if not _skipped(r)]


class _Reader:
    """Walks a page's elements once, in document order, and collects its blocks."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.tables = 0
        self._positions: dict[int, dict[int, int]] = {}

    def locator(self, tag: Tag) -> str:
        """An XPath-like path to ``tag``: "/html/body/main/table/tbody/tr[2]/td[1]" (an index
        only where the parent has more than one child of that name)."""
        parts = []
        while tag is not None and tag.name and tag.name != "[document]":
            parent = tag.parent
            index = 0
            if parent is not None:
                positions = self._positions.get(id(parent))
                if positions is None:
                    positions = self._positions[id(parent)] = self._number(parent)
                index = positions.get(id(tag), 0)
            parts.append(f"{tag.name}[{index}]" if index else tag.name)
            tag = parent
        return "/" + "/".join(reversed(parts))

    @staticmethod
    def _number(parent: Tag) -> dict[int, int]:
        """Each child's 1-based position among its parent's children of the same name, for
        names that occur more than once (by identity: equal-looking cells differ)."""
        by_name: dict[str, list[Tag]] = {}
        for child in parent.find_all(True, recursive=False):
            by_name.setdefault(child.name, []).append(child)
        return {id(c): k for same in by_name.values() if len(same) > 1
                for k, c in enumerate(same, start=1)}

    def element(self, tag: Tag, heading: bool = False) -> None:
        """Read a block-level element (``heading``: it is inside a heading)."""
        if tag.name == "table":
            self.table(tag)
        elif tag.name in _LISTS:
            self.list_block(tag, self._list_lines)
        elif tag.name == "dl":
            self.list_block(tag, self._dl_lines)
        elif tag.name == "pre":
            self.pre(tag)
        else:
            self.flow(tag, heading or tag.name in _HEADINGS)

    def flow(self, tag: Tag, heading: bool) -> None:
        """The element's own text, run by run, each run a block: inline content joins the run,
        a block-level child ends it and is read in its turn."""
        run: list[object] = []
        for piece in _pieces(tag):
            if isinstance(piece, Tag):
                self._emit(tag, run, heading)
                run = []
                self.element(piece, heading)
            else:
                run.append(piece)
        self._emit(tag, run, heading)

    def _emit(self, tag: Tag, run: list[object], heading: bool) -> None:
        text = clean_run(run)
        if text:
            self.blocks.append(Block("heading" if heading else "paragraph", [Line(text, None)],
                                     None, locator=self.locator(tag)))

    def pre(self, tag: Tag) -> None:
        """Preformatted text: one line per source line."""
        pieces = list(_pieces(tag, through_blocks=True))
        raw = "".join("\n" if p is _BR else p for p in pieces if not isinstance(p, Tag))
        lines = [Line(text, None) for part in raw.split("\n") if (text := clean_run([part]))]
        if lines:
            self.blocks.append(Block("paragraph", lines, None, locator=self.locator(tag)))
        for nested in (p for p in pieces if isinstance(p, Tag)):
            self.element(nested)  # a list or table inside the preformatted text

    def list_block(self, tag: Tag, read_lines) -> None:
        """A list (or description list) as one block; tables inside it are read after it."""
        lines: list[Line] = []
        later: list[Tag] = []
        read_lines(tag, 0, lines, later)
        if lines:
            self.blocks.append(Block("list", lines, None, locator=self.locator(tag)))
        for nested in later:
            self.element(nested)

    def _list_lines(self, tag: Tag, level: int, lines: list[Line], later: list[Tag]) -> None:
        """The entries of a ``ul``/``ol`` at ``level``; a nested list one level down."""
        for child in tag.children:
            if _is_text(child) and child.strip():
                self._entry_text([str(child)], level, False, lines)
            elif not isinstance(child, Tag) or _skipped(child):
                continue
            elif child.name == "li":
                self.entry(child, level, True, lines, later)
            elif child.name in _LISTS:
                self._list_lines(child, level + 1, lines, later)
            elif child.find("li") is not None:
                self._list_lines(child, level, lines, later)  # a wrapper around entries
            else:
                self.entry(child, level, False, lines, later)

    def _dl_lines(self, tag: Tag, level: int, lines: list[Line], later: list[Tag]) -> None:
        """A description list: terms at ``level``, descriptions one level down."""
        for child in tag.find_all(True, recursive=False):
            if _skipped(child):
                continue
            if child.name == "dd":
                self.entry(child, level + 1, False, lines, later)
            elif child.name == "div":  # <dl><div><dt/><dd/></div></dl>
                self._dl_lines(child, level, lines, later)
            else:
                self.entry(child, level, False, lines, later)

    def entry(self, tag: Tag, level: int, bullet: bool, lines: list[Line],
              later: list[Tag]) -> None:
        """One list entry, term, description or table cell as lines: its text in one line
        (``<br>`` and block-level children as line breaks in it), a nested list as lines of
        its own one level down; a table inside is put in ``later``."""
        run: list[object] = []
        first = len(lines)
        for piece in _pieces(tag, through_blocks=True):
            if not isinstance(piece, Tag):
                run.append(piece)
                continue
            self._entry_text(run, level, bullet and len(lines) == first, lines)
            run = []
            if piece.name in _LISTS:
                self._list_lines(piece, level + 1, lines, later)
            elif piece.name == "dl":
                self._dl_lines(piece, level + 1, lines, later)
            else:
                later.append(piece)
        self._entry_text(run, level, bullet and len(lines) == first, lines)

    @staticmethod
    def _entry_text(run: list[object], level: int, bullet: bool, lines: list[Line]) -> None:
        text = clean_run(run)
        if text:
            lines.append(Line(text, None, level=level, bullet=bullet))

    def table(self, tag: Tag) -> None:
        """A table: its caption as a heading, then every cell of its own rows as a block
        (row and column counted through row and column spans); a table nested in a cell is
        read right after that cell, as a table of its own."""
        self.tables += 1
        number = self.tables
        for caption in tag.find_all("caption", recursive=False):
            if not _skipped(caption):
                self.flow(caption, heading=True)
        occupied: set[tuple[int, int]] = set()
        for r, tr in enumerate(_rows(tag)):
            c = 0
            for cell in tr.find_all(_CELLS, recursive=False):
                if _skipped(cell):
                    continue
                while (r, c) in occupied:
                    c += 1
                rs, cs = _span(cell.get("rowspan")), _span(cell.get("colspan"))
                occupied |= {(r + dr, c + dc) for dr in range(rs) for dc in range(cs)}
                lines: list[Line] = []
                later: list[Tag] = []
                self.entry(cell, 0, False, lines, later)
                if lines:
                    self.blocks.append(Block("table_cell", lines, None,
                                             table_cell=(number, r, c, rs, cs),
                                             locator=self.locator(cell)))
                for nested in later:
                    self.element(nested)
                c += cs


_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)|^\xef\xbb\xbf|"""
                       rb"""^\xff\xfe|^\xfe\xff""", re.I)


def decoded(raw: bytes) -> str | bytes:
    """The page's text: as its byte-order mark or ``<meta charset>`` says (left to the parser),
    else UTF-8 when it reads as UTF-8, else Windows-1252 (the Western European encoding
    Norwegian pages without a declaration are written in; a parser's guess took such pages for
    Central European, ``prřvesvar``).

    >>> decoded("prøvesvar".encode("cp1252")), decoded("prøvesvar".encode())
    ('prøvesvar', 'prøvesvar')
    """
    if _DECLARED.search(raw[:4096]):
        return raw
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def extract_html(path: Path, origin: Origin) -> Document:
    soup = BeautifulSoup(decoded(path.read_bytes()), "lxml")
    reader = _Reader()
    reader.element(soup.body or soup)
    title = soup.title.get_text(strip=True) if soup.title else None
    page = Page(1, None, None, reader.blocks, text_source="html").finalize()
    return Document(origin=origin, pages=[page], extractor="html", title=title)
