"""PDF backend (pdfplumber): the text layer with pdfminer's layout analysis (text boxes and
lines) over the characters pdfium reads (:mod:`extractors.pdftext`), and OCR decided per
page: a page without usable text is rendered and OCR'd.

Every page is read upright: a page whose text runs sideways or upside down as displayed (a
/Rotate that turned upright text, text drawn turned) is laid out again turned, and a scan is
turned by the orientation tesseract finds; ``Page.rotation`` says by how much in all."""

from __future__ import annotations

import bisect
import contextlib
import copy
import io
import math
import re
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psexceptions import PSException
from pdfplumber.page import Page as PlumberPage
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException
from pdfplumber.utils.text import LIGATURES

from veikart.errors import InputFileError, OcrError

from . import cache, colors, limits, ocr, pdftext
from .detect import PDF_HEADER_WINDOW, pdf_header_offset
from .geometry import merge_stacked_blocks, union
from .model import Block, Document, Line, Origin, Page, Shape

#: A page whose text layer has fewer letters or digits than this is treated as an image.
MIN_TEXT_CHARS = 12
#: An image covering at least this share of a page is the page's own image (a scan under
#: its text layer), not a logo or a picture on it.
PAGE_IMAGE_SHARE = 0.6
#: ``all_texts``: lay out the text inside Form XObjects too (an embedded sub-page, a slide
#: placed on a handout, text a producer wraps in a form). Without it pdfminer leaves their
#: characters out of its text boxes: the page had characters but no lines, so it was neither
#: read nor OCR'd.
LAPARAMS = {"line_margin": 0.6, "char_margin": 2.0, "word_margin": 0.1, "boxes_flow": None,
            "all_texts": True}
_ALNUM = re.compile(r"\w", re.UNICODE)
#: pdfminer writes a glyph it cannot map to Unicode as "(cid:N)"; a bullet drawn from a
#: symbol font is the usual case. It becomes U+FFFD, which the item splitter reads as a bullet.
_CID = re.compile(r"\(cid:\d+\)")
_LIGATURES = str.maketrans(LIGATURES)
#: OCR text layers space words widely; pdfminer then writes two spaces where one was meant.
_SPACES = re.compile(r"[ \t]{2,}")
#: How far apart (in line heights) the characters on either side of a table cell's edge
#: must stand for a text line to be cut there (``_cut_at_cell_edges``).
CELL_GAP = 0.6


def _line_text(raw: str) -> str:
    """A text-layer line as words can be looked up in: "(cid:N)" as U+FFFD, typographic
    ligatures spelled out (``ﬁ`` -> ``fi``, pdfplumber's table), soft hyphens dropped and
    decomposed letters composed (``a`` + ring -> ``å``, as some PDF producers write it), runs
    of spaces as one.

    >>> _line_text("Proﬁl for Ma\u030alet og doku\u00admentdeling (cid:12)")
    'Profil for Målet og dokumentdeling \ufffd'
    """
    text = _CID.sub("\ufffd", raw).replace("\u00ad", "").translate(_LIGATURES)
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _pdf_reason(err: Exception) -> str:
    """One line on why pdfminer could not open a PDF."""
    inner = err.args[0] if isinstance(err, PdfminerException) and err.args else err
    if isinstance(inner, PDFPasswordIncorrect) or "password" in str(inner).lower():
        return "the PDF is encrypted (password protected)"
    detail = " ".join(str(inner).split())[:120]
    return f"not a readable PDF ({type(inner).__name__}{': ' + detail if detail else ''})"


def open_pdf(path: Path) -> pdfplumber.PDF:
    """``path`` opened with pdfplumber from its ``%PDF-`` header on. Readers accept junk before
    the header (a mail gateway's banner), but the offsets in the file count from the header:
    read with the junk, pdfminer falls back on scanning the file for objects, which stops at
    the first trailer and so loses an incremental update. Such a file is read from memory
    without the junk (they are rare and small); the file itself is left as it is."""
    with path.open("rb") as fh:
        offset = pdf_header_offset(fh.read(PDF_HEADER_WINDOW)) or 0
    source = io.BytesIO(path.read_bytes()[offset:]) if offset else str(path)
    try:
        return pdfplumber.open(source, laparams=LAPARAMS)
    except (PdfminerException, PDFSyntaxError, PDFPasswordIncorrect) as err:
        raise InputFileError(str(path), _pdf_reason(err)) from None


