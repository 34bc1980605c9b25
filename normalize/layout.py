"""Read a page's roadmap layout from geometry, the same way for every format.

One page-layout model instead of rules per shape:

1. **Labels.** Period-like texts (``2023-2024``, ``2027 →``, ``Lenger sikt``), time-axis ticks
   (years, quarters ``Q1 2025``/``K3 2025``, halves ``H2 2024``/``1. halvår 2025``, months) and
   region-like texts (``HELSE VEST``, ``Helse⏎Midt-Norge``, ``HSØ``, ``Nord`` beside a logo)
   anywhere on the page.
2. **Axes.** Labels that line up in a row or a column form an axis; each label governs a
   *band* along it. Bands are drawn either between neighbouring labels (labels centred on
   their columns or lanes) or from each label onwards (labels at the start of their band);
   the items on the page decide which, by which reading cuts fewer of them. A label drawn on
   a shape of its own (a chevron, a header cell, a swimlane band) governs that shape's extent.
   Ticks in a row make a *time axis* that maps x to dates.
3. **Placement.** Each item is placed by the overlap of its box (or the bar it is drawn on)
   with the bands of both axes: the band holding most of it wins. A timeline bar's extent
   gives its first and last year; the page's period headers, where the bar lies inside one,
   give its period label. Without a region axis, the one region the page names outside the
   items (title, corner logo, footer) holds for every item.
4. **Status** from words in the item, else from its text or fill colour and the page's
   legend ("Grønn: i drift", a coloured square beside "Pågår").

Every placement carries evidence in words a reviewer reads: which labels and which rule
decided the region, the period and the status, or why none was given. All boxes are in
points with the origin top-left (see ``extractors.model``).
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from statistics import median

from extractors import colors
from extractors.geometry import (
    area,
    filled_frame_under,
    frame_across,
    frame_of,
    holds_middle,
    intersects,
    union,
)
from extractors.model import BBox, Page, Shape

from . import lexicon
from .items import Candidate, looks_like_item

#: A label this much longer is not a label.
MAX_LABEL_CHARS = 40
#: Labels whose centres (rows) or edges (columns) differ by less than this many of their
#: heights line up.
ALIGN_HEIGHTS = 0.8
#: A band drawn "from each label onwards" starts this far before its label.
LEADING_MARGIN = 6.0
#: An item with as much of it as this in a second band as in its best is left unplaced on
#: that axis rather than guessed (a box across two columns, near half in each).
RIVAL_SHARE = 0.8
#: Two readings of an axis (labels leading their bands, or centred on them) that both fit
#: the items poorly (a misalignment cost of at least ``POOR_FIT``: a band left empty, items
#: cut by an edge) and whose costs differ by at most ``RIVAL_COST`` fit them equally badly:
#: an item they put in different bands gets no value on that axis.
POOR_FIT = 1.0
RIVAL_COST = 0.5
#: The share of a timeline cell a bar may fall short of or overrun a cell edge by.
EDGE_TOLERANCE = 0.2
#: How much wider than any gap inside a row (column) of items the gaps between the rows
#: must be for the items alone to draw the edges (``_cluster_bounds``).
CLUSTER_GAP = 2.0
#: Words that mark a "today" line on a timeline: not an item.
_TODAY = re.compile(r"^\W*(i\s*dag|nå|today|dagens dato|vi er her)\W*$", re.I)
_OPEN_GEOMETRIES = {"homePlate", "rightArrow", "chevron", "notchedRightArrow",
                    "stripedRightArrow"}
_ONE_GLYPH = re.compile(r"^\W*\S{1,2}\s+(\S.*)$")
_REGION_KEYS = (("helse nord", "Helse Nord"), ("helse vest", "Helse Vest"),
                ("helse sør øst", "Helse Sør-Øst"), ("helse sørøst", "Helse Sør-Øst"),
                ("helse midt", "Helse Midt-Norge"))


@dataclass
class Label:
    kind: str  # "period", "tick" or "region"
    value: object  # lexicon.Period, lexicon.Tick or a region name
    indexes: tuple[int, ...]  # candidate indexes (a label wrapped over two lines has two)
    bbox: BBox
    text: str
    #: The box this label governs along its axis: its own shape, else its text box.
    extent: BBox | None = None
    #: The shape the label is drawn on, when it holds no other label of its kind.
    frame: BBox | None = None
    #: Read through noise ("i Vest": a logo before the label); counts only in an axis.
    weak: bool = False
    #: Why the value is not what the text says (a year OCR misread, mended), if it is not.
    mended: str = ""

    @property
    def cx(self) -> float:
        return (self.bbox[0] + self.bbox[2]) / 2

    @property
    def cy(self) -> float:
        return (self.bbox[1] + self.bbox[3]) / 2


@dataclass
class Axis:
    kind: str  # "period", "region" or "time"
    direction: str  # "x": labels in a row, bands are columns; "y": labels in a column
    labels: list[Label]
    bounds: list[float]  # band edges between consecutive labels
    mode: str  # "between" or "leading" (how bands were drawn), or "shapes"
    #: Items lie on this side of the labels: "after" (below a header row / right of a label
    #: column) or "before".
    side: str = "after"
    edge: float = 0.0  # the labels' inner edge (header bottom, label column's right edge)
    #: Where the first band starts and the last ends.
    limits: tuple[float, float] = (-math.inf, math.inf)
    #: Runs of items no label claims (see ``_unlabelled_runs``).
    unlabelled: list = field(default_factory=list)
    #: The other reading of the same labels (leading / between), when it fits the items
    #: about as well: where the two put a box in different bands, neither is sure.
    rival: Axis | None = None

    def band_of(self, lo: float, hi: float) -> tuple[int | None, float, str]:
        """The band holding most of [lo, hi], its share, and why none if none."""
        overlaps = self._overlaps(lo, hi)
        length = max(hi - lo, 1e-6)
        order = sorted(range(len(overlaps)), key=lambda i: -overlaps[i])
        best = order[0]
        share = overlaps[best] / length
        if overlaps[best] <= 0:
            return None, 0.0, "lies outside every band"
        if len(order) > 1 and overlaps[order[1]] >= RIVAL_SHARE * overlaps[best]:
            names = f"'{self.labels[best].text}' and '{self.labels[order[1]].text}'"
            return None, share, f"spans {names}"
        return best, share, ""

    def _overlaps(self, lo: float, hi: float) -> list[float]:
        """How much of [lo, hi] lies in each band."""
        edges = [self.limits[0]] + self.bounds + [self.limits[1]]
        return [max(0.0, min(hi, b) - max(lo, a)) for a, b in zip(edges, edges[1:],
                                                                  strict=False)]

    def settled_band(self, lo: float, hi: float, text: tuple[float, float] | None = None
                     ) -> tuple[int | None, float, str]:
        """:meth:`band_of`, but no band where no label claims the run [lo, hi] is in
        (:func:`_unlabelled`) or where the rival reading puts it in another band.
        ``text``: the span of the item's text, when [lo, hi] is the shape it is drawn on; a
        shape across two bands, near half in each (two cells a scan found as one), leaves
        the text's band, if the text lies in one; a shape across three (a bar on a time
        axis, or a row of cells a scan found as one) does not."""
        band, share, why = self.band_of(lo, hi)
        two = sum(sorted(self._overlaps(lo, hi))[-2:]) / max(hi - lo, 1e-6)
        if band is None and share > 0 and text is not None and two >= 1 - EDGE_TOLERANCE:
            inner, inner_share, _ = self.band_of(*text)
            if inner is not None and inner_share >= 1 - EDGE_TOLERANCE:
                band, share, why = inner, inner_share, ""
                lo, hi = text
        if _unlabelled(self, lo, hi):
            return None, share, _unlabelled_why(self)
        if band is not None and self.rival is not None:
            other = self.rival.band_of(lo, hi)[0]
            if other is not None and other != band:
                where = "rows" if self.direction == "y" else "columns"
                return None, share, (
                    f"lies where the {where} can be read two ways (each label at the start "
                    f"of its {where[:-1]}, or in its middle): under '{self.labels[band].text}' "
                    f"or '{self.labels[other].text}'")
        return band, share, why

    def in_body(self, box: BBox) -> bool:
        """Whether ``box`` lies on the items' side of the labels."""
        lo, hi = (box[1], box[3]) if self.direction == "x" else (box[0], box[2])
        centre = (lo + hi) / 2
        return centre > self.edge if self.side == "after" else centre < self.edge

    def describe(self) -> str:
        where = {("x", "after"): "across the top", ("x", "before"): "along the bottom",
                 ("y", "after"): "down the left", ("y", "before"): "down the right"}
        return where[(self.direction, self.side)]


@dataclass
class TimeAxis:
    ticks: list[Label]  # left to right
    cells: list[tuple[float, float]]  # x-extent of each tick's cell

    def time_at(self, x: float) -> float:
        """Fractional year at x, linear inside each tick's cell."""
        for label, (a, b) in zip(self.ticks, self.cells, strict=True):
            if x <= b or label is self.ticks[-1]:
                tick = label.value
                frac = (x - a) / (b - a) if b > a else 0.0
                return tick.start + frac * (tick.end - tick.start)
        return self.ticks[-1].value.end  # pragma: no cover

    def years(self, x0: float, x1: float) -> tuple[int, int] | None:
        """The first and last year a bar from ``x0`` to ``x1`` covers. Where the ticks lie
        on one straight line of time, it is read off that line, so that ticks not read or
        not drawn (between others, or past the last) change nothing; else from the cells of
        the ticks, and a bar that runs past them has unknown years (None)."""
        width = median(b - a for a, b in self.cells)
        first, last = self.ticks[0].value, self.ticks[-1].value
        unit = first.end - first.start
        pad = EDGE_TOLERANCE * width
        a, b = self.cells[0][0], self.cells[-1][1]
        lo, hi = x0 + pad, x1 - pad
        line = self.line
        if line is not None:  # time runs evenly along the axis, also where ticks are missing
            slope, at = line  # points per year, and the x of year 0
            start, end = (lo - at) / slope, (hi - at) / slope
        elif lo < a - pad or hi > b + pad:
            return None
        else:
            start = min(max(self.time_at(max(lo, a)), first.start), last.end - 1e-9)
            end = min(max(self.time_at(min(hi, b)), first.start + unit * 0.01),
                      last.end - 1e-9)
        return int(math.floor(start)), int(math.floor(max(end, start)))

    @cached_property
    def line(self) -> tuple[float, float] | None:
        """The straight line the ticks lie on, as (points per year, x of year 0), when
        every tick is within 15 % of a step of it; else None. A tick stands in the middle
        of the time from it to the next (a "Januar 2025" every half year heads January to
        June), the typical step between ticks' times."""
        starts = [t.value.start for t in self.ticks]
        step = median(b - a for a, b in zip(starts, starts[1:], strict=False))
        ts = [start + step / 2 for start in starts]
        xs = [t.cx for t in self.ticks]
        mt, mx = sum(ts) / len(ts), sum(xs) / len(xs)
        var = sum((t - mt) ** 2 for t in ts)
        if var <= 0:
            return None
        slope = sum((t - mt) * (x - mx) for t, x in zip(ts, xs, strict=True)) / var
        if slope <= 0:
            return None
        at = mx - slope * mt
        if any(abs(x - (at + slope * t)) > 0.15 * slope * step
               for t, x in zip(ts, xs, strict=True)):
            return None
        return slope, at


