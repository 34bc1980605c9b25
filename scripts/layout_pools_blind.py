"""Wording pools of the ``blind`` split of scripts/layout_generator.py.

DO NOT READ THIS FILE if you tune veikart's reader (extractors, normalize, layout heuristics).
The blind split exists because the held-out pools were seen during tuning; it only measures
anything as long as whoever tunes the reader has never looked at these strings, nor at blind
decks or their misses. Edit it only to keep the generator working, and never copy its strings
into the reader, its tests or its fixtures.

``POOL`` has the same keys and the same kinds of variation as ``POOLS["dev"]`` and
``POOLS["heldout"]`` in layout_generator.py, with none of their strings (the ``"square"``
legend style is a keyword, not wording). ``NEUTER`` adds the neuter forms of this pool's colour
words (for legend styles using ``{colour_l}``).
"""

from __future__ import annotations

POOL: dict = {
    "titles": ["Veikart for pasientrettede tjenester på Helsenorge",
               "Spesialisthelsetjenestens felles veikart for Helsenorge",
               "Status og plan for digitale pasienttjenester",
               "Regionenes planer for tjenester på Helsenorge"],
    "region_titles": ["Veikart {region}", "{region} – planlagte tjenester på Helsenorge",
                      "Digitale pasienttjenester i {region}"],
    "footers": ["Revidert {date}", "Gradering: Intern",
                "Arbeidsdokument – per {date}",
                "Status per {date}. Planene kan bli endret."],
    "region_footers": ["{region} · {date}", "Innspill fra {region} per {date}"],
    "page_numbers": ["s. {n}", "{n}/{total}", "Side {n} av {total}"],
    "region_labels": {
        "N": ["HELSE NORD RHF", "Helse Nord\nRHF", "helse nord", "Nord (HN)"],
        "V": ["HELSE VEST RHF", "Helse Vest\nRHF", "helse vest", "Vest (HV)"],
        "S": ["HELSE SØR-ØST RHF", "Helse Sør-Øst\nRHF", "Helse Sør Øst", "Sør-Øst (HSØ)"],
        "M": ["HELSE MIDT-NORGE RHF", "Helse Midt-Norge\nRHF", "Helse Midt Norge",
              "Midt-Norge (HMN)"],
    },
    "region_names": {"N": "HELSE NORD RHF", "V": "HELSE VEST RHF", "S": "HELSE SØR-ØST RHF",
                     "M": "HELSE MIDT-NORGE RHF"},
    "notes": ["Om veikartet: Tidspunktene viser når regionen forventer at tjenesten er tatt i "
              "bruk, og kan bli justert.",
              "Lesehjelp: Hver tjeneste står i perioden regionen planlegger å starte "
              "innføringen."],
    "item_notes": [" – i samarbeid med NHN", " (DIPS Arena)", " – Pilot: Høst 2024",
                   " (K3 2024)", "\nPlanlagt prod. 2025"],
    "decoys": ["Timer 3.5", "Digital dialog med legevakt", "Innsyn 17-18 år",
               "Pasientbrev via Digipost", "Innføring dokumentdeling fase 3",
               "Mine henvisninger fase 3", "Delt pleieplan", "Pasientens medisinliste",
               "Skjemabasert triagering i psykisk helse", "Videokonsultasjon for pårørende"],
    "fonts": ["DejaVu Serif", "DejaVu Sans Light", "DejaVu Serif Condensed"],
    "text_palettes": [
        {"i drift": ("Mørkegrønn", "1B5E20"), "pågår": ("Turkis", "00838F"),
         "planlagt": ("Lysegrå", "A6A6A6"), "under revurdering": ("Vinrød", "8E1B3A")},
        {"i drift": ("Lysegrønn", "43A047"), "pågår": ("Mørkeblå", "0D2A6B"),
         "planlagt": ("Mørkegrå", "595959"), "under revurdering": ("Rosa", "C2185B")},
    ],
    "fill_palettes": [
        {"i drift": ("Lysegrønn", "C5E8B7"), "pågår": ("Lyseblå", "BBDEFB"),
         "planlagt": ("Lysegrå", "E7E6E6"), "under revurdering": ("Rosa", "F4C2D7")},
    ],
    "legend_styles": ["{colour} – {status}", "Markert i {colour_l}: {status}", "square"],
    "fill_legend_styles": ["{colour} – {status}", "{colour} bakgrunn: {status}", "square"],
    "status_words": [": {s}", " [{s}]", " – {S}"],
    "period_spell": {"two": ["{a}/{b2}", "{a} til {b}", "{a}—{b}", "{a} - {b2}"],
                     "one": ["År {a}", "I {a}"],
                     "open": ["{a}→", "Fra og med {a}", "{a} og senere"],
                     "long": ["På lengre sikt", "Langsiktig", "LENGRE SIKT"]},
    "forums": ["Interregionalt fagforum for pasienttjenester",
               "Styringsgruppe for digitale innbyggertjenester"],
    "meetings": ["Møte #44", "Møte 2/2024", "Arbeidsverksted veikart"],
    "agenda_title": "Saksliste",
    "agenda": ["Godkjenning av innkalling og saksliste",
               "Referat fra forrige møte (tilslutning)",
               "Status fra regionene (orientering)",
               "Felles veikart – prioriteringer (drøfting)",
               "Evaluering av møtet"],
    "theme_rows": ["Timer og henvisninger", "Brev og varsler", "Digital hjemmeoppfølging"],
    "today": "Vi er her",
    "axis": {"quarter": "{q}. kv. {y}", "half": "Halvår {h} {y}", "month": "{M}. {y}"},
    "months": ["JAN", "FEB", "MAR", "APR", "MAI", "JUN", "JUL", "AUG", "SEP", "OKT", "NOV",
               "DES"],
    "lane_fills": ["EFF5FB", "F7F3EC", "F0F0F0", "EAF5EF"],
    "header_fills": ["0B4F6C", "6A1B4D", "2E5E4E"],
    "table_headers": ("Tidsrom", "RHF"),
}

NEUTER = {"Mørkegrønn": "mørkegrønt", "Lysegrønn": "lysegrønt", "Turkis": "turkis",
          "Lysegrå": "lysegrått", "Mørkegrå": "mørkegrått", "Vinrød": "vinrødt",
          "Mørkeblå": "mørkeblått", "Lyseblå": "lyseblått", "Rosa": "rosa"}