@contextlib.contextmanager
def opened(path: Path) -> Iterator[pdfplumber.PDF]:
    """:func:`open_pdf` as a context: closed at the end even when the page tree is broken
    (pdfplumber's own close walks the pages again, and would fail again)."""
    pdf = open_pdf(path)
    try:
        yield pdf
    finally:
        try:
            pdf.close()
        except PdfminerException:
            pdf.stream.close()


def pdf_pages(pdf: pdfplumber.PDF, path: Path) -> list:
    """The document's pages. A page tree pdfminer cannot follow (a mangled ``/Type /Pages``, a
    ``/Root`` pointing nowhere) is searched for page objects; when none is found either, the
    file fails with InputFileError instead of giving an empty document."""
    try:
        pages = pdf.pages
    except (PdfminerException, PSException, TypeError, KeyError, ValueError) as err:
        inner = err.args[0] if isinstance(err, PdfminerException) and err.args else err
        raise InputFileError(str(path), "no pages found: the page tree is damaged "
                                        f"({type(inner).__name__}: {inner})") from None
    if not pages:
        raise InputFileError(str(path), "no pages found: the page tree is damaged "
                                        "(no page objects under /Root /Pages)")
    return pages


def text_direction(page) -> int:
    """The direction most of a page's characters run in on the page as displayed, in
    clockwise degrees: 0 left to right, 90 downwards (upright text on a page whose /Rotate
    is 90), 180 upside down, 270 upwards (text drawn turned a quarter anticlockwise).

    >>> from types import SimpleNamespace
    >>> text_direction(SimpleNamespace(chars=[{"text": "T", "matrix": (0, -1, 1, 0, 0, 0)}]))
    90
    """
    votes: dict[int, int] = {}
    for ch in page.chars:
        if ch["text"].strip():
            a, b = ch["matrix"][:2]  # the advance direction, in PDF space (y upwards)
            angle = round(math.degrees(math.atan2(-b, a)) / 90) % 4 * 90
            votes[angle] = votes.get(angle, 0) + 1
    return max(votes, key=votes.get) if votes else 0


def turned(page, degrees: int):
    """``page`` laid out again as if displayed turned ``degrees`` further clockwise: the
    /Rotate pdfminer lays it out under is changed, so characters, lines, boxes and shapes all
    come out in the turned page's coordinates (and its width and height swap at 90 and
    270). ``page.rotation`` of the result is the page's whole turn from its content space."""
    if not degrees % 360:
        return page
    obj = copy.copy(page.page_obj)
    obj.rotate = (page.rotation + degrees) % 360
    obj.attrs = {**obj.attrs, "Rotate": obj.rotate}
    if isinstance(page, pdftext.PdfiumTextPage):
        return page.turned_copy(obj)
    return PlumberPage(page.pdf, obj, page.page_number, page.initial_doctop)


def upright(page):
    """``page`` turned so that most of its text reads left to right (itself when it does)."""
    return turned(page, -text_direction(page) % 360)


def _inside(inner: dict, outer: dict, slack: float = 1.0) -> bool:
    return (inner["x0"] >= outer["x0"] - slack and inner["x1"] <= outer["x1"] + slack
            and inner["top"] >= outer["top"] - slack and inner["bottom"] <= outer["bottom"] + slack)


def _box(obj: dict) -> tuple[float, float, float, float]:
    return (float(obj["x0"]), float(obj["top"]), float(obj["x1"]), float(obj["bottom"]))


def _area(obj) -> float:
    return (float(obj["x1"]) - float(obj["x0"])) * (float(obj["bottom"]) - float(obj["top"]))