@dataclass
class Placement:
    region: str | None = None
    region_source: str | None = None
    period: lexicon.Period | None = None
    status: str | None = None
    status_source: str | None = None
    evidence: list[str] = field(default_factory=list)
    #: Whether an axis of the page placed the item (a roadmap position, not loose text).
    placed: bool = False


@dataclass
class PageLayout:
    periods: Axis | None
    regions: Axis | None
    time: TimeAxis | None
    page_region: tuple[str, str] | None  # region and the text that named it
    #: (colour, status, legend text, what the colour is of: "text", "fill" or "either")
    legend: list[tuple[str, str, str, str]]
    #: Candidate indexes that are labels, legend entries or markers: never items.
    skip: set[int]
    shapes: list[Shape]
    page_area: float
    #: Every candidate's block and the middle of its text box.
    centres: list = field(default_factory=list)
    #: Whether a line without a colour is in the default black (a typed page) or of a
    #: colour nobody can tell (a page read by OCR from a grey image).
    typed_colours: bool = True

    def place(self, cand: Candidate) -> Placement:
        """Region, period and status of one item, with the evidence for each."""
        out = Placement()
        if cand.bbox is None:  # no geometry (a web page): only what the page says as a whole
            self._place_region(None, out, page_only=True)
            self.place_status(cand, out)
            return out
        frame = self._frame(cand)
        box = frame.bbox if frame is not None else cand.bbox  # a bar, its own box; its text
        axes = [a for a in (self.periods, self.regions) if a is not None]
        if self.time is not None and not _below(box, self.time):
            return out  # above the time axis: a title, a legend
        if any(not a.in_body(box) for a in axes):
            self._place_region(box, out, page_only=True)
            return out  # on the labels' far side: a title, a note beside the grid
        self._place_period(box, cand, frame, out)
        self._place_region(box, out, text_box=cand.bbox if frame is not None else None)
        self.place_status(cand, out, frame)
        return out

    # -- pieces ------------------------------------------------------------------------
    def _frame(self, cand: Candidate) -> Shape | None:
        return own_frame(cand, self.shapes, self.centres, self.page_area)

    def _place_period(self, box: BBox, cand: Candidate, frame: Shape | None,
                      out: Placement) -> None:
        axis = self.periods
        if self.time is not None and _below(box, self.time):
            years = self.time.years(box[0], box[2])
            if years is None:
                out.evidence.append("period: none, the bar runs past the time axis "
                                    f"'{self.time.ticks[0].text}' … "
                                    f"'{self.time.ticks[-1].text}', whose ticks do not lie "
                                    "evenly along it")
                out.placed = True
                return
            start, end = years
            open_end = (frame is not None and frame.geometry in _OPEN_GEOMETRIES) or \
                bool(re.search(r"(→|->|\+)\s*$", cand.text))
            scheme = None  # the deck's own period header the whole bar lies under
            if axis is not None and axis.direction == "x" and axis.in_body(box):
                band, share, _ = axis.band_of(box[0], box[2])
                value = axis.labels[band].value if band is not None else None
                # the bar lies under the header, and its years within the header's
                within = value is not None and (value.start is None or (
                    value.start <= start and (value.end is None or end <= value.end)))
                if band is not None and share >= 1 - EDGE_TOLERANCE and within:
                    scheme = value.label
            label = scheme or (f"{start}→" if open_end else
                               f"{start}" if start == end else f"{start}-{end}")
            out.period = lexicon.Period(label, start, None if open_end else end)
            ticks = self.time.ticks
            out.evidence.append(
                f"period: bar from {start} to {'later' if open_end else end} on the time axis "
                f"'{ticks[0].text}' … '{ticks[-1].text}'"
                + (" (it ends in an arrow: and later)" if open_end else "")
                + (f", inside the period '{scheme}'" if scheme else ""))
            out.placed = True
            return
        if axis is None:
            return
        if not axis.in_body(box):
            return
        lo, hi = _span(box, axis.direction)
        band, share, why = axis.settled_band(lo, hi, _span(cand.bbox, axis.direction)
                                             if frame is not None else None)
        years = _years_spanned(axis, lo, hi)
        if years is not None:
            out.period = years
            out.evidence.append(f"period: the box runs across the year columns "
                                f"{years.start} to {years.end}")
            out.placed = True
            return
        if frame is None and band is not None and self._bars_across_years(axis):
            out.evidence.append("period: none, the page draws bars across its year columns "
                                "and this item's bar was not found: its text alone does not "
                                "show the years it runs")
            out.placed = True
            return
        if band is None:
            out.evidence.append(f"period: none, the box {why}")
            out.placed = True
            return
        label = axis.labels[band]
        where = "column" if axis.direction == "x" else "row"
        if label.value is None:
            out.evidence.append(f"period: none, its {where}'s header '{label.text}' is no "
                                "period veikart can read")
            out.placed = True
            return
        out.period = label.value
        mended = f", {label.mended}" if label.mended else ""
        out.evidence.append(f"period: {where} '{label.text}' (headers {axis.describe()}, "
                            f"{share:.0%} of the box in its band{mended})")
        out.placed = True

    def _bars_across_years(self, axis: Axis) -> bool:
        """Whether the page is a Gantt chart over columns headed by single years (a header
        OCR could not read among them): a filled shape below the headers runs across two or
        more of them. There, an item's years are its bar's extent, not where its text
        happens to start."""
        known = [lb.value for lb in axis.labels if lb.value is not None]
        if axis.direction != "x" or len(known) < 2 or any(
                v.start is None or v.start != v.end for v in known):
            return False
        return any(s.fill is not None and s.geometry != "line" and axis.in_body(s.bbox)
                   and sum(o >= 0.3 * (s.bbox[2] - s.bbox[0])
                           for o in axis._overlaps(s.bbox[0], s.bbox[2])) >= 2
                   for s in self.shapes)

    def apply_page_region(self, out: Placement) -> None:
        """The one region the page names, with the text that names it, if there is one."""
        if self.page_region is not None:
            out.region, out.region_source = self.page_region[0], "page-title"
            out.evidence.append(f"region: the page names only {self.page_region[0]} "
                                f"('{self.page_region[1]}')")

    def _place_region(self, box: BBox | None, out: Placement, page_only: bool = False,
                      text_box: BBox | None = None) -> None:
        """``text_box``: the item's text, when ``box`` is the shape it is drawn on."""
        axis = self.regions
        if page_only:
            if axis is None:
                self.apply_page_region(out)
            return
        if axis is not None and axis.in_body(box):
            lo, hi = _span(box, axis.direction)
            band, share, why = axis.settled_band(lo, hi, None if text_box is None else
                                                 _span(text_box, axis.direction))
            if band is not None and axis.labels[band].value is None:
                band, why = None, (f"is under the label '{axis.labels[band].text}', which "
                                   "names no region veikart knows")
            if band is None:
                out.evidence.append(f"region: none, the box {why}")
            else:
                label = axis.labels[band]
                out.region, out.region_source = label.value, "grid"
                where = "lane" if axis.mode == "shapes" else (
                    "row" if axis.direction == "y" else "column")
                out.evidence.append(f"region: {where} '{label.text}' (labels "
                                    f"{axis.describe()}, {share:.0%} of the box in its band)")
            out.placed = True
            return
        if out.placed or axis is None:
            self.apply_page_region(out)

    def place_status(self, cand: Candidate, out: Placement, frame: Shape | None = None
                     ) -> None:
        """The status the item states in words, else by its colour (``frame``: the shape
        it is drawn on, found when not given) and the legend."""
        word, _ = lexicon.inline_status(cand.text)
        if word and word not in lexicon.NOTE_STATUSES:
            out.status, out.status_source = word, "text"
            out.evidence.append(f"status: '{word}' written in the item")
            return
        if word:  # a note ("– nasjonalt prosjekt"): the colour's status, if any, says more
            out.status, out.status_source = word, "text"
        if not self.legend:
            if word:
                out.evidence.append(f"status: '{word}' written in the item")
            return
        text_colour = _text_colour(cand, self.typed_colours)
        frame = frame if frame is not None else self._frame(cand)
        # a fill the block was given without a frame (a table cell's) is its own; a frame
        # that is not the item's own (a swimlane, a panel holding other items) says nothing
        fill = frame.fill if frame is not None else (
            cand.block.fill if cand.block.frame is None else None)
        for colour, source, what in ((text_colour, "text-colour", "text"),
                                     (fill, "fill-colour", "fill")):
            if colour is None:
                continue
            hit = _nearest(colour, self.legend, what)
            if hit is not None:
                out.status, out.status_source = hit[1], source
                out.evidence.append(f"status: {what} colour #{colour} is the legend's "
                                    f"'{hit[2]}'")
                return
        if word:
            out.evidence.append(f"status: '{word}' written in the item")


def _unlabelled_why(axis: Axis) -> str:
    """Why an item in a band no label claims (see :func:`_unlabelled`) gets no value."""
    band = "column" if axis.direction == "x" else "lane"
    return f"is in a {band} whose label could not be read (no label lines up with it)"


def _unlabelled(axis: Axis, lo: float, hi: float) -> bool:
    """Whether a box from ``lo`` to ``hi`` along the axis is in a run no label claims."""
    return any(r0 <= (lo + hi) / 2 <= r1 for r0, r1 in axis.unlabelled)


def own_frame(cand: Candidate, shapes: list[Shape], centres: list, page_area: float
              ) -> Shape | None:
    """The shape an item is drawn on, when that shape is its own: no other text block has
    its middle inside it (a swimlane band or a panel holds many)."""
    if cand.bbox is None:
        return None
    block = cand.block
    if block.frame is not None:  # the shape the extractor found the block drawn on
        frame = Shape(block.frame, block.fill, None, block.geometry or "rect")
    elif shapes:
        frame = frame_of(cand.bbox, shapes, max_area=0.15 * page_area) or \
            filled_frame_under(cand.bbox, shapes, max_area=0.15 * page_area)
    else:
        return None
    if frame is None:
        return None
    x0, y0, x1, y1 = frame.bbox
    for other, (cx, cy) in centres:  # a band or a panel that other text sits on too
        if other is not block and x0 <= cx <= x1 and y0 <= cy <= y1:
            return None
    return frame


