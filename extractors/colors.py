"""Colours as the backends find them, turned into one form: six-digit upper-case hex RGB.

PPTX states colours in DrawingML (``a:srgbClr``, theme colours such as ``a:schemeClr
val="accent1"`` with ``lumMod``/``lumOff``, ``a:sysClr``); PDF drawing operations give grey,
RGB or CMYK tuples of floats in 0..1.
"""

from __future__ import annotations

import colorsys

from pptx.oxml.ns import qn

#: Theme colour names that stand for another slot of the theme's colour scheme.
_SCHEME_ALIASES = {"tx1": "dk1", "bg1": "lt1", "tx2": "dk2", "bg2": "lt2"}


def hex_rgb(r: float, g: float, b: float) -> str:
    """
    >>> hex_rgb(0, 0.5, 1)
    '0080FF'
    """
    return "".join(f"{max(0, min(255, round(v * 255))):02X}" for v in (r, g, b))


def rgb(hex_colour: str) -> tuple[float, float, float]:
    """
    >>> rgb("0080FF")
    (0.0, 0.5019607843137255, 1.0)
    """
    return tuple(int(hex_colour[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore


def from_pdf(colour) -> str | None:
    """A pdfplumber colour (grey, RGB or CMYK floats; a pattern name) as hex, or None.

    >>> from_pdf((1, 0, 0)), from_pdf((0.5,)), from_pdf([0, 0, 0, 1]), from_pdf("P0")
    ('FF0000', '808080', '000000', None)
    """
    if colour is None or isinstance(colour, str):
        return None
    try:
        values = [float(v) for v in colour]
    except (TypeError, ValueError):
        return None
    if len(values) == 1:
        return hex_rgb(values[0], values[0], values[0])
    if len(values) == 3:
        return hex_rgb(*values)
    if len(values) == 4:
        c, m, y, k = values
        return hex_rgb((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    return None


def theme_colours(theme_xml) -> dict[str, str]:
    """The colour scheme of a theme part's XML: slot name (``accent1``, ``dk1``...) -> hex."""
    out: dict[str, str] = {}
    scheme = theme_xml.find(".//" + qn("a:clrScheme"))
    if scheme is None:
        return out
    for slot in scheme:
        name = slot.tag.rsplit("}", 1)[-1]
        for child in slot:
            value = child.get("val") if child.tag == qn("a:srgbClr") else child.get("lastClr")
            if value:
                out[name] = value.upper()
    return out


def _adjust(hex_colour: str, element) -> str:
    """Apply DrawingML's luminance modifiers (``lumMod``, ``lumOff``, ``shade``, ``tint``)."""
    h, lum, s = colorsys.rgb_to_hls(*rgb(hex_colour))
    r, g, b = rgb(hex_colour)
    for mod in element:
        tag, val = mod.tag.rsplit("}", 1)[-1], mod.get("val")
        if val is None:
            continue
        f = int(val) / 100000
        if tag == "lumMod":
            lum *= f
        elif tag == "lumOff":
            lum += f
        elif tag in ("shade", "tint"):
            r, g, b = colorsys.hls_to_rgb(h, lum, s)
            r, g, b = ((r * f, g * f, b * f) if tag == "shade"
                       else (1 - (1 - r) * f, 1 - (1 - g) * f, 1 - (1 - b) * f))
            h, lum, s = colorsys.rgb_to_hls(r, g, b)
    return hex_rgb(*colorsys.hls_to_rgb(h, max(0.0, min(1.0, lum)), s))


def drawingml(parent, theme: dict[str, str]) -> str | None:
    """The colour of the first colour element under ``parent`` (an ``a:solidFill`` or a
    style reference), resolved against the theme."""
    if parent is None:
        return None
    for child in parent:
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "srgbClr" and child.get("val"):
            return _adjust(child.get("val").upper(), child)
        if tag == "sysClr" and child.get("lastClr"):
            return _adjust(child.get("lastClr").upper(), child)
        if tag == "schemeClr" and child.get("val"):
            name = _SCHEME_ALIASES.get(child.get("val"), child.get("val"))
            if name in theme:
                return _adjust(theme[name], child)
            return None
        if tag == "prstClr" and child.get("val") in ("black", "white"):
            return "000000" if child.get("val") == "black" else "FFFFFF"
    return None


def distance(a: str, b: str) -> float:
    """Perceptual-ish distance between two colours (a weighted RGB distance, 0..~3).

    >>> distance("FF0000", "FF0000"), round(distance("000000", "FFFFFF"), 2)
    (0.0, 3.0)
    """
    (r1, g1, b1), (r2, g2, b2) = rgb(a), rgb(b)
    mean_r = (r1 + r2) / 2
    return ((2 + mean_r) * (r1 - r2) ** 2 + 4 * (g1 - g2) ** 2
            + (3 - mean_r) * (b1 - b2) ** 2) ** 0.5


def is_neutral(hex_colour: str, light: float = 0.93) -> bool:
    """White, near-white or a pale grey: a background, not a signal.

    >>> is_neutral("FFFFFF"), is_neutral("F2F2F2"), is_neutral("00A651")
    (True, True, False)
    """
    r, g, b = rgb(hex_colour)
    return min(r, g, b) >= light


def family(hex_colour: str) -> str:
    """The colour word a person would use for a colour: black, white, grey, red, orange,
    yellow, green, blue or purple (pale and dark shades keep their hue).

    >>> [family(c) for c in ("000000", "B9E3BC", "FFF176", "F8B4B4", "DDDDDD", "1F5FBF")]
    ['black', 'green', 'yellow', 'red', 'grey', 'blue']
    """
    r, g, b = rgb(hex_colour)
    h, s, v = colorsys.rgb_to_hsv(r, g, b)
    if v < 0.2:
        return "black"
    if s < 0.15:
        return "white" if v > 0.95 else "grey"
    deg = h * 360
    for upper, name in ((15, "red"), (40, "orange"), (70, "yellow"), (170, "green"),
                        (260, "blue"), (330, "purple"), (360, "red")):
        if deg < upper:
            return name
    return "red"  # pragma: no cover
