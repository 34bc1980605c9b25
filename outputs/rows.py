"""Turn per-document outcomes into the rows of the dataset's tables (dlt-style: provenance
and the run id on every row)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from extractors.model import BlockKind, Document, TextSource
from extractors.remote import is_remote
from normalize.model import MatchStatus, NormalizedDocument, RegionSource, StatusSource


@dataclass
class DocumentOutcome:
    """What happened to one input document."""

    path: str
    status: str  # "ok", "failed", "duplicate" or "skipped" (found by the walk, not read)
    error: str | None = None
    document: Document | None = None
    normalized: NormalizedDocument | None = None
    size: int | None = None
    #: The error's exit code when failed (see veikart.errors.ExitCode).
    exit_code: int | None = None
    extra: dict = field(default_factory=dict)


def closed(vocabulary: type[StrEnum], value: str | None) -> str | None:
    """``value`` as a member of a closed vocabulary; any other value is a bug, not data.

    >>> closed(MatchStatus, "auto"), closed(MatchStatus, None)
    ('auto', None)
    """
    return None if value is None else vocabulary(value).value


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def roadmap_rows(outcome: DocumentOutcome, run_id: str) -> list[dict]:
    doc, norm = outcome.document, outcome.normalized
    if doc is None or norm is None:
        return []
    ocr_pages = {p.number for p in doc.pages if p.ocr}
    rows = []
    for it in norm.items:
        x0, y0, x1, y1 = it.bbox if it.bbox else (None, None, None, None)
        rows.append({
            "item_id": it.item_id, "mention_text": it.mention_text, "text": it.text,
            "match_text": it.match_text or it.text, "notes": "; ".join(it.notes) or None,
            "initiative_id": it.initiative_id, "initiative_name": it.initiative_name,
            "group_name": it.group_name, "responsible": it.responsible,
            "match_status": closed(MatchStatus, it.match_status),
            "match_score": it.match_score, "candidates": it.candidates,
            "match_explanation": it.match_explanation,
            "repairs": json.dumps(it.repairs, ensure_ascii=False), "region": it.region,
            "regions": "; ".join(it.regions) or None,
            "region_source": closed(RegionSource, it.region_source),
            "period": it.period, "period_start": it.period_start, "period_end": it.period_end,
            "status": it.status, "status_source": closed(StatusSource, it.status_source),
            "layout_evidence": it.layout_evidence or None, "due_date": _date(it.due_date),
            "document_date": _date(norm.document_date), "source_path": doc.origin.path,
            "source_sha256": doc.origin.sha256, "source_format": doc.origin.format.value,
            "page": it.page, "bbox_x0": _round(x0), "bbox_y0": _round(y0),
            "bbox_x1": _round(x1), "bbox_y1": _round(y1), "char_start": it.char_start,
            "char_end": it.char_end, "shape_id": it.shape_id,
            "block_kind": closed(BlockKind, it.block_kind),
            "locator": it.locator, "extractor": doc.extractor, "ocr": it.page in ocr_pages,
            "run_id": run_id,
        })
    return rows


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def source_uri(path: str) -> str | None:
    """The URL a document was fetched from (its ``source_path`` when that names a remote
    source), else None: a local file.

    >>> source_uri("s3://motes/2023/deck.pptx"), source_uri("inbox/deck.pptx")
    ('s3://motes/2023/deck.pptx', None)
    """
    return path if is_remote(path) else None


def document_row(outcome: DocumentOutcome, run_id: str) -> dict:
    doc, norm = outcome.document, outcome.normalized
    return {
        "source_path": outcome.path,
        "source_sha256": doc.origin.sha256 if doc else None,
        "source_uri": source_uri(outcome.path),
        "source_format": doc.origin.format.value if doc else None,
        "size_bytes": doc.origin.size if doc else outcome.size,
        "status": outcome.status, "error": outcome.error,
        "page_count": doc.origin.page_count if doc else None,
        "ocr_pages": sum(p.ocr for p in doc.pages) if doc else None,
        "items": len(norm.items) if norm else 0,
        "document_date": _date(norm.document_date) if norm else None,
        "document_date_source": norm.document_date_source if norm else None,
        "title": doc.title if doc else None, "extractor": doc.extractor if doc else None,
        "converted": doc.origin.converted if doc else None,
        "run_id": run_id,
    }


def page_rows(outcome: DocumentOutcome, run_id: str) -> list[dict]:
    doc, norm = outcome.document, outcome.normalized
    if doc is None:
        return []
    statuses = norm.page_statuses if norm else {}
    routes = norm.page_routes if norm else {}
    repairs = norm.page_repairs if norm else {}
    languages = norm.page_languages if norm else {}
    return [{"source_sha256": doc.origin.sha256, "source_path": doc.origin.path,
             "page": p.number, "text": p.text, "text_source": closed(TextSource, p.text_source),
             "text_route": routes.get(p.number, p.text_source),
             "repairs": repairs.get(p.number, 0), "ocr": p.ocr,
             "ocr_confidence": None if p.ocr_confidence is None else round(p.ocr_confidence, 2),
             "rotation": p.rotation, "sheet": p.name, "language": languages.get(p.number),
             "width": p.width, "height": p.height, "page_status": statuses.get(p.number),
             "run_id": run_id} for p in doc.pages]


def mention_rows(outcome: DocumentOutcome, run_id: str) -> list[dict]:
    doc, norm = outcome.document, outcome.normalized
    if doc is None or norm is None:
        return []
    return [{"mention_id": m.mention_id, "source_sha256": doc.origin.sha256,
             "source_path": doc.origin.path, "page": m.page, "char_start": m.char_start,
             "char_end": m.char_end, "mention_text": m.mention_text, "sentence": m.sentence,
             "initiative_id": m.initiative_id, "initiative_name": m.initiative_name,
             "match_score": m.match_score, "match_status": m.match_status,
             "method": m.method, "run_id": run_id} for m in norm.mentions]


def dataset_rows(outcomes: list[DocumentOutcome], run: dict,
                 run_ids: dict[str, str] | None = None) -> dict[str, list[dict]]:
    """All tables' rows. ``run`` is the runs-table row of this run; ``run_ids`` maps a
    document's path to the run that ingested it (default: this run), so rows of documents
    skipped as unchanged keep the run id that wrote them."""
    run_ids = run_ids or {}
    out: dict[str, list[dict]] = {"roadmap": [], "mentions": [], "documents": [], "pages": [],
                                  "runs": [run]}
    for o in outcomes:
        rid = run_ids.get(o.path, run["run_id"])
        out["roadmap"] += roadmap_rows(o, rid)
        out["mentions"] += mention_rows(o, rid)
        out["documents"].append(document_row(o, rid))
        out["pages"] += page_rows(o, rid)
    return out
