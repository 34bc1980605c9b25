"""A PDF text page read by pdfium, laid out by pdfminer.

pdfminer spends most of a text page's time interpreting its content stream, and pdfplumber
as much again turning every character into a dict. pdfium reads the same page in a tenth of
that, so a page read from its text layer is read by pdfium: its characters, each with the
box pdfminer would give it (origin, advance, the font's descent and size, through the
character's matrix), its fill colour and its matrix; the paths it paints, in user space, with
their colours and how they are painted; and the Form XObjects that hold either. pdfminer's
own code then makes of them what it would have made of the page: ``paint_path`` tells lines,
rectangles and curves apart, and the layout analysis (the same ``LAParams``) groups the
characters into lines and boxes, those of a form in its own figure. What comes out is a
pdfplumber page like any other: ``chars``, ``objects``, ``rects``, ``curves``, ``lines``.

A file pdfium cannot open, or whose pages it counts otherwise than pdfminer, is read by
pdfminer alone (see :func:`extractors.pdf.extract_pdf`).
"""

from __future__ import annotations

import contextlib
import ctypes
import math
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTChar, LTFigure, LTLayoutContainer, LTPage
from pdfminer.pdffont import FontMetricsDB
from pdfminer.pdfinterp import PDFGraphicState
from pdfminer.pdftypes import PDFException, PDFStream, dict_value, list_value, resolve1
from pdfminer.psexceptions import PSException
from pdfminer.psparser import PSLiteral, literal_name
from pdfminer.utils import apply_matrix_pt, mult_matrix
from pdfplumber.page import Page as PlumberPage

#: The tag a PDF producer puts before the name of a font it embeds a subset of.
_SUBSET = re.compile(r"^[A-Z]{6}\+")
#: pdfium's stand-ins: a hyphen at a line's end is reported as U+0002; no Unicode as 0.
_HYPHEN, _NO_UNICODE = 0x02, (0, 0xFFFE, 0xFFFF)


class Char(NamedTuple):
    """One character as pdfium read it, in the page's user space (y upwards). A named tuple:
    a page has about a thousand, and a frozen dataclass took a tenth of reading them to
    make."""

    text: str
    #: pdfminer's box: advance by the font size above the font's descent, through the
    #: character's matrix.
    box: tuple[float, float, float, float]
    #: The linear part of the character's text rendering matrix (a, b, c, d).
    matrix: tuple[float, float, float, float]
    origin: tuple[float, float]
    colour: tuple[float, float, float] | None
    font: str
    #: The Form XObjects the character is drawn in, outermost first, as their positions
    #: among the forms of the page or form that holds them (() on the page itself).
    form: tuple[int, ...]


@dataclass(frozen=True)
class Drawing:
    """A path the page paints, in user space, as pdfminer's ``paint_path`` takes it."""

    ops: list[tuple]
    stroke: bool
    fill: bool
    evenodd: bool
    stroke_colour: tuple[float, ...]
    fill_colour: tuple[float, ...]
    width: float


@dataclass
class Form:
    """The page or one Form XObject on it: the paths it paints and the forms it holds, in
    the order it draws them."""

    items: list[Drawing | Form] = field(default_factory=list)

    @property
    def forms(self) -> list[Form]:
        return [item for item in self.items if isinstance(item, Form)]


@dataclass(frozen=True)
class PageText:
    chars: list[Char]
    #: What the page draws (see :class:`Form`); :attr:`Char.form` is a path into it.
    drawn: Form

    @property
    def text(self) -> str:
        return "".join(ch.text for ch in self.chars)


#: pdfium is not thread-safe (two documents read at once in the flow's threads crashed the
#: process), so every call into it, pdfplumber's rendering for OCR included, holds this.
LOCK = threading.RLock()


def open_document(path: Path, offset: int = 0) -> pdfium.PdfDocument | None:
    """``path`` opened by pdfium from its ``%PDF-`` header (``offset``), or None."""
    with LOCK:
        try:
            return pdfium.PdfDocument(path.read_bytes()[offset:] if offset else str(path))
        except pdfium.PdfiumError:
            return None


def close(pdf: pdfium.PdfDocument) -> None:
    with LOCK:
        pdf.close()


def _address(handle) -> int:
    return ctypes.cast(handle, ctypes.c_void_p).value or 0