def _years_spanned(axis: Axis, lo: float, hi: float) -> lexicon.Period | None:
    """For columns headed by single years: a box that covers a good part of each of two or
    more consecutive year columns spans those years."""
    edges = [axis.limits[0]] + axis.bounds + [axis.limits[1]]
    covered = []
    for k, (a, b) in enumerate(zip(edges, edges[1:], strict=False)):
        overlap = max(0.0, min(hi, b) - max(lo, a))
        if overlap >= 0.3 * (hi - lo):
            covered.append(k)
    if len(covered) < 2:
        return None
    values = [axis.labels[k].value for k in covered]
    if any(v is None or v.start is None or v.start != v.end for v in values):
        return None
    starts = [v.start for v in values]
    if starts != list(range(starts[0], starts[0] + len(starts))):
        return None
    return lexicon.Period(f"{starts[0]}-{starts[-1]}", starts[0], starts[-1])


def _below(box: BBox, time: TimeAxis) -> bool:
    top = max(lb.bbox[3] for lb in time.ticks)
    return (box[1] + box[3]) / 2 > top


def _text_colour(cand: Candidate, typed: bool = True) -> str | None:
    """The colour most of the item's text is drawn in; a line without one is black on a
    typed page and unknown on an OCR'd one (None)."""
    counts: dict[str | None, int] = {}
    for line in cand.lines:
        counts[line.color] = counts.get(line.color, 0) + len(line.text)
    best = max(counts, key=counts.get) if counts else None
    return best or ("000000" if typed else None)


def _nearest(colour: str, legend: list[tuple[str, str, str, str]], kind: str
             ) -> tuple[str, str, str, str] | None:
    """The legend entry whose colour is ``colour``'s: the nearest of the entries drawn in
    that way (a coloured text, a filled box; a swatch or a colour word explains either), when
    it is clearly nearer than the next and of the same colour family."""
    family = colors.family(colour)
    usable = [e for e in legend if e[3] in (kind, "either") and colors.family(e[0]) == family]
    if not usable:
        return None
    ranked = sorted(usable, key=lambda e: colors.distance(colour, e[0]))
    best = ranked[0]
    d = colors.distance(colour, best[0])
    if len(ranked) > 1 and colors.distance(colour, ranked[1][0]) - d < 0.05:
        return None  # between two legend colours of its family: no guess
    return best


# -- reading a page ------------------------------------------------------------------------
#: A word that is only strokes: a rule, a bar's edge or a dashed marker OCR read as text.
_MARKS = re.compile(r"[=_|~\[\]{}]+")


def _without_marks(text: str) -> str:
    r"""A label's words without the strokes read before or after them (a box's edge in a
    scan's "| Helse Vest ]", a rule's "2025 ==="); dashes stay (an arrow read as "2027 —"
    means "and later"), and so does anything between words.

    >>> _without_marks("| Helse Vest ]"), _without_marks("2025\n===")
    ('Helse Vest', '2025')
    >>> _without_marks("2027 —"), _without_marks("2023 | 2024")
    ('2027 —', '2023 | 2024')
    """
    words = text.split()
    while words and _MARKS.fullmatch(words[0]):
        words.pop(0)
    while words and _MARKS.fullmatch(words[-1]):
        words.pop()
    return " ".join(words)


def _label_text(cand: Candidate) -> str:
    """The text a candidate would be a label by: its text without strokes around it, and
    without a line of specks under it (a scan's "2023-2024" over a stray "I")."""
    lines = [ln.text for ln in cand.lines if ln.text.strip()]
    kept = [ln for ln in lines if sum(ch.isalnum() for ch in ln) > 2]
    if len(lines) > 1 and kept and len(kept) < len(lines):
        return _without_marks("\n".join(kept))
    return _without_marks(cand.text)


def find_labels(cands: list[Candidate]) -> list[Label]:
    """Period headers, time ticks and region labels among the candidates; a region label
    wrapped over two lines ("HELSE" / "MIDT-NORGE") is joined."""
    labels: list[Label] = []
    used: set[int] = set()
    for i, cand in enumerate(cands):
        if i in used or cand.bbox is None:
            continue
        if len(cand.lines) == 1 and (runs := lexicon.tick_runs(cand.text)):
            labels += _joined_ticks(i, cand, runs)
            continue
        if len(cand.text) > MAX_LABEL_CHARS:
            continue
        text = _label_text(cand)
        tick = lexicon.time_tick(text)
        per = lexicon.period(text)
        j = _next_line(i, cands)
        # a header wrapped over two lines ("LENGER" / "SIKT"), a tick too ("aug" / "2024")
        wrapped = None if per is not None or tick is not None else (
            _wrapped("period", lexicon.period, cands, i, j)
            or _wrapped("tick", lexicon.time_tick, cands, i, j, lower_alone=True))
        if wrapped is not None:
            labels.append(wrapped)
            used.add(j)
            continue
        if per is not None or tick is not None:
            if (k := _open_mark(i, cands)) is not None:  # "2027" and its "+" read apart
                joined = f"{text} {cands[k].text.strip()}"
                used.add(k)
                labels += _time_labels(lexicon.time_tick(joined), lexicon.period(joined),
                                       (i, k), union([cand.bbox, cands[k].bbox]), joined)
                continue
            labels += _time_labels(tick, per, (i,), cand.bbox, text)
            continue
        region = lexicon.region_label(text)
        if region is None and (wrapped := _wrapped("region", lexicon.regional_label, cands,
                                                   i, j)):
            labels.append(wrapped)
            used.add(j)
            continue
        if region is None and (m := _ONE_GLYPH.match(text)):
            # a logo read as a short word ("i Vest"): a label only within a row or column
            # of labels (see read_page)
            region = lexicon.regional_label(m.group(1))
            if region is not None:
                labels.append(Label("region", region, (i,), cand.bbox, text, weak=True))
            continue
        if region is not None and region != lexicon.NATIONAL:
            labels.append(Label("region", region, (i,), cand.bbox, text))
    return labels


def _joined_ticks(index: int, cand: Candidate, runs: list[tuple[int, int]]) -> list[Label]:
    """A time axis's ticks that the text layer joined into one line, each as a label of
    its own, with the share of the line's box its characters take (ticks of one unit are
    written alike, so their widths hardly differ)."""
    x0, y0, x1, y1 = cand.bbox
    per_char = (x1 - x0) / max(len(cand.text), 1)
    out = []
    for a, b in runs:
        text = cand.text[a:b]
        box = (x0 + a * per_char, y0, x0 + b * per_char, y1)
        out += _time_labels(lexicon.time_tick(text), lexicon.period(text), (index,), box, text)
    return out


def _time_labels(tick, per, indexes: tuple, box: BBox, text: str) -> list[Label]:
    """The labels a text that reads as a time tick and/or a period makes: a period label,
    and a tick label unless the period spans several years and the tick is no open one."""
    out = []
    if tick is not None and (per is None or per.start == per.end or tick.open):
        out.append(Label("tick", tick, indexes, box, text))
    if per is not None:
        out.append(Label("period", per, indexes, box, text))
    return out


def _next_line(i: int, cands: list[Candidate]) -> int | None:
    """The index of the candidate that goes on from ``cands[i]`` as the next line of a
    label: the next one in its block, else (OCR cuts a two-line label on a dark header into
    two blocks) the short text right under it, as tall, centred alike."""
    cand = cands[i]
    if i + 1 < len(cands) and cands[i + 1].block_index == cand.block_index:
        return i + 1
    if cand.bbox is None:
        return None
    x0, y0, x1, y1 = cand.bbox
    height, centre = y1 - y0, (x0 + x1) / 2
    for j, other in enumerate(cands):
        if other is cand or other.bbox is None or len(other.text) > MAX_LABEL_CHARS:
            continue
        ox0, oy0, ox1, oy1 = other.bbox
        if (-0.2 * height <= oy0 - y1 <= 0.8 * height and 0.5 * height <= oy1 - oy0
                <= 2.0 * height and abs((ox0 + ox1) / 2 - centre) <= 0.25 * max(
                    x1 - x0, ox1 - ox0)):
            return j
    return None


#: An arrow or a plus after a year, read as a text of its own: "and later".
_OPEN_MARK = re.compile(r"^\s*(?:\+|→|->|>|[-–—]+>?)\s*$")


def _open_mark(i: int, cands: list[Candidate]) -> int | None:
    """The index of a lone "+" or arrow right after a bare year on its line ("2027" "+",
    as OCR reads a header apart from the mark after it), if there is one."""
    cand = cands[i]
    if cand.bbox is None or not re.fullmatch(r"\s*20\d\d\s*", cand.text):
        return None
    x0, y0, x1, y1 = cand.bbox
    height = y1 - y0
    for k, other in enumerate(cands):
        if k == i or other.bbox is None or not _OPEN_MARK.match(other.text):
            continue
        ox0, oy0, ox1, oy1 = other.bbox
        if 0 <= ox0 - x1 <= 1.5 * height and min(y1, oy1) > max(y0, oy0) - 0.2 * height:
            return k
    return None


def _wrapped(kind: str, reader, cands: list[Candidate], i: int, j: int | None,
             lower_alone: bool = False) -> Label | None:
    """A label wrapped over two lines, ``cands[i]`` and ``cands[j]`` ("HELSE" /
    "MIDT-NORGE"; see ``_next_line``), when ``reader`` reads the two lines together.
    ``lower_alone``: the lower line may read as a label by itself (a month's year under it:
    "aug" / "2024")."""
    if j is None:
        return None
    cand, nxt = cands[i], cands[j]
    if nxt.bbox is None or len(nxt.text) > MAX_LABEL_CHARS:
        return None
    if nxt.block_index != cand.block_index and reader(nxt.text) is not None \
            and not lower_alone:
        return None  # a label of its own under a header cell ("Periode" / "2025-26")
    text = " ".join(f"{cand.text} {nxt.text}".split())
    value = reader(text)
    if value is None:
        return None
    return Label(kind, value, (i, j), union([cand.bbox, nxt.bbox]), text)


