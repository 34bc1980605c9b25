"""OCR backend: tesseract (Norwegian model ``nor``) through pytesseract, word boxes grouped
into tesseract's own blocks, paragraphs and lines, converted from pixels to points."""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator

import numpy as np
import pytesseract
from PIL import Image, ImageDraw, ImageFilter, ImageOps

from veikart.errors import MissingDependencyError, OcrError

from . import limits, pixels
from .geometry import area, contains, frame_of, holds_middle, union
from .model import LOW_CONFIDENCE, Block, Line, Shape

#: Changes when the way a page image becomes blocks changes (part of the OCR cache key).
METHOD = 30
#: A scan tilted by less than this many degrees is read as it lies.
MIN_DESKEW_DEGREES = 0.25
MAX_DESKEW_DEGREES = 5.0
#: A straight dark line at least this share of the page long is a rule (a table border, the
#: line between two swimlanes).
MIN_RULE_SHARE = 0.2
#: A fainter line (0-255 grey, paper is about 250) is a rule only when it runs across at
#: least this share of the page.
FAINT_RULE_LUMA = 242
FAINT_RULE_SHARE = 0.5
#: ... and is darker (0-255 grey) by at least this than what lies just above and below it:
#: a line, not a strip of a pale lane's fill that a lighter row of speckle cut off the rest.
FAINT_RULE_CONTRAST = 4
#: Rendering resolution for OCR. 300 dpi is tesseract's sweet spot for slide-sized text.
DEFAULT_DPI = int(os.environ.get("VEIKART_OCR_DPI", "300"))
OCR_LANG = os.environ.get("VEIKART_OCR_LANG", "nor")
# Tesseract's OpenMP threads fight each other on small machines (a page took 5x longer on two
# cores); pages run in parallel at the task level instead.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")


@functools.cache
def check_tesseract(lang: str) -> str:
    """Tesseract's version, or MissingDependencyError naming what to install (cached): the
    data of ``lang`` and of ``osd`` (orientation detection, for pages that lie turned)."""
    not_installed = MissingDependencyError(
        "tesseract is not installed: run `make setup` (Debian: apt-get install "
        "tesseract-ocr tesseract-ocr-nor tesseract-ocr-osd)")
    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        raise not_installed
    try:
        langs = set(pytesseract.get_languages(config=""))
    except pytesseract.TesseractNotFoundError:
        raise not_installed from None
    missing = [part for part in [*lang.split("+"), "osd"] if part not in langs]
    if missing:
        raise MissingDependencyError(
            f"tesseract has no language data for {', '.join(missing)}: "
            f"apt-get install {' '.join('tesseract-ocr-' + m for m in missing)}")
    return str(pytesseract.get_tesseract_version())


#: Words further apart than this many line heights are in different columns: tesseract
#: sometimes reads a grid row ("HELSE NORD  • Skjema  • Timer") as one line.
COLUMN_GAP_HEIGHTS = 1.0


def _split_at_gaps(idx: list[int], data: dict) -> list[list[int]]:
    """A tesseract line's words (indices into ``data``) cut where the gap between two words is
    wider than ``COLUMN_GAP_HEIGHTS`` times the line's tallest word (not the median: specks
    read as "." or ";" are short)."""
    words = sorted(idx, key=lambda i: data["left"][i])
    limit = COLUMN_GAP_HEIGHTS * max(data["height"][i] for i in words)
    segments = [[words[0]]]
    for prev, cur in itertools.pairwise(words):
        if data["left"][cur] - (data["left"][prev] + data["width"][prev]) > limit:
            segments.append([])
        segments[-1].append(cur)
    return segments


def _lines(read: dict, keep: Callable[[str, float], bool] = lambda word, conf: conf >= 0
           ) -> dict[tuple[int, int, int], list[int]]:
    """The words of a tesseract reading by the line it put each in: (block, paragraph,
    line) -> the words' indices in reading order. A word is kept when ``keep`` (its text,
    its confidence) says so (by default, when tesseract gave it a confidence at all), and
    is no box's edge read as a mark ("|", "[")."""
    lines: dict[tuple[int, int, int], list[int]] = {}
    for i, word in enumerate(read["text"]):
        word = word.strip()
        if word and not _EDGE.fullmatch(word) and keep(word, float(read["conf"][i])):
            lines.setdefault((read["block_num"][i], read["par_num"][i], read["line_num"][i]),
                             []).append(i)
    return lines


def _box_of(data: dict, idx: list[int]) -> tuple[int, int, int, int]:
    """The pixel box around the words ``idx`` of a tesseract reading ``data``."""
    return (min(data["left"][i] for i in idx), min(data["top"][i] for i in idx),
            max(data["left"][i] + data["width"][i] for i in idx),
            max(data["top"][i] + data["height"][i] for i in idx))


#: Mean word confidence under which a page is OCR'd a second time without the median filter.
RETRY_BELOW_CONF = 85.0
#: OSD reads a copy of the page image reduced to this resolution: its cost falls with the
#: pixels, and below ~150 dpi it misjudges pages of small text (a grid slide at 112 dpi was
#: found upside down, with confidence 3.7).
OSD_DPI = 200


@contextlib.contextmanager
def _image_file(image: Image.Image) -> Iterator[str]:
    """``image`` as a PGM/PPM file for tesseract: written as it is in memory, where the PNG
    pytesseract writes by default took 0.4 s a page to compress (and tesseract as long to
    read back); the same pixels, so the same reading."""
    with tempfile.TemporaryDirectory(prefix="veikart-ocr-") as folder:
        path = os.path.join(folder, "page.pnm")
        (image if image.mode in ("1", "L", "RGB") else image.convert("RGB")).save(path, "PPM")
        yield path


