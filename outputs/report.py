"""The run report: ``report.html`` in the output folder (self-contained: no script, no
external files) and the same summary as Markdown for a Prefect artifact. It shows what the
run did, items by status, what changed since the previous document, and the current roadmap
as the slides draw it: regions down the side, periods across, initiatives coloured by status."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.compute as pc

from extractors.model import LOW_CONFIDENCE
from normalize.lexicon import REGIONS
from state.results import read_parquet
from veikart.files import atomic_write_text

STATUS_COLOURS = {"i drift": "#2e7d32", "levert": "#2e7d32", "under revurdering": "#ef6c00",
                  "planlagt": "#1565c0", "pågår": "#1565c0", "ikke levert": "#c62828",
                  "nasjonalt prosjekt": "#6a1b9a", None: "#546e7a"}


def _periods(latest: list[dict]) -> list[str]:
    seen = {(r["period_start"] or 9999, r["period"]) for r in latest if r["period"]}
    return [p for _, p in sorted(seen)]


@dataclass
class Facts:
    """What the report shows of the dataset, read from its Parquet files without holding a
    table in memory: the roadmap's size and its items by status as Arrow counts, and only the
    rows the report draws (the low-confidence pages, the latest statements, the changes)."""

    items: int = 0
    #: match status -> items, sorted by status.
    match_status: dict[str, int] = field(default_factory=dict)
    #: Pages read by OCR with a confidence under ``LOW_CONFIDENCE``.
    unsure_pages: list[dict] = field(default_factory=list)
    latest: list[dict] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)


#: The columns of each table the report reads.
_LATEST = ["initiative_id", "initiative_name", "region", "period", "period_start", "status",
           "document_date"]
_CHANGES = ["from_date", "to_date", "initiative_id", "initiative_name", "region", "change",
            "before", "after"]


def read_facts(out: Path) -> Facts:
    """The report's facts from the dataset in ``out`` (tables that are not there count as
    empty)."""
    out = Path(out)

    def table(name: str, columns: list[str]):
        path = out / f"{name}.parquet"
        return read_parquet(path, columns=columns) if path.exists() else None

    facts = Facts()
    roadmap = table("roadmap", ["match_status"])
    if roadmap is not None:
        facts.items = roadmap.num_rows
        counts = pc.value_counts(roadmap.column("match_status")).to_pylist()
        facts.match_status = dict(sorted((str(c["values"]), c["counts"]) for c in counts))
    pages = table("pages", ["source_path", "page", "ocr", "ocr_confidence"])
    if pages is not None:
        pages = pages.filter(pc.and_kleene(pc.equal(pages["ocr"], True),
                                           pc.less(pages["ocr_confidence"], LOW_CONFIDENCE)))
    facts.unsure_pages = pages.to_pylist() if pages is not None else []
    latest = table("roadmap_latest", _LATEST)
    facts.latest = latest.to_pylist() if latest is not None else []
    changes = table("roadmap_changes", _CHANGES)
    facts.changes = changes.to_pylist() if changes is not None else []
    return facts


def low_confidence_pages(pages: list[dict]) -> list[str]:
    """One line per page of ``pages`` whose OCR reads unsure (a mean word confidence under
    ``LOW_CONFIDENCE`` even after the page was turned upright): file, page and confidence.

    >>> low_confidence_pages([
    ...     {"source_path": "skann.pdf", "page": 2, "ocr": True, "ocr_confidence": 41.3},
    ...     {"source_path": "skann.pdf", "page": 1, "ocr": True, "ocr_confidence": 91.0}])
    ['skann.pdf: page 2: OCR confidence 41']
    """
    unsure = [p for p in pages if p["ocr"]
              and p["ocr_confidence"] is not None and p["ocr_confidence"] < LOW_CONFIDENCE]
    return [f"{p['source_path']}: page {p['page']}: OCR confidence {p['ocr_confidence']:.0f}"
            for p in sorted(unsure, key=lambda p: (p["source_path"], p["page"]))]


def markdown_summary(summary: dict, facts: Facts) -> str:
    docs = summary["documents"]
    lines = [f"# veikart run {summary['run_id']}", "",
             f"- processed: {len(docs)} documents ({sum(d['status'] == 'ok' for d in docs)} ok, "
             f"{sum(d['status'] == 'failed' for d in docs)} failed)",
             f"- skipped as unchanged: {len(summary['skipped'])}",
             f"- roadmap items in the dataset: {summary['items']}", "",
             "| match status | items |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in facts.match_status.items()]
    failed = [d for d in docs if d["status"] == "failed"]
    if failed:
        lines += ["", "## Failed", ""] + [f"- {d['error']}" for d in failed]
    if summary.get("not_read"):
        lines += ["", "## Not read", ""] + [f"- {n}" for n in summary["not_read"]]
    unsure = low_confidence_pages(facts.unsure_pages)
    if unsure:
        lines += ["", f"## Pages read with low OCR confidence (under {LOW_CONFIDENCE:.0f})",
                  ""] + [f"- {line}" for line in unsure]
    changes = _last_changes(facts.changes)
    if changes:
        lines += ["", f"## Changes {changes[0]['from_date']} → {changes[0]['to_date']}", "",
                  "| initiative | region | change | before | after |", "|---|---|---|---|---|"]
        lines += [f"| {c['initiative_name']} | {c['region'] or ''} | {c['change']} | "
                  f"{c['before'] or ''} | {c['after'] or ''} |" for c in changes]
    return "\n".join(lines) + "\n"


def _last_changes(changes: list[dict]) -> list[dict]:
    if not changes:
        return []
    last = max(c["to_date"] for c in changes)
    return [c for c in changes if c["to_date"] == last]


def _chip(name: str, status: str | None) -> str:
    colour = STATUS_COLOURS.get(status, STATUS_COLOURS[None])
    return (f'<span class="chip" style="background:{colour}" '
            f'title="{html.escape(status or "no status")}">{html.escape(name)}</span>')


def in_force(latest: list[dict], changes: list[dict]) -> list[dict]:
    """The latest statements a later document has not dropped: what the roadmap holds now
    (an initiative a later deck no longer shows for its region is in the changes only).

    >>> latest = [{"initiative_id": "a", "region": "Helse Vest", "document_date": "2023-04-20"}]
    >>> dropped = [{"initiative_id": "a", "region": "Helse Vest", "change": "dropped",
    ...             "to_date": "2023-09-14"}]
    >>> in_force(latest, dropped), len(in_force(latest, []))
    ([], 1)
    """
    gone = {}
    for c in changes:
        if c["change"] == "dropped":
            key = (c["initiative_id"], c["region"])
            gone[key] = max(gone.get(key, c["to_date"]), c["to_date"])
    return [r for r in latest if not ((r["initiative_id"], r["region"]) in gone
                                      and str(gone[(r["initiative_id"], r["region"])])
                                      > str(r["document_date"]))]


def _grid(latest: list[dict]) -> str:
    periods = _periods(latest)
    regions = [r for r in REGIONS if any(x["region"] == r for x in latest)]
    if not periods or not regions:
        return "<p>No initiative has a region and a period yet.</p>"
    head = "".join(f"<th>{html.escape(p)}</th>" for p in periods)
    body = []
    for region in regions:
        cells = []
        for period in periods:
            chips = [x for x in latest if x["region"] == region and x["period"] == period]
            cells.append("<td>" + "".join(
                _chip(x["initiative_name"], x["status"])
                for x in sorted(chips, key=lambda x: x["initiative_name"])) + "</td>")
        body.append(f"<tr><th class='region'>{html.escape(region.upper())}</th>"
                    + "".join(cells) + "</tr>")
    return (f"<table class='grid'><thead><tr><th></th>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>")


def render_html(summary: dict, facts: Facts) -> str:
    esc = html.escape
    docs = summary["documents"]
    doc_rows = "".join(
        f"<tr><td>{esc(d['path'])}</td><td>{esc(d['status'])}</td><td>{d['pages']}</td>"
        f"<td>{d['items']}</td><td>{esc(d['error'] or '')}</td></tr>" for d in docs)
    skipped = "".join(f"<li>{esc(p)}</li>" for p in summary["skipped"])
    not_read = "".join(f"<li>{esc(n)}</li>" for n in summary.get("not_read", []))
    unsure = "".join(f"<li>{esc(line)}</li>"
                     for line in low_confidence_pages(facts.unsure_pages))
    status = "".join(f"<tr><td>{esc(k)}</td><td>{v}</td></tr>"
                     for k, v in facts.match_status.items())
    changes = _last_changes(facts.changes)
    change_rows = "".join(
        f"<tr><td>{esc(c['initiative_name'] or '')}</td><td>{esc(c['region'] or '')}</td>"
        f"<td>{esc(c['change'])}</td><td>{esc(c['before'] or '')}</td>"
        f"<td>{esc(c['after'] or '')}</td></tr>" for c in changes)
    legend = "".join(_chip(name or "ingen status", name) for name in STATUS_COLOURS)
    since = (f"{changes[0]['from_date']} → {changes[0]['to_date']}" if changes else "")
    return f"""<!DOCTYPE html>
