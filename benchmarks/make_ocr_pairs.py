"""Build the labelled OCR-damage set: clean Norwegian lines from the seed documents, rendered
to images and read back by tesseract with its English model (which produces exactly the
damage seen in real decks: ø→g/@/o, å→a/d, æ→z/e...). Writes benchmarks/data/ocr_pairs.tsv
(damaged, clean). The seeds are at ../shared/seeds/ (override with --seeds).

Run: .venv/bin/python benchmarks/make_ocr_pairs.py [--limit N]
"""

from __future__ import annotations

import argparse
import csv
import random
import re
from pathlib import Path

import pytesseract
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
FONTS = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
         "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
         "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf"]
OUT = ROOT / "benchmarks" / "data" / "ocr_pairs.tsv"


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
    args = parser.parse_args()
    rng = random.Random(4)
    lines = clean_lines(args.seeds)
    rng.shuffle(lines)
    rows = []
    for line in lines[: args.limit]:
        img = render(line, rng.choice(FONTS), rng.choice([16, 18, 22]), rng)
        damaged = pytesseract.image_to_string(img, lang="eng", config="--psm 7").strip()
        damaged = " ".join(damaged.split())
        if damaged:
            rows.append((damaged, line))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter="\t", lineterminator="\n")
        writer.writerow(["damaged", "clean"])
        writer.writerows(rows)
    changed = sum(d != c for d, c in rows)
    print(f"{len(rows)} pairs ({changed} damaged, {len(rows) - changed} read right) -> {OUT}")


if __name__ == "__main__":
    main()
