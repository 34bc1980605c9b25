"""Build the labelled matching set, benchmarks/data/match_labels.csv: text, gold initiative id
(empty: must not be matched), kind.

Kinds: "seed" (names exactly as the seed documents write them, typos and all), "variant"
(regional spellings, abbreviations, region codes, status notes, bullets, case), "ocr"
(æøå damaged the way non-Norwegian OCR damages them), "wrapped" (line-wrapped with a hyphen
or a newline), "negative" (headings, labels, prose and workshop measures that are not
catalogue initiatives, and near misses such as "Timer 3.0").
Run: .venv/bin/python benchmarks/make_match_labels.py
"""

from __future__ import annotations

import csv
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from normalize import load_catalogue  # noqa: E402

OUT = ROOT / "benchmarks" / "data" / "match_labels.csv"

# Names as the seeds write them (001: grid, common-services table, Helse Vest roadmap;
# 003: Helse Nord roadmap and slides), with the initiative each one is.
SEED = [
    ("Digitale pasienttjenester for barn og unge", "digitale-pasienttjenester-barn-unge"),
    ("Digitale skjema via Helsenorge", "digitale-skjema-via-helsenorge"),
    ("Pasientbrev DIPS Helsenorge", "pasientbrev-dips-helsenorge"),
    ("Pasientbrev DIPS\nHelsenorge", "pasientbrev-dips-helsenorge"),
    ("Pasientbrev på Helsenorge", "pasientbrev-dips-helsenorge"),
    ("Innføring dokumentdeling steg 1", "innforing-dokumentdeling-steg-1"),
    ("Innføring\ndokumentdeling steg 1", "innforing-dokumentdeling-steg-1"),
    ("Utprøving digitalbehandlings-og egenbehandlingsplan", "utproving-egenbehandlingsplan"),
    ("Utprøving digital behandlings-\nog egenbehandlingsplan", "utproving-egenbehandlingsplan"),
    ("Digital dialog behandler-pasient", "digital-dialog-behandler-pasient"),
    ("Dialog behandler -pasient", "digital-dialog-behandler-pasient"),
    ("Digital dialogbehandler-pasient", "digital-dialog-behandler-pasient"),
    ("Radiologibrev Helsenorge", "radiologibrev-helsenorge"),
    ("Radiologibrev Helsenorge (HN)", "radiologibrev-helsenorge"),
    ("Skjemabasert triagering", "skjemabasert-triagering"),
    ("Konsept digital poliklinikk", "konsept-digital-poliklinikk"),
    ("Etablering Datadeling DHO(DEIS)", "datadeling-dho-deis"),
    ("Innføring dokumentdeling steg 2", "innforing-dokumentdeling-steg-2"),
    ("Timebooking (Nasjonal timetjeneste)", "timebooking-nasjonal-timetjeneste"),
    ("Timebooking (HN)", "timebooking-nasjonal-timetjeneste"),
    ("Timebooking", "timebooking-nasjonal-timetjeneste"),
    ("Dokumentdeling flere kilder", "dokumentdeling-flere-kilder"),
    ("Pasientens prøvesvar", "pasientens-provesvar"),
    ("Pasientens prøvesvar (HSØ, HN, HV)", "pasientens-provesvar"),
    ("Pasientens prøvesvar(NILAR)", "pasientens-provesvar"),
    ("Pasienten booker time selv", "pasienten-booker-time-selv"),
    ("Pasienten booker timer selv (HV)", "pasienten-booker-time-selv"),
    ("Pasienten booker time selv (Nasjonalt)", "pasienten-booker-time-selv"),
    ("Innføring av brevløsning radiologi", "brevlosning-radiologi"),
    ("Innføring av brevløsning\nradiologi", "brevlosning-radiologi"),
    ("Innføre versjon 1 av løsning for innhenting av strukturerte data (HV)",
     "innhenting-strukturerte-data"),
    ("Utvikle støtte for digitalt skademeldingsskjema", "digitalt-skademeldingsskjema"),
    ("Utvikle samsending av skjema og brev", "samsending-skjema-brev"),
    ("«Ny» innføring av Digital dialog med helsefaglig kontakt",
     "ny-innforing-dialog-helsefaglig-kontakt"),
    ("«Ny» innføring av\nDigital dialog med\nhelsefaglig kontakt",
     "ny-innforing-dialog-helsefaglig-kontakt"),
    ("Min pasientjournal 2.0 (Migrering til nasjonal plattform for dokumentdeling)",
     "min-pasientjournal-2-0"),
    ("Min pasientjournal 2.0\n(Migrering til nasjonal plattform for dokumentdeling)",
     "min-pasientjournal-2-0"),
    ("Innsyn 12-16", "innsyn-12-16"),
    ("Innsyn 12-16 (HV)", "innsyn-12-16"),
    ("Dialog med inneliggende pasient", "dialog-inneliggende-pasient"),
    ("Dialog med\ninneliggende pasient", "dialog-inneliggende-pasient"),
    ("Forbedret CheckWare-løsning (HV)", "forbedret-checkware"),
    ("Forbedret CheckWare-løsning – Checkware via Helsenorge", "forbedret-checkware"),
    ("Timer til screening BDS", "timer-til-screening-bds"),
    ("Timer til screening - BDS", "timer-til-screening-bds"),
    ("Screening - BDS", "timer-til-screening-bds"),
    ("Timer 2.0", "timer-2-0"),
    ("Timer 2.0 (HV)", "timer-2-0"),
    ("Time 2.0.", "timer-2-0"),
    ("Behandlings-hjelpemidler", "behandlingshjelpemidler"),
    ("Behandlings-\nhjelpemidler", "behandlingshjelpemidler"),
    ("Smarte brev", "smarte-brev"),
    ("Digital dialog med behandelende enhet", "digital-dialog-behandlende-enhet"),
    ("Digital dialog med behandlende enhet (HV)", "digital-dialog-behandlende-enhet"),
    ("Digital dialog med\nbehandlende enhet", "digital-dialog-behandlende-enhet"),
    ("Digital dialog behandlende enhet", "digital-dialog-behandlende-enhet"),
    ("Rekvisisjonshotell", "rekvisisjonshotell"),
    ("Rekvisisjonshotel", "rekvisisjonshotell"),
    ("Ny API løsning for skjema", "ny-api-losning-skjema"),
    ("Nye skjemaer på Helsenorge", "nye-skjemaer-helsenorge"),
    ("Skjema – strukturerte data (HSØ)", "skjema-strukturerte-data"),
    ("Pasientskjema I DIPS (HSØ)", "pasientskjema-dips"),
    ("Vise dokumentbaserte prøve svar på Helsenorge (under revurdering)",
     "dokumentbaserte-provesvar"),
    ("Vise dokumentbaserte prøve svar på Helsenorge", "dokumentbaserte-provesvar"),
    ("Tjenester på Helsenorge for ungdom (12-15 år)", "ungdom-12-15"),
    ("Tjenester på Helsenorge for ungdom (12-15 år) (HSØ)", "ungdom-12-15"),
    ("Mine henvisninger for barn (0-11 år)", "mine-henvisninger-barn"),
    ("Dialog via Helsekontakt - Digital dialog med behandelende enhet", "dialog-via-helsekontakt"),
    ("Dialog via Helsekontakt (HSØ)", "dialog-via-helsekontakt"),
    ("FNSP tekster i innkallingsbrev4", "fnsp-tekster-innkallingsbrev"),
    ("FNSP tekster i innkallsbrev", "fnsp-tekster-innkallingsbrev"),
    ("Skjema via prosessplattform", "skjema-via-prosessplattform"),
    ("Mine timeavtaler -Oppgave og informasjon til pasienter",
     "mine-timeavtaler-oppgave-informasjon"),
    ("Mine timeavtaler -Oppgave og informasjon til pasienter (HSØ)",
     "mine-timeavtaler-oppgave-informasjon"),
    ("Digitale kurs og opplæring", "digitale-kurs-opplaering"),
    ("Mine henvisninger fase 2", "mine-henvisninger-fase-2"),
    ("Et sted for helsepersonell for å sette sperring/andre innstillinger",
     "sperring-innstillinger-helsepersonell"),
    ("Pasientens legemiddelliste", "pasientens-legemiddelliste"),
    ("Digital utsending av brev til pårørende", "brev-til-parorende"),
    ("Samvalg (Under revurdering)", "samvalg"),
    ("Behandlingsplan", "behandlingsplan"),
    ("Visning av pasient timer for samarbeid i helsefelleskap", "visning-timer-helsefellesskap"),
    ("Hele planlagt forløp og mottatt varsel når frister ikke overholdes", "hele-planlagt-forlop"),
    ("Timevisning via Helsenorge (i drift)", "timevisning-via-helsenorge"),
    ("Single Sign-On for HelsaMi/Helsenorge", "sso-helsami-helsenorge"),
    ("Brev til pasient tilhørende 'Helseplattformen-sykehus' deles via Helsenorge (i drift)",
     "brev-helseplattformen-sykehus"),
    ("Innhente pasientinformasjon (skjema)", "innhente-pasientinformasjon"),
    ("DIPS-skjema (arketype) (HN)", "dips-skjema-arketype"),
    ("DIPS Arena skjema (arketype)", "dips-skjema-arketype"),
    ("Checware skjema integrert med Helsenorge (HN)", "checkware-skjema-integrert"),
    ("Chekcwareskjema integrert\nmed Helsenorge", "checkware-skjema-integrert"),
    ("Skjema blodbank og behandlingshjelpemidler (HN)", "skjema-blodbank-behandlingshjelpemidler"),
    ("Skjema blodbank og\nbehandlingshjelpemidler", "skjema-blodbank-behandlingshjelpemidler"),
    ("Tilbakemeldingsskjema (HN)", "tilbakemeldingsskjema"),
    ("Barn og unge – nektingperiode (HN)", "barn-unge-nektingperiode"),
    ("Barn og unge -Nekting periode", "barn-unge-nektingperiode"),
    ("Barn og unge – tilgang Helsenorge (HN)", "barn-unge-tilgang-helsenorge"),
    ("Barn og unge -T ilgang Helsenorge", "barn-unge-tilgang-helsenorge"),
    ("Nasjonal timetjeneste (HN)", "nasjonal-timetjeneste"),
    ("Nasjonal timetjeneste)", "nasjonal-timetjeneste"),
    ("Mine timeavtaler (Timer 2.0)", "mine-timeavtaler"),
    ("Digitale tjenester 12-16", "digitale-tjenester-12-16"),
    ("Felles tillitsmodell", "felles-tillitsmodell"),
    ("Sterk autentisering", "sterk-autentisering"),
    ("Kritisk info", "kritisk-info"),
    ("Utvidet videofunksjonalitet", "utvidet-videofunksjonalitet"),
    ("Kurve i nord", "kurve-i-nord"),
    ("Velferdsteknologisk knutepunkt", "velferdsteknologisk-knutepunkt"),
    ("Tjenesteplattform 2.0", "tjenesteplattform-2-0"),
    ("Målbilde Datadeling DHO", "malbilde-datadeling-dho"),
    ("Målbilde\nDatadeling DHO", "malbilde-datadeling-dho"),
    ("Målbilde\nDokumentdeling", "malbilde-dokumentdeling"),
    ("Ny videoleverandør", "ny-videoleverandor"),
    ("Etablering Datadeling DHO (DEIS)", "datadeling-dho-deis"),
    ("Nytt regime for mottak og testing", "nytt-regime-mottak-testing"),
    ("Integrasjon GAT", "integrasjon-gat"),
    ("digital behandlings- og egenbehandlingsplan 2.0.", "egenbehandlingsplan-2-0"),
    ("Digitale behandlings- og egenbehandlingsplaner", "utproving-egenbehandlingsplan"),
    ("Dokumentdeling via Kjernejournal", "dokumentdeling-kjernejournal"),
    ("Datadeling for digital hjemmeoppfølging", "datadeling-dho-deis"),
    ("Delt behandlingsplan", "delt-behandlingsplan"),
    ("Lenke til eksternt skjema", "lenke-eksternt-skjema"),
    ("Forhåndsutfylte skjema", "forhandsutfylte-skjema"),
    ("Andre skjema til sak/arkiv", "andre-skjema-sak-arkiv"),
    ("Pasientoppgave -\nregistrere informasjon\n(skjema)", "pasientoppgave-skjema"),
    ("Forbedret brev og\nskjema løsning", "forbedret-brev-skjema-losning"),
    ("Sammenhengende\ndigital helsetjeneste", "sammenhengende-digital-helsetjeneste"),
    ("Timer til screening - BDS", "timer-til-screening-bds"),
    ("Utprøving digital behandlings-\nog egenbehandlingsplan", "utproving-egenbehandlingsplan"),
    ("Innføring\ndokumentdeling steg 2", "innforing-dokumentdeling-steg-2"),
    ("Etablering Datadeling DHO (DEIS)", "datadeling-dho-deis"),
    ("Barn og unge (12-16)", "digitale-tjenester-12-16"),
    ("Standarddialog", "standarddialog"),
    ("Fleksibel dialog", "fleksibel-dialog"),
    ("Helsekontakt ved innvilget rett til helsehjelp", "helsekontakt-rett-til-helsehjelp"),
]