def _tesseract(image: Image.Image, lang: str, psm: int) -> dict:
    limits.check_time()
    try:
        with _image_file(image) as path:
            return pytesseract.image_to_data(path, lang=lang, config=f"--psm {psm}",
                                             output_type=pytesseract.Output.DICT,
                                             timeout=limits.helper_timeout())
    except RuntimeError as err:
        if "timeout" in str(err).lower():
            limits.check_time()  # the document's time is up, rather than tesseract's
            raise OcrError(f"tesseract did not finish within {limits.ocr_timeout():.0f} s "
                           "(VEIKART_OCR_TIMEOUT_S)") from None
        raise OcrError(f"tesseract failed: {' '.join(str(err).split())[:200]}") from None
    except (pytesseract.TesseractError, OSError) as err:
        message = " ".join(str(err).split())[:200]
        raise OcrError(f"tesseract failed: {message or type(err).__name__}") from None


def _mean_conf(data: dict) -> float | None:
    confs = [float(c) for c, t in zip(data["conf"], data["text"], strict=True)
             if t.strip() and float(c) >= 0]
    return sum(confs) / len(confs) if confs else None


def skew_angle(image: Image.Image) -> float:
    """The angle (degrees, counter-clockwise) that makes a scanned page's text lines level:
    the rotation under which the rows of ink are sharpest (the variance of the ink per row
    of a reduced, binarized copy is largest), searched coarse to fine within
    ``MAX_DESKEW_DEGREES``. 0.0 for a page that lies straight or has too little ink."""
    small = image.convert("L")
    small.thumbnail((900, 900))
    ink = small.point(lambda v: 255 if v < 150 else 0)
    if np.asarray(ink).mean() < 0.5:
        return 0.0

    def sharpness(angle: float) -> float:
        rows = np.asarray(ink.rotate(angle, resample=Image.Resampling.NEAREST),
                          dtype=np.float32).sum(axis=1)
        return float(np.var(rows))

    coarse = np.arange(-MAX_DESKEW_DEGREES, MAX_DESKEW_DEGREES + 1e-9, 0.5)
    best = max(coarse, key=sharpness)
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, 0.1)
    best = float(max(fine, key=sharpness))
    return round(best, 2) if abs(best) >= MIN_DESKEW_DEGREES else 0.0


def find_rules(image: Image.Image) -> list[tuple[int, int, int, int]]:
    """Long straight dark lines on a page image (pixel boxes x0, y0, x1, y1): horizontal and
    vertical runs of ink at least ``MIN_RULE_SHARE`` of the page long, thin as a line, looked
    for in a reduction of the page that keeps each hairline's darkness."""
    from scipy import ndimage

    small = image.copy()
    small.thumbnail((1200, 1200))
    factor = image.width / small.width
    # each reduced pixel the darkest it stands for: a hairline rule at 300 dpi (a lane's
    # separator) averaged into the paper around it would grey out of the ink
    grey = pixels.darkest(image, small.size)
    out = []
    # grey rules too (speckle is too short), and fainter ones across most of the page (a
    # hairline between swimlanes that the scan blurred to a broad shade above paper: where
    # it is darkest); a rule found both ways is one
    for ink, share, thick in ((grey < 215, MIN_RULE_SHARE, 4),
                              (grey < FAINT_RULE_LUMA, FAINT_RULE_SHARE, 8)):
        for axis in (0, 1):  # 0: horizontal rules, 1: vertical rules
            length = int(share * (ink.shape[1] if axis == 0 else ink.shape[0]))
            shape = (1, length) if axis == 0 else (length, 1)
            runs = pixels.binary_opening(ink, shape)
            labels, _ = ndimage.label(runs)
            for region in ndimage.find_objects(labels):
                ys, xs = (region[0].start, region[0].stop), (region[1].start, region[1].stop)
                if (ys if axis == 0 else xs)[1] - (ys if axis == 0 else xs)[0] > thick:
                    continue
                if thick > 4:  # the blurred line's darkest row (column), a pixel either side
                    profile = grey[region].mean(axis=1 - axis)
                    if not _stands_out(grey, region, axis, float(profile.min())):
                        continue
                    mid = (ys if axis == 0 else xs)[0] + int(np.argmin(profile))
                    ys, xs = ((mid - 1, mid + 2), xs) if axis == 0 else (ys, (mid - 1, mid + 2))
                box = tuple(int(v * factor) for v in (xs[0], ys[0], xs[1], ys[1]))
                if not any(abs(box[1] - b[1]) + abs(box[0] - b[0]) < 5 * factor and
                           (box[2] - box[0] > box[3] - box[1]) == (b[2] - b[0] > b[3] - b[1])
                           for b in out):
                    out.append(box)
    return out


def _stands_out(grey: np.ndarray, region: tuple[slice, slice], axis: int, darkest: float,
                reach: int = 3) -> bool:
    """Whether a faint line's darkest row (``axis`` 0; column for 1) is darker by
    :data:`FAINT_RULE_CONTRAST` than the grey a few pixels beyond it on both sides, along
    the same stretch (a page edge counts as paper).

    >>> g = np.full((20, 50), 250.0); g[9:11] = 236
    >>> _stands_out(g, (slice(9, 11), slice(0, 50)), 0, 236.0)
    True
    >>> g[:] = 239; g[9:11] = 238
    >>> _stands_out(g, (slice(9, 11), slice(0, 50)), 0, 238.0)
    False
    """
    across, along = region if axis == 0 else region[::-1]
    flat = grey if axis == 0 else grey.T
    sides = []
    for lo, hi in ((across.start - 1 - reach, across.start - 1),
                   (across.stop + 1, across.stop + 1 + reach)):
        lo, hi = max(lo, 0), min(hi, flat.shape[0])
        sides.append(float(flat[lo:hi, along].mean()) if hi > lo else 255.0)
    return min(sides) - darkest >= FAINT_RULE_CONTRAST


#: The top and bottom edges of one box found as rules end within this many points of each
#: other at each end (a rounded corner, a shadow or the scan's noise moves an end).
BOX_EDGE_SLACK_PT = 5.0


