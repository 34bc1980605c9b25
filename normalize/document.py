"""Normalize one extracted document: item candidates -> layout (grid, tables) -> attributes
(region, period, status, dates) -> catalogue match. Evidence is never overwritten: the item
keeps its exact mention text and span beside the cleaned text used for matching."""

from __future__ import annotations

import re
from pathlib import Path

from extractors.model import Document, Page
from veikart.files import content_id

from . import language, layout, lexicon, records, tables
from .items import Candidate, candidates, join_by_catalogue, join_lines, looks_like_item
from .match import Matcher
from .mentions import find_mentions
from .model import Item, NormalizedDocument
from .repair import Change, Repairer, apply_changes

#: Footers, page numbers, classification marks and explanation notes: never items.
_FOOTER = re.compile(r"sist oppdatert|veikartet (?:er|viser)|side \d+ av \d+|"
                     r"^\W*(?:side|s\.)\s*\d+\W*$|"
                     r"^\W*\d+\s*(?:av|/)\s*\d+\W*$|følsomhet|klassifisering|gradering\s*:|"
                     r"^\W*(?:intern|konfidensiell|offentlig|fortrolig)\W*$|"
                     r"^\W*(?:oppdatert|kilde|merk|nb|utarbeidet av)\b\s*:?|\butkast\b|"
                     r"^\W*versjon\s+\d|"
                     r"^\W*forklaring(?:er)?\b[^:]*:", re.I)
_DATE_LABEL = re.compile(r"(?:^|\b)(?:dato|møtedato|date)\s*:?\s*$", re.I)
_FILENAME_DATE = re.compile(r"((?:19|20)\d\d)-(\d\d)-(\d\d)")
#: An agenda entry's case number ("4-39/23", "Sak 11-36/22"): the meeting's business, not a
#: roadmap item.
_CASE_ID = re.compile(r"^(?:sak\s+)?\d{1,3}\s*[-/]\s*\d{1,3}\s*[-/]\s*\d{2,4}\b", re.I)


def item_id(source_sha256: str, page: int, start: int, end: int, text: str) -> str:
    """A content-hash id: the same document, page, span and text give the same id.

    >>> item_id("ab", 1, 0, 5, "Timer")
    '1545649f4ca05732'
    """
    return content_id(source_sha256, page, start, end, text)


def document_date(doc: Document) -> tuple[str | None, str | None]:
    """The document's date and where it was found: a "Dato:" line or a line that is only a
    date on the first page (the meeting date), else "Sist oppdatert ...", else the file name."""
    if doc.pages:
        for block in doc.pages[0].blocks:
            if block.table_cell is not None:
                continue  # a date in a table is a row's date, not the document's
            for line in block.lines:
                dates = lexicon.find_dates(line.text)
                if not dates:
                    continue
                before = line.text[: dates[0].start]
                rest = line.text[dates[0].end:]
                if _DATE_LABEL.search(before) or (not before.strip(" ,.") and len(rest) < 30):
                    return dates[0].value.isoformat(), "meeting-date"
    for page in doc.pages:
        for m in re.finditer(r"sist oppdatert", page.text, re.I):
            dates = lexicon.find_dates(page.text[m.end(): m.end() + 40])
            if dates:
                return dates[0].value.isoformat(), "sist-oppdatert"
    m = _FILENAME_DATE.search(Path(doc.origin.path).name)
    if m:
        return "-".join(m.groups()), "file-name"
    return None, None


def _skip_line(text: str) -> bool:
    stripped = text.strip()
    if _FOOTER.search(stripped) or _CASE_ID.match(stripped):
        return True
    dates = lexicon.find_dates(stripped)
    return bool(dates) and len(stripped) - (dates[0].end - dates[0].start) < 6


def _repair_candidates(cands: list[Candidate], page: Page, changes: list[Change]) -> None:
    """Give each candidate the repaired reading of its span (evidence stays in page.text)."""
    for cand in cands:
        mine = [c for c in changes if cand.char_start <= c.start and c.end <= cand.char_end]
        if mine:
            raw = page.text[cand.char_start:cand.char_end]
            cand.text = join_lines(apply_changes(raw, mine, cand.char_start).split("\n"))
            cand.extras["repairs"] = [c.as_dict() for c in mine]