def _aligned(labels: list[Label], direction: str) -> list[Label]:
    """The largest group of labels lined up as a row (``x``: same centre height) or a column
    (``y``: same left edge, centre or right edge, or texts that overlap across: a column of
    labels aligned each its own way), one label per value."""
    if len(labels) < 2:
        return []
    height = median(lb.bbox[3] - lb.bbox[1] for lb in labels)
    tol = max(6.0, ALIGN_HEIGHTS * height)
    def box(lb):  # the shape a label is drawn on lines up even where its text does not
        return lb.frame or lb.bbox

    # (a row's labels are centred, or wrapped ones hang from the same top or stand on the
    # same baseline: "Helse" / "Midt-Norge" beside "Vest")
    keys = ([lambda lb: lb.cy, lambda lb: (box(lb)[1] + box(lb)[3]) / 2,
             lambda lb: lb.bbox[1], lambda lb: lb.bbox[3]] if direction == "x"
            else [lambda lb: lb.bbox[0], lambda lb: lb.cx, lambda lb: lb.bbox[2],
                  lambda lb: box(lb)[0], lambda lb: (box(lb)[0] + box(lb)[2]) / 2])
    def across(lb):  # a label's extent across the axis's direction
        return _span(lb.bbox, "y" if direction == "x" else "x")

    def beside(lb, anchor):  # a column of labels whose texts overlap, however each is
        (a0, a1), (b0, b1) = across(lb), across(anchor)  # aligned in its box
        return min(a1, b1) - max(a0, b0) >= 0.5 * min(a1 - a0, b1 - b0)

    tests = [lambda lb, anchor, key=key: abs(key(lb) - key(anchor)) <= tol * (
        1 if direction == "x" else 2) for key in keys] + ([beside] if direction == "y" else [])
    best: list[Label] = []
    for test in tests:
        for anchor in labels:
            group = [lb for lb in labels if test(lb, anchor)]
            # one label per value; along the axis, labels must not overlap
            group = _distinct(group, direction)
            if len(group) > len(best):
                best = group
    values = {repr(lb.value) for lb in best}
    return sorted(best, key=lambda lb: lb.bbox[0] if direction == "x" else lb.bbox[1]) \
        if len(values) >= 2 else []


def _distinct(group: list[Label], direction: str) -> list[Label]:
    out: list[Label] = []
    for lb in sorted(group, key=lambda lb: lb.bbox[0] if direction == "x" else lb.bbox[1]):
        lo, hi = _span(lb.bbox, direction)
        if out:
            p = out[-1]
            plo, phi = _span(p.bbox, direction)
            if lo < phi - 0.5 * min(hi - lo, phi - plo):
                continue  # overlaps the previous one along the axis: not the same axis
        out.append(lb)
    return out


def _extent(label: Label, others: list[Label], cands: list[Candidate], shapes: list[Shape],
            page_area: float, scanned: bool = False) -> BBox:
    """The box a label governs: the shape it is drawn on, when that shape holds no other
    label of its axis; else its text box. ``scanned``: the shapes were read from a page
    image, where one fill may be found in pieces (:func:`_with_cut_pieces`); in a PPTX or
    a PDF, shapes drawn edge to edge (a table's cells) are shapes of their own."""
    if not label.indexes:  # a header shape whose text could not be read
        return label.frame or label.bbox
    frame = None
    block = cands[label.indexes[0]].block
    if block.frame is not None:
        frame = Shape(block.frame, block.fill, None, block.geometry or "rect")
    elif shapes:
        frame = frame_of(label.bbox, shapes, max_area=0.5 * page_area) or \
            frame_across(label.bbox, shapes, max_area=0.5 * page_area)
    if frame is None:
        return label.bbox
    for other in others:
        if other is label:
            continue
        ox, oy = other.cx, other.cy
        if frame.bbox[0] <= ox <= frame.bbox[2] and frame.bbox[1] <= oy <= frame.bbox[3]:
            return label.bbox
    if not scanned:
        return frame.bbox
    return _with_cut_pieces(frame, shapes, [o for o in others if o is not label])


def _frame_fill(frame: BBox, shapes: list[Shape]) -> set[str | None]:
    """The fill of a label's drawn band, as a set (empty: no shape is the band): of the
    biggest shape inside ``frame`` (the band itself, or the biggest of the pieces it was
    put together from)."""
    inside = [sh for sh in shapes if sh.geometry != "line" and frame[0] - 0.5 <= sh.bbox[0]
              and frame[1] - 0.5 <= sh.bbox[1] and sh.bbox[2] <= frame[2] + 0.5
              and sh.bbox[3] <= frame[3] + 0.5]
    return {max(inside, key=lambda sh: area(sh.bbox)).fill} if inside else set()


#: A shape that starts within this many points of where another of the same fill ends
#: was cut from it: one fill a scan found in pieces.
CUT_FROM_PT = 0.05


def _with_cut_pieces(frame: Shape, shapes: list[Shape], others: list[Label]) -> BBox:
    """The box of a label's drawn band with the pieces a scan cut from it: shapes of its
    fill that start exactly where it ends, or end where it starts, side by side with it
    (a swimlane's fill around a white box, found as the part above the box and the part
    beside it). A piece holding another label is that label's own.

    >>> lane = Shape((21, 89, 409, 173), "EDF2F6", None, "rect")
    >>> cut = Shape((21, 173, 149, 220), "EDF2F6", None, "rect")
    >>> _with_cut_pieces(lane, [lane, cut], [])
    (21, 89, 409, 220)
    >>> _with_cut_pieces(lane, [lane, Shape((21, 175, 149, 220), "EDF2F6", None, "rect")], [])
    (21, 89, 409, 173)
    """
    own = frame.bbox
    if frame.fill is None:
        return own
    pieces = [own]
    for sh in shapes:
        if sh.fill != frame.fill or sh.geometry == "line" or sh.bbox == own:
            continue
        x0, y0, x1, y1 = sh.bbox
        below = abs(y0 - own[3]) < CUT_FROM_PT or abs(y1 - own[1]) < CUT_FROM_PT
        beside = abs(x0 - own[2]) < CUT_FROM_PT or abs(x1 - own[0]) < CUT_FROM_PT
        if not ((below and min(x1, own[2]) > max(x0, own[0]))
                or (beside and min(y1, own[3]) > max(y0, own[1]))):
            continue
        if not any(x0 <= o.cx <= x1 and y0 <= o.cy <= y1 for o in others):
            pieces.append(sh.bbox)
    return union(pieces) if len(pieces) > 1 else own


def _bounds(labels: list[Label], direction: str, mode: str) -> list[float]:
    ext = [_span(lb.extent, direction) for lb in labels]
    out = []
    for (_alo, ahi), (blo, _bhi) in zip(ext, ext[1:], strict=False):
        if mode == "leading":
            out.append(max(blo - LEADING_MARGIN, (ahi + blo) / 2 if ahi < blo else blo))
        else:
            out.append((ahi + blo) / 2)
    return out


def _limits(labels: list[Label], direction: str, bounds: list[float]) -> tuple[float, float]:
    """Where the outer bands end: up to most of a band's width before the first label and
    two widths past the last (a title above the header row or a note beside the grid is
    kept out by the other axis)."""
    ext = [_span(lb.extent, direction) for lb in labels]
    centres = [(lo + hi) / 2 for lo, hi in ext]
    width = median(b - a for a, b in zip(centres, centres[1:], strict=False))
    return ext[0][0] - max(LEADING_MARGIN, 0.75 * width), max(ext[-1][1],
                                                             ext[-1][0] + 2.0 * width)


def _misalignment(axis: Axis, boxes: list[BBox]) -> float:
    """How badly the labels sit on the items their bands take, in label sizes: a label
    heading its band lines up with the start of its items ("leading"); a label centred on
    its column or lane lines up with their middle ("between"). Items left in no band cost
    most, then labels left with no items and column headers beside all of theirs; an item
    that an edge between bands cuts through costs the share of it left outside its band (the
    reading's edges should fall in the white space between columns, not across them)."""
    spans: dict[int, list[float]] = {}
    lost = straddling = 0
    cut = 0.0
    for lo, hi in _along(axis, boxes):
        band, share, _ = axis.band_of(lo, hi)
        cut += (1.0 - share) if band is not None else 0.0
        # a text across several bands (a wide note, OCR's reading of a drawn band) fits
        # neither reading; an item outside every band says this reading is wrong
        lost += band is None and share == 0.0
        straddling += band is None and share > 0.0
        if band is not None:
            span = spans.setdefault(band, [lo, hi])
            span[0], span[1] = min(span[0], lo), max(span[1], hi)
    # a label whose band holds nothing while the others hold items is likely misread
    empty = sum(1 for k in range(len(axis.labels)) if k not in spans) if spans else 0
    offsets = []  # per band: how far its label sits from where this reading wants it
    sizes = []
    aside = 0  # column headers that stand wholly beside the items their bands take
    for band, (lo, hi) in spans.items():
        label = axis.labels[band]
        llo, lhi = _span(label.extent, axis.direction)
        sizes.append(max(lhi - llo, 1.0))
        # a header is drawn over (part of) its column, or leads it; a row label may sit
        # under its items
        aside += axis.direction == "x" and (hi < llo or (lo > lhi and axis.mode != "leading"))
        offsets.append(llo - lo if axis.mode == "leading" else (llo + lhi) / 2 - (lo + hi) / 2)
    if axis.mode == "leading" and len(offsets) >= 3:
        # a leading label starts a little before its items, by the same indent (a bullet,
        # a box's margin) in every band: how far the bands differ from each other is what
        # counts, not the indent itself
        usual = median(offsets)
        offsets = [off - usual for off in offsets]
    costs = [abs(off) / size for off, size in zip(offsets, sizes, strict=True)]
    # the typical band decides (a period whose first sub-column is empty is one outlier)
    typical = median(costs) if len(costs) >= 3 else sum(costs) / max(len(costs), 1)
    # an item the bands leave out (before a first label that "leads") weighs most
    return 10.0 * lost + straddling + round(cut, 1) + 3.0 * (empty + aside) + round(typical, 1)


def _span(box: BBox, direction: str) -> tuple[float, float]:
    """``box``'s extent along an axis whose labels run in ``direction`` ("x": across)."""
    return (box[0], box[2]) if direction == "x" else (box[1], box[3])


def _along(axis: Axis, boxes: list[BBox]) -> list[tuple[float, float]]:
    """The extents along the axis of the boxes on the items' side of its labels."""
    return [_span(b, axis.direction) for b in boxes if axis.in_body(b)]


def _runs(spans: list[tuple[float, float]], gap: float = 0.0) -> list[list[float]]:
    """Sorted spans merged into runs: a span that overlaps the run before, or starts less
    than ``gap`` after it, goes on with it."""
    runs = [list(spans[0])]
    for lo, hi in spans[1:]:
        if lo <= runs[-1][1] or lo - runs[-1][1] < gap:
            runs[-1][1] = max(runs[-1][1], hi)
        else:
            runs.append([lo, hi])
    return runs


def _containment(axis: Axis, boxes: list[BBox]) -> float:
    """How much of the items the bands hold whole (the sum of each item's best share)."""
    return sum(axis.band_of(lo, hi)[1] for lo, hi in _along(axis, boxes))