def boxes_between_rules(rules: list[tuple[int, int, int, int]],
                        known: list[tuple[int, int, int, int]], pixels_per_point: float
                        ) -> list[tuple[int, int, int, int]]:
    """Wide outlined boxes read from their edges: a box at least a fifth of the page wide
    has a top and a bottom edge as long as rules, and a pale one on a grey scan shows
    little else. Two horizontal rules of the same extent (within ``BOX_EDGE_SLACK_PT`` at
    each end),
    8 to 60 points apart with no rule of that extent between them, are a box's edges;
    boxes already found in the pixels are not repeated.

    >>> boxes_between_rules([(100, 200, 700, 203), (100, 260, 701, 262)], [], 4.0)
    [(100, 200, 701, 262)]
    >>> boxes_between_rules([(112, 200, 700, 203), (96, 260, 701, 262)], [], 4.0)  # 4 pt apart
    [(96, 200, 701, 262)]
    >>> boxes_between_rules([(100, 200, 700, 203), (100, 600, 700, 602)], [], 4.0)
    []
    """
    tol = BOX_EDGE_SLACK_PT * pixels_per_point
    flat = sorted((r for r in rules if r[2] - r[0] > r[3] - r[1]), key=lambda r: r[1])
    out = []
    for i, top in enumerate(flat):
        for bottom in flat[i + 1:]:
            if abs(bottom[0] - top[0]) > tol or abs(bottom[2] - top[2]) > tol:
                continue
            gap = bottom[1] - top[3]
            if gap < 8 * pixels_per_point:
                continue
            if gap <= 60 * pixels_per_point:
                box = (min(top[0], bottom[0]), top[1], max(top[2], bottom[2]), bottom[3])
                if not any(all(abs(a - b) <= tol for a, b in zip(box, k, strict=True))
                           for k in known):
                    out.append(box)
            break  # the next rule of this extent is its other edge, or none is
    return out


#: A "word" that is only a box's edge or a swatch as tesseract reads it ("|", "[]", "]").
_EDGE = re.compile(r"[|\[\]{}]+")


def ocr_blocks(image: Image.Image, scale: float, lang: str = OCR_LANG,
               psm: int = 3) -> tuple[list[Block], float | None, list]:
    """OCR ``image``; boxes are multiplied by ``scale`` (points per pixel).

    Returns the blocks (one per tesseract paragraph, one Line per tesseract line; a line cut
    at a column gap or a vertical rule gives one block per piece, and so does a paragraph
    whose lines lie on different drawn shapes), the mean word confidence (0-100, or None when
    no word was found) and the shapes seen on the page image, boxes in points: the rules
    (:func:`find_rules`) and the filled and outlined boxes (:func:`pixels.find_shapes`). On
    a colour image each line carries the colour its text is drawn in. A tilted page is
    straightened first, and the boxes are in the straightened page.
    """
    check_tesseract(lang)
    colour_image = image.convert("RGB")
    colour = pixels.in_colour(colour_image)
    image = image.convert("L")
    angle = skew_angle(image)
    if angle:  # boxes are then in the straightened page, rotated about its centre
        image = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
        colour_image = colour_image.rotate(angle, resample=Image.Resampling.BICUBIC,
                                           fillcolor=(255, 255, 255))
    rules = find_rules(image)
    found = pixels.find_shapes(colour_image, scale, colour)
    turned = pixels.turned_shapes(image, found, scale, rules)
    drawn = pixels.with_bands_joined(found, turned)  # a header band, not its pieces
    shapes = [Shape(tuple(v * scale for v in r), None, "000000", "line") for r in rules]
    shapes += [Shape(tuple(v * scale for v in f.box), f.fill, f.line, f.geometry)
               for f in drawn]
    shapes += [Shape(tuple(v * scale for v in box), None, "000000", "rect")
               for box in boxes_between_rules(rules, [f.box for f in drawn], 1 / scale)]
    marks = [f.box for f in pixels.icons(image, found, turned)]
    image = pixels.clean_for_ocr(image, found, scale, rules, turned)
    verticals = [r for r in rules if r[2] - r[0] < r[3] - r[1]]
    boxes = _one_box_each([f.box for f in drawn])
    # A 3x3 median removes scanner speckle, which otherwise turns into stray letters; on a
    # clean page image it thins strokes instead ("m" read as "rn"). Tesseract's confidence
    # tells which: a page it reads unsure after the filter is read again without it.
    filtered = image.filter(ImageFilter.MedianFilter(3))
    data = _tesseract(filtered, lang, psm)
    if (_mean_conf(data) or 0.0) < RETRY_BELOW_CONF:
        raw = _tesseract(image, lang, psm)
        if (_mean_conf(raw) or 0.0) > (_mean_conf(data) or 0.0):
            data = raw
    _drop_words_on(data, marks, round(pixels.DARK_REACH_PT / scale))
    # the drawn boxes read alone: before the page's words are taken, as reading a header
    # again may replace its words
    alone = _unread_shapes(image, turned, found, data, lang, scale)
    paragraphs: dict[tuple, list[Line]] = {}
    budget = [MAX_REREAD_LABELS]
    for (block, par, line_num), idx in _lines(data).items():
        segments = [part for seg in _split_at_gaps(idx, data)
                    for piece in _split_at_rules(seg, data, verticals)
                    for part in _split_at_boxes(piece, data, boxes)]
        for n, (seg, home) in enumerate(segments):
            pixel_box = _box_of(data, seg)
            text = _reread_unsure_label(filtered, data, seg, lang, budget) or \
                " ".join(data["text"][i].strip() for i in seg)
            text = _with_arrow(text, pixel_box, image)
            # on a colour image dark text is black, said so; on a grey one its colour is
            # unknown (None), so that no legend's "Svart: planlagt" is read into it
            ink = _ink(colour_image, pixel_box) if colour else None
            # a line cut at a column gap: each piece is a block of its own, to be stacked
            # with what lies under it by merge_stacked_blocks; a piece in a drawn box goes
            # on with the paragraph's other lines in that box (centred lines are not stacked)
            key = (block, par) if len(segments) == 1 else (block, par, home) \
                if home is not None else (block, par, line_num, n)
            paragraphs.setdefault(key, []).append(
                Line(text, tuple(v * scale for v in pixel_box), color=ink))
    blocks = []
    for plines in paragraphs.values():
        for framed in _by_frame(plines, shapes):
            for part in _by_column(framed):
                blocks.append(Block("ocr_block", part, union([ln.bbox for ln in part])))
    for line in alone + _unread_words(image, filtered, data, lang,
                                      [ln.bbox for ln in alone] + marks):
        box = tuple(v * scale for v in line.bbox)
        ink = _ink(colour_image, line.bbox) if colour else None
        text = _with_arrow(line.text, line.bbox, image)
        blocks.append(Block("ocr_block", [Line(text, box, color=ink)], box))
    return blocks, _mean_conf(data), shapes


