"""Every word the review app shows, in Norwegian bokmål (the default) and English: one small
dict per locale, the same keys in both (a test checks), ``{name}`` placeholders filled by
:func:`Translator.__call__`. The language is the ``lang`` query parameter (kept in a cookie),
else the cookie, else the browser's Accept-Language, else bokmål."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

DEFAULT = "nb"
COOKIE = "veikart_lang"
#: Norwegian in any written form reads the bokmål pages; a Swede or Dane does too.
ALIASES = {"nb": "nb", "no": "nb", "nn": "nb", "sv": "nb", "da": "nb", "en": "en"}
ZONE = ZoneInfo("Europe/Oslo")

NB = {
    "app": "veikart gjennomgang",
    "skip": "Hopp til innholdet",
    "progress": "{left} av {total} igjen",
    "signed_in_as": "Logget inn som {name}",
    "sign_out": "Logg ut",
    "other_language": "English",
    "other_language_code": "en",
    # sign in
    "sign_in": "Logg inn",
    "token": "Tilgangsnøkkel",
    "token_hint": "En administrator lager nøkler med kommandoen",
    "unknown_token": "Ukjent tilgangsnøkkel. Sjekk at du limte inn hele nøkkelen.",
    "sign_in_first": "Du må logge inn før du kan gjøre dette.",
    "session_ended": "Økten din er avsluttet (logget ut, ny nøkkel eller tilgangen fjernet). "
                     "Logg inn igjen.",
    "too_many_tries": "For mange mislykkede innlogginger herfra. Prøv igjen om {minutes} min.",
    # queue
    "queue": "Gjennomgangskø",
    "document": "Dokument",
    "region": "Region",
    "status": "Status",
    "period": "Periode",
    "page": "Side",
    "all": "alle",
    "filter": "Vis",
    "count": "{count} elementer",
    "text": "Tekst",
    "best_candidate": "Beste forslag",
    "score": "Sannsynlighet",
    "nothing": "Ingenting å gå gjennom.",
    "st_pending": "venter",
    "st_auto": "koblet automatisk",
    "st_reviewed": "avgjort",
    "st_unmatched": "uten treff",
    "st_ignored": "ikke et tiltak",
    # item
    "previous": "← forrige",
    "back_to_queue": "Køen",
    "next": "neste →",
    "item_nav": "Bla i køen",
    "no_region": "ingen region",
    "no_period": "ingen periode",
    "identical": "{n} elementer med denne teksten",
    "identical_one": "ingen andre elementer med denne teksten",
    "why_waits": "Hvorfor det venter:",
    "as_extracted": "Slik det står i dokumentet",
    "page_of": "{path}, side {page}",
    "read_by": "lest av {extractor}",
    "ocr": "tekstgjenkjenning (OCR)",
    "placed_by": "Plassert slik",
    "placed_region": "Region {region}: etter merkelappen «{label}»",
    "placed_period": "Periode {period}: etter overskriften «{label}»",
    "placement_details": "Alle detaljer om plasseringen",
    "around": "Rundt det",
    "same_box": "I samme boks",
    "nearby": "Like ved på siden",
    "text_around": "Teksten rundt",
    "crop_alt": "Utsnitt av siden: elementet er rammet inn i rødt, overskriften og "
                "merkelappen som plasserte det i blått",
    "no_crop": "Ikke noe bilde av siden for dette dokumentet.",
    "in_force": "Avgjørelsen som gjelder",
    "in_force_match": "Koblet til «{name}» ({id})",
    "in_force_new": "Nytt tiltak «{name}» ({id})",
    "in_force_alias": "Teksten er alias for «{name}» ({id})",
    "in_force_ignore": "Ikke et tiltak",
    "in_force_reject": "Ikke «{name}» ({id})",
    "in_force_defer": "Utsatt",
    "in_force_by": "av {who}, {when}",
    "scope_item": "gjelder bare dette elementet",
    "scope_text": "gjelder alle elementer med denne teksten ({n} nå)",
    "undo": "Angre avgjørelsen",
    "undo_hint": "Angre legger til en linje i loggen; elementet får tilbake det det hadde uten "
                 "denne avgjørelsen.",
    "candidates": "Forslag",
    "why": "Hvorfor",
    "the_numbers": "Tallene bak",
    "match_button": "Koble til «{name}»",
    "not_this": "ikke dette",
    "add_alias": "bruk teksten som alias",
    "scope_all": "gjelder alle elementer med denne teksten",
    "ignore": "ikke et tiltak",
    "defer": "utsett",
    "new_initiative": "Nytt tiltak",
    "create": "Opprett og koble",
    "search": "Søk i katalogen",
    "search_button": "Søk",
    "no_hits": "Ingen treff i katalogen.",
    "in_group": "i {group}",
    "also": "også: {aliases}",
    "keyboard": "Tastatur",
    "key_match": "koble til forslag 1, 2 eller 3",
    "key_reject": "ikke det første forslaget",
    "key_ignore": "ikke et tiltak",
    "key_defer": "utsett",
    "key_new": "nytt tiltak",
    "key_all": "gjelder alle med samme tekst",
    "key_search": "søk i katalogen",
    "key_move": "neste / forrige element",
    # plain explanations
    "ex_same": "samme navn som «{via}»",
    "ex_same_alias": "samme navn som alias «{via}»",
    "ex_like": "ligner på «{via}»",
    "ex_like_alias": "ligner på alias «{via}»",
    "ex_alias_of": "(et annet navn for «{name}»)",
    "ex_part_same": "delen «{part}» har samme navn som «{via}»",
    "ex_part_exact": "delen «{part}» er et navn i katalogen",
    "ex_rest_other": "resten, «{rest}», er et annet tiltak: «{name}»",
    "ex_part_like": "delen «{part}» ligner på «{via}»",
    "ex_rest": "resten, «{rest}», er ikke med",
    "ex_near": "nesten like godt: «{name}»",
    "ex_numbers": "men tallene er ulike: {text} i teksten, {name} i navnet",
    "ex_no_numbers": "ingen",
    "ex_swapped": "men «{word}» står der navnet har «{other}»",
    "ex_sure": "Svært sannsynlig.",
    "ex_probable": "Sannsynlig.",
    "ex_likely": "Sannsynlig, men ikke sikkert nok til å kobles uten en person.",
    "ex_unlikely": "Lite sannsynlig.",
    "ex_none": "Ligner ikke på noe i katalogen.",
    "num_p": "sannsynlighet p = {p} (automatisk kobling fra {upper})",
    "num_next": "nest beste p = {p}, forsprang {lead} (automatisk krever {need})",
    "num_via": "forslag {n}: «{name}» via «{via}», p = {p}",
    "num_matcher": "Matcherens egen forklaring: {text}",
    "wait_deferred": "En av dere utsatte det.",
    "wait_rejected": "Dere har sagt nei til {names}; de andre forslagene er ikke sikre nok.",
    "wait_gone": "Tiltaket det var koblet til ({id}), finnes ikke lenger i katalogen. "
                 "Avgjør det på nytt.",
    "wait_numbers": "Tallene er ulike fra navnet i katalogen (som 2.0 mot 3.0).",
    "wait_part": "Bare en del av teksten ligner på et navn i katalogen; resten ligner ikke på "
                 "noe.",
    "wait_swapped": "Ett ord er annerledes enn i navnet i katalogen: det kan være et annet "
                    "tiltak.",
    "wait_near": "To tiltak passer nesten like godt: «{a}» og «{b}».",
    "wait_two": "Teksten nevner to tiltak, «{a}» og «{b}»: velg det som gjelder.",
    "wait_unsure": "Det beste forslaget er sannsynlig, men ikke sikkert nok til å kobles uten "
                   "en person.",
    # confirmations after a decision
    "done_match": "Lagret: «{text}» er koblet til «{name}» ({id}).",
    "done_new": "Lagret: nytt tiltak «{name}» ({id}), og «{text}» er koblet til det.",
    "done_alias": "Lagret: «{text}» er alias for «{name}» ({id}) og koblet til det.",
    "done_ignore": "Lagret: «{text}» er ikke et tiltak.",
    "done_reject": "Lagret: «{text}» er ikke «{name}» ({id}).",
    "done_defer": "Utsatt: «{text}» står sist i køen.",
    "done_scope": "Gjelder alle {n} elementer med denne teksten, også i dokumenter som kommer "
                  "senere.",
    "done_undo": "Angret for «{text}»: {what}, av {who} {when}. Elementet står nå som "
                 "«{status}».",
    "done_left": "{left} igjen i køen.",
    # refusals (shown as a message on the page)
    "err_defer_decided": "«{text}» er allerede avgjort ({what}). Å utsette det ville åpne det "
                         "igjen; angre avgjørelsen først om du vil det.",
    "err_nothing_to_undo": "«{text}» har ingen avgjørelse å angre.",
    "err_new_name": "Et nytt tiltak trenger et navn.",
    "err_unknown_initiative": "Fant ikke tiltaket «{id}» i katalogen.",
    "err_unknown_action": "Ukjent handling «{action}».",
    # error pages
    "error": "Feil",
    "e404_title": "Finner ikke siden",
    "e404_text": "Det finnes ingen side med denne adressen.",
    "e404_item_title": "Finner ikke elementet",
    "e404_item_text": "Det finnes ikke noe element med denne adressen. Det kan ha forsvunnet "
                      "da dokumentet ble lest inn på nytt.",
    "e404_crop_text": "Det finnes ikke noe bilde av siden for dette elementet.",
    "e403_title": "Skjemaet ble ikke godtatt",
    "e403_text": "Skjemaet var for gammelt eller kom ikke fra denne siden (CSRF-kontroll). "
                 "Gå tilbake, last siden på nytt og prøv igjen.",
    "e413_title": "For mye på en gang",
    "e413_text": "Forespørselen var større enn appen tar imot. Ingenting er lagret.",
    "e400_title": "Det gikk ikke",
    "e400_text": "Forespørselen manglet noe eller var feil.",
    "e500_title": "Noe gikk galt",
    "e500_text": "Det oppsto en feil på serveren. Ingenting er lagret fra det du gjorde nå. "
                 "Prøv igjen; hvis det skjer igjen, si fra til den som driver veikart.",
    "to_queue": "Tilbake til køen",
    "status_code": "Feilkode {code}",
}

EN = {
    "app": "veikart review",
    "skip": "Skip to content",
    "progress": "{left} of {total} left",
    "signed_in_as": "Signed in as {name}",
    "sign_out": "Sign out",
    "other_language": "Norsk",
    "other_language_code": "nb",
    "sign_in": "Sign in",
    "token": "Reviewer token",
    "token_hint": "An administrator creates tokens with the command",
    "unknown_token": "Unknown token. Check that you pasted all of it.",
    "sign_in_first": "Sign in before you do this.",
    "session_ended": "Your session has ended (signed out, a new token or access removed). "
                     "Sign in again.",
    "too_many_tries": "Too many failed sign-ins from here. Try again in {minutes} min.",
    "queue": "Review queue",
    "document": "Document",
    "region": "Region",
    "status": "Status",
    "period": "Period",
    "page": "Page",
    "all": "all",
    "filter": "Show",
    "count": "{count} items",
    "text": "Text",
    "best_candidate": "Best suggestion",
    "score": "Probability",
    "nothing": "Nothing to review.",
    "st_pending": "waiting",
    "st_auto": "matched automatically",
    "st_reviewed": "decided",
    "st_unmatched": "no match",
    "st_ignored": "not an initiative",
    "previous": "← previous",
    "back_to_queue": "Queue",
    "next": "next →",
    "item_nav": "Move through the queue",
    "no_region": "no region",
    "no_period": "no period",
    "identical": "{n} items with this text",
    "identical_one": "no other item with this text",
    "why_waits": "Why it waits:",
    "as_extracted": "As the document has it",
    "page_of": "{path}, page {page}",
    "read_by": "read by {extractor}",
    "ocr": "text recognition (OCR)",
    "placed_by": "Placed so",
    "placed_region": "Region {region}: by the label “{label}”",
    "placed_period": "Period {period}: by the header “{label}”",
    "placement_details": "Every detail of the placement",
    "around": "Around it",
    "same_box": "In the same box",
    "nearby": "Close by on the page",
    "text_around": "The text around it",
    "crop_alt": "Part of the page: the item framed in red, the header and label that placed "
                "it in blue",
    "no_crop": "No picture of the page for this document.",
    "in_force": "The decision in force",
    "in_force_match": "Matched to “{name}” ({id})",
    "in_force_new": "New initiative “{name}” ({id})",
    "in_force_alias": "The text is an alias of “{name}” ({id})",
    "in_force_ignore": "Not an initiative",
    "in_force_reject": "Not “{name}” ({id})",
    "in_force_defer": "Deferred",
    "in_force_by": "by {who}, {when}",
    "scope_item": "for this item only",
    "scope_text": "for every item with this text ({n} now)",
    "undo": "Undo the decision",
    "undo_hint": "Undo adds a line to the log; the item gets back what it had without this "
                 "decision.",
    "candidates": "Suggestions",
    "why": "Why",
    "the_numbers": "The numbers behind it",
    "match_button": "Match to “{name}”",
    "not_this": "not this",
    "add_alias": "use the text as an alias",
    "scope_all": "for every item with this text",
    "ignore": "not an initiative",
    "defer": "defer",
    "new_initiative": "New initiative",
    "create": "Create and match",
    "search": "Search the catalogue",
    "search_button": "Search",
    "no_hits": "No match in the catalogue.",
    "in_group": "in {group}",
    "also": "also: {aliases}",
    "keyboard": "Keyboard",
    "key_match": "match suggestion 1, 2 or 3",
    "key_reject": "not the first suggestion",
    "key_ignore": "not an initiative",
    "key_defer": "defer",
    "key_new": "new initiative",
    "key_all": "for every item with the same text",
    "key_search": "search the catalogue",
    "key_move": "next / previous item",
    "ex_same": "the same name as “{via}”",
    "ex_same_alias": "the same name as the alias “{via}”",
    "ex_like": "like “{via}”",
    "ex_like_alias": "like the alias “{via}”",
    "ex_alias_of": "(another name for “{name}”)",
    "ex_part_same": "the part “{part}” has the same name as “{via}”",
    "ex_part_exact": "the part “{part}” is a name in the catalogue",
    "ex_rest_other": "the rest, “{rest}”, is another initiative: “{name}”",
    "ex_part_like": "the part “{part}” is like “{via}”",
    "ex_rest": "the rest, “{rest}”, is left out",
    "ex_near": "almost as good: “{name}”",
    "ex_numbers": "but the numbers differ: {text} in the text, {name} in the name",
    "ex_no_numbers": "none",
    "ex_swapped": "but “{word}” stands where the name has “{other}”",
    "ex_sure": "Very likely.",
    "ex_probable": "Likely.",
    "ex_likely": "Likely, but not sure enough to be matched without a person.",
    "ex_unlikely": "Unlikely.",
    "ex_none": "Like nothing in the catalogue.",
    "num_p": "probability p = {p} (matched automatically from {upper})",
    "num_next": "next best p = {p}, lead {lead} (automatic needs {need})",
    "num_via": "suggestion {n}: “{name}” via “{via}”, p = {p}",
    "num_matcher": "The matcher's own explanation: {text}",
    "wait_deferred": "One of you deferred it.",
    "wait_rejected": "You said no to {names}; the other suggestions are not sure enough.",
    "wait_gone": "The initiative it was matched to ({id}) is no longer in the catalogue. "
                 "Decide it again.",
    "wait_numbers": "Its numbers differ from the name in the catalogue (such as 2.0 against "
                    "3.0).",
    "wait_part": "Only part of the text is like a name in the catalogue; the rest is like "
                 "none.",
    "wait_swapped": "One word differs from the name in the catalogue: it may be another "
                    "initiative.",
    "wait_near": "Two initiatives fit almost equally well: “{a}” and “{b}”.",
    "wait_two": "The text names two initiatives, “{a}” and “{b}”: pick the one that holds.",
    "wait_unsure": "The best suggestion is likely, but not sure enough to be matched without "
                   "a person.",
    "done_match": "Saved: “{text}” is matched to “{name}” ({id}).",
    "done_new": "Saved: new initiative “{name}” ({id}), and “{text}” is matched to it.",
    "done_alias": "Saved: “{text}” is an alias of “{name}” ({id}) and matched to it.",
    "done_ignore": "Saved: “{text}” is not an initiative.",
    "done_reject": "Saved: “{text}” is not “{name}” ({id}).",
    "done_defer": "Deferred: “{text}” is last in the queue.",
    "done_scope": "For all {n} items with this text, also in documents read later.",
    "done_undo": "Undone for “{text}”: {what}, by {who} {when}. The item is now "
                 "“{status}”.",
    "done_left": "{left} left in the queue.",
    "err_defer_decided": "“{text}” is decided already ({what}). Deferring it would reopen it; "
                         "undo the decision first if you mean to.",
    "err_nothing_to_undo": "“{text}” has no decision to undo.",
    "err_new_name": "A new initiative needs a name.",
    "err_unknown_initiative": "No initiative “{id}” in the catalogue.",
    "err_unknown_action": "Unknown action “{action}”.",
    "error": "Error",
    "e404_title": "No such page",
    "e404_text": "There is no page at this address.",
    "e404_item_title": "No such item",
    "e404_item_text": "There is no item at this address. It may have gone when its document "
                      "was read again.",
    "e404_crop_text": "There is no picture of the page for this item.",
    "e403_title": "The form was not accepted",
    "e403_text": "The form was too old or did not come from this page (CSRF check). Go back, "
                 "reload the page and try again.",
    "e413_title": "Too much at once",
    "e413_text": "The request was larger than the app takes. Nothing was saved.",
    "e400_title": "That did not work",
    "e400_text": "The request was missing something or was wrong.",
    "e500_title": "Something went wrong",
    "e500_text": "The server ran into an error. Nothing of what you just did was saved. Try "
                 "again; if it happens again, tell whoever runs veikart.",
    "to_queue": "Back to the queue",
    "status_code": "Error code {code}",
}

MESSAGES = {"nb": NB, "en": EN}


def choose(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The page's language.

    >>> choose(None, None, "en-GB,en;q=0.9"), choose(None, None, "nn-NO,en;q=0.5")
    ('en', 'nb')
    >>> choose("en", "nb", "nb"), choose(None, "en", "nb"), choose(None, None, "fr")
    ('en', 'en', 'nb')
    """
    for value in (query, cookie):
        if value in MESSAGES:
            return value
    ranked = []
    for i, part in enumerate((accept_language or "").split(",")):
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        code = ALIASES.get(tag.split("-")[0].strip().lower())
        if code and weight > 0:
            ranked.append((-weight, i, code))
    return min(ranked)[2] if ranked else DEFAULT


class Translator:
    """``t("key", name=...)``: the message in this language, placeholders filled."""

    def __init__(self, lang: str):
        self.lang = lang if lang in MESSAGES else DEFAULT
        self.messages = MESSAGES[self.lang]

    def __call__(self, key: str, **params) -> str:
        return self.messages[key].format(**params)

    def number(self, value: float | None, digits: int = 2) -> str:
        """``0.988`` as this language writes it (``0,99`` in bokmål)."""
        if value is None:
            return "–"
        text = f"{value:.{digits}f}"
        return text.replace(".", ",") if self.lang == "nb" else text

    def when(self, iso: str | None) -> str:
        """A UTC ISO time as Oslo's local time."""
        if not iso:
            return ""
        at = datetime.fromisoformat(iso).astimezone(ZONE)
        return at.strftime("%d.%m.%Y kl. %H:%M" if self.lang == "nb" else "%Y-%m-%d %H:%M")

    def status(self, match_status: str | None) -> str:
        return self(f"st_{match_status}") if match_status else ""