def _make_axis(kind: str, labels: list[Label], direction: str, cands: list[Candidate],
               shapes: list[Shape], page_area: float, boxes: list[BBox]) -> Axis:
    for lb in labels:
        # the drawn band read_page found (with a scan's pieces of it), else the label's own
        lb.extent = lb.frame if lb.frame is not None else _extent(lb, labels, cands, shapes,
                                                                  page_area)
    # which side of the labels the items are on
    if direction == "x":
        edge_after = max(lb.bbox[3] for lb in labels)
        edge_before = min(lb.bbox[1] for lb in labels)
        after = sum(1 for b in boxes if (b[1] + b[3]) / 2 > edge_after)
        before = sum(1 for b in boxes if (b[1] + b[3]) / 2 < edge_before)
    else:
        edge_after = max(lb.bbox[2] for lb in labels)
        edge_before = min(lb.bbox[0] for lb in labels)
        after = sum(1 for b in boxes if (b[0] + b[2]) / 2 > edge_after)
        before = sum(1 for b in boxes if (b[0] + b[2]) / 2 < edge_before)
    side, edge = ("after", edge_after) if after >= before else ("before", edge_before)
    shaped = all(lb.extent is not lb.bbox for lb in labels)
    readings = []
    for mode in ("between", "leading"):
        bounds = _bounds(labels, direction, mode)
        axis = Axis(kind, direction, labels, bounds, mode, side, edge,
                    _limits(labels, direction, bounds))
        readings.append(((_misalignment(axis, boxes), -_containment(axis, boxes)), axis))
    readings.sort(key=lambda r: r[0])
    ruled = {**_separator_bounds(axis, shapes, page_area, boxes), **_lane_bounds(axis, boxes),
             **_drawn_seams(axis)}  # drawn edges do not depend on the reading
    for _, axis in readings:
        axis.bounds = _whitespace_bounds(axis, boxes, fixed=ruled)
        if not ruled and (clustered := _cluster_bounds(axis, boxes)) is not None:
            axis.bounds = clustered
        axis.limits = _limits(labels, direction, axis.bounds)
    axis, other = readings[0][1], readings[1][1]
    # how well each fits with its edges where they ended up (in the white space)
    fit, other_fit = _misalignment(axis, boxes), _misalignment(other, boxes)
    if fit >= POOR_FIT and other_fit - fit <= RIVAL_COST and other.bounds != axis.bounds:
        axis.rival = other
    if axis.rival is None and axis.mode == "leading" and \
            (narrow := _narrow_gap_bounds(axis, boxes, fixed=ruled)) != axis.bounds:
        axis.rival = replace(axis, bounds=narrow, limits=_limits(labels, direction, narrow))
    axis.unlabelled = _unlabelled_runs(axis, boxes) + _unlabelled_lanes(axis, shapes, page_area,
                                                                         boxes)
    if shaped and direction == "y":
        axis.mode = "shapes"
    return axis


def _cluster_bounds(axis: Axis, boxes: list[BBox]) -> list[float] | None:
    """Edges from the items alone, where they make it plain: the items fall into exactly as
    many runs as there are labels, set apart by gaps ``CLUSTER_GAP`` times wider than any gap
    inside a run and at least a line high, and each label lies on the run in its place or
    clearly nearer to it than to any other (a column header over its column). Then each
    edge is the middle of its gap, however the labels sit on their rows (at the top,
    centred, under the items) or columns, even where one deck mixes them."""
    body = [b for b in boxes if axis.in_body(b)]
    spans = sorted(_along(axis, body))
    k = len(axis.labels)
    if k < 2 or len(spans) < k:
        return None
    runs = _runs(spans)
    if len(runs) < k:
        return None
    gaps = sorted(((runs[i + 1][0] - runs[i][1], i) for i in range(len(runs) - 1)),
                  reverse=True)
    line = median(b[3] - b[1] for b in body)
    inner = gaps[k - 1][0] if len(gaps) >= k else 0.0
    if gaps[k - 2][0] < max(CLUSTER_GAP * inner, line):
        return None
    cuts = sorted(i for _, i in gaps[:k - 1])
    firsts = [0] + [i + 1 for i in cuts]
    lasts = cuts + [len(runs) - 1]
    clusters = [(runs[a][0], runs[b][1]) for a, b in zip(firsts, lasts, strict=True)]
    for j, label in enumerate(axis.labels):
        llo, lhi = _span(label.extent, axis.direction)
        if axis.direction == "x" and not (llo <= clusters[j][1] and lhi >= clusters[j][0]):
            return None  # a column header stands over its column
        # where its text is (a label drawn on its lane's fill has the fill for its extent)
        centre = _middle(label, axis.direction)
        away = [max(lo - centre, centre - hi, 0.0) for lo, hi in clusters]
        # on its run, or clearly nearer to it than to any other
        if any(n != j and away[j] > 0.5 * away[n] for n in range(k)):
            return None
    edges = [(runs[i][1] + runs[i + 1][0]) / 2 for i in cuts]
    middles = [_middle(label, axis.direction) for label in axis.labels]
    if not all(a < e < b for e, a, b in zip(edges, middles, middles[1:], strict=False)):
        return None  # an edge through a label: the runs are not the labels' bands
    return edges


def _unlabelled_runs(axis: Axis, boxes: list[BBox]) -> list[tuple[float, float]]:
    """Columns of items (runs set apart by white space across the page) that are no label's
    own: every label claims the run its box overlaps most, or the nearest, and then the
    runs beside it that it heads too (a header centred over two sub-columns; all the runs
    up to the next label's, for a header that leads its columns). A run left over has a
    label that could not be read, and its items get none rather than a neighbour's.
    Only for columns whose labels are not drawn on shapes: rows and lanes hold items at any
    height, and a drawn header's extent is certain."""
    spans = sorted(_along(axis, boxes))
    if not spans or axis.direction != "x" or any(lb.frame for lb in axis.labels):
        return []  # rows and lanes hold items at any height; a drawn header is certain
    runs = _runs(spans, gap=4.0)
    if len(runs) <= len(axis.labels):
        return []
    groups = []  # per label, the first and last run it claims
    for label in axis.labels:
        llo, lhi = _span(label.extent, axis.direction)
        core = min(range(len(runs)), key=lambda k: (
            -max(0.0, min(lhi, runs[k][1]) - max(llo, runs[k][0])),
            max(runs[k][0] - lhi, llo - runs[k][1], 0.0)))
        groups.append([core, core])
    for j, label in enumerate(axis.labels):
        llo, lhi = _span(label.extent, axis.direction)
        centre = (llo + lhi) / 2
        first, last = groups[j]
        low = groups[j - 1][1] + 1 if j > 0 else 0
        high = groups[j + 1][0] - 1 if j + 1 < len(groups) else len(runs) - 1

        def off(a: int, b: int, centre: float = centre) -> float:  # the label's distance
            return abs((runs[a][0] + runs[b][1]) / 2 - centre)  # from its runs' middle
        if axis.mode == "leading":
            last = max(last, high)
        else:
            while True:
                options = [(off(a, b), a, b) for a, b in ((first - 1, last), (first, last + 1))
                           if low <= a and b <= high]
                best = min(options, default=None)
                if best is None or best[0] >= off(first, last):
                    break
                first, last = best[1], best[2]
        groups[j] = [first, last]
    claimed = {k for first, last in groups for k in range(first, last + 1)}
    return [tuple(r) for k, r in enumerate(runs) if k not in claimed]


def _lane_bounds(axis: Axis, boxes: list[BBox]) -> dict[int, float]:
    """Edges the lanes draw: a label drawn on a shape that holds items too (a swimlane's
    fill, a column's panel) governs that shape, so its band ends where the shape ends,
    however the items or the white space lie (an item low in the next lane, whose fill the
    scan lost, is the next lane's). Between two such shapes, the edge is the middle of the
    gap between them."""
    def lane(label: Label) -> tuple[float, float] | None:
        if label.extent == label.bbox:
            return None
        holds = any(holds_middle(label.extent, b) and not intersects(b, label.bbox)
                    for b in boxes)
        return _span(label.extent, axis.direction) if holds else None

    out = {}
    for k, (a, b) in enumerate(itertools.pairwise(axis.labels)):
        sa, sb = lane(a), lane(b)
        edge = ((sa[1] + sb[0]) / 2 if sa and sb else sa[1] if sa else sb[0] if sb else None)
        # (a shape that reaches into the next label's text, or ends inside its own label's,
        # is no lane of one label: two lanes' fills the scan found as one)
        if edge is not None and (_span(a.bbox, axis.direction)[1] - 1 <= edge
                                 <= _span(b.bbox, axis.direction)[0] + 1):
            out[k] = edge
    return out


def _middle(label: Label, direction: str) -> float:
    lo, hi = _span(label.bbox, direction)
    return (lo + hi) / 2


#: A label's shape at least this many times as long as its text spans the label's band.
SPANNING_BAND = 3.0


def _drawn_seams(axis: Axis) -> dict[int, float]:
    """Edges the headers draw themselves: two neighbouring labels drawn on shapes that meet
    (chevrons or bars of a period band laid end to end) end their bands where the shapes
    meet, whatever rule or white space lies elsewhere between them (a "today" line); and a
    period label drawn on a band much longer than its text ends its band where that shape
    ends, when its neighbour's shape was not found (a scan lost it) and its text lies
    beyond (not a region's lane: a scan finds a pale lane's fill in pieces, short of its
    end)."""
    out = {}
    for k, (a, b) in enumerate(zip(axis.labels, axis.labels[1:], strict=False)):
        if axis.kind == "period" and (a.frame is None) != (b.frame is None):
            # one of the two drawn on a band much longer than its text (a period band of a
            # timeline's scheme), the other's shape not found: the band ends where it does
            drawn, other = (a, b) if a.frame is not None else (b, a)
            lo, hi = _span(drawn.frame, axis.direction)
            tlo, thi = _span(drawn.bbox, axis.direction)
            olo, ohi = _span(other.bbox, axis.direction)
            if hi - lo >= SPANNING_BAND * (thi - tlo) and (
                    (drawn is a and hi <= olo) or (drawn is b and ohi <= lo)):
                out[k] = hi if drawn is a else lo
            continue
        if a.frame is None or b.frame is None:
            continue
        (alo, ahi), (blo, bhi) = _span(a.frame, axis.direction), _span(b.frame, axis.direction)
        size = min(ahi - alo, bhi - blo)
        if -0.1 * size <= blo - ahi <= 0.1 * size:
            out[k] = (ahi + blo) / 2
    return out


#: A rule up to this many points inside the next label's own shape still runs between the
#: two (a scan finds a lane's fill a point or two over the rule that ends the lane above).
RULE_SLACK = 3.0


