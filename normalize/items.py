"""Split a page's blocks into item candidates: one per bullet, list entry, table-cell line or
short line, with wrapped lines joined into one item. Each candidate keeps the exact character
span of its text in the page text, and the box around its lines."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.model import BBox, Block, Line, Page

from . import lexicon

#: Bullet markers as drawn, and as OCR reads them ("e", "°", "»", "¢", "*", "*.", a lone
#: quote mark before a capital, and "«" that no "»" closes).
_MONTH = (r"(?:jan|feb|mar|apr|mai|jun|jul|aug|sep|okt|nov|des)")
_BULLET = re.compile(r"^(?:[•●▪■◦‣∙·*°»¢✓➢►\ufffd\-–][.,’']?|\d{1,2}[.)](?!\s*(?:" + _MONTH
                     + r"|halvår|kvartal|kv\b|tertial))"
                     r"|[eo©®.”“\"](?=\s+[A-ZÆØÅ«\d•●▪■*])|«(?=\s*[A-ZÆØÅ])(?![^\n]*»))\s*(?<=\s|«)",
                     re.I)
#: Words after which a line must go on (with "pa", "pd" and "p4": "på" as OCR without
#: Norwegian reads it, since items are cut before repair).
_CONNECTIVE_END = re.compile(r"(?:\b(?:og|av|for|med|til|i|på|pa|pd|p4|om|fra|via|ved|mellom|"
                             r"eller|som|samt|under|mot|etter)|[-–—,/+&(:])$", re.I)
#: A line that is only a note about the item above it: its status, a delivery date, a
#: project note ("Nasjonalt prosjekt", "(i drift)", "Leveransedato: 30.04.2023").
_NOTE_LINE = re.compile(
    r"^\W*(?:(?:nasjonalt|regionalt|felles) prosjekt\b|\(\s*(?:i drift|i produksjon|under "
    r"revurdering|under revisjon|planlagt|pågår|levert|pilot|utsatt)\s*\)|"
    r"(?:leveransedato|leveranse|frist|prod(?:uksjon)?|planlagt prod\w*)\s*:)", re.I)
_DASH = re.compile(r"^\s*[-–—]\s")
_SENTENCE = re.compile(r"[.!?]\s+[A-ZÆØÅ]")
_VERSION_END = re.compile(r"\d\.\d+\.?$")
#: A line that starts with a version number goes on with the name before it ("Digital
#: behandlings- og egenbehandlingsplan" / "2.0 – nasjonalt prosjekt").
_VERSION_START = re.compile(r"^\s*\d+\.\d+\b(?!\.)\s*(?:[-–—(]|[a-zæøå])")
MAX_ITEM_WORDS = 16
#: Page text sources whose paragraphs and list entries the file marks (typed, not read off
#: an image or a text layer).
TYPED = ("pptx", "html", "docx", "xlsx")


@dataclass
class Candidate:
    lines: list[Line]
    block: Block
    block_index: int
    char_start: int
    char_end: int
    bullet: bool
    #: Text with bullet removed and wrapped lines joined (dehyphenated).
    text: str = ""
    bbox: BBox | None = None
    extras: dict = field(default_factory=dict)

    @property
    def top(self) -> float | None:
        return self.bbox[1] if self.bbox else None


def bullet_length(text: str) -> int:
    """Characters taken by a leading bullet marker and its space (0 when none).

    >>> bullet_length("• Timer 2.0"), bullet_length("e Pasientens prøvesvar")
    (2, 2)
    >>> bullet_length("Timer"), bullet_length("20. april 2023"), bullet_length("1. halvår 2025")
    (0, 0, 0)
    >>> bullet_length("*. Digitale skjema"), bullet_length("«Digital dialog")
    (3, 1)
    >>> bullet_length("«Ny» innføring"), bullet_length("*Timer")
    (0, 0)
    >>> bullet_length("” Digitale kurs"), bullet_length('"Ny" innføring')
    (2, 0)
    >>> bullet_length("* . Barn og unge"), bullet_length(". * Barn")  # a speck by it
    (4, 4)
    """
    m = _BULLET.match(text)
    if not m:
        return 0
    again = _BULLET.match(text[m.end():])
    return m.end() + again.end() if again and not text[m.end()].isalnum() else m.end()


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines into one line, removing a hyphen that only broke a word.

    >>> join_lines(["Behandlings-", "hjelpemidler"])
    'Behandlingshjelpemidler'
    >>> join_lines(["Utprøving digital behandlings-", "og egenbehandlingsplan"])
    'Utprøving digital behandlings- og egenbehandlingsplan'
    """
    out = ""
    for line in (ln.strip() for ln in lines):
        if not out:
            out = line
        elif (re.search(r"[a-zæøå]-$", out) and line[:1].islower()
              and not re.match(r"(og|eller)\b", line)):
            out = out[:-1] + line
        else:
            out = out + " " + line
    return out


