"""Every column of every output table, with its type and meaning, in one place: the Parquet
schemas, the DuckDB tables, datapackage.json and the README's schema section all come from
here (a test keeps the README honest)."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    description: str

    @property
    def frictionless_type(self) -> str:
        if pa.types.is_integer(self.type):
            return "integer"
        if pa.types.is_floating(self.type):
            return "number"
        if pa.types.is_boolean(self.type):
            return "boolean"
        if pa.types.is_date(self.type):
            return "date"
        if pa.types.is_timestamp(self.type):
            return "datetime"
        return "string"


S, I, F, B = pa.string(), pa.int64(), pa.float64(), pa.bool_()
D = pa.date32()

ROADMAP = [
    Column("item_id", S, "Content hash of source sha256, page, character span and text: stable across runs."),
    Column("mention_text", S, "The item exactly as extracted: page text[char_start:char_end]."),
    Column("text", S, "Cleaned text used for matching: bullet removed, wrapped lines joined."),
    Column("initiative_id", S, "Catalogue id of the matched initiative (empty when unmatched)."),
    Column("initiative_name", S, "Canonical name of the matched initiative."),
    Column("group_name", S, "Common service the item belongs to (from the table row or the catalogue)."),
    Column("match_status", S, "auto, pending, reviewed, unmatched or ignored."),
    Column("match_score", F, "Score of the best candidate, 0-1."),
    Column("candidates", S, "JSON list of the top 3 candidates: initiative_id, name, score, via."),
    Column("match_explanation", S, "Why the matcher decided as it did."),
    Column("region", S, "Helse Nord, Helse Vest, Helse Sør-Øst, Helse Midt-Norge, Nasjonal or empty."),
    Column("regions", S, "All regions the item names, separated by '; ' (codes such as (HSØ, HN))."),
    Column("region_source", S, "Where the region came from: grid, code, table or page-title."),
    Column("period", S, "Period label: 2023-2024, 2025-2026, 2027→, Lenger sikt, ..."),
    Column("period_start", I, "First year of the period (empty when open)."),
    Column("period_end", I, "Last year of the period (empty when open-ended)."),
    Column("status", S, "Normalized status: i drift, under revurdering, planlagt, levert, ..."),
    Column("due_date", D, "Delivery date stated for the item."),
    Column("document_date", D, "The document's date (meeting date, else 'Sist oppdatert')."),
    Column("source_path", S, "Path of the source document as given to veikart ingest."),
    Column("source_sha256", S, "SHA-256 of the source document's bytes."),
    Column("source_format", S, "pptx, pdf, html or text."),
    Column("page", I, "1-based page number (slide number for PPTX)."),
    Column("bbox_x0", F, "Left edge of the item's box, points from the page's left edge."),
    Column("bbox_y0", F, "Top edge of the item's box, points from the page's top edge."),
    Column("bbox_x1", F, "Right edge of the item's box, points."),
    Column("bbox_y1", F, "Bottom edge of the item's box, points."),
    Column("char_start", I, "Start offset of mention_text in pages.text of the same page."),
    Column("char_end", I, "End offset (exclusive) of mention_text in pages.text."),
    Column("shape_id", I, "PPTX shape id of the text box or table the item is in."),
    Column("block_kind", S, "textbox, table_cell, list, ocr_block, paragraph, ..."),
    Column("locator", S, "HTML only: path of the element the item came from."),
    Column("extractor", S, "Backend that read the document: pptx, pdf, pdf+ocr, html, text."),
    Column("ocr", B, "True when the item's page text came from OCR."),
    Column("run_id", S, "The ingest run that wrote this row (see runs)."),
]

DOCUMENTS = [
    Column("source_path", S, "Path of the document as given to veikart ingest."),
    Column("source_sha256", S, "SHA-256 of the document's bytes (empty when unreadable)."),
    Column("source_format", S, "pptx, pdf, html or text (empty when not recognized)."),
    Column("size_bytes", I, "File size."),
    Column("status", S, "ok or failed."),
    Column("error", S, "One-line reason when failed."),
    Column("page_count", I, "Pages or slides."),
    Column("ocr_pages", I, "Pages whose text came from OCR."),
    Column("items", I, "Roadmap rows from this document."),
    Column("document_date", D, "Meeting date, else 'Sist oppdatert' date, else a date in the file name."),
    Column("document_date_source", S, "meeting-date, sist-oppdatert or file-name."),
    Column("title", S, "Title from the document's metadata, if any."),
    Column("extractor", S, "Backend that read it."),
    Column("run_id", S, "The ingest run that wrote this row."),
]

PAGES = [
    Column("source_sha256", S, "Document the page belongs to."),
    Column("source_path", S, "Path of that document."),
    Column("page", I, "1-based page number."),
    Column("text", S, "The page text every char_start/char_end points into."),
    Column("text_source", S, "How the text was obtained: pptx, text-layer, ocr, html, text."),
    Column("ocr", B, "True when the text came from OCR."),
    Column("ocr_confidence", F, "Mean tesseract word confidence 0-100 (OCR pages only)."),
    Column("width", F, "Page width in points (empty for HTML and text)."),
    Column("height", F, "Page height in points."),
    Column("page_status", S, "A status stated for the page as a whole ('Ferdigstilt og levert: Nei')."),
    Column("run_id", S, "The ingest run that wrote this row."),
]

RUNS = [
    Column("run_id", S, "Id of the run: UTC start time and a short random suffix."),
    Column("started_at", S, "UTC start, ISO 8601."),
    Column("finished_at", S, "UTC end, ISO 8601."),
    Column("veikart_version", S, "veikart's version."),
    Column("pipeline_version", S, "Version of the extraction/normalization rules."),
    Column("catalogue_path", S, "Catalogue file used for matching."),
    Column("catalogue_sha256", S, "SHA-256 of that catalogue file."),
    Column("documents", I, "Documents seen."),
    Column("failed", I, "Documents that failed."),
    Column("items", I, "Roadmap rows written."),
]

TABLES: dict[str, list[Column]] = {
    "roadmap": ROADMAP, "documents": DOCUMENTS, "pages": PAGES, "runs": RUNS,
}
PRIMARY_KEYS = {"roadmap": ["item_id"], "documents": ["source_path"],
                "pages": ["source_sha256", "page"], "runs": ["run_id"]}


def arrow_schema(table: str) -> pa.Schema:
    return pa.schema([pa.field(c.name, c.type) for c in TABLES[table]])
