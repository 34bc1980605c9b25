"""What an incremental run costs, in one process.

Default: builds an inbox of N documents (default 50) from the samples, each with different
bytes (a comment or metadata field changed), runs the ingest flow twice into a fresh output
folder and prints both times, their ratio, and whether every dataset table is byte-identical
apart from the runs table.

``--history 10 200``: for each size, N documents are ingested first; then an unchanged run
and a run with one new document are timed (median of ``--repeats``), and the ratios of the
largest size to the smallest are printed: a run's cost should follow what changed, not how
much is stored (the goal is at most 1.5).
Run: .venv/bin/python benchmarks/bench_incremental.py [--n 50] [--history 10 200]
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
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")

TABLES = ["roadmap", "mentions", "documents", "pages", "roadmap_latest", "roadmap_changes"]


def make_inbox(folder: Path, n: int, suffixes=(".pptx", ".pdf", ".html"), start: int = 0) -> None:
    from pptx import Presentation

    sources = sorted(p for p in (ROOT / "samples").iterdir()
                     if p.suffix in suffixes)
    for i in range(start, start + n):
        src = sources[i % len(sources)]
        target = folder / f"{i:03d}_{src.name}"
        if src.suffix == ".pptx":
            prs = Presentation(str(src))
            prs.core_properties.comments = f"copy {i}"
            prs.save(str(target))
        elif src.suffix == ".pdf":
            target.write_bytes(src.read_bytes() + f"\n% copy {i}\n".encode())
        else:
            target.write_text(src.read_text("utf-8") + f"\n<!-- copy {i} -->\n", "utf-8")


def _timed_run(inbox: Path, out: Path, read: int) -> float:
    """One run's time; it must have read exactly ``read`` documents."""
    from flows.ingest import ingest_flow

    start = time.perf_counter()
    summary = ingest_flow(inputs=[str(inbox)], out=str(out))
    took = time.perf_counter() - start
    assert len(summary["documents"]) == read, (len(summary["documents"]), read)
    return took


def history(sizes: list[int], repeats: int) -> None:
    """Unchanged and one-new-document runs over N stored documents, for each N."""
    import statistics

    from flows.ingest import ingest_flow

    fast = (".pptx", ".html")  # the stored documents' own work is not what is measured
    costs = {}
    with tempfile.TemporaryDirectory() as tmp:
        ingest_flow(inputs=[str(ROOT / "samples" / "prosjektside_digital_dialog.html")],
                    out=str(Path(tmp) / "warmup"))  # Prefect's start-up, paid once
        for n in sizes:
            inbox, out = Path(tmp) / f"inbox{n}", Path(tmp) / f"out{n}"
            inbox.mkdir()
            make_inbox(inbox, n, fast)
            ingest_flow(inputs=[str(inbox)], out=str(out))
            unchanged = [_timed_run(inbox, out, 0) for _ in range(repeats)]
            one_new = []
            for k in range(repeats):
                make_inbox(inbox, 1, (".html",), start=10_000 + k)
                one_new.append(_timed_run(inbox, out, 1))
            costs[n] = (statistics.median(unchanged), statistics.median(one_new))
            print(f"{n:5d} stored: unchanged run {costs[n][0]:6.2f} s, "
                  f"one new document {costs[n][1]:6.2f} s (it read 0 and 1 documents)")
    small, large = min(sizes), max(sizes)
    print(f"ratio {large}/{small} stored, unchanged run:    "
          f"{costs[large][0] / costs[small][0]:.2f} (goal <= 1.5)")
    print(f"ratio {large}/{small} stored, one new document: "
          f"{costs[large][1] / costs[small][1]:.2f} (goal <= 1.5)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=50)
    parser.add_argument("--history", type=int, nargs="+", metavar="N")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if args.history:
        history(args.history, args.repeats)
        return
    from flows.ingest import ingest_flow

    with tempfile.TemporaryDirectory() as tmp:
        inbox, out = Path(tmp) / "inbox", Path(tmp) / "out"
        inbox.mkdir()
        make_inbox(inbox, args.n)
        ingest_flow(inputs=[str(ROOT / "samples" / "prosjektside_digital_dialog.html")],
                    out=str(Path(tmp) / "warmup"))  # Prefect's start-up, paid once
        start = time.perf_counter()
        first = ingest_flow(inputs=[str(inbox)], out=str(out))
        t1 = time.perf_counter() - start
        before = {t: (out / f"{t}.parquet").read_bytes() for t in TABLES}
        start = time.perf_counter()
        second = ingest_flow(inputs=[str(inbox)], out=str(out))
        t2 = time.perf_counter() - start
        same = [t for t in TABLES if (out / f"{t}.parquet").read_bytes() == before[t]]
    print(f"inbox: {args.n} documents")
    print(f"first run:  {t1:7.2f} s ({len(first['documents'])} read)")
    print(f"second run: {t2:7.2f} s ({len(second['documents'])} read, "
          f"{len(second['skipped'])} unchanged)")
    print(f"ratio second/first: {t2 / t1:.3f}")
    print(f"byte-identical tables: {len(same)}/{len(TABLES)} ({', '.join(same)})")


if __name__ == "__main__":
    main()