def _separator_bounds(axis: Axis, shapes: list[Shape], page_area: float,
                      boxes: list[BBox]) -> dict[int, float]:
    """Edges drawn on the page: a line (or a hairline rectangle) across the bands' direction
    that runs between two labels and through no item, e.g. the rule between two swimlanes
    (a "today" line runs through bars). A rule as long as the longest beats a shorter one
    between the same labels (a row of bars' edges a scan's line search took for a rule)."""
    out = {}
    full = _rules_between(axis, shapes, page_area, boxes, full=True)
    for k, between in _rules_between(axis, shapes, page_area, boxes).items():
        out[k] = min(full.get(k, between), key=lambda r: abs(r - axis.bounds[k]))
    return out


#: A rule parts a lane of its own only when it is at least this share of the longest rule's
#: length (see :func:`_unlabelled_lanes`).
FULL_RULE_SHARE = 0.9


def _rules_between(axis: Axis, shapes: list[Shape], page_area: float,
                   boxes: list[BBox], full: bool = False) -> dict[int, list[float]]:
    """Per pair of neighbouring labels (by the first's index), the lines across the bands'
    direction that run between them and through no item, in order. ``full``: only the
    lines nearly as long as the longest (the rules that part lanes, not the bottom edges
    of a row of bars that a scan's line search took for one rule)."""
    if not shapes:
        return {}
    spans = _along(axis, boxes)
    reach = page_area ** 0.5 * 0.4
    found = []
    for shape in shapes:
        x0, y0, x1, y1 = shape.bbox
        if _box_edge(shape.bbox, boxes):
            continue
        if axis.direction == "y" and y1 - y0 <= 2.5 and x1 - x0 >= reach:
            found.append(((y0 + y1) / 2, x1 - x0))
        elif axis.direction == "x" and x1 - x0 <= 2.5 and y1 - y0 >= 0.5 * reach:
            found.append(((x0 + x1) / 2, y1 - y0))
    longest = max((length for _, length in found), default=0.0)
    rules = [r for r, length in found if not full or length >= FULL_RULE_SHARE * longest]
    out = {}
    for k, (a, b) in enumerate(zip(axis.labels, axis.labels[1:], strict=False)):
        # not a rule before the first label's own text: the edge of the lane its label is
        # drawn on (its extent) is no edge between it and the next
        lo = max(_span(a.extent, axis.direction)[0], _span(a.bbox, axis.direction)[0])
        hi = _span(b.extent, axis.direction)[0]
        between = sorted(r for r in rules if lo + 1 < r <= hi + RULE_SLACK
                         and not any(s0 + 2 < r < s1 - 2 for s0, s1 in spans))
        if between:
            out[k] = between
    return out


#: How far (points) across its length a line may lie from a box's edge and still be that
#: edge, and by what share of the box's length it may run past the box's ends.
EDGE_OF_BOX_PT, EDGE_OF_BOX_OVERRUN = 3.0, 0.05


def _box_edge(line: BBox, boxes: list[BBox]) -> bool:
    """Whether a thin line is the top, bottom or side edge of one item's box, no longer than
    the box (a scan's line search finds a frame's edges as lines; a row of equal boxes makes
    them look like a rule between lanes).

    >>> _box_edge((160, 236, 527, 238), [(160, 238, 528, 262)])
    True
    >>> _box_edge((20, 236, 940, 238), [(160, 238, 528, 262)])  # runs past it: a rule
    False
    """
    x0, y0, x1, y1 = line
    horizontal = x1 - x0 >= y1 - y0
    for b in boxes:
        lo, hi = (b[0], b[2]) if horizontal else (b[1], b[3])
        a, z = (x0, x1) if horizontal else (y0, y1)
        at = (y0 + y1) / 2 if horizontal else (x0 + x1) / 2
        edges = (b[1], b[3]) if horizontal else (b[0], b[2])
        slack = EDGE_OF_BOX_OVERRUN * (hi - lo)
        if lo - slack <= a and z <= hi + slack and \
                any(abs(at - e) <= EDGE_OF_BOX_PT for e in edges):
            return True
    return False


def _unlabelled_lanes(axis: Axis, shapes: list[Shape], page_area: float,
                      boxes: list[BBox]) -> list[tuple[float, float]]:
    """Lanes drawn between two labels' lanes whose own label could not be read: where two
    rules as long as the lanes' run between two neighbouring labels, through no item, with
    items between them,
    those items are in a lane of their own (its label lost: a small "Vest" on the rule OCR
    missed), not in either neighbour's."""
    if axis.direction != "y":
        return []
    body = [b for b in boxes if axis.in_body(b)]
    out = []
    for k, between in _rules_between(axis, shapes, page_area, body, full=True).items():
        a, b = axis.labels[k], axis.labels[k + 1]
        lo, hi = a.extent[3], b.extent[1]  # not a rule under a label, nor over one
        inner = [r for r in between if lo < r < hi]
        for r0, r1 in itertools.pairwise(inner):
            if r1 - r0 > 2 and any(r0 < (bx[1] + bx[3]) / 2 < r1 for bx in body):
                out.append((r0, r1))
    return out


def _whitespace_bounds(axis: Axis, boxes: list[BBox],
                       fixed: dict[int, float] | None = None) -> list[float]:
    """Edges between bands put into the white space that sets rows (columns) apart: of the
    gaps between the items that lie between two labels, the wide ones (at least 3/4 of the
    widest that touches neither label) are the candidates, and the one nearest to where the
    axis's reading put the edge wins (the edge stays where it is when it lies in it). A
    gap that runs up to a label is that label's own room. Edges in ``fixed`` (drawn
    rules) stay as they are."""
    body = [b for b in boxes if axis.in_body(b)]
    spans = sorted(_along(axis, body))
    heights = sorted((b[3] - b[1]) for b in body)
    min_width = max(3.0, 0.25 * median(heights)) if heights else 3.0
    out = []
    for k, (a, b) in enumerate(zip(axis.labels, axis.labels[1:], strict=False)):
        edge = axis.bounds[k]
        if fixed and k in fixed:
            out.append(fixed[k])
            continue
        lo, hi = _between_labels(axis, a, b)
        gaps = _gaps(spans, lo, hi, min_width)
        if not gaps:
            out.append(edge)
            continue
        if axis.mode == "leading":
            # a label heads the items that start under it: the edge is the white space just
            # before them, however narrow (sub-columns of one period pack closer than the
            # periods do), not the widest gap between the two labels
            before = [g for g in gaps if g[0] <= hi - 1]
            if before:
                near = max(before, key=lambda g: g[0])
                out.append(edge if near[0] <= edge <= near[1] else
                           (near[0] + min(near[1], hi)) / 2)
                continue
        free = [g for g in gaps if g[0] > lo + 1 and g[1] < hi - 1] or gaps
        widest = max(min(g[1], hi) - g[0] for g in free)
        shortlist = [g for g in gaps if min(g[1], hi + widest) - g[0] >= 0.75 * widest]
        near = min(shortlist, key=lambda g: (0.0 if g[0] <= edge <= g[1] else
                                             min(abs(g[0] - edge), abs(g[1] - edge)),
                                             g[0] - g[1]))
        middle = (near[0] + min(near[1], hi)) / 2
        out.append(edge if near[0] <= edge <= near[1] else middle)
    return out


def _between_labels(axis: Axis, a: Label, b: Label) -> tuple[float, float]:
    """Where label ``a``'s extent ends and the next label ``b``'s starts, along the axis."""
    if axis.direction == "x":
        return a.extent[2], b.extent[0]
    return a.extent[3], b.extent[1]


#: The narrowest white space between two boxes that may part two lanes (points).
NARROW_GAP_PT = 2.0


def _narrow_gap_bounds(axis: Axis, boxes: list[BBox], fixed: dict[int, float]) -> list[float]:
    """For labels read as leading their bands: ``axis.bounds`` with each edge that an item
    cuts through (no white space was found for it before the next label) moved to the last
    white space, however narrow, before that label. A label centred on a lane of boxes
    packed a few points apart leads no band: its lane starts above it, and an edge at the
    label cuts its first boxes off (dev: three items given the lane above). Used as the
    axis's rival, so the items between the two edges are placed by neither.

    >>> a = Label("region", "Helse Vest", (0,), (0, 100, 40, 110), "Vest")
    >>> b = Label("region", "Helse Sør-Øst", (1,), (0, 200, 40, 210), "Sør-Øst")
    >>> a.extent, b.extent = a.bbox, b.bbox
    >>> axis = Axis("region", "y", [a, b], [200.0], "leading", "after", 40.0)
    >>> boxes = [(50, 100, 200, 150), (50, 152, 200, 180), (50, 184, 200, 215),
    ...          (50, 195, 200, 230)]
    >>> _narrow_gap_bounds(axis, boxes, {})  # the box at 184-215 is cut at 200
    [182.0]
    """
    body = [b for b in boxes if axis.in_body(b)]
    spans = sorted(_along(axis, body))
    out = list(axis.bounds)
    for k, (a, b) in enumerate(zip(axis.labels, axis.labels[1:], strict=False)):
        edge = axis.bounds[k]
        if k in fixed or not any(lo < edge - 1 and hi > edge + 1 for lo, hi in spans):
            continue
        lo, hi = _between_labels(axis, a, b)
        before = [g for g in _gaps(spans, lo, hi, NARROW_GAP_PT) if g[1] <= edge]
        if before:
            gap = max(before, key=lambda g: g[0])
            out[k] = (gap[0] + gap[1]) / 2
    return out


def _gaps(spans: list[tuple[float, float]], lo: float, hi: float,
          min_width: float = 2.0) -> list[tuple[float, float]]:
    """The stretches no span covers that overlap [lo, hi], each as wide as it really is
    (not cut at lo and hi); spans sorted by start."""
    out, cursor = [], -math.inf
    for s0, s1 in spans:
        if s0 > cursor and s0 - cursor >= min_width and s0 > lo and cursor < hi \
                and cursor > -math.inf:
            out.append((cursor, s0))
        cursor = max(cursor, s1)
    if cursor < hi and cursor > -math.inf and cursor >= lo:
        out.append((cursor, math.inf))
    return out


def _time_axis(ticks: list[Label], shapes: list[Shape]) -> TimeAxis | None:
    """Three or more ticks in a row, later to the right: a timeline's time axis."""
    row = _aligned(ticks, "x")
    if len(row) < 3:
        return None
    starts = [lb.value.start for lb in row]
    if any(b <= a for a, b in zip(starts, starts[1:], strict=False)):
        return None
    centres = [lb.cx for lb in row]
    # cells: between the ticks' centres' midpoints, or the drawn cells they sit on
    mids = [(a + b) / 2 for a, b in zip(centres, centres[1:], strict=False)]
    first = centres[0] - (mids[0] - centres[0])
    last = centres[-1] + (centres[-1] - mids[-1])
    edges = [first] + mids + [last]
    cells = list(zip(edges, edges[1:], strict=False))
    framed = [lb.frame for lb in row]
    if all(f is not None for f in framed):
        covered = sum(f[2] - f[0] for f in framed)
        if covered >= 0.8 * (framed[-1][2] - framed[0][0]):  # drawn cells that tile the axis
            cells = [(f[0], f[2]) for f in framed]
    return TimeAxis(row, cells)