def _forms(page) -> tuple[dict[int, tuple[int, ...]], Form]:
    """Text object -> the path of the Form XObjects it lies in, and what the page draws."""
    where: dict[int, tuple[int, ...]] = {}

    def walk(count: int, get, path: tuple[int, ...], chain) -> Form:
        form = Form()
        for i in range(count):
            obj = get(i)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
                where[_address(obj)] = path
            elif kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                drawing = _drawing(obj, chain)
                if drawing is not None:
                    form.items.append(drawing)
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                inner = mult_matrix(_object_matrix(obj), chain)
                form.items.append(walk(pdfium_c.FPDFFormObj_CountObjects(obj),
                                       lambda k, o=obj: pdfium_c.FPDFFormObj_GetObject(o, k),
                                       path + (len(form.forms),), inner))
        return form

    drawn = walk(pdfium_c.FPDFPage_CountObjects(page),
                 lambda k: pdfium_c.FPDFPage_GetObject(page, k), (), (1, 0, 0, 1, 0, 0))
    return where, drawn


def largest_image(page) -> float | None:
    """The area of the largest image ``page`` (a raw pdfium page) draws, in square points of
    user space, at any depth of Form XObjects; None when it draws none."""
    largest = None

    def walk(count: int, get, chain) -> None:
        nonlocal largest
        for i in range(count):
            obj = get(i)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                x0, y0, x1, y1 = _matrix_rect(mult_matrix(_object_matrix(obj), chain),
                                              (0.0, 0.0, 1.0, 1.0))
                largest = max(largest or 0.0, (x1 - x0) * (y1 - y0))
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                walk(pdfium_c.FPDFFormObj_CountObjects(obj),
                     lambda k, o=obj: pdfium_c.FPDFFormObj_GetObject(o, k),
                     mult_matrix(_object_matrix(obj), chain))

    walk(pdfium_c.FPDFPage_CountObjects(page), lambda k: pdfium_c.FPDFPage_GetObject(page, k),
         (1, 0, 0, 1, 0, 0))
    return largest


def _object_matrix(obj) -> tuple[float, ...]:
    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, m):
        return (1, 0, 0, 1, 0, 0)
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _colour(get, obj) -> tuple[float, ...] | None:
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not get(obj, r, g, b, a):
        return None
    return (r.value / 255, g.value / 255, b.value / 255)


def _drawing(obj, chain) -> Drawing | None:
    """A path object as the operators pdfminer would have seen (``m``, ``l``, ``c``, ``h``),
    its points through its own matrix and its forms' into user space."""
    fillmode, stroke = ctypes.c_int(), ctypes.c_int()
    if not pdfium_c.FPDFPath_GetDrawMode(obj, fillmode, stroke):
        return None
    matrix = mult_matrix(_object_matrix(obj), chain)
    x, y = ctypes.c_float(), ctypes.c_float()
    ops: list[tuple] = []
    curve: list[float] = []
    for k in range(pdfium_c.FPDFPath_CountSegments(obj)):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj, k)
        pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
        point = apply_matrix_pt(matrix, (x.value, y.value))
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            ops.append(("m", *point))
        elif kind == pdfium_c.FPDF_SEGMENT_LINETO:
            ops.append(("l", *point))
        elif kind == pdfium_c.FPDF_SEGMENT_BEZIERTO:
            curve += point
            if len(curve) == 6:  # two control points and the end: one "c"
                ops.append(("c", *curve))
                curve = []
        if pdfium_c.FPDFPathSegment_GetClose(segment):
            ops.append(("h",))
    width = ctypes.c_float()
    pdfium_c.FPDFPageObj_GetStrokeWidth(obj, width)
    evenodd = fillmode.value == pdfium_c.FPDF_FILLMODE_ALTERNATE
    return Drawing(ops, bool(stroke.value), fillmode.value != 0, evenodd,
                   _colour(pdfium_c.FPDFPageObj_GetStrokeColor, obj) or (0.0,),
                   _colour(pdfium_c.FPDFPageObj_GetFillColor, obj) or (0.0,), width.value)


def _unicode(code: int) -> str:
    if code == _HYPHEN:
        return "-"
    if code in _NO_UNICODE or 0xD800 <= code <= 0xDFFF:
        return "\ufffd"
    return chr(code)