#: A word is an icon's, read as letters, when this share of its box lies on the icon...
ON_ICON_SHARE = 0.6
#: ... unless it reads as an arrow or a dash ("2026 >": and later).
_ARROW_WORD = re.compile(r"[-–—>→»+]+")


def _drop_words_on(data: dict, marks: list[tuple[int, int, int, int]], reach: int) -> None:
    """Blank, in tesseract's ``data``, the words read on ``marks`` (:func:`pixels.icons`,
    pixel boxes, with ``reach`` pixels round them for their blurred edge and shadow): a dot
    before a period label reads as "OG", a square as "Nil". The page image is left as it
    is; tesseract's reading of the rest of the page does not change.

    >>> data = {"text": ["OG", "2023-24"], "left": [20, 42], "top": [91, 93],
    ...         "width": [14, 54], "height": [14, 9]}
    >>> _drop_words_on(data, [(22, 92, 34, 104)], 3); data["text"]
    ['', '2023-24']
    >>> data["text"][0] = ">"; _drop_words_on(data, [(22, 92, 34, 104)], 3); data["text"]
    ['>', '2023-24']
    """
    for i, word in enumerate(data["text"]):
        if not word.strip() or _ARROW_WORD.fullmatch(word.strip()):
            continue  # an arrow drawn as a small shape after a year reads as what it is
        x0, y0, x1, y1 = _box_of(data, [i])
        size = max(1, area((x0, y0, x1, y1)))
        for m in marks:
            shared = area((max(x0, m[0] - reach), max(y0, m[1] - reach),
                           min(x1, m[2] + reach), min(y1, m[3] + reach)))
            if shared >= ON_ICON_SHARE * size:
                data["text"][i] = ""
                break


def _ink(colour_image: Image.Image, pixel_box) -> str:
    """The colour a line's text is drawn in on a colour page image: dark text is black."""
    return pixels.text_colour(colour_image, pixel_box) or "000000"


