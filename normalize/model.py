"""The normalized record: one roadmap item with everything the dataset says about it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class RegionSource(StrEnum):
    """Where an item's region came from."""

    grid = "grid"  # a region axis on the page: rows, columns or swimlanes
    code = "code"  # a code such as (HSØ) in the item
    table = "table"  # a roadmap table's header, or the row's Region cell
    label = "label"  # a label under the item, or a Region line under a record's heading
    page_title = "page-title"  # the one region the page names (title, logo, footer)


class StatusSource(StrEnum):
    """Where an item's status came from."""

    text = "text"
    text_colour = "text-colour"
    fill_colour = "fill-colour"
    table = "table"


class MatchStatus(StrEnum):
    """The outcome of matching an item against the catalogue, after review."""

    auto = "auto"
    pending = "pending"
    reviewed = "reviewed"
    unmatched = "unmatched"
    ignored = "ignored"


@dataclass
class Item:
    item_id: str
    mention_text: str  # exactly page.text[char_start:char_end]
    text: str  # cleaned: bullet removed, wrapped lines joined
    page: int
    char_start: int
    char_end: int
    bbox: tuple[float, float, float, float] | None
    shape_id: int | None
    block_kind: str
    locator: str | None
    region: str | None = None
    regions: list[str] = field(default_factory=list)
    region_source: str | None = None  # "grid", "code", "table", "page-title"
    period: str | None = None
    period_start: int | None = None
    period_end: int | None = None
    status: str | None = None
    #: Where the status came from: "text", "text-colour", "fill-colour", "table".
    status_source: str | None = None
    #: Which labels and rules decided region, period and status, in words.
    layout_evidence: str = ""
    due_date: str | None = None  # ISO
    group_name: str | None = None
    #: Who answers for the item: the row's Ansvarlig/Eier cell.
    responsible: str | None = None
    initiative_id: str | None = None
    initiative_name: str | None = None
    match_status: str = "unmatched"
    match_score: float = 0.0
    candidates: str = "[]"
    match_explanation: str = ""
    #: OCR repairs inside this item: rule, before, after, start, end (offsets in page text).
    repairs: list[dict] = field(default_factory=list)
    #: ``text`` without the notes after the name (a delivery date, a status, "(NILAR)",
    #: "– nasjonalt prosjekt"): what is matched against the catalogue.
    match_text: str = ""
    notes: list[str] = field(default_factory=list)
    #: Notes from elsewhere than the item's text (a table row's Kommentar cell).
    extra_notes: list[str] = field(default_factory=list)


@dataclass
class NormalizedDocument:
    items: list[Item]
    document_date: str | None
    document_date_source: str | None
    page_statuses: dict[int, str] = field(default_factory=dict)
    #: How each page's text was obtained and treated: "text-layer", "ocr", "ocr+repair", ...
    page_routes: dict[int, str] = field(default_factory=dict)
    #: Number of repairs made on each page.
    page_repairs: dict[int, int] = field(default_factory=dict)
    #: Initiatives named in the document's prose (normalize.mentions.Mention).
    mentions: list = field(default_factory=list)
    #: The language each page reads as (normalize.language.page_language).
    page_languages: dict[int, str | None] = field(default_factory=dict)