NEGATIVES = [
    # headings and labels
    "HELSE NORD", "HELSE SØR-ØST", "Helse Vest", "NORD", "2023-2024", "Lenger sikt", "2027 →",
    "Utvikling og etablering av tjenester på Helsenorge", "Det er flere felles tjenester",
    "Samhandling Nasjonale initiativ", "Innsynstjenester", "Dialogtjenester", "Samhandling",
    "Målbilde", "Digital poliklinikk Samhandling 2021", "Vedtatt juni 2021",
    "Hovedaktivitet/felles uttrykk", "Først ute med løsning", "Planlagt innføring i andre foretak",
    "Grønn tekst – Aktivitet startet i Helse Vest", "Svart tekst – Aktivitet ikke påbegynt",
    "Forklaring til veikartet:", "Veikartet er dynamisk og vil oppdateres fortløpende.",
    "Sist oppdatert 14.04.2023", "Produktstyret for Helsenorge", "Møte #39", "20. April 2023",
    "UNDER REVISJON", "Nasjonalt prosjekt", "Felles", "Regionale initiativ/prosjekt",
    # generic or ambiguous lines
    "Forbedre eksisterende tjenester", "Digital dialog", "Dialog", "Skjema", "Brev",
    "Nye tjenester", "Timer", "Helsenorge", "Digitale tjenester", "Pasienten",
    # near misses: another version or number
    "Timer 3.0", "Innføring dokumentdeling steg 3", "Min pasientjournal 3.0",
    "Tjenesteplattform 3.0", "Innsyn 16-18", "Mine henvisninger fase 3",
    # workshop measures (004) and other things that are not catalogue initiatives
    "Brukerundersøkelser blant behandlere", "Varsler og meldinger i app",
    "Varsler om alt som angår meg", "Mulig å være pårørende-\"light\"",
    "Persontilpasning skreddersydd for meg", "Likeverdig tilbud på tvers av aktører og nivåer",
    "God tilgang på statistikk over bruk", "Forenkle juridiske rammebetingelser",
    "Flere proaktive tilbud", "Visualiserte forløp",
    "Støtte for signerte dokumenter og attester/bevis", "Gjenbruk helseopplysningsskjema",
    "Bidrag til hjemmesykehus", "Flere verktøy for triagering og selvtriagering",
    "Pasient-dashboard", "Støtte økt koordinering og samhandling", "Datadonor", "Smarttrack",
    "Behandlingsstedsregister", "Oppmøteregister", "Digital henvisning", "Fullmakt uten bankID",
    "Bruksplikt innsyn helseregister", "Utvide reservasjonsfunksjonalitet",
    "Innsyn i journal fra kommunehelsetjenesten + fastleger",
    "APIer til åpent innhold og APIer til innhold fra eksterne",
    "Pilot ungdomsløsning", "Videre utbredelse fastleger",
    "Fysioterapeuter og manuellterapeuter", "Avtalespesialister", "Ytelsestesting",
    "Høyt prioritert modernisering av deler av løsningen- TodLegacy",
    "Godkjenning av referat og dagsorden", "Status oppfølgingssaker",
    "Statusgjennomgang Helsenorge", "Evaluering av møtet", "Eventuelt",
    "Innføringsstrategi for Helsenorge i kommunale helse- og omsorgstjenester",
    "Bruk av Helsenorge for forskning og helseundersøkelser",
    "Helse Nord ønsker å presentere sitt arbeid med egenbehandlingsplaner",
    "Gevinst: 36 mill pr år i Helse Nord.", "Alle brev sendes til Helsenorge.",
    "Pasient får varsel om brev (og påminning).",
    "Innlevering av skjema fra Helsenorge til fagsystem.",
    "Mottaker vet hvem som sender inn skjema.",
    "Det utarbeides regional strategi / veikart / veiledning.",
    "Tjenesten er aktiv i Bodø Kommune", "Prosjektet planlegger å innføre tjenesten i 2023",
    "mer målrettet behandling", "økt pasientsikkerhet", "mer tid til pasienten",
    "Minimumsversjon uten integrasjoner.", "Vi rigger prosjekt i regionen.",
    "Formål helsehjelp krever forskriftsendring.", "Konkrete ønske om tjeneste funksjonalitet",
    "Grensesnitt", "Tilgang", "Gjøre tjenester bedre kjent", "Brukerinvolvering",
    "Ustabilitet i produksjon tirsdag 11.april", "Alle tjenester OK", "Kommunale helsetjenester",
]