def _with_arrow(text: str, box, image: Image.Image) -> str:
    """A bare year's line, with " →" when an arrow (or a dash) is drawn right after it that
    tesseract did not read ("2027 →" with a small arrow: a period label meaning "and
    later"): a piece of ink within two line heights to its right (or in a box wider than
    a year's, which took the arrow in), at least half a line height long and at most
    0.6 as tall (its head), across the line's middle. Any other line as it is.

    >>> img = Image.new("L", (200, 40), 255)
    >>> draw = ImageDraw.Draw(img)
    >>> draw.rectangle((20, 12, 60, 28), fill=0)   # the year's ink
    >>> draw.rectangle((70, 19, 84, 20), fill=0)   # a thin arrow's shaft
    >>> _with_arrow("2027", (20, 12, 60, 28), img), _with_arrow("Samvalg", (20, 12, 60, 28), img)
    ('2027 →', 'Samvalg')
    >>> _with_arrow("2027 .", (20, 12, 62, 28), img)   # the arrow's tail read as a dot
    '2027 →'
    >>> draw.rectangle((70, 12, 84, 28), fill=255); draw.point((72, 20), fill=0)   # a speck
    >>> _with_arrow("2027", (20, 12, 60, 28), img)
    '2027'
    >>> draw.rectangle((110, 19, 130, 20), fill=0)   # an arrow tesseract took into the year
    >>> _with_arrow("2027", (20, 12, 60, 28), img), _with_arrow("2027", (20, 12, 140, 28), img)
    ('2027', '2027 →')
    >>> img = Image.new("L", (200, 60), 255); draw = ImageDraw.Draw(img)
    >>> draw.rectangle((20, 20, 60, 36), fill=0); draw.rectangle((70, 27, 84, 28), fill=0)
    >>> draw.point((30, 2), fill=0)   # a speck above the year, in its word box
    >>> _with_arrow("2027", (20, 2, 60, 36), img)
    '2027 →'
    """
    bare = _BARE_YEAR.fullmatch(text.strip())
    if not bare:
        return text
    from scipy import ndimage

    x0, y0, x1, y1 = (int(v) for v in box)
    # the line is where the year's ink is (tesseract's box takes in a speck above it)
    ink = np.asarray(image.crop((x0, y0, x1, y1)).convert("L")) < 180
    rows = np.nonzero(ink.sum(axis=1) >= max(2, 0.05 * ink.shape[1]))[0]
    if rows.size and rows[-1] - rows[0] >= 3:
        y0, y1 = y0 + int(rows[0]), y0 + int(rows[-1]) + 1
    h = y1 - y0
    if h < 4:
        return text
    # a year is about 2.5 line heights wide; a box much wider took the arrow in with it
    start = min(x1, x0 + 3 * h) + max(1, h // 8)
    right = np.asarray(image.crop((start, y0, x1 + 2 * h, y1)).convert("L")) < 180
    labels, n = ndimage.label(right)
    for region in ndimage.find_objects(labels):
        rows, cols = region
        tall, wide = rows.stop - rows.start, cols.stop - cols.start
        middle = (rows.start + rows.stop) / 2
        if wide >= 0.5 * h and tall <= 0.6 * h and 0.25 * h <= middle <= 0.8 * h:
            return f"{bare.group(1)} →"
    return text


#: A year and nothing else, but specks read as dots or ticks ("2027 ." for "2027 →" with
#: the arrow's thin tail read as a dot).
_BARE_YEAR = re.compile(r"((?:19|20)\d\d)[\s.,:;'’`]*")
#: A year alone, perhaps with an arrow after it: a tick of a time axis read alone.
_YEAR = re.compile(r"(?:19|20)\d\d(?:\s*[-–—→>+]+)?")
#: At most this many pieces of unread ink are read again per page (``_unread_words``).
MAX_UNREAD = 12
#: A piece of unread ink is read when tesseract is at least this sure of it (0-100).
UNREAD_MIN_CONF = 60.0


#: A dark header holding a word the page pass read less sure than this (0-100) is read
#: again alone (``_reread_unsure_headers``): "Nord" read as "Nora" at 69.
SURE_HEADER_CONF = 85.0
#: A short line (at most ``REREAD_MAX_WORDS`` words) holding a word the page pass read
#: less sure than ``REREAD_BELOW_CONF`` is read again alone (``_reread_unsure_label``), at
#: most ``MAX_REREAD_LABELS`` per page: a header "2027+" read "DET +" at 22.
REREAD_MAX_WORDS = 3
REREAD_BELOW_CONF = 50.0
MAX_REREAD_LABELS = 12
#: At most this many drawn shapes are read again alone per page (``_unread_shapes``).
MAX_UNREAD_SHAPES = 24
#: A shape read again alone is at least this big (points, width and height: a box with a
#: short word in it) and at most this tall (a box of a few lines, not a lane).
MIN_READ_SHAPE_PT = (24.0, 9.0)
MAX_READ_SHAPE_PT = 120.0


def _unread_shapes(image: Image.Image, turned: list[pixels.Found], found: list[pixels.Found],
                   data: dict, lang: str, scale: float) -> list[Line]:
    """The text of drawn boxes the page pass read nothing in. Tesseract's page segmentation
    drops the white text of a header, turned dark on paper by :func:`pixels.clean_for_ocr`
    (``turned``), taking a row of short words between shapes' edges for a picture; and it
    drops whole boxes of pale text beside a busy column. Each box that holds no word of two
    letters or digits, as big as a box with a word in it and no taller than a few lines, is
    read alone inside its rim as a block of lines (at most ``MAX_UNREAD_SHAPES`` per page:
    headers first, then outlined boxes, then filled ones); what tesseract reads surely, with
    two letters or digits or more, is kept; so are the headers read unsure
    (:func:`_reread_unsure_headers`). ``image``: the cleaned page; boxes in pixels."""
    words = [_box_of(data, [i]) for i, t in enumerate(data["text"])
             if float(data["conf"][i]) >= 0 and sum(ch.isalnum() for ch in t) >= 2]
    min_w, min_h = (v / scale for v in MIN_READ_SHAPE_PT)
    page_area = image.width * image.height
    boxes = [s for s in found if s not in turned and s.box[2] - s.box[0] >= min_w
             and min_h <= s.box[3] - s.box[1] <= MAX_READ_SHAPE_PT / scale
             and area(s.box) <= 0.1 * page_area
             and (s.level is None or s.level >= pixels.INK_LUMA)]
    boxes.sort(key=lambda s: s.level is not None)  # outlined before filled
    empty = [s for s in [*turned, *boxes] if not any(holds_middle(s.box, w) for w in words)]
    out = _reread_unsure_headers(image, turned, data, lang, scale)
    for shape in empty[:MAX_UNREAD_SHAPES]:
        out += _read_alone(image, shape.box, lang, scale)[0]
    return out


def _reread_unsure_headers(image: Image.Image, turned: list[pixels.Found], data: dict,
                           lang: str, scale: float) -> list[Line]:
    """The text of the dark headers (``turned``) that the page pass read unsure, read again
    alone. Where white text fills a small header from edge to edge ("Helse" / "Vest"), the
    page's segmentation may take its two lines for one and read them as junk ("ne oa",
    confidence 2-19) that no recognizer knows, and the header is lost with everything under
    it. A header holding a word read below ``SURE_HEADER_CONF`` is read alone inside its rim;
    when every word of that reading is at least that sure, it replaces the page pass's words
    there (they are dropped from ``data``, in place); else the page pass's words stand (a
    half-read "Nor" still names a region, a reading surer of "Helse" alone would lose it).
    ``image``: the cleaned page; boxes in pixels."""
    out = []
    for shape in turned[:MAX_UNREAD_SHAPES]:
        inside = [i for i, t in enumerate(data["text"]) if t.strip()
                  and float(data["conf"][i]) >= 0 and holds_middle(shape.box, _box_of(data, [i]))]
        confs = [float(data["conf"][i]) for i in inside]
        if not confs or min(confs) >= SURE_HEADER_CONF:
            continue
        lines, least = _read_alone(image, shape.box, lang, scale,
                                   round(pixels.DARK_REACH_PT / scale))
        if lines and least >= SURE_HEADER_CONF:
            for i in inside:
                data["conf"][i] = -1
            out += lines
    return out


def _reread_unsure_label(filtered: Image.Image, data: dict, seg: list[int], lang: str,
                         budget: list[int]) -> str | None:
    """A short line (the words ``seg`` of the page pass ``data``) the page pass read unsure,
    read again alone from the ``filtered`` page: its text when tesseract
    now reads every word of it at least ``SURE_HEADER_CONF`` sure, else None. Beside a
    busy page, the page pass may read a lone header's digits as letters ("DET +" for
    "2027+", confidence 22), and the items under it lose their period; alone, with room
    around it, tesseract reads it surely. Specks and marks (no word of two letters or
    digits, or a box no wider than it is tall) are not read again; ``budget`` (a one-item
    list) counts down the rereads left on the page."""
    words = [data["text"][i].strip() for i in seg]
    if (budget[0] <= 0 or len(seg) > REREAD_MAX_WORDS
            or min(float(data["conf"][i]) for i in seg) >= REREAD_BELOW_CONF
            or not any(sum(ch.isalnum() for ch in w) >= 2 for w in words)):
        return None
    x0, y0, x1, y1 = _box_of(data, seg)
    if x1 - x0 <= y1 - y0:
        return None
    budget[0] -= 1
    pad = max(2, (y1 - y0) // 2)  # room above and below; a letter's width at the ends
    crop = ImageOps.expand(filtered.crop((max(0, x0 - 2 * pad), max(0, y0 - pad),
                                          x1 + 2 * pad, y1 + pad)), 4 * pad, fill=255)
    read = _tesseract(crop, lang, 6)
    found = [i for i, t in enumerate(read["text"]) if t.strip() and float(read["conf"][i]) >= 0]
    if not found or min(float(read["conf"][i]) for i in found) < SURE_HEADER_CONF:
        return None
    return " ".join(read["text"][i].strip() for i in found)


def _read_alone(image: Image.Image, box: tuple[int, int, int, int], lang: str, scale: float,
                reach: int = 0) -> tuple[list[Line], float]:
    """The lines tesseract reads surely (every word at least ``UNREAD_MIN_CONF``, two
    letters or digits or more) inside a shape's rim (a pixel ``box``), read alone as a block
    of lines, and the least confidence of any word with a letter or digit it read there, kept
    or not (0 when none). ``reach``: pixels above and below the box read too, for text that
    runs over a dark header's edges (what :func:`pixels.clean_for_ocr` turned dark there);
    a line whose middle lies outside the box is left out."""
    inset = max(1, round(pixels.DARK_RIM_PT / scale)) + 1
    x0, y0, x1, y1 = box
    if x1 - x0 <= 4 * inset or y1 - y0 <= 4 * inset:
        return [], 0.0
    left, top = x0 + inset, max(0, y0 + inset - reach)
    crop = ImageOps.expand(image.crop((left, top, x1 - inset, y1 - inset + reach)), inset * 4,
                           fill=255)
    read = _tesseract(crop, lang, 6)
    pad = inset * 4
    # a speck of the shape's edge reads as a mark ("'", "|"), unsure
    lines = [[(i, (read["left"][i] - pad + left, read["top"][i] - pad + top,
                   read["left"][i] + read["width"][i] - pad + left,
                   read["top"][i] + read["height"][i] - pad + top)) for i in idx]
             for idx in _lines(read, lambda word, conf: conf >= 0 and (
                 any(ch.isalnum() for ch in word) or conf >= UNREAD_MIN_CONF)).values()]
    lines = [words for words in lines if holds_middle(box, union([b for _, b in words]))]
    out = []
    confs = [float(read["conf"][i]) for words in lines for i, _ in words
             if any(ch.isalnum() for ch in read["text"][i])]
    for words in lines:
        text = " ".join(read["text"][i].strip() for i, _ in words)
        if min(float(read["conf"][i]) for i, _ in words) < UNREAD_MIN_CONF or \
                sum(ch.isalnum() for ch in text) < 2:
            continue
        out.append(Line(text, union([b for _, b in words])))
    return out, min(confs, default=0.0)


def _unread_words(image: Image.Image, filtered: Image.Image, data: dict, lang: str,
                  known: list | None = None) -> list[Line]:
    """Words tesseract's page pass left out: a short label standing alone, often beside a
    logo or an icon ("HV", "HSØ"), which page segmentation drops as noise. Dark strokes that
    no word read covers are grouped into word-sized runs of letter-like marks (as tall as the
    page's words, not solid like an icon, two or more side by side), and each run is read
    alone as one line; what tesseract reads surely and as letters is kept. ``filtered``: the
    page with the median filter the page pass read (the ink is looked for there); ``known``:
    boxes of lines read already another way. Boxes in pixels."""
    from scipy import ndimage

    heights = sorted(data["height"][i] for i, t in enumerate(data["text"])
                     if t.strip() and float(data["conf"][i]) >= UNREAD_MIN_CONF)
    if not heights:
        return []
    tall = heights[len(heights) // 2]
    dark = np.asarray(filtered) < 128
    for i, word in enumerate(data["text"]):
        if word.strip() and float(data["conf"][i]) >= 0:
            pad = int(0.3 * data["height"][i]) + 1
            x, y = data["left"][i], data["top"][i]
            dark[max(0, y - pad):y + data["height"][i] + pad,
                 max(0, x - pad):x + data["width"][i] + pad] = False
    for x0, y0, x1, y1 in known or []:
        dark[max(0, y0):y1 + 1, max(0, x0):x1 + 1] = False
    labels, _ = ndimage.label(dark)
    marks = []
    for k, sl in enumerate(ndimage.find_objects(labels), start=1):
        h, w = sl[0].stop - sl[0].start, sl[1].stop - sl[1].start
        filled = float((labels[sl] == k).sum()) / max(h * w, 1)
        # letters a low resolution or a bold face runs together are one mark, as wide as
        # a few of them
        if 0.5 * tall <= h <= 1.6 * tall and w <= 6 * h and filled < 0.75:
            marks.append((sl[1].start, sl[0].start, sl[1].stop, sl[0].stop))
    runs: list[list[tuple[int, int, int, int]]] = []
    for mark in sorted(marks):
        for run in runs:
            last = run[-1]
            overlap = min(last[3], mark[3]) - max(last[1], mark[1])
            if 0 <= mark[0] - last[2] <= 0.6 * tall and overlap >= 0.5 * (mark[3] - mark[1]):
                run.append(mark)
                break
        else:
            runs.append([mark])
    def glyphs(run: list) -> int:  # about how many letters a run of marks holds
        return sum(max(1, round((m[2] - m[0]) / (0.6 * (m[3] - m[1])))) for m in run)
    runs = sorted((r for r in runs if glyphs(r) >= 2), key=glyphs, reverse=True)
    out = []
    if len(runs) > MAX_UNREAD:
        # more than a few pieces: the page pass left a whole region out (it took it for a
        # picture); one sparse pass over the page, with what was read whited out, reads
        # them at once, and only the pieces it left are read alone
        out = _sparse_pass(image, data, known, lang)
        runs = [r for r in runs if not any(holds_middle(ln.bbox, m) for ln in out for m in r)]
    for run in runs[:MAX_UNREAD]:
        x0, y0 = min(m[0] for m in run), min(m[1] for m in run)
        x1, y1 = max(m[2] for m in run), max(m[3] for m in run)
        pad = int(0.4 * tall)
        crop = image.crop((max(0, x0 - pad), max(0, y0 - pad), x1 + pad, y1 + pad))
        read = _tesseract(crop.filter(ImageFilter.MedianFilter(3)), lang, 7)
        words = [(t.strip(), float(c)) for t, c in zip(read["text"], read["conf"], strict=True)
                 if t.strip() and float(c) >= 0]
        text = " ".join(t for t, _ in words).strip(" .,:;'\"-–|")
        if words and min(c for _, c in words) >= UNREAD_MIN_CONF and _worth_keeping(text):
            out.append(Line(text, (x0, y0, x1, y1)))
    return out


def _worth_keeping(text: str) -> bool:
    """Whether a piece read alone is text rather than a scrap: a short piece is a code in
    capitals ("HV", "HSØ"), not part of a word ("jon"), or a year (a time axis's tick,
    "2026", "2027 →").

    >>> [_worth_keeping(t) for t in ("HSØ", "jon", "Samvalg", "2026", "2027 →", "27")]
    [True, False, True, True, True, False]
    """
    letters = sum(ch.isalpha() for ch in text)
    return (letters >= 2 and (letters > 3 or text.isupper())) or bool(_YEAR.fullmatch(text))


def _sparse_pass(image: Image.Image, data: dict, known: list | None, lang: str) -> list[Line]:
    """Lines of a sparse-text pass (tesseract's ``--psm 11``) over ``image`` with the words
    of the page pass (``data``) and the ``known`` boxes whited out: each line cut at column
    gaps, its unsure words left out, kept when what is left is worth keeping."""
    blank = image.copy()
    draw = ImageDraw.Draw(blank)
    for i, word in enumerate(data["text"]):
        if word.strip() and float(data["conf"][i]) >= 0:
            draw.rectangle((data["left"][i], data["top"][i], data["left"][i] + data["width"][i],
                            data["top"][i] + data["height"][i]), fill=255)
    for box in known or []:
        draw.rectangle(box, fill=255)
    read = _tesseract(blank.filter(ImageFilter.MedianFilter(3)), lang, 11)
    out = []
    for idx in _lines(read, lambda word, conf: conf >= UNREAD_MIN_CONF).values():
        for seg in _split_at_gaps(idx, read):
            text = " ".join(read["text"][i].strip() for i in seg).strip(" .,:;'\"-–|")
            if _worth_keeping(text):
                out.append(Line(text, _box_of(read, seg)))
    return out


def _by_column(lines: list[Line]) -> list[list[Line]]:
    """A paragraph's lines cut where one does not stand over the next at all: tesseract
    sometimes strings a row label and the items of the row's cells, column after column,
    into one paragraph; the lines of a real paragraph always share some width.

    >>> [[ln.text for ln in part] for part in _by_column([Line("2023", (20, 0, 60, 10)),
    ...     Line("Timer", (200, 12, 260, 22)), Line("2.0", (200, 24, 230, 34))])]
    [['2023'], ['Timer', '2.0']]
    """
    parts: list[list[Line]] = []
    for line in lines:
        if parts and _overlap_x(parts[-1][-1].bbox, line.bbox):
            parts[-1].append(line)
        else:
            parts.append([line])
    return parts


def _overlap_x(a, b) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0])


def _by_frame(lines: list[Line], shapes: list[Shape]) -> list[list[Line]]:
    """A paragraph's lines cut where they pass from one drawn shape to another: tesseract
    reads two boxes stacked close (two bars of a timeline, two items' own boxes) as one
    paragraph."""
    parts: list[list[Line]] = []
    last: object = object()
    for line in lines:
        frame = frame_of(line.bbox, shapes)
        if not (frame is last or (isinstance(last, Shape) and frame is not None
                                  and _same_box(frame.bbox, last.bbox))):
            parts.append([])
            last = frame
        parts[-1].append(line)
    return parts


#: A page image with fewer dark pixels than this holds no text: it is not OCR'd (a blank
#: page cost three tesseract runs: the page, its retry without the filter, orientation).
BLANK_DARK_PIXELS = 40


def blank(image: Image.Image) -> bool:
    """Whether a page image is blank: (almost) no pixel darker than mid-grey.

    >>> blank(Image.new("L", (800, 600), 255)), blank(Image.new("L", (800, 600), 0))
    (True, False)
    """
    histogram = image.convert("L").histogram()
    return sum(histogram[:128]) < BLANK_DARK_PIXELS


def read_page(image: Image.Image, scale: float,
              lang: str = OCR_LANG) -> tuple[list[Block], float | None, list, int]:
    """OCR a page image that may lie turned (a sheet fed upside down or sideways): what
    :func:`ocr_blocks` returns, in the upright page, and the clockwise degrees (0, 90, 180,
    270) the image was turned to read upright.

    Orientation detection is asked only when it matters: a page tesseract reads confidently
    in level lines is upright. Otherwise OSD (:func:`orientation`) is asked, a page it finds
    turned is turned and read again, and the better of the two readings is kept: level lines
    first (tesseract reads a page turned a quarter clockwise confidently, but in vertical
    lines), then the higher confidence.
    """
    if blank(image):
        return [], None, [], 0
    first = ocr_blocks(image, scale, lang)
    if (first[1] or 0.0) >= LOW_CONFIDENCE and reads_level(first[0]):
        return (*first, 0)
    turn = orientation(image, scale)
    if not turn:
        return (*first, 0)
    second = ocr_blocks(turn_image(image, turn), scale, lang)
    if (reads_level(second[0]), second[1] or 0.0) >= (reads_level(first[0]), first[1] or 0.0):
        return (*second, turn)
    return (*first, 0)


def reads_level(blocks: list[Block]) -> bool:
    """Whether most OCR lines of three characters or more are wider than tall (True when
    there is none): lines read down a page that lies sideways are not.

    >>> reads_level([Block("ocr_block", [Line("Timer 2.0", (0, 0, 60, 12))], None)])
    True
    """
    boxes = [ln.bbox for b in blocks for ln in b.lines if ln.bbox and len(ln.text) >= 3]
    wide = sum(x1 - x0 > y1 - y0 for x0, y0, x1, y1 in boxes)
    return 2 * wide >= len(boxes)


def orientation(image: Image.Image, scale: float) -> int:
    """The clockwise degrees (0, 90, 180, 270) that turn a page image upright, as tesseract's
    orientation and script detection (OSD, the ``osd`` data) finds on a copy reduced to
    ``OSD_DPI``; 0 when it finds too little text to tell. ``scale``: points per pixel."""
    dpi = 72.0 / scale
    if dpi > OSD_DPI:
        factor = OSD_DPI / dpi
        image = image.resize((max(1, round(image.width * factor)),
                              max(1, round(image.height * factor))), Image.Resampling.BILINEAR)
        dpi = OSD_DPI
    try:
        with _image_file(image) as path:
            osd = pytesseract.image_to_osd(path, config=f"--psm 0 --dpi {round(dpi)}",
                                           output_type=pytesseract.Output.DICT,
                                           timeout=limits.helper_timeout())
    except (pytesseract.TesseractError, OSError, RuntimeError):
        # "Too few characters": a page with little text. Advisory only: a tesseract that
        # really fails fails the reading itself.
        return 0
    return int(osd.get("rotate", 0)) % 360


#: PIL's transposes are anticlockwise.
_TURNS = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180,
          270: Image.Transpose.ROTATE_90}


