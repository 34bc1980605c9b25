"""The one document model every extractor returns.

Coordinate system, stated once: **PDF points (1/72 inch), origin at the top-left corner of the
page or slide, x to the right, y downwards**. PPTX EMU (914400 per inch), OCR pixels (at the
rendering resolution) and pdfplumber's top-based coordinates are all converted into it.

Character spans are offsets into :attr:`Page.text`, so ``page.text[start:end]`` is the text of
a line or block, exactly.

Colours are six-digit upper-case hex RGB strings (``"00A651"``), from the PPTX's fills and
runs, the PDF's drawing operations, or the page image under OCR'd text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

BBox = tuple[float, float, float, float]  # x0, y0, x1, y1 in points, origin top-left
#: Mean OCR word confidence (:attr:`Page.ocr_confidence`) under which a page reads unsure.
#: Such a page may lie turned: its orientation is then asked of tesseract's OSD
#: (``extractors/ocr.py``); one that still reads so is reported in the run report. Upright
#: scans of the samples read at 85-92, the same pages upside down or turned anticlockwise
#: at 33-44.
LOW_CONFIDENCE = 70.0


class Format(StrEnum):
    pptx = "pptx"
    pdf = "pdf"
    html = "html"
    text = "text"
    docx = "docx"
    xlsx = "xlsx"
    # Legacy and ODF formats: converted by LibreOffice, then read by the backend of
    # :data:`CONVERTED_TO`'s format.
    ppt = "ppt"
    doc = "doc"
    xls = "xls"
    odp = "odp"
    odt = "odt"
    ods = "ods"


class BlockKind(StrEnum):
    """What a block is (closed: the writer refuses any other value)."""

    textbox = "textbox"
    title = "title"
    table_cell = "table_cell"
    paragraph = "paragraph"
    heading = "heading"
    list = "list"
    ocr_block = "ocr_block"
    header = "header"  # a DOCX page header: never an item
    footer = "footer"


class TextSource(StrEnum):
    """How a page's text was obtained."""

    pptx = "pptx"
    text_layer = "text-layer"
    ocr = "ocr"  # no usable text layer: OCR of the page image
    re_ocr = "re-ocr"  # a damaged text layer replaced by OCR of the page image
    html = "html"
    text = "text"
    docx = "docx"
    xlsx = "xlsx"


#: The format LibreOffice converts each legacy or ODF format to before it is read.
CONVERTED_TO: dict[Format, Format] = {
    Format.ppt: Format.pptx, Format.odp: Format.pptx,
    Format.doc: Format.docx, Format.odt: Format.docx,
    Format.xls: Format.xlsx, Format.ods: Format.xlsx,
}


@dataclass(frozen=True)
class Origin:
    path: str
    sha256: str
    format: Format
    size: int
    page_count: int
    mimetype: str
    #: For a converted legacy or ODF file: what converted it ("LibreOffice 7.4.7.2: ppt to
    #: pptx"); the path and sha256 above stay the original file's.
    converted: str | None = None


@dataclass
class Line:
    """One line of text (a PPTX paragraph, a PDF/OCR text line, an HTML list entry)."""

    text: str
    bbox: BBox | None
    char_start: int = 0
    char_end: int = 0
    #: Bullet level (PPTX paragraph level, list nesting); 0 at the top.
    level: int = 0
    #: True when the source marks this line as a list entry (bullet, <li>, numbered).
    bullet: bool = False
    #: The colour most of the line's text is drawn in (None: not known, or the default).
    color: str | None = None


@dataclass
class Shape:
    """Something drawn on the page that is not text: a filled or outlined rectangle, a bar, an
    arrow, a separator line, a legend swatch. Text drawn on a shape is a Block whose
    ``frame`` is the shape's box."""

    bbox: BBox
    fill: str | None = None
    line: str | None = None
    #: "rect", "roundRect", "homePlate" (pentagon), "chevron", "rightArrow", "line", "path",
    #: or another DrawingML preset name.
    geometry: str = "rect"