def _line_colours(page, lines: list[dict]) -> list[str | None]:
    """The colour most characters of each text line are filled with (None when black)."""
    chars = sorted(page.chars, key=lambda ch: float(ch["top"]))
    tops = [float(ch["top"]) for ch in chars]
    out: list[str | None] = []
    named: dict = {}  # a page's few colours, each made hex once (not once a character)
    for ln in lines:
        lo = bisect.bisect_left(tops, float(ln["top"]) - 1.0)
        hi = bisect.bisect_right(tops, float(ln["bottom"]))
        counts: dict[str | None, int] = {}
        for ch in chars[lo:hi]:
            cx = (float(ch["x0"]) + float(ch["x1"])) / 2
            if float(ln["x0"]) - 1 <= cx <= float(ln["x1"]) + 1 and ch["text"].strip():
                value = ch.get("non_stroking_color")
                try:  # (1, 0, 0) and (1.0, 0.0, 0.0) are one key: they are one hex too
                    colour = named[value] if value in named else named.setdefault(
                        value, colors.from_pdf(value))
                except TypeError:  # a colour that is no key (a list)
                    colour = colors.from_pdf(value)
                counts[colour] = counts.get(colour, 0) + 1
        best = max(counts, key=counts.get) if counts else None
        out.append(None if best == "000000" else best)
    return out


def page_shapes(page) -> list[Shape]:
    """Rectangles, paths and lines the page draws, with their fill and stroke colours; white
    fills with no outline (page backgrounds) are left out."""
    shapes = []
    for kind, objs in (("rect", page.rects), ("path", page.curves), ("line", page.lines)):
        for obj in objs:
            fill = colors.from_pdf(obj.get("non_stroking_color")) if obj.get("fill") else None
            line = colors.from_pdf(obj.get("stroking_color")) if obj.get("stroke") else None
            if fill and colors.is_neutral(fill, 0.99):
                fill = None
            if kind != "line" and not fill and not line:
                continue
            geometry = _path_geometry(obj) if kind == "path" else kind
            box = _box(obj)
            if kind == "rect" and min(box[2] - box[0], box[3] - box[1]) <= 2.5:
                geometry = "line"  # a hairline drawn as a thin rectangle
            shapes.append(Shape(box, fill, line, geometry))
    return shapes


def _path_geometry(obj: dict) -> str:
    """"homePlate" for a path that ends in a point on the right (an arrow, a pentagon, a
    chevron: how PDF exports draw them), else "path"."""
    pts = obj.get("pts") or []
    if any(op[0] == "c" for op in obj.get("path") or []):
        return "ellipse" if len(pts) <= 6 else "path"  # curved: a circle, a rounded box
    if len(pts) < 5:
        return "path"
    x0, x1 = float(obj["x0"]), float(obj["x1"])
    top, bottom = float(obj["top"]), float(obj["bottom"])
    height = bottom - top
    # pdfplumber's points are (x, top) pairs
    right = [p for p in pts if float(p[0]) >= x1 - 0.5]
    if height > 0 and right and all(abs(float(p[1]) - (top + bottom) / 2) < 0.2 * height
                                    for p in right):
        return "homePlate"
    return "path" if x1 > x0 else "line"


def text_layer_blocks(page, shapes: list[Shape] | None = None) -> list[Block]:
    """pdfminer text boxes as Blocks, each with its text lines (top-left coordinates); a
    line that runs across a table cell's edge (in ``shapes``) is cut there, and its box with
    it (see ``_cut_at_cell_edges``)."""
    boxes = page.objects.get("textboxhorizontal", [])
    lines = page.objects.get("textlinehorizontal", [])
    # pdfplumber lists boxes and lines apart; boxes can overlap, and a line belongs to one
    owner: dict[int, int] = {}
    for i, ln in enumerate(lines):
        inside = [j for j, box in enumerate(boxes) if _inside(ln, box)]
        if inside:
            owner[i] = min(inside, key=lambda j: _area(boxes[j]))
    colour = dict(zip(map(id, lines), _line_colours(page, lines), strict=True))
    blocks = []
    for j, box in enumerate(boxes):
        members = [ln for i, ln in enumerate(lines) if owner.get(i) == j]
        members.sort(key=lambda ln: (round(ln["top"], 1), ln["x0"]))
        block_lines = [Line(_line_text(ln["text"]), _box(ln), color=colour[id(ln)])
                       for ln in members if _line_text(ln["text"])]
        if block_lines:
            blocks += _cut_at_cell_edges(Block("textbox", block_lines, _box(box)), page,
                                         shapes or [])
    return blocks


