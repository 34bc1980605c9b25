"""Repair OCR-damaged Norwegian without inventing new damage.

OCR engines that do not know Norwegian read ``ø`` as ``o``/``g``/``@``, ``å`` as ``a``/``4``,
``æ`` as ``z``/``ee`` and so on. A generic spell checker makes this worse (hunspell's first
suggestion for ``mgter`` is ``meter``). Here:

- candidates come from an OCR **confusion model** (the substitutions above, each with a cost),
  not from generic edit distance; a dropped letter is a costlier last resort;
- a word is replaced only when a candidate is a real word that is clearly more likely than
  what was read: ``zipf(candidate) - cost > zipf(original) + MIN_GAIN``, with word
  frequencies from wordfreq's Norwegian Bokmål list, hunspell's nb_NO dictionary (through
  spylls, for compounds wordfreq has never seen) and the catalogue's own vocabulary;
- numbers, codes (``DIPS``, ``12-16``, ``2.0``), and words already at least as likely as any
  candidate are left alone, and text that does not look damaged is not touched at all;
- every change is recorded (rule, before, after, position); the input is never modified.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import wordfreq

MIN_GAIN = 1.0
#: damaged -> (correct, cost). Lower case; case is restored from the damaged word.
CONFUSIONS: dict[str, tuple[tuple[str, float], ...]] = {
    "o": (("ø", 0.3),),
    "g": (("ø", 0.3),),
    "@": (("ø", 0.1), ("å", 0.6)),
    "0": (("ø", 0.3),),
    "a": (("å", 0.3), ("ø", 0.8), ("æ", 0.9)),
    "e": (("æ", 0.5), ("ø", 0.8)),
    "d": (("å", 0.6),),
    "4": (("å", 0.2),),
    "&": (("å", 0.2),),
    "z": (("æ", 0.3),),
    "ee": (("æ", 0.4),),
    "ae": (("æ", 0.4),),
    "ze": (("æ", 0.4),),
    "ad": (("å", 0.6),),
    "é": (("å", 0.3),),
    "ig": (("lø", 0.6),),
    "m": (("rn", 0.6),),
}
#: An all-capital short token (an acronym, most likely) is changed only with this gain.
ACRONYM_GAIN = 3.0
#: Letters OCR drops: thin ones (l, i, r, t, j, f) and a final e.
INSERT_LETTERS = "lirtjfe"
INSERT_COST = 1.5
HUNSPELL_MAX_COST = 0.9
INSERT_MIN_ZIPF = 3.5
INSERT_MIN_GAIN = 2.5
MAX_SUBSTITUTIONS = 3
MAX_POSITIONS = 10
HUNSPELL_PATHS = ("/usr/share/hunspell/nb_NO", "/usr/share/myspell/dicts/nb_NO")

_WORD = re.compile(r"[^\W\d_]+|[@&][^\W\d_]*|[^\W\d_]+[@&0][^\W\d_@&0]*", re.UNICODE)
_TOKEN = re.compile(r"(?:[^\W_]|[@&])+", re.UNICODE)
_LONE_A = re.compile(r"(?<=[a-zæøå4&] )(?:[4&a](?= [a-zæøå4&])|a(?=[:.]?$))"
                     r"|(?<=\b(?:til|for) )4(?=[:.]?$)", re.M)
_LINE_WITH_NUMBER = re.compile(r"\d.*\b(?:til|for) 4[:.]?$", re.M)
#: Hyphenated names whose parts are damaged together ("Sgr-@st", "S@R-OST").
PHRASES = ("sør-øst", "midt-norge")
_HYPHENATED = re.compile(r"(?:[^\W_]|[@&])+-(?:[^\W_]|[@&])+")
#: Damaged readings that are words themselves, told apart by their neighbours: (read, meant,
#: words after which the reading is right, words before which the reading is right).
CONTEXT_RULES = (
    ("bor", "bør", set(), {"i", "på", "hos", "sammen", "alene", "der", "her", "ute",
                           "hjemme", "nær", "med", "like", "i.", "på."}),
    ("far", "får", {"min", "din", "sin", "hans", "hennes", "deres", "vår", "en", "og", "til",
                    "fra", "med", "om", "som", "barnets", "mor", "hvis"}, {"og", "til", "mor"}),
    ("mate", "møte", {"på", "en", "samme", "denne", "hvilken", "annen", "ny", "god", "slik"},
     set()),
)
_CONTEXT_WORDS = re.compile(r"\b(" + "|".join(r[0] for r in CONTEXT_RULES) + r")\b", re.I)
#: "l" read for "I" inside a run of capitals ("APler" = APIer, "SlO" = SIO).
_CAPITAL_I = re.compile(r"(?<=[A-ZÆØÅ]{2})l(?=er\b|[A-ZÆØÅ])|(?<=[A-ZÆØÅ])l(?=[A-ZÆØÅ])")
_OCR_BULLET = re.compile(r"^[ \t]*(?:e|°|»|\*|«)(?=[ \t]+[A-ZÆØÅ«\d])", re.M)


@dataclass(frozen=True)
class Change:
    rule: str  # "confusion", "insertion", "lone-å", "bullet"
    before: str
    after: str
    start: int  # offset in the input text
    end: int

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Repaired:
    text: str
    changes: list[Change]
    damaged: bool


@functools.cache
def _frequencies() -> dict[str, float]:
    """wordfreq's Norwegian Bokmål list as word -> zipf, read once (a dict lookup is 50 times
    faster than ``wordfreq.zipf_frequency``, which tokenizes every query)."""
    return {word: round(math.log10(freq) + 9, 2)
            for word, freq in wordfreq.get_frequency_dict("nb", wordlist="large").items()
            if freq > 0}


class Lexicon:
    """Word likelihoods (zipf scale, 0 = unknown) from wordfreq nb, hunspell nb_NO and the
    catalogue's vocabulary."""

    def __init__(self, vocabulary: set[str] | None = None, hunspell: str | None = None):
        self.vocabulary = {w.casefold() for w in (vocabulary or set())}
        self._hunspell_path = hunspell

    @functools.cached_property
    def hunspell(self):
        from spylls.hunspell import Dictionary

        for path in ([self._hunspell_path] if self._hunspell_path else HUNSPELL_PATHS):
            if Path(path + ".dic").exists():
                return Dictionary.from_files(path)
        return None

    @functools.lru_cache(maxsize=200_000)  # noqa: B019 - one lexicon per process
    def zipf(self, word: str, deep: bool = True, hunspell: bool = True) -> float:
        """How common ``word`` is (lower case, zipf scale, 0 = unknown). ``deep`` also reads
        compounds from their parts (wordfreq knows many long words only from text typed
        without æøå, so the parts tell more) and, failing that (``hunspell``), asks hunspell."""
        z = self._listed(word)
        if deep and len(word) >= 8 and (z == 0 or word in self.vocabulary):
            z = max(z, self._compound(word))
        if z == 0 and deep and hunspell and len(word) > 3 and self.hunspell is not None \
                and self.hunspell.lookup(word):
            z = 2.5
        return z

    def _listed(self, word: str) -> float:
        z = _frequencies().get(word, 0.0)
        return max(z, 3.5) if word in self.vocabulary else z

    def _compound(self, word: str, depth: int = 0) -> float:
        """A Norwegian compound's likelihood: a listed head (with a linking s or e) and a
        listed tail, a notch rarer than the rarer part."""
        best = 0.0
        for i in range(3, len(word) - 3):
            head, tail = word[:i], word[i:]
            z_head = self._listed(head)
            if z_head < 2 and head[-1] in "se" and len(head) > 3:
                z_head = self._listed(head[:-1])
            if z_head < 2:
                continue
            z_tail = self._listed(tail)
            if z_tail < 2 and depth == 0 and len(tail) >= 8:
                z_tail = self._compound(tail, 1) - 0.5  # three parts: rarer still
            if z_tail >= 2:
                best = max(best, min(z_head, z_tail) - 1.0)
        return best

    @functools.lru_cache(maxsize=100_000)  # noqa: B019
    def english(self, word: str) -> float:
        return wordfreq.zipf_frequency(word, "en")


