"""Recover the roadmap's grid from geometry: period headers across the top, region labels down
the left, and which cell every item sits in. Works on any blocks with boxes (PPTX shapes,
pdfplumber text lines, tesseract word boxes), all in points with the origin top-left."""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import median

from extractors.geometry import union

from . import lexicon
from .items import Candidate

SAME_ROW = 14.0  # points: period headers whose centres differ by less are one header row
SAME_COLUMN = 40.0  # points: region labels whose left edges differ by less are one column
TOP_ALIGN = 14.0  # points: a label this close to the top of an item starts a row


@dataclass
class Label:
    kind: str  # "period" or "region"
    value: object  # lexicon.Period or a region name
    indexes: tuple[int, ...]  # candidate indexes (a label wrapped over two lines has two)
    bbox: tuple[float, float, float, float]

    @property
    def cx(self) -> float:
        return (self.bbox[0] + self.bbox[2]) / 2

    @property
    def cy(self) -> float:
        return (self.bbox[1] + self.bbox[3]) / 2


@dataclass
class Grid:
    periods: list[Label]  # left to right
    regions: list[Label]  # top to bottom
    row_mode: str  # "top" (labels at the top of their rows) or "centre"
    header_bottom: float
    label_right: float
    col_bounds: list[float] = field(default_factory=list)
    row_bounds: list[float] = field(default_factory=list)

    def place(self, cand: Candidate) -> tuple[str | None, lexicon.Period | None]:
        """Region and period of the cell ``cand`` sits in (None where it is outside)."""
        if cand.bbox is None:
            return None, None
        x0, y0, x1, y1 = cand.bbox
        region = period = None
        if self.periods and y0 >= self.header_bottom - 2 and x0 >= self.label_right - 4:
            col = sum(1 for b in self.col_bounds if x0 + 4 >= b)
            period = self.periods[col].value
        if self.regions and x0 >= self.label_right - 4:
            y = y0 if self.row_mode == "top" else (y0 + y1) / 2
            if y >= self.row_bounds[0]:
                row = sum(1 for b in self.row_bounds[1:] if y >= b)
                region = self.regions[row].value
        return region, period


def find_labels(cands: list[Candidate]) -> list[Label]:
    """Period headers and region labels among the candidates; a region label wrapped over two
    lines ("HELSE" / "MIDT-NORGE") is joined."""
    labels: list[Label] = []
    used: set[int] = set()
    for i, cand in enumerate(cands):
        if i in used or cand.bbox is None or len(cand.text) > 40:
            continue
        per = lexicon.period(cand.text)
        if per is not None:
            labels.append(Label("period", per, (i,), cand.bbox))
            continue
        nxt = cands[i + 1] if i + 1 < len(cands) else None
        region = lexicon.region_label(cand.text)
        if (region is None and nxt is not None and nxt.block_index == cand.block_index
                and nxt.bbox):
            joined = lexicon.region_label(f"{cand.text} {nxt.text}")
            if joined and joined != lexicon.NATIONAL:
                labels.append(Label("region", joined, (i, i + 1), union([cand.bbox, nxt.bbox])))
                used.add(i + 1)
                continue
        if region is not None and region != lexicon.NATIONAL:
            labels.append(Label("region", region, (i,), cand.bbox))
    return labels


def _largest_cluster(labels: list[Label], key, tolerance: float) -> list[Label]:
    best: list[Label] = []
    for anchor in labels:
        group = [lab for lab in labels if abs(key(lab) - key(anchor)) <= tolerance]
        if len(group) > len(best):
            best = group
    return best


def find_grid(cands: list[Candidate], labels: list[Label]) -> Grid | None:
    """The grid the labels describe, or None when they describe none (fewer than two period
    headers in a row and fewer than two region labels in a column)."""
    periods = _largest_cluster([lb for lb in labels if lb.kind == "period"],
                               lambda lb: lb.cy, SAME_ROW)
    regions = _largest_cluster([lb for lb in labels if lb.kind == "region"],
                               lambda lb: lb.bbox[0], SAME_COLUMN)
    periods = sorted(periods, key=lambda lb: lb.bbox[0]) if len(periods) >= 2 else []
    regions = sorted(regions, key=lambda lb: lb.bbox[1]) if len(regions) >= 2 else []
    if not periods and not regions:
        return None
    header_bottom = max(lb.bbox[3] for lb in periods) if periods else 0.0
    label_right = max(lb.bbox[2] for lb in regions) if regions else 0.0
    if periods and regions and header_bottom > min(lb.bbox[1] for lb in regions) + 2:
        # The "labels" overlap the header row: not a grid of this shape; keep the columns.
        regions, label_right = [], 0.0
    grid = Grid(periods, regions, _row_mode(cands, regions), header_bottom, label_right)
    # Column i runs from half-way between header i-1 and i to half-way between i and i+1, so
    # left-aligned, centred and spanning headers all work; items are placed by their left edge.
    grid.col_bounds = [(a.bbox[2] + b.bbox[0]) / 2 if a.bbox[2] < b.bbox[0] else b.bbox[0]
                       for a, b in zip(periods, periods[1:], strict=False)]
    if regions:
        if grid.row_mode == "top":
            grid.row_bounds = [lb.bbox[1] - TOP_ALIGN for lb in regions]
        else:
            heights = median(lb.bbox[3] - lb.bbox[1] for lb in regions)
            mids = [(a.cy + b.cy) / 2 for a, b in zip(regions, regions[1:], strict=False)]
            first = regions[0].cy - (mids[0] - regions[0].cy if mids else 3 * heights)
            grid.row_bounds = [first] + mids
    return grid


def _row_mode(cands: list[Candidate], regions: list[Label]) -> str:
    """"top" when most region labels line up with the top of a text block to their right
    (a PPTX text box, a pdfminer or OCR block), else "centre"."""
    if not regions:
        return "top"
    label_indexes = {i for lb in regions for i in lb.indexes}
    tops = {id(c.block): c.block.bbox[1] for i, c in enumerate(cands)
            if i not in label_indexes and c.block.bbox is not None}
    lefts = {id(c.block): c.block.bbox[0] for c in cands if c.block.bbox is not None}
    aligned = sum(1 for lb in regions
                  if any(lefts[key] > lb.bbox[2] and abs(top - lb.bbox[1]) <= TOP_ALIGN
                         for key, top in tops.items()))
    return "top" if aligned * 2 >= len(regions) else "centre"


def page_region(headings: list[str]) -> str | None:
    """The one region a page's title names ("... på Helsenorge – Helse Vest"), if any."""
    found = set()
    for text in headings:
        folded = lexicon.fold(text)
        for key, region in (("helse nord", "Helse Nord"), ("helse vest", "Helse Vest"),
                            ("helse sør øst", "Helse Sør-Øst"), ("helse midt", "Helse Midt-Norge")):
            if key in folded:
                found.add(region)
    return found.pop() if len(found) == 1 else None
