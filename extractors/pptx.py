"""PPTX backend (python-pptx): every text box, placeholder and table cell becomes a Block.

Positions are converted from EMU to points, and group-shape transforms are applied: python-pptx
reports a grouped shape's position in its group's child coordinate space (``a:chOff``/
``a:chExt``), which has to be mapped through every enclosing group to land on the slide.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.shapes.group import GroupShape

from . import colors, limits
from .model import BBox, Block, Document, Line, Origin, Page, Shape

EMU_PER_POINT = 12700


@dataclass(frozen=True)
class Transform:
    """Maps a shape's own EMU coordinates to slide points: X = dx + sx * x."""

    sx: float = 1 / EMU_PER_POINT
    sy: float = 1 / EMU_PER_POINT
    dx: float = 0.0
    dy: float = 0.0

    def box(self, left: int, top: int, width: int, height: int) -> BBox:
        x0, y0 = self.dx + self.sx * left, self.dy + self.sy * top
        return (x0, y0, x0 + self.sx * width, y0 + self.sy * height)

    def into_group(self, group) -> Transform:
        """The transform for the children of ``group``."""
        xfrm = group._element.grpSpPr.find(qn("a:xfrm"))
        ch_off, ch_ext = xfrm.find(qn("a:chOff")), xfrm.find(qn("a:chExt"))
        cx, cy = int(ch_off.get("x")), int(ch_off.get("y"))
        cw, ch = int(ch_ext.get("cx")) or 1, int(ch_ext.get("cy")) or 1
        kx, ky = group.width / cw, group.height / ch
        # child x -> group parent space: group.left + (x - cx) * kx -> slide: dx + sx * that
        return Transform(
            sx=self.sx * kx,
            sy=self.sy * ky,
            dx=self.dx + self.sx * (group.left - cx * kx),
            dy=self.dy + self.sy * (group.top - cy * ky),
        )


def _paragraph_is_bullet(paragraph, body_placeholder: bool = False) -> bool:
    """Whether a paragraph is a list entry: a bullet or number of its own, a level below the
    top, or (in a body placeholder, whose layout draws the bullets) anything but buNone."""
    ppr = paragraph._p.pPr
    if ppr is not None and ppr.find(qn("a:buNone")) is not None:
        return False
    if ppr is not None and (ppr.find(qn("a:buChar")) is not None
                            or ppr.find(qn("a:buAutoNum")) is not None):
        return True
    return paragraph.level > 0 or body_placeholder


def _font_size(paragraph) -> float | None:
    sizes = [r.font.size.pt for r in paragraph.runs if r.font.size is not None]
    return max(sizes) if sizes else None


def _run_colour(paragraph, theme: dict[str, str], default: str | None) -> str | None:
    """The colour most of a paragraph's characters are drawn in (by character count)."""
    counts: dict[str | None, int] = {}
    for run in paragraph.runs:
        rpr = run._r.find(qn("a:rPr"))
        fill = rpr.find(qn("a:solidFill")) if rpr is not None else None
        colour = colors.drawingml(fill, theme) if fill is not None else default
        counts[colour] = counts.get(colour, 0) + len(run.text.strip())
    return max(counts, key=counts.get) if counts else default


def _text_lines(paragraphs, bbox: BBox | None, body_placeholder: bool = False,
                theme: dict[str, str] | None = None, default_colour: str | None = None,
                anchor: str = "t") -> list[Line]:
    """Non-empty paragraphs as Lines, each with a box estimated as its band of the shape.

    PPTX stores no line positions. When the runs carry font sizes and the text fits, bands
    are stacked at 1.2 x the font size from the top, the middle or the bottom of the shape,
    as its text is anchored (text boxes at the top, autoshapes in the middle); otherwise the
    shape's height is shared out by line count.
    """
    paras = [(p, p.text.replace("\v", "\n").strip()) for p in paragraphs]
    paras = [(p, t) for p, t in paras if t]
    counts = [t.count("\n") + 1 for _, t in paras]
    sizes = [_font_size(p) for p, _ in paras]
    heights: list[float] = []
    if bbox is not None:
        room = bbox[3] - bbox[1]
        if all(sizes) and sum(s * 1.2 * n for s, n in zip(sizes, counts, strict=True)) <= room:
            heights = [s * 1.2 * n for s, n in zip(sizes, counts, strict=True)]
        else:
            heights = [room * n / (sum(counts) or 1) for n in counts]
    top = bbox[1] if bbox is not None else 0.0
    if bbox is not None and heights:
        spare = max(0.0, (bbox[3] - bbox[1]) - sum(heights))
        top += {"ctr": spare / 2, "b": spare}.get(anchor, 0.0)
    lines = []
    for i, (p, text) in enumerate(paras):
        line_box = None
        if bbox is not None:
            line_box = (bbox[0], top, bbox[2], top + heights[i])
            top += heights[i]
        lines.append(Line(text=text, bbox=line_box, level=p.level,
                          bullet=_paragraph_is_bullet(p, body_placeholder),
                          color=_run_colour(p, theme or {}, default_colour)))
    return lines


def _fill(element, theme: dict[str, str]) -> str | None:
    """The solid fill of a shape (``spPr``) or a table cell (``tcPr``), or of its style."""
    props = element.find(qn("p:spPr")) if element.tag != qn("a:tcPr") else element
    if props is not None:
        if props.find(qn("a:noFill")) is not None:
            return None
        solid = props.find(qn("a:solidFill"))
        if solid is not None:
            return colors.drawingml(solid, theme)
        if props.find(qn("a:gradFill")) is not None:
            stop = props.find(".//" + qn("a:gs"))
            return colors.drawingml(stop, theme) if stop is not None else None
    return _style_colour(element, "a:fillRef", theme) if element.tag != qn("a:tcPr") else None