OCR_DAMAGE = {"ø": ["o", "g", "@", "0"], "å": ["a", "d", "4"], "æ": ["z", "e", "ee"],
              "Ø": ["@", "O"], "Å": ["A"], "Æ": ["Z"]}


def ocr_damage(text: str, rng: random.Random) -> str | None:
    if not any(ch in text for ch in OCR_DAMAGE):
        return None
    return "".join(rng.choice(OCR_DAMAGE[ch]) if ch in OCR_DAMAGE else ch for ch in text)


def wrap(text: str, rng: random.Random) -> str | None:
    words = text.split()
    if len(words) < 2:
        long = [w for w in words if len(w) >= 12]
        if not long:
            return None
        w = long[0]
        cut = rng.randrange(5, len(w) - 4)
        return text.replace(w, w[:cut] + "-\n" + w[cut:], 1)
    cut = rng.randrange(1, len(words))
    return " ".join(words[:cut]) + "\n" + " ".join(words[cut:])


def variants(name: str, regions: tuple[str, ...], rng: random.Random) -> list[tuple[str, str]]:
    codes = {"Helse Nord": "HN", "Helse Vest": "HV", "Helse Sør-Øst": "HSØ",
             "Helse Midt-Norge": "HMN"}
    out = []
    code = codes.get(regions[0]) if regions else None
    out.append((f"{name} ({code})" if code else f"• {name}", "variant"))
    out.append((rng.choice([f"{name} (i drift)", f"{name} (under revurdering)",
                            f"{name.upper()}", f"- {name}.", f"{name} – Nasjonalt prosjekt"]),
                "variant"))
    out.append((reworded(name, rng), "reworded"))
    damaged = ocr_damage(name, rng)
    if damaged:
        out.append((damaged, "ocr"))
    wrapped = wrap(name, rng)
    if wrapped:
        out.append((wrapped, "wrapped"))
    return out