def _restore_case(template: str, word: str) -> str:
    """``word`` cased like ``template``: all caps, or a capital first letter."""
    letters = [ch for ch in template if ch.isalpha()]
    if len(letters) > 1 and all(ch.isupper() for ch in letters):
        return word.upper()
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def candidates(word: str) -> list[tuple[str, float, str]]:
    """(candidate, cost, rule) for a lower-case word, cheapest first.

    >>> [c for c, _, _ in candidates("mgter")][:2]
    ['møter', 'mgtær']
    """
    spots = []
    for i in range(len(word)):
        for length in (2, 1):
            piece = word[i:i + length]
            if len(piece) == length and piece in CONFUSIONS:
                spots.append((i, length, piece))
    spots = spots[:MAX_POSITIONS]
    out: dict[str, tuple[float, str]] = {}
    for k in range(1, MAX_SUBSTITUTIONS + 1):
        for chosen in itertools.combinations(spots, k):
            ends = [i + n for i, n, _ in chosen]
            if any(chosen[j + 1][0] < ends[j] for j in range(len(chosen) - 1)):
                continue  # overlapping spots
            for options in itertools.product(*(CONFUSIONS[p] for _, _, p in chosen)):
                parts, pos, cost = [], 0, 0.0
                for (i, n, _), (target, c) in zip(chosen, options, strict=True):
                    parts += [word[pos:i], target]
                    pos, cost = i + n, cost + c
                cand = "".join(parts) + word[pos:]
                if cand not in out or out[cand][0] > cost:
                    out[cand] = (cost, "confusion")
    if len(word) >= 4:
        for i in range(1, len(word) + 1):
            for letter in INSERT_LETTERS:
                cand = word[:i] + letter + word[i:]
                if cand not in out:
                    out[cand] = (INSERT_COST, "insertion")
    return sorted(((c, cost, rule) for c, (cost, rule) in out.items()), key=lambda t: t[1])


