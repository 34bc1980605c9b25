"""Throughput, fixed cost and peak memory of ``veikart ingest`` next to plain parsers (#14).

Generates its corpus into a temporary folder from the sample specs (``scripts/sample_spec.py``
drawn by ``scripts/generate_samples.py``): distinct copies of the 4-page deck as a text PDF
and as a PPTX, of the project web page, scans of the deck (each copy scanned with its own
noise), one long deck and one long PDF made of the samples' slides. Every figure is measured
in a child process (``veikart ingest`` as a user runs it, each baseline in a process of its
own), with its wall time, CPU time and peak RSS (``os.wait4``'s resource usage of that child).

Rates are marginal, as issue #14 defines them: (time for N distinct copies - time for n) /
(N - n), so the fixed cost of a run (interpreter, imports, Prefect, publishing) cancels out and
is printed apart; N = 60, n = 10 (``--quick``: 10 and 3). The runs keep their Prefect
server for the next run as a user's runs do (``VEIKART_SERVER_IDLE``, default 300 s): the
first run in the benchmark's Prefect home starts it, the others report to it; it is stopped
when the benchmark ends. Each figure is the median of
``--repeats`` interleaved repeats (veikart, then each baseline, then again); the scans, the
long documents and the one-off rows are run once.

Baselines in veikart's environment: pdfplumber ``extract_words``, pypdfium2 text plus every
character's box, python-pptx reading every shape (groups and tables included), BeautifulSoup's
``get_text``. With ``make bench-baselines`` (``benchmarks/requirements-baselines.txt`` in
``benchmarks/.venv-baselines``, never in veikart's dependencies) also markitdown and
``ocrmypdf -l nor --oversample 300``; without it those rows say "not installed".

Run: .venv/bin/python benchmarks/bench_throughput.py [--quick] [--repeats N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE_PYTHON = ROOT / "benchmarks" / ".venv-baselines" / "bin" / "python"
MiB = 1024 * 1024


# ---------------------------------------------------------------- the baselines (child side)
def _pdf_pages(files: list[str]) -> int:
    return sum(_pdfium_count(f) for f in files)


def _pdfium_count(path: str) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    try:
        return len(pdf)
    finally:
        pdf.close()


def baseline_pdfplumber(files: list[str]) -> int:
    import pdfplumber

    pages = 0
    for f in files:
        with pdfplumber.open(f) as pdf:
            for page in pdf.pages:
                page.extract_words()
                page.close()
                pages += 1
    return pages


def baseline_pypdfium2(files: list[str]) -> int:
    """Each page's text and the box of each of its characters."""
    import pypdfium2 as pdfium

    pages = 0
    for f in files:
        pdf = pdfium.PdfDocument(f)
        for page in pdf:
            text = page.get_textpage()
            text.get_text_range()
            for i in range(text.count_chars()):
                text.get_charbox(i)
            text.close()
            page.close()
            pages += 1
        pdf.close()
    return pages


def baseline_python_pptx(files: list[str]) -> int:
    """Every shape of every slide: its box, and the text of text frames and table cells."""
    from pptx import Presentation
    from pptx.shapes.group import GroupShape

    def visit(shapes) -> None:
        for shape in shapes:
            if isinstance(shape, GroupShape):
                visit(shape.shapes)
                continue
            _ = (shape.left, shape.top, shape.width, shape.height)
            if shape.has_text_frame:
                _ = [p.text for p in shape.text_frame.paragraphs]
            if getattr(shape, "has_table", False):
                _ = [c.text for row in shape.table.rows for c in row.cells]

    slides = 0
    for f in files:
        for slide in Presentation(f).slides:
            visit(slide.shapes)
            slides += 1
    return slides


def baseline_bs4(files: list[str]) -> int:
    from bs4 import BeautifulSoup

    for f in files:
        BeautifulSoup(Path(f).read_bytes(), "lxml").get_text("\n")
    return len(files)


