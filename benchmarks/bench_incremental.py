"""A second run over an unchanged inbox, against the first run, in one process.

Builds an inbox of N documents (default 50) from the samples, each with different bytes (a
comment or metadata field changed), runs the ingest flow twice into a fresh output folder and
prints both times, their ratio, and whether every dataset table is byte-identical apart from
the runs table.
Run: .venv/bin/python benchmarks/bench_incremental.py [--n 50]
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


def make_inbox(folder: Path, n: int) -> None:
    from pptx import Presentation

    sources = sorted(p for p in (ROOT / "samples").iterdir()
                     if p.suffix in (".pptx", ".pdf", ".html"))
    for i in range(n):
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=50)
    args = parser.parse_args()
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