class Repairer:
    """Repairs text with one lexicon; cheap to call many times."""

    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon

    @functools.lru_cache(maxsize=100_000)  # noqa: B019
    def best(self, token: str, deep: bool = True) -> tuple[str, float, str] | None:
        """The replacement for ``token`` (cased), with its gain and rule, or None."""
        low = token.casefold()
        if len(low) < 2 or any(ch.isdigit() for ch in low if ch not in "04"):
            return None
        acronym = token.isupper() and len(token) <= 5 and not re.search(r"[@&04]", token)
        # wordfreq drops "@" and "&" when it looks a word up: such a token is not a word
        base = 0.0 if re.search(r"[@&0-9]", low) else self.lexicon.zipf(low, deep)
        need = MIN_GAIN
        if acronym:  # "DIPS", "BDS": only a word that is unknown and has a common spelling
            need = max(need, ACRONYM_GAIN) if base == 0 else float("inf")
        best = None
        ranked = candidates(low)
        # hunspell is slow: it is asked only about cheap candidates, once the word lists and
        # compound parts found nothing
        for ask_hunspell in (False, True):
            for cand, cost, rule in ranked:
                if ask_hunspell and (not deep or cost > HUNSPELL_MAX_COST):
                    continue
                if rule == "insertion":
                    # a dropped letter only gives way to a common word, never to a name or a
                    # compound guessed from its parts
                    if best is not None or ask_hunspell:
                        break
                    z = _frequencies().get(cand, 0.0)
                    if z < INSERT_MIN_ZIPF or z - base < INSERT_MIN_GAIN:
                        continue
                else:
                    z = self.lexicon.zipf(cand, deep, hunspell=ask_hunspell)
                if z == 0:
                    continue
                gain = z - cost - base
                if gain >= need and (best is None or gain > best[1]):
                    best = (_restore_case(token, cand), gain, rule)
            if best is not None:
                break
        return best

    def _english_spans(self, text: str) -> list[tuple[int, int]]:
        """Lines that read as English (most words more English than Norwegian): left alone."""
        spans, pos = [], 0
        for line in text.split("\n"):
            words = [w.casefold() for w in _TOKEN.findall(line) if len(w) > 1 and w.isalpha()]
            english = sum(self.lexicon.english(w) >= 3.0
                          and self.lexicon.english(w) > self.lexicon.zipf(w, False) + 1.0
                          for w in words)
            if words and english * 2 > len(words):
                spans.append((pos, pos + len(line)))
            pos += len(line) + 1
        return spans

    def looks_damaged(self, text: str) -> bool:
        """Whether ``text`` reads like OCR without Norwegian: at least two words (and 2% of
        the words) have a much likelier Norwegian spelling one confusion away."""
        tokens = [t for t in _TOKEN.findall(text) if len(t) >= 2 and not t.isdigit()]
        if not tokens:
            return False
        hits = sum(1 for t in tokens if (b := self.best(t, False)) and b[1] >= 1.5)
        return hits >= 2 and hits >= 0.02 * len(tokens)

    def repair(self, text: str, force: bool | None = None) -> Repaired:
        """Repair ``text`` if it looks damaged (or ``force``), keeping its line structure.

        >>> r = Repairer(Lexicon()).repair("Innfgring av brevlosning pa Sgr-@st", force=True)
        >>> r.text
        'Innføring av brevløsning på Sør-Øst'
        >>> [(c.before, c.after) for c in r.changes][:2]
        [('Innfgring', 'Innføring'), ('brevlosning', 'brevløsning')]
        """
        damaged = self.looks_damaged(text) if force is None else force
        if not damaged:
            return Repaired(text, [], False)
        changes: list[Change] = []
        for m in _OCR_BULLET.finditer(text):
            changes.append(Change("bullet", m.group(), "•", m.start(), m.end()))
        numbered = [m.span() for m in _LINE_WITH_NUMBER.finditer(text)]
        for m in _LONE_A.finditer(text):
            if m.group() == "4" and any(a <= m.start() < b for a, b in numbered):
                continue  # "fra 2 til 4" is a range
            changes.append(Change("lone-å", m.group(), "å", m.start(), m.end()))
        capital_i = [Change("capital-I", "l", "I", m.start(), m.end())
                     for m in _CAPITAL_I.finditer(text)]
        for m in _HYPHENATED.finditer(text):
            phrase = _phrase(m.group())
            if phrase and phrase != m.group():
                changes.append(Change("confusion", m.group(), phrase, m.start(), m.end()))
        english = self._english_spans(text)
        for m in _CONTEXT_WORDS.finditer(text):
            meant = None if any(a <= m.start() < b for a, b in english) else _in_context(text, m)
            if meant:
                changes.append(Change("context", m.group(), meant, m.start(), m.end()))
        taken = {c.start for c in changes}
        spans = [(c.start, c.end) for c in changes]
        for m in _TOKEN.finditer(text):
            if m.start() in taken or any(a <= m.start() < b for a, b in english + spans):
                continue
            found = self.best(m.group())
            if found:
                after = found[0]
                if m.group()[:1] == "@" and _capital_context(text, m.start()):
                    after = after[:1].upper() + after[1:]
                changes.append(Change(found[2], m.group(), after, m.start(), m.end()))
        words = [(c.start, c.end) for c in changes]
        changes += [c for c in capital_i if not any(a <= c.start < b for a, b in words)]
        changes.sort(key=lambda c: c.start)
        return Repaired(apply_changes(text, changes), changes, True)


