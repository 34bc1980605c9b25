"""What a page image shows besides its words: filled shapes, outlined boxes and the colour
text is drawn in. A scan has no drawing operations, so the shapes the layout reader needs
(a timeline's bars, an item's own box, a legend's swatches, a header chevron) are found
in its pixels, and so are the colours that explain a status.

Boxes here are in the image's pixels; the caller converts them to points. Colours are the
six-digit hex RGB strings of :mod:`extractors.model`. A page image without colour (a
greyscale scan) gives shapes without fills and no text colours: grey levels cannot tell a
green from a yellow, and no colour is better than a wrong one.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
from PIL import Image

from . import colors
from .geometry import contains

#: How far beyond its found box a dark shape's fill is looked for (a tilted band, an
#: arrow's head).
DARK_REACH_PT = 4.0
#: The reduced width shapes are looked for at: big enough for a 10 pt legend swatch, small
#: enough that a page costs a few tens of milliseconds.
WORK_WIDTH = 1400
#: A pixel whose darkest channel is this far below white is paint, not paper (JPEG noise and
#: scanner grey stay under it).
PAPER_MARGIN = 12
#: A line thinner than this many points is a rule or an outline, not a filled shape.
MIN_FILL_PT = 4.0
#: Paint darker than this (0-255 luma) is ink: text, outlines, or a dark fill.
INK_LUMA = 150
#: Pale paint is opened by a square this many points wide (takes away the anti-aliased
#: rims of text on paper, keeps a box's 3.6 pt margin around its text)...
PALE_OPEN_PT = 2.5
#: A shape's body is at least this many points thick (a shadow, a rule is thinner)...
MIN_BODY_PT = 8.0
#: ... and a dark one this many (bold title strokes, their holes filled, are thinner).
DARK_OPEN_PT = 7.0
#: A filled shape's own paint covers at least this share of it (the rest is its text).
MIN_OWN_SHARE = 0.45
#: ... and a dark one 0.7: the white text on a dark header is less; a big letter with its
#: bowl filled is more.
MIN_DARK_SHARE = 0.7
#: Ink no bigger than this (width, height in points) is text: a glyph or a word.
MAX_GLYPH_PT = (70.0, 20.0)
#: A shape covers at least this share of its bounding box (a blob of text does not).
MIN_SOLIDITY = 0.72
#: The smallest shape, in square points (a legend swatch of 9 x 9 pt).
MIN_AREA_PT2 = 80.0
#: A page whose channels differ by no more than this anywhere is greyscale.
GREY_SPREAD = 18
#: A shape whose last columns are filled less than this share of its height, around its
#: middle, ends in a point (an arrow, a pentagon): it is a "homePlate".
POINT_END = 0.45


def in_colour(image: Image.Image) -> bool:
    """Whether the image carries colour: some pixels' channels differ clearly (a greyscale
    scan stored as RGB has none that do).

    >>> in_colour(Image.new("RGB", (40, 40), (200, 200, 200)))
    False
    >>> in_colour(Image.new("RGB", (40, 40), (185, 227, 188)))
    True
    """
    if image.mode in ("L", "1", "LA", "I", "F"):
        return False
    small = image.convert("RGB")
    small.thumbnail((400, 400))
    arr = np.asarray(small, dtype=np.int16)
    spread = arr.max(axis=2) - arr.min(axis=2)
    # a few coloured specks are noise; a coloured shape or line of text is hundreds of pixels
    return int((spread > GREY_SPREAD).sum()) >= max(20, spread.size // 5000)


def _hex(pixels: np.ndarray) -> str:
    r, g, b = (float(v) / 255.0 for v in np.median(pixels.reshape(-1, 3), axis=0))
    return colors.hex_rgb(r, g, b)


@dataclass(frozen=True)
class Found:
    """A shape found on a page image."""

    box: tuple[int, int, int, int]  # in the image's pixels
    fill: str | None
    line: str | None
    geometry: str
    #: The median grey level (0-255) of its fill; None for an outlined box.
    level: float | None = None


def find_shapes(image: Image.Image, points_per_pixel: float, colour: bool | None = None
                ) -> list[Found]:
    """Filled and outlined boxes on a page image.

    Two kinds of fill are looked for apart. A pale fill (a pastel or grey box with dark text
    on it) is the paint lighter than ink, its holes (the text) filled; a dark fill (a
    saturated bar, a navy header with white text) is ink too thick to be text. Either covers
    most of its bounding box, and its fill is the median colour of its own pixels (the text
    on it does not count). An outlined box is a thin closed line around paper. ``geometry``
    is "rect", or "homePlate" for a shape whose right end narrows to a point. White and
    near-white fills are not reported (they are paper), and on a greyscale image no fill is
    (``colour``: whether the image is in colour, found when not given).
    """

    colour = in_colour(image) if colour is None else colour
    small = image.convert("RGB")
    small.thumbnail((WORK_WIDTH, WORK_WIDTH))
    factor = image.width / small.width
    pt = points_per_pixel * factor  # points per working pixel
    arr = np.asarray(small, dtype=np.uint8)
    luma = np.asarray(small.convert("L"), dtype=np.int16)
    paint = (255 - arr.min(axis=2).astype(np.int16)) > PAPER_MARGIN
    ink = luma < INK_LUMA
    rules = _thin_rules(paint, max(3, round(MIN_FILL_PT / pt)))
    glyphs, lines = _split_ink(ink & ~rules, pt)
    # pale: the paint lighter than ink with the text on it, not the outlines between boxes
    # nor a shadow or border line between two fills that touch
    pale = _opening(paint & ~ink & ~rules & ~_seams(luma, max(2, round(MIN_FILL_PT / pt))),
                    _square(PALE_OPEN_PT / pt))
    pale |= _on_fill(glyphs, pale)
    pale = _fill_small_holes(pale, pt)
    paper = _paper_boxes(pale, arr, luma, factor, MIN_AREA_PT2 / (pt * pt), MIN_BODY_PT / pt,
                         colour)
    pale = _opening(pale, _square(MIN_BODY_PT / pt))
    dark = _opening(fill_holes(ink & ~rules), _square(DARK_OPEN_PT / pt))
    min_px = MIN_AREA_PT2 / (pt * pt)
    out = []
    for mask, own, share in ((pale, paint & ~ink, MIN_OWN_SHARE),
                             (dark, ink, MIN_DARK_SHARE)):
        out.extend(_filled(mask, own, share, arr, luma, factor, min_px,
                           MIN_BODY_PT / pt, colour))
    k = round(MIN_FILL_PT / pt)
    found = _outlined(lines, arr, factor, min_px, k, colour)
    found += paper
    # a box outlined by a hairline: reducing the image greys the line out of the ink, and
    # a wide box's top and bottom edges are as long as rules; its darkest pixels, with
    # those edges, close it
    _, edged = _split_ink(darkest(image, small.size) < INK_LUMA, pt)
    boxes = {f.box for f in found}
    found += [f for f in _outlined(edged, arr, factor, min_px, k, colour)
              if f.box not in boxes]
    return out + found


#: A hole in a pale fill is a white box drawn on it when it covers this share of its
#: bounding box (a rounded box with its shadow cut off covers about 0.85).
PAPER_SOLIDITY = 0.78
#: ... and is at least this much lighter (0-255 luma) than the fill around it.
PAPER_CONTRAST = 8


def _paper_boxes(pale: np.ndarray, arr: np.ndarray, luma: np.ndarray, factor: float,
                 min_px: float, thickness: float, colour: bool) -> list[Found]:
    """White boxes drawn on a pale fill (an item's box on a swimlane whose outline the scan
    lost): the holes in the pale paint bigger than a word that fill their bounding box and
    are clearly lighter than the fill around them (``PAPER_CONTRAST``; a very pale fill
    that the scan's noise left patchy has holes of its own grey), reported as boxes
    outlined in the fill's colour around them.

    >>> pale = np.ones((60, 90), dtype=bool); pale[20:40, 10:70] = False
    >>> arr = np.full((60, 90, 3), 230, dtype=np.uint8); arr[20:40, 10:70] = 255
    >>> luma = arr[:, :, 0].astype(np.int16)
    >>> [(f.box, f.geometry) for f in _paper_boxes(pale, arr, luma, 1.0, 50, 8, False)]
    [((10, 20, 70, 40), 'rect')]
    >>> luma[20:40, 10:70] = 233  # as grey as the fill: a patch of it, not a box
    >>> _paper_boxes(pale, arr, luma, 1.0, 50, 8, False)
    []
    """
    from scipy import ndimage

    holes = fill_holes(pale) & ~pale
    labels, _ = ndimage.label(holes)
    out = []
    for n, region in enumerate(ndimage.find_objects(labels), start=1):
        h, w = region[0].stop - region[0].start, region[1].stop - region[1].start
        mask = labels[region] == n
        if min(h, w) < thickness or h * w < min_px or mask.sum() < PAPER_SOLIDITY * h * w:
            continue
        grown = (slice(max(0, region[0].start - 2), region[0].stop + 2),
                 slice(max(0, region[1].start - 2), region[1].stop + 2))
        ring = pale[grown]  # the fill around the box, in the window two pixels wider
        inside = luma[region][mask]
        paper = inside[inside >= INK_LUMA]  # the box's own pixels, not its text
        if not ring.any() or not paper.size or \
                np.median(paper) < np.median(luma[grown][ring]) + PAPER_CONTRAST:
            continue
        line = _hex(arr[grown][ring]) if colour else None
        out.append(Found(_image_box(region, factor), None, line, _geometry(mask)))
    return out


def darkest(image: Image.Image, size: tuple[int, int]) -> np.ndarray:
    """The image's grey levels at ``size`` (a reduction), each pixel the darkest of the
    pixels it stands for, so a line thinner than a reduced pixel keeps its darkness."""
    grey = np.asarray(image.convert("L"))
    k = max(1, math.ceil(grey.shape[1] / size[0]))
    h, w = grey.shape[0] // k * k, grey.shape[1] // k * k
    blocks = grey[:h, :w].reshape(h // k, k, w // k, k).min(axis=(1, 3))
    return np.asarray(Image.fromarray(blocks).resize(size, Image.Resampling.NEAREST),
                      dtype=np.int16)


def _split_ink(ink: np.ndarray, pt: float) -> tuple[np.ndarray, np.ndarray]:
    """Ink as glyphs (components no bigger than a word) and lines (longer: the outlines
    of boxes, borders)."""
    from scipy import ndimage

    labels, _ = ndimage.label(ink, structure=np.ones((3, 3), dtype=bool))
    glyph_ids = [0]
    for n, region in enumerate(ndimage.find_objects(labels), start=1):
        h = (region[0].stop - region[0].start) * pt
        w = (region[1].stop - region[1].start) * pt
        if h <= MAX_GLYPH_PT[1] and w <= MAX_GLYPH_PT[0]:
            glyph_ids.append(n)
    is_glyph = np.zeros(labels.max() + 1, dtype=bool)
    is_glyph[glyph_ids] = True
    is_glyph[0] = False
    glyphs = is_glyph[labels]
    return glyphs, ink & ~glyphs


def _rectangles(mask: np.ndarray, depth: int = 0) -> list[tuple[int, int, np.ndarray]]:
    """A component cut into the boxes it is made of, where boxes touch (a bar stacked on
    another of another width, a box overlapping the one beside it): cut across at the rows
    (then the columns) where its left or right (top or bottom) edge jumps. Each piece as
    (row offset, column offset, its mask, trimmed to its content)."""
    h, w = mask.shape
    if depth > 6 or h < 4 or w < 4:
        return [(0, 0, mask)]
    for axis in (0, 1):
        lines = mask if axis == 0 else mask.T
        filled = lines.any(axis=1)
        if filled.sum() < 4:
            continue
        n = lines.shape[1]
        first = np.where(filled, lines.argmax(axis=1), n)
        last = np.where(filled, n - 1 - lines[:, ::-1].argmax(axis=1), -1)
        jump = max(4, n // 20)
        cuts = [i for i in range(1, len(first)) if filled[i] and filled[i - 1]
                and (abs(int(first[i]) - int(first[i - 1])) > jump
                     or abs(int(last[i]) - int(last[i - 1])) > jump)]
        if not cuts:
            continue
        out = []
        edges = [0, *cuts, len(first)]
        for a, b in itertools.pairwise(edges):
            part = mask[a:b] if axis == 0 else mask[:, a:b]
            for y0, x0, piece in _rectangles(part, depth + 1):
                out.append((y0 + a, x0, piece) if axis == 0 else (y0, x0 + a, piece))
        return [_trimmed(y0, x0, piece) for y0, x0, piece in out if piece.any()]
    return [(0, 0, mask)]


#: Two pieces of one component side by side, with tops and bottoms this close (working
#: pixels), are one box that _rectangles cut where an edge jumped somewhere else.
SIDE_BY_SIDE_PX = 2


def _side_by_side(pieces: list[tuple[int, int, np.ndarray]]) -> list[tuple[int, int, np.ndarray]]:
    """``pieces`` (row offset, column offset, mask) with the ones that touch side by side
    and share their top and bottom joined into one: a bar whose edge the scan's noise made
    jump in one place was cut into pieces along its whole height, and each piece is less
    than the bar (a timeline's bar: less than its time; its arrow point apart from it).

    >>> a, b = np.ones((10, 30), bool), np.ones((11, 20), bool)
    >>> [(y, x, m.shape) for y, x, m in _side_by_side([(0, 0, a), (0, 30, b), (40, 0, a)])]
    [(0, 0, (11, 50)), (40, 0, (10, 30))]
    >>> [(y, x, m.shape) for y, x, m in _side_by_side([(0, 0, a), (5, 30, b)])]
    [(0, 0, (10, 30)), (5, 30, (11, 20))]
    """
    out: list[tuple[int, int, np.ndarray]] = []
    for y, x, m in sorted(pieces, key=lambda p: (p[1], p[0])):
        for n, (py, px, pm) in enumerate(out):
            if (abs(px + pm.shape[1] - x) <= 1 and abs(py - y) <= SIDE_BY_SIDE_PX
                    and abs(py + pm.shape[0] - y - m.shape[0]) <= SIDE_BY_SIDE_PX):
                top = min(py, y)
                joined = np.zeros((max(py + pm.shape[0], y + m.shape[0]) - top,
                                   x + m.shape[1] - px), dtype=bool)
                joined[py - top:py - top + pm.shape[0], :pm.shape[1]] |= pm
                joined[y - top:y - top + m.shape[0], x - px:] |= m
                out[n] = (top, px, joined)
                break
        else:
            out.append((y, x, m))
    if len(out) == len(pieces):
        return pieces  # nothing joined: as they were, in their order
    return sorted(out, key=lambda p: (p[0], p[1]))


def _trimmed(y0: int, x0: int, mask: np.ndarray) -> tuple[int, int, np.ndarray]:
    rows, cols = np.nonzero(mask.any(axis=1))[0], np.nonzero(mask.any(axis=0))[0]
    return (y0 + rows[0], x0 + cols[0],
            mask[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1])


def _on_fill(glyphs: np.ndarray, pale: np.ndarray) -> np.ndarray:
    """The words of ``glyphs`` drawn on a pale fill: most of the ring around each word is
    ``pale`` (text on paper is not)."""
    from scipy import ndimage

    words = ndimage.binary_dilation(glyphs, iterations=2)
    labels, n = ndimage.label(words)
    if not n:
        return glyphs
    ring = words & ~ndimage.binary_erosion(words)
    index = np.arange(1, n + 1)
    share = ndimage.sum(ring & pale, labels, index) / np.maximum(
        ndimage.sum(ring, labels, index), 1)
    keep = np.concatenate([[False], share >= 0.5])
    return glyphs & keep[labels]


def _fill_small_holes(mask: np.ndarray, pt: float) -> np.ndarray:
    """``mask`` with its holes no bigger than a word filled (light pixels around text)."""
    from scipy import ndimage

    holes = fill_holes(mask) & ~mask
    labels, n = ndimage.label(holes)
    if not n:
        return mask
    sizes = ndimage.sum(holes, labels, index=np.arange(1, n + 1))
    limit = (MAX_GLYPH_PT[0] * MAX_GLYPH_PT[1]) / (pt * pt)
    small = np.concatenate([[False], sizes <= limit])
    return mask | small[labels]


def _square(size: float) -> tuple[int, int]:
    k = max(2, round(size))
    return k, k


def _filled(mask, paint, share, arr, luma, factor, min_px, thickness, colour):
    """The components of ``mask`` that cover most of their bounding box, each with the
    median colour of the ``paint`` pixels in it."""
    from scipy import ndimage

    out = []
    labels, _ = ndimage.label(mask)
    pieces = [(region[0].start + y0, region[1].start + x0, piece)
              for n, region in enumerate(ndimage.find_objects(labels), start=1)
              for y0, x0, piece in _side_by_side(_rectangles(labels[region] == n))]
    for top, left, whole in pieces:
        h, w = whole.shape
        region = (slice(top, top + h), slice(left, left + w))
        if min(h, w) < thickness or whole.sum() < max(min_px, MIN_SOLIDITY * h * w):
            continue
        own = whole & paint[region]
        if own.sum() < share * whole.sum():  # a box outlined in ink, a letter's bowl
            continue
        fill = _hex(arr[region][own]) if colour else None
        if fill is not None and colors.is_neutral(fill, 0.97):
            fill = None
        level = float(np.median(luma[region][own]))
        out.append(Found(_image_box(region, factor), fill, None, _geometry(whole), level))
    return out


def _image_box(region: tuple[slice, slice], factor: float) -> tuple[int, int, int, int]:
    """A region of the reduced working image as a box in the full image's pixels."""
    rows, cols = region
    return tuple(int(round(v * factor)) for v in (cols.start, rows.start, cols.stop, rows.stop))


def _opening(mask: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Binary opening by a rectangle, as a minimum then a maximum filter (linear in the
    pixels whatever the rectangle's size)."""
    from scipy import ndimage

    return ndimage.maximum_filter(ndimage.minimum_filter(mask, size=size), size=size)


def _thin_rules(paint: np.ndarray, k: int) -> np.ndarray:
    """Long straight lines thinner than ``k`` pixels with paper on one side (a swimlane's
    separator, a time axis; not the rows of a wide box), grown by a pixel: taken out before
    shapes are looked for, so a bar that touches the axis is not one blob with it.

    Such a line is as long as a rule on its own, or thin where it lies (paper, or a shape
    it crosses, beside it): two shapes that touch at a point (a pentagon's tip on the next
    band's arrow) make a long run only through the rows of the point, and those rows of the
    shorter shape are a slice of it, no line (cut out, they split an arrow's shaft into two
    strips too thin to be found).

    >>> paint = np.zeros((30, 100), dtype=bool)
    >>> paint[4, 5:95] = True                    # a rule
    >>> paint[12:24, 5:40] = True                # a band ...
    >>> paint[15:17, 40:44] = True               # ... whose tip touches
    >>> paint[14:22, 44:58] = True               # the shaft of an arrow shorter than a rule
    >>> rules = _thin_rules(paint, 4)
    >>> bool(rules[4, 50]), bool(rules[15, 50]), bool(rules[16, 50])
    (True, False, False)
    """
    from scipy import ndimage

    closed = _closing(paint, (3, 3))
    paper = ~closed
    out = np.zeros_like(paint)
    for axis in (0, 1):  # 0: horizontal lines, 1: vertical lines
        length = max(k + 1, int(0.2 * paint.shape[1 - axis]))
        runs = _opening(closed, (1, length) if axis == 0 else (length, 1))
        thin = runs & ~_opening(runs, (k, 1) if axis == 0 else (1, k))
        thin &= np.roll(paper, k + 1, axis=axis) | np.roll(paper, -(k + 1), axis=axis)
        labels, n = ndimage.label(thin, structure=np.ones((3, 3), dtype=bool))
        if not n:
            continue
        index = np.arange(1, n + 1)
        extent = np.array([sl[1 - axis].stop - sl[1 - axis].start
                           for sl in ndimage.find_objects(labels)])
        # thin where it lies: no run of paint across it as long as a thick line
        lying_thin = closed & ~_opening(closed, (k, 1) if axis == 0 else (1, k))
        share = ndimage.sum(lying_thin, labels, index) / ndimage.sum(thin, labels, index)
        keep = (extent >= length) | (share >= 0.5)
        out |= np.concatenate([[False], keep])[labels]
    return ndimage.binary_dilation(out) if out.any() else out


#: A line at least this much darker (0-255 luma) than what lies on both sides of it is a
#: seam between two fills (``_seams``), not part of either.
SEAM_DEPTH = 15
#: ... and runs along at least this share of the page (a lane's edge, not a letter's).
SEAM_SHARE = 0.2
#: Specks of a scan up to this many working pixels wide beside a seam do not break it.
SEAM_SPECK_PX = 5
#: ... and is darker than both sides along at least this share of its length (elsewhere a box
#: sits on it).
SEAM_BOTH_SIDES = 0.5


def _seams(luma: np.ndarray, k: int) -> np.ndarray:
    """Pixels on a line thinner than ``2 * k`` that is darker than the paint or paper ``k``
    pixels away on both sides: the shadow or border a slide export draws between two pale
    fills that touch (two swimlanes), which is paint like them and would join them into one
    shape.

    >>> luma = np.full((9, 30), 240, dtype=np.int16); luma[4, :] = 190; luma[2, 3:6] = 190
    >>> _seams(luma, 2)[:, 10].astype(int).tolist(), bool(_seams(luma, 2)[2].any())
    ([0, 0, 0, 0, 1, 0, 0, 0, 0], False)
    """
    from scipy import ndimage

    out = np.zeros(luma.shape, dtype=bool)
    for axis in (0, 1):
        # the lightest of a few pixels along the line on either side: a speck of the scan's
        # beside the line does not break it
        before = ndimage.maximum_filter1d(np.roll(luma, k, axis=axis), SEAM_SPECK_PX,
                                          axis=1 - axis)
        after = ndimage.maximum_filter1d(np.roll(luma, -k, axis=axis), SEAM_SPECK_PX,
                                         axis=1 - axis)
        lighter = np.maximum(before, after)
        # darker than the paint or paper on one side (where a box sits on the line, it is
        # no darker than the box) ...
        one_side = luma + SEAM_DEPTH < lighter
        # ... in one straight run, long: a letter's stroke or a speck is as dark, but short
        length = max(3, int(SEAM_SHARE * luma.shape[1 - axis]))
        runs = _opening(one_side, (1, length) if axis == 0 else (length, 1))
        along = np.zeros((3, 3), dtype=bool)  # each row's (column's) runs on their own
        along[1, :] = True
        labels, n = ndimage.label(runs, structure=along if axis == 0 else along.T)
        if not n:
            continue
        # ... and mostly darker than both sides (a line between two fills, not a fill's edge)
        both = (luma + SEAM_DEPTH < np.minimum(before, after)) & runs
        index = np.arange(1, n + 1)
        share = ndimage.sum(both, labels, index) / ndimage.sum(runs, labels, index)
        out |= np.concatenate([[False], share >= SEAM_BOTH_SIDES])[labels]
    return out


def binary_opening(mask: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """``scipy.ndimage.binary_opening`` of ``mask`` by a rectangle of ones, the same pixels
    (paper outside the image, an even side centred as scipy centres it), as a minimum then
    a maximum filter: scipy's erosion costs the rectangle's area at every pixel (0.45 s for
    a rule 840 pixels long on a reduced page), the filters are linear in the pixels.

    >>> from scipy import ndimage
    >>> m = np.random.default_rng(0).random((40, 50)) < 0.9
    >>> all((binary_opening(m, s) == ndimage.binary_opening(m, np.ones(s, bool))).all()
    ...     for s in ((1, 12), (7, 1), (3, 4)))
    True
    """
    from scipy import ndimage

    origin = [-1 if n % 2 == 0 else 0 for n in shape]
    eroded = ndimage.minimum_filter(mask, size=shape, mode="constant", cval=0)
    return ndimage.maximum_filter(eroded, size=shape, mode="constant", cval=0, origin=origin)


def fill_holes(mask: np.ndarray) -> np.ndarray:
    """``mask`` with its holes filled: every pixel but the paper joined to the image's edge
    (4-connected), as ``scipy.ndimage.binary_fill_holes`` gives it. That one grows the paper
    in from the edge one pixel a step, which on a page's masks took 0.4 s a call; labelling
    the paper once is linear in the pixels.

    >>> ring = np.pad(np.pad(np.zeros((1, 1), bool), 1, constant_values=True), 1)
    >>> int(fill_holes(ring).sum()), int(ring.sum())
    (9, 8)
    """
    from scipy import ndimage

    paper, _ = ndimage.label(~mask)
    edge = np.unique(np.concatenate([paper[0], paper[-1], paper[:, 0], paper[:, -1]]))
    return ~np.isin(paper, edge[edge > 0])


def _closing(mask: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Binary closing by a rectangle (a maximum then a minimum filter)."""
    from scipy import ndimage

    return ndimage.minimum_filter(ndimage.maximum_filter(mask, size=size), size=size)


def _geometry(mask: np.ndarray) -> str:
    """"homePlate" when the right end of a shape's mask narrows to its middle (an arrow, a
    pentagon: its last columns are less than ``POINT_END`` filled, a rounded corner's are
    more), else "rect"."""
    h, w = mask.shape
    if w < 1.5 * h or h < 6:
        return "rect"
    cols = mask.sum(axis=0) / h
    end = cols[-max(2, w // 60):]
    if cols[: w // 2].mean() < 0.85:
        return "rect"
    if end.mean() >= POINT_END:
        return "homePlate" if _blunt_point(mask) else "rect"
    rows = np.nonzero(mask[:, -max(2, w // 60):].any(axis=1))[0]
    middle = (rows.min() + rows.max()) / 2
    # its last columns around the middle, and its edge receding from there to its top and
    # bottom (a box's drop shadow also leaves only a thin strip in the last columns)
    return "homePlate" if abs(middle - h / 2) < 0.2 * h and _blunt_point(mask) else "rect"


#: A shape's right edge that recedes by this share of its height at its top and bottom, and
#: by half as much still at ``POINT_DEPTH`` of its height in from them, ends in a point,
#: however blunt (a rounded corner bends only in its last rows: a default rounded box's
#: radius is a sixth of its height).
POINT_RECEDES = 0.2
POINT_DEPTH = 0.15


def _blunt_point(mask: np.ndarray) -> bool:
    """Whether the right edge of ``mask`` recedes from its middle to its top and bottom
    like a pentagon's point, which the scan's blur and the opening of the fill mask have
    blunted (the point of a bar as wide as the page is a few points deep, so its last
    columns are more than :data:`POINT_END` filled).

    >>> box = np.ones((40, 200), dtype=bool)
    >>> tip = box.copy()
    >>> for r in range(40):
    ...     tip[r, 200 - abs(20 - r) * 12 // 20:] = False
    >>> _blunt_point(box), _blunt_point(tip)
    (False, True)
    >>> rounded = box.copy()
    >>> for r in range(7):
    ...     rounded[r, 200 - 7 + round((49 - (7 - r) ** 2) ** 0.5):] = False
    ...     rounded[39 - r, 200 - 7 + round((49 - (7 - r) ** 2) ** 0.5):] = False
    >>> _blunt_point(rounded)
    False
    """
    h = mask.shape[0]
    filled = mask.any(axis=1)
    right = np.where(filled, mask.shape[1] - 1 - mask[:, ::-1].argmax(axis=1), -1)
    middle = float(np.median(right[int(0.4 * h):max(int(0.4 * h) + 1, int(0.6 * h))]))
    depth = max(1, round(POINT_DEPTH * h))
    ends = (right[0], right[-1])
    inside = (right[depth], right[h - 1 - depth])
    return all(middle - e >= POINT_RECEDES * h and middle - i >= POINT_RECEDES * h / 2
               for e, i in zip(ends, inside, strict=True))


#: A closed outline is a box's when, with its inside filled, it covers this share of its
#: bounding box (a long bar's arrow point and a speck on its edge cost it about 0.11).
MIN_OUTLINED_SHARE = 0.85


def _outlined(lines, arr, factor, min_px, k, colour):
    """Thin closed outlines around paper or a pale fill (a box with a border): each line of
    ink longer than a word that, with its holes filled, covers most of its bounding box; an
    outline whose right end narrows to a point is a "homePlate" (an arrow: "and later")."""
    from scipy import ndimage

    labels, _ = ndimage.label(lines, structure=np.ones((3, 3), dtype=bool))
    out = []
    for n, region in enumerate(ndimage.find_objects(labels), start=1):
        h, w = region[0].stop - region[0].start, region[1].stop - region[1].start
        if not _outline_sized(h, w, k, min_px):
            continue
        mask = labels[region] == n
        if mask.sum() > 0.5 * h * w:  # not thin: a shape
            continue
        filled = fill_holes(mask)
        if filled.sum() >= MIN_OUTLINED_SHARE * h * w:
            boxes = [(region, filled)]
        else:  # not closed, not a box, or boxes whose outlines a scan ran together
            boxes = _boxes_run_together(region, mask, filled, k, min_px)
        for box, solid in boxes:
            line = _hex(arr[box][labels[box] == n]) if colour else None
            out.append(Found(_image_box(box, factor), None, line, _geometry(solid)))
    return out


def _outline_sized(h: int, w: int, k: int, min_px: float) -> bool:
    """Whether an outline ``h`` by ``w`` pixels is big enough to be a box's: two line
    widths (``k``) each way, and four times the smallest fill's area."""
    return h >= 2 * k and w >= 2 * k and h * w >= 4 * min_px


def _boxes_run_together(region: tuple[slice, slice], mask: np.ndarray, filled: np.ndarray,
                        k: int, min_px: float) -> list[tuple[tuple[slice, slice], np.ndarray]]:
    """The boxes in one closed outline that covers too little of its bounding box to be a
    box: two boxes stacked a few points apart, whose facing edges a reduced scan runs into
    one line (two bars of a timeline, one shorter than the other), and strokes thinner
    than ``k`` that stick out of an outline they cross (a dashed "today" line). The
    outline is filled and the strokes taken off (which parts boxes joined only by their
    edges); each part is cut where its edges jump (:func:`_rectangles`), and each piece
    that covers most of its own bounding box, with the outline (``mask``) drawn along
    each of its four sides, is a box (its region and mask): a cut through a row of
    header cells, where no line runs, makes no box."""
    from scipy import ndimage

    body = _opening(filled, _square(k))
    labels, _ = ndimage.label(body)
    pieces = [(part[0].start + y0, part[1].start + x0, piece)
              for n, part in enumerate(ndimage.find_objects(labels), start=1)
              for y0, x0, piece in _rectangles(labels[part] == n)]
    out = []
    for y0, x0, piece in pieces:
        h, w = piece.shape
        if not _outline_sized(h, w, k, min_px):
            continue
        if piece.sum() < MIN_OUTLINED_SHARE * h * w or not _drawn_round(mask, y0, x0, h, w, k):
            continue
        inside = mask[y0 + k:y0 + h - k, x0 + k:x0 + w - k]
        if inside.size and inside.mean() > HOLLOW_INK:
            continue  # ink inside too: a dark band with light text, no outline
        top, left = region[0].start + y0, region[1].start + x0
        out.append(((slice(top, top + h), slice(left, left + w)), piece))
    return out


#: Most share of an outlined box's inside (its outline's width in from its edges) that
#: lines may cover (a dashed line across it, not a dark fill).
HOLLOW_INK = 0.3
#: A box's side is drawn when its outline runs along this share of it.
DRAWN_SIDE_SHARE = 0.8


def _drawn_round(mask: np.ndarray, y0: int, x0: int, h: int, w: int, k: int) -> bool:
    """Whether the line pixels ``mask`` run along each side of the box at (``y0``, ``x0``),
    ``h`` by ``w``, within ``k`` pixels of it, for :data:`DRAWN_SIDE_SHARE` of its length.

    >>> ring = np.zeros((20, 40), dtype=bool)
    >>> ring[2, 2:38] = ring[17, 2:38] = ring[2:18, 2] = ring[2:18, 37] = True
    >>> _drawn_round(ring, 2, 2, 16, 36, 2), _drawn_round(ring, 2, 2, 16, 20, 2)
    (True, False)
    """
    def band(a: int, b: int, c: int, d: int) -> np.ndarray:
        return mask[max(0, a):max(0, b), max(0, c):max(0, d)]

    sides = (band(y0 - k, y0 + k + 1, x0, x0 + w).any(axis=0),
             band(y0 + h - 1 - k, y0 + h + k, x0, x0 + w).any(axis=0),
             band(y0, y0 + h, x0 - k, x0 + k + 1).any(axis=1),
             band(y0, y0 + h, x0 + w - 1 - k, x0 + w + k).any(axis=1))
    return all(side.size and side.mean() >= DRAWN_SIDE_SHARE for side in sides)


def text_colour(image: Image.Image, box: tuple[int, int, int, int]) -> str | None:
    """The colour a line of text is drawn in, from its pixel box on a colour page image:
    the median of the pixels furthest from the box's background (its commonest colour).
    None for black or dark grey text (the default), and when the box shows no clear ink."""
    x0, y0, x1, y1 = (int(v) for v in box)
    if x1 - x0 < 3 or y1 - y0 < 3:
        return None
    arr = np.asarray(image.crop((x0, y0, x1, y1)).convert("RGB"), dtype=np.int16
                     ).reshape(-1, 3)
    background = np.median(arr, axis=0)
    distance = np.sqrt(((arr - background) ** 2).sum(axis=1))
    ink = arr[distance > 80]
    if len(ink) < 12:
        return None
    far = np.sqrt(((ink - background) ** 2).sum(axis=1))
    core = ink[far >= np.quantile(far, 0.6)]
    found = _hex(core.astype(np.uint8))
    if colors.family(found) in ("black", "grey", "white"):
        return None
    return found


#: A dark shape is turned to dark text on paper for OCR only when it is at least this big
#: (points, width and height): a header or a bar, not a bold letter with its bowl filled.
MIN_INVERT_PT = (40.0, 12.0)
#: A long thin dark shape is a band with a label in it too (an arrow band of periods).
MIN_BAND_PT = (100.0, 6.0)
#: How far beyond a pale shape's found box its fill is still made paper (points).
FILL_EDGE_PT = 2.0
#: The rim of a dark shape that is made paper rather than turned (points).
DARK_RIM_PT = 2.0
#: A light line down a dark shape, turned dark, is a grid line, not a letter's stem, when it
#: runs at least this share of the shape's height.
DOWN_LINE_SHARE = 0.8


def with_bands_joined(found: list[Found], turned: list[Found]) -> list[Found]:
    """``found`` with the pieces of each dark band that its text cut apart (joined again
    by :func:`turned_shapes`) replaced by the band: the layout reads a header band's
    extent (a period of the deck's scheme over a timeline), not a piece's.

    >>> a, b = Found((0, 0, 50, 20), None, None, "rect", 80.0), Found((60, 0, 99, 20), None,
    ...                                                               None, "rect", 80.0)
    >>> band = Found((0, 0, 99, 20), None, None, "rect", 80.0)
    >>> [f.box for f in with_bands_joined([a, b], [band])]
    [(0, 0, 99, 20)]
    >>> [f.box for f in with_bands_joined([a, b], [a, b])]
    [(0, 0, 50, 20), (60, 0, 99, 20)]
    """
    boxes = {f.box for f in found}
    joins = [t for t in turned if t.box not in boxes]
    if not joins:
        return found
    return [f for f in found if not (f.level is not None and f.level < INK_LUMA
                                     and any(contains(t.box, f.box, 1) for t in joins))] + joins


def _joined_across_text(arr: np.ndarray, dark: list[Found], reach: int) -> list[Found]:
    """Dark shapes found as pieces of one: a band whose light text cuts its fill in two is
    found left and right of the text. Two pieces of about the same grey on one row are one
    shape when, in nearly every column between them, the fill shows above or below the
    text, and so are pieces that touch (one shape cut where its edge jumps); pieces a
    hairline apart are cells drawn side by side (a table's header row) unless the fill runs
    on through the hairline (text cut the band where its lines fill it edge to edge)."""
    out: list[Found] = []
    for s in sorted(dark, key=lambda f: (f.box[0], f.box[1])):
        # the piece's neighbour on its own row: a shape elsewhere on the page (a bold
        # letter's bowl in the title) may come between the two in left-to-right order
        row = [n for n, o in enumerate(out) if _same_row(o.box, s.box)]
        n = max(row, key=lambda n: out[n].box[2]) if row else None
        last = out[n] if n is not None else None
        if last is not None and _one_band(arr, last, s, reach):
            box = (last.box[0], min(last.box[1], s.box[1]), max(last.box[2], s.box[2]),
                   max(last.box[3], s.box[3]))
            out[n] = Found(box, last.fill, last.line, last.geometry
                           if last.box[2] >= s.box[2] else s.geometry, last.level)
        else:
            out.append(s)
    return out


def _same_row(a: tuple, b: tuple) -> bool:
    """Whether two boxes overlap by at least half the lower one's height."""
    return min(a[3], b[3]) - max(a[1], b[1]) >= 0.5 * min(a[3] - a[1], b[3] - b[1])


def _one_band(arr: np.ndarray, a: Found, b: Found, reach: int) -> bool:
    (_, ay0, ax1, ay1), (bx0, by0, _, by1) = a.box, b.box
    if abs(a.level - b.level) > 24:
        return False
    if not _same_row(a.box, b.box):
        return False
    if abs(bx0 - ax1) <= 1:
        return True  # one shape cut where its edge jumps (text taller than the band)
    top, bottom = max(0, min(ay0, by0) - reach), max(ay1, by1) + reach
    # a hairline apart: cells drawn side by side, with paper or a grid line down the gap
    # between them (light from top to bottom, or on a blurred scan as dark as the fill);
    # or one band that text cut where it fills the band from edge to edge ("Helse" /
    # "Vest"): the text's light strokes lie in the gap, and the fill runs on through it,
    # from one piece to the other, between or beside the text's lines (the pieces' own
    # edge columns left out)
    edge = 1 if bx0 - ax1 < reach / 2 else 0
    gap = arr[top:bottom, ax1 + edge:bx0 - edge]
    if gap.size == 0:
        return False
    if edge and not _text_cut(arr, a, b, reach):
        return False
    filled = (np.abs(gap - (a.level + b.level) / 2) <= 24).any(axis=0)
    return filled.mean() >= 0.9


#: Light, in a dark band's gap: this much lighter than the band's fill (0-255).
GAP_LIGHT = 40


def _text_cut(arr: np.ndarray, a: Found, b: Found, reach: int) -> bool:
    """Whether what parts two pieces of a dark band a hairline apart (``a`` left of ``b``)
    is text, not a grid line: light ink lies in the gap, and no light line runs down it
    through the band's whole height (a white grid line between two header cells, slanting
    across the gap's columns on a tilted scan). ``reach``: the band's reach in pixels; the
    gap is looked at a quarter of it to each side."""
    from scipy import ndimage

    (_, ay0, ax1, ay1), (bx0, by0, _, by1) = a.box, b.box
    lo, hi = max(ay0, by0), min(ay1, by1)
    inset = max(1, (hi - lo) // 10)
    side = max(2, reach // 4)
    window = arr[lo + inset:hi - inset, max(0, ax1 - side):bx0 + side]
    light = window > (a.level + b.level) / 2 + GAP_LIGHT
    if window.size == 0 or light[:, side:-side].sum() < 2:
        return False  # nothing light in the gap: a grid line as dark as the fill
    labels, _ = ndimage.label(light, structure=np.ones((3, 3), dtype=bool))
    return not any(rows.stop - rows.start >= 0.9 * light.shape[0]
                   for rows, _ in ndimage.find_objects(labels))


def _darken_light_text(arr: np.ndarray, shape: Found, reach: int, rim: int, run: int
                       ) -> None:
    """Turn a dark shape's light text into dark text on paper, in place. The shape's found
    box is a rectangle, but a band left a little tilted by the scan, or an arrow, reaches
    over and under it, and a label cut there is lost: so each column is turned from the
    first to the last of its dark pixels within ``reach`` pixels of the box (the fill, and
    the text it encloses), and nothing beyond. The fill's own edge, its outline and its
    ``rim`` pixels at the sides become paper: tesseract reads an edge as letters ("HL")."""
    x0, y0, x1, y1 = shape.box
    top, left = max(0, y0 - reach), max(0, x0 - reach)
    window = arr[top:y1 + reach, left:x1 + reach]
    dark = window < (shape.level + 255.0) / 2
    rows = np.arange(window.shape[0])[:, None]
    cols = np.arange(window.shape[1])[None, :] + left
    first = np.argmax(dark, axis=0)
    last = window.shape[0] - 1 - np.argmax(dark[::-1], axis=0)
    inside = (rows >= first) & (rows <= last) & dark.any(axis=0)
    turned = 255.0 - np.clip((window - shape.level) * (255.0 / max(255.0 - shape.level, 1.0)),
                             0, 255)
    turned[np.abs(window - shape.level) <= 24] = 255.0  # the fill itself: paper
    edge = (rows <= first + 1) | (rows >= last - 1) | (cols < x0 + rim) | (cols >= x1 - rim)
    turned[edge & inside] = 255.0
    # a light line across it (the grid line between a table header's rows), turned dark, is
    # no text: a run of it longer than a letter's stroke stays paper, and so does the rest of
    # a row that such runs cross for a third of the shape's width (the columns' reach cut
    # the line up); a row of text has no such run. A line down it (between two header
    # cells) runs most of the shape's height, where a letter's stem ("l" in a big header)
    # is one line of text high.
    light = inside & (turned < 128)
    across = _opening(light, _line(run, 1))
    rows_of_line = across.sum(axis=1) >= (x1 - x0) / 3
    rows_of_line |= np.roll(rows_of_line, 1) | np.roll(rows_of_line, -1)
    down = _opening(light, _line(max(run, round(DOWN_LINE_SHARE * (y1 - y0))) | 1, 0))
    turned[across | down | (rows_of_line[:, None] & light)] = 255.0
    window[inside] = turned[inside]


def _line(length: int, axis: int) -> tuple[int, int]:
    """The rectangle of a line ``length`` pixels long along ``axis`` (1: a row, 0: a
    column), for :func:`_opening`."""
    return (1, length) if axis == 1 else (length, 1)


def _odd_pixels(points: float, points_per_pixel: float) -> int:
    """``points`` in pixels, at least 3 and odd (a window centred on its pixel)."""
    return max(3, round(points / points_per_pixel)) | 1


def turned_shapes(grey: Image.Image, shapes: list[Found], points_per_pixel: float,
                  rules: list[tuple[int, int, int, int]] = ()) -> list[Found]:
    """The dark shapes whose light text :func:`clean_for_ocr` turns to dark text on paper:
    those at least ``MIN_INVERT_PT`` (a header, a bar) or ``MIN_BAND_PT`` (a long thin band)
    big, pieces of one shape that its text cut apart joined again, each reaching to the
    ``rules`` (pixel boxes) drawn along its edges."""
    arr = np.asarray(grey, dtype=np.float32)
    min_w, min_h = (v / points_per_pixel for v in MIN_INVERT_PT)
    band_w, band_h = (v / points_per_pixel for v in MIN_BAND_PT)
    reach = round(DARK_REACH_PT / points_per_pixel)
    dark = _joined_across_text(arr, [s for s in shapes if s.level is not None
                                     and s.level < INK_LUMA], reach)
    dark = [_to_rules(s, rules, 2 * reach) for s in dark]
    return [s for s in dark if (s.box[2] - s.box[0] >= min_w and s.box[3] - s.box[1] >= min_h)
            or (s.box[2] - s.box[0] >= band_w and s.box[3] - s.box[1] >= band_h)]


def _to_rules(shape: Found, rules: list[tuple[int, int, int, int]], slack: int) -> Found:
    """``shape`` reaching to the lines drawn along its top and bottom edges, when they are
    (at most ``slack`` pixels beyond it, along most of its width): a dark header's fill is
    found short of its outlined edge where its text runs close to the edge ("Helse" /
    "Vest" filling the header), and text cut off there would stay light.

    >>> header = Found((10, 14, 90, 30), None, None, "rect", 80.0)
    >>> _to_rules(header, [(8, 9, 92, 10), (8, 31, 92, 32), (0, 0, 5, 200)], 6).box
    (10, 9, 90, 32)
    """
    x0, y0, x1, y1 = shape.box
    top, bottom = y0, y1
    for r in rules:
        if r[2] - r[0] <= r[3] - r[1] or min(x1, r[2]) - max(x0, r[0]) < 0.8 * (x1 - x0):
            continue
        if 0 < y0 - r[1] <= slack:
            top = min(top, r[1])
        if 0 < r[3] - y1 <= slack:
            bottom = max(bottom, r[3])
    if (top, bottom) == (y0, y1):
        return shape
    return Found((x0, top, x1, bottom), shape.fill, shape.line, shape.geometry, shape.level)


#: A box's outline, and a rule, is turned to paper for OCR where it runs straight for at
#: least this many points (tesseract reads an outline beside a word as "|", "[" or "J", and
#: joins the lines of two boxes across it into one); a letter's stem is shorter...
OUTLINE_RUN_PT = 10.0
#: ... looked for this many points either side of the box's edge, or the rule...
OUTLINE_BAND_PT = 3.0
#: ... in paint darker than this (a grey outline too)...
OUTLINE_LUMA = 200
#: ... and thinner than this across (a scanned 1 pt outline is 1-2 pt; a bold title's stem,
#: as long, is thicker).
OUTLINE_THICK_PT = 3.0


def clean_for_ocr(grey: Image.Image, shapes: list[Found], points_per_pixel: float,
                  rules: list[tuple[int, int, int, int]] = (),
                  turned: list[Found] | None = None) -> Image.Image:
    """A copy of a greyscale page image that tesseract reads better: inside each pale
    filled shape the fill is turned to paper (each pixel scaled by the fill's level, so dark
    text stays dark), a big dark shape's light text is turned to dark text on paper
    (:func:`turned_shapes`), and the straight lines along the shapes' edges and the
    ``rules`` (pixel boxes) are turned to paper (:func:`_erase_outlines`). Tesseract
    binarizes a page with one threshold, which loses text on a darker fill; this keeps every
    box's text where it is. Nothing away from a shape or a rule changes. ``turned``: the
    caller's :func:`turned_shapes` of these shapes, when it has them."""
    arr = np.asarray(grey, dtype=np.float32).copy()
    reach = round(DARK_REACH_PT / points_per_pixel)
    run = _odd_pixels(OUTLINE_RUN_PT, points_per_pixel)
    pale = [s for s in shapes if s.level is not None and s.level >= INK_LUMA]
    dark = turned if turned is not None else turned_shapes(grey, shapes, points_per_pixel, rules)
    for s in sorted(pale + dark,
                    key=lambda s: -(s.box[2] - s.box[0]) * (s.box[3] - s.box[1])):
        x0, y0, x1, y1 = s.box
        inner = arr[y0:y1, x0:x1]
        if s.level >= INK_LUMA:  # pale: the fill becomes paper, dark text stays dark
            inner[:] = np.minimum(255.0, inner * (255.0 / max(s.level, 1.0)))
            # the box is found a pixel or two inside the fill's edge: what is left of the
            # fill around it (its own grey, not text) becomes paper too
            g = max(1, round(FILL_EDGE_PT / points_per_pixel))
            rim = arr[max(0, y0 - g):y1 + g, max(0, x0 - g):x1 + g]
            rim[np.abs(rim - s.level) <= 14] = 255.0
        else:  # dark (a header, or a long thin band): its light text becomes dark
            _darken_light_text(arr, s, reach, max(1, round(DARK_RIM_PT / points_per_pixel)),
                               run)
    # along the edges of the shapes but the dark ones (an icon, or bold letters, whose
    # edges run through the text beside them); across the rules and the turned shapes,
    # whose light grid lines (a table header's) are dark now
    _erase_outlines(arr, [s.box for s in shapes if s.level is None or s.level >= INK_LUMA],
                    list(rules) + [s.box for s in dark], points_per_pixel)
    return Image.fromarray(arr.astype(np.uint8))


#: A small dark shape is an icon (a dot or a square before a label, a legend's swatch) when
#: no light pixel (but a scan's specks: at most ICON_SPECKS of them) lies in the middle of
#: its box, this share of its width and height...
ICON_MIDDLE = 0.5
#: ... light being this much lighter than its fill (0-255 luma).
ICON_LIGHT = 60
ICON_SPECKS = 0.02


def icons(grey: Image.Image, shapes: list[Found], turned: list[Found]) -> list[Found]:
    """The small dark shapes of ``shapes`` (too small to be ``turned`` for OCR) that hold no
    text: a dot or a square drawn before a label, a legend's swatch, which tesseract reads
    as letters ("OG 2023-24"). A small dark badge with light text in it is no icon.

    >>> img = Image.new("L", (90, 40), 255)
    >>> img.paste(60, (5, 10, 17, 22)); img.paste(60, (40, 10, 70, 22))
    >>> img.paste(250, (50, 14, 60, 18))                           # the badge's text
    >>> [f.box for f in icons(img, [Found((5, 10, 17, 22), None, None, "rect", 60.0),
    ...                             Found((40, 10, 70, 22), None, None, "rect", 60.0)], [])]
    [(5, 10, 17, 22)]
    """
    arr = np.asarray(grey, dtype=np.float32)
    out = []
    for s in shapes:
        if s.level is None or s.level >= INK_LUMA or any(contains(t.box, s.box, 1) for t in turned):
            continue
        x0, y0, x1, y1 = s.box
        mx, my = (1 - ICON_MIDDLE) / 2 * (x1 - x0), (1 - ICON_MIDDLE) / 2 * (y1 - y0)
        middle = arr[round(y0 + my):round(y1 - my), round(x0 + mx):round(x1 - mx)]
        if middle.size and (middle > s.level + ICON_LIGHT).mean() <= ICON_SPECKS:
            out.append(s)
    return out


def _erase_outlines(arr: np.ndarray, boxes: list[tuple[int, int, int, int]],
                    wholes: list[tuple[int, int, int, int]], points_per_pixel: float) -> None:
    """Turn to paper, in ``arr``, the thin straight runs of paint of at least
    :data:`OUTLINE_RUN_PT` along the edges of ``boxes`` and anywhere in ``wholes`` (all
    pixel boxes): outlines, rules and grid lines, not the text inside a box, which keeps its
    margin, and no letter's stroke, which is shorter or thicker.

    >>> arr = np.full((60, 120), 255.0); arr[10, 10:110] = arr[50, 10:110] = 40
    >>> arr[10:51, 10] = arr[10:51, 109] = 40   # a box's outline
    >>> arr[25:33, 30:34] = 0                   # a letter in it, near no edge
    >>> arr[20:28, 12:14] = 0                   # a short stem right at its edge
    >>> _erase_outlines(arr, [(11, 11, 109, 50)], [], 1.0)
    >>> int((arr[10] < 255).sum()), int((arr[:, 10] < 255).sum()), int((arr < 255).sum())
    (0, 0, 48)
    """
    from scipy import ndimage

    g = max(1, round(OUTLINE_BAND_PT / points_per_pixel))
    h, w = arr.shape
    band = np.zeros((h, w), dtype=bool)
    for x0, y0, x1, y1 in boxes:
        top, bottom = max(0, y0 - g), min(h, y1 + g)
        left, right = max(0, x0 - g), min(w, x1 + g)
        band[top:bottom, left:x0 + g] = band[top:bottom, max(0, x1 - g):right] = True
        band[top:y0 + g, left:right] = band[max(0, y1 - g):bottom, left:right] = True
    for x0, y0, x1, y1 in wholes:
        band[max(0, y0 - g):y1 + g, max(0, x0 - g):x1 + g] = True
    if not band.any():
        return
    paint = band & (arr < OUTLINE_LUMA)
    run = _odd_pixels(OUTLINE_RUN_PT, points_per_pixel)
    thick = _odd_pixels(OUTLINE_THICK_PT, points_per_pixel)
    lines = np.zeros_like(paint)
    for along, across in ((1, 0), (0, 1)):  # horizontal runs, then vertical ones
        # a run that is thin across it (a letter's stroke that long is thicker)
        lines |= _opening(paint, _line(run, along)) & ~_opening(paint, _line(thick, across))
    grown = ndimage.maximum_filter1d(ndimage.maximum_filter1d(lines, 3, axis=0), 3, axis=1)
    arr[grown] = 255.0  # (and the pixel either side: the line's blur)