def _cell_edges(line: Line, shapes: list[Shape]) -> list[float]:
    """x of the cell edges drawn across ``line``: vertical rules and the sides of filled
    rectangles that reach over its middle, well inside its ends."""
    x0, top, x1, bottom = line.bbox
    middle = (top + bottom) / 2
    edges = set()
    for shape in shapes:
        sx0, sy0, sx1, sy1 = shape.bbox
        if not sy0 <= middle <= sy1:
            continue
        if shape.geometry == "line" and sx1 - sx0 <= 2.5:
            edges.add(round((sx0 + sx1) / 2, 1))
        elif shape.fill and shape.geometry == "rect":
            edges.update((round(sx0, 1), round(sx1, 1)))
    return sorted(e for e in edges if x0 + 2 < e < x1 - 2)


def _cut_at_cell_edges(block: Block, page, shapes: list[Shape]) -> list[Block]:
    """The block, or its pieces when a line runs over a table cell's edge: pdfminer joins
    a cell's text with the next cell's on the same baseline when the cells' padding is
    narrow ("HELSE MIDT-NORGE" and "- Timevisning ..."). A line is cut at an edge only where
    no character crosses it and the characters on either side stand at least
    ``CELL_GAP`` line heights apart; the pieces keep pdfminer's text. Every line of the
    block then goes with the piece of the page between the cuts that holds its middle."""
    if not shapes:
        return [block]
    cuts: set[float] = set()
    pieces: list[Line] = []
    for line in block.lines:
        edges = _cell_edges(line, shapes) if line.bbox else []
        if not edges:
            pieces.append(line)
            continue
        x0, top, x1, bottom = line.bbox
        chars = sorted((ch for ch in page.chars if ch["text"].strip()
                        and top - 1 <= (float(ch["top"]) + float(ch["bottom"])) / 2 <= bottom + 1
                        and x0 - 1 <= (float(ch["x0"]) + float(ch["x1"])) / 2 <= x1 + 1),
                       key=lambda ch: float(ch["x0"]))
        splits = []  # (number of characters left of the cut, the cut's x)
        if sum(1 for ch in line.text if ch.strip()) != len(chars):
            edges = []  # the text is not the characters one for one (a ligature spelled out)
        for edge in edges:
            left = [ch for ch in chars if float(ch["x1"]) <= edge + 0.5]
            right = [ch for ch in chars if float(ch["x0"]) >= edge - 0.5]
            if left and right and len(left) + len(right) == len(chars) and \
                    float(right[0]["x0"]) - float(left[-1]["x1"]) >= CELL_GAP * (bottom - top):
                splits.append((len(left), edge))
        if not splits:
            pieces.append(line)
            continue
        pieces += _split_line(line, splits, chars)
        cuts.update(edge for _, edge in splits)
    if not cuts:
        return [block]
    bounds = sorted(cuts)
    groups: dict[int, list[Line]] = {}
    for line in pieces:
        centre = (line.bbox[0] + line.bbox[2]) / 2
        groups.setdefault(bisect.bisect(bounds, centre), []).append(line)
    return [Block(block.kind, lines, union([ln.bbox for ln in lines]))
            for _, lines in sorted(groups.items())]


def _split_line(line: Line, splits: list[tuple[int, float]], chars: list[dict]) -> list[Line]:
    """``line`` cut after the given numbers of (non-blank) characters."""
    out, start, seen, k = [], 0, 0, 0
    counts = sorted(splits)
    positions = []
    for i, ch in enumerate(line.text):
        if k < len(counts) and seen == counts[k][0]:
            positions.append(i)
            k += 1
        seen += bool(ch.strip())
    positions.append(len(line.text))
    bounds = [0] + [n for n, _ in counts] + [len(chars)]
    for n, end in enumerate(positions):
        text = line.text[start:end].strip()
        part = chars[bounds[n]:bounds[n + 1]]
        if text and part:
            box = (min(float(c["x0"]) for c in part), line.bbox[1],
                   max(float(c["x1"]) for c in part), line.bbox[3])
            out.append(Line(text, box, color=line.color))
        start = end
    return out