def _scheme_above(labels: list[Label], time: TimeAxis) -> bool:
    """A row of period headers that are not single years (``2023-2024``, ``Lenger sikt``)
    above the year ticks: the deck's period scheme over a timeline's axis."""
    top = min(lb.bbox[1] for lb in time.ticks)
    tick_ids = {id(lb) for lb in time.ticks}
    spans = [lb for lb in labels if lb.kind == "period" and id(lb) not in tick_ids
             and not (lb.value.start is not None and lb.value.start == lb.value.end)
             and lb.bbox[3] <= top + 2]
    return len(_aligned(spans, "x")) >= 2


def _columns_of_years(time: TimeAxis, boxes: list[BBox]) -> bool:
    """Year ticks whose items nearly all keep inside one year's cell are the column headers
    of a grid, not a timeline's axis (a Gantt's bars run across years)."""
    if any(lb.value.unit != "year" for lb in time.ticks):
        return False
    width = median(b - a for a, b in time.cells)
    below = [b for b in boxes if _below(b, time) and b[2] - b[0] > 0]
    if not below:
        return True
    wide = sum(1 for b in below if b[2] - b[0] > 1.3 * width)
    return wide < 0.15 * len(below)


def _page_region(page: Page, cands: list[Candidate], axis_indexes: set[int],
                 headings: list[str]) -> tuple[str, str] | None:
    """The one region the page names outside its items: in a title, a heading, a corner
    logo's text or a footer."""
    found: dict[str, str] = {}
    texts = list(headings)
    height = page.height or 0.0
    for i, c in enumerate(cands):
        if i in axis_indexes or len(c.text) > 80 or c.bbox is None:
            continue
        # the title, a corner logo and the footer; a bare region label in the body is a
        # row or lane label (its neighbours may be unreadable), not the page's region
        margin = height and (c.bbox[3] <= 0.18 * height or c.bbox[1] >= 0.9 * height)
        if margin:
            texts.append(c.text)
    for text in texts:
        folded = lexicon.fold(text)
        label = lexicon.regional_label(text) if len(text) <= 30 else None
        if label:
            found.setdefault(label, text)
            continue
        for key, region in _REGION_KEYS:
            if re.search(rf"\b{key}\b", folded):
                found.setdefault(region, text)
    if len(found) == 1:
        region, text = next(iter(found.items()))
        return region, " ".join(text.split())
    return None


def _legend(cands: list[Candidate], shapes: list[Shape], page_area: float
            ) -> tuple[list, set[int]]:
    """Colour legend entries (colour, status, text, what the colour is of) and the
    candidates that make them."""
    entries, used = [], set()
    swatches = [s for s in shapes if s.fill and s.geometry != "line"
                and s.bbox[2] - s.bbox[0] <= 30 and s.bbox[3] - s.bbox[1] <= 30]
    for i, cand in enumerate(cands):
        if cand.bbox is None or len(cand.text) > 80:
            continue
        entry = lexicon.legend_entry(cand.text)
        swatch = _swatch_left_of(cand.bbox, swatches)
        text = " ".join(cand.text.split())
        own = _text_colour(cand)
        box_fill = cand.block.fill if cand.block.fill and not colors.is_neutral(
            cand.block.fill) else None
        if box_fill is None and cand.lines[0].bbox is not None:  # text running out of its box
            behind = frame_of(cand.lines[0].bbox, shapes, max_area=0.05 * page_area)
            if behind is not None and behind.fill and not colors.is_neutral(behind.fill):
                box_fill = behind.fill
        if entry is not None:
            nominal, status = entry
            if swatch is not None:
                entries.append((swatch.fill, status, text, "either"))
            elif box_fill is not None:
                entries.append((box_fill, status, text, "fill"))
            elif own not in (None, "000000"):
                entries.append((own, status, text, "text"))
            else:
                entries.append((nominal, status, text, "either"))
            used.add(i)
        elif (status := lexicon.status_value(cand.text)) and (swatch or box_fill):
            entries.append((swatch.fill if swatch else box_fill, status, text,
                            "either" if swatch else "fill"))
            used.add(i)
    return entries, used


def _strokes(text: str) -> bool:
    """Whether a text is a row of single characters: strokes OCR read as letters (a dashed
    line read down a bar as "I I I"), which are no text a shape is drawn for.

    >>> _strokes("I I I ! i"), _strokes("Ny app"), _strokes("H S Ø")  # the last: a code
    (True, False, False)
    """
    words = text.split()
    return bool(words) and all(len(w) == 1 for w in words) and \
        lexicon.region_label(text) is None


def _swatch_left_of(box: BBox, swatches: list[Shape]) -> Shape | None:
    height = box[3] - box[1]
    for s in swatches:
        overlap = min(s.bbox[3], box[3]) - max(s.bbox[1], box[1])
        if overlap >= 0.3 * min(height, s.bbox[3] - s.bbox[1]) and \
                -2 <= box[0] - s.bbox[2] <= max(20.0, 2 * height):
            return s
    return None


def read_page(page: Page, cands: list[Candidate], headings: list[str],
              exclude: set[int] | None = None) -> PageLayout:
    """The page's layout: axes, the region it names, its legend and what is not an item.
    ``exclude``: candidates already known not to be items (table cells read elsewhere)."""
    exclude = exclude or set()
    page_area = (page.width or 960.0) * (page.height or 540.0)
    labels = [lb for lb in find_labels(cands) if not set(lb.indexes) & exclude]
    for lb in labels:
        same = [o for o in labels if o.kind == lb.kind]
        extent = _extent(lb, same, cands, page.shapes, page_area,
                         scanned=page.ocr or page.text_source == "ocr")
        lb.frame = extent if extent is not lb.bbox else None
    legend, legend_used = _legend(cands, page.shapes, page_area)
    skip = set(legend_used)
    skip |= {i for i, c in enumerate(cands) if _TODAY.match(c.text)}
    label_indexes = {i for lb in labels for i in lb.indexes}
    # the texts that keep a shape from being one item's own: not strokes OCR read as
    # letters ("I I", "I I I": a dashed "today" line across a bar)
    centres = [(c.block, ((c.bbox[0] + c.bbox[2]) / 2, (c.bbox[1] + c.bbox[3]) / 2))
               for c in cands if c.bbox is not None and sum(ch.isalpha() for ch in c.text) >= 3
               and not _strokes(c.text)]
    boxes = []  # the items' boxes: the shape each is drawn on, else its text
    not_items = label_indexes | skip | exclude
    for i, c in enumerate(cands):
        # only what could be an item votes on how the bands lie (not a bare page number,
        # not a legend's bare status)
        if c.bbox is not None and i not in not_items \
                and looks_like_item(c.text) and not lexicon.status_value(c.text):
            frame = own_frame(c, page.shapes, centres, page_area)
            boxes.append(frame.bbox if frame is not None else c.bbox)
    ticks = [lb for lb in labels if lb.kind == "tick"]
    time = _time_axis(ticks, page.shapes)
    if time is not None and _columns_of_years(time, boxes) and not _scheme_above(labels, time):
        time = None  # year headers over items that each keep to one column: a grid
    axis_indexes: set[int] = set()
    if time is not None:
        axis_indexes |= {i for lb in time.ticks for i in lb.indexes}
    periods_in = [lb for lb in labels if lb.kind == "period"
                  and not set(lb.indexes) & axis_indexes]
    regions_in = [lb for lb in labels if lb.kind == "region"]
    if sum(not lb.weak for lb in regions_in) < 2:
        regions_in = [lb for lb in regions_in if not lb.weak]
    taken = label_indexes | skip | exclude | axis_indexes  # no unknown label among these
    period_axis = _best_axis("period", periods_in, cands, page.shapes, page_area, boxes,
                             prefer="x" if time is not None else None, taken=taken)
    across = {"x": "y", "y": "x"}[period_axis.direction] if period_axis else None
    region_axis = _best_axis("region", regions_in, cands, page.shapes, page_area,
                             _inside(boxes, period_axis), prefer=across, only=across,
                             taken=taken)
    if period_axis is not None and region_axis is not None:  # again, without the title
        period_axis = _best_axis("period", periods_in, cands, page.shapes, page_area,
                                 _inside(boxes, region_axis), only=period_axis.direction,
                                 taken=taken)
    if period_axis is not None:
        _years_in_sequence(period_axis)
        _only_the_last_open(period_axis)
    for axis in (period_axis, region_axis):
        if axis is not None:
            axis_indexes |= {i for lb in axis.labels for i in lb.indexes}
    skip |= axis_indexes
    # leftover labels of the same kind as an axis (a repeated header) are not items either
    if period_axis is not None or time is not None:
        skip |= {i for lb in labels if lb.kind in ("period", "tick") for i in lb.indexes}
    skip |= _row_headings(cands, period_axis, skip | exclude)
    page_region = None
    if region_axis is None:
        page_region = _page_region(page, cands, axis_indexes, headings)
        skip |= {i for lb in regions_in for i in lb.indexes if not lb.weak}
    return PageLayout(period_axis, region_axis, time, page_region, legend, skip,
                      page.shapes, page_area, centres, typed_colours=not page.ocr)


def _only_the_last_open(axis: Axis) -> None:
    """"And later" is said of the latest period only: a header of an earlier year that
    reads open ("2024 —": a scan's rule or a band's edge read as a dash) is that year alone."""
    starts = [lb.value.start for lb in axis.labels
              if isinstance(lb.value, lexicon.Period) and lb.value.start is not None]
    for label in axis.labels:
        value = label.value
        if (isinstance(value, lexicon.Period) and value.start is not None
                and value.end is None and value.start < max(starts)):
            label.value = lexicon.Period(str(value.start), value.start, value.start)


#: A period label whose years lie further than this from the middle of all the labels'
#: years on its axis is a misread ("2077 →" after "2025 - 2026"), not a period of its own.
YEAR_GAP = 10


