"""A PDF page's characters read by pdfium, laid out by pdfminer.

pdfminer spends most of a text page's time interpreting its text operators, and pdfplumber
as much again turning every character into a dict. pdfium reads the same characters in a
tenth of that, so a page read from its text layer is made of both: pdfminer interprets the
page with its text operators skipped (the rectangles, paths, lines and images it draws, in
the Form XObjects that hold them), pdfium gives the characters, with the box pdfminer would
give each (origin, advance, the font's descent and size, through the character's matrix),
its fill colour and its matrix, and pdfminer's own layout analysis (the same ``LAParams``)
groups them into lines and boxes, each character in the Form XObject pdfium found it in.
What comes out is a pdfplumber page like any other: ``chars``, ``objects``, ``rects``.

Where pdfium cannot open a file, finds another number of pages or another nesting of Form
XObjects than pdfminer, the page is read by pdfminer alone (:func:`text_of` gives None).
"""

from __future__ import annotations

import ctypes
import math
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfminer.layout import LTChar, LTComponent, LTFigure, LTImage, LTPage, LTText
from pdfminer.pdffont import FontMetricsDB
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.utils import apply_matrix_pt, mult_matrix
from pdfplumber.page import Page as PlumberPage
from pdfplumber.page import PDFPageAggregatorWithMarkedContent
from pdfplumber.utils.exceptions import PdfminerException

#: pdfium's stand-ins: a hyphen at a line's end is reported as U+0002; no Unicode as 0.
_HYPHEN, _NO_UNICODE = 0x02, (0, 0xFFFE, 0xFFFF)


@dataclass(frozen=True)
class Char:
    """One character as pdfium read it, in the page's user space (y upwards)."""

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
class PageText:
    chars: list[Char]
    #: How many Form XObjects each page or form holds (by the path of :attr:`Char.form`).
    forms: dict[tuple[int, ...], int]

    @property
    def text(self) -> str:
        return "".join(ch.text for ch in self.chars)


def open_document(path: Path, offset: int = 0) -> pdfium.PdfDocument | None:
    """``path`` opened by pdfium from its ``%PDF-`` header (``offset``), or None."""
    try:
        return pdfium.PdfDocument(path.read_bytes()[offset:] if offset else str(path))
    except pdfium.PdfiumError:
        return None


def _address(handle) -> int:
    return ctypes.cast(handle, ctypes.c_void_p).value or 0


def _forms(page) -> tuple[dict[int, tuple[int, ...]], dict[tuple[int, ...], int]]:
    """Text object -> the path of Form XObjects it lies in; path -> how many forms it holds."""
    where: dict[int, tuple[int, ...]] = {}
    counts: dict[tuple[int, ...], int] = {}

    def walk(count: int, get, path: tuple[int, ...]) -> None:
        forms = 0
        for i in range(count):
            obj = get(i)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
                where[_address(obj)] = path
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                walk(pdfium_c.FPDFFormObj_CountObjects(obj),
                     lambda k, o=obj: pdfium_c.FPDFFormObj_GetObject(o, k), path + (forms,))
                forms += 1
        counts[path] = forms

    walk(pdfium_c.FPDFPage_CountObjects(page), lambda k: pdfium_c.FPDFPage_GetObject(page, k),
         ())
    return where, counts


def _unicode(code: int) -> str:
    if code == _HYPHEN:
        return "-"
    if code in _NO_UNICODE or 0xD800 <= code <= 0xDFFF:
        return "\ufffd"
    return chr(code)


def read_page(pdf: pdfium.PdfDocument, index: int) -> PageText | None:
    """The characters of page ``index`` (0-based) with their boxes; None when pdfium fails."""
    try:
        page = pdf[index]
    except pdfium.PdfiumError:
        return None
    try:
        textpage = page.get_textpage()
        try:
            return _chars(page, textpage)
        finally:
            textpage.close()
    finally:
        page.close()