<html lang="nb"><head><meta charset="utf-8"><title>veikart run {esc(summary['run_id'])}</title>
<style>
body{{font-family:system-ui,sans-serif;margin:1.5rem;color:#1b1b1b}}
table{{border-collapse:collapse;margin:.5rem 0 1.5rem}}
td,th{{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}}
table.grid td{{width:22rem}} th.region{{background:#0b4f6c;color:#fff;white-space:nowrap}}
.chip{{display:inline-block;color:#fff;border-radius:.8rem;padding:.1rem .55rem;margin:.12rem;
font-size:.82rem}}
</style></head><body>
<h1>veikart run <span id="run-id">{esc(summary['run_id'])}</span></h1>
<p id="counts">{len(docs)} documents processed ({sum(d['status'] == 'ok' for d in docs)} ok,
{sum(d['status'] == 'failed' for d in docs)} failed), {len(summary['skipped'])} skipped as
unchanged, {summary['items']} roadmap items in the dataset.</p>
<h2>The roadmap now</h2>
<p>{legend}</p>
{_grid(in_force(facts.latest, facts.changes))}
<h2>What changed {esc(since)}</h2>
<table id="changes"><thead><tr><th>Initiative</th><th>Region</th><th>Change</th><th>Before</th>
<th>After</th></tr></thead><tbody>{change_rows or '<tr><td colspan="5">Nothing</td></tr>'}
</tbody></table>
<h2>Items by status</h2>
<table><tbody>{status}</tbody></table>
<h2>Documents in this run</h2>
<table id="documents"><thead><tr><th>Document</th><th>Status</th><th>Pages</th><th>Items</th>
<th>Reason</th></tr></thead><tbody>{doc_rows or '<tr><td colspan="5">None</td></tr>'}
</tbody></table>
<h2>Pages read with low OCR confidence</h2>
<p>Mean word confidence under {LOW_CONFIDENCE:.0f} even after the page was turned upright: check
their text and items by hand.</p>
<ul id="low-confidence">{unsure or '<li>None</li>'}</ul>
<h2>Skipped as unchanged</h2><ul>{skipped or '<li>None</li>'}</ul>
<h2>Not read</h2><ul id="not-read">{not_read or '<li>None</li>'}</ul>
</body></html>
"""


def write_report(out: Path, summary: dict, facts: Facts) -> Path:
    return atomic_write_text(Path(out) / "report.html", render_html(summary, facts))
