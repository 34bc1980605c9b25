"""Throughput of veikart ingest on samples/, next to plain pdfplumber on the same PDFs.

Everything runs in this one process, so the ratios compare like with like:
  1. baseline: pdfplumber ``extract_text`` on every sample PDF;
  2. veikart's stages without Prefect (extract + normalize) on the same PDFs, and on all samples;
  3. the Prefect flow end to end in embedded mode: the first run pays the server start, a
     second with --force reads everything again (extraction and OCR come from the cache),
     a third finds everything unchanged; a trivial flow's time is Prefect's own overhead.
Run: make bench  (or .venv/bin/python benchmarks/bench_ingest.py [--repeat N])
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


def timed(fn, repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3, help="best of N for the in-process runs")
    args = parser.parse_args()

    import pdfplumber

    from extractors import discover, extract
    from normalize import Matcher, load_catalogue, normalize_document

    samples = discover([ROOT / "samples"])
    pdfs = [p for p in samples if p.suffix == ".pdf"]
    text_pdfs = [p for p in pdfs if "skannet" not in p.name]
    matcher = Matcher(load_catalogue())

    def plumber(paths):
        pages = 0
        for p in paths:
            with pdfplumber.open(p) as pdf:
                for page in pdf.pages:
                    page.extract_text()
                    pages += 1
        return pages

    def veikart_stages(paths):
        pages = 0
        for p in paths:
            doc = extract(p)
            normalize_document(doc, matcher)
            pages += len(doc.pages)
        return pages

    plumber(text_pdfs), veikart_stages(text_pdfs[:1])  # warm-up: imports, font caches
    rows = []
    t_base, pages = timed(lambda: plumber(text_pdfs), args.repeat)
    rows.append(("pdfplumber extract_text, text PDFs", len(text_pdfs), pages, t_base))
    t_v, pages = timed(lambda: veikart_stages(text_pdfs), args.repeat)
    rows.append(("veikart extract+normalize, text PDFs", len(text_pdfs), pages, t_v))
    t_all_base, pages_all = timed(lambda: plumber(pdfs), args.repeat)
    rows.append(("pdfplumber extract_text, all PDFs (no OCR)", len(pdfs), pages_all, t_all_base))
    t_all, pages_all_v = timed(lambda: veikart_stages(pdfs), 1)
    rows.append(("veikart extract+normalize, all PDFs (OCR)", len(pdfs), pages_all_v, t_all))
    t_samples, pages_s = timed(lambda: veikart_stages(samples), 1)
    rows.append(("veikart extract+normalize, all samples", len(samples), pages_s, t_samples))

    from prefect import flow

    from flows.ingest import ingest_flow

    @flow
    def trivial() -> int:
        return 1

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        ingest_flow(inputs=[str(ROOT / "samples")], out=tmp)
        t_flow_first = time.perf_counter() - start
        start = time.perf_counter()
        ingest_flow(inputs=[str(ROOT / "samples")], out=tmp, force=True)
        t_flow = time.perf_counter() - start
        start = time.perf_counter()
        ingest_flow(inputs=[str(ROOT / "samples")], out=tmp)
        t_skip = time.perf_counter() - start
    t_trivial, _ = timed(lambda: trivial(), 3)
    rows.append(("veikart ingest flow (first run, new Prefect)", len(samples), pages_s,
                 t_flow_first))
    rows.append(("veikart ingest flow (second run, --force)", len(samples), pages_s, t_flow))
    rows.append(("veikart ingest flow (third run, unchanged)", len(samples), pages_s, t_skip))

    print(f"{'what':46} {'docs':>5} {'pages':>6} {'seconds':>8} {'docs/s':>8} {'pages/s':>8}")
    for name, docs, pages, secs in rows:
        print(f"{name:46} {docs:5d} {pages:6d} {secs:8.3f} {docs / secs:8.2f} {pages / secs:8.2f}")
    print()
    print(f"ratio veikart/pdfplumber on text PDFs (time):        {t_v / t_base:6.2f}x")
    print(f"ratio veikart with OCR/pdfplumber on all PDFs (time): {t_all / t_all_base:6.2f}x")
    print(f"Prefect overhead: a trivial flow takes {t_trivial:.2f} s; the first ingest flow "
          f"in a fresh process pays {t_flow_first - t_samples:.2f} s over the bare stages "
          f"(embedded server start); a forced re-run (cached extraction) takes {t_flow:.2f} s "
          f"and a run over unchanged documents {t_skip:.2f} s")


if __name__ == "__main__":
    main()