def baseline_markitdown(files: list[str]) -> int:
    from markitdown import MarkItDown

    md = MarkItDown()
    for f in files:
        md.convert(f)
    return _pdf_pages(files) if files[0].endswith(".pdf") else _units_pptx_html(files)


def _units_pptx_html(files: list[str]) -> int:
    if files[0].endswith(".pptx"):
        from pptx import Presentation

        return sum(len(Presentation(f).slides) for f in files)
    return len(files)


def baseline_ocrmypdf(files: list[str]) -> int:
    """``ocrmypdf -l nor --oversample 300`` on each file; the outputs beside the inputs, as
    ``NAME.ocrmypdf.pdf``."""
    import ocrmypdf

    for f in files:
        ocrmypdf.ocr(f, f + ".ocrmypdf.pdf", language=["nor"], oversample=300,
                     progress_bar=False, output_type="pdf")
    return _pdf_pages(files)


BASELINES = {"pdfplumber": baseline_pdfplumber, "pypdfium2": baseline_pypdfium2,
             "python-pptx": baseline_python_pptx, "bs4": baseline_bs4,
             "markitdown": baseline_markitdown, "ocrmypdf": baseline_ocrmypdf}
#: Baselines that run only in the optional environment.
OPTIONAL = ("markitdown", "ocrmypdf")


# ---------------------------------------------------------------- measuring a child
@dataclass
class Measure:
    wall: float
    cpu: float
    rss_mib: float
    units: int = 0


def launch(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, float,
                                                                       int, str]:
    """Run ``cmd`` to its end: wall time, CPU time (user + system, its waited-for children
    included), peak RSS in MiB (``os.wait4``'s resource usage of that one child), exit code
    and the end of its output."""
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        output = log.read().decode("utf-8", "replace")
    return (wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode,
            output[-3000:])


def launcher() -> None:
    """Serve :func:`launch` over stdin/stdout, one JSON line per command. A forked child's
    peak RSS starts at its parent's RSS at the fork (Linux copies the high-water mark, and
    exec keeps it): started while the benchmark is still small, this process forks every
    measured child, so their peaks are their own."""
    for line in sys.stdin:
        request = json.loads(line)
        print(json.dumps(launch(request["cmd"], request["env"])), flush=True)