def has_usable_text(page) -> bool:
    return _usable(page.extract_text() or "")


def _usable(text: str) -> bool:
    return len(_ALNUM.findall(text)) >= MIN_TEXT_CHARS


def ocr_page(page, dpi: int = ocr.DEFAULT_DPI,
             content_key: str | None = None) -> tuple[list[Block], float | None, list, int]:
    """OCR one page as displayed, turned upright first when it lies turned (see
    :func:`ocr.read_page`: blocks, confidence, rules, clockwise turn); with ``content_key``
    (the document's hash) the result is cached per page, language, resolution, tesseract
    version and OCR method."""
    name = None
    if content_key:
        version = ocr.check_tesseract(ocr.OCR_LANG)
        name = cache.key(content_key, page.page_number, dpi, ocr.OCR_LANG, version, ocr.METHOD)
        hit = cache.load("ocr", name)
        if hit is not None:
            return hit
    with pdftext.LOCK:  # pdfplumber renders with pdfium
        image = page.to_image(resolution=limits.render_dpi(float(page.width),
                                                           float(page.height), dpi)).original
    scale = float(page.width) / image.width
    result = ocr.read_page(image, scale)
    if name:
        cache.save("ocr", name, result)
    return result


def has_page_image(page, share: float = PAGE_IMAGE_SHARE) -> bool:
    """Whether an image covers most of the page (a scan under its text layer)."""
    area = float(page.width) * float(page.height)
    return any((float(im["x1"]) - float(im["x0"])) * (float(im["bottom"]) - float(im["top"]))
               >= share * area for im in page.images)


@contextlib.contextmanager
def _pdfium(path: Path) -> Iterator[pdfium.PdfDocument | None]:
    """``path`` opened by pdfium from its ``%PDF-`` header, or None when pdfium cannot."""
    with path.open("rb") as fh:
        offset = pdf_header_offset(fh.read(PDF_HEADER_WINDOW)) or 0
    pdf = pdftext.open_document(path, offset)
    try:
        yield pdf
    finally:
        if pdf is not None:
            pdftext.close(pdf)


def pages_with_images(path: Path, count: int) -> set[int] | None:
    """Numbers of the pages that draw an image at all (at any depth of Form XObjects), found
    by pdfium without laying a page out; None when pdfium cannot tell (it cannot open the
    file, or finds another number of pages than pdfminer): then every page may have one."""
    with pdftext.LOCK, _pdfium(path) as pdf:
        areas = None if pdf is None else _image_areas(pdf, count)
    return None if areas is None else set(areas)


def _image_areas(pdf: pdfium.PdfDocument, count: int) -> dict[int, float] | None:
    """The area, in square points, of the largest image each page that draws one draws (at
    any depth of Form XObjects): the unit square through the image's matrix and its forms',
    as pdfminer boxes it. None when pdfium finds another number of pages or fails."""
    try:
        if len(pdf) != count:
            return None
        found = {}
        for index in range(count):
            page = pdf[index]
            try:
                area = pdftext.largest_image(page.raw)
            finally:
                page.close()
            if area is not None:
                found[index + 1] = area
        return found
    except pdfium.PdfiumError:
        return None


def _damaged_over_images(pdf_pages, text_check: Callable[[str], bool] | None,
                         image_areas: dict[int, float] | None = None) -> set[int]:
    """Numbers of the pages whose text layer reads as OCR-damaged and lies over a page image
    (a scan OCR'd without Norwegian): those are OCR'd again. One OCR engine made the whole
    layer, so the pages are judged together as well as one by one: a slide with one damaged
    word is redone when the deck as a whole reads as damaged. ``image_areas``: each page's
    largest image (see :func:`_image_areas`), so that only a page under a page image is laid
    out (to read its text), and closed again; None: every page is laid out to tell."""
    if text_check is None:
        return set()
    texts = {}
    for p in pdf_pages:
        if image_areas is None:
            under_image = has_page_image(p)
        else:
            under_image = image_areas.get(p.page_number, 0.0) >= \
                PAGE_IMAGE_SHARE * float(p.width) * float(p.height)
        if under_image and _usable(text := p.extract_text() or ""):
            texts[p.page_number] = text
        p.close()
    if texts and text_check("\n".join(texts.values())):
        return set(texts)
    return {number for number, text in texts.items() if text_check(text)}


