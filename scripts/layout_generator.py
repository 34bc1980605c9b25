"""Generate varied roadmap slide decks with ground truth, to measure veikart's layout reader.

A deck is fully determined by ``(family, split, index)``: ``make_deck(family, split, index)``
returns a :class:`DeckSpec` (slides made of positioned shapes, groups and tables, in points on
a 960 x 540 or 720 x 540 slide) and one truth record per roadmap item drawn. ``write_pptx``
writes it with python-pptx, ``write_pdf`` exports PPTX files with LibreOffice and
``write_scan`` turns a PDF into an image-only "scanned" PDF.

Families: grid, region_per_slide, swimlanes, wide_columns, timeline, shape_per_item, table.
Splits: ``dev``, ``heldout`` and ``blind``. The catalogue's initiatives are split by a stable
hash of the id (about 60 % dev); ``heldout`` and ``blind`` decks both draw from the held-out
initiatives. Each split has its own wording pools (titles, footers, region spellings, notes,
near-miss decoys, fonts, colour palettes, period spellings). Seeds: dev 0..9999, held-out
100000 and up, blind 500000 and up.

The held-out pools have been seen while tuning the reader, so ``blind`` is the split that
stays unseen: its pools live in ``scripts/layout_pools_blind.py``, which whoever tunes the
reader must not read (nor blind decks, nor their misses; ``benchmarks/bench_layouts.py``
does not show them).

CLI::

    .venv/bin/python scripts/layout_generator.py --split dev --per-family 3 \\
        --formats pptx,pdf,scan --out DIR
    .venv/bin/python scripts/layout_generator.py --fixtures   # tests/data/layouts/

writes ``DIR/<family>/<split>-<index>.{pptx,pdf,scan.pdf,truth.json}``.
``--split``: dev, heldout, blind, both (dev and heldout) or all (the three).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import io
import json
import os
import random
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE_PATH = ROOT / "normalize" / "data" / "catalogue.yaml"
FIXTURE_DIR = ROOT / "tests" / "data" / "layouts"

FAMILIES = ("grid", "region_per_slide", "swimlanes", "wide_columns", "timeline",
            "shape_per_item", "table")
SPLITS = ("dev", "heldout", "blind")
REGIONS = ("Helse Nord", "Helse Vest", "Helse Sør-Øst", "Helse Midt-Norge")
STATUSES = ("i drift", "pågår", "planlagt", "under revurdering")
_RKEY = {"Helse Nord": "N", "Helse Vest": "V", "Helse Sør-Øst": "S", "Helse Midt-Norge": "M"}

# ---------------------------------------------------------------- wording pools, per split
# (the blind split's pools are in layout_pools_blind.py: not to be read by the reader's tuner)
POOLS: dict[str, dict] = {
    "dev": {
        "titles": ["Utvikling og etablering av tjenester på Helsenorge",
                   "Felles veikart for spesialisthelsetjenesten",
                   "Veikart digitale innbyggertjenester",
                   "Planlagte tjenester på Helsenorge per region"],
        "region_titles": ["{region} – veikart 2023–2027", "Veikart for {region}",
                          "{region}: utvikling av tjenester på Helsenorge"],
        "footers": ["Veikartet er dynamisk og vil oppdateres fortløpende. Sist oppdatert {date}",
                    "Sist oppdatert {date}", "Følsomhet Intern (gul)",
                    "Veikartet viser foretakenes planlagte utviklingsaktiviteter. "
                    "Sist oppdatert {date}"],
        "region_footers": ["{region} RHF – Sist oppdatert {date}", "Kilde: {region}"],
        "page_numbers": ["{n}", "Side {n}"],
        "region_labels": {
            "N": ["Helse Nord", "HELSE NORD", "Nord", "Helse\nNord", "HN"],
            "V": ["Helse Vest", "HELSE VEST", "Vest", "Helse\nVest", "HV"],
            "S": ["Helse Sør-Øst", "HELSE SØR-ØST", "Sør-Øst", "Helse\nSør-Øst", "HSØ"],
            "M": ["Helse Midt-Norge", "HELSE MIDT-NORGE", "Midt-Norge", "Helse\nMidt-Norge",
                  "HMN"],
        },
        "region_names": {"N": "Helse Nord", "V": "Helse Vest", "S": "Helse Sør-Øst",
                         "M": "Helse Midt-Norge"},
        "notes": ["Forklaring til veikartet: Veikartet viser foretakenes planlagte "
                  "utviklingsaktiviteter knyttet til Helsenorge og gjenspeiler "
                  "helseforetakenes egne veikart.",
                  "Forklaring til veikartet: Plassering angir når regionen planlegger å ta "
                  "tjenesten i bruk."],
        "item_notes": [" – nasjonalt prosjekt", " (NILAR)", " – Leveransedato: 30.04.2023",
                       " (Q3-Q4 2023)", "\nNasjonalt prosjekt"],
        "decoys": ["Timer 3.0", "Digital dialog med fastlege", "Innsyn 16-18 år",
                   "Pasientbrev via Altinn", "Innføring dokumentdeling steg 3",
                   "Smarte skjema", "Rekvisisjonsportal", "Digitale kurs for pårørende",
                   "Pasientens allergiliste", "Mine henvisninger for voksne"],
        "fonts": ["DejaVu Sans", "Liberation Sans", "Arial"],
        "text_palettes": [
            {"i drift": ("Grønn", "2E7D32"), "pågår": ("Oransje", "D96C00"),
             "planlagt": ("Grå", "808080"), "under revurdering": ("Rød", "C62828")},
            {"i drift": ("Grønn", "00A651"), "pågår": ("Blå", "1F5FBF"),
             "planlagt": ("Svart", "000000"), "under revurdering": ("Rød", "D32F2F")},
        ],
        "fill_palettes": [
            {"i drift": ("Grønn", "B9E3BC"), "pågår": ("Gul", "FFF176"),
             "planlagt": ("Grå", "DDDDDD"), "under revurdering": ("Rød", "F8B4B4")},
        ],
        "legend_styles": ["{colour}: {status}", "{colour} tekst – {status}", "square"],
        "fill_legend_styles": ["{colour}: {status}", "{colour} boks – {status}", "square"],
        "status_words": [" ({s})", " – {s}"],
        "period_spell": {"two": ["{a}-{b}", "{a} - {b}", "{a}-{b2}"], "one": ["{a}"],
                         "open": ["{a} →", "{a}+"], "long": ["Lenger sikt", "LENGER SIKT"]},
        "forums": ["Produktstyret for Helsenorge", "Samarbeidsforum DIST"],
        "meetings": ["Møte #39", "Møte #41", "Felles veikart for spesialisthelsetjenesten"],
        "agenda_title": "Dagsorden",
        "agenda": ["Godkjenning av referat og dagsorden (tilslutning)",
                   "Status oppfølgingssaker (orientering)",
                   "Statusgjennomgang Helsenorge (orientering)",
                   "Temasak: Spesialisthelsetjenestene og Helsenorge (drøfting)",
                   "Eventuelt"],
        "theme_rows": ["Innsynstjenester", "Dialogtjenester", "Samhandling"],
        "today": "I dag",
        # the kinds the roadmap issue lists: "Q1 2025", "K3 2025", "H2 2024", "1. halvår 2025"
        "axis": {"quarter": ["Q{q} {y}", "K{q} {y}", "{q}. kvartal {y}"],
                 "half": ["H{h} {y}", "{h}. halvår {y}"], "month": ["{m} {y}", "{M} {y}"]},
        "months": ["jan", "feb", "mar", "apr", "mai", "jun", "jul", "aug", "sep", "okt",
                   "nov", "des"],
        "lane_fills": ["EAF2F8", "F2F2F2", "EEF6EE", "FDF3E7"],
        "header_fills": ["1F6E8C", "2F5597", "00677F"],
        "table_headers": ("Periode", "Region"),
    },
    "heldout": {
        "titles": ["Regionale veikart – Helsenorge",
                   "Veikart pasienttjenester i spesialisthelsetjenesten",
                   "Oversikt over planlagte digitale tjenester",
                   "Tjenesteutvikling på Helsenorge – status per region"],
        "region_titles": ["{region}: planlagte tjenester", "Veikart – {region}",
                          "Tjenester på Helsenorge i {region}"],
        "footers": ["Oppdatert {date}", "Følsomhet: Intern",
                    "Versjon 0.9 – utkast. Sist oppdatert {date}",
                    "Kilde: regionale veikart per {date}"],
        "region_footers": ["Utarbeidet av {region} – {date}", "{region} RHF"],
        "page_numbers": ["{n}", "{n} av {total}"],
        "region_labels": {
            "N": ["Helse Nord RHF", "NORD", "Helse nord", "HELSE\nNORD"],
            "V": ["Helse Vest RHF", "VEST", "Helse vest", "HELSE\nVEST"],
            "S": ["Helse Sør-Øst RHF", "SØR-ØST", "Helse sør-øst", "HELSE\nSØR-ØST"],
            "M": ["Helse Midt-Norge RHF", "MIDT-NORGE", "Helse Midt", "HELSE\nMIDT-NORGE"],
        },
        "region_names": {"N": "Helse Nord RHF", "V": "Helse Vest RHF",
                         "S": "Helse Sør-Øst RHF", "M": "Helse Midt-Norge RHF"},
        "notes": ["Merk: Tidspunktene er veiledende og kan endres etter hvert som "
                  "regionene prioriterer.",
                  "Forklaring: Hver boks er en tjeneste regionen planlegger å innføre."],
        "item_notes": [" – Nasjonalt prosjekt ledet av NHN", " (DEIS)", " – Prod: Mai 2024",
                       " (Q1-Q2 2025)", "\nLeveransedato: 31.12.2023"],
        "decoys": ["Timer 2.5", "Digital dialog med fysioterapeut", "Innsyn 0-11 år",
                   "Radiologibrev for barn", "Dokumentdeling steg 4",
                   "Nasjonal skjematjeneste", "Pasientens vaksinesvar",
                   "Videokonsultasjon 2.0", "Samvalg for ungdom",
                   "Skjemabasert oppfølging i psykiatri"],
        "fonts": ["Liberation Serif", "DejaVu Sans Condensed", "Calibri"],
        "text_palettes": [
            {"i drift": ("Grønn", "388E3C"), "pågår": ("Lilla", "7B1FA2"),
             "planlagt": ("Grå", "9A9A9A"), "under revurdering": ("Rød", "B71C1C")},
            {"i drift": ("Grønn", "2E8B57"), "pågår": ("Blå", "1565C0"),
             "planlagt": ("Svart", "111111"), "under revurdering": ("Oransje", "E65100")},
        ],
        "fill_palettes": [
            {"i drift": ("Grønn", "A5D6A7"), "pågår": ("Gul", "FFE082"),
             "planlagt": ("Grå", "CFD8DC"), "under revurdering": ("Rød", "EF9A9A")},
        ],
        "legend_styles": ["{colour} = {status}", "Tekst i {colour_l}: {status}", "square"],
        "fill_legend_styles": ["{colour} = {status}", "{colour} felt: {status}", "square"],
        "status_words": [" ({S})", " - {s}"],
        "period_spell": {"two": ["{a}–{b2}", "{a} – {b}", "{a}–{b}"], "one": ["{a}"],
                         "open": ["{a} ->", "Fra {a}"], "long": ["Lengre sikt", "Lenger sikt"]},
        "forums": ["Fagråd for digitale innbyggertjenester", "Regionalt e-helseforum"],
        "meetings": ["Møte 3/2023", "Arbeidsmøte veikart", "Møte #42"],
        "agenda_title": "Agenda",
        "agenda": ["Velkommen og godkjenning av innkalling",
                   "Orienteringssaker fra regionene",
                   "Gjennomgang av felles veikart (drøfting)",
                   "Innspill fra brukerutvalgene", "Neste møte"],
        "theme_rows": ["Innsyn", "Dialog og kommunikasjon", "Skjema og selvbetjening"],
        "today": "Nå",
        "axis": {"quarter": "K{q} {y}", "half": "{h}. halvår {y}", "month": "{M} {y}"},
        "months": ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
                   "september", "oktober", "november", "desember"],
        "lane_fills": ["E8EEF7", "F5F0E6", "ECECEC", "E6F4F1"],
        "header_fills": ["003B5C", "5B2C6F", "24693D"],
        "table_headers": ("Tidsperiode", "Helseregion"),
    },
}
#: "Tekst i grønt": the colour word's neuter form
NEUTER = {"Grønn": "grønt", "Rød": "rødt", "Blå": "blått", "Grå": "grått", "Gul": "gult",
          "Svart": "svart", "Lilla": "lilla", "Oransje": "oransje"}


def _load_blind_pools():
    path = Path(__file__).with_name("layout_pools_blind.py")
    spec = importlib.util.spec_from_file_location("layout_pools_blind", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_BLIND = _load_blind_pools()
POOLS["blind"] = _BLIND.POOL
NEUTER.update(_BLIND.NEUTER)

MONTH_NAMES = ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
               "september", "oktober", "november", "desember"]

SCHEMES = [["2023-2024", "2025-2026", "Lenger sikt"], ["2023-2024", "2025-2026", "2027→"],
           ["2024", "2025", "2026", "2027→"], ["2023", "2024", "2025-2026", "Lenger sikt"],
           ["2025-2026", "2027-2028", "Lenger sikt"]]
#: Leading words a deck may leave out ("Støtte for digitalt skademeldingsskjema").
LEADING_VERBS = ("Utvikle ", "Innføre ", "Innføring av ", "Etablering ", "Utprøving ", "Vise ")
CHAR_W = {"Liberation Sans": 0.52, "Arial": 0.52, "Liberation Serif": 0.48,
          "DejaVu Sans Condensed": 0.52, "Calibri": 0.56, "DejaVu Sans": 0.58}


# ---------------------------------------------------------------- catalogue and splits
@dataclass(frozen=True)
class Initiative:
    id: str
    name: str
    aliases: tuple[str, ...]
    regions: tuple[str, ...]
    kind: str


def load_initiatives(path: Path = CATALOGUE_PATH) -> list[Initiative]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Initiative(d["id"], d["name"], tuple(d.get("aliases") or ()),
                       tuple(d.get("regions") or ()), d.get("kind", "project"))
            for d in data["initiatives"]]


def split_of(initiative_id: str) -> str:
    """'dev' or 'heldout', by a stable hash of the id (about 60 % dev)."""
    h = int.from_bytes(hashlib.sha256(initiative_id.encode()).digest()[:4], "big")
    return "dev" if h % 100 < 60 else "heldout"


_INITIATIVES: list[Initiative] | None = None


def initiatives(split: str | None = None) -> list[Initiative]:
    global _INITIATIVES
    if _INITIATIVES is None:
        _INITIATIVES = load_initiatives()
    return [i for i in _INITIATIVES if split is None or split_of(i.id) == split]


def deck_seed(family: str, split: str, index: int) -> int:
    if not 0 <= index < 1000:
        raise ValueError("index must be in 0..999")
    base = {"dev": 0, "heldout": 100000, "blind": 500000}[split]
    return base + FAMILIES.index(family) * 1000 + index


# ---------------------------------------------------------------- the deck as data
@dataclass
class Para:
    text: str  # "\n" is a manual line break (a:br)
    color: str | None = None
    bold: bool = False
    bullet: bool = False
    size: float | None = None


@dataclass
class Shape:
    kind: str  # textbox rect roundRect chevron homePlate rightArrow oval line
    x: float
    y: float
    w: float
    h: float
    paras: list[Para] = field(default_factory=list)
    fill: str | None = None
    line: str | None = None
    size: float = 9.0
    font: str = "DejaVu Sans"
    align: str = "l"  # l c r
    anchor: str = "t"  # t m b
    margin: float = 2.0
    dash: bool = False


@dataclass
class Group:
    children: list  # Shape | Group
    #: child coordinate space: chExt = ext * scale, chOff = offset (points)
    scale: tuple[float, float] = (1.0, 1.0)
    offset: tuple[float, float] | None = None


@dataclass
class Cell:
    paras: list[Para] = field(default_factory=list)
    fill: str | None = None
    bold: bool = False
    align: str = "l"


@dataclass
class TableSpec:
    x: float
    y: float
    col_widths: list[float]
    row_heights: list[float]
    cells: list[list[Cell]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    size: float = 9.0
    font: str = "DejaVu Sans"


@dataclass
class SlideSpec:
    kind: str  # title prose roadmap
    shapes: list = field(default_factory=list)  # Shape | Group | TableSpec


@dataclass
class DeckSpec:
    family: str
    split: str
    index: int
    seed: int
    width: float
    height: float
    title: str
    slides: list[SlideSpec]
    truth: list[dict]
    params: dict

    @property
    def name(self) -> str:
        return f"{self.split}-{self.index}"

    def truth_json(self) -> dict:
        return {"family": self.family, "split": self.split, "index": self.index,
                "seed": self.seed, "width": self.width, "height": self.height,
                "title": self.title, "roadmap_slides": sorted({t["slide"] for t in self.truth}),
                "params": self.params, "items": self.truth}


@dataclass
class ItemDraw:
    text: str  # as drawn, "\n" for a manual line break
    initiative_id: str | None
    status: str | None  # shown status
    status_by: str | None
    color: str | None = None  # text colour
    fill: str | None = None  # box fill


# ---------------------------------------------------------------- periods
def canonical_period(label: str) -> tuple[int | None, int | None]:
    if label == "Lenger sikt":
        return None, None
    if label.endswith("→"):
        return int(label[:-1]), None
    if "-" in label:
        a, b = label.split("-")
        return int(a), int(b)
    return int(label), int(label)


def period_label(start: int, end: int | None) -> str:
    if end is None:
        return f"{start}→"
    return str(start) if start == end else f"{start}-{end}"


# ---------------------------------------------------------------- generation context
class Ctx:
    def __init__(self, family: str, split: str, index: int):
        self.family, self.split, self.index = family, split, index
        self.seed = deck_seed(family, split, index)
        self.rng = random.Random(self.seed)
        self.pool = POOLS[split]
        rng = self.rng
        self.W, self.H = (720.0, 540.0) if rng.random() < 0.15 else (960.0, 540.0)
        self.font = rng.choice(self.pool["fonts"])
        self.size = rng.choice([7, 8, 8, 9, 9, 10, 11, 12])
        self.inits = initiatives("heldout" if split == "blind" else split)
        self.by_region = {r: [i for i in self.inits if r in i.regions] for r in REGIONS}
        shapes_family = family in ("swimlanes", "timeline", "shape_per_item")
        modes = (["text-colour", "fill-colour", "word", None] if shapes_family
                 else ["text-colour", "word", None, None])
        self.status_mode = rng.choice(modes)
        self.palette = (rng.choice(self.pool["fill_palettes"]) if self.status_mode == "fill-colour"
                        else rng.choice(self.pool["text_palettes"]))
        self.decoys_left = rng.randint(1, 3)
        self.decoy_pool = list(self.pool["decoys"])
        rng.shuffle(self.decoy_pool)
        d = rng.randint(1, 28)
        self.updated = f"{d:02d}.{rng.randint(1, 12):02d}.{rng.choice([2023, 2024])}"
        self.meeting_date = (f"{rng.randint(1, 28)}. {rng.choice(MONTH_NAMES)} "
                             f"{rng.choice([2023, 2024])}")
        self.truth: list[dict] = []
        self.first_roadmap = 2  # slide number of the first roadmap slide
        self.slide_used: set[str] = set()
        self.slide_texts: set[str] = set()
        self.params: dict = {"font": self.font, "size": self.size,
                             "status_mode": self.status_mode,
                             "slide_size": [self.W, self.H]}

    def pages(self, roadmap_slides: int) -> int:
        return self.first_roadmap - 1 + roadmap_slides

    # ------------------------------------------------------------ wording
    def jitter(self, v: float, amount: float = 3.0) -> float:
        return v + self.rng.uniform(-amount, amount)

    def spell_period(self, label: str) -> str:
        sp = self.pool["period_spell"]
        a, b = canonical_period(label)
        if label == "Lenger sikt":
            return self.rng.choice(sp["long"])
        if b is None:
            return self.rng.choice(sp["open"]).format(a=a)
        if a == b:
            return self.rng.choice(sp["one"]).format(a=a)
        return self.rng.choice(sp["two"]).format(a=a, b=b, b2=f"{b % 100:02d}")

    def region_label(self, region: str, allow_wrap: bool = True) -> str:
        opts = self.pool["region_labels"][_RKEY[region]]
        if not allow_wrap:
            opts = [o for o in opts if "\n" not in o]
        return self.rng.choice(opts)

    def wording(self, ini: Initiative) -> str:
        rng = self.rng
        text = rng.choice(ini.aliases) if ini.aliases and rng.random() < 0.3 else ini.name
        r = rng.random()
        if r < 0.12:
            for verb in LEADING_VERBS:
                rest = text[len(verb):]
                if text.startswith(verb) and len(rest.split()) >= 2:
                    text = rest[0].upper() + rest[1:]
                    break
        elif r < 0.22:
            if " – " in text:
                text = text.replace(" – ", rng.choice([" - ", " — ", "–"]), 1)
            elif " - " in text:
                text = text.replace(" - ", " – ", 1)
            elif " (" in text:
                text = text.replace(" (", "(", 1)
            elif "-" in text:
                text = text.replace("-", " – ", 1)
        if "12-16" in text and rng.random() < 0.5:
            text = text.replace("12-16", "12–16 år" if "år" not in text else "12–16")
        if rng.random() < 0.1:
            text += rng.choice(self.pool["item_notes"])
        return text

    def maybe_break(self, text: str, prob: float = 0.12) -> str:
        """Sometimes a manual line break in the middle of a long item (still one item)."""
        if "\n" in text or len(text) < 24 or self.rng.random() >= prob:
            return text
        words = text.split(" ")
        for i, w in enumerate(words):  # "Behandlings-⏎hjelpemidler"
            if "-" in w.strip("-") and len(w) > 8 and not any(c.isdigit() for c in w):
                head, tail = w.split("-", 1)
                words[i] = f"{head}-\n{tail}"
                return " ".join(words)
        cut = max(1, len(words) // 2)
        return " ".join(words[:cut]) + "\n" + " ".join(words[cut:])

    def status_word(self, status: str) -> str:
        tpl = self.rng.choice(self.pool["status_words"])
        return tpl.format(s=status, S=status[0].upper() + status[1:])

    # ------------------------------------------------------------ items
    def pick(self, region: str, n: int, *, allow_break: bool = True,
             allow_decoy: bool = True) -> list[ItemDraw]:
        rng, out = self.rng, []
        for _ in range(n):
            if allow_decoy and self.decoys_left and self.decoy_pool and rng.random() < 0.15:
                self.decoys_left -= 1
                text, iid = self.decoy_pool.pop(), None
            else:
                cands = [i for i in self.by_region[region] if i.id not in self.slide_used]
                if len(cands) < 2 or rng.random() < 0.15:
                    cands = [i for i in self.inits if i.id not in self.slide_used
                             and (not i.regions or "Nasjonal" in i.regions or i.kind == "group"
                                  or rng.random() < 0.3)] or cands
                if not cands:
                    continue
                ini = rng.choice(cands)
                self.slide_used.add(ini.id)
                text, iid = self.wording(ini), ini.id
            if text in self.slide_texts:
                continue
            self.slide_texts.add(text)
            out.append(self.decorate(text, iid, allow_break))
        return out

    def decorate(self, text: str, iid: str | None, allow_break: bool) -> ItemDraw:
        rng, mode = self.rng, self.status_mode
        status = rng.choice(STATUSES)
        if allow_break:
            text = self.maybe_break(text)
        if mode == "word":
            if rng.random() < 0.45:
                return ItemDraw(text + self.status_word(status), iid, status, "word")
            return ItemDraw(text, iid, None, None)
        if mode == "text-colour":
            return ItemDraw(text, iid, status, mode, color=self.palette[status][1])
        if mode == "fill-colour":
            return ItemDraw(text, iid, status, mode, fill=self.palette[status][1])
        return ItemDraw(text, iid, None, None)

    def record(self, slide: int, item: ItemDraw, region: str, period: str,
               start: int | None = None, end: int | None = None, explicit: bool = False) -> None:
        if not explicit:
            start, end = canonical_period(period)
        self.truth.append({
            "slide": slide, "drawn_text": item.text, "initiative_id": item.initiative_id,
            "region": region, "period": period, "period_start": start, "period_end": end,
            "status": item.status, "status_shown": item.status is not None,
            "status_by": item.status_by})

    def new_slide(self) -> None:
        self.slide_used, self.slide_texts = set(), set()

    # ------------------------------------------------------------ text metrics
    def lines(self, text: str, width: float, size: float) -> int:
        per = max(4, int(width / (size * CHAR_W.get(self.font, 0.56))))
        total = 0
        for seg in text.split("\n"):
            n, cur = 1, 0
            for word in seg.split():
                if cur and cur + 1 + len(word) > per:
                    n, cur = n + 1, len(word)
                else:
                    cur += (1 if cur else 0) + len(word)
                while cur > per:
                    n, cur = n + 1, cur - per
            total += n
        return total

    def text_h(self, texts: list[str], width: float, size: float, bullets: bool,
               margin: float = 2.0) -> float:
        inner = width - 2 * margin - (9 if bullets else 0)
        return (sum(self.lines(t, inner, size) * size * 1.2 + 2 for t in texts)
                + 2 * margin + 3)


# ---------------------------------------------------------------- common slide chrome
def text_shape(ctx: Ctx, x, y, w, h, text: str | list[Para], size=None, bold=False,
               kind="textbox", fill=None, color=None, align="l", anchor="t", line=None,
               margin=2.0) -> Shape:
    paras = text if isinstance(text, list) else [Para(text, color=color, bold=bold)]
    return Shape(kind, x, y, w, h, paras, fill=fill, line=line, size=size or ctx.size,
                 font=ctx.font, align=align, anchor=anchor, margin=margin)


def title_slide(ctx: Ctx) -> SlideSpec:
    rng = ctx.rng
    forum, meeting = rng.choice(ctx.pool["forums"]), rng.choice(ctx.pool["meetings"])
    ctx.params["forum"], ctx.params["meeting"] = forum, meeting
    ctx.params["date"] = ctx.meeting_date
    w = ctx.W - 160
    return SlideSpec("title", [
        text_shape(ctx, 80, 170, w, 60, forum, size=30, bold=True),
        text_shape(ctx, 80, 250, w, 70, [Para(meeting, size=20), Para(ctx.meeting_date,
                                                                          size=18)], size=20),
    ])


def prose_slide(ctx: Ctx, n: int) -> SlideSpec:
    items = [Para(f"{i + 1}. {t}", size=14) for i, t in enumerate(ctx.pool["agenda"])]
    return SlideSpec("prose", [
        text_shape(ctx, 40, 30, ctx.W - 80, 40, ctx.pool["agenda_title"], size=24, bold=True),
        text_shape(ctx, 40, 90, ctx.W - 80, 300, items, size=14),
        text_shape(ctx, ctx.W - 80, ctx.H - 24, 60, 14, str(n), size=8, align="r"),
    ])


@dataclass
class Area:
    x0: float
    y0: float
    x1: float
    y1: float


def chrome(ctx: Ctx, slide: SlideSpec, n: int, total: int, title: str,
           region: str | None = None, region_where: str | None = None) -> Area:
    """Title, footer, page number, legend, note; returns the area left for the roadmap."""
    rng, W, H = ctx.rng, ctx.W, ctx.H
    s = slide.shapes
    s.append(text_shape(ctx, 20, ctx.jitter(14, 2), W - 40 - (130 if region_where == "logo"
                                                               else 0), 32, title,
                        size=rng.choice([18, 20, 22]), bold=True))
    area = Area(20, 58, W - 20, H - 30)
    footer = rng.choice(ctx.pool["footers"]).format(date=ctx.updated)
    if region and region_where == "footer":
        footer = rng.choice(ctx.pool["region_footers"]).format(
            region=ctx.pool["region_names"][_RKEY[region]].removesuffix(" RHF"),
            date=ctx.updated)
    s.append(text_shape(ctx, 20, H - 22, W * 0.7, 14, footer, size=7))
    s.append(text_shape(ctx, W - 90, H - 22, 70, 14, rng.choice(ctx.pool["page_numbers"])
                        .format(n=n, total=total), size=7, align="r"))
    if region and region_where == "logo":
        label = ctx.region_label(region, allow_wrap=False).upper()
        s.append(text_shape(ctx, W - 150, 12, 130, 30, label, size=10, bold=True, kind="rect",
                            fill=rng.choice(ctx.pool["header_fills"]), color="FFFFFF",
                            align="c", anchor="m"))
    if rng.random() < 0.3:
        note = rng.choice(ctx.pool["notes"])
        s.append(text_shape(ctx, 20, 48, W - 40, 22, note, size=7,
                            kind="rect" if rng.random() < 0.5 else "textbox",
                            fill="F7F7F7", line="BFBFBF"))
        area.y0 = 74
        ctx.params.setdefault("decoys", []).append("note")
    if ctx.status_mode in ("text-colour", "fill-colour"):
        where = rng.choice(["bottom", "right"])
        legend_shapes(ctx, s, area, where)
    return area


def legend_shapes(ctx: Ctx, s: list, area: Area, where: str) -> None:
    rng = ctx.rng
    styles = ctx.pool["fill_legend_styles" if ctx.status_mode == "fill-colour"
                      else "legend_styles"]
    style = rng.choice(styles)
    ctx.params["legend"] = {"style": style, "where": where,
                            "palette": {k: list(v) for k, v in ctx.palette.items()}}
    entries = list(STATUSES)
    if where == "bottom":
        y = ctx.H - 44
        x, step = 20.0, (ctx.W - 40) / 4
        area.y1 = ctx.H - 48
    else:
        x, y, step = ctx.W - 128, area.y0 + 10, 26.0
        area.x1 = ctx.W - 136
    for i, status in enumerate(entries):
        colour, hexv = ctx.palette[status]
        ex, ey = (x + i * step, y) if where == "bottom" else (x, y + i * step)
        if style == "square":
            s.append(Shape("rect", ex, ey + 2, 9, 9, fill=hexv, line="7F7F7F"))
            s.append(text_shape(ctx, ex + 12, ey, 100, 14, status[0].upper() + status[1:],
                                size=8))
            continue
        text = style.format(colour=colour, colour_l=NEUTER.get(colour, colour.lower()),
                            status=status)
        if ctx.status_mode == "fill-colour":
            s.append(text_shape(ctx, ex, ey, 110, 16, text, size=8, kind="rect", fill=hexv))
        else:
            s.append(text_shape(ctx, ex, ey, 120, 14, text, size=8, color=hexv))


def group_of(ctx: Ctx, children: list, nest: int = 1) -> Group:
    """Children in a group (nested ``nest`` deep), each level with a scaled, offset child
    coordinate space."""
    rng = ctx.rng
    g = Group(children, (rng.choice([0.5, 1.5, 2.0, 3.0]), rng.choice([0.5, 1.5, 2.0, 3.0])),
              (rng.uniform(-200, 400), rng.uniform(-200, 400)))
    for _ in range(nest - 1):
        g = Group([g], (rng.choice([0.75, 2.0]), rng.choice([0.75, 2.0])),
                  (rng.uniform(0, 300), rng.uniform(0, 300)))
    return g


# ---------------------------------------------------------------- family: grid-like layouts
@dataclass
class Col:
    label: str | None
    period: str | None = None
    region: str | None = None
    span: int = 1


@dataclass
class Row:
    label: str | None
    period: str | None = None
    region: str | None = None


def build_grid(ctx: Ctx, slide: SlideSpec, n: int, area: Area, cols: list[Col],
               rows: list[Row], *, region: str | None = None, header_style: str = "text",
               header_align: str = "c", item_mode: str = "bullets", box_dx: float = 0.0,
               label_logo: bool = False, group_headers: bool = False,
               group_labels: bool = False, nest_items: int = 0, split_prob: float = 0.15,
               label_w: float | None = None, per_cell: tuple[int, int] = (1, 4),
               narrow_header: bool = False) -> None:
    rng, size = ctx.rng, ctx.size
    has_labels = any(r.label for r in rows)
    lw = label_w if label_w is not None else (rng.uniform(90, 125) if has_labels else 0)
    gap = rng.uniform(8, 16)
    hh = rng.uniform(18, 26)
    x_start = area.x0 + lw + (gap if lw else 0)
    n_boxes = sum(c.span for c in cols)
    box_w = (area.x1 - x_start - gap * (n_boxes - 1)) / n_boxes
    box_x = [x_start + i * (box_w + gap) for i in range(n_boxes)]
    # ---- content: cells[(row, box)] -> list of parts (a part is one text box / stack)
    content: dict[tuple[int, int], list[list[ItemDraw]]] = {}
    meta: dict[tuple[int, int], tuple[str, str]] = {}
    bi = 0
    for col in cols:
        for _sub in range(col.span):
            for ri, row in enumerate(rows):
                reg = row.region or col.region or region
                per = col.period or row.period
                meta[(ri, bi)] = (reg, per)
                k = 0 if rng.random() < 0.08 else rng.randint(*per_cell)
                items = ctx.pick(reg, k)
                if (item_mode == "bullets" and len(items) >= 4 and col.span == 1
                        and rng.random() < split_prob):
                    half = (len(items) + 1) // 2
                    content[(ri, bi)] = [items[:half], items[half:]]
                else:
                    content[(ri, bi)] = [items]
            bi += 1
    part_w = {}
    for key, parts in content.items():
        part_w[key] = (box_w - box_dx - (len(parts) - 1) * 4) / len(parts)

    def needed(key, sz):
        parts = content[key]
        if item_mode == "bullets":
            return max((ctx.text_h([i.text for i in p], part_w[key], sz, True) for p in parts
                        if p), default=0)
        return sum(item_h(i, part_w[key] - 4, sz) + 5 for p in parts for i in p)

    def item_h(item, w, sz):
        return ctx.text_h([item.text], w, sz, False, margin=3) + 2

    avail = area.y1 - (area.y0 + hh + 6)
    while True:
        heights = [max([needed((ri, b), size) for b in range(n_boxes)] + [26])
                   for ri in range(len(rows))]
        total = sum(heights) + 6 * (len(rows) - 1)
        if total <= avail:
            break
        if size > 7:
            size -= 1
            continue
        ri = max(range(len(rows)), key=lambda r: heights[r])
        b = max(range(n_boxes), key=lambda b: needed((ri, b), size))
        parts = content[(ri, b)]
        biggest = max(parts, key=len)
        if not biggest:
            break
        biggest.pop()
    ctx.params["size_used"] = size
    extra = (avail - total) / max(1, len(rows))
    base = list(heights)
    if rng.random() < 0.5:
        heights = [h + extra * rng.uniform(0.3, 1.0) for h in heights]
    # ---- headers
    headers = []
    top = area.y0
    bi = 0
    fill = rng.choice(ctx.pool["header_fills"])
    if header_style == "band":
        headers.append(Shape("rightArrow", x_start - 4, top - 2, area.x1 - x_start + 8,
                             hh + 4, fill=fill))
    for ci, col in enumerate(cols):
        w = col.span * box_w + (col.span - 1) * gap
        x = box_x[bi]
        bi += col.span
        if not col.label:
            continue
        if narrow_header:
            w = min(w, max(50, len(col.label) * size * 0.75 + 12))
        kind, fcol, tcol = "textbox", None, None
        if header_style == "rect":
            kind, fcol, tcol = "rect", fill, "FFFFFF"
        elif header_style == "chevron":
            kind = "homePlate" if ci == 0 else "chevron"
            fcol, tcol = fill, "FFFFFF"
        elif header_style == "band":
            tcol = "FFFFFF"
        headers.append(text_shape(ctx, ctx.jitter(x, 1.5), ctx.jitter(top, 1.5), w, hh,
                                  col.label, size=min(12, size + 2), bold=True, kind=kind,
                                  fill=fcol, color=tcol, align=header_align, anchor="m"))
    if headers and group_headers:
        slide.shapes.append(group_of(ctx, headers, rng.choice([1, 2])))
    else:
        slide.shapes.extend(headers)
    # ---- rows
    y = top + hh + 6
    label_groups = []
    for ri, row in enumerate(rows):
        h = heights[ri]
        if row.label:
            lab = []
            lx = area.x0
            anchor = rng.choice(["t", "m"])
            # a centred label is centred on the row's content, not on empty space below it
            lh = 30 if anchor == "t" else min(h, base[ri] + 12)
            if label_logo:
                lab.append(Shape(rng.choice(["oval", "rect"]), lx,
                                 y + 3 if anchor == "t" else y + lh / 2 - 7, 14, 14,
                                 fill=rng.choice(ctx.pool["header_fills"])))
                lx += 18
            lab.append(text_shape(ctx, ctx.jitter(lx, 1), y,
                                  area.x0 + lw - lx, lh, row.label,
                                  size=min(12, size + 1), bold=True, anchor=anchor))
            if label_logo or group_labels:
                label_groups.append(group_of(ctx, lab) if label_logo else lab[0])
            else:
                slide.shapes.extend(lab)
        row_shapes = []
        for b in range(n_boxes):
            reg, per = meta[(ri, b)]
            parts = content[(ri, b)]
            pw = part_w[(ri, b)]
            for pi, part in enumerate(parts):
                if not part:
                    continue
                px = ctx.jitter(box_x[b] + box_dx + pi * (pw + 4), 2)
                py = ctx.jitter(y, 2)
                if item_mode == "bullets":
                    paras = [Para(i.text, color=i.color, bullet=True) for i in part]
                    row_shapes.append(Shape("textbox", px, py, pw, h, paras, size=size,
                                            font=ctx.font))
                    for i in part:
                        ctx.record(n, i, reg, per)
                    continue
                cell_shapes, iy = [], py
                kind = rng.choice(["rect", "roundRect", "homePlate"])
                for i in part:
                    ih = item_h(i, pw - 4, size)
                    fillc = i.fill or rng.choice(["FFFFFF", "F2F2F2", "DEEBF7"])
                    cell_shapes.append(text_shape(
                        ctx, px + 2, iy, pw - (8 if kind == "homePlate" else 4), ih,
                        [Para(i.text, color=i.color or "000000")], size=size, kind=kind,
                        fill=fillc, line="7F7F7F", anchor="m", margin=3,
                        align=rng.choice(["l", "c"])))
                    ctx.record(n, i, reg, per)
                    iy += ih + 5
                row_shapes.append(group_of(ctx, cell_shapes) if nest_items else cell_shapes)
        flat = []
        for rs in row_shapes:
            flat.extend(rs if isinstance(rs, list) else [rs])
        if nest_items >= 2 and flat:
            slide.shapes.append(group_of(ctx, flat, nest_items - 1))
        else:
            slide.shapes.extend(flat)
        y += h + 6
    if label_groups:
        slide.shapes.append(group_of(ctx, label_groups) if group_labels else label_groups)
    flat = []
    for s in slide.shapes:
        flat.extend(s if isinstance(s, list) else [s])
    slide.shapes[:] = flat


def choose_regions(ctx: Ctx, lo: int = 2, hi: int = 4) -> list[str]:
    regions = list(REGIONS)
    if ctx.rng.random() < 0.6:  # usual order, some absent
        k = ctx.rng.randint(lo, hi)
        keep = set(ctx.rng.sample(regions, k))
        return [r for r in regions if r in keep]
    ctx.rng.shuffle(regions)
    return regions[:ctx.rng.randint(lo, hi)]


def choose_periods(ctx: Ctx) -> list[str]:
    scheme = list(ctx.rng.choice(SCHEMES))
    if ctx.rng.random() < 0.15:
        ctx.rng.shuffle(scheme)
    if len(scheme) == 4 and ctx.rng.random() < 0.3:
        scheme.pop(ctx.rng.randrange(4))
    ctx.params.setdefault("periods", []).append(scheme)
    return scheme


def n_roadmap_slides(ctx: Ctx) -> int:
    return ctx.rng.choice([1, 1, 2, 2, 3])


def fam_grid(ctx: Ctx) -> list[SlideSpec]:
    rng, out = ctx.rng, []
    total = n_roadmap_slides(ctx)
    for _ in range(total):
        ctx.new_slide()
        n = len(out) + ctx.first_roadmap
        slide = SlideSpec("roadmap")
        area = chrome(ctx, slide, n, ctx.pages(total), rng.choice(ctx.pool["titles"]))
        periods, regions = choose_periods(ctx), choose_regions(ctx)
        orient = rng.choice(["periods-across", "regions-across"])
        style = rng.choice(["text", "rect", "chevron", "band"])
        if orient == "regions-across" and style in ("chevron", "band"):
            style = "rect"
        ctx.params.setdefault("slides", []).append({"orientation": orient, "headers": style})
        if orient == "periods-across":
            cols = [Col(ctx.spell_period(p), period=p) for p in periods]
            if rng.random() < 0.25:
                cols[-1].span = 2
            rows = [Row(ctx.region_label(r), region=r) for r in regions]
        else:
            cols = [Col(ctx.region_label(r), region=r) for r in regions]
            rows = [Row(ctx.spell_period(p), period=p) for p in periods]
        build_grid(ctx, slide, n, area, cols, rows, header_style=style,
                   label_logo=rng.random() < 0.3, group_headers=rng.random() < 0.3,
                   group_labels=rng.random() < 0.3, split_prob=0.2)
        out.append(slide)
    return out


def fam_region_per_slide(ctx: Ctx) -> list[SlideSpec]:
    rng, out = ctx.rng, []
    regions = choose_regions(ctx, 1, 3)
    periods = choose_periods(ctx)
    style = rng.choice(["text", "rect", "chevron", "band"])
    item_mode = rng.choice(["bullets", "bullets", "shapes"])
    where = rng.choice(["title", "logo", "footer"])
    ctx.params.update(region_where=where, headers=style, item_mode=item_mode)
    for region in regions:
        ctx.new_slide()
        n = len(out) + ctx.first_roadmap
        slide = SlideSpec("roadmap")
        title = (rng.choice(ctx.pool["region_titles"]).format(
            region=ctx.pool["region_names"][_RKEY[region]].removesuffix(" RHF"))
            if where == "title" else rng.choice(ctx.pool["titles"]))
        area = chrome(ctx, slide, n, ctx.pages(len(regions)), title, region, where)
        cols = [Col(ctx.spell_period(p), period=p) for p in periods]
        themes = rng.random() < 0.4
        rows = ([Row(t) for t in rng.sample(ctx.pool["theme_rows"], rng.randint(2, 3))]
                if themes else [Row(None)])
        build_grid(ctx, slide, n, area, cols, rows, region=region, header_style=style,
                   item_mode=item_mode, per_cell=(1, 3) if themes else (2, 6),
                   label_w=rng.uniform(80, 110) if themes else 0)
        out.append(slide)
    return out


def fam_wide_columns(ctx: Ctx) -> list[SlideSpec]:
    rng, out = ctx.rng, []
    per_slide = rng.random() < 0.4
    periods = choose_periods(ctx)
    regions = choose_regions(ctx, 1 if per_slide else 2, 3 if per_slide else 4)
    groups = [[r] for r in regions] if per_slide else [regions]
    ctx.params.update(region_per_slide=per_slide)
    for regs in groups:
        ctx.new_slide()
        n = len(out) + ctx.first_roadmap
        slide = SlideSpec("roadmap")
        title = (rng.choice(ctx.pool["region_titles"]).format(
            region=ctx.pool["region_names"][_RKEY[regs[0]]].removesuffix(" RHF"))
            if per_slide else rng.choice(ctx.pool["titles"]))
        area = chrome(ctx, slide, n, ctx.pages(len(groups)), title, regs[0] if per_slide else None,
                      "title" if per_slide else None)
        cols = [Col(ctx.spell_period(p), period=p) for p in periods]
        for c in cols:
            if rng.random() < 0.3:
                c.span = 2
        rows = [Row(None, region=regs[0])] if per_slide else [
            Row(ctx.region_label(r), region=r) for r in regs]
        build_grid(ctx, slide, n, area, cols, rows, header_style=rng.choice(["text", "rect"]),
                   header_align=rng.choice(["l", "l", "c"]), narrow_header=True,
                   box_dx=rng.uniform(6, 30), per_cell=(1, 3) if not per_slide else (2, 5),
                   split_prob=0)
        out.append(slide)
    return out


def fam_shape_per_item(ctx: Ctx) -> list[SlideSpec]:
    rng, out = ctx.rng, []
    total = n_roadmap_slides(ctx)
    for _ in range(total):
        ctx.new_slide()
        n = len(out) + ctx.first_roadmap
        slide = SlideSpec("roadmap")
        area = chrome(ctx, slide, n, ctx.pages(total), rng.choice(ctx.pool["titles"]))
        periods, regions = choose_periods(ctx), choose_regions(ctx)
        orient = rng.choice(["periods-across", "regions-across"])
        ctx.params.setdefault("slides", []).append({"orientation": orient})
        if orient == "periods-across":
            cols = [Col(ctx.spell_period(p), period=p) for p in periods]
            rows = [Row(ctx.region_label(r), region=r) for r in regions]
        else:
            cols = [Col(ctx.region_label(r, allow_wrap=False), region=r) for r in regions]
            rows = [Row(ctx.spell_period(p), period=p) for p in periods]
        build_grid(ctx, slide, n, area, cols, rows, header_style=rng.choice(["text", "rect"]),
                   item_mode="shapes", nest_items=rng.choice([2, 3]), per_cell=(1, 3),
                   group_headers=rng.random() < 0.5)
        out.append(slide)
    return out


# ---------------------------------------------------------------- family: swimlanes
def fam_swimlanes(ctx: Ctx) -> list[SlideSpec]:
    rng, out = ctx.rng, []
    total = rng.choice([1, 1, 2])
    for _ in range(total):
        ctx.new_slide()
        n = len(out) + ctx.first_roadmap
        slide = SlideSpec("roadmap")
        area = chrome(ctx, slide, n, ctx.pages(total), rng.choice(ctx.pool["titles"]))
        periods, regions = choose_periods(ctx), choose_regions(ctx)
        lw = rng.uniform(85, 120)
        hh = rng.uniform(18, 24)
        x0 = area.x0 + lw + 6
        col_w = (area.x1 - x0) / len(periods)
        style = rng.choice(["text", "rect", "chevron"])
        fill = rng.choice(ctx.pool["header_fills"])
        for ci, p in enumerate(periods):
            kind = {"text": "textbox", "rect": "rect"}.get(style, "chevron" if ci else
                                                          "homePlate")
            slide.shapes.append(text_shape(
                ctx, x0 + ci * col_w + 2, area.y0, col_w - 4, hh, ctx.spell_period(p),
                size=min(12, ctx.size + 2), bold=True, kind=kind,
                fill=None if style == "text" else fill,
                color=None if style == "text" else "FFFFFF", align="c", anchor="m"))
        lane_top = area.y0 + hh + 6
        lane_h = (area.y1 - lane_top) / len(regions)
        dark_label = rng.random() < 0.4
        for li, region in enumerate(regions):
            ly = lane_top + li * lane_h
            lfill = ctx.pool["lane_fills"][li % len(ctx.pool["lane_fills"])]
            slide.shapes.append(Shape("rect", area.x0, ly + 2, area.x1 - area.x0, lane_h - 4,
                                      fill=lfill, line=None))
            lab = ctx.region_label(region)
            slide.shapes.append(text_shape(
                ctx, area.x0 + 2, ly + 2, lw - 4, lane_h - 4, lab, size=min(12, ctx.size + 2),
                bold=True, kind="rect" if dark_label else "textbox",
                fill=fill if dark_label else None, color="FFFFFF" if dark_label else None,
                align=rng.choice(["l", "c"]), anchor="m"))
            for ci, p in enumerate(periods):
                items = ctx.pick(region, rng.randint(0, 3))
                boxes = []
                for it in items:
                    bw = col_w * rng.uniform(0.7, 0.94)
                    bh = ctx.text_h([it.text], bw, ctx.size, False, margin=3) + \
                        rng.uniform(0, 10)
                    boxes.append((it, bw, bh))
                inner = lane_h - 8
                while boxes and sum(b[2] for b in boxes) + 2 * len(boxes) > inner:
                    boxes.pop()
                free = inner - sum(b[2] for b in boxes) - 2 * len(boxes)
                cuts = sorted(rng.uniform(0, free) for _ in boxes)
                y, prev = ly + 4, 0.0
                for (it, bw, bh), cut in zip(boxes, cuts, strict=True):
                    y += cut - prev + 1
                    prev = cut
                    bx = x0 + ci * col_w + rng.uniform(2, max(2.5, col_w - bw - 2))
                    slide.shapes.append(text_shape(
                        ctx, bx, y, bw, bh, [Para(it.text, color=it.color or "000000")],
                        kind=rng.choice(["rect", "roundRect"]), fill=it.fill or "FFFFFF",
                        line="8C8C8C", anchor="m", align=rng.choice(["l", "c"]), margin=3))
                    ctx.record(n, it, region, p)
                    y += bh + 1
        out.append(slide)
    return out


# ---------------------------------------------------------------- family: timeline
def axis_units(ctx: Ctx) -> tuple[str, list[tuple[str, float, float]]]:
    rng = ctx.rng
    # a pool may give several spellings of a unit: one is drawn per deck
    fmt = {unit: (rng.choice(spell) if isinstance(spell, list) else spell)
           for unit, spell in ctx.pool["axis"].items()}
    kind = rng.choice(["year", "year", "quarter", "half", "month"])
    units = []
    if kind == "year":
        y0 = rng.choice([2023, 2024])
        n = rng.choice([4, 5])
        units = [(str(y), float(y), float(y + 1)) for y in range(y0, y0 + n)]
    elif kind == "quarter":
        y0 = rng.choice([2024, 2025])
        for k in range(rng.choice([8, 12])):
            y, q = y0 + k // 4, k % 4 + 1
            units.append((fmt["quarter"].format(q=q, y=y), y + (q - 1) / 4, y + q / 4))
    elif kind == "half":
        y0 = rng.choice([2023, 2024])
        for k in range(rng.choice([6, 8])):
            y, h = y0 + k // 2, k % 2 + 1
            units.append((fmt["half"].format(h=h, y=y), y + (h - 1) / 2, y + h / 2))
    else:
        y0, m0 = rng.choice([2024, 2025]), rng.choice([1, 7])
        for k in range(rng.choice([12, 18])):
            mi = m0 - 1 + k
            y, m = y0 + mi // 12, mi % 12
            name = ctx.pool["months"][m]
            units.append((fmt["month"].format(m=name, M=name.capitalize(), y=y),
                          y + m / 12, y + (m + 1) / 12))
    return kind, units


def fam_timeline(ctx: Ctx) -> list[SlideSpec]:
    rng, out = ctx.rng, []
    per_slide = rng.random() < 0.3
    regions = choose_regions(ctx, 1 if per_slide else 2, 3 if per_slide else 4)
    groups = [[r] for r in regions] if per_slide else [regions]
    kind, units = axis_units(ctx)
    t0, t1 = units[0][1], units[-1][2]
    years = sorted({int(u[1]) for u in units})
    # a period-scheme band when the axis covers whole years
    bands = []
    if len(years) >= 3 and units[0][1] == years[0] and rng.random() < 0.6:
        if len(years) >= 4:
            bands = [(f"{years[0]}-{years[1]}", years[0], years[1] + 1),
                     (f"{years[2]}-{years[3]}" if len(years) > 4 else "Lenger sikt",
                      years[2], years[3] + 1 if len(years) > 4 else None)]
            if len(years) > 4:
                bands.append(("Lenger sikt", years[4], None))
        else:
            bands = [(str(years[0]), years[0], years[0] + 1),
                     (str(years[1]), years[1], years[1] + 1), (f"{years[2]}→", years[2], None)]
    ctx.params.update(axis=kind, axis_units=[u[0] for u in units],
                      bands=[b[0] for b in bands], region_per_slide=per_slide)
    for regs in groups:
        ctx.new_slide()
        n = len(out) + ctx.first_roadmap
        slide = SlideSpec("roadmap")
        title = (rng.choice(ctx.pool["region_titles"]).format(
            region=ctx.pool["region_names"][_RKEY[regs[0]]].removesuffix(" RHF"))
            if per_slide else rng.choice(ctx.pool["titles"]))
        area = chrome(ctx, slide, n, ctx.pages(len(groups)), title, regs[0] if per_slide else None,
                      "title" if per_slide else None)
        lw = 0 if per_slide else rng.uniform(85, 115)
        ax0, ax1 = area.x0 + lw + 6, area.x1 - (16 if kind == "year" else 4)
        sx = (ax1 - ax0) / (t1 - t0)

        def xof(t, ax0=ax0, sx=sx):
            return ax0 + (t - t0) * sx

        y = area.y0
        fill = rng.choice(ctx.pool["header_fills"])
        if bands:
            for label, a, b in bands:
                xa, xb = xof(a), xof(b if b is not None else t1) + (14 if b is None else 0)
                slide.shapes.append(text_shape(
                    ctx, xa + 1, y, xb - xa - 2, 18, ctx.spell_period(label),
                    size=min(11, ctx.size + 2), bold=True,
                    kind="rightArrow" if b is None else rng.choice(["rect", "chevron"]),
                    fill=fill, color="FFFFFF", align="c", anchor="m"))
            y += 22
        asize = max(7, ctx.size - (1 if kind in ("month", "quarter") else 0))
        for label, a, b in units:
            slide.shapes.append(text_shape(ctx, xof(a), y, xof(b) - xof(a), 14, label,
                                           size=asize, bold=True, align="c"))
        if kind == "year":
            slide.shapes.append(text_shape(ctx, ax1 - 2, y, 18, 14, "→", size=asize))
        slide.shapes.append(Shape("line", ax0, y + 16, ax1 - ax0, 0, line="7F7F7F"))
        y += 20
        lane_h = (area.y1 - y) / len(regs)
        for li, region in enumerate(regs):
            ly = y + li * lane_h
            if not per_slide:
                slide.shapes.append(Shape("line", area.x0, ly, area.x1 - area.x0, 0,
                                          line="BFBFBF"))
                slide.shapes.append(text_shape(ctx, area.x0, ly + 2, lw - 4, lane_h - 4,
                                               ctx.region_label(region), size=min(12, ctx.size
                                                                                  + 1),
                                               bold=True, anchor=rng.choice(["t", "m"])))
            items = ctx.pick(region, rng.randint(3, 8), allow_break=False)
            tracks: list[float] = []  # right edge per track
            track_h = ctx.size * 2.4 + 6
            max_tracks = max(1, int((lane_h - 4) // (track_h + 3)))
            for it in items:
                need_w = min(ax1 - ax0, len(it.text) * ctx.size * CHAR_W.get(ctx.font, .56)
                             / 2 + 14)
                i0 = rng.randrange(len(units))
                j = i0
                while j < len(units) - 1 and xof(units[j][2]) - xof(units[i0][1]) < need_w:
                    j += 1
                if xof(units[j][2]) - xof(units[i0][1]) < need_w:
                    continue
                j = min(len(units) - 1, j + rng.choice([0, 0, 1, 2]))
                is_open = j == len(units) - 1 and rng.random() < 0.5
                left = xof(units[i0][1]) + rng.uniform(2, 5)
                right = xof(units[j][2]) - (0 if is_open else rng.uniform(2, 5))
                ti = next((k for k, r in enumerate(tracks) if r < left - 4), None)
                if ti is None:
                    if len(tracks) >= max_tracks:
                        continue
                    tracks.append(0)
                    ti = len(tracks) - 1
                tracks[ti] = right
                ps = int(units[i0][1])
                pe = None if is_open else int(units[j][2] - 1e-6)
                period = period_label(ps, pe)
                for label, a, b in bands:
                    if ps >= a and (pe is not None and b is not None and pe < b
                                    or b is None):
                        period = label
                by = ly + 3 + ti * (track_h + 3)
                bfill = it.fill or rng.choice(["DEEBF7", "E2F0D9", "FFFFFF", "F2F2F2"])
                slide.shapes.append(text_shape(
                    ctx, left, by, right - left, track_h, [Para(it.text, color=it.color
                                                               or "000000")],
                    kind="homePlate" if is_open else rng.choice(["rect", "roundRect"]),
                    fill=bfill, line="7F7F7F", anchor="m", margin=3,
                    align=rng.choice(["l", "c"])))
                ctx.record(n, it, region, period, ps, pe, explicit=True)
        if rng.random() < 0.7:
            today = rng.uniform(t0 + 0.1 * (t1 - t0), t0 + 0.5 * (t1 - t0))
            tx = xof(today)
            slide.shapes.append(Shape("line", tx, y - 6, 0, area.y1 - y + 6, line="C00000",
                                      dash=True))
            slide.shapes.append(text_shape(ctx, tx - 20, area.y1 - 2, 40, 12,
                                           ctx.pool["today"], size=8, bold=True,
                                           color="C00000", align="c"))
            ctx.params.setdefault("decoys", []).append("today-marker")
        out.append(slide)
    return out


# ---------------------------------------------------------------- family: table
def fam_table(ctx: Ctx) -> list[SlideSpec]:
    rng, out = ctx.rng, []
    total = rng.choice([1, 1, 2])
    for _ in range(total):
        ctx.new_slide()
        n = len(out) + ctx.first_roadmap
        slide = SlideSpec("roadmap")
        area = chrome(ctx, slide, n, ctx.pages(total), rng.choice(ctx.pool["titles"]))
        table_slide(ctx, slide, n, area)
        out.append(slide)
    return out


def table_slide(ctx: Ctx, slide: SlideSpec, n: int, area: Area) -> None:
    if True:  # (kept indented: the body was a loop body)
        rng = ctx.rng
        periods, regions = choose_periods(ctx), choose_regions(ctx)
        orient = rng.choice(["periods-across", "regions-across"])
        sep = rng.choice(["paragraphs", "soft-breaks", "dashes"])
        two_header = rng.random() < 0.6
        ctx.params.setdefault("slides", []).append(
            {"orientation": orient, "separator": sep, "two_header_rows": two_header})
        across = periods if orient == "periods-across" else regions
        down = regions if orient == "periods-across" else periods
        per_h, reg_h = ctx.pool["table_headers"]
        lw = rng.uniform(95, 125)
        col_w = (area.x1 - area.x0 - lw) / len(across)
        size = ctx.size
        cells_items = {}
        for di, d in enumerate(down):
            for ai, a in enumerate(across):
                region, period = (d, a) if orient == "periods-across" else (a, d)
                cells_items[(di, ai)] = ctx.pick(region, rng.randint(0, 4),
                                                 allow_break=sep != "soft-breaks")

        def row_h(di, sz):
            return max([ctx.text_h([i.text for i in cells_items[(di, ai)]], col_w - 8, sz,
                                   False, margin=4) for ai in range(len(across))] + [24])

        head_h = 20.0 * (2 if two_header else 1)
        avail = area.y1 - area.y0 - head_h - 8
        while sum(row_h(di, size) for di in range(len(down))) > avail:
            if size > 7:
                size -= 1
                continue
            di = max(range(len(down)), key=lambda d: row_h(d, size))
            ai = max(range(len(across)), key=lambda a: len(cells_items[(di, a)]))
            if not cells_items[(di, ai)]:
                break
            cells_items[(di, ai)].pop()
        hdr_fill = rng.choice(ctx.pool["header_fills"])

        def hcell(text):
            return Cell([Para(text, color="FFFFFF", bold=True)], fill=hdr_fill, align="c")

        def across_label(a):
            return ctx.spell_period(a) if orient == "periods-across" else ctx.region_label(a)

        def down_label(d):
            return ctx.region_label(d) if orient == "periods-across" else ctx.spell_period(d)

        grid, merges = [], []
        corner = reg_h if orient == "periods-across" else per_h
        top = per_h if orient == "periods-across" else reg_h
        if two_header:
            grid.append([hcell(corner), hcell(top)] + [Cell(fill=hdr_fill)
                                                       for _ in across[1:]])
            grid.append([Cell(fill=hdr_fill)] + [hcell(across_label(a)) for a in across])
            merges += [(0, 0, 1, 0), (0, 1, 0, len(across))]
        else:
            grid.append([hcell("" if rng.random() < 0.5 else corner)]
                        + [hcell(across_label(a)) for a in across])
        heights = [20.0] * (2 if two_header else 1)
        body_fill = rng.choice(["FFFFFF", "F2F2F2", None])
        for di, d in enumerate(down):
            row = [Cell([Para(down_label(d), bold=True)], fill=body_fill)]
            for ai in range(len(across)):
                items = cells_items[(di, ai)]
                region, period = (d, across[ai]) if orient == "periods-across" \
                    else (across[ai], d)
                if sep == "soft-breaks" and items:
                    paras = [Para("\n".join(i.text for i in items))]
                    if any(i.color for i in items):  # colours need a run each: one per para
                        paras = [Para(i.text, color=i.color) for i in items]
                else:
                    prefix = "- " if sep == "dashes" else ""
                    paras = [Para(prefix + i.text, color=i.color) for i in items]
                row.append(Cell(paras, fill=body_fill))
                for i in items:
                    ctx.record(n, i, region, period)
            grid.append(row)
            heights.append(row_h(di, size))
        slide.shapes.append(TableSpec(area.x0, area.y0, [lw] + [col_w] * len(across), heights,
                                      grid, merges, size=size, font=ctx.font))


FAMILY_FUNCS = {"grid": fam_grid, "region_per_slide": fam_region_per_slide,
                "swimlanes": fam_swimlanes, "wide_columns": fam_wide_columns,
                "timeline": fam_timeline, "shape_per_item": fam_shape_per_item,
                "table": fam_table}


def make_deck(family: str, split: str, index: int) -> DeckSpec:
    """The deck for (family, split, index); the same every time."""
    if family not in FAMILY_FUNCS or split not in SPLITS:
        raise ValueError(f"unknown family/split {family}/{split}")
    ctx = Ctx(family, split, index)
    slides = [title_slide(ctx)]
    if ctx.rng.random() < 0.3:
        slides.append(prose_slide(ctx, 2))
        ctx.first_roadmap = 3
    roadmap = FAMILY_FUNCS[family](ctx)
    slides += roadmap
    title = f"{ctx.params['forum']} – {ctx.params['meeting']}"
    return DeckSpec(family, split, index, ctx.seed, ctx.W, ctx.H, title, slides, ctx.truth,
                    ctx.params)


# ---------------------------------------------------------------- PPTX writer
def _emu(pt: float) -> int:
    return int(round(pt * 12700))


def _set_bullet(paragraph) -> None:
    from pptx.oxml.ns import qn

    ppr = paragraph._p.get_or_add_pPr()
    ppr.set("marL", "114300")
    ppr.set("indent", "-114300")
    ppr.append(ppr.makeelement(qn("a:buChar"), {"char": "•"}))


def _fill_frame(frame, paras: list[Para], size: float, font: str, align: str,
                anchor: str | None, margin: float, default_color: str | None = "000000") -> None:
    from pptx.dml.color import RGBColor
    from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
    from pptx.util import Pt

    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    for side in ("margin_left", "margin_right", "margin_top", "margin_bottom"):
        setattr(frame, side, Pt(margin))
    if anchor:
        frame.vertical_anchor = {"t": MSO_ANCHOR.TOP, "m": MSO_ANCHOR.MIDDLE,
                                 "b": MSO_ANCHOR.BOTTOM}[anchor]
    for k, para in enumerate(paras):
        p = frame.paragraphs[0] if k == 0 else frame.add_paragraph()
        p.alignment = {"l": PP_ALIGN.LEFT, "c": PP_ALIGN.CENTER, "r": PP_ALIGN.RIGHT}[align]
        for li, line in enumerate(para.text.split("\n")):
            if li:
                p.add_line_break()
            run = p.add_run()
            run.text = line
            run.font.size = Pt(para.size or size)
            run.font.name = font
            run.font.bold = para.bold
            color = para.color or default_color
            if color:
                run.font.color.rgb = RGBColor.from_string(color)
        if para.bullet:
            _set_bullet(p)
            p.space_after = Pt(2)


def _autoshape_kind(kind: str):
    from pptx.enum.shapes import MSO_SHAPE

    return {"rect": MSO_SHAPE.RECTANGLE, "roundRect": MSO_SHAPE.ROUNDED_RECTANGLE,
            "chevron": MSO_SHAPE.CHEVRON, "homePlate": MSO_SHAPE.PENTAGON,
            "rightArrow": MSO_SHAPE.RIGHT_ARROW, "oval": MSO_SHAPE.OVAL}[kind]


def _add_shape(shapes, s: Shape) -> None:
    from pptx.dml.color import RGBColor
    from pptx.enum.dml import MSO_LINE
    from pptx.enum.shapes import MSO_CONNECTOR
    from pptx.util import Pt

    if s.kind == "line":
        c = shapes.add_connector(MSO_CONNECTOR.STRAIGHT, Pt(s.x), Pt(s.y), Pt(s.x + s.w),
                                 Pt(s.y + s.h))
        c.line.color.rgb = RGBColor.from_string(s.line or "7F7F7F")
        c.line.width = Pt(1.25 if s.dash else 0.75)
        if s.dash:
            c.line.dash_style = MSO_LINE.DASH
        return
    if s.kind == "textbox":
        shape = shapes.add_textbox(Pt(s.x), Pt(s.y), Pt(s.w), Pt(s.h))
        if s.fill:
            shape.fill.solid()
            shape.fill.fore_color.rgb = RGBColor.from_string(s.fill)
        if s.line:
            shape.line.color.rgb = RGBColor.from_string(s.line)
            shape.line.width = Pt(0.5)
    else:
        shape = shapes.add_shape(_autoshape_kind(s.kind), Pt(s.x), Pt(s.y), Pt(s.w), Pt(s.h))
        if s.fill:
            shape.fill.solid()
            shape.fill.fore_color.rgb = RGBColor.from_string(s.fill)
        else:
            shape.fill.background()
        if s.line:
            shape.line.color.rgb = RGBColor.from_string(s.line)
            shape.line.width = Pt(0.75)
        else:
            shape.line.fill.background()
        shape.shadow.inherit = False
    if s.paras:
        _fill_frame(shape.text_frame, s.paras, s.size, s.font, s.align, s.anchor, s.margin)


def _rescale(group_shape, g: Group) -> None:
    """Give ``group_shape`` the child coordinate space of ``g`` (chOff/chExt unlike off/ext),
    moving its direct children so the picture stays."""
    from pptx.oxml.ns import qn

    xfrm = group_shape._element.grpSpPr.find(qn("a:xfrm"))
    ch_off, ch_ext = xfrm.find(qn("a:chOff")), xfrm.find(qn("a:chExt"))
    cox, coy = int(ch_off.get("x")), int(ch_off.get("y"))
    cex, cey = max(1, int(ch_ext.get("cx"))), max(1, int(ch_ext.get("cy")))
    fx, fy = g.scale
    nox, noy = (_emu(g.offset[0]), _emu(g.offset[1])) if g.offset else (cox, coy)
    ch_off.set("x", str(nox))
    ch_off.set("y", str(noy))
    ch_ext.set("cx", str(int(cex * fx)))
    ch_ext.set("cy", str(int(cey * fy)))
    for child in group_shape._element.iterchildren():
        tag = child.tag.split("}")[1]
        if tag == "grpSp":
            cx = child.grpSpPr.find(qn("a:xfrm"))
        elif tag in ("sp", "cxnSp"):
            cx = child.spPr.find(qn("a:xfrm"))
        else:
            continue
        off, ext = cx.find(qn("a:off")), cx.find(qn("a:ext"))
        off.set("x", str(int(nox + (int(off.get("x")) - cox) * fx)))
        off.set("y", str(int(noy + (int(off.get("y")) - coy) * fy)))
        ext.set("cx", str(int(int(ext.get("cx")) * fx)))
        ext.set("cy", str(int(int(ext.get("cy")) * fy)))


def _add_group(shapes, g: Group) -> None:
    group = shapes.add_group_shape()
    for child in g.children:
        if isinstance(child, Group):
            _add_group(group.shapes, child)
        else:
            _add_shape(group.shapes, child)
    _pending.append((group, g))


_pending: list = []


def _add_table(slide, t: TableSpec) -> None:
    from pptx.dml.color import RGBColor
    from pptx.util import Pt

    rows, cols = len(t.cells), len(t.col_widths)
    frame = slide.shapes.add_table(rows, cols, Pt(t.x), Pt(t.y), Pt(sum(t.col_widths)),
                                   Pt(sum(t.row_heights)))
    table = frame.table
    for c, w in enumerate(t.col_widths):
        table.columns[c].width = Pt(w)
    for r, h in enumerate(t.row_heights):
        table.rows[r].height = Pt(h)
    for r0, c0, r1, c1 in t.merges:
        table.cell(r0, c0).merge(table.cell(r1, c1))
    for r in range(rows):
        for c in range(cols):
            spec, cell = t.cells[r][c], table.cell(r, c)
            if spec.fill:
                cell.fill.solid()
                cell.fill.fore_color.rgb = RGBColor.from_string(spec.fill)
            if spec.paras and not cell.is_spanned:
                cell.margin_left = cell.margin_right = Pt(4)
                _fill_frame(cell.text_frame, spec.paras, t.size, t.font, spec.align, None, 2)
                cell.margin_left = cell.margin_right = Pt(4)


def write_pptx(deck: DeckSpec, path: Path) -> Path:
    from pptx import Presentation
    from pptx.util import Pt

    prs = Presentation()
    prs.slide_width, prs.slide_height = Pt(deck.width), Pt(deck.height)
    prs.core_properties.title = deck.title
    blank = prs.slide_layouts[6]
    for s in deck.slides:
        slide = prs.slides.add_slide(blank)
        _pending.clear()
        for obj in s.shapes:
            if isinstance(obj, Group):
                _add_group(slide.shapes, obj)
            elif isinstance(obj, TableSpec):
                _add_table(slide, obj)
            else:
                _add_shape(slide.shapes, obj)
        for group_shape, g in reversed(_pending):  # outermost first
            _rescale(group_shape, g)
        _pending.clear()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    prs.save(str(path))
    return path


def write_truth(deck: DeckSpec, path: Path) -> Path:
    path = Path(path)
    path.write_text(json.dumps(deck.truth_json(), ensure_ascii=False, indent=1) + "\n",
                    encoding="utf-8")
    return path


# ---------------------------------------------------------------- PDF and scan writers
def write_pdf(pptx_paths: list[Path], outdir: Path, batch: int = 40,
              timeout: float = 600) -> list[Path]:
    """Export PPTX files to PDF with LibreOffice, many per call, with a private profile."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    profile = Path(tempfile.mkdtemp(prefix="layoutgen-lo-"))
    out = []
    try:
        paths = [Path(p) for p in pptx_paths]
        for k in range(0, len(paths), batch):
            chunk = paths[k:k + batch]
            subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                            "--convert-to", "pdf", "--outdir", str(outdir),
                            *map(str, chunk)], check=False, capture_output=True,
                           timeout=timeout)
            out += [outdir / (p.stem + ".pdf") for p in chunk]
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return out


