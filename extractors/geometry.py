"""Geometry helpers shared by the PDF and OCR backends."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from .model import BBox, Block, Line, Shape

#: Two blocks are one when the lower starts within this many line heights below the upper.
MERGE_GAP_LINES = 1.2
#: ... and their left edges are within this many points (a hanging indent included).
MERGE_LEFT_TOLERANCE = 16.0
#: Two pieces of one row (a bullet and its text, split by the layout engine) are one line
#: when they overlap vertically by half a line and the gap is under this many line heights.
ROW_GAP_HEIGHTS = 1.5
#: A one-line block continues a line of another block on its row when the gap is no wider
#: than a wide word space (pdfminer cuts "Innføring steg 1 | (i drift)" at a wide space);
#: grid gutters are wider than this.
SPLIT_ROW_GAP_HEIGHTS = 0.8


def union(boxes: list[BBox]) -> BBox:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def _stacked(a: Block, b: Block) -> bool:
    ax0, ay0, ax1, ay1 = a.bbox
    bx0, by0, bx1, by1 = b.bbox
    heights = [ln.bbox[3] - ln.bbox[1] for ln in a.lines + b.lines if ln.bbox]
    reach = MERGE_GAP_LINES * (min(heights) if heights else 10.0) + 2
    return (abs(ax0 - bx0) <= MERGE_LEFT_TOLERANCE and min(ax1, bx1) > max(ax0, bx0)
            and by0 <= ay1 + reach and ay0 <= by1 + reach)


def contains(outer: BBox, inner: BBox, slack: float = 2.0) -> bool:
    return (inner[0] >= outer[0] - slack and inner[1] >= outer[1] - slack
            and inner[2] <= outer[2] + slack and inner[3] <= outer[3] + slack)


def holds_middle(box: BBox, inner: BBox) -> bool:
    """Whether ``box`` holds the middle of ``inner``.

    >>> holds_middle((0, 0, 10, 10), (4, 4, 14, 12)), holds_middle((0, 0, 10, 10), (9, 9, 14, 14))
    (True, False)
    """
    x, y = (inner[0] + inner[2]) / 2, (inner[1] + inner[3]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def intersects(a: BBox, b: BBox) -> bool:
    """Whether two boxes share some area (touching edges do not).

    >>> intersects((0, 0, 10, 10), (9, 9, 20, 20)), intersects((0, 0, 10, 10), (10, 0, 20, 10))
    (True, False)
    """
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def area(box: BBox) -> float:
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def frame_of(box: BBox, shapes: list[Shape], max_area: float | None = None) -> Shape | None:
    """The smallest drawn shape (not a line) that ``box`` lies in, if any.

    >>> frame_of((10, 10, 20, 20), [Shape((0, 0, 100, 100)), Shape((5, 5, 30, 30))]).bbox
    (5, 5, 30, 30)
    """
    return _smallest(shapes, lambda bbox: contains(bbox, box), max_area)


def _smallest(shapes: list[Shape], fits: Callable[[BBox], bool], max_area: float | None
              ) -> Shape | None:
    """The smallest shape (not a line) whose box ``fits``, of at most ``max_area``."""
    best = None
    for shape in shapes:
        if shape.geometry == "line" or not fits(shape.bbox):
            continue
        if max_area is not None and area(shape.bbox) > max_area:
            continue
        if best is None or area(shape.bbox) < area(best.bbox):
            best = shape
    return best


#: A text taller than the shape it is written across still stands on it when the shape is
#: at least this share of the text's height (a label on an arrow's shaft).
ACROSS_SHARE = 0.4


def frame_across(box: BBox, shapes: list[Shape], max_area: float | None = None
                 ) -> Shape | None:
    """The smallest drawn shape (not a line) that ``box`` is written across: it holds the
    box's width and its middle, and is at least :data:`ACROSS_SHARE` of its height; the
    text stands out above or below it (a label taller than the arrow shaft it is on; on a
    scan, the label's letters turned dark beyond the shaft's edges).

    >>> shaft = Shape((538, 80, 946, 89), None)
    >>> frame_across((712, 73, 770, 92), [shaft]).bbox
    (538, 80, 946, 89)
    >>> frame_across((712, 60, 770, 79), [shaft]), frame_across((712, 70, 770, 100), [shaft])
    (None, None)
    """
    middle = (box[1] + box[3]) / 2

    def across(bbox: BBox) -> bool:
        x0, y0, x1, y1 = bbox
        return (x0 - 2 <= box[0] and box[2] <= x1 + 2 and y0 <= middle <= y1
                and y1 - y0 >= ACROSS_SHARE * (box[3] - box[1]))

    return _smallest(shapes, across, max_area)


def filled_frame_under(box: BBox, shapes: list[Shape], max_area: float | None = None,
                       share: float = 0.6) -> Shape | None:
    """The smallest filled shape that holds ``box``'s width and most (``share``) of its
    area: the box an item's text runs out of (a short bar with a wrapped name).

    >>> filled_frame_under((10, 8, 40, 32), [Shape((5, 10, 45, 30), "C6EFCE")]).bbox
    (5, 10, 45, 30)
    """
    best = None
    size = max(area(box), 1e-6)
    for shape in shapes:
        sx0, sy0, sx1, sy1 = shape.bbox
        if shape.geometry == "line" or not shape.fill or not (sx0 - 2 <= box[0]
                                                              and box[2] <= sx1 + 2):
            continue
        overlap = max(0.0, min(sy1, box[3]) - max(sy0, box[1])) * (box[2] - box[0])
        if overlap < share * size or (max_area is not None and area(shape.bbox) > max_area):
            continue
        if best is None or area(shape.bbox) < area(best.bbox):
            best = shape
    return best


def merge_stacked_blocks(blocks: list[Block], shapes: list[Shape] | None = None) -> list[Block]:
    """Merge blocks that are one text box cut in pieces by the layout engine: stacked directly
    above each other, left edges aligned (within a hanging indent), no gap bigger than a line,
    and drawn on the same shape (two bars of a timeline stay apart).

    pdfminer and tesseract both cut a bulleted list into one box per bullet, or split a wrapped
    line with a hanging indent from its bullet; the items themselves are split later by bullets.
    """
    boxed = _rejoin_split_rows([b for b in blocks if b.bbox], shapes or [])
    frames = [frame_of(b.bbox, shapes) if shapes else None for b in boxed]
    rules = [s.bbox for s in shapes or () if s.geometry == "line"
             and s.bbox[2] - s.bbox[0] > s.bbox[3] - s.bbox[1]]
    parent = list(range(len(boxed)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(boxed)):
        for j in range(i + 1, len(boxed)):
            if frames[i] is frames[j] and _stacked(boxed[i], boxed[j]) and \
                    not _ruled_apart(boxed[i].bbox, boxed[j].bbox, rules):
                parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(boxed)):
        groups.setdefault(root(i), []).append(i)
    merged = []
    for indexes in groups.values():
        members = [boxed[i] for i in indexes]
        lines = sorted((ln for b in members for ln in b.lines),
                       key=lambda ln: (ln.bbox[1], ln.bbox[0]) if ln.bbox else (0, 0))
        frame = frames[indexes[0]]
        merged.append(Block(members[0].kind, join_rows(lines), union([b.bbox for b in members]),
                            frame=frame.bbox if frame else None,
                            fill=frame.fill if frame else None,
                            geometry=frame.geometry if frame else None))
    merged.sort(key=lambda b: (round(b.bbox[1] / 4), b.bbox[0]))
    return merged + [b for b in blocks if not b.bbox]


def _ruled_apart(a: BBox, b: BBox, rules: list[BBox]) -> bool:
    """A horizontal rule (a table's row border) runs between two stacked boxes."""
    top, bottom = (a, b) if a[1] <= b[1] else (b, a)
    return any(top[3] - 1 <= (r[1] + r[3]) / 2 <= bottom[1] + 1
               and min(r[2], a[2], b[2]) > max(r[0], max(a[0], b[0])) for r in rules)


def _rejoin_split_rows(blocks: list[Block], shapes: list[Shape] | None = None
                       ) -> list[Block]:
    """Blocks with a one-line block that continues a line of another block on the same row
    (within ``SPLIT_ROW_GAP_HEIGHTS``; within ``ROW_GAP_HEIGHTS`` when both lie in one bar
    of ``shapes``) folded into that block."""
    out = list(blocks)
    for frag in sorted((b for b in blocks if len(b.lines) == 1 and b.lines[0].bbox),
                       key=lambda b: b.bbox[0]):
        piece = frag.lines[0]
        host = next(((k, i) for k, block in enumerate(out) if block is not frag
                     for i, line in enumerate(block.lines)
                     # the widest gap first, without looking for bars: most lines are not
                     # near; the gap these two may have (in a bar or not) only for the rest
                     if line.bbox and _same_row(line, piece, max(ROW_GAP_HEIGHTS,
                                                                 SPLIT_ROW_GAP_HEIGHTS))
                     and _same_row(line, piece, _row_gap(line, piece, shapes))),
                    None)
        if host is None:
            continue
        k, i = host
        block, line = out[k], out[k].lines[i]
        lines = list(block.lines)
        lines[i] = replace(line, text=f"{line.text} {piece.text}",
                           bbox=union([line.bbox, piece.bbox]))
        out[k] = replace(block, lines=lines, bbox=union([block.bbox, piece.bbox]))
        out.remove(frag)
    return out


#: A bar (a shape up to this many line heights tall) holds one row of an item's text:
#: pieces of a line in one bar, cut apart by a "today" line through it, are one line.
BAR_LINE_HEIGHTS = 4.0


def _row_gap(line: Line, piece: Line, shapes: list[Shape] | None) -> float:
    """How many line heights apart two pieces of a row may be and still be one line:
    ``ROW_GAP_HEIGHTS`` when both lie in the same bar (a dashed line through it cut the
    text apart), else ``SPLIT_ROW_GAP_HEIGHTS`` (grid gutters are wider than this).

    >>> bar = [Shape((84, 245, 414, 279))]
    >>> _row_gap(Line("helsetj", (232, 257, 263, 267)), Line("neste", (271, 257, 399, 267)),
    ...          bar)
    1.5
    """
    if shapes:
        frame = frame_of(union([line.bbox, piece.bbox]), shapes)
        tall = max(line.bbox[3] - line.bbox[1], piece.bbox[3] - piece.bbox[1])
        if frame is not None and frame is frame_of(line.bbox, shapes) and \
                frame is frame_of(piece.bbox, shapes) and \
                frame.bbox[3] - frame.bbox[1] <= BAR_LINE_HEIGHTS * tall:
            return ROW_GAP_HEIGHTS
    return SPLIT_ROW_GAP_HEIGHTS


#: Two pieces of which one is more than this many times as tall as the other are not one
#: row's text: a scan's column of box edges read as letters ("V/ SN", as tall as three
#: boxes) would chain the rows beside it into one line.
ROW_HEIGHT_RATIO = 4.0


def _same_row(a: Line, b: Line, gap_heights: float = ROW_GAP_HEIGHTS) -> bool:
    """``b`` continues ``a``'s row: they overlap vertically by half the smaller line, are
    of about one height (``ROW_HEIGHT_RATIO``), and ``b`` starts right of ``a`` within
    ``gap_heights`` line heights.

    >>> _same_row(Line("Altinn", (10, 100, 60, 109)), Line("V/ SN", (62, 70, 70, 150)))
    False
    """
    ax0, ay0, ax1, ay1 = a.bbox
    bx0, by0, bx1, by1 = b.bbox
    height = min(ay1 - ay0, by1 - by0)
    tallest = max(ay1 - ay0, by1 - by0)
    overlap = min(ay1, by1) - max(ay0, by0)
    return height > 0 and overlap >= 0.5 * height and tallest <= ROW_HEIGHT_RATIO * height \
        and 0 <= bx0 - ax1 + 1 <= gap_heights * tallest


def join_rows(lines: list[Line]) -> list[Line]:
    """Lines of a block with the pieces of one row joined left to right (a bullet glyph the
    layout engine set apart from its text, "*" + "Digital dialog").

    >>> rows = join_rows([Line("*", (10, 100, 14, 110)), Line("Timer 2.0", (20, 99, 80, 111)),
    ...                   Line("Smarte brev", (20, 120, 70, 131))])
    >>> [(ln.text, ln.bbox) for ln in rows]
    [('* Timer 2.0', (10, 99, 80, 111)), ('Smarte brev', (20, 120, 70, 131))]
    """
    out: list[Line] = []
    pending = sorted((ln for ln in lines if ln.bbox), key=lambda ln: (ln.bbox[0], ln.bbox[1]))
    for line in pending:
        row = next((i for i, prev in enumerate(out) if _same_row(prev, line)), None)
        if row is None:
            out.append(line)
        else:
            prev = out[row]
            out[row] = Line(f"{prev.text} {line.text}", union([prev.bbox, line.bbox]),
                            level=prev.level, bullet=prev.bullet or line.bullet,
                            color=(line.color if len(line.text) > len(prev.text) else prev.color)
                            or prev.color or line.color)
    out.sort(key=lambda ln: (ln.bbox[1], ln.bbox[0]))
    return out + [ln for ln in lines if not ln.bbox]