def turn_image(image: Image.Image, degrees: int) -> Image.Image:
    """``image`` turned ``degrees`` clockwise (a multiple of 90), exactly (no resampling)."""
    return image.transpose(_TURNS[degrees]) if degrees % 360 else image


def _split_at_boxes(words: list[int], data: dict, boxes: list
                    ) -> list[tuple[list[int], tuple | None]]:
    """A line's words cut where they pass from one drawn box into another beside it:
    tesseract reads the first lines of two item boxes side by side as one line
    ("Skjema- Delt" / "strukturerte data behandlingsplan"). A word is in the smallest box
    that holds it; a word in no box, or in a box that holds its neighbour too (a text that
    runs out of its bar, a lane's fill round both), cuts nothing.

    Each piece comes with the one box its words are in (None: none, or several).

    >>> data = {"left": [10, 60, 130], "width": [40, 30, 40], "top": [5, 5, 5],
    ...         "height": [10, 10, 10]}
    >>> _split_at_boxes([0, 1, 2], data, [(0, 0, 100, 20), (120, 0, 200, 20)])
    [([0, 1], (0, 0, 100, 20)), ([2], (120, 0, 200, 20))]
    >>> _split_at_boxes([0, 1, 2], data, [(0, 0, 100, 20), (0, 0, 300, 40)])
    [([0, 1, 2], None)]
    >>> _split_at_boxes([0, 1], data, [(0, 0, 100, 20)])
    [([0, 1], (0, 0, 100, 20))]
    """
    if not boxes:
        return [(words, None)]
    words = sorted(words, key=lambda i: data["left"][i])
    word_boxes = [(data["left"][i], data["top"][i], data["left"][i] + data["width"][i],
                   data["top"][i] + data["height"][i]) for i in words]
    homes = [min((b for b in boxes if contains(b, w)), key=area, default=None)
             for w in word_boxes]
    pieces, starts = [[words[0]]], [0]
    for k in range(1, len(words)):
        a, b = homes[k - 1], homes[k]
        if a is not None and b is not None and a != b and not contains(a, word_boxes[k]) \
                and not contains(b, word_boxes[k - 1]):
            pieces.append([])
            starts.append(k)
        pieces[-1].append(words[k])
    ends = starts[1:] + [len(words)]
    return [(piece, _one({h for h in homes[a:b] if h is not None}))
            for piece, a, b in zip(pieces, starts, ends, strict=True)]