def _union(boxes: list[BBox | None]) -> BBox | None:
    real = [b for b in boxes if b is not None]
    if not real:
        return None
    return (min(b[0] for b in real), min(b[1] for b in real),
            max(b[2] for b in real), max(b[3] for b in real))


def _pitch(a: Line, b: Line) -> float | None:
    return b.bbox[1] - a.bbox[1] if a.bbox and b.bbox else None


def _continues(prev: Line, line: Line, block_has_bullets: bool,
               item_pitch: float | None = None) -> bool:
    """Whether ``line`` is the wrapped continuation of the item that ``prev`` belongs to.

    In a bulleted block a line without a bullet continues the item, unless it reads as a new
    item whose bullet was lost (OCR): it starts with a capital after a line that does not end
    in a connective, and it is not packed closer than the block's bullet lines are. A note
    ("Nasjonalt prosjekt", "Leveransedato: ...") and a bare number ("2.0") continue it too;
    nothing else continues a line that ends in the item's status ("… – i drift").
    """
    if _NOTE_LINE.match(line.text) and not (prev.bullet and line.bullet):
        return True
    if bullet_length(line.text) or line.bullet or _ends_in_status(prev.text):
        return False  # a new item; or the one before ended in its status ("… – i drift")
    if (sum(ch.isalpha() for ch in line.text) < 3 and line.text.strip()) or \
            _VERSION_START.match(line.text):
        return True  # "2.0", "12-16" left alone on a line, or "2.0 – nasjonalt prosjekt"
    first = line.text.lstrip()[:1]
    cue = _reads_on(prev.text, line.text)
    if block_has_bullets:
        pitch = _pitch(prev, line)
        tight = pitch is not None and item_pitch is not None and pitch < 0.87 * item_pitch
        return cue or tight or not (first.isupper() or first.isdigit())
    if prev.bbox and line.bbox:
        gap = line.bbox[1] - prev.bbox[3]
        height = prev.bbox[3] - prev.bbox[1]
        if gap > 0.8 * height:
            return False
    return cue


def _soft_parts(line: Line) -> list[Line]:
    """A line with soft line breaks inside it (PPTX Shift+Enter, ``<a:br/>``) as one line per
    part, each with its exact span and a share of the box."""
    if "\n" not in line.text:
        return [line]
    pieces = line.text.split("\n")
    out, pos = [], line.char_start
    for k, piece in enumerate(pieces):
        box = None
        if line.bbox is not None:
            x0, y0, x1, y1 = line.bbox
            h = (y1 - y0) / len(pieces)
            box = (x0, y0 + k * h, x1, y0 + (k + 1) * h)
        out.append(Line(piece, box, pos, pos + len(piece), line.level,
                        line.bullet if k == 0 else False, line.color))
        pos += len(piece) + 1
    return out


def _soft_continues(prev: Line, part: Line) -> bool:
    """After a soft line break, the text goes on with the same item when it reads so: it
    starts in lower case or with a bracket, the part before ends in a connective or a
    hyphen, or it is a note or a bare number; otherwise a new item starts (cells list their
    items one per line). A part that may read on (``_open_start``) is asked apart."""
    text = part.text.strip()
    return (not text or _reads_on(prev.text, text) or bool(_NOTE_LINE.match(text))
            or sum(ch.isalpha() for ch in text) < 3 or bool(_VERSION_START.match(text)))


def _reads_on(before: str, text: str) -> bool:
    """``text`` reads as the same sentence going on after ``before``: it starts in lower
    case or with a bracket or quote, or ``before`` ends in a connective or a hyphen."""
    first = text.lstrip()[:1]
    return bool(first.islower() or first in "(«'\"’" or _CONNECTIVE_END.search(before.rstrip()))