def _line_colour(element, theme: dict[str, str]) -> str | None:
    props = element.find(qn("p:spPr"))
    ln = props.find(qn("a:ln")) if props is not None else None
    if ln is not None:
        if ln.find(qn("a:noFill")) is not None:
            return None
        solid = ln.find(qn("a:solidFill"))
        if solid is not None:
            return colors.drawingml(solid, theme)
    return _style_colour(element, "a:lnRef", theme)


def _style_colour(element, ref_tag: str, theme: dict[str, str],
                  numbered: bool = True) -> str | None:
    """The colour a shape's style (``p:style``) gives by reference (``a:fillRef``,
    ``a:lnRef``, ``a:fontRef``); a numbered reference with ``idx="0"`` gives none."""
    style = element.find(qn("p:style"))
    ref = style.find(qn(ref_tag)) if style is not None else None
    if ref is None or (numbered and ref.get("idx", "0") == "0"):
        return None
    return colors.drawingml(ref, theme)


def _geometry(element) -> str:
    props = element.find(qn("p:spPr"))
    prst = props.find(qn("a:prstGeom")) if props is not None else None
    if prst is not None and prst.get("prst"):
        return prst.get("prst")
    if element.tag == qn("p:cxnSp"):
        return "line"
    return "path" if props is not None and props.find(qn("a:custGeom")) is not None else "rect"


def _anchor(shape) -> str:
    body = shape.text_frame._txBody.find(qn("a:bodyPr"))
    return body.get("anchor", "t") if body is not None else "t"


def _table_blocks(shape, transform: Transform, table_no: int,
                  theme: dict[str, str]) -> list[Block]:
    table = shape.table
    col_x = [shape.left]
    for col in table.columns:
        col_x.append(col_x[-1] + col.width)
    row_y = [shape.top]
    for row in table.rows:
        row_y.append(row_y[-1] + row.height)
    blocks = []
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            if cell.is_spanned:
                continue
            rs, cs = (cell.span_height, cell.span_width) if cell.is_merge_origin else (1, 1)
            box = transform.box(col_x[c], row_y[r], col_x[c + cs] - col_x[c],
                                row_y[r + rs] - row_y[r])
            tc_pr = cell._tc.find(qn("a:tcPr"))
            fill = _fill(tc_pr, theme) if tc_pr is not None else None
            lines = _text_lines(cell.text_frame.paragraphs, box, theme=theme)
            if lines:
                blocks.append(Block("table_cell", lines, box, shape_id=shape.shape_id,
                                    table_cell=(table_no, r, c, rs, cs), fill=fill))
    return blocks


def _shape_blocks(shapes, transform: Transform, counter: list[int], theme: dict[str, str],
                  drawn: list[Shape]) -> list[Block]:
    """Blocks of the text on ``shapes`` (recursing into groups); the visible shapes, with or
    without text, are appended to ``drawn``."""
    blocks: list[Block] = []
    for shape in shapes:
        if isinstance(shape, GroupShape):
            blocks += _shape_blocks(shape.shapes, transform.into_group(shape), counter, theme,
                                    drawn)
            continue
        if shape.left is None or shape.width is None:
            box = None
        else:
            box = transform.box(shape.left, shape.top, shape.width, shape.height)
        if getattr(shape, "has_table", False) and shape.has_table:
            counter[0] += 1
            blocks += _table_blocks(shape, transform, counter[0], theme)
            continue
        element = shape._element
        fill = line = None
        geometry = _geometry(element)
        if box is not None and element.tag in (qn("p:sp"), qn("p:cxnSp")):
            fill, line = _fill(element, theme), _line_colour(element, theme)
            if fill or line:
                drawn.append(Shape(box, fill, line, geometry))
        if not shape.has_text_frame:
            continue
        body = shape.is_placeholder and shape.placeholder_format.type in (
            PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT)
        lines = _text_lines(shape.text_frame.paragraphs, box, body, theme,
                            _style_colour(element, "a:fontRef", theme, numbered=False),
                            _anchor(shape))
        if not lines:
            continue
        kind = "textbox"
        if shape.is_placeholder and shape.placeholder_format.type in (
            PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE
        ):
            kind = "title"
        visible = fill is not None or line is not None
        blocks.append(Block(kind, lines, box, shape_id=shape.shape_id,
                            frame=box if visible else None, fill=fill,
                            geometry=geometry if visible else None))
    return blocks


def _theme(prs) -> dict[str, str]:
    try:
        part = prs.slide_master.part.part_related_by(RT.THEME)
    except (KeyError, AttributeError):
        return {}
    from lxml import etree

    return colors.theme_colours(etree.fromstring(part.blob))


def extract_pptx(path: Path, origin: Origin) -> Document:
    prs = Presentation(str(path))
    width = prs.slide_width / EMU_PER_POINT if prs.slide_width else None
    height = prs.slide_height / EMU_PER_POINT if prs.slide_height else None
    pages = []
    counter = [0]
    theme = _theme(prs)
    for number, slide in enumerate(prs.slides, start=1):
        limits.check_time()
        drawn: list[Shape] = []
        blocks = _shape_blocks(slide.shapes, Transform(), counter, theme, drawn)
        pages.append(Page(number, width, height, blocks, text_source="pptx",
                          shapes=drawn).finalize())
    title = prs.core_properties.title or None
    return Document(origin=origin, pages=pages, extractor="pptx", title=title)
