"""Initiatives named inside prose (minutes, descriptions): "Helse Nord ønsker å presentere
sitt arbeid med egenbehandlingsplaner". spaCy's PhraseMatcher finds names and aliases
written out; token windows around catalogue words are matched fuzzily with the same
calibrated matcher and the same auto/pending rules. Only prose blocks are read: list entries
and table cells are roadmap items, not mentions."""

from __future__ import annotations

import functools
import weakref
from dataclasses import dataclass

from extractors.model import Document
from veikart.files import content_id

from .items import looks_like_item
from .match import Matcher

MAX_WINDOW = 8
#: Windows whose best blended score is under this are not decided (unmatched). Over the 8,276
#: distinct windows of the seed documents' prose, no window the matcher took as auto or
#: pending scored under 0.62; 0.5 leaves a margin and spares about 40 % of the decisions.
WINDOW_FLOOR = 0.5
#: Words too common to anchor a window on.
STOPWORDS = {"og", "i", "for", "av", "med", "på", "til", "om", "fra", "som", "er", "en", "et",
             "det", "den", "de", "at", "å", "ved", "via", "helse", "digital", "digitale",
             "nye", "ny", "sitt", "sin", "har", "skal", "vil", "kan"}


@dataclass
class Mention:
    mention_id: str
    page: int
    char_start: int
    char_end: int
    mention_text: str
    sentence: str
    initiative_id: str | None
    initiative_name: str | None
    match_score: float
    match_status: str
    method: str  # "phrase" (a name or alias written out) or "fuzzy"


@functools.cache
def _nlp():
    import spacy

    nlp = spacy.blank("nb")
    nlp.add_pipe("sentencizer")
    return nlp


@functools.lru_cache(maxsize=8)
def _phrase_matcher(matcher: Matcher):
    from spacy.matcher import PhraseMatcher

    nlp = _nlp()
    phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
    for iid, raw in zip(matcher.owner, matcher.raw, strict=True):
        phrases.add(iid, [nlp.make_doc(raw)])
    return phrases


def is_prose(text: str) -> bool:
    """A block of running text rather than a name-like entry."""
    return not looks_like_item(" ".join(text.split())) and len(text.split()) >= 6


@functools.lru_cache(maxsize=8)
def _anchors(matcher: Matcher) -> tuple[frozenset[str], frozenset[str]]:
    """The catalogue's words, and the first six letters of its long ones: a token anchors a
    window when it is one of the words or shares such a beginning."""
    return (frozenset(matcher.vocab),
            frozenset(v[:6] for v in matcher.vocab if len(v) >= 6))


#: Sentences already searched, per matcher: text -> their hits relative to the sentence.
#: Minutes and decks repeat sentences (agenda lines, recurring notes) run after run.
SENTENCE_CACHE_SIZE = 20_000
_SENTENCES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def find_mentions(doc: Document, matcher: Matcher,
                  exclude: dict[int, list[tuple[int, int]]] | None = None) -> list[Mention]:
    """Mentions of catalogue initiatives in the prose blocks of ``doc``; spans listed in
    ``exclude`` (page -> roadmap items' spans) are roadmap items, not mentions.

    The windows of every sentence not seen before are matched in one batch for the whole
    document (one vectorised scoring, each distinct window decided once)."""
    nlp = _nlp()
    exclude = exclude or {}
    phrases = _phrase_matcher(matcher)
    cache = _SENTENCES.setdefault(matcher, {})
    sentences = []  # (page, block offset, sentence)
    for page in doc.pages:
        for block in page.blocks:
            if block.table_cell or block.kind in ("title", "heading", "list") or not is_prose(
                    block.text):
                continue
            sentences += [(page, block.char_start, sent) for sent in nlp(block.text).sents]
    new = {}  # each distinct sentence once: a long deck repeats its notes slide after slide
    for _, _, sent in sentences:
        if sent.text not in cache and sent.text not in new:
            new[sent.text] = _windows(sent, matcher, phrases)
    texts = list(dict.fromkeys(w for _, windows, _ in new.values() for w in windows))
    decided = dict(zip(texts, matcher.match_many(texts, floor=WINDOW_FLOOR), strict=True))
    if len(cache) + len(new) > SENTENCE_CACHE_SIZE:
        cache.clear()
    for _page, _offset, sent in sentences:
        if sent.text in new and sent.text not in cache:
            cache[sent.text] = _resolve(sent, *new[sent.text], decided)
    out = []
    for page, offset, sent in sentences:
        for mention in _mentions(cache[sent.text], sent, offset, page, matcher, doc):
            if not any(a < mention.char_end and mention.char_start < b
                       for a, b in exclude.get(page.number, [])):
                out.append(mention)
    return out


def _mentions(hits, sent, offset, page, matcher, doc) -> list[Mention]:
    """A sentence's hits placed in its page."""
    out = []
    for start_char, end_char, m, method in hits:
        start, end = offset + sent.start_char + start_char, offset + sent.start_char + end_char
        iid = m.initiative_id
        out.append(Mention(content_id(doc.origin.sha256, page.number, start, end), page.number,
                           start, end, page.text[start:end], sent.text, iid,
                           matcher.catalogue.by_id[iid].name if iid else None, m.score,
                           m.status, method))
    return out


def _windows(sent, matcher, phrases) -> tuple[list[tuple[int, int]], list[str], list]:
    """A sentence's candidate spans (token start, end) and their texts: windows of up to
    ``MAX_WINDOW`` tokens around each catalogue-like word, and the names written out."""
    exact = [(s, e) for _, s, e in phrases(sent.as_doc())]
    windows, spans = [], []
    tokens = list(sent)
    # a window's text sliced from the document's (what Span.text gives, without a Span)
    text = sent.doc.text
    starts = [tok.idx for tok in tokens]
    ends = [tok.idx + len(tok.text) for tok in tokens]
    words, prefixes = _anchors(matcher)
    for i, tok in enumerate(tokens):
        low = tok.lower_
        if not tok.is_alpha or low in STOPWORDS or (low not in words
                                                     and low[:6] not in prefixes):
            continue
        for a in range(max(0, i - MAX_WINDOW + 1), i + 1):
            for b in range(i + 1, min(len(tokens), a + MAX_WINDOW) + 1):
                spans.append((a, b))
                windows.append(text[starts[a]:ends[b - 1]])
    spans += exact
    windows += [sent[s:e].text for s, e in exact]
    return spans, windows, exact


def _resolve(sent, spans, windows, exact, decided) -> list[tuple[int, int, object, str]]:
    """A sentence's mentions from its windows' decisions: character span within the
    sentence, Match, method; overlapping hits give way to phrase hits, then to likelier and
    longer ones."""
    found: list[tuple[int, int, object, str]] = []  # token start, end, Match, method
    for (a, b), text in zip(spans, windows, strict=True):
        m = decided[text]
        if m.status in ("auto", "pending"):
            method = "phrase" if (a, b) in exact else "fuzzy"
            found.append((a, b, m, method))
    # best first: phrase hits, then higher probability, then longer spans
    found.sort(key=lambda f: (f[3] != "phrase", -f[2].score, -(f[1] - f[0])))
    taken: set[int] = set()
    out = []
    for a, b, m, method in found:
        if taken & set(range(a, b)):
            continue
        taken |= set(range(a, b))
        span = sent[a:b]
        out.append((span.start_char - sent.start_char, span.end_char - sent.start_char, m,
                    method))
    return sorted(out, key=lambda x: x[0])