def _split_block(block: Block, one_item_per_line: bool, typed: bool = False
                 ) -> tuple[list[list[Line]], set[int], set[int]]:
    """The block's lines grouped into items, the ids of the lines that start after a soft
    line break, and of those among them and the typed paragraphs that may read on
    (``_open_start``)."""
    groups: list[list[Line]] = []
    lines = block.lines
    starts = [bool(bullet_length(ln.text) or ln.bullet) for ln in lines]
    pitches = sorted(p for i in range(1, len(lines)) if starts[i]
                     and (p := _pitch(lines[i - 1], lines[i])) is not None and p > 0)
    item_pitch = pitches[len(pitches) // 2] if pitches else None
    # a dash where the list's bullets are another glyph is text: "Barn og unge" / "- Nekting
    # periode" written over two lines
    glyphs = [ln.text.lstrip()[:1] for ln, start in zip(lines, starts, strict=True) if start]
    dashes = sum(g in "-–—" for g in glyphs)
    dash_is_text = len(glyphs) - dashes > 0 and dashes < len(glyphs) - dashes
    soft: set[int] = set()
    open_starts: set[int] = set()
    # where paragraphs are typed, or no bullet but a dash is drawn (a table cell in a PDF),
    # a line that starts with a quote or a dash may read on (``_open_start``)
    open_lines = typed or len(glyphs) == dashes
    for line in lines:
        parts = _soft_parts(line)
        head = parts[0]
        joined = dash_is_text and _DASH.match(head.text) and not head.bullet
        if (groups and open_lines and not one_item_per_line and not joined
                and _open_start(groups[-1][-1].text, head.text, groups[-1][0].text)):
            soft.add(id(head))
            open_starts.add(id(head))
            groups.append([head])
        elif groups and (joined or (not one_item_per_line and _continues(
                groups[-1][-1], head, any(starts), item_pitch))):
            groups[-1].append(head)
        else:
            groups.append([head])
        for part in parts[1:]:
            opens = _open_start(groups[-1][-1].text, part.text, groups[-1][0].text)
            if not opens and _soft_continues(groups[-1][-1], part):
                groups[-1].append(part)
            else:
                soft.add(id(part))
                if opens:
                    open_starts.add(id(part))
                groups.append([part])
    return groups, soft, open_starts


def _open_start(before: str, text: str, group_head: str = "") -> bool:
    """A typed line or part that may go on with the item before it or start the next one,
    so that ``join_by_catalogue`` decides: it starts with a quoted word ("tilhørende" /
    "'Helseplattformen – sykehus' deles ..." against "«Ny» innføring av ...") or a typed
    dash ("Barn og unge" / "- Nekting periode" against a dash per item), after a line that
    does not end in a connective, in an item that did not start with that dash itself
    (dashes that start every item are their bullets)."""
    first = text.lstrip()[:1]
    if first in "-–—" and _DASH.match(group_head) and group_head.lstrip()[:1] == first:
        return False  # the same dash as the item's own: a bullet ("- A" / "- B")
    return bool(first) and first in "«'\"’-–—" and not _CONNECTIVE_END.search(before.rstrip())


def candidates(page: Page) -> list[Candidate]:
    """Item candidates of a page, in block order.

    Bulleted PPTX paragraphs and HTML list entries are items of their own; a soft line break
    inside a paragraph starts a new item unless the text reads as going on; other lines are
    grouped by bullets drawn in the text, line gaps and wrapping cues (a line starting in
    lower case continues the item).
    """
    out = []
    typed = page.text_source in TYPED
    for index, block in enumerate(page.blocks):
        if block.kind in ("title", "heading", "header", "footer"):
            continue
        # Source paragraphs that are marked as list entries are items of their own; otherwise
        # lines are grouped by bullets drawn in the text and by wrapping cues.
        per_line = (typed and any(ln.bullet for ln in block.lines)) or block.kind == "list"
        groups, soft, open_starts = _split_block(block, per_line, typed)
        for group in groups:
            skip = bullet_length(group[0].text)
            start = group[0].char_start + skip
            end = group[-1].char_end
            texts = [group[0].text[skip:]] + [ln.text for ln in group[1:]]
            joined = join_lines(texts)
            if not joined.strip():
                continue
            extras = {"soft_start": True} if id(group[0]) in soft else {}
            if id(group[0]) in open_starts:
                extras["open_start"] = True
            out.append(Candidate(group, block, index, start, end,
                                 bullet=bool(skip) or any(ln.bullet for ln in group),
                                 text=joined, bbox=_union([ln.bbox for ln in group]),
                                 extras=extras))
    return out


def looks_like_item(text: str) -> bool:
    """Short, name-like text: not prose, not a bare number or date.

    >>> looks_like_item("Mine timeavtaler (Timer 2.0)"), looks_like_item("Time 2.0.")
    (True, True)
    >>> looks_like_item("Helse Nord ønsker å presentere sitt arbeid. Det ble enighet om det.")
    False
    >>> looks_like_item("I l 1 I I I 3 I 1 å I"), looks_like_item("I I I")  # a dashed line
    (False, False)
    """
    words = text.split()
    letters = sum(ch.isalpha() for ch in text)
    if letters < 3 or len(words) > MAX_ITEM_WORDS:
        return False
    singles = sum(len(w) == 1 for w in words)
    if (len(words) >= 4 and singles > len(words) / 2) or singles == len(words):
        return False  # mostly single strokes: a dashed line or a row of marks, read as text
    if _SENTENCE.search(text):
        return False
    stripped = text.rstrip()
    return not (stripped.endswith((".", ":")) and not _VERSION_END.search(stripped)
                and len(words) > 6)


def join_by_catalogue(cands: list[Candidate], page: Page, match) -> list[Candidate]:
    """Candidates with a name broken over two lines joined again ("Målbilde" / "Datadeling
    DHO"), where nothing in the text tells a line break inside a name from one between two
    items: two neighbouring unbulleted lines of one text-layer or OCR block are one item
    when together, as a whole, they are a confident catalogue match at least as likely as
    either line alone, and apart they are not both confident matches.
    ``match(texts)`` gives the matcher's outcomes."""
    if len(cands) < 2:
        return cands
    typed = page.text_source in TYPED  # paragraphs are known; soft breaks are not
    pairs = [k for k in range(len(cands) - 1)
             if cands[k].block_index == cands[k + 1].block_index
             and (not typed or cands[k + 1].extras.get("soft_start"))
             and (cands[k + 1].extras.get("open_start")
                  or not bullet_length(cands[k + 1].lines[0].text))
             and not cands[k + 1].lines[0].bullet and _adjacent(cands[k], cands[k + 1])
             and not _ends_in_status(cands[k].text)]
    if not pairs:
        return cands
    def whole(k: int) -> str:  # a dash that may be text stays in the joined name
        b = cands[k + 1]
        rest = [ln.text for ln in b.lines] if b.extras.get("open_start") else [b.text]
        return join_lines([cands[k].text] + rest)

    texts = []
    for k in pairs:
        texts += [cands[k].text, cands[k + 1].text, whole(k)]
    outcomes = match(texts)
    joined: dict[int, Candidate] = {}
    for n, k in enumerate(pairs):
        first, second, both = outcomes[3 * n: 3 * n + 3]
        parts_sure = first.status == "auto" and second.status == "auto"
        as_one = both.features.get("text_share", 0.0) >= 0.99  # matched whole, not a part
        better = both.score >= max(first.score, second.score)
        # a typed line that may read on (a quote, a dash) does unless both parts are names
        reads_on = cands[k + 1].extras.get("open_start") and not parts_sure
        if ((reads_on or (both.status == "auto" and as_one and better and not parts_sure))
                and k not in joined and k - 1 not in joined):
            a, b = cands[k], cands[k + 1]
            extras = {key: v for key, v in {**b.extras, **a.extras}.items()
                      if key not in ("soft_start", "open_start") or a.extras.get(key)}
            joined[k] = Candidate(a.lines + b.lines, a.block, a.block_index, a.char_start,
                                  b.char_end, a.bullet, whole(k),
                                  _union([a.bbox, b.bbox]), extras)
    out, skip = [], False
    for k, cand in enumerate(cands):
        if skip:
            skip = False
            continue
        if k in joined:
            out.append(joined[k])
            skip = True
        else:
            out.append(cand)
    return out


def _ends_in_status(text: str) -> bool:
    """Whether ``text`` ends in the status a deck writes after an item's name ("… – i
    drift", "… (planlagt)"): the item ends there, and the next line is another.

    >>> _ends_in_status("Behandlings - hjelpemidler - i drift"), _ends_in_status("Samvalg")
    (True, False)
    """
    _, span = lexicon.inline_status(text)
    return span is not None and span[1] >= len(text.rstrip())


def _adjacent(a: Candidate, b: Candidate) -> bool:
    """``b`` sits right under ``a`` (no more than a line's height between them)."""
    if a.bbox is None or b.bbox is None:
        return False
    height = min(a.lines[-1].bbox[3] - a.lines[-1].bbox[1] if a.lines[-1].bbox else 10.0,
                 b.lines[0].bbox[3] - b.lines[0].bbox[1] if b.lines[0].bbox else 10.0)
    return -2 <= b.bbox[1] - a.bbox[3] <= 0.8 * height + 1
