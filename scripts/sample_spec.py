"""The sample documents as data: slides made of positioned text boxes and tables (points,
origin top-left, on a 960 x 540 slide). ``generate_samples.py`` writes the same spec as PPTX,
as a PDF export and as a scan, so every format carries the same items at the same places.

The facts (initiatives, regions, periods, dates) come from the seed documents: Produktstyret
for Helsenorge møte #39 (20 April 2023), Sak 4-39/23 and the Helse Nord deck.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SLIDE_W, SLIDE_H = 960.0, 540.0


@dataclass
class Box:
    x: float
    y: float
    w: float
    h: float
    paragraphs: list[str]
    size: float = 8.0
    bullets: bool = False
    bold: bool = False
    title: bool = False
    #: Boxes sharing a group name are written as one PPTX group shape.
    group: str | None = None
    fill: str | None = None  # hex colour of a logo-like rectangle behind the text


@dataclass
class Table:
    x: float
    y: float
    col_widths: list[float]
    rows: list[list[list[str]]]  # rows of cells, each cell a list of paragraphs
    row_heights: list[float]
    size: float = 8.0


@dataclass
class Slide:
    boxes: list[Box] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


@dataclass
class Deck:
    name: str
    title: str
    slides: list[Slide]


def title_slide(forum: str, meeting: str, date: str) -> Slide:
    return Slide(boxes=[
        Box(80, 170, 800, 60, [forum], size=32, bold=True, title=True),
        Box(80, 250, 800, 80, [meeting, date], size=20),
    ])


def grid_slide(title: str, periods: list[tuple[str, int]], rows: list[tuple[str, list]],
               footer: str, row_label_style: str = "HELSE {}", logo: bool = True,
               group_row: str | None = None) -> Slide:
    """A roadmap grid. ``periods``: (header text, number of boxes it spans); ``rows``: (region,
    cells), a cell being a list of items, or a tuple of two lists for a cell split in two."""
    left, top, label_w, gap = 20.0, 72.0, 118.0, 16.0
    n_boxes = sum(span for _, span in periods)
    box_w = (SLIDE_W - left - label_w - gap * n_boxes - 10) / n_boxes
    x_of = [left + label_w + gap + i * (box_w + gap) for i in range(n_boxes)]
    slide = Slide(boxes=[Box(20, 18, 920, 36, [title], size=20, bold=True, title=True)])
    col = 0
    col_start = []
    for header, span in periods:
        col_start.append(col)
        w = span * box_w + (span - 1) * gap
        slide.boxes.append(Box(x_of[col], top, w, 18, [header], size=11, bold=True))
        col += span
    y = top + 26
    for region, cells in rows:
        lines = max(sum(_wrapped_lines(t, box_w) for t in part) + len(part) * 0.4
                    for cell in cells for part in (cell if isinstance(cell, tuple) else (cell,)))
        height = max(40.0, lines * 9.0 + 4)
        label = row_label_style.format(region.upper())
        group = f"logo-{region}" if logo else None
        if logo:
            slide.boxes.append(Box(left, y + 4, 18, 18, [], fill="1F6E8C", group=group))
        slide.boxes.append(Box(left + (22 if logo else 0), y + 4, label_w - 26, 30, [label],
                               size=9, bold=True, group=group))
        for ci, cell in enumerate(cells):
            parts = cell if isinstance(cell, tuple) else (cell,)
            for pi, part in enumerate(parts):
                if not part:
                    continue
                gname = f"row-{region}" if group_row == region else None
                slide.boxes.append(Box(x_of[col_start[ci] + pi], y, box_w, height, list(part),
                                       bullets=True, group=gname))
        y += height + 8
    slide.boxes.append(Box(20, SLIDE_H - 26, 920, 16, [footer], size=7))
    return slide


def _wrapped_lines(text: str, width: float, size: float = 8.0) -> int:
    chars_per_line = max(8, int((width - 14) / (size * 0.5)))
    words, lines, current = text.split(), 1, 0
    for word in words:
        if current and current + 1 + len(word) > chars_per_line:
            lines, current = lines + 1, len(word)
        else:
            current += (1 if current else 0) + len(word)
    return lines


GRID_TITLE = "Utvikling og etablering av tjenester på Helsenorge"

MOTE39_GRID = [
    ("Nord", [
        ["Digitale pasienttjenester for barn og unge", "Digitale skjema via Helsenorge",
         "Pasientbrev DIPS Helsenorge", "Innføring dokumentdeling steg 1",
         "Utprøving digitalbehandlings- og egenbehandlingsplan"],
        ["Digital dialog behandler-pasient", "Radiologibrev Helsenorge",
         "Skjemabasert triagering", "Konsept digital poliklinikk",
         "Etablering Datadeling DHO (DEIS)", "Innføring dokumentdeling steg 2"],
        ["Timebooking (Nasjonal timetjeneste)", "Dokumentdeling flere kilder",
         "Pasientens prøvesvar"],
    ]),
    ("Vest", [
        ["Pasienten booker time selv", "Innføring av brevløsning radiologi",
         "Innføre versjon 1 av løsning for innhenting av strukturerte data – Pasientskjema i DIPS",
         "Utvikle støtte for digitalt skademeldingsskjema",
         "Utvikle samsending av skjema og brev"],
        ["«Ny» innføring av Digital dialog med helsefaglig kontakt – Digital dialog med "
         "behandlende enhet",
         "Min pasientjournal 2.0 (Migrering til nasjonal plattform for dokumentdeling)",
         "Pasientens prøvesvar"],
        (["Innsyn 12-16", "Dialog med inneliggende pasient",
          "Forbedret CheckWare-løsning – Checkware via Helsenorge", "Timer til screening BDS",
          "Timer 2.0"],
         ["Behandlings-hjelpemidler", "Smarte brev", "Digital dialog med behandlende enhet",
          "Rekvisisjonshotell"]),
    ]),
    ("Sør-Øst", [
        ["Ny API løsning for skjema", "Nye skjemaer på Helsenorge",
         "Skjema – strukturerte data – Pasientskjema i DIPS",
         "Vise dokumentbaserte prøvesvar på Helsenorge (under revurdering)"],
        ["Tjenester på Helsenorge for ungdom (12-15 år)", "Mine henvisninger for barn (0-11 år)",
         "Dialog via Helsekontakt - Digital dialog med behandlende enhet",
         "Pasientens prøvesvar", "FNSP tekster i innkallingsbrev"],
        (["Skjema via prosessplattform",
          "Mine timeavtaler - Oppgave og informasjon til pasienter",
          "Digitale kurs og opplæring", "Mine henvisninger fase 2",
          "Et sted for helsepersonell for å sette sperring/andre innstillinger",
          "Pasientens legemiddelliste", "Digital utsending av brev til pårørende",
          "Samvalg (under revurdering)"],
         ["Behandlingsplan", "Visning av pasient timer for samarbeid i helsefelleskap",
          "Hele planlagt forløp og mottatt varsel når frister ikke overholdes"]),
    ]),
    ("Midt-Norge", [
        ["Timevisning via Helsenorge (i drift)", "Single Sign-On for HelsaMi/Helsenorge",
         "Brev til pasient tilhørende 'Helseplattformen-sykehus' deles via Helsenorge (i drift)"],
        [],
        [],
    ]),
]

COMMON_SERVICES = [
    ["Felles"], ["Regionale initiativ/prosjekt"],
], [
    (["Innhente pasientinformasjon (skjema)"],
     ["DIPS-skjema (arketype) (HN)", "Checkware skjema integrert med Helsenorge (HN)",
      "Skjema blodbank og behandlingshjelpemidler (HN)", "Tilbakemeldingsskjema (HN)",
      "Innføre versjon 1 av løsning for innhenting av strukturerte data (HV)",
      "Skjema – strukturerte data (HSØ)", "Pasientskjema i DIPS (HSØ)",
      "Utvikle støtte for digitalt skademeldingsskjema (HV)",
      "Utvikle samsending av skjema og brev (HV)", "Forbedret CheckWare-løsning (HV)"]),
    (["Digitale tjenester 12-16"],
     ["Barn og unge – nektingperiode (HN)", "Barn og unge – tilgang Helsenorge (HN)",
      "Innsyn 12-16 (HV)", "Tjenester på Helsenorge for ungdom (12-15 år) (HSØ)"]),
    (["Pasienten booker time selv (Nasjonalt)"],
     ["Timebooking (HN)", "Pasienten booker timer selv (HV)"]),
    (["Mine timeavtaler (Timer 2.0)"],
     ["Nasjonal timetjeneste (HN)", "Timer 2.0 (HV)",
      "Mine timeavtaler - Oppgave og informasjon til pasienter (HSØ)"]),
    (["Innføring av brevløsning radiologi"],
     ["Radiologibrev Helsenorge (HN)", "Innføring av brevløsning radiologi (HV)"]),
    (["Digital dialog med behandlende enhet"],
     ["Digital dialog med behandlende enhet (HV)", "Dialog via Helsekontakt (HSØ)",
      "Digital dialog behandler-pasient"]),
    (["Pasientens prøvesvar"], ["Pasientens prøvesvar (HSØ, HN, HV)"]),
]


def common_services_slide() -> Slide:
    header, rows = COMMON_SERVICES
    cells = [header] + [list(r) for r in rows]
    heights = [20.0] + [max(22.0, 12.0 * len(r[1]) + 8) for r in rows]
    return Slide(
        boxes=[Box(20, 14, 920, 30, ["Det er flere felles tjenester"], size=18, bold=True,
                   title=True)],
        tables=[Table(40, 50, [300, 580], cells, heights, size=9)],
    )


def mote39_deck() -> Deck:
    return Deck(
        name="produktstyret_mote39_2023-04-20",
        title="Produktstyret for Helsenorge – møte #39",
        slides=[
            title_slide("Produktstyret for Helsenorge", "Møte #39", "20. april 2023"),
            Slide(boxes=[
                Box(40, 40, 880, 40, ["Sak 4-39/23"], size=24, bold=True, title=True),
                Box(40, 100, 880, 120, [
                    "Temasak: Spesialisthelsetjenestene og Helsenorge",
                    "Finn Olav Mjærum, Helse Vest", "Bjørn Nilsen, Helse Nord",
                    "Johan Olav Kvan, Helse Sør-Øst", "Per Olav Skjesol, Helse Midt"], size=14),
            ]),
            grid_slide(GRID_TITLE, [("2023-2024", 1), ("2025-2026", 1), ("Lenger sikt", 2)],
                       MOTE39_GRID,
                       "Veikartet er dynamisk og vil oppdateres fortløpende. "
                       "Sist oppdatert 14.04.2023", group_row="Vest"),
            common_services_slide(),
        ],
    )


# The next meeting's deck: another column order and header style, Midt-Norge missing, labels
# only "NORD" beside the logo, and some items moved or changed status.
DIST_GRID = [
    ("Nord", [
        ["Radiologibrev Helsenorge (i drift)", "Skjemabasert triagering",
         "Konsept digital poliklinikk", "Innføring dokumentdeling steg 2"],
        ["Digitale pasienttjenester for barn og unge (i drift)", "Pasientbrev DIPS Helsenorge",
         "Innføring dokumentdeling steg 1 (i drift)", "Digital dialog behandler-pasient"],
        ["Timebooking (Nasjonal timetjeneste)", "Dokumentdeling flere kilder",
         "Pasientens prøvesvar", "Etablering Datadeling DHO (DEIS)"],
    ]),
    ("Vest", [
        ["Min pasientjournal 2.0 (Migrering til nasjonal plattform for dokumentdeling)",
         "Pasientens prøvesvar", "Timer 2.0"],
        ["Pasienten booker time selv (i drift)", "Innføring av brevløsning radiologi",
         "Utvikle støtte for digitalt skademeldingsskjema (under revurdering)"],
        (["Innsyn 12-16", "Dialog med inneliggende pasient", "Timer til screening BDS"],
         ["Behandlings-hjelpemidler", "Smarte brev", "Rekvisisjonshotell"]),
    ]),
    ("Sør-Øst", [
        ["Tjenester på Helsenorge for ungdom (12-15 år)", "Mine henvisninger for barn (0-11 år)",
         "Dialog via Helsekontakt - Digital dialog med behandlende enhet"],
        ["Ny API løsning for skjema (i drift)", "Nye skjemaer på Helsenorge"],
        (["Skjema via prosessplattform", "Digitale kurs og opplæring",
          "Pasientens legemiddelliste"],
         ["Behandlingsplan", "Samvalg (under revurdering)"]),
    ]),
]


def dist_deck() -> Deck:
    return Deck(
        name="samarbeidsforum_dist_2023-09-14",
        title="Samarbeidsforum DIST – felles veikart",
        slides=[
            title_slide("Samarbeidsforum DIST", "Felles veikart for spesialisthelsetjenesten",
                        "14. september 2023"),
            grid_slide(GRID_TITLE, [("2025-26", 1), ("2023-24", 1), ("2027 →", 2)], DIST_GRID,
                       "Veikartet viser foretakenes planlagte utviklingsaktiviteter. "
                       "Sist oppdatert 08.09.2023", row_label_style="{}"),
        ],
    )