#: Two found boxes that share this much of the bigger one's area are one drawn box (its
#: fill and its outline, found each apart a few pixels off).
SAME_BOX_SHARE = 0.8


def _one_box_each(boxes: list) -> list:
    """``boxes`` with those that are one drawn box found twice (a box's fill and its
    outline) put together into their union.

    >>> _one_box_each([(717, 265, 801, 294), (724, 268, 807, 298), (804, 265, 889, 294)])
    [(717, 265, 807, 298), (804, 265, 889, 294)]
    """
    out: list = []
    for box in sorted(boxes):
        for k, seen in enumerate(out):
            if _same_box(box, seen):
                out[k] = union([box, seen])
                break
        else:
            out.append(box)
    return out


def _same_box(a, b) -> bool:
    """Whether boxes ``a`` and ``b`` share :data:`SAME_BOX_SHARE` of the bigger one's area."""
    x0, y0, x1, y1 = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    return max(0, x1 - x0) * max(0, y1 - y0) >= SAME_BOX_SHARE * max(area(a), area(b))


def _one(values: set):
    """The one member of ``values``, or None when it has none or several."""
    return next(iter(values)) if len(values) == 1 else None


def _split_at_rules(words: list[int], data: dict, verticals: list) -> list[list[int]]:
    """A line's words cut where a vertical rule (a table's column border) runs between two
    of them."""
    if not verticals or len(words) < 2:
        return [words]
    words = sorted(words, key=lambda i: data["left"][i])
    top = min(data["top"][i] for i in words)
    bottom = max(data["top"][i] + data["height"][i] for i in words)
    cuts = [(r[0] + r[2]) / 2 for r in verticals if r[1] <= bottom and r[3] >= top]
    pieces = [[words[0]]]
    for prev, cur in itertools.pairwise(words):
        end, start = data["left"][prev] + data["width"][prev], data["left"][cur]
        if any(end <= x <= start for x in cuts):
            pieces.append([])
        pieces[-1].append(cur)
    return pieces