def _years_in_sequence(axis: Axis) -> None:
    """Period labels whose years stand far from the others' on the same axis (their median) are
    OCR's misreadings: a year one digit away from the one that carries the sequence on is
    read as that year ("2077 →" between "2025 - 2026" and nothing: "2027 →"); one that is
    not becomes a label of unknown value, so that its items get no period rather than a
    wrong one."""
    dated = [lb for lb in axis.labels if isinstance(lb.value, lexicon.Period)
             and lb.value.start is not None]
    values = [lb.value for lb in dated]  # as read, before any is mended
    if len(values) < 2:
        return
    middle = median(y for v in values for y in (v.start, v.end) if y is not None)
    for k, label in enumerate(dated):
        value = label.value
        if any(abs(y - middle) <= YEAR_GAP for y in (value.start, value.end) if y is not None):
            continue
        before = values[k - 1] if k > 0 else None
        after = values[k + 1] if k + 1 < len(values) else None
        want = ((before.end or before.start) + 1 if before is not None else
                after.start - (1 + (value.end or value.start) - value.start))
        fixed = _one_digit_off(value.start, want)
        end = value.end if value.end is None or value.end == value.start else \
            _one_digit_off(value.end, want + value.end - value.start)
        if fixed is None or (value.end is not None and end is None):
            label.value = None
            continue
        text = value.label.replace(str(value.start), str(fixed), 1)
        if value.end is not None and value.end != value.start:
            text = text.replace(str(value.end), str(end), 1)
        label.value = lexicon.Period(text, fixed, fixed if value.end == value.start else end)
        label.mended = f"read as '{text}': the labels beside it carry on to {want}"


def _one_digit_off(year: int, want: int) -> int | None:
    """``want`` if ``year`` is it with one digit misread, else None.

    >>> _one_digit_off(2077, 2027), _one_digit_off(2077, 2025)
    (2027, None)
    """
    a, b = str(year), str(want)
    return want if len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1 \
        else None


def _row_headings(cands: list[Candidate], axis: Axis | None, known: set[int]) -> set[int]:
    """Texts in a column of their own left of the first period column, under the headers
    ("Innsynstjenester", "Dialogtjenester", "Samhandling": the roadmap's themes as row
    headings): not items."""
    if axis is None or axis.direction != "x" or axis.side != "after":
        return set()
    first = axis.labels[0].extent[0]
    left = [i for i, c in enumerate(cands) if i not in known and c.bbox is not None
            and c.bbox[2] <= first + 2 and (c.bbox[1] + c.bbox[3]) / 2 > axis.edge
            and len(c.text) <= MAX_LABEL_CHARS]
    if len(left) < 2:
        return set()
    x0 = median(cands[i].bbox[0] for i in left)
    column = {i for i in left if abs(cands[i].bbox[0] - x0) <= 6}
    if len(column) < 2:
        return set()
    right = max(cands[i].bbox[2] for i in column)
    items = [c.bbox[0] for i, c in enumerate(cands) if i not in column and i not in known
             and c.bbox is not None and (c.bbox[1] + c.bbox[3]) / 2 > axis.edge]
    # a column of its own: every other text under the headers starts clearly right of it
    # (short items at the start of a wider first column are items, not headings)
    if len(column) < 2 or not items or min(items) < right + 5:
        return set()
    return column


def _inside(boxes: list[BBox], axis: Axis | None) -> list[BBox]:
    """The boxes on the items' side of an axis's labels (all of them without an axis)."""
    return boxes if axis is None else [b for b in boxes if axis.in_body(b)]


def _unknown_peers(chosen: list[Label], direction: str, cands: list[Candidate],
                   taken: set[int], band: tuple[float, float] | None = None) -> list[Label]:
    """Short texts that stand in line with an axis's labels (in the header row, in the
    label column; ``band``: across it, from here to there) but name nothing veikart knows:
    labels of unknown value, so that the items under them get no period or region rather
    than a neighbour's."""
    across = "y" if direction == "x" else "x"
    lo = min(_span(lb.bbox, across)[0] for lb in chosen)
    hi = max(_span(lb.bbox, across)[1] for lb in chosen)
    if band is not None:
        lo, hi = min(lo, band[0]), max(hi, band[1])
    # a column of labels holds a label on one line wider than the others wrapped over two
    reach = hi + 2 if direction == "x" else hi + max(2.0, hi - lo)
    out = []
    tall = median((lb.bbox[3] - lb.bbox[1]) / max(1, sum(len(cands[k].lines)
                                                         for k in lb.indexes))
                  for lb in chosen)  # a line's height
    for i, c in enumerate(cands):
        if i in taken or c.bbox is None or len(c.text) > MAX_LABEL_CHARS or c.bullet:
            continue
        a, b = _span(c.bbox, across)
        if not (lo - 2 <= a <= hi and b <= reach) or not _could_be_label(c.text,
                                                                         chosen[0].kind):
            continue
        if (c.bbox[3] - c.bbox[1]) / len(c.lines) < 0.7 * tall:
            continue  # specks or a rule's edge read as letters ("nn"), not a header
        along = _span(c.bbox, direction)
        near = 0.8 * (c.bbox[3] - c.bbox[1]) if direction == "y" else 0.0
        if any(min(along[1], o1 + near) > max(along[0], o0 - near) for lb in chosen + out
               for o0, o1 in [_span(lb.bbox, direction)]):
            continue  # overlapping or right under a label: a part of it ("HELSE" / "NORD")
        out.append(Label(chosen[0].kind, None, (i,), c.bbox, " ".join(c.text.split())))
    return out


def _could_be_label(text: str, kind: str) -> bool:
    """Whether a text in line with an axis's labels could be one OCR damaged: two letters,
    or for periods three digits ("23 2008" for "2023 - 2024", "206." for "2026"), not a
    speck or a page number.

    >>> _could_be_label("23 2008", "period"), _could_be_label("23 2008", "region")
    (True, False)
    >>> _could_be_label("206.", "period"), _could_be_label("3", "period")
    (True, False)
    >>> _could_be_label("12", "period"), _could_be_label("Vst", "region")
    (False, True)
    """
    return sum(ch.isalpha() for ch in text) >= 2 or (
        kind == "period" and sum(ch.isdigit() for ch in text) >= 3)


def _unread_headers(chosen: list[Label], direction: str, shapes: list[Shape],
                    cands: list[Candidate], taken: set[int] | None = None) -> list[Label]:
    """Header shapes in line with an axis's drawn headers (the same row or column, as
    thick, about as long, of the same fill) that no label was read from (white text on a
    dark chevron that OCR lost): labels of unknown value, so that the items under them get
    no period or region rather than a neighbour's. One drawn header alone has them only
    where ``taken`` (the texts that are labels or legend entries) is given: a shape with one
    of those in it is no unread header."""
    frames = [lb.frame for lb in chosen]
    if len(frames) < (1 if taken is not None else 2) or any(f is None for f in frames):
        return []
    across = "y" if direction == "x" else "x"
    cross = [_span(f, across) for f in frames]
    lo, hi = median(c[0] for c in cross), median(c[1] for c in cross)
    thick = hi - lo
    long = median(b - a for a, b in (_span(f, direction) for f in frames))
    fills = {fill for f in frames for fill in _frame_fill(f, shapes)}
    out = []
    for shape in shapes:
        slo, shi = _span(shape.bbox, across)
        a, b = _span(shape.bbox, direction)
        if (shape.geometry == "line" or abs(slo - lo) > 0.3 * thick
                or abs(shi - hi) > 0.3 * thick or not 0.5 * long <= b - a <= 2.0 * long
                or (fills and shape.fill not in fills)):
            continue
        if any(min(b, f1) - max(a, f0) > 0.2 * (b - a) for f in frames + [lb.frame for lb in out]
               for f0, f1 in [_span(f, direction)]):
            continue  # a label's own shape, or one overlapping it
        inside = [i for i, c in enumerate(cands)
                  if c.bbox is not None and holds_middle(shape.bbox, c.bbox)]
        if taken is not None and len(frames) == 1 and set(inside) & taken:
            continue  # another axis's header, or a legend's box
        text = " ".join(" ".join(cands[i].text.split()) for i in inside) or "(unread)"
        out.append(Label(chosen[0].kind, None, tuple(inside), shape.bbox, text,
                         frame=shape.bbox))
    return out


def _lone_header_axis(kind: str, labels: list[Label], cands, shapes, page_area, boxes,
                      only: str | None, taken: set[int] | None) -> Axis | None:
    """The one label read of a row (a column) of drawn headers whose others' text OCR lost
    ("Vest" on one of two bands): with those headers as labels of unknown value, an axis,
    so that the items under them get no value rather than the one label's, or the page's
    (a lone region label at the top of the page would be read as the page's region)."""
    if taken is None or len(labels) != 1 or labels[0].frame is None:
        return None
    frame = labels[0].frame
    fills = _frame_fill(frame, shapes)
    for direction in [only] if only else ["x", "y"]:
        across = "y" if direction == "x" else "x"
        lo, hi = _span(frame, across)
        along = _span(frame, direction)

        def a_header(sh: Shape, lo=lo, hi=hi, along=along, across=across,
                     direction=direction) -> bool:
            """A piece of a header like the label's: of its fill, about as thick, and a
            good part of its length (a legend's swatch, a logo's box are not)."""
            slo, shi = _span(sh.bbox, across)
            a, b = _span(sh.bbox, direction)
            return (sh.geometry != "line" and sh.fill in fills
                    and 0.5 * (hi - lo) <= shi - slo <= 1.5 * (hi - lo)
                    and b - a >= 0.25 * (along[1] - along[0]))

        # texts in the header band over pieces of a header like it (a header's pieces, its
        # text taller than it: OCR's letters from its lost text), then shapes with none
        peers = [lb for lb in _unknown_peers(labels, direction, cands, taken, band=(lo, hi))
                 if any(a_header(sh) and intersects(sh.bbox, lb.bbox) for sh in shapes)]
        peers += _unread_headers(labels + peers, direction, shapes, cands, taken)
        if peers:
            key = (lambda lb: lb.bbox[0]) if direction == "x" else (lambda lb: lb.bbox[1])
            return _make_axis(kind, sorted(labels + peers, key=key), direction, cands, shapes,
                              page_area, boxes)
    return None


def _best_axis(kind: str, labels: list[Label], cands, shapes, page_area, boxes,
               prefer: str | None = None, only: str | None = None,
               taken: set[int] | None = None) -> Axis | None:
    rows = _aligned(labels, "x") if only in (None, "x") else []
    cols = _aligned(labels, "y") if only in (None, "y") else []
    if not rows and not cols:
        return _lone_header_axis(kind, labels, cands, shapes, page_area, boxes, only, taken)
    if rows and cols:
        if len(rows) != len(cols):
            direction = "x" if len(rows) > len(cols) else "y"
        else:
            direction = prefer or "x"
    else:
        direction = "x" if rows else "y"
    chosen = rows if direction == "x" else cols
    if taken is not None:
        peers = _unknown_peers(chosen, direction, cands, taken)
        peers += _unread_headers(chosen + peers, direction, shapes, cands)
        key = (lambda lb: lb.bbox[0]) if direction == "x" else (lambda lb: lb.bbox[1])
        chosen = sorted(chosen + peers, key=key)
    return _make_axis(kind, chosen, direction, cands, shapes, page_area, boxes)
