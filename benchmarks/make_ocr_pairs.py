"""Build the labelled OCR-damage set: clean Norwegian lines from the seed documents, rendered
to images and read back by tesseract with its English model (which produces exactly the
damage seen in real decks: ø→g/@/o, å→a/d, æ→z/e...). Writes benchmarks/data/ocr_pairs.tsv
(damaged, clean). The seeds are at ../shared/seeds/ (override with --seeds).

``--heldout`` builds a second set the repair rules were never tuned on: Norwegian Bokmål
messages from the machine's gettext catalogues (/usr/share/locale/nb*/LC_MESSAGES/*.mo: real
translated text from another domain), drawn in Liberation fonts, written to
benchmarks/data/ocr_pairs_heldout.tsv. ``--test`` draws the next lines of the same shuffled
messages into benchmarks/data/ocr_pairs_test.tsv: a set nobody looks into while changing the
rules, only measured.

Run: .venv/bin/python benchmarks/make_ocr_pairs.py [--limit N] [--heldout | --test]
"""

from __future__ import annotations

import argparse
import csv
import gettext
import random
import re
from pathlib import Path

import pytesseract
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
FONTS = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
         "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
         "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf"]
HELDOUT_FONTS = ["/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
                 "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
                 "/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Regular.ttf"]
OUT = ROOT / "benchmarks" / "data" / "ocr_pairs.tsv"
HELDOUT = ROOT / "benchmarks" / "data" / "ocr_pairs_heldout.tsv"
TEST = ROOT / "benchmarks" / "data" / "ocr_pairs_test.tsv"


def clean_lines(seeds: Path) -> list[str]:
    lines = []
    for path in sorted(seeds.glob("*.txt")):
        for raw in path.read_text("utf-8").splitlines():
            line = re.sub(r"<[^>]+>", " ", raw)
            line = re.sub(r"^[\s\-•✓*]+", "", line)
            line = " ".join(line.split())
            if 12 <= len(line) <= 70 and sum(c.isalpha() for c in line) > len(line) * 0.6 \
                    and "\t" not in raw and "http" not in line:
                lines.append(line)
    return list(dict.fromkeys(lines))


def locale_lines() -> list[str]:
    """Translated messages (Norwegian Bokmål) from the installed gettext catalogues: plain
    sentences only, no format codes, paths or option syntax."""
    lines = set()
    for path in sorted(Path("/usr/share/locale").glob("nb*/LC_MESSAGES/*.mo")):
        try:
            with path.open("rb") as fh:
                catalog = gettext.GNUTranslations(fh)._catalog
        except (OSError, ValueError):
            continue
        for text in catalog.values():
            for raw in text.splitlines() if isinstance(text, str) else []:
                line = " ".join(raw.split())
                if 12 <= len(line) <= 70 and not re.search(r"[%{}<>\\_$=/|*]|\.\.\.|--|^-", line) \
                        and sum(c.isalpha() for c in line) > len(line) * 0.7:
                    lines.add(line)
    return sorted(lines)


def render(line: str, font_path: str, size: int, rng: random.Random) -> Image.Image:
    font = ImageFont.truetype(font_path, size)
    w = int(font.getlength(line)) + 40
    img = Image.new("L", (w, size * 2), 255)
    ImageDraw.Draw(img).text((20, size // 3), line, font=font, fill=0)
    if rng.random() < 0.5:
        img = img.filter(ImageFilter.GaussianBlur(0.5))
    return img


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    parser.add_argument("--limit", type=int, default=600)
    parser.add_argument("--heldout", action="store_true",
                        help="gettext messages in Liberation fonts -> ocr_pairs_heldout.tsv")
    parser.add_argument("--test", action="store_true",
                        help="the next gettext messages -> ocr_pairs_test.tsv")
    args = parser.parse_args()
    other = args.heldout or args.test
    rng = random.Random(11 if other else 4)
    lines = locale_lines() if other else clean_lines(args.seeds)
    fonts, out = (HELDOUT_FONTS, TEST if args.test else HELDOUT) if other else (FONTS, OUT)
    rng.shuffle(lines)
    if args.test:
        lines = lines[args.limit:]
    rows = []
    for line in lines[: args.limit]:
        img = render(line, rng.choice(fonts), rng.choice([16, 18, 22]), rng)
        damaged = pytesseract.image_to_string(img, lang="eng", config="--psm 7").strip()
        damaged = " ".join(damaged.split())
        if damaged:
            rows.append((damaged, line))
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter="\t", lineterminator="\n")
        writer.writerow(["damaged", "clean"])
        writer.writerows(rows)
    changed = sum(d != c for d, c in rows)
    print(f"{len(rows)} pairs ({changed} damaged, {len(rows) - changed} read right) -> {out}")


if __name__ == "__main__":
    main()