#: Notes decks write after an item's name (read into roadmap.notes, not matched).
NOTE_FORMS = [" – Leveransedato: {d:02d}.{m:02d}.20{y}", " (Q{q}-Q{q2} 20{y})", " (NILAR)",
              " – nasjonalt prosjekt", "\nNasjonalt prosjekt", " – Prod: {month} 20{y}",
              " ({acr})"]
MONTH_NAMES = ["januar", "mars", "mai", "juni", "september", "desember"]


def reworded(name: str, rng: random.Random) -> str:
    """The name as real decks vary it: its leading action word dropped, an age range
    written "12–16 år", other dashes, or a note after it."""
    text = name
    first, _, rest = name.partition(" ")
    if first.casefold() in ("utvikle", "etablering", "innføre", "innføring", "vise",
                            "utprøving") and len(rest.split()) >= 2 and rng.random() < 0.7:
        text = rest[:1].upper() + rest[1:]
    text = re.sub(r"(\d+)-(\d+)(?! år)", lambda m: f"{m.group(1)}–{m.group(2)} år", text)
    text = text.replace(" - ", " – ") if rng.random() < 0.5 else text
    form = rng.choice(NOTE_FORMS)
    q = rng.randrange(1, 4)
    note = form.format(d=rng.randrange(1, 29), m=rng.randrange(1, 13), y=rng.randrange(23, 28),
                       q=q, q2=q + 1, month=rng.choice(MONTH_NAMES),
                       acr="".join(rng.choice("ABDEFHKLMNPRST") for _ in range(4)))
    return text + note


