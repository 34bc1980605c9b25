"""Which language a page is written in, from which of wordfreq's word lists each of its words
is most common in. OCR repair is for Norwegian: a page that reads as English, French, Latin or
another language passes through unchanged.

Each word votes for the language where it is clearly most frequent (by ``MARGIN`` on the zipf
scale); words about as common in several (``i``, ``for``, ``status``) and words no list knows
(OCR damage such as "mgter", names, codes) do not vote. Norwegian web text is full of English,
so a word's being listed is no evidence; its frequency is.
"""

from __future__ import annotations

import functools
import math
import re

import wordfreq

#: The lists compared with Norwegian Bokmål: the languages a Norwegian secretariat's inbox
#: holds besides Norwegian, and Swedish, the one closest to it.
LANGUAGES = ("nb", "en", "sv", "de", "fr", "nl", "es", "it", "pt", "fi")
#: Fewer words than this: too little to tell (a slide title); treated as Norwegian.
MIN_WORDS = 12
#: How much likelier (zipf) a word must be in one language than in any other to vote for it.
MARGIN = 0.5
#: Share of the voting words the winner needs to be named; less, and the page is "und"
#: (Latin splits its votes between Italian, Spanish and French).
NAMED_SHARE = 0.7
_WORD = re.compile(r"[^\W\d_]{2,}")


@functools.cache
def _zipf(lang: str) -> dict[str, float]:
    """wordfreq's small list for ``lang`` as word -> zipf (loaded in about 10 ms)."""
    return {w: math.log10(f) + 9 for w, f in
            wordfreq.get_frequency_dict(lang, wordlist="small").items() if f > 0}


@functools.lru_cache(maxsize=1 << 16)
def _vote(word: str) -> str | None:
    """The language ``word`` (casefolded) votes for, or None. Kept per word: a page's words
    are mostly words every page has, and each vote looks in ten lists."""
    ranked = sorted(((_zipf(lang).get(word, 0.0), lang) for lang in LANGUAGES), reverse=True)
    (top, lang), (second, _) = ranked[0], ranked[1]
    return lang if top > 0 and top - second >= MARGIN else None


def votes(text: str) -> tuple[dict[str, int], int]:
    """How many words of ``text`` vote for each language, and the number of words."""
    words = [w.casefold() for w in _WORD.findall(text)]
    counts = dict.fromkeys(LANGUAGES, 0)
    for word in words:
        lang = _vote(word)
        if lang is not None:
            counts[lang] += 1
    return counts, len(words)


def page_language(text: str) -> str | None:
    """"nb" for Norwegian, another wordfreq code ("en", "fr"), "und" for none of them, or None
    when the text is too short to tell.

    >>> page_language("Pasienten kan nå se prøvesvar og timeavtaler på Helsenorge, og sende "
    ...               "meldinger til behandler. Digital dialog er under revurdering i Helse Vest.")
    'nb'
    >>> page_language("The roadmap shows the planned digital services for patients. Each "
    ...               "region reports the status of its projects every quarter.")
    'en'
    >>> page_language("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod "
    ...               "tempor incididunt ut labore et dolore magna aliqua.")
    'und'
    >>> page_language("Timer 2.0") is None
    True
    """
    counts, words = votes(text)
    if words < MIN_WORDS:
        return None
    lang = max(counts, key=lambda k: (counts[k], k == "nb"))
    if lang == "nb":
        return "nb"
    return lang if counts[lang] >= NAMED_SHARE * sum(counts.values()) else "und"


def reads_norwegian(text: str) -> bool:
    """Whether OCR repair may apply to ``text``: Norwegian, or too short to tell."""
    return page_language(text) in ("nb", None)