def _chars(page, textpage) -> PageText:
    where, counts = _forms(page.raw)
    tp = textpage.raw
    x, y = ctypes.c_double(), ctypes.c_double()
    rect = pdfium_c.FS_RECTF()
    matrix = pdfium_c.FS_MATRIX()
    descent = ctypes.c_float()
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    fonts: dict[int, tuple[str, object]] = {}
    chars = []
    for k in range(pdfium_c.FPDFText_CountChars(tp)):
        if pdfium_c.FPDFText_IsGenerated(tp, k) == 1:
            continue  # a space or line break pdfium put in: pdfminer decides those itself
        # (pdfium's FPDFText_HasUnicodeMapError flags good ToUnicode entries too: not used)
        text = _unicode(pdfium_c.FPDFText_GetUnicode(tp, k))
        obj = pdfium_c.FPDFText_GetTextObject(tp, k)
        size = pdfium_c.FPDFText_GetFontSize(tp, k)
        pdfium_c.FPDFText_GetCharOrigin(tp, k, x, y)
        pdfium_c.FPDFText_GetLooseCharBox(tp, k, rect)
        pdfium_c.FPDFText_GetMatrix(tp, k, matrix)
        key = _address(obj)
        if key not in fonts:
            font = pdfium_c.FPDFTextObj_GetFont(obj)
            name = _font_name(font)
            fonts[key] = (name, font, _standard_descent(name))
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
        if pdfium_c.FPDFText_GetFillColor(tp, k, r, g, b, a):
            colour = (r.value / 255, g.value / 255, b.value / 255)
        chars.append(Char(text, box, m, (x.value, y.value), colour, name,
                          where.get(key, ())))
    return PageText(chars, counts)


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
        LTText.__init__(self)
        self._text = ch.text
        self.matrix = (*mult_matrix((*ch.matrix, 0, 0), ctm)[:4], *apply_matrix_pt(ctm,
                                                                              ch.origin))
        self.fontname = ch.font
        self.graphicstate = _Colours(ch.colour)
        a, b, c, d = self.matrix[:4]
        self.upright = a * d > 0 and b * c <= 0
        x0, y0, x1, y1 = _matrix_rect(ctm, ch.box)
        LTComponent.__init__(self, (x0, y0, x1, y1))
        self.adv = self.width
        self.size = self.height  # as pdfminer has it for a horizontal font


class _NoText(PDFPageInterpreter):
    """pdfminer's interpreter with its text operators skipped: only what the page draws."""

    def do_TJ(self, seq) -> None:  # the ', " and Tj operators call this one too
        return None


def _ctm(page_obj) -> tuple[float, ...]:
    """pdfminer's device matrix for a page (its /Rotate and media box)."""
    (x0, y0, x1, y1) = page_obj.mediabox
    return {90: (0, -1, 1, 0, -y0, x1), 180: (-1, 0, 0, -1, x1, y1),
            270: (0, 1, -1, 0, y1, -x0)}.get(page_obj.rotate, (1, 0, 0, 1, -x0, -y0))


def _is_image_figure(fig: LTFigure) -> bool:
    """pdfminer wraps each image in a figure of its own name; a form's figure is a form."""
    return (len(fig._objs) == 1 and isinstance(fig._objs[0], LTImage)
            and fig._objs[0].name == fig.name)


def _form_figures(container) -> list[LTFigure]:
    return [o for o in container if isinstance(o, LTFigure) and not _is_image_figure(o)]


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
        if hasattr(self, "_layout"):
            return self._layout
        device = PDFPageAggregatorWithMarkedContent(self.pdf.rsrcmgr, pageno=self.page_number,
                                                    laparams=None)
        try:
            _NoText(self.pdf.rsrcmgr, device).process_page(self.page_obj)
        except Exception as e:  # noqa: BLE001 - as pdfplumber's own layout does
            raise PdfminerException(e) from None
        layout: LTPage = device.get_result()
        if not self._place(layout):
            raise FormMismatch(self.page_number)
        layout.analyze(self.pdf.laparams)
        self._layout = layout
        return layout

    def _place(self, layout: LTPage) -> bool:
        """Put each character into the page or form figure pdfium found it in; False when
        pdfminer's figures are not pdfium's forms."""
        containers = {(): layout}
        pending = [((), layout)]
        while pending:
            path, container = pending.pop()
            figures = _form_figures(container)
            if len(figures) != self.text.forms.get(path, 0):
                return False
            for i, fig in enumerate(figures):
                containers[path + (i,)] = fig
                pending.append((path + (i,), fig))
        ctm = _ctm(self.page_obj)
        for ch in self.text.chars:
            if ch.form not in containers:
                return False
            containers[ch.form].add(_Char(ch, ctm))
        return True

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


class FormMismatch(Exception):
    """pdfminer and pdfium see other Form XObjects on a page: pdfminer reads its text."""