@dataclass
class Block:
    """A text box, table cell, paragraph or OCR block, with its provenance."""

    kind: str  # "textbox", "title", "table_cell", "paragraph", "heading", "list", "ocr_block"
    lines: list[Line]
    bbox: BBox | None
    shape_id: int | None = None
    #: For table cells: (table id, row, column, row span, column span).
    table_cell: tuple[int, int, int, int, int] | None = None
    #: For HTML: a path to the element, e.g. "/html/body/main/ul[2]/li[3]"; for a spreadsheet
    #: cell, its sheet and A1 address ("Veikart!B3"); for DOCX, the body element
    #: ("/body/p[12]", "/body/tbl[1]/tr[2]/tc[3]").
    locator: str | None = None
    char_start: int = 0
    char_end: int = 0
    #: The box of the visible shape the text is drawn on (a header chevron, an item's bar,
    #: a swimlane band), when there is one.
    frame: BBox | None = None
    #: That shape's fill colour and geometry.
    fill: str | None = None
    geometry: str | None = None

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


#: Control characters (C0 but tab and line feed, DEL, C1) a file's text may hold but no
#: reader wants.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: U+FFFD (a glyph the file's font could not map) inside a word: a lost space or letter.
_LOST = re.compile(r"(?<=\S)\ufffd+(?=\S)|(?<=\S)\ufffd+$")


def clean_text(text: str) -> str:
    r"""A line's text without control characters (NUL and the like become a space) and
    without an unmappable glyph between or after letters. A leading
    U+FFFD stays: it is how an unmappable bullet reads.

    >>> clean_text("Timer\x002.0"), clean_text("Digital\ufffddialog\ufffd")
    ('Timer 2.0', 'Digital dialog')
    >>> clean_text("\ufffd Timer\x1b")
    '\ufffd Timer'
    """
    if not _CONTROL.search(text) and "\ufffd" not in text:
        return text
    text = _LOST.sub(lambda m: "" if m.end() == len(text) else " ", _CONTROL.sub(" ", text))
    return text.strip(" ")


@dataclass
class Page:
    number: int  # 1-based; slide number for PPTX
    width: float | None
    height: float | None
    blocks: list[Block] = field(default_factory=list)
    text: str = ""
    #: How the text was obtained: "pptx", "text-layer", "ocr", "html", "text".
    text_source: str = ""
    ocr: bool = False
    #: Mean OCR word confidence (0-100) when the page was OCR'd.
    ocr_confidence: float | None = None
    #: Drawn shapes (see :class:`Shape`), for reading the layout.
    shapes: list[Shape] = field(default_factory=list)
    #: Degrees (clockwise) the page as stored was turned to be read upright; its boxes, width
    #: and height are the upright page's. For a PDF, the turn from its content space: its
    #: /Rotate when that shows the page upright (the usual case), else as far as its text
    #: runs turned; for a scan, plus the orientation tesseract's OSD found. 0 when read as
    #: it lies.
    rotation: int = 0
    #: For a spreadsheet: the sheet's name (the page is the sheet's position).
    name: str | None = None

    def finalize(self, separator: str = "\n\n") -> Page:
        """Build :attr:`text` from the blocks and set every char span.

        >>> p = Page(1, 10, 10, [Block("textbox", [Line("a", None), Line("bc", None)], None)])
        >>> p.finalize().text
        'a\\nbc'
        >>> p.blocks[0].lines[1].char_start, p.blocks[0].lines[1].char_end
        (2, 4)
        """
        parts: list[str] = []
        pos = 0
        for block in self.blocks:
            for line in block.lines:
                line.text = clean_text(line.text)
        for i, block in enumerate(self.blocks):
            if i:
                parts.append(separator)
                pos += len(separator)
            block.char_start = pos
            for j, line in enumerate(block.lines):
                if j:
                    parts.append("\n")
                    pos += 1
                line.char_start = pos
                parts.append(line.text)
                pos += len(line.text)
                line.char_end = pos
            block.char_end = pos
        self.text = "".join(parts)
        return self


@dataclass
class Document:
    origin: Origin
    pages: list[Page]
    extractor: str
    #: Title-like metadata found by the extractor (PPTX core properties, HTML <title>).
    title: str | None = None