class Launcher:
    """The benchmark's side of :func:`launcher`."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()),
                                      "--launcher"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)

    def run(self, cmd: list[str], env: dict[str, str]) -> Measure:
        self.proc.stdin.write(json.dumps({"cmd": cmd, "env": env}) + "\n")
        self.proc.stdin.flush()
        wall, cpu, rss, code, output = json.loads(self.proc.stdout.readline())
        if code != 0:
            raise RuntimeError(f"{' '.join(cmd[:6])} ... exited {code}:\n{output}")
        units = 0
        for out_line in output.splitlines():
            if out_line.startswith("units "):
                units = int(out_line.split()[1])
        return Measure(wall, cpu, rss, units)

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait()


class Runner:
    """Runs veikart and the baselines as children, with one Prefect home for the benchmark."""

    def __init__(self, work: Path, launcher: Launcher) -> None:
        self.work = work
        self.launcher = launcher
        self.env = {**os.environ, "PREFECT_HOME": str(work / "prefect"),
                    "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
        self.env.pop("VEIKART_STATE", None)
        self.runs = 0

    def veikart(self, inputs: list[Path], out: Path | None = None) -> Measure:
        """``veikart ingest INPUTS --out OUT`` (a fresh output folder unless ``out``)."""
        if out is None:
            self.runs += 1
            out = self.work / "out" / f"run{self.runs:03d}"
        return self.launcher.run([sys.executable, "-m", "veikart", "ingest",
                                  *map(str, inputs), "--out", str(out)], self.env)

    def help(self) -> Measure:
        return self.launcher.run([sys.executable, "-m", "veikart", "--help"], self.env)

    @staticmethod
    def available(name: str) -> bool:
        return name not in OPTIONAL or BASELINE_PYTHON.exists()

    def baseline(self, name: str, files: list[Path]) -> Measure | None:
        if not self.available(name):
            return None
        python = str(BASELINE_PYTHON) if name in OPTIONAL else sys.executable
        env = {**self.env, "PATH": f"{BASELINE_PYTHON.parent}:{self.env.get('PATH', '')}"}
        return self.launcher.run([python, str(Path(__file__).resolve()), "--baseline", name,
                                  *map(str, files)], env)


# ---------------------------------------------------------------- the corpus
def _scripts():
    sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]
    import generate_samples
    import sample_spec

    return generate_samples, sample_spec


def _pdf_copy(src: Path, target: Path, i: int) -> None:
    target.write_bytes(src.read_bytes() + f"\n% copy {i}\n".encode())


def _pptx_copy(src: Path, target: Path, i: int) -> None:
    from pptx import Presentation

    prs = Presentation(str(src))
    prs.core_properties.comments = f"copy {i}"
    prs.save(str(target))


def _html_copy(src: Path, target: Path, i: int) -> None:
    target.write_text(src.read_text("utf-8") + f"\n<!-- copy {i} -->\n", "utf-8")


COPY = {".pdf": _pdf_copy, ".pptx": _pptx_copy, ".html": _html_copy}


@dataclass
class Corpus:
    folder: Path
    deck_pdf: Path
    deck_pptx: Path
    page_html: Path
    scans: list[Path]
    #: The items of the scanned slides' grid, as the spec writes them.
    scan_items: list[str]
    long_pptx: Path
    long_pdf: Path

    def copies(self, src: Path, n: int, name: str) -> Path:
        """A folder of ``n`` distinct copies of ``src`` (the same content, other bytes)."""
        folder = self.folder / f"{name}-{n}"
        if not folder.exists():
            folder.mkdir()
            for i in range(n):
                COPY[src.suffix](src, folder / f"{i:03d}_{src.name}", i)
        return folder


def make_corpus(folder: Path, scans: int, long_slides: int, long_pages: int) -> Corpus:
    gs, spec = _scripts()
    folder.mkdir(parents=True, exist_ok=True)
    deck = spec.mote39_deck()
    deck_pdf, deck_pptx = folder / f"{deck.name}.pdf", folder / f"{deck.name}.pptx"
    gs.write_deck_pdf(deck, deck_pdf)
    gs.write_pptx(deck, deck_pptx)
    page_html = folder / "prosjektside.html"
    page_html.write_text(gs.HTML_PAGE, encoding="utf-8")
    scan_dir = folder / "scans"
    scan_dir.mkdir()
    scanned = [1, 3]  # the title slide and the grid, as samples/ has them
    scan_files = []
    for i in range(scans):  # each copy its own scan: other noise, other tilt
        path = scan_dir / f"{i:03d}_{deck.name}_skannet.pdf"
        gs.write_scan(deck_pdf, path, pages=scanned, seed=1000 + i)
        scan_files.append(path)
    items = [text for number in scanned for box in deck.slides[number - 1].boxes
             if box.bullets for text in box.paragraphs]
    slides = deck.slides + spec.dist_deck().slides
    long_deck = spec.Deck(f"lang_{deck.name}", deck.title,
                          [slides[i % len(slides)] for i in range(long_slides)])
    long_pptx = folder / f"lang_{long_slides}_lysbilder_2023-04-20.pptx"
    gs.write_pptx(long_deck, long_pptx)
    long_doc = spec.Deck(long_deck.name, deck.title,
                         [slides[i % len(slides)] for i in range(long_pages)])
    long_pdf = folder / f"lang_{long_pages}_sider_2023-04-20.pdf"
    gs.write_deck_pdf(long_doc, long_pdf)
    return Corpus(folder, deck_pdf, deck_pptx, page_html, scan_files, items, long_pptx,
                  long_pdf)


# ---------------------------------------------------------------- recall of scanned items
def _fold(text: str) -> str:
    return " ".join(text.replace("\u00ad", "").split()).casefold()


def recall(items: list[str], page_texts: list[list[str]]) -> tuple[int, int]:
    """Items found (fuzzy, partial ratio >= 90) in the text of the pages of each document:
    (found, expected), summed over the documents."""
    from rapidfuzz import fuzz

    found = 0
    for pages in page_texts:
        text = _fold("\n".join(pages))
        found += sum(fuzz.partial_ratio(_fold(item), text) >= 90 for item in items)
    return found, len(items) * len(page_texts)


def veikart_page_texts(out: Path) -> list[list[str]]:
    import pyarrow.parquet as pq

    rows = pq.read_table(out / "pages.parquet", columns=["source_path", "text"]).to_pylist()
    by_doc: dict[str, list[str]] = {}
    for r in rows:
        by_doc.setdefault(r["source_path"], []).append(r["text"] or "")
    return list(by_doc.values())


def pdf_page_texts(files: list[Path]) -> list[list[str]]:
    import pypdfium2 as pdfium

    out = []
    for f in files:
        pdf = pdfium.PdfDocument(str(f))
        out.append([page.get_textpage().get_text_range() for page in pdf])
        pdf.close()
    return out


# ---------------------------------------------------------------- the table
@dataclass
class Row:
    work: str
    veikart: str
    baseline: str
    ratio: str
    peak: str
    goal: str
    met: str = ""


def _rate(units: float, seconds: float) -> float:
    return units / seconds if seconds > 0 else float("inf")


def _per_s(rate: float, unit: str) -> str:
    """A rate as printed; infinite when the larger run was no slower than the smaller."""
    return f"{rate:.1f} {unit}/s" if rate != float("inf") else f"(below the noise) {unit}/s"


def _met(met: bool, *rates: float) -> str:
    """"yes" or "no"; "unsure" when a rate it rests on was lost in the noise (the larger run
    was no slower than the smaller: too few copies, as with --quick, or a busy machine)."""
    if any(r == float("inf") for r in rates):
        return "unsure (noise)"
    return "yes" if met else "no"


def marginal(small: list[Measure], large: list[Measure], n_small: int, n_large: int,
             per_copy: int) -> tuple[float, float, float]:
    """(units/s, CPU s per unit, fixed s per run) from the medians of the two sizes."""
    t_small = statistics.median(m.wall for m in small)
    t_large = statistics.median(m.wall for m in large)
    c_small = statistics.median(m.cpu for m in small)
    c_large = statistics.median(m.cpu for m in large)
    units = (n_large - n_small) * per_copy
    per_unit = max(t_large - t_small, 0.0) / units  # 0: lost in the noise (an infinite rate)
    fixed = t_small - per_unit * n_small * per_copy
    return _rate(1, per_unit), max(c_large - c_small, 0.0) / units, fixed


def _mib(*measures: Measure | None) -> str:
    return " / ".join(f"{m.rss_mib:.0f}" if m else "-" for m in measures)


def print_table(rows: list[Row], notes: list[str]) -> None:
    widths = [max(len(getattr(r, f)) for r in rows + [HEAD]) for f in FIELDS]
    for r in [HEAD] + rows:
        print("  ".join(getattr(r, f).ljust(w) for f, w in zip(FIELDS, widths, strict=True))
              .rstrip())
    for note in notes:
        print(note)


FIELDS = ("work", "veikart", "baseline", "ratio", "peak", "goal", "met")
HEAD = Row("work", "veikart", "baseline in the same run", "ratio", "peak MiB v / b", "goal",
           "met")


def rate_rows(name: str, unit: str, runner: Runner, corpus: Corpus, src: Path,
              per_copy: int, baselines: list[str], n_small: int, n_large: int, repeats: int,
              goal: float) -> tuple[list[Row], dict]:
    """A format's rows: veikart's marginal rate and fixed cost, then each baseline's rate and
    veikart's rate as a share of it."""
    folders = {n: corpus.copies(src, n, f"{src.suffix[1:]}") for n in (n_small, n_large)}
    files = {n: sorted(folders[n].iterdir()) for n in folders}
    v: dict[int, list[Measure]] = {n_small: [], n_large: []}
    b: dict[str, dict[int, list[Measure]]] = {x: {n_small: [], n_large: []} for x in baselines
                                              if runner.available(x)}
    outs = {}
    for _ in range(repeats):  # interleaved: veikart and every baseline, then again
        for n in (n_small, n_large):
            runner.runs += 1
            outs[n] = runner.work / "out" / f"{src.suffix[1:]}-{n}-{runner.runs:03d}"
            v[n].append(runner.veikart([folders[n]], outs[n]))
            for x in b:
                b[x][n].append(runner.baseline(x, files[n]))
    rate, cpu, fixed = marginal(v[n_small], v[n_large], n_small, n_large, per_copy)
    big = max(v[n_large], key=lambda m: m.rss_mib)
    per_core = _rate(1, cpu)
    one = unit.rstrip("s")
    rows = [Row(f"{name}, full ingest", f"{_per_s(rate, unit)} ({cpu * 1000:.0f} ms CPU/{one}, "
                f"{per_core:.0f}/s per core)", "", "", _mib(big), f">= {goal:g} {unit}/s per "
                "core", _met(per_core >= goal, rate, per_core)),
            Row(f"  {name}: fixed cost per run", f"{fixed:.1f} s", "", "", "", "")]
    for x, runs in b.items():
        b_rate, _, _ = marginal(runs[n_small], runs[n_large], n_small, n_large, per_copy)
        b_big = max(runs[n_large], key=lambda m: m.rss_mib)
        rows.append(Row(f"  {name} vs {x}", "", f"{x} {_per_s(b_rate, unit)}",
                        f"{rate / b_rate:.2f}x" if float("inf") not in (rate, b_rate) else "-",
                        _mib(big, b_big), ""))
    for x in baselines:
        if x not in b:
            rows.append(Row(f"  {name} vs {x}", "", f"{x}: not installed (make "
                            "bench-baselines)", "", "", ""))
    walls = [m.wall for m in v[n_large]]
    cores = statistics.median(m.cpu for m in v[n_large]) / statistics.median(walls)
    return rows, {"out_small": outs[n_small], "out_large": outs[n_large], "cores": cores,
                  "folders": folders, "rate": rate, "fixed": fixed}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true",
                    help="a smaller run: 10 and 3 copies, 1 repeat, 4 scans, a 400-slide deck "
                         "and a 100-page PDF")
    ap.add_argument("--repeats", type=int, help="interleaved repeats (default 3; --quick 1)")
    ap.add_argument("--keep", type=Path, help="work here instead of a temporary folder")
    ap.add_argument("--baseline", help=argparse.SUPPRESS)
    ap.add_argument("--launcher", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("files", nargs="*", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.baseline:  # a child: one baseline over the files
        print(f"units {BASELINES[args.baseline](args.files)}")
        return
    if args.launcher:
        launcher()
        return
    launch_ = Launcher()  # first, while this process is small (see launcher())
    try:
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            run_and_stop(args, args.keep, launch_)
        else:
            with tempfile.TemporaryDirectory(prefix="veikart-throughput-") as tmp:
                run_and_stop(args, Path(tmp), launch_)
    finally:
        launch_.close()


def run_and_stop(args, work: Path, launch_: Launcher) -> None:
    """:func:`run`, then the Prefect server its runs kept is stopped (its home is removed)."""
    try:
        run(args, work, launch_)
    finally:
        sys.path.insert(0, str(ROOT))
        from flows.server import stop_kept

        stop_kept(work / "prefect")


def run(args, work: Path, launch_: Launcher) -> None:
    quick = args.quick
    repeats = args.repeats or (1 if quick else 3)
    n_small, n_large = (3, 10) if quick else (10, 60)
    scans, long_slides, long_pages = (2, 400, 100) if quick else (20, 2000, 500)
    many = 30 if quick else 200
    started = time.perf_counter()
    corpus = make_corpus(work / "corpus", scans, long_slides, long_pages)
    print(f"corpus: {n_small} and {n_large} copies of a 4-page deck (PDF, PPTX) and of a web "
          f"page, {scans} scanned decks ({2 * scans} pages), a {long_slides}-slide deck, a "
          f"{long_pages}-page PDF; made in {time.perf_counter() - started:.0f} s; "
          f"{repeats} repeat(s)", flush=True)
    runner = Runner(work, launch_)
    runner.veikart([corpus.page_html])  # Prefect's first start in a new home, paid once
    rows: list[Row] = []
    notes: list[str] = []

    pdf_rows, pdf = rate_rows("text PDF", "pages", runner, corpus, corpus.deck_pdf, 4,
                              ["pdfplumber", "pypdfium2", "markitdown"], n_small, n_large,
                              repeats, 100)
    print("text PDF done", flush=True)
    pptx_rows, pptx = rate_rows("PPTX", "slides", runner, corpus, corpus.deck_pptx, 4,
                                ["python-pptx", "markitdown"], n_small, n_large, repeats, 100)
    print("PPTX done", flush=True)
    html_rows, html = rate_rows("HTML", "pages", runner, corpus, corpus.page_html, 1,
                             ["bs4", "markitdown"], n_small, n_large, repeats, 100)
    print("HTML done", flush=True)
    rows += pdf_rows + pptx_rows + html_rows

    # scans: veikart's whole run (its fixed cost included, and apart) and OCRmyPDF's
    v_scan = runner.veikart([corpus.scans[0].parent], work / "out" / "scans")
    found, expected = recall(corpus.scan_items, veikart_page_texts(work / "out" / "scans"))
    fixed = pdf["fixed"]
    o_scan = runner.baseline("ocrmypdf", corpus.scans)
    label = f"scanned PDF ({len(corpus.scans)} decks, {2 * len(corpus.scans)} pages)"
    v_text = (f"{v_scan.wall:.1f} s ({v_scan.wall - fixed:.1f} s without the fixed cost), "
              f"{found}/{expected} grid items in page text")
    if o_scan is None:
        rows.append(Row(label, v_text, "ocrmypdf: not installed (make bench-baselines)", "",
                        _mib(v_scan), "<= 1/2 of OCRmyPDF's time at >= its recall"))
    else:
        o_found, _ = recall(corpus.scan_items, pdf_page_texts(
            [Path(str(f) + ".ocrmypdf.pdf") for f in corpus.scans]))
        ratio = (v_scan.wall - fixed) / o_scan.wall
        rows.append(Row(label, v_text, f"ocrmypdf -l nor --oversample 300 {o_scan.wall:.1f} s, "
                        f"{o_found}/{expected}",
                        f"{ratio:.2f}x time ({v_scan.wall / o_scan.wall:.2f}x with the fixed cost)",
                        _mib(v_scan, o_scan),
                        "<= 1/2 of OCRmyPDF's time at >= its recall",
                        "yes" if ratio <= 0.5 and found >= o_found else "no"))
    print("scans done", flush=True)

    # unchanged re-runs and one new document, over few and many stored documents
    stored_many = work / "corpus" / f"stored-{many}"
    stored_many.mkdir()
    for i in range(many):
        src = corpus.deck_pptx if i % 2 else corpus.page_html
        COPY[src.suffix](src, stored_many / f"{i:03d}_{src.name}", i)
    out_many = work / "out" / f"stored-{many}"
    runner.veikart([stored_many], out_many)
    help_ = statistics.median(runner.help().wall for _ in range(3))
    small_store = (pptx["folders"][n_small], pptx["out_small"])
    noop = {}
    for label_n, (inbox, out) in ((n_small, small_store), (many, (stored_many, out_many))):
        noop[label_n] = statistics.median(runner.veikart([inbox], out).wall
                                          for _ in range(max(repeats, 3)))
    for n in (n_small, many):
        rows.append(Row(f"unchanged re-run, {n} stored docs", f"{noop[n]:.2f} s",
                        f"veikart --help {help_:.2f} s", f"{noop[n] / help_:.1f}x", "",
                        "<= 2 s, flat in stored docs", "yes" if noop[n] <= 2 else "no"))
    flat = noop[many] / noop[n_small]
    notes.append(f"unchanged re-run, {many} stored / {n_small} stored: {flat:.2f}")
    new = []
    for k in range(max(repeats, 3)):
        _html_copy(corpus.page_html, stored_many / f"new_{k}_{corpus.page_html.name}", 10_000 + k)
        new.append(runner.veikart([stored_many], out_many).wall)
    one_html = 1 / html["rate"]
    rows.append(Row(f"one new document among {many} stored", f"{statistics.median(new):.2f} s",
                    "", "", "", "<= 2 s + that document's own work",
                    "yes" if statistics.median(new) <= 2 + one_html else "no"))
    print("re-runs done", flush=True)

    # the long documents
    v_long = runner.veikart([corpus.long_pptx])
    b_long = runner.baseline("python-pptx", [corpus.long_pptx])
    rows.append(Row(f"{long_slides}-slide deck", f"{v_long.wall:.1f} s, {v_long.rss_mib:.0f} MiB",
                    f"python-pptx {b_long.wall:.1f} s, {b_long.rss_mib:.0f} MiB",
                    f"{v_long.wall / b_long.wall:.1f}x time", _mib(v_long, b_long),
                    "succeeds, <= 1 GiB peak", "yes" if v_long.rss_mib <= 1024 else "no"))
    print("long deck done", flush=True)
    v_pdf = runner.veikart([corpus.long_pdf])
    for x in ("pypdfium2", "pdfplumber"):
        b_pdf = runner.baseline(x, [corpus.long_pdf])
        rows.append(Row(f"{long_pages}-page text PDF" if x == "pypdfium2" else "",
                        f"{v_pdf.wall:.1f} s, {v_pdf.rss_mib:.0f} MiB" if x == "pypdfium2"
                        else "", f"{x} {b_pdf.wall:.1f} s, {b_pdf.rss_mib:.0f} MiB",
                        f"{v_pdf.wall / b_pdf.wall:.1f}x time", _mib(v_pdf, b_pdf),
                        "<= 1 GiB peak" if x == "pypdfium2" else "",
                        ("yes" if v_pdf.rss_mib <= 1024 else "no") if x == "pypdfium2" else ""))
    rows.append(Row("cores used (60-copy runs)" if not quick else "cores used (10-copy runs)",
                    f"CPU time = {pdf['cores']:.2f} x wall (text PDF), {pptx['cores']:.2f} x "
                    "(PPTX)", "", "", "", "both cores busy (2.0 x)",
                    "yes" if min(pdf["cores"], pptx["cores"]) >= 1.8 else "no"))
    print(f"\nbench_throughput: {os.cpu_count()} cores, {time.perf_counter() - started:.0f} s "
          "in all; rates are marginal, ratios are veikart's over the baseline's, peak RSS per "
          "process\n")
    print_table(rows, notes)
    (work / "table.json").write_text(json.dumps([r.__dict__ for r in rows], ensure_ascii=False,
                                                indent=1), "utf-8")


if __name__ == "__main__":
    main()
