"""Intake, the pure part: item identity, relevance, relative dates and the draft entry."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bot.domain.extraction.figures import FoundFigure, extract_figures, sentences
from bot.domain.provenance import DateBasis
from bot.domain.vocabulary import Vocabulary

# Query parameters that only track the reader: two links differing in these are one item.
_TRACKING = re.compile(
    r"^(?:utm_\w+|fbclid|gclid|dclid|mc_cid|mc_eid|ref|ref_src|cmpid|ocid|"
    r"igshid|_ga|smid|sr_share|taid|at_\w+)$",
    re.I,
)
ALIASES: dict[str, tuple[str, ...]] = {
    "north-korea": ("north korea", "north korean", "pyongyang", "dprk", "kim jong un"),
    "russia": ("russia", "russian", "moscow", "kremlin", "putin"),
    "south-korea": ("south korea", "south korean", "seoul", "yoon", "nis"),
    "ukraine": ("ukraine", "ukrainian", "kyiv", "zelensky", "hur"),
    "nato": ("nato", "rutte"),
    "united-states": ("united states", "u.s.", "washington", "pentagon", "white house"),
    "un": ("united nations", "security council", "u.n."),
    "eu": ("european union", "brussels"),
    "japan": ("japan", "tokyo", "japanese"),
    "china": ("china", "beijing", "chinese"),
    "deployment": ("troops", "soldiers", "deploy", "commandos", "brigade", "kursk"),
    "munitions": ("shells", "missiles", "ammunition", "munitions", "rounds", "artillery"),
    "diplomacy": ("talks", "summit", "minister", "phone call", "ambassador", "visit"),
    "sanctions": ("sanction",),
    "arms-policy": ("lethal weapons", "arms export", "weapons supply", "arms transfer"),
    "intelligence": ("intelligence", "nis", "hur", "spy agency"),
    "aid": ("aid", "assistance", "humanitarian"),
    "treaty": ("treaty", "pact", "partnership agreement"),
}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_RELATIVE = re.compile(
    r"\b(?:on|last|this)\s+(" + "|".join(_WEEKDAYS) + r")\b|\b(yesterday)\b", re.I
)
LEAD_SENTENCES = 2


def normalise_url(url: str) -> str:
    """The address without tracking parameters, fragment, default port or case in the host."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not (
        (parts.scheme == "http" and port == 80) or (parts.scheme == "https" and port == 443)
    ):
        host = f"{host}:{port}"
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)
    )
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), host, path, urlencode(query), ""))


def item_key(guid: str | None, url: str | None, title: str) -> str:
    """One identity per item: its GUID, else its normalised address, else its title."""
    if guid and guid.strip():
        return "guid:" + guid.strip()
    if url:
        return "url:" + normalise_url(url)
    return "title:" + " ".join(title.lower().split())


@lru_cache(maxsize=256)
def _pattern(name: str) -> re.Pattern[str]:
    """One pattern for a vocabulary name and its aliases (compiled once, searched often)."""
    terms = ALIASES.get(name, (name.replace("-", " "),))
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t) for t in terms) + ")")


def _mentions(text: str, term: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(term)}", text) is not None


def tags(text: str, vocabulary: Vocabulary) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The vocabulary's topics and actors the text mentions."""
    low = text.lower()
    topics = tuple(t for t in vocabulary.topics if _pattern(t).search(low))
    actors = tuple(a for a in vocabulary.actors if _pattern(a).search(low))
    return topics, actors


@dataclass(frozen=True, slots=True)
class Rules:
    """A feed's own keyword rules: every include word… none of the exclude words."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


Tags = tuple[tuple[str, ...], tuple[str, ...]]


def kept_tags(text: str, vocabulary: Vocabulary, rules: Rules = Rules()) -> Tags | None:
    """The text's (topics, actors) when it is kept, else None (one pass for both)."""
    low = text.lower()
    if any(_mentions(low, w.lower()) for w in rules.exclude):
        return None
    if rules.include and not any(_mentions(low, w.lower()) for w in rules.include):
        return None
    topics, actors = tags(text, vocabulary)
    if "north-korea" in actors and (len(actors) > 1 or bool(topics)):
        return topics, actors
    return None


def relevant(text: str, vocabulary: Vocabulary, rules: Rules = Rules()) -> bool:
    """Kept: mentions North Korea with another actor or a topic, passes the feed's rules."""
    return kept_tags(text, vocabulary, rules) is not None


def event_date(text: str, published: date) -> tuple[date, DateBasis]:
    """The event's date: a weekday or "yesterday" resolved against publication (inferred,
    for the editor to check), else the publication date itself (the date of the report)."""
    hit = _RELATIVE.search(text[:2000])
    if hit is None:
        return published, DateBasis.REPORT
    if hit.group(2):
        return published - timedelta(days=1), DateBasis.EDITOR
    back = (published.weekday() - _WEEKDAYS.index(hit.group(1).lower())) % 7
    return published - timedelta(days=back), DateBasis.EDITOR


@dataclass(frozen=True, slots=True)
class Draft:
    """What intake proposes to an editor: every field a new entry needs, to check."""

    title: str
    summary: str
    event_date: date
    date_basis: DateBasis
    topics: tuple[str, ...]
    actors: tuple[str, ...]
    figures: tuple[FoundFigure, ...] = field(default=())


def draft(
    title: str, text: str, published: date, vocabulary: Vocabulary, tagged: Tags | None = None
) -> Draft:
    """A draft entry from one article: the lead as summary, tags (``tagged``: found already,
    by :func:`kept_tags` on the title and text), date and figures."""
    lead = " ".join(sentences(text)[:LEAD_SENTENCES])
    topics, actors = tagged or tags(f"{title}\n{text}", vocabulary)
    when, inferred = event_date(text, published)
    return Draft(title.strip(), lead, when, inferred, topics, actors, tuple(extract_figures(text)))