def _in_context(text: str, m: re.Match) -> str | None:
    """The meant word for a context-rule reading, or None when the neighbours say it is right.

    >>> import re
    >>> _in_context("Ting som bor endres", next(_CONTEXT_WORDS.finditer("Ting som bor endres")))
    'bør'
    >>> _in_context("som bor i Oslo", next(_CONTEXT_WORDS.finditer("som bor i Oslo"))) is None
    True
    """
    word = m.group()
    before = re.findall(r"[^\W\d_]+\.?", text[max(0, m.start() - 30):m.start()])
    after = re.findall(r"[^\W\d_]+\.?", text[m.end():m.end() + 30])
    prev = before[-1].casefold() if before else ""
    nxt = after[0].casefold() if after else ""
    for read, meant, right_after, right_before in CONTEXT_RULES:
        if word.casefold() != read:
            continue
        if not prev or prev in right_after or nxt in right_before or not nxt:
            return None
        return _restore_case(word, meant)
    return None


def _phrase(hyphenated: str) -> str | None:
    """The known hyphenated name that ``hyphenated`` is a damaged reading of, cased like it."""
    low = hyphenated.casefold()
    if low in PHRASES:
        return hyphenated
    for cand, _, rule in candidates(low):
        if rule == "confusion" and cand in PHRASES:
            parts = zip(hyphenated.split("-"), cand.split("-"), strict=True)
            return "-".join(_restore_case(a if a[:1] != "@" else "X" + a[1:], b)
                            for a, b in parts)
    return None


def _capital_context(text: str, start: int) -> bool:
    """An "@" starting a word after a capitalized hyphenated part ("Sgr-@st") or at the start
    of a line or sentence stands for "Ø"."""
    before = text[max(0, start - 20):start]
    return bool(re.search(r"(?:^|[.!?]\s+|\n\s*)$", before) or re.search(r"[A-ZÆØÅ]\w*-$", before))


def apply_changes(text: str, changes: list[Change], offset: int = 0) -> str:
    """``text`` with ``changes`` applied (their offsets minus ``offset``)."""
    out, pos = [], 0
    for c in sorted(changes, key=lambda c: c.start):
        start, end = c.start - offset, c.end - offset
        if start < pos or start < 0 or end > len(text):
            continue
        out += [text[pos:start], c.after]
        pos = end
    return "".join(out) + text[pos:]


def vocabulary_from_names(names: list[str]) -> set[str]:
    return {w.casefold() for name in names for w in re.findall(r"[^\W\d_]{3,}", name)}


@functools.cache
def default_repairer(catalogue_path: str | None = None) -> Repairer:
    """A repairer whose lexicon knows the catalogue's words (one per process and catalogue)."""
    from .catalogue import load_catalogue

    catalogue = load_catalogue(catalogue_path)
    names = [name for ini in catalogue.initiatives for name in ini.names]
    return Repairer(Lexicon(vocabulary_from_names(names) | EXTRA_VOCABULARY))


#: Names and terms of the domain that general dictionaries lack.
EXTRA_VOCABULARY = {"helsenorge", "dips", "checkware", "helsami", "nilar", "helseplattformen",
                    "kjernejournal", "helsenett", "hemit", "eforsk", "eprom", "digihelse",
                    "helsekontakt", "produktstyret", "produktstyremøte", "veikart", "veikartet"}