def _page_items(doc: Document, page: Page, changes: list[Change] | None = None,
                matcher: Matcher | None = None
                ) -> tuple[list[tuple[Item, Candidate]], str | None]:
    """The page's roadmap items (with the candidate each came from) and a page-wide status."""
    cands = candidates(page)
    if changes:
        _repair_candidates(cands, page, changes)
    if matcher is not None:
        cands = join_by_catalogue(cands, page, lambda texts: matcher.match_many(
            [lexicon.split_notes(t)[0] for t in texts]))
    recs = records.read_records(page)  # headings with key-value lines under them
    in_records = records.taken(recs, cands, page.text)
    infos = tables.cell_infos(page.blocks)
    row_attrs = tables.row_attributes(page.blocks, infos)
    in_tables = {i for i, c in enumerate(cands) if c.block_index in infos}
    headings = [b.text for b in page.blocks if b.kind in ("title", "heading")]
    # The page's title names its region ("... – Helse Vest"); a one-page document (a web page)
    # may say it in its metadata title instead.
    headings = headings[:1] + ([doc.title] if doc.title and len(doc.pages) == 1 else [])
    footers = {i for i, c in enumerate(cands) if _skip_line(c.text)}
    page_layout = layout.read_page(page, cands, headings, exclude=in_tables | footers)
    out: list[tuple[Item, Candidate]] = []
    annotations: list[tuple[Candidate, list]] = []
    page_status = None
    for i, cand in enumerate(cands):
        if i in page_layout.skip or i in footers or i in in_records:
            continue
        info = infos.get(cand.block_index)
        in_table = info is not None and info.role == "item"
        if info is not None and not in_table:
            continue  # a header or attribute cell, read by tables.row_attributes
        annotation = lexicon.region_annotation(cand.text)
        if annotation and (len(annotation) > 1 or annotation[0][1] is not None):
            annotations.append((cand, annotation))
            continue
        only_status = lexicon.status_value(cand.text)
        if only_status:
            prev = out[-1] if out else None
            if prev and prev[1].block_index == cand.block_index and not prev[0].status:
                prev[0].status, prev[0].status_source = only_status, "text"
            else:
                page_status = page_status or only_status
            continue
        place = page_layout.place(cand)
        if info is not None and (info.grid_region or info.grid_period):
            place = _table_placement(info, page_layout, cand)
        if not (in_table or place.placed or cand.bullet) or not looks_like_item(cand.text):
            continue
        out.append((_make_item(doc, page, cand, place, info, row_attrs), cand))
    for rec in recs:
        item = _make_item(doc, page, rec.head, page_layout.place(rec.head), None, row_attrs)
        out.append((records.apply(item, rec), rec.head))
        if rec.opens_page:  # a page about one item: its title's lines are the page's too
            page_status = page_status or rec.status
    for cand, annotation in annotations:
        _annotate(out, cand, annotation)
    return out, page_status


def _table_placement(info, page_layout, cand: Candidate) -> layout.Placement:
    """A cell of a roadmap drawn as a table: its row's and column's labels, its status as
    the page shows it."""
    place = layout.Placement(placed=True)
    if info.grid_region:
        place.region, place.region_source = info.grid_region, "table"
        place.evidence.append(f"region: table {info.region_axis} '{info.region_text}'")
    if info.grid_period:
        place.period = info.grid_period
        place.evidence.append(f"period: table {info.period_axis} '{info.period_text}'")
    page_layout.place_status(cand, place)
    if not info.grid_region:
        page_layout.apply_page_region(place)
    return place


def _annotate(pairs: list[tuple[Item, Candidate]], label: Candidate, annotation: list) -> None:
    """Apply a "HELSE VEST 2023-24 HELSE NORD" label to the item just above it (or, without
    boxes, the item before it in the same block): its regions, the first one leading."""
    target = None
    if label.bbox:
        above = [(label.bbox[1] - c.bbox[3], it) for it, c in pairs if c.bbox
                 and -2 <= label.bbox[1] - c.bbox[3] <= 40
                 and min(c.bbox[2], label.bbox[2]) > max(c.bbox[0], label.bbox[0])]
        target = min(above, key=lambda t: t[0])[1] if above else None
    else:
        before = [it for it, c in pairs if c.block_index == label.block_index
                  and c.char_end <= label.char_start]
        target = before[-1] if before else None
    if target is None:
        return
    target.regions = [region for region, _ in annotation]
    target.region, target.region_source = annotation[0][0], "label"
    target.layout_evidence = "; ".join(
        [e for e in target.layout_evidence.split("; ") if not e.startswith("region:")]
        + [f"region: the label under the item ('{' '.join(label.text.split())}')"])
    first_period = annotation[0][1]
    if target.period is None and first_period is not None:
        target.period = first_period.label
        target.period_start, target.period_end = first_period.start, first_period.end