def read_page(pdf: pdfium.PdfDocument, index: int,
              descents: dict[str, float] | None = None) -> PageText | None:
    """Page ``index`` (0-based) as pdfium reads it; None when pdfium fails. ``descents``:
    :func:`font_descents` of the page, for boxes exactly where pdfminer puts them."""
    with LOCK:
        try:
            page = pdf[index]
        except pdfium.PdfiumError:
            return None
        try:
            textpage = page.get_textpage()
            try:
                return _chars(page, textpage, descents or {})
            finally:
                textpage.close()
        finally:
            page.close()


def _chars(page, textpage, descents: dict[str, float]) -> PageText:
    where, drawn = _forms(page.raw)
    tp = textpage.raw
    x, y = ctypes.c_double(), ctypes.c_double()
    rect = pdfium_c.FS_RECTF()
    matrix = pdfium_c.FS_MATRIX()
    descent = ctypes.c_float()
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    fonts: dict[int, tuple[str, object]] = {}
    chars = []
    # pdfium's calls and the pointer's address looked up once, not once a character
    is_generated, get_unicode = pdfium_c.FPDFText_IsGenerated, pdfium_c.FPDFText_GetUnicode
    text_object, font_size = pdfium_c.FPDFText_GetTextObject, pdfium_c.FPDFText_GetFontSize
    char_origin, loose_box = pdfium_c.FPDFText_GetCharOrigin, pdfium_c.FPDFText_GetLooseCharBox
    char_matrix, fill_colour = pdfium_c.FPDFText_GetMatrix, pdfium_c.FPDFText_GetFillColor
    address = ctypes.c_void_p.from_buffer  # what _address gives, without ctypes.cast
    for k in range(pdfium_c.FPDFText_CountChars(tp)):
        if is_generated(tp, k) == 1:
            continue  # a space or line break pdfium put in: pdfminer decides those itself
        # (pdfium's FPDFText_HasUnicodeMapError flags good ToUnicode entries too: not used)
        text = _unicode(get_unicode(tp, k))
        obj = text_object(tp, k)
        size = font_size(tp, k)
        char_origin(tp, k, x, y)
        loose_box(tp, k, rect)
        char_matrix(tp, k, matrix)
        key = address(obj).value or 0 if obj else 0
        if key not in fonts:
            font = pdfium_c.FPDFTextObj_GetFont(obj)
            name = _font_name(font)
            fonts[key] = (name, font, descents.get(_SUBSET.sub("", name),
                                                   _standard_descent(name)))
        name, font, standard = fonts[key]
        if standard is not None:
            below = standard * size
        else:
            pdfium_c.FPDFFont_GetDescent(font, ctypes.c_float(size), descent)
            below = -abs(descent.value)  # pdfminer takes a positive /Descent as negative
        m = (matrix.a, matrix.b, matrix.c, matrix.d)
        scale = math.hypot(m[0], m[1]) or 1.0
        # the advance along the baseline, in text space: the loose box's extent that way
        along = rect.right - rect.left if abs(m[0]) >= abs(m[1]) else rect.top - rect.bottom
        advance = abs(along) / scale
        box = _matrix_rect((*m, x.value, y.value), (0.0, below, advance, below + size))
        colour = None
        if fill_colour(tp, k, r, g, b, a):
            colour = (r.value / 255, g.value / 255, b.value / 255)
        chars.append(Char(text, box, m, (x.value, y.value), colour, name,
                          where.get(key, ())))
    return PageText(chars, drawn)