def write_scan(pdf_path: Path, path: Path, rng: random.Random, colour: bool = False) -> Path:
    """Render each page at 150-300 dpi (in colour, as office scanners do by default, or in
    grey), rotate up to 2 degrees, add speckles and JPEG artefacts, and write an image-only
    PDF."""
    import numpy as np
    from PIL import Image, ImageFilter

    dpi = rng.choice([150, 200, 250, 300])
    mode = "RGB" if colour else "L"
    with tempfile.TemporaryDirectory(prefix="layoutgen-scan-") as tmp:
        subprocess.run(["pdftoppm", "-r", str(dpi), *([] if colour else ["-gray"]), "-png",
                        str(pdf_path), f"{tmp}/p"], check=True, capture_output=True,
                       timeout=300)
        pages = sorted(Path(tmp).glob("p*.png"))
        images = []
        nprng = np.random.default_rng(rng.randrange(1 << 30))
        for page in pages:
            img = Image.open(page).convert(mode)
            img = img.rotate(rng.uniform(-2, 2), resample=Image.BICUBIC, expand=False,
                             fillcolor=(255, 255, 255) if colour else 255)
            if rng.random() < 0.5:
                img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.8)))
            arr = np.asarray(img).copy()
            mask = nprng.random(arr.shape[:2]) < rng.uniform(0.0005, 0.003)
            specks = nprng.choice([0, 90, 170], size=int(mask.sum()))
            arr[mask] = specks[:, None] if colour else specks
            if rng.random() < 0.4:  # sensor noise (costs file size)
                arr = np.clip(arr.astype(np.int16) + nprng.normal(0, 2, arr.shape), 0, 255)
            img = Image.fromarray(arr.astype(np.uint8))
            buf = io.BytesIO()
            img.save(buf, "JPEG", quality=rng.randint(60, 85))
            images.append(Image.open(io.BytesIO(buf.getvalue())))
    images[0].save(str(path), "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return Path(path)


def scan_in_colour(deck: DeckSpec) -> bool:
    """Whether the deck's scan is in colour (half of them; the rest in grey, where a status
    shown only by colour cannot be seen)."""
    return random.Random(deck.seed * 11 + 5).random() < 0.5


def scan_rng(deck: DeckSpec) -> random.Random:
    return random.Random(deck.seed * 7 + 3)


# ---------------------------------------------------------------- batch output
def generate(out: Path, splits: list[str], per_family: int, formats: list[str],
             families: list[str] | None = None, scan_per_family: int | None = None,
             start: int = 0) -> list[tuple[DeckSpec, dict[str, Path]]]:
    """Write decks and truth; returns (deck, {format: path}) per deck."""
    out = Path(out)
    made = []
    for family in families or FAMILIES:
        for split in splits:
            for index in range(start, start + per_family):
                deck = make_deck(family, split, index)
                d = out / family
                d.mkdir(parents=True, exist_ok=True)
                files = {"pptx": write_pptx(deck, d / f"{deck.name}.pptx")}
                write_truth(deck, d / f"{deck.name}.truth.json")
                made.append((deck, files))
    if "pdf" in formats or "scan" in formats:
        export_pdfs(made)
    if "scan" in formats:
        counts: dict[tuple[str, str], int] = {}
        for deck, files in made:
            key = (deck.family, deck.split)
            counts[key] = counts.get(key, 0) + 1
            if scan_per_family is not None and counts[key] > scan_per_family:
                continue
            if "pdf" in files:
                files["scan"] = write_scan(files["pdf"], files["pdf"].with_suffix(".scan.pdf"),
                                           scan_rng(deck), scan_in_colour(deck))
        if "pdf" not in formats:
            for _, files in made:
                files.pop("pdf", None)
    return made


def export_pdfs(made: list[tuple[DeckSpec, dict[str, Path]]]) -> None:
    """PDF export of all decks in one LibreOffice run, next to their PPTX (``files["pdf"]``).
    Stems repeat across families, so it converts links named <family>__<stem>.pptx."""
    with tempfile.TemporaryDirectory(prefix="layoutgen-pdf-") as tmp:
        links = []
        for deck, files in made:
            link = Path(tmp) / f"{deck.family}__{files['pptx'].name}"
            link.symlink_to(files["pptx"].resolve())
            links.append(link)
        write_pdf(links, Path(tmp) / "out")
        for (_, files), link in zip(made, links, strict=True):
            src = Path(tmp) / "out" / f"{link.stem}.pdf"
            if src.exists():
                files["pdf"] = Path(shutil.move(src, files["pptx"].with_suffix(".pdf")))


#: The dev decks kept as test fixtures: three small ones, and the ones whose reading a change
#: once fixed (a grid whose period labels sit at the top of some rows and in the middle or
#: under the items of others; wide periods that each head two sub-columns; a wide period
#: followed by an empty one).
FIXTURE_DECKS = (("swimlanes", 0), ("timeline", 0), ("table", 0), ("grid", 31),
                 ("wide_columns", 18), ("wide_columns", 53))


def write_fixtures(folder: Path = FIXTURE_DIR) -> list[Path]:
    """The ``FIXTURE_DECKS`` (dev split) as PPTX + truth JSON."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for family, index in FIXTURE_DECKS:
        deck = make_deck(family, "dev", index)
        out.append(write_pptx(deck, folder / f"{family}-{deck.name}.pptx"))
        out.append(write_truth(deck, folder / f"{family}-{deck.name}.truth.json"))
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", default="dev",
                    choices=["dev", "heldout", "blind", "both", "all"])
    ap.add_argument("--per-family", type=int, default=3)
    ap.add_argument("--start", type=int, default=0, help="first deck index")
    ap.add_argument("--formats", default="pptx")
    ap.add_argument("--families", default=",".join(FAMILIES))
    ap.add_argument("--out", type=Path, default=Path("/tmp/layoutgen-helper/decks"))
    ap.add_argument("--fixtures", action="store_true",
                    help="write the test fixtures into tests/data/layouts/")
    args = ap.parse_args(argv)
    if args.fixtures:
        for p in write_fixtures():
            print(p)
        return
    splits = ({"both": ["dev", "heldout"], "all": list(SPLITS)}.get(args.split)
              or [args.split])
    made = generate(args.out, splits, args.per_family, args.formats.split(","),
                    args.families.split(","), start=args.start)
    n_items = sum(len(d.truth) for d, _ in made)
    print(f"{len(made)} decks, {n_items} truth items in {args.out}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