def _text_layer_page(pdf_page, text: pdftext.PageText | None = None) -> Page:
    """A page read from its text layer, upright; with ``text`` (the page as pdfium read it)
    pdfminer interprets nothing (see :mod:`extractors.pdftext`)."""
    if text is not None:
        pdf_page = pdftext.PdfiumTextPage.of(pdf_page, text)
    page = upright(pdf_page)
    shapes = page_shapes(page)
    blocks = merge_stacked_blocks(text_layer_blocks(page, shapes), shapes)
    for made in {id(page): page, id(pdf_page): pdf_page}.values():
        made.close()
    return Page(page.page_number, float(page.width), float(page.height), blocks,
                text_source="text-layer", shapes=shapes, rotation=page.rotation)


def _ocr_page(pdf_page, dpi: int, content_key: str, redo: bool, path: Path) -> Page:
    """A page read by OCR of its image, turned upright when it lies turned (its drawn shapes,
    size and rotation then those of the turned page)."""
    try:
        blocks, conf, rules, turn = ocr_page(pdf_page, dpi, content_key)
    except OcrError as err:
        raise OcrError(f"{path}: page {pdf_page.page_number}: {err}") from None
    except (pdfium.PdfiumError, MalformedPDFException) as err:
        # pdfminer found the page, pdfium (which renders it) does not: a damaged page tree
        raise InputFileError(str(path), f"page {pdf_page.page_number} cannot be rendered for "
                                        f"OCR ({' '.join(str(err).split())})") from None
    page = turned(pdf_page, turn)
    shapes = page_shapes(page) + rules
    if page is not pdf_page:
        page.close()
    return Page(page.page_number, float(page.width), float(page.height),
                merge_stacked_blocks(blocks, shapes), text_source="re-ocr" if redo else "ocr",
                ocr=True, ocr_confidence=conf, shapes=shapes, rotation=page.rotation)


def extract_pdf(path: Path, origin: Origin, *, ocr_dpi: int = ocr.DEFAULT_DPI,
                text_check: Callable[[str], bool] | None = None) -> Document:
    """The document's pages, read one at a time: each page's laid-out objects are let go
    once its Page is made (pdfplumber keeps them on the page otherwise, which for a 500-page
    PDF came to more than 1 GB)."""
    pages = []
    with opened(path) as pdf, _pdfium(path) as chars:
        try:
            found = pdf_pages(pdf, path)
            if chars is not None and len(chars) != len(found):
                chars = None  # pdfium and pdfminer see other page trees: pdfminer reads
            image_areas = None  # pdfium, already open, tells (None: it cannot)
            if text_check is not None and chars is not None:
                with pdftext.LOCK:
                    image_areas = _image_areas(chars, len(found))
            redo_pages = _damaged_over_images(found, text_check, image_areas)
            fonts: dict[int, tuple] = {}  # each resource dictionary's fonts, walked once
            for index, pdf_page in enumerate(found):
                limits.check_time()
                redo = pdf_page.page_number in redo_pages
                text = (pdftext.read_page(chars, index,
                                          pdftext.font_descents(pdf_page.page_obj, fonts))
                        if chars is not None else None)
                usable = _usable(text.text) if text is not None else has_usable_text(pdf_page)
                if usable and not redo:
                    page = _text_layer_page(pdf_page, text)
                else:
                    page = _ocr_page(pdf_page, ocr_dpi, origin.sha256, redo, path)
                pdf_page.close()
                pages.append(page.finalize())
        except PdfminerException as err:
            raise InputFileError(str(path), _pdf_reason(err)) from None
    any_ocr = any(p.ocr for p in pages)
    return Document(origin=origin, pages=pages, extractor="pdf+ocr" if any_ocr else "pdf")