def font_descents(page_obj, known: dict[int, tuple] | None = None) -> dict[str, float]:
    """Each font of a page's resources (and its forms'), by its /BaseFont: the descent per
    unit of font size pdfminer gives it (the 14 standard fonts' own metrics for a simple font
    of such a name, else its descriptor's /Descent, taken as negative). pdfium measures a
    font by its program, which for some embedded fonts sits lower or higher.

    ``known``: kept from page to page of one document, the fonts of each resource dictionary
    already walked. LibreOffice gives every page and form one dictionary that lists every
    form of the document, so each page walked them all again (9 % of a text page's CPU)."""
    resources = page_obj.resources
    if known is not None and id(resources) in known:
        return known[id(resources)][1]
    out: dict[str, float] = {}
    seen: set[int] = set()

    def visit(resources) -> None:
        resources = dict_value(resources)
        for ref in dict_value(resources.get("Font")).values():
            spec = dict_value(ref)
            name = spec.get("BaseFont")
            if not isinstance(name, PSLiteral) or id(spec) in seen:
                continue
            seen.add(id(spec))
            descent = _descent_of(spec, literal_name(name))
            if descent is not None:  # pdfium names a subset without its "ABCDEF+" prefix
                out.setdefault(_SUBSET.sub("", literal_name(name)), descent)
        for ref in dict_value(resources.get("XObject")).values():
            stream = resolve1(ref)
            if (isinstance(stream, PDFStream) and id(stream) not in seen
                    and literal_name(stream.get("Subtype")) == "Form"):
                seen.add(id(stream))
                visit(stream.get("Resources"))

    # a damaged resource dictionary: pdfium's own measure of those fonts
    with contextlib.suppress(PSException, PDFException, TypeError, ValueError, KeyError):
        visit(resources)
    if known is not None:  # (the dictionary itself kept, so that its id stays its own)
        known[id(resources)] = (resources, out)
    return out


def _descent_of(spec: dict, name: str) -> float | None:
    subtype = literal_name(spec.get("Subtype"))
    if subtype in ("Type1", "MMType1", "TrueType"):
        standard = _standard_descent(name)
        if standard is not None:
            return standard
        descriptor = dict_value(spec.get("FontDescriptor"))
    elif subtype == "Type0":
        descendants = list_value(spec.get("DescendantFonts"))
        descriptor = dict_value(dict_value(descendants[0]).get("FontDescriptor")) \
            if descendants else {}
    else:
        return None  # Type3: measured by its font matrix
    if "Descent" not in descriptor:
        return None
    return -abs(float(resolve1(descriptor["Descent"]))) / 1000


def _standard_descent(name: str) -> float | None:
    """The descent (per unit of font size) pdfminer gives a font named as one of the 14
    standard fonts: its own metrics' (a simple font of that name is measured by them, not by
    its descriptor); None for any other font."""
    try:
        descriptor, _ = FontMetricsDB.get_metrics(name)
    except KeyError:
        return None
    return -abs(float(descriptor.get("Descent", 0))) / 1000


def _font_name(font) -> str:
    size = pdfium_c.FPDFFont_GetBaseFontName(font, None, 0)
    if size <= 1:
        return ""
    buf = ctypes.create_string_buffer(size)
    pdfium_c.FPDFFont_GetBaseFontName(font, buf, size)
    return buf.value.decode("utf-8", "replace")


def _matrix_rect(m, rect) -> tuple[float, float, float, float]:
    """The box around ``rect`` mapped by ``m`` (as pdfminer's ``apply_matrix_rect``)."""
    x0, y0, x1, y1 = rect
    a, b, c, d, e, f = m
    if b == 0 and c == 0:  # no turn: most characters, and every page not turned
        xa, xb, ya, yb = a * x0 + e, a * x1 + e, d * y0 + f, d * y1 + f
        return (min(xa, xb), min(ya, yb), max(xa, xb), max(ya, yb))
    pts = [apply_matrix_pt(m, p) for p in ((x0, y0), (x1, y0), (x0, y1), (x1, y1))]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return (min(xs), min(ys), max(xs), max(ys))


class _Colours:
    """What pdfplumber reads of a character's graphic state: its colours."""

    def __init__(self, fill: tuple[float, float, float] | None) -> None:
        self.ncolor = fill if fill is not None else (0.0,)
        self.scolor = (0.0,)


class _Char(LTChar):
    """A pdfium character as pdfminer's layout analysis takes it (device space)."""

    def __init__(self, ch: Char, ctm) -> None:  # noqa: D107 - LTChar's own init reads a font
        # pdfminer's mult_matrix, apply_matrix_pt and LTComponent's set_bbox written out (the
        # same sums in the same order: the same floats), once per character of every page
        a1, b1, c1, d1 = ch.matrix
        a0, b0, c0, d0, e0, f0 = ctm
        ox, oy = ch.origin
        self._text = ch.text
        a, b, c, d = a0 * a1 + c0 * b1, b0 * a1 + d0 * b1, a0 * c1 + c0 * d1, b0 * c1 + d0 * d1
        self.matrix = (a, b, c, d, a0 * ox + c0 * oy + e0, b0 * ox + d0 * oy + f0)
        self.fontname = ch.font
        self.graphicstate = _Colours(ch.colour)
        self.upright = a * d > 0 and b * c <= 0
        bbox = _matrix_rect(ctm, ch.box)
        x0, y0, x1, y1 = bbox
        self.x0, self.y0, self.x1, self.y1 = x0, y0, x1, y1
        self.width, self.height = x1 - x0, y1 - y0
        self.bbox = bbox
        self.adv = self.width
        self.size = self.height  # as pdfminer has it for a horizontal font