#: Words that turn a catalogue name into another, plausible initiative that is not in it.
OTHER_WORDS = ["fastlege", "kommunen", "tannhelse", "vaksinasjon", "rehabilitering",
               "legevakt", "apotek", "jordmor", "psykologer", "fysioterapi", "hjemmetjenesten",
               "sykehjem", "ambulanse", "laboratorium", "røntgen"]


def near_miss(name: str, rng: random.Random) -> str | None:
    """A catalogue name with one content word swapped, or its version number changed."""
    numbers = re.findall(r"\d+(?:\.\d+)?", name)
    if numbers and rng.random() < 0.5:
        old = numbers[-1]
        new = str(int(float(old)) + 1) + (".0" if "." in old else "")
        return name.replace(old, new, 1)
    words = [w for w in name.split() if len(w) > 4 and w.isalpha()]
    if len(name.split()) < 3 or not words:
        return None
    victim = rng.choice(words)
    return name.replace(victim, rng.choice(OTHER_WORDS), 1)


def main() -> None:
    rng = random.Random(5)
    catalogue = load_catalogue()
    rows = [(text, gold, "seed") for text, gold in SEED]
    for ini in catalogue.initiatives:
        for text, kind in variants(ini.name, ini.regions, rng):
            rows.append((text, ini.id, kind))
        for alias in ini.aliases[:1]:
            damaged = ocr_damage(alias, rng)
            if damaged:
                rows.append((damaged, ini.id, "ocr"))
    rows += [(text, "", "negative") for text in NEGATIVES]
    names = {n.casefold() for ini in catalogue.initiatives for n in ini.names}
    for ini in catalogue.initiatives:
        miss = near_miss(ini.name, rng)
        if miss and miss.casefold() not in names:
            rows.append((miss, "", "near-miss"))
    for _, gold, _ in rows:
        assert not gold or gold in catalogue.by_id, gold
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text", "initiative_id", "kind"])
        writer.writerows(rows)
    kinds = {}
    for _, _, kind in rows:
        kinds[kind] = kinds.get(kind, 0) + 1
    print(f"{len(rows)} labelled mentions -> {OUT}: {kinds}")


if __name__ == "__main__":
    main()
