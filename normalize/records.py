"""Roadmap items written as records, in documents without page geometry (web pages, DOCX):
a heading followed by key–value lines about it.

    <h3>Standarddialog</h3>
    <p>Ferdigstilt og levert: Nei</p>
    <p>Leveransedato: 31.12.2023</p>

The heading's text is the item; the lines under it, up to the next heading, are its
attributes. Key and value may share a line ("Status: Pågår"), stand on two lines (a
``dl``'s term and description, "Region" above "Helse Vest"), or be the two cells of a
table's rows; a line that is only a status ("Pågår", a card's badge) counts as a status
line. Keys read: status ("Status"), delivered yes/no ("Ferdigstilt og levert",
"Levert", "Ferdig"), a delivery date ("Leveransedato", "Frist", "Planlagt prod"), region
("Region", "RHF") and period ("Periode", "År"). A heading is no record when nothing under
it is such a line, when it names a kind of information rather than a thing ("Status",
"Fakta", "Om prosjektet": its lines are about the page), or when it is a period or region
label; key–value lines after a list entry or a table of items belong to those, not to the
heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.model import Page

from . import lexicon
from .items import Candidate, bullet_length, join_lines, looks_like_item
from .model import Item

#: Keys (folded: lower case, dashes and spaces as one space), by the attribute they give.
_KEYS = [
    ("done", re.compile(r"ferdigstilt(?: og levert)?|levert|ferdig")),
    ("status", re.compile(r"status|tilstand|fremdrift|framdrift")),
    ("due", re.compile(r"leveransedato|leveringsdato|levering|(?:tids)?frist|"
                       r"ferdigdato|sluttdato|(?:planlagt|forventet) (?:levert|levering|"
                       r"leveranse|ferdig\w*|prod\w*|i drift)|prod(?:uksjon|satt)?|"
                       r"produksjonssetting|produksjonsdato")),
    ("region", re.compile(r"(?:helse)?region|regionalt helseforetak|rhf|helseforetak")),
    ("period", re.compile(r"periode|tidsperiode|tidsrom|år|gjennomføring(?:speriode)?")),
]
#: Headings that name a kind of information, not a thing: their lines are about the page.
_SECTION = re.compile(r"status(?: og fremdrift)?|fremdrift|framdrift|fakta(?:boks)?|"
                      r"nøkkel(?:informasjon|tall)|prosjekt(?:informasjon|fakta)|"
                      r"om prosjektet|detaljer|oversikt|sammendrag|leveranser?|tidsplan|"
                      r"informasjon|kontakt(?:informasjon)?")
_KEY_VALUE = re.compile(r"^(?P<key>[^:\n]{2,40}?)\s*:\s*(?P<value>\S.*?)\s*$")
_BARE_KEY = re.compile(r"^(?P<key>[^:\n]{2,40}?)\s*:?\s*$")
_YES = {"ja", "yes", "x", "✓", "✔"}
_NO = {"nei", "no", "ikke"}
#: A short label-like key ("Prosjektleder", "Budsjett"): a fact line even when not read.
_FACT_KEY = re.compile(r"^[^\W\d_][\w .()/-]{1,30}$")
#: How each attribute is named in the evidence.
_NAMES = {"status": "status", "done": "status", "due": "due date", "region": "region",
          "period": "period"}
#: The reading each attribute mainly gives.
_MAIN = {"status": "status", "done": "status", "due": "due", "region": "region",
         "period": "period"}
_WHERE = {"line": "line", "entry": "entry", "row": "row of the table"}


def key_attribute(key: str) -> str | None:
    """The attribute a key names, or None when veikart does not read it.

    >>> key_attribute("Ferdigstilt og levert"), key_attribute("Leveransedato:")
    ('done', 'due')
    >>> key_attribute("Status"), key_attribute("Prosjektleder")
    ('status', None)
    """
    folded = lexicon.fold(key)
    return next((attr for attr, rx in _KEYS if rx.fullmatch(folded)), None)


@dataclass
class Field:
    """One key–value pair under a heading, as written, with what it says."""

    key: str
    value: str
    attribute: str  # "status", "done" (delivered yes/no), "due", "region", "period"
    form: str  # "line" ("Key: value"), "entry" (key above its value), "row" (table row)
    start: int  # span in the page text, key to value
    end: int

    def reading(self) -> tuple[str, object] | None:
        """What the pair states: ("status", "pågår"), ("due", date), ("region", "Helse
        Vest"), ("period", Period), or None when its value cannot be read.

        >>> Field("Ferdigstilt og levert", "Nei", "done", "line", 0, 0).reading()
        ('status', 'ikke levert')
        >>> Field("Leveransedato", "Mai 2024", "due", "entry", 0, 0).reading()
        ('due', datetime.date(2024, 5, 31))
        >>> Field("Region", "Helse Vest RHF", "region", "row", 0, 0).reading()
        ('region', 'Helse Vest')
        """
        value = self.value.strip()
        folded = lexicon.fold(value)
        if self.attribute == "done":  # "Ja", "Nei", "Ja, 28.03.2023"
            word = re.split(r"[\s,.;:()–-]+", folded)[0]
            if word in _YES or word in _NO:
                return "status", "levert" if word in _YES else "ikke levert"
            when = lexicon.date_value(value)
            return ("due", when) if when else None
        if self.attribute == "status":
            status = lexicon.status_value(value) or lexicon.status_in(value)
            if status is None and len(value.split()) <= 3:
                status = folded
            return ("status", status) if status else None
        if self.attribute == "due":
            when = lexicon.date_value(value)
            if when:
                return "due", when
            per = lexicon.period(value)  # "Leveransedato: 2025", as a table cell says it
            return ("period", per) if per else None
        if self.attribute == "region":
            codes, _ = lexicon.region_codes(f"({value})")
            region = lexicon.region_label(value) or (codes[0] if len(codes) == 1 else None)
            return ("region", region) if region else None
        if self.attribute == "period":
            per = lexicon.period(value)
            return ("period", per) if per else None
        return None


@dataclass
class Record:
    """A heading and the key–value pairs under it."""

    head: Candidate
    fields: list[Field]
    #: Spans of the page text that are the record's lines (read or not).
    spans: list[tuple[int, int]] = field(default_factory=list)
    #: The heading is the page's title (its first heading) and the page's only record: the
    #: page is about this one item, so what its lines say holds for the page as a whole.
    opens_page: bool = False

    def attributes(self) -> dict[str, tuple[object, Field]]:
        """Each attribute's value and the pair that gave it; the first pair of each kind
        wins, and a "Status" line before a delivered yes/no."""
        out: dict[str, tuple[object, Field]] = {}
        ordered = sorted(self.fields, key=lambda f: f.attribute == "done")
        for f in ordered:
            reading = f.reading()
            if reading is not None and reading[0] not in out:
                out[reading[0]] = (reading[1], f)
        return out

    @property
    def status(self) -> str | None:
        found = self.attributes().get("status")
        return found[0] if found else None


@dataclass
class _Line:
    """One physical line of a block (a ``<br>`` or a soft break starts a new one)."""

    text: str
    start: int
    end: int
    level: int
    bullet: bool


def _physical_lines(page: Page, index: int) -> list[_Line]:
    out = []
    for line in page.blocks[index].lines:
        pos = line.char_start
        for k, part in enumerate(line.text.split("\n")):
            out.append(_Line(part, pos, pos + len(part), line.level,
                             (line.bullet and k == 0) or bool(bullet_length(part))))
            pos += len(part) + 1
    return out


def _pair(text: str) -> tuple[str, str] | None:
    """A "Key: value" line's key and value (bullet dropped), else None."""
    m = _KEY_VALUE.match(text[bullet_length(text):].strip())
    return (m.group("key"), m.group("value")) if m else None


def _bare_key(text: str) -> str | None:
    """A line that is only a key veikart reads ("Leveransedato", "Status:"), else None."""
    m = _BARE_KEY.match(text[bullet_length(text):].strip())
    return m.group("key") if m and key_attribute(m.group("key")) else None


def _block_fields(page: Page, index: int) -> tuple[list[Field], list[tuple[int, int]], bool]:
    """The key–value pairs of a block that is no table cell, the spans of its fact lines,
    and whether a list entry that is no such line ends the heading's record there."""
    lines = _physical_lines(page, index)
    fields: list[Field] = []
    facts: list[tuple[int, int]] = []
    used = k = 0
    while k < len(lines):
        line, nxt = lines[k], lines[k + 1] if k + 1 < len(lines) else None
        text = line.text[bullet_length(line.text):].strip()
        pair = _pair(line.text)
        entry = _entry(line, nxt) if pair is None else None
        if pair and key_attribute(pair[0]):
            fields.append(Field(pair[0], pair[1], key_attribute(pair[0]), "line", line.start,
                                line.end))
            used += 1
        elif entry is not None:
            fields.append(entry)
            used += 2
            k += 1
        elif pair is None and lexicon.status_value(text):  # "Pågår" alone: a badge
            fields.append(Field(text, text, "status", "line", line.start, line.end))
            used += 1
        elif pair and _FACT_KEY.match(pair[0].strip()):
            facts.append((line.start, line.end))
            used += 1
        elif line.bullet and line.text.strip():
            return fields, [], True
        k += 1
    if used < len(lines):
        facts = []  # unread "Key: value" lines count only in a block of such lines
    return fields, facts, False


def _entry(line: _Line, nxt: _Line | None) -> Field | None:
    """A key alone on its line ("Leveransedato", a ``dt``) with its value on the next; not
    when the next line is a key itself, nor when a status word ("Levert") is rather a status
    line than a key over a value that cannot be read."""
    key = _bare_key(line.text)
    if key is None or nxt is None or _pair(nxt.text):
        return None
    if _bare_key(nxt.text) and not (key_attribute(key) == "status"
                                    and lexicon.status_value(nxt.text)):
        return None  # two keys in a row ("Status" over "Levert" is a key and its value)
    entry = Field(key, nxt.text.strip(), key_attribute(key), "entry", line.start, nxt.end)
    if entry.reading() is None and lexicon.status_value(key):
        return None
    return entry


def _table_fields(page: Page, indexes: list[int]) -> list[Field] | None:
    """A table of two columns whose first column holds keys ("Leveransedato" |
    "30.04.2023"), at least every other row a key and value veikart reads: its pairs, or
    None when it is another kind of table."""
    cells = {page.blocks[i].table_cell[1:3]: page.blocks[i] for i in indexes}
    if any(page.blocks[i].table_cell[2] + page.blocks[i].table_cell[4] > 2 for i in indexes):
        return None
    rows = sorted({row for row, _ in cells})
    fields, pairs = [], 0
    for row in rows:
        key_cell, value_cell = cells.get((row, 0)), cells.get((row, 1))
        key = key_cell.text.strip() if key_cell else ""
        if key and (len(key) > 40 or "\n" in key or not _FACT_KEY.match(key.rstrip(":"))):
            return None
        pairs += bool(key_cell and value_cell)
        if key_cell and value_cell and key_attribute(key):
            fields.append(Field(key.rstrip(": "), " ".join(value_cell.text.split()),
                                key_attribute(key), "row", key_cell.char_start,
                                value_cell.char_end))
    # keys down the first column: at least every other row names one with a value veikart
    # reads ("Region" over "Tiltak" is the header of a table of items)
    read = sum(f.reading() is not None for f in fields)
    return fields if read and 2 * read >= pairs else None


def _head_of(page: Page, index: int) -> Candidate | None:
    """The heading at ``index`` as an item candidate, when it can name an item."""
    block = page.blocks[index]
    text = join_lines(block.text.split("\n"))
    folded = lexicon.fold(text)
    if (block.bbox is not None or not looks_like_item(text) or key_attribute(text)
            or _SECTION.fullmatch(folded) or lexicon.period(text)
            or lexicon.region_label(text)):
        return None
    return Candidate(list(block.lines), block, index, block.char_start, block.char_end,
                     bullet=False, text=text)


def _section(page: Page, index: int) -> tuple[list[Field], list[tuple[int, int]]]:
    """The key–value pairs under the heading at ``index`` (up to the next heading) and the
    spans of the lines that make them."""
    fields: list[Field] = []
    spans: list[tuple[int, int]] = []
    k = index + 1
    while k < len(page.blocks) and page.blocks[k].kind not in ("heading", "title"):
        block = page.blocks[k]
        if block.table_cell is not None:
            table = block.table_cell[0]
            cells = []
            while k < len(page.blocks) and page.blocks[k].table_cell is not None \
                    and page.blocks[k].table_cell[0] == table:
                cells.append(k)
                k += 1
            found = _table_fields(page, cells)
            if found is None:
                break  # a table of items: what follows is about them
            fields += found
            spans += [(page.blocks[i].char_start, page.blocks[i].char_end) for i in cells]
            continue
        found, facts, stop = _block_fields(page, k)
        fields += found
        spans += [(f.start, f.end) for f in found] + facts
        if stop:
            break
        k += 1
    return fields, spans


def read_records(page: Page) -> list[Record]:
    """The page's records: each heading (without geometry) with key–value lines under it.

    >>> from extractors.model import Block, Line
    >>> page = Page(1, None, None, [
    ...     Block("heading", [Line("Standarddialog", None)], None),
    ...     Block("paragraph", [Line("Ferdigstilt og levert: Nei\\nLeveransedato: 31.12.2023",
    ...                              None)], None),
    ...     Block("heading", [Line("Status", None)], None),
    ...     Block("paragraph", [Line("Ferdigstilt og levert: Ja", None)], None)]).finalize()
    >>> [(r.head.text, r.status, str(r.attributes()["due"][0])) for r in read_records(page)]
    [('Standarddialog', 'ikke levert', '2023-12-31')]
    """
    records = []
    headings = [i for i, b in enumerate(page.blocks) if b.kind in ("heading", "title")]
    for index in headings:
        head = _head_of(page, index)
        if head is None:
            continue
        fields, spans = _section(page, index)
        if fields:
            records.append(Record(head, fields, spans, opens_page=index == headings[0]))
    if len(records) > 1:  # cards or deliveries: each status is its own heading's
        for rec in records:
            rec.opens_page = False
    return records


def taken(records: list[Record], cands: list[Candidate], text: str) -> set[int]:
    """Indexes of the candidates that are records' lines (not items of their own): every
    visible character of theirs lies in a record's span."""
    spans = [s for rec in records for s in rec.spans]
    out = set()
    for i, cand in enumerate(cands):
        inside = [(a, b) for a, b in spans if a < cand.char_end and cand.char_start < b]
        if inside and all(any(a <= p < b for a, b in inside)
                          for p in range(cand.char_start, cand.char_end)
                          if not text[p].isspace()):
            out.add(i)
    return out


def apply(item: Item, record: Record) -> Item:
    """Give ``item`` (made from the record's heading) what the record's lines say, where the
    item does not say it itself: a status, a delivery date and a period; a region line wins
    over the region the page title names. The evidence names the line."""
    found = record.attributes()
    evidence = item.layout_evidence.split("; ") if item.layout_evidence else []

    def say(kind: str, text: str) -> None:
        nonlocal evidence
        evidence = [e for e in evidence if not e.startswith(f"{kind}:")] + [f"{kind}: {text}"]

    if "status" in found and (item.status is None or item.status in lexicon.NOTE_STATUSES):
        status, f = found["status"]
        item.status, item.status_source = status, "text"
        note = _disagreement(record, status)
        say("status", f"the '{f.key}' {_WHERE[f.form]} under the heading{note}")
    if "due" in found and item.due_date is None:
        when, f = found["due"]
        item.due_date = when.isoformat()
        say("due date", f"the '{f.key}' {_WHERE[f.form]} under the heading")
    if "region" in found and item.region_source in (None, "page-title"):
        region, f = found["region"]
        item.region, item.region_source, item.regions = region, "label", [region]
        say("region", f"the '{f.key}' {_WHERE[f.form]} under the heading")
    if "period" in found and item.period is None:
        per, f = found["period"]
        item.period, item.period_start, item.period_end = per.label, per.start, per.end
        say("period", f"the '{f.key}' {_WHERE[f.form]} under the heading")
    for f in record.fields:
        if f.reading() is None and _MAIN[f.attribute] not in found:
            evidence.append(f"{_NAMES[f.attribute]}: the '{f.key}' {_WHERE[f.form]} under "
                            f"the heading says '{f.value}', which veikart cannot read")
    item.layout_evidence = "; ".join(evidence)
    return item


def _disagreement(record: Record, status: str) -> str:
    """A note when the record's other status line says something else."""
    others = {r[1] for f in record.fields if (r := f.reading()) and r[0] == "status"}
    others.discard(status)
    return f" (another line says '{sorted(others)[0]}')" if others else ""