def _bounds(container) -> tuple[float, float, float, float] | None:
    boxes = [o.bbox for o in container]
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
            max(b[3] for b in boxes))


def _ctm(page_obj) -> tuple[float, ...]:
    """pdfminer's device matrix for a page (its /Rotate and media box)."""
    (x0, y0, x1, y1) = page_obj.mediabox
    return {90: (0, -1, 1, 0, -y0, x1), 180: (-1, 0, 0, -1, x1, y1),
            270: (0, 1, -1, 0, y1, -x0)}.get(page_obj.rotate, (1, 0, 0, 1, -x0, -y0))


class PdfiumTextPage(PlumberPage):
    """A pdfplumber page whose characters come from pdfium (see the module)."""

    text: PageText

    @classmethod
    def of(cls, page: PlumberPage, text: PageText) -> PdfiumTextPage:
        made = cls(page.pdf, page.page_obj, page.page_number, page.initial_doctop)
        made.text = text
        return made

    def turned_copy(self, page_obj) -> PdfiumTextPage:
        made = type(self)(self.pdf, page_obj, self.page_number, self.initial_doctop)
        made.text = self.text
        return made

    @property
    def layout(self) -> LTPage:
        """The page as pdfminer lays it out, made from what pdfium read: the page and a
        figure per Form XObject, the paths each paints (classified by pdfminer's own
        ``paint_path``: lines, rectangles, curves), the characters, then the analysis."""
        if hasattr(self, "_layout"):
            return self._layout
        ctm = _ctm(self.page_obj)
        x0, y0, x1, y1 = _matrix_rect(ctm, self.page_obj.mediabox)
        layout = LTPage(self.page_number, (0, 0, abs(x1 - x0), abs(y1 - y0)))
        device = PDFPageAggregator(self.pdf.rsrcmgr, pageno=self.page_number)
        device.ctm = ctm
        containers: dict[tuple[int, ...], LTLayoutContainer] = {}

        def fill(container, form: Form, path: tuple[int, ...]) -> None:
            containers[path] = container
            forms = 0
            for item in form.items:
                if isinstance(item, Form):
                    figure = LTFigure(f"form{len(containers)}", (0, 0, 0, 0), (1, 0, 0, 1, 0, 0))
                    fill(figure, item, path + (forms,))
                    forms += 1
                    figure.set_bbox(_bounds(figure) or (0, 0, 0, 0))
                    container.add(figure)
                else:
                    device.cur_item = container
                    state = PDFGraphicState()
                    state.linewidth = item.width
                    state.scolor, state.ncolor = item.stroke_colour, item.fill_colour
                    device.paint_path(state, item.stroke, item.fill, item.evenodd, item.ops)

        fill(layout, self.text.drawn, ())
        for ch in self.text.chars:
            containers.get(ch.form, layout).add(_Char(ch, ctm))
        layout.analyze(self.pdf.laparams)
        self._layout = layout
        return layout

    def process_object(self, obj):
        if not isinstance(obj, _Char):
            return super().process_object(obj)
        # what pdfplumber makes of a character, without resolving each attribute again
        top = self.height - obj.y1 + self.mediabox[1]
        bottom = self.height - obj.y0 + self.mediabox[1]
        dx = self.mediabox[0]
        return {"object_type": "char", "page_number": self.page_number, "text": obj._text,
                "fontname": obj.fontname, "size": obj.size, "adv": obj.adv,
                "upright": obj.upright, "matrix": obj.matrix, "x0": obj.x0 + dx,
                "x1": obj.x1 + dx, "y0": obj.y0, "y1": obj.y1, "width": obj.width,
                "height": obj.height, "top": top, "bottom": bottom,
                "doctop": self.initial_doctop + top, "mcid": None, "tag": None,
                "stroking_color": obj.graphicstate.scolor,
                "non_stroking_color": obj.graphicstate.ncolor}
