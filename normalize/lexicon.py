"""Recognizers for the roadmap's vocabulary: regions (names, codes, bare labels), periods,
status notes and Norwegian dates. Small pure functions, each with a runnable example."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz, process

REGIONS = ("Helse Nord", "Helse Vest", "Helse Sør-Øst", "Helse Midt-Norge")
NATIONAL = "Nasjonal"

REGION_CODES = {"HN": "Helse Nord", "HV": "Helse Vest", "HSØ": "Helse Sør-Øst",
                "HSO": "Helse Sør-Øst", "HMN": "Helse Midt-Norge", "HM": "Helse Midt-Norge"}

#: Spellings of each region as a label, casefolded, hyphens and spaces folded to one space.
_REGION_LABELS = {
    "helse nord": "Helse Nord", "nord": "Helse Nord", "helse nord rhf": "Helse Nord",
    "helse vest": "Helse Vest", "vest": "Helse Vest", "helse vest rhf": "Helse Vest",
    "helse sør øst": "Helse Sør-Øst", "sør øst": "Helse Sør-Øst", "helse sørøst": "Helse Sør-Øst",
    "helse sør øst rhf": "Helse Sør-Øst",
    "helse midt norge": "Helse Midt-Norge", "midt norge": "Helse Midt-Norge",
    "helse midt": "Helse Midt-Norge", "midt": "Helse Midt-Norge",
    "helse midt norge rhf": "Helse Midt-Norge",
    "nasjonalt": NATIONAL, "nasjonal": NATIONAL,
    # the parts of the country each region serves, as decks also name them
    "nord norge": "Helse Nord", "vestlandet": "Helse Vest", "sør øst norge": "Helse Sør-Øst",
    "sør østlandet": "Helse Sør-Øst", "sørøst": "Helse Sør-Øst", "helse nord norge": "Helse Nord",
    "helse sø": "Helse Sør-Øst", "østlandet": "Helse Sør-Øst", "midt norge rhf": "Helse Midt-Norge",
    # each region's health trusts (HF) and IT company, as a region's own deck labels its lanes
    "unn": "Helse Nord", "universitetssykehuset nord norge": "Helse Nord",
    "nordlandssykehuset": "Helse Nord", "helgelandssykehuset": "Helse Nord",
    "finnmarkssykehuset": "Helse Nord", "helse nord ikt": "Helse Nord",
    "helse bergen": "Helse Vest", "haukeland": "Helse Vest", "helse stavanger": "Helse Vest",
    "helse fonna": "Helse Vest", "helse førde": "Helse Vest", "helse vest ikt": "Helse Vest",
    "oslo universitetssykehus": "Helse Sør-Øst", "ous": "Helse Sør-Øst",
    "akershus universitetssykehus": "Helse Sør-Øst", "ahus": "Helse Sør-Øst",
    "vestre viken": "Helse Sør-Øst", "sykehuset innlandet": "Helse Sør-Øst",
    "sykehuset østfold": "Helse Sør-Øst", "sykehuset telemark": "Helse Sør-Øst",
    "sykehuset i vestfold": "Helse Sør-Øst", "sørlandet sykehus": "Helse Sør-Øst",
    "sykehuspartner": "Helse Sør-Øst",
    "st olavs hospital": "Helse Midt-Norge", "st olavs": "Helse Midt-Norge",
    "helse møre og romsdal": "Helse Midt-Norge", "helse nord trøndelag": "Helse Midt-Norge",
    "hemit": "Helse Midt-Norge",
    # the counties each region serves
    "nordland": "Helse Nord", "troms": "Helse Nord", "finnmark": "Helse Nord",
    "troms og finnmark": "Helse Nord", "svalbard": "Helse Nord",
    "vestland": "Helse Vest", "rogaland": "Helse Vest", "vest norge": "Helse Vest",
    "vestlandet og rogaland": "Helse Vest",
    "trøndelag": "Helse Midt-Norge", "møre og romsdal": "Helse Midt-Norge",
    "oslo": "Helse Sør-Øst", "viken": "Helse Sør-Øst", "innlandet": "Helse Sør-Øst",
    "akershus": "Helse Sør-Øst", "buskerud": "Helse Sør-Øst", "østfold": "Helse Sør-Øst",
    "vestfold": "Helse Sør-Øst", "telemark": "Helse Sør-Øst", "vestfold og telemark":
    "Helse Sør-Øst", "agder": "Helse Sør-Øst", "østlandet og sørlandet": "Helse Sør-Øst",
}
#: Words around a region's name in a label ("Region Nord", "Helseregion Vest", "Helse
#: Nord RHF", "Helse Vest HF").
_REGION_WRAPPER = re.compile(
    r"^(?:(?:helse)?region(?:en)?|regionalt helseforetak)\s*:?\s+|"
    r"\s*(?:\s(?:rhf|hf|regionen|region)|regionen|\s*\((?:rhf|hf|hn|hv|hsø|hso|hmn|hm)\))$",
    re.I)
_LABEL_KEYS = list(_REGION_LABELS)
_ASCII_LABELS = {k.translate(str.maketrans("øåæ", "oae")): v for k, v in _REGION_LABELS.items()}
#: A logo or icon read as a symbol or a letter or two before the label ("oe NORD", "e@ HELSE
#: VEST", "CO SØR-ØST"), but not a short word ("i Vest" is no label).
_LEADING_JUNK = re.compile(r"^(?:[^\wæøå]+|(?!(?:i|på|pa|og|av|til|om|en|et)\b)\b\w{1,2}\b"
                           r"[^\wæøå\s]*)(?=\s*(?:helse|nord|vest|midt|s[øo0@g]r)\b)", re.I)
#: A speck read as a digit or a mark after the label ("Sør-Øst 1", "Helse Vest *").
_TRAILING_SPECK = re.compile(r"(?<=[\wæøå])\s+[^\wæøå\s]*\d?[^\wæøå\s]*$", re.I)
#: Letters OCR without Norwegian reads for ø/å/æ, folded for comparing bare labels.
_ASCII = str.maketrans({"ø": "o", "å": "a", "æ": "e", "@": "o", "0": "o", "g": "o"})
_FOLD = re.compile(r"[\s\-–—_/]+")


def fold(text: str) -> str:
    """Casefold and fold runs of spaces, dashes and slashes to one space.

    >>> fold("HELSE  SØR-ØST")
    'helse sør øst'
    """
    return _FOLD.sub(" ", text.casefold()).strip(" .:,;")


def region_label(text: str) -> str | None:
    """The canonical region when ``text`` is a region label and nothing else.

    Tolerates a logo read as a stray character or two before the label, and light OCR damage.

    >>> region_label("HELSE SØR-ØST"), region_label("& HELSE NORD"), region_label("Herse vest")
    ('Helse Sør-Øst', 'Helse Nord', 'Helse Vest')
    >>> region_label("oe NORD"), region_label("e@ SOR-OST"), region_label("i Vest")
    ('Helse Nord', 'Helse Sør-Øst', None)
    >>> region_label("Pasientens prøvesvar") is None
    True
    >>> region_label("HSØ"), region_label("Helse Midt"), region_label("hv"), region_label("HMN —")
    ('Helse Sør-Øst', 'Helse Midt-Norge', None, 'Helse Midt-Norge')
    >>> region_label("-HMN"), region_label("·HSØ"), region_label("Sør-Øst 1")
    ('Helse Midt-Norge', 'Helse Sør-Øst', 'Helse Sør-Øst')
    >>> region_label("H N"), region_label("H S Ø"), region_label("H X")
    ('Helse Nord', 'Helse Sør-Øst', None)
    >>> region_label("Region Nord"), region_label("Helseregion Vest"), region_label("Nord-Norge")
    ('Helse Nord', 'Helse Vest', 'Helse Nord')
    >>> region_label("Universitetssykehuset Nord-Norge"), region_label("Sykehuspartner HF")
    ('Helse Nord', 'Helse Sør-Øst')
    """
    cleaned = fold(_TRAILING_SPECK.sub("", _LEADING_JUNK.sub("", text.strip())))
    unwrapped = _REGION_WRAPPER.sub("", cleaned)
    if unwrapped != cleaned and unwrapped in _REGION_LABELS:
        return _REGION_LABELS[unwrapped]
    if cleaned in _REGION_LABELS:
        return _REGION_LABELS[cleaned]
    if not cleaned or len(cleaned) > 24 or any(ch.isdigit() for ch in cleaned):
        return None
    # "HMN —", "-HMN": a line or an arrow after the code, a speck of a logo before it
    code = text.strip().strip(" -–—|_=.:,;·•'\"")
    if re.fullmatch(r"[A-ZÆØÅ](?: [A-ZÆØÅ]){1,2}", code):  # OCR spaced a small code out
        code = code.replace(" ", "")
    if code.upper() in REGION_CODES and code.isupper():
        return REGION_CODES[code.upper()]
    if len(cleaned) < 8:  # bare "nord"/"vest" only exactly: too short to match fuzzily
        return _ASCII_LABELS.get(cleaned.translate(_ASCII))
    hit = process.extractOne(cleaned, _LABEL_KEYS, scorer=fuzz.ratio, score_cutoff=82)
    return _REGION_LABELS[hit[0]] if hit else None


def regional_label(text: str) -> str | None:
    """The region when ``text`` is the label of one of the four regions (not "Nasjonal").

    >>> regional_label("HELSE VEST"), regional_label("Nasjonalt")
    ('Helse Vest', None)
    """
    region = region_label(text)
    return region if region != NATIONAL else None


_CODE_GROUP = re.compile(r"\(\s*((?:HN|HV|HSØ|HSO|HMN|HM)(?:\s*[,/&]\s*(?:HN|HV|HSØ|HSO|HMN|HM))*)"
                         r"\s*\)")


def region_codes(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    """Regions named by codes in parentheses, and the spans of those parentheses.

    >>> region_codes("Pasientens prøvesvar (HSØ, HN, HV)")
    (['Helse Sør-Øst', 'Helse Nord', 'Helse Vest'], [(21, 34)])
    """
    regions, spans = [], []
    for m in _CODE_GROUP.finditer(text):
        for code in re.split(r"\s*[,/&]\s*", m.group(1)):
            region = REGION_CODES[code]
            if region not in regions:
                regions.append(region)
        spans.append(m.span())
    return regions, spans


_ANNOTATION_PAIR = re.compile(
    r"\s*(helse\s+(?:nord|vest|sør[\s-]*øst|midt(?:[\s-]*norge)?))"
    r"(?:\s+(20\d\d(?:\s*[-–]\s*(?:20)?\d\d)?\s*(?:→|->)?))?\s*", re.I)


def region_annotation(text: str) -> list[tuple[str, Period | None]] | None:
    """A label of regions with optional periods, as written under an item on some slides.

    >>> [(r, p.label if p else None) for r, p in region_annotation(
    ...     "HELSE VEST 2023-24 HELSE SØR-ØST 2024 HELSE NORD")]
    [('Helse Vest', '2023-2024'), ('Helse Sør-Øst', '2024'), ('Helse Nord', None)]
    >>> region_annotation("Helse Nord ønsker å presentere") is None
    True
    """
    pairs, pos = [], 0
    while pos < len(text):
        m = _ANNOTATION_PAIR.match(text, pos)
        if not m or m.end() == pos:
            return None
        pairs.append((region_label(m.group(1)), period(m.group(2)) if m.group(2) else None))
        pos = m.end()
    return pairs or None


@dataclass(frozen=True)
class Period:
    label: str
    start: int | None
    end: int | None


#: A dash that ends a year's label, with at most OCR's stray dots or a "+" after it
#: ("2027–", "2027 -.", "2027 -+": an arrow read as a dash): "and later".
_OPEN_DASH = r"[-–—]\+?(?=[\s.,:;'’]*$)"
_PERIOD = re.compile(
    r"^[^\w]*(?:(?:år|periode)\s+)?(?P<a>20\d\d)\s*"
    r"(?:(?P<dash>[-–—/]|\btil\b|\bto\b|\bog\b)\s*(?P<b>(?:20)?\d\d)\b)?\s*"
    rf"(?P<open>→|[-–—=]*\s?[>»]|{_OPEN_DASH}|\+|\bff\b\.?|"
    r"\bog\s+(?:senere|videre|fremover|framover|utover)\b)?[^\w]*$", re.I)
#: A logo or arrow glyph that OCR reads as a letter or two (or one digit) before a header
#: ("aa 2023-24", "OG 2025-2026", "5 2025 - 2026"), but not a word ("i 2024").
_SHORT_WORDS = "i|på|pa|om|og|en|et"
_PERIOD_JUNK = re.compile(rf"^(?!(?:{_SHORT_WORDS})\s)(?:[^\s\d]{{1,2}}|\d)\s+(?=20\d\d)", re.I)
#: The same glyph before a header of words: one or two letters that are no word.
_TERM_JUNK = re.compile(rf"^(?!(?:{_SHORT_WORDS}|nå)\s)[^\s\d]{{1,2}}\s+(?=\w{{3,}})", re.I)
#: (OCR reads "g" as "c" or "q" and "i" as "l" or "1", and may lose the space: "Lencer SIKT",
#: "Lencersikt")
_LONG_TERM = re.compile(r"^[^\w]*(?:på\s+)?(?:len[gcq](?:er|re)\s*s[il1]kt|lang\s+s[il1]kt|"
                        r"langsiktig|senere|fremtid(?:en)?|framtid(?:en)?|på sikt)[^\w]*$", re.I)
#: The other columns of a "now, next, later" roadmap.
_SHORT_TERM = re.compile(r"^[^\w]*(?:(?:på\s+)?kort\s+sikt|kortsiktig|nå|i\s+dag|"
                         r"nåsituasjon(?:en)?)[^\w]*$", re.I)
_MID_TERM = re.compile(r"^[^\w]*(?:(?:på\s+)?mellomlang\s+sikt|mellomlangsiktig|neste)"
                       r"[^\w]*$", re.I)
#: "Innen 2025", "Før 2026", "Frem til 2025": a period that ends in a year.
_UNTIL_YEAR = re.compile(r"^[^\w]*(?:innen(?:\s+utgangen\s+av)?|før|frem\s+til|fram\s+til|"
                         r"til\s+og\s+med|t\.o\.m\.?)\s+(20\d\d)[^\w]*$", re.I)
#: Two-digit years ("23-24", "25/26"): a range of one to four years in this century's 20s/30s.
_SHORT_YEARS = re.compile(r"^[^\w]*([23]\d)\s*[-–—/]\s*([23]\d)[^\w]*$")
#: A word that names the header ("Tidsperspektiv 2025-2026"), and a note in parentheses after
#: the period ("2023-2024 (pågår)").
_PERIOD_WORD = re.compile(r"^\s*(?:tidsperspektiv|tidsrom|tidshorisont|planperiode|"
                          r"periode|år)\s*:?\s+", re.I)
_PERIOD_NOTE = re.compile(r"\s*\([^)]{1,30}\)\s*$")
#: Years written inside a header with words around them ("Kort sikt (2023–2024)", "Fase 1:
#: 2023-2024", "’23–’24", "Fra 2024 og utover").
_EMBEDDED_YEARS = re.compile(
    r"(?:fra\s+(?:og\s+med\s+)?)?(?:20\d\d|[’'‘]\d\d)(?:\s*(?:[-–—/]|\btil\b)\s*"
    r"(?:20\d\d|[’'‘]?\d\d)\b)?(?:\s*(?:→|->|[-–—=]*\s?[>»]|\+|\bog\s+(?:senere|videre|"
    r"fremover|framover|utover)\b))?", re.I)
#: Words a period header may hold besides its years: a phase or horizon and its number, the
#: horizon's own words, a note on its state.
_HEADER_WORDS = frozenset([
    "fase", "steg", "etappe", "trinn", "periode", "horisont", "del", "kort", "mellomlang",
    "lang", "lenger", "lengre", "sikt", "nå", "neste", "senere", "pågående", "pågår", "planlagt",
    "gjennomført", "første", "andre", "tredje", "fjerde"
])
_AFTER_YEAR = re.compile(r"^[^\w]*(?:etter|after)\s+(20\d\d)[^\w]*$", re.I)
_FROM_YEAR = re.compile(r"^[^\w]*(?:fra(?:\s+og\s+med)?|f\.o\.m\.?|from)\s+(20\d\d)\s*"
                        r"(?:→|->|[-–—]?>|\+|og\s+(?:utover|senere|videre|fremover|framover))?"
                        r"[^\w]*$", re.I)


def period(text: str) -> Period | None:
    """A period header or label, normalized.

    >>> period("2023 - 2024")
    Period(label='2023-2024', start=2023, end=2024)
    >>> period("2025-26")
    Period(label='2025-2026', start=2025, end=2026)
    >>> period("2027 →"), period("Lenger sikt")
    (Period(label='2027→', start=2027, end=None), Period(label='Lenger sikt', start=None, end=None))
    >>> [period(t).label for t in ("2027 ->", "2027 -»", "2027 =>", "2027 »", "2027+", "2027")]
    ['2027→', '2027→', '2027→', '2027→', '2027→', '2027']
    >>> period("Timer 2.0") is None
    True
    >>> period("aa 2023-24").label, period("å 2027 -").label, period("i 2024") is None
    ('2023-2024', '2027→', True)
    >>> period("2027 -.").label, period("2027–").label, period("2027 -+").label  # an arrow
    ('2027→', '2027→', '2027→')
    >>> period("Oo LENGER SIKT").label, period("i lang sikt") is None, period("Lencer SIKT").label
    ('Lenger sikt', True, 'Lenger sikt')
    >>> period("Lencersikt").label, period("langsikt") is None
    ('Lenger sikt', True)
    >>> [period(t).label for t in ("2023/2024", "2023 til 2024", "2027 og senere", "Etter 2026",
    ...                             "På lengre sikt", "Senere", "År 2025", "2027 ff.")]
    ['2023-2024', '2023-2024', '2027→', '2027→', 'Lenger sikt', 'Lenger sikt', '2025', '2027→']
    >>> period("Fra 2027"), period("2023–27")
    (Period(label='2027→', start=2027, end=None), Period(label='2023-2027', start=2023, end=2027))
    >>> [period(t).label for t in ("Kort sikt", "Nå", "Mellomlang sikt", "Neste")]
    ['Kort sikt', 'Kort sikt', 'Mellomlang sikt', 'Mellomlang sikt']
    >>> [period(t).label for t in ("23-24", "2023 og 2024", "Tidsperspektiv 2025-2026",
    ...                             "2023-24 (pågår)")]
    ['2023-2024', '2023-2024', '2025-2026', '2023-2024']
    >>> [period(t).label for t in ("Kort sikt (2023–2024)", "Fase 2: 2025-26", "’23–’24",
    ...                             "Lang sikt (2027+)", "Fra 2024 og utover")]
    ['2023-2024', '2025-2026', '2023-2024', '2027→', '2024→']
    >>> period("HELSE VEST 2023-24") is None, period("Pilot 2023-2024") is None
    (True, True)
    >>> period("Innen 2025"), period("12-16") is None, period("Neste møte") is None
    (Period(label='Innen 2025', start=None, end=2025), True, True)
    >>> period("neste (under revurdering)") is None  # "helsetje|neste": a piece of an item
    True
    """
    text = text.strip()
    embedded = _embedded(text)
    if embedded is not None:  # the header's own years say more than its words
        return embedded
    found = _period(text)
    note = _PERIOD_NOTE.search(text)
    if note and status_value(note.group().strip(" ()")):
        return found  # "Neste (under revurdering)": an item's status, not a header's note
    if found is None and (_PERIOD_WORD.match(text) or note):
        found = _period(_PERIOD_NOTE.sub("", _PERIOD_WORD.sub("", text)))
    return found


def _embedded(text: str) -> Period | None:
    """The period written as years inside a header of a few header words ("Fase 2
    (2025-2026)"), or None (plain years are read by :func:`_period`; a region's name with
    years is an annotation, not a header)."""
    matches = list(_EMBEDDED_YEARS.finditer(text))
    if len(matches) != 1:
        return None
    m = matches[0]
    rest = (text[:m.start()] + " " + text[m.end():]).casefold()
    words = re.findall(r"[^\W\d_]+|\d+", rest)
    if not words and not re.search(r"[’'‘]", m.group()) and not m.group().lower().startswith(
            "fra"):
        return None
    if len(words) > 4 or not all(w in _HEADER_WORDS or (w.isdigit() and len(w) == 1)
                                 for w in words):
        return None
    years = re.sub(r"[’'‘](\d\d)", r"20\1", m.group())
    return _period(years)


#: "Lenger sikt" as OCR may give it with a space put in or left out and a letter misread
#: ("Lenc er Sikt"): the label's letters alone, this alike (rapidfuzz ratio) to the phrase's.
LONG_TERM_LIKENESS = 85


def _long_term(words: str) -> bool:
    """Whether ``words`` reads as "Lenger sikt" (or its other wordings).

    >>> _long_term("Lenc er Sikt"), _long_term("LENGER SIKT"), _long_term("Lenger sykehus")
    (True, True, False)
    """
    if _LONG_TERM.match(words):
        return True
    letters = re.sub(r"[\W\d_]+", "", words.casefold())
    return 8 <= len(letters) <= 12 and any(
        fuzz.ratio(letters, phrase) >= LONG_TERM_LIKENESS for phrase in ("lengersikt",
                                                                          "lengresikt"))


def _period(text: str) -> Period | None:
    for words in (text, _TERM_JUNK.sub("", text)):  # "Oo LENGER SIKT": an icon before it
        if _long_term(words):
            return Period("Lenger sikt", None, None)
        if _SHORT_TERM.match(words):
            return Period("Kort sikt", None, None)
        if _MID_TERM.match(words):
            return Period("Mellomlang sikt", None, None)
    m = _UNTIL_YEAR.match(text)
    if m:
        return Period(f"Innen {m.group(1)}", None, int(m.group(1)))
    m = _SHORT_YEARS.match(text)
    if m:
        a, b = int(m.group(1)), int(m.group(2))
        return Period(f"20{a}-20{b}", 2000 + a, 2000 + b) if 0 < b - a <= 4 else None
    m = _FROM_YEAR.match(text)
    if m:
        return Period(f"{m.group(1)}→", int(m.group(1)), None)
    m = _AFTER_YEAR.match(text)
    if m:  # "Etter 2026": from the year after
        return Period(f"{int(m.group(1)) + 1}→", int(m.group(1)) + 1, None)
    m = _PERIOD.match(text) or _PERIOD.match(_PERIOD_JUNK.sub("", text))
    if not m:
        return None
    start = int(m.group("a"))
    if m.group("b"):
        b = m.group("b")
        end = int(b) if len(b) == 4 else (start // 100) * 100 + int(b)
        if end < start:
            return None
        return Period(f"{start}-{end}", start, end)
    if m.group("open"):
        return Period(f"{start}→", start, None)
    return Period(str(start), start, start)


STATUSES = {
    "i drift": "i drift", "i produksjon": "i drift", "i prod": "i drift",
    "under revurdering": "under revurdering", "under revisjon": "under revurdering",
    "planlagt": "planlagt", "levert": "levert", "ferdigstilt": "levert",
    "ikke levert": "ikke levert", "ikke påbegynt": "ikke påbegynt", "pågår": "pågår",
    "under arbeid": "pågår", "i prosess": "pågår", "pilot": "pilot", "utprøving": "pilot",
    "nasjonalt prosjekt": "nasjonalt prosjekt", "avsluttet": "avsluttet",
    "utsatt": "utsatt", "stoppet": "avsluttet", "i gang": "pågår", "startet": "pågår",
    "aktivitet startet": "pågår", "ikke startet": "ikke påbegynt",
    "under utvikling": "pågår", "under innføring": "pågår", "i arbeid": "pågår",
    "revurderes": "under revurdering", "til revurdering": "under revurdering",
    "tatt i bruk": "i drift", "satt i drift": "i drift",
    "produksjonssatt": "i drift", "planlegges": "planlagt", "under planlegging": "planlagt",
    # more of the words decks use for the same states
    "ferdig": "levert", "fullført": "levert", "gjennomført": "levert", "ferdigstilt og levert":
    "levert", "innført": "i drift", "implementert": "i drift",
    "pågående": "pågår", "igangsatt": "pågår", "innføring pågår": "pågår",
    "utvikling pågår": "pågår", "under gjennomføring": "pågår",
    "pilotering": "pilot", "i pilot": "pilot", "testes": "pilot", "under test": "pilot",
    "stanset": "avsluttet", "kansellert": "avsluttet", "avlyst": "avsluttet",
    "forsinket": "forsinket", "på vent": "på vent", "avventer": "på vent",
    "satt på vent": "på vent", "nedprioritert": "utsatt",
    "under utredning": "under utredning", "utredes": "under utredning",
    "forprosjekt": "under utredning", "under vurdering": "under utredning",
    "konseptfase": "under utredning", "idéfase": "under utredning",
}
#: Status words that are rather a note about the item: a colour legend's status wins.
NOTE_STATUSES = frozenset({"nasjonalt prosjekt"})
_STATUS_ALT = "|".join(sorted(map(re.escape, STATUSES), key=len, reverse=True))
_INLINE_STATUS = re.compile(rf"\(\s*({_STATUS_ALT})\s*\)|(?:[-–—]|(?<=\w)[,:;])\s*({_STATUS_ALT})"
                            r"\s*\.?$", re.I)
_WHOLE_STATUS = re.compile(rf"^\W*({_STATUS_ALT})\W*$", re.I)
_YES_NO_STATUS = re.compile(r"(ferdigstilt(?: og levert)?|levert)\s*:\s*(ja|nei)\b", re.I)


def inline_status(text: str) -> tuple[str | None, tuple[int, int] | None]:
    """A status note written inside an item, and its span.

    >>> inline_status("Timevisning via Helsenorge (i drift)")
    ('i drift', (27, 36))
    >>> inline_status("Samvalg (Under revurdering)")[0]
    'under revurdering'
    >>> inline_status("Timer 2.0, i drift"), inline_status("Timer 2.0: under revurdering.")[0]
    (('i drift', (9, 18)), 'under revurdering')
    """
    m = _INLINE_STATUS.search(text)
    if not m:
        return None, None
    return STATUSES[(m.group(1) or m.group(2)).casefold()], m.span()


#: A letter or two that OCR reads alone before a text: a legend's colour swatch before its
#: status ("fl Pågår"), a chevron's edge before a tick ("hå H1 2023").
_STRAY_LEAD = r"^[^\W\d]{1,2}\s+(?=\S)"
_SWATCH = re.compile(_STRAY_LEAD)


def status_value(text: str) -> str | None:
    """The status when ``text`` is only a status (a table cell, a line under an item).

    >>> status_value("Under revurdering"), status_value("Nasjonalt prosjekt")
    ('under revurdering', 'nasjonalt prosjekt')
    >>> status_value("Ferdigstilt og levert: Nei")
    'ikke levert'
    >>> status_value("fl Pågår"), status_value("I drift")  # a legend's swatch read as "fl"
    ('pågår', 'i drift')
    """
    m = _WHOLE_STATUS.match(text.strip()) or _WHOLE_STATUS.match(_SWATCH.sub("", text.strip()))
    if m:
        return STATUSES[m.group(1).casefold()]
    m = _YES_NO_STATUS.search(text)
    if m:
        return "levert" if m.group(2).casefold() == "ja" else "ikke levert"
    return None


MONTHS = {
    "januar": 1, "jan": 1, "februar": 2, "feb": 2, "mars": 3, "mar": 3, "april": 4, "apr": 4,
    "mai": 5, "may": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "oct": 10, "november": 11,
    "nov": 11, "desember": 12, "des": 12, "dec": 12,
}
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
_NUMERIC_DATE = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.((?:19|20)?\d\d)(?![\d])")
_ISO_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)-(\d\d)-(\d\d)(?!\d)")
_WORD_DATE = re.compile(rf"(?<!\d)(\d{{1,2}})\.?\s+({_MONTH_ALT})\.?\s+((?:19|20)\d\d)\b", re.I)


@dataclass(frozen=True)
class DateMatch:
    value: date
    start: int
    end: int


def find_dates(text: str) -> list[DateMatch]:
    """Every full date in ``text`` (numeric, ISO or with a Norwegian month name), in order.

    >>> [d.value.isoformat() for d in find_dates("Møte 20. April 2023, frist 30.04.2023")]
    ['2023-04-20', '2023-04-30']
    """
    found = []
    for pattern, order in ((_NUMERIC_DATE, "dmy"), (_ISO_DATE, "ymd"), (_WORD_DATE, "dMy")):
        for m in pattern.finditer(text):
            a, b, c = m.groups()
            try:
                if order == "dmy":
                    year = int(c) + (2000 if len(c) == 2 else 0)
                    value = date(year, int(b), int(a))
                elif order == "ymd":
                    value = date(int(a), int(b), int(c))
                else:
                    value = date(int(c), MONTHS[b.casefold()], int(a))
            except ValueError:
                continue
            found.append(DateMatch(value, m.start(), m.end()))
    found.sort(key=lambda d: d.start)
    return found


_DUE = re.compile(r"(leveransedato|leveranse|frist|planlagt prod(?:uksjon)?|prod(?:satt)?|"
                  r"ferdig|levert|dato)\s*:?\s*$", re.I)


_MONTH_YEAR = re.compile(rf"(?<![\w.])({_MONTH_ALT})\.?\s+((?:19|20)\d\d)\b", re.I)


def due_date(text: str) -> tuple[date | None, tuple[int, int] | None]:
    """A delivery date announced in ``text`` ("Leveransedato: 30.04.2023"), with its span from
    the keyword to the end of the date.

    >>> due_date("Dokumentdeling via Kjernejournal – Leveransedato: 30.04.2023")
    (datetime.date(2023, 4, 30), (35, 60))
    >>> due_date("Fleksibel dialog – Prod: Mai 2024"), due_date("Innføring i mai 2024")
    ((datetime.date(2024, 5, 31), (19, 33)), (None, None))
    """
    for d in find_dates(text):
        m = _DUE.search(text[: d.start])
        if m:
            return d.value, (m.start(), d.end)
    for mm in _MONTH_YEAR.finditer(text):  # "Prod: Mai 2024": the month's last day
        m = _DUE.search(text[: mm.start()])
        if m:
            return _month_end(mm), (m.start(), mm.end())
    return None, None


def _month_end(m: re.Match) -> date:
    """The last day of the month a ``_MONTH_YEAR`` match names."""
    month, year = MONTHS[m.group(1).casefold()], int(m.group(2))
    return date(year + month // 12, month % 12 + 1, 1) - date.resolution


def date_value(text: str) -> date | None:
    """The date a value states (a "Leveransedato" cell or line): its first full date, else
    a month and year (the month's last day).

    >>> date_value("30.04.2023"), date_value("Mai 2024"), date_value("2025")
    (datetime.date(2023, 4, 30), datetime.date(2024, 5, 31), None)
    """
    dates = find_dates(text)
    if dates:
        return dates[0].value
    m = _MONTH_YEAR.search(text)
    return _month_end(m) if m else None


@dataclass(frozen=True)
class Tick:
    """A mark on a timeline's time axis: the span of time it names, in fractional years."""

    label: str
    start: float
    end: float
    unit: str  # "year", "half", "quarter", "month"
    open: bool = False


_TICK_YEAR = re.compile(rf"^[^\w]*(20\d\d)\s*(→|->|[-–—]?>|\+|{_OPEN_DASH})?[^\w]*$")
_TICK_QUARTER = re.compile(r"^\W*(?:[QK]\s?([1-4])|([1-4])\.\s*(?:kv\.?|kvartal))\s*[-–/]?\s*"
                           r"(20\d\d|'?\d\d)\W*$", re.I)
_TICK_HALF = re.compile(r"^\W*(?:H\s?([12])|([12])\.\s*halvår)\s*[-–/]?\s*(20\d\d|'?\d\d)\W*$",
                        re.I)
_TICK_MONTH = re.compile(rf"^\W*({_MONTH_ALT})\.?\s*[-–/]?\s*(20\d\d|'?\d\d)\W*$", re.I)


def _year(text: str) -> int:
    digits = text.lstrip("'")
    return int(digits) if len(digits) == 4 else 2000 + int(digits)


#: What OCR makes of a chevron's edge or an arrow beside a tick: a letter or two alone
#: before or after it ("i H2 2023", "hå H1 2023", "Hl 2024 i").
_TICK_NOISE = re.compile(rf"{_STRAY_LEAD}|(?<=\S)\s+[^\W\d]{{1,2}}$")
#: A quarter's or half's "1" read as a letter ("Hl 2024", "QI 2025").
_TICK_ONE = re.compile(r"\b([HQK])\s?[lI|](?=\s)")


def time_tick(text: str) -> Tick | None:
    """A time-axis label: a year, a quarter, a half or a month; a scan's stray letter
    beside it, or a "1" read as "l", does not keep it from being one.

    >>> [(t.unit, t.start, t.end) for t in map(time_tick, ("2025", "Q3 2025", "K1 2024",
    ...                                                     "H2 2024", "1. halvår 2025",
    ...                                                     "jan 2025"))]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('year', 2025.0, 2026.0), ('quarter', 2025.5, 2025.75), ('quarter', 2024.0, 2024.25),
     ('half', 2024.5, 2025.0), ('half', 2025.0, 2025.5), ('month', 2025.0, 2025.0833333333333)]
    >>> time_tick("2027 →").open, time_tick("2023-2024") is None, time_tick("Timer 2.0") is None
    (True, True, True)
    >>> [time_tick(t).label for t in ("i H2 2023", "Hl 2024 i")], time_tick("Nye 2025") is None
    (['H2 2023', 'H1 2024'], True)
    """
    text = _TICK_NOISE.sub("", _TICK_ONE.sub(r"\g<1>1", text.strip()))
    m = _TICK_YEAR.match(text)
    if m:
        year = int(m.group(1))
        return Tick(text, float(year), year + 1.0, "year", bool(m.group(2)))
    m = _TICK_QUARTER.match(text)
    if m:
        q, year = int(m.group(1) or m.group(2)), _year(m.group(3))
        return Tick(text, year + (q - 1) / 4, year + q / 4, "quarter")
    m = _TICK_HALF.match(text)
    if m:
        h, year = int(m.group(1) or m.group(2)), _year(m.group(3))
        return Tick(text, year + (h - 1) / 2, year + h / 2, "half")
    m = _TICK_MONTH.match(text)
    if m:
        month, year = MONTHS[m.group(1).casefold()], _year(m.group(2))
        return Tick(text, year + (month - 1) / 12, year + month / 12, "month")
    return None


#: One time tick inside a longer text (the unanchored forms of ``time_tick``).
_TICK_ANY = re.compile(
    rf"(?<!\w)(?:(?:[QK]\s?[1-4]|[1-4]\.\s*(?:kv\.?|kvartal)|H\s?[12]|[12]\.\s*halvår|"
    rf"(?:{_MONTH_ALT})\.?)\s*[-–/]?\s*(?:20\d\d|'\d\d)|20\d\d(?:\s*(?:→|->|\+))?)(?!\w)",
    re.I)


_TICK_GAP = re.compile(r"[\s|·•]*(?:(?<![^\s|·•])(?!og|to|or)[^\W\d]{1,2}(?![^\s|·•])"
                       r"[\s|·•]*)?")


def tick_runs(text: str) -> list[tuple[int, int]] | None:
    """The spans of the ticks a time axis's labels make when a text layer joined them into
    one line ("1. halvår 2024 2. halvår 2024 1. halvår 2025"): two or more ticks of one
    unit, later each, with nothing but white space between them (or a scan's stray letter
    or two, "H2 2024 EN H1 2025"); else None.

    >>> tick_runs("Q1 2025  Q2 2025 Q3 2025")
    [(0, 7), (9, 16), (17, 24)]
    >>> tick_runs("2025 Timer 2.0") is None, tick_runs("2024 2023") is None
    (True, True)
    >>> tick_runs("2025-2026") is None, tick_runs("2023 - 2024") is None
    (True, True)
    >>> tick_runs("H2 2024 EN Hl 2025 OE H2 2025 i"), tick_runs("Q1 2025 og Q2 2025")
    ([(0, 7), (11, 18), (22, 29)], None)

    A scan's axis row whose middle OCR damaged beyond a stray letter keeps its longest clean
    run when that holds at least :data:`DAMAGED_ROW_TICKS` ticks (a sentence does not name
    four dates in a row); the rest of the row is left unread:

    >>> [s for s in tick_runs("Jan 2025 Feb 2025 p Mar 2025 Apr 2025 an ik , EN Jun 2025 "
    ...                       "å sørge Okt 2025 av 2008 AE")]
    [(0, 8), (9, 17), (20, 28), (29, 37)]
    >>> tick_runs("Levert jan 2025 feb 2025 mar 2025, deretter apr 2025") is None
    True
    """
    spans = [m.span() for m in _TICK_ANY.finditer(_TICK_ONE.sub(r"\g<1>1", text))]
    if len(spans) < 2 or period(text) is not None:
        return None  # "2025-2026" is one period, not two ticks
    rest = [text[a:b] for a, b in zip([0] + [e for _, e in spans],
                                      [s for s, _ in spans] + [len(text)], strict=True)]
    clean = [bool(_TICK_GAP.fullmatch(r)) for r in rest]
    if all(clean):
        return spans if _one_rising_unit(text, spans) else None
    # runs of ticks with only a stray letter or two between them (gap k lies before tick k)
    runs, run = [], [0]
    for k in range(1, len(spans)):
        if clean[k]:
            run.append(k)
        else:
            runs.append(run)
            run = [k]
    runs.append(run)
    best = [spans[k] for k in max(runs, key=len)]
    if len(best) >= DAMAGED_ROW_TICKS and _one_rising_unit(text, best):
        return best
    return None


#: Fewest ticks in a row that make a time axis of a line OCR damaged elsewhere.
DAMAGED_ROW_TICKS = 4


def _one_rising_unit(text: str, spans: list[tuple[int, int]]) -> bool:
    """Whether the ticks at ``spans`` are of one unit, each later than the one before."""
    ticks = [time_tick(text[a:b]) for a, b in spans]
    return all(t is not None for t in ticks) and len({t.unit for t in ticks}) == 1 and all(
        b.start > a.start for a, b in zip(ticks, ticks[1:], strict=False))


#: Colour words as legends write them, with a typical shade of each.
COLOUR_WORDS = {
    "grønn": "2E9E44", "grønt": "2E9E44", "grønne": "2E9E44", "gul": "F2C500", "gult": "F2C500",
    "gule": "F2C500", "oransje": "F28C00", "rød": "D9262B", "rødt": "D9262B", "røde": "D9262B",
    "blå": "1F5FBF", "blått": "1F5FBF", "blåe": "1F5FBF", "grå": "8C8C8C", "grått": "8C8C8C",
    "svart": "000000", "sort": "000000", "lilla": "7B3FA0", "fiolett": "7B3FA0",
    "gråe": "8C8C8C", "svarte": "000000", "rosa": "F4A6C1", "turkis": "30B5B5",
    "brun": "8B5A2B", "brunt": "8B5A2B", "lyserød": "F4A6C1", "orange": "F28C00",
    "oransje farge": "F28C00", "gylden": "F2C500", "limegrønn": "2E9E44", "mørkegrønn": "2E9E44",
    "lysegrønn": "2E9E44", "mørkeblå": "1F5FBF", "lyseblå": "1F5FBF", "mørkerød": "D9262B",
    "lysegrå": "8C8C8C", "mørkegrå": "8C8C8C", "gulgrønn": "2E9E44",
}
_COLOUR_ALT = "|".join(sorted(COLOUR_WORDS, key=len, reverse=True))
_COLOUR_ANYWHERE = re.compile(rf"(?<!\w)({_COLOUR_ALT})(?!\w)", re.I)
_LEGEND = re.compile(rf"^\W*(?:(?:lys|mørk)e?\s*)?({_COLOUR_ALT})\b"
                     rf"\s*(?:tekst|farge|boks|felt|skrift)?\s*[:=–—\-]\s*(.+)$", re.I)


#: A legend's line that is only a colour word and a status (its colon lost on a scan).
_BARE_LEGEND = re.compile(rf"^\W*({_COLOUR_ALT})\s+((?:{_STATUS_ALT}))\W*$", re.I)


def legend_entry(text: str) -> tuple[str, str] | None:
    """A colour legend's line: the colour word's shade and the status it stands for.

    >>> legend_entry("Grønn: i drift"), legend_entry("Grønn tekst – Aktivitet startet i Helse Vest")
    (('2E9E44', 'i drift'), ('2E9E44', 'pågår'))
    >>> legend_entry("Svart tekst – Aktivitet ikke påbegynt"), legend_entry("Grønn vekst")
    (('000000', 'ikke påbegynt'), None)
    >>> legend_entry("I drift: grønn"), legend_entry("Tekst i rødt betyr under revurdering")
    (('2E9E44', 'i drift'), ('D9262B', 'under revurdering'))
    >>> legend_entry("Pågår (gul)"), legend_entry("planlagt = blå"), legend_entry("Orange: pågår")
    (('F2C500', 'pågår'), ('1F5FBF', 'planlagt'), ('F28C00', 'pågår'))
    >>> legend_entry("Hele planlagt Blå: pågår")  # an item's words run into the line
    ('1F5FBF', 'pågår')
    >>> legend_entry("Grønn i drift"), legend_entry("Blå pågår")  # OCR lost the colon
    (('2E9E44', 'i drift'), ('1F5FBF', 'pågår'))
    """
    text = " ".join(text.split())
    m = _LEGEND.match(text) or _BARE_LEGEND.match(text)
    if m:
        status = status_in(m.group(2))
        return (COLOUR_WORDS[m.group(1).casefold()], status) if status else None
    # any other short wording with one colour word and one status ("I drift: grønn",
    # "Tekst i rødt betyr under revurdering")
    colours = {COLOUR_WORDS[w.casefold()] for w in _COLOUR_ANYWHERE.findall(text)}
    status = status_in(text)
    found = {STATUSES[m.group(1).casefold()]: m.start() for m in _STATUS_ANYWHERE.finditer(text)}
    if len(found) > 1 and (colour := _COLOUR_ANYWHERE.search(text)):
        # two statuses (another text run into the line, "Hele planlagt Blå: pågår"): the
        # one that follows the colour word is the legend's
        after = [(at, st) for st, at in found.items() if at > colour.start()]
        status = min(after)[1] if after else None
    if len(colours) == 1 and status and len(text.split()) <= 8 and ":" in text or (
            len(colours) == 1 and status and re.search(
                rf"\bbetyr\b|=|\bviser\b|\(\s*(?:{_COLOUR_ALT})\s*\)", text, re.I)):
        return colours.pop(), status
    return None


_STATUS_ANYWHERE = re.compile(rf"(?<!\w)({_STATUS_ALT})(?!\w)", re.I)


def status_in(text: str) -> str | None:
    """The longest status phrase anywhere in ``text`` (for legends and notes).

    >>> status_in("Helse Vest planlegger å ta i bruk"), status_in("Aktivitet ikke påbegynt")
    ('planlagt', 'ikke påbegynt')
    """
    best = None
    for m in _STATUS_ANYWHERE.finditer(text):
        if best is None or len(m.group(1)) > len(best):
            best = m.group(1)
    if best is None and re.search(r"\bplanlegger\b", text, re.I):
        return "planlagt"
    return STATUSES[best.casefold()] if best else None


#: Words a roadmap item often starts with that say what is done rather than what it is; decks
#: drop them as often as they write them ("Støtte for digitalt skademeldingsskjema" for
#: "Utvikle støtte for ...").
_LEADING_ACTION = re.compile(
    r"^(?:utvikle|utvikling av|videreutvikle|videreutvikling av|etablere|etablering av|"
    r"etablering|innføre|innføring av|innføring|implementere|implementering av|utprøving av|"
    r"utprøving|utrede|utredning av|ta i bruk|pilotere|pilot(?:ering)? av|vise|visning av|"
    r"tilby|tilrettelegge for|forbedre|forbedring av)\s+", re.I)


def without_leading_action(name: str) -> str | None:
    """A name with its leading action word dropped, when at least two words remain.

    >>> without_leading_action("Utvikle støtte for digitalt skademeldingsskjema")
    'støtte for digitalt skademeldingsskjema'
    >>> without_leading_action("Etablering Datadeling DHO (DEIS)")
    'Datadeling DHO (DEIS)'
    >>> without_leading_action("Innføring dokumentdeling"), without_leading_action("Timer 2.0")
    (None, None)
    """
    m = _LEADING_ACTION.match(name.strip())
    if not m:
        return None
    rest = name.strip()[m.end():]
    return rest if len(rest.split()) >= 2 else None


_NOTE_TAIL = re.compile(r"(?:\s*[-–—]\s*|\s*\n\s*|\s+)(nasjonalt prosjekt|nasjonal satsing|"
                        r"regionalt prosjekt|felles prosjekt)\s*$", re.I)
_TIME_NOTE = re.compile(r"\s*\(\s*(?:[^()]*?\b(?:20\d\d|Q[1-4]|K[1-4]|H[12]|halvår|høst(?:en)?|"
                        r"vår(?:en)?)\b[^()]*?)\)\s*$", re.I)
_ACRONYM_NOTE = re.compile(r"\s*\(\s*([A-ZÆØÅ]{2,8})\s*\)\s*$")


def split_notes(text: str) -> tuple[str, list[str]]:
    """An item's text without the notes written after its name, and the notes: a delivery
    date ("– Leveransedato: 30.04.2023"), a status ("(i drift)", "– planlagt"), a time
    ("(Q3-Q4 2023)"), a project note ("– nasjonalt prosjekt") or an acronym in parentheses
    ("(NILAR)"; the matcher indexes catalogue names without such an acronym too).

    >>> split_notes("Pasienten booker time selv – Leveransedato: 30.04.2023")
    ('Pasienten booker time selv', ['Leveransedato: 30.04.2023'])
    >>> split_notes("Pasientens prøvesvar (NILAR) (i drift)")
    ('Pasientens prøvesvar', ['i drift', 'NILAR'])
    >>> split_notes("Timer 2.0 (Q3-Q4 2023)"), split_notes("Etablering DHO (DEIS)")
    (('Timer 2.0', ['Q3-Q4 2023']), ('Etablering DHO', ['DEIS']))
    >>> split_notes("Smarte brev\\nNasjonalt prosjekt")
    ('Smarte brev', ['Nasjonalt prosjekt'])
    """
    core, notes = text.strip(), []
    for _ in range(4):
        before = core
        _, span = due_date(core)
        if span and span[1] >= len(core.rstrip(" .)")) - 1 and span[0] > 0:
            cut = core[: span[0]].rstrip(" –—-:,(")
            notes.append(core[span[0]: span[1]].strip())
            core = cut
        status, span = inline_status(core)
        if status and span[1] >= len(core.rstrip()) and span[0] > 0:
            notes.append(core[span[0]: span[1]].strip(" ()–—-,:;."))
            core = core[: span[0]].rstrip(" –—-,:;")
        for pattern in (_NOTE_TAIL, _TIME_NOTE):
            m = pattern.search(core)
            if m and m.start() > 0:
                notes.append(m.group(0).strip(" ()–—-\n"))
                core = core[: m.start()].rstrip(" –—-")
        m = _ACRONYM_NOTE.search(core)
        if m and m.start() > 0:
            notes.append(m.group(1))
            core = core[: m.start()].rstrip()
        if core == before:
            break
    return (core if len(core) >= 3 else text.strip()), notes