def _make_item(doc, page, cand, place: layout.Placement, info, row_attrs) -> Item:
    mention = page.text[cand.char_start: cand.char_end]
    block = cand.block
    item = Item(
        item_id=item_id(doc.origin.sha256, page.number, cand.char_start, cand.char_end, mention),
        mention_text=mention, text=cand.text, page=page.number, char_start=cand.char_start,
        char_end=cand.char_end, bbox=cand.bbox, shape_id=block.shape_id, block_kind=block.kind,
        locator=block.locator)
    attrs = row_attrs.get((info.table, info.row), {}) if info else {}
    evidence = list(place.evidence)
    codes, _ = lexicon.region_codes(cand.text)
    if place.region and place.region_source in ("grid", "table"):
        item.region, item.region_source = place.region, place.region_source
    elif len(codes) == 1:
        item.region, item.region_source = codes[0], "code"
        evidence = [e for e in evidence if not e.startswith("region:")]
        evidence.append(f"region: the code in the item names {codes[0]}")
    elif attrs.get("region"):
        item.region, item.region_source = attrs["region"], "table"
        evidence.append("region: the row's Region cell")
    elif place.region and not codes:
        item.region, item.region_source = place.region, place.region_source
    item.regions = codes or ([item.region] if item.region else [])
    per = place.period or attrs.get("period")
    if per is not None:
        item.period, item.period_start, item.period_end = per.label, per.start, per.end
        if place.period is None:
            evidence.append("period: the row's Periode cell")
    item.status, item.status_source = place.status, place.status_source
    if item.status is None and attrs.get("status"):
        item.status, item.status_source = attrs["status"], "table"
        evidence.append("status: the row's Status cell")
    due, _ = lexicon.due_date(cand.text)
    due = due or attrs.get("due_date")
    item.due_date = due.isoformat() if due else None
    item.group_name = attrs.get("group_name")
    item.responsible = attrs.get("responsible")
    item.extra_notes = attrs.get("notes", [])
    item.repairs = cand.extras.get("repairs", [])
    if item.region is None and not any(e.startswith("region:") for e in evidence):
        evidence.append("region: none, no region label lines up with the item and the page "
                        "names no single region")
    if item.period is None and not any(e.startswith("period:") for e in evidence):
        evidence.append("period: none, no period header or time axis lines up with the item")
    item.layout_evidence = "; ".join(evidence)
    return item


#: Page text sources OCR repair may apply to (PPTX and HTML text is typed, not read).
REPAIRABLE = ("text-layer", "ocr", "re-ocr", "text")
#: Pages whose lines are as drawn (a box's width broke them), where a word broken across two
#: lines without a hyphen is joined again (:meth:`Repairer.broken_words`), damaged or not.
DRAWN_LINES = ("text-layer", "ocr", "re-ocr")


def normalize_document(doc: Document, matcher: Matcher,
                       repairer: Repairer | None = None) -> NormalizedDocument:
    """All roadmap items of a document, placed, dated and matched. With a ``repairer``, pages
    whose text (or the document's, as a whole) reads as OCR-damaged Norwegian are repaired
    first (``text`` and matching use the repaired reading; ``mention_text`` and
    ``pages.text`` stay as extracted)."""
    pairs, page_statuses, routes, repaired = [], {}, {}, {}
    languages = {p.number: language.page_language(p.text) for p in doc.pages}
    # Repair is for Norwegian read by OCR: an English or Latin page passes through unchanged.
    repairable = [p for p in doc.pages if p.text_source in REPAIRABLE
                  and languages[p.number] in ("nb", None)]
    # one engine made the text layer: judged as a whole too (a slide has few words)
    whole = repairer is not None and repairer.looks_damaged("\n".join(p.text for p in repairable))
    for page in doc.pages:
        changes: list[Change] = []
        if repairer is not None and page in repairable:
            result = repairer.repair(page.text, force=True if whole else None)
            changes = result.changes
        if repairer is not None and page.text_source in DRAWN_LINES:
            broken = repairer.broken_words(page.text)
            changes = broken + [c for c in changes if not any(
                b.start < c.end and c.start < b.end for b in broken)]
        routes[page.number] = page.text_source + ("+repair" if changes else "")
        repaired[page.number] = len(changes)
        page_pairs, status = _page_items(doc, page, changes, matcher)
        pairs += page_pairs
        if status:
            page_statuses[page.number] = status
    items = [item for item, _ in pairs]
    for item in items:
        item.match_text, item.notes = lexicon.split_notes(item.text)
        item.notes += item.extra_notes
    matches = matcher.match_many([it.match_text for it in items], [it.region for it in items],
                                 notes=[tuple(it.notes) for it in items])
    for item, m in zip(items, matches, strict=True):
        item.match_status, item.match_score = m.status, m.score
        item.candidates, item.match_explanation = m.candidates_json(), m.explanation
        if m.initiative_id:
            item.initiative_id = m.initiative_id
            item.initiative_name = matcher.catalogue.by_id[m.initiative_id].name
            if not item.group_name:
                item.group_name = matcher.catalogue.group_name(m.initiative_id)
    spans: dict[int, list[tuple[int, int]]] = {}
    for item in items:
        spans.setdefault(item.page, []).append((item.char_start, item.char_end))
    mentions = find_mentions(doc, matcher, spans)
    date, source = document_date(doc)
    return NormalizedDocument(items, date, source, page_statuses, routes, repaired, mentions,
                              languages)
