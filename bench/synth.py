"""A deterministic synthetic archive: entries shaped like the real ``briefs/`` files.

Sizes follow the shipped briefs (title ~80 chars, summary 200–550, body 300–1,500, one to three
sources, zero to three figures); words follow a Zipf-like law over a domain vocabulary plus
generated words, so a few words are in nearly every entry (the worst case for search) and most
are rare. Entry ``i`` is a pure function of (seed, i), so any slice can be rebuilt exactly.
"""

from __future__ import annotations

import itertools
import json
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.domain.text import slugify
from bot.domain.vocabulary import DEFAULT_ACTORS, DEFAULT_TOPICS

SEED = 20261101
START = date(2000, 1, 1)
END = date(2026, 10, 31)  # the archive's newest event date; benchmarks run "on" END + 1
NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
ACTOR = "bench"
STATUSES = ("confirmed", "reported", "unconfirmed", "disputed", "denied")


def _split(text: str) -> list[str]:
    return text.split()


# Most frequent first: rank decides frequency (weight 1/rank^1.05).
_DOMAIN_WORDS = _split(
    "the of and to in a on for with by that russia north korea said as from is has ukraine "
    "military south were have its at an was this are forces report officials troops which "
    "according be not more than after ministry defence seoul moscow kyiv pyongyang "
    "intelligence been shells missiles artillery ammunition support deployment soldiers "
    "sanctions nato weapons front kursk region war treaty agency statement minister "
    "president yoon kim putin zelensky government also would million about other two new "
    "since they their could first including exports aid arms transfer production factory "
    "ballistic launch drone drones satellite images shipment rail port vessel cargo border "
    "units brigade battalion casualties wounded killed captured prisoners interrogation "
    "video footage analysts estimate estimates figures claim claims denied confirmed "
    "reported disputed unconfirmed sources diplomatic ambassador summoned condemned "
    "security council resolution panel experts monitoring violation violations export ban "
    "lethal nonlethal humanitarian reconstruction loan package budget parliament assembly "
    "committee hearing briefing spokesperson press conference interview newspaper "
    "broadcaster agency wire cooperation partnership mutual defence pact alliance exercise "
    "drills navy air force army special operations training instructors officers generals "
    "commanders logistics supply chain fuel oil technology transfer space programme "
    "nuclear test warhead rocket engine howitzer tank armoured vehicles air defence radar"
)
_SYLLABLES = _split(
    "ka ri on ma te sol vin dor pa lu gen sk ov ya hae jin bo ran mi tor cha ze nu "
    "kor lev mir san det pol han rus gyo mun tal ber sev"
)
_OUTLETS = (
    ("Yonhap", "https://en.yna.co.kr/"),
    ("Reuters", "https://www.reuters.com/"),
    ("Kyiv Post", "https://www.kyivpost.com/"),
    ("Korea Herald", "https://www.koreaherald.com/"),
    ("NK News", "https://www.nknews.org/"),
    ("Associated Press", "https://apnews.com/"),
    ("BBC", "https://www.bbc.com/news/"),
    ("The Guardian", "https://www.theguardian.com/"),
    ("Ukrainska Pravda", "https://www.pravda.com.ua/eng/"),
    ("ISW", "https://www.understandingwar.org/"),
    ("38 North", "https://www.38north.org/"),
    ("RUSI", "https://www.rusi.org/"),
    ("NIS briefing", "https://www.nis.go.kr/"),
    ("HUR statement", "https://gur.gov.ua/en/"),
    ("NATO press release", "https://www.nato.int/"),
    ("UN Panel of Experts", "https://www.un.org/securitycouncil/"),
)
_SPAN_DAYS = (END - START).days
_POOL = 1_000_000


def _vocabulary(size: int, rng: random.Random) -> list[str]:
    words = list(dict.fromkeys(_DOMAIN_WORDS))
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


@dataclass(frozen=True, slots=True)
class _Tables:
    words: list[str]
    pool: list[str]  # a long Zipf-distributed word stream; texts are slices of it
    subjects: list[tuple[str, str]]  # (subject slug, counts text)


def _tables() -> _Tables:
    rng = random.Random(SEED)
    words = _vocabulary(30_000, rng)
    cum: list[float] = []
    total = 0.0
    for rank in range(1, len(words) + 1):
        total += 1.0 / rank**1.05
        cum.append(total)
    pool = rng.choices(words, cum_weights=cum, k=_POOL)
    subjects = []
    for n in range(20_000):
        counts = " ".join(rng.choice(words[40:5000]) for _ in range(rng.randint(4, 9)))
        subjects.append((slugify(f"{counts} {n}", 60), counts.capitalize()))
    return _Tables(words, pool, subjects)


_TABLES = _tables()


def _subsets(pool: tuple[str, ...], most: int) -> list[list[str]]:
    return [list(c) for k in range(1, most + 1) for c in itertools.combinations(pool, k)]


_TOPIC_SETS = _subsets(DEFAULT_TOPICS, 3)
_ACTOR_SETS = _subsets(DEFAULT_ACTORS, 4)
_TOPIC_JSON = {id(t): json.dumps(t) for t in _TOPIC_SETS}
_ACTOR_JSON = {id(a): json.dumps(a) for a in _ACTOR_SETS}
_DUMPS = json.JSONEncoder(ensure_ascii=False).encode
_DAYS = [START + timedelta(days=n) for n in range(_SPAN_DAYS + 1)]
_DAY_STARTS = [datetime(d.year, d.month, d.day, tzinfo=UTC) for d in _DAYS]


def _text(r: Callable[[], float], chars: int) -> str:
    start = int(r() * (_POOL - 400))
    text = " ".join(_TABLES.pool[start : start + chars // 5 + 2])[:chars].rsplit(" ", 1)[0]
    return text[0].upper() + text[1:] + "."


def _between(r: Callable[[], float], low: int, high: int) -> int:
    return low + int(r() * (high - low + 1))


def document(i: int, total: int, rng: random.Random) -> dict[str, Any]:
    """The raw fields of entry ``i`` of ``total`` (as a brief file's front matter reads).

    Event dates run from START to END in index order (with a little jitter).
    """
    r = rng.random
    day_index = min(_SPAN_DAYS, i * _SPAN_DAYS // max(total, 1) + int(r() * 3))
    day = _DAYS[day_index]
    title = _text(r, _between(r, 45, 110))[:-1]
    slug = f"{title[:60].rstrip().lower().replace(' ', '-')}-{i:x}"
    sources = []
    for _ in range(_between(r, 1, 3) if r() < 0.6 else 1):
        name, url = _OUTLETS[int(r() * len(_OUTLETS))]
        sources.append({"name": name, "url": f"{url}{int(r() * 1e9)}", "published": day})
    figures = []
    for _ in range(int(r() * 4) if r() < 0.7 else 0):
        subject, counts = _TABLES.subjects[int(r() * len(_TABLES.subjects))]
        value = round(math.exp(7 + 3 * (r() + r() + r() - 1.5)), 2)
        figures.append(
            {
                "display": f"{value:,g}",
                "value": value,
                "counts": counts,
                "subject": subject,
                "claimed_by": _OUTLETS[int(r() * len(_OUTLETS))][0],
                "status": STATUSES[int(r() * len(STATUSES))],
            }
        )
    return {
        "slug": slug,
        "title": title,
        "summary": _text(r, _between(r, 200, 550)),
        "body": _text(r, _between(r, 300, 1500)),
        "event_date": day,
        "topics": _TOPIC_SETS[int(r() * len(_TOPIC_SETS))],
        "actors": _ACTOR_SETS[int(r() * len(_ACTOR_SETS))],
        "status": STATUSES[int(r() * len(STATUSES))],
        "importance": (1, 1, 2, 2, 2, 3)[int(r() * 6)],
        "sources": sources,
        "figures": figures,
    }


def created_at(event_date: date, rng: random.Random) -> datetime:
    """When an entry was recorded: an hour to two days after its event."""
    moment = _DAY_STARTS[(event_date - START).days]
    return moment + timedelta(seconds=3600 + int(rng.random() * 2 * 86400))


@dataclass(frozen=True, slots=True)
class Rows:
    """The rows one entry occupies, in the product's storage format."""

    entry: tuple[Any, ...]
    tags: list[tuple[Any, ...]]
    figures: list[tuple[Any, ...]]
    revision: tuple[Any, ...]


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def rows(entry_id: int, doc: dict[str, Any], recorded: datetime) -> Rows:
    """What the product stores for ``doc`` (same JSON layout as ``bot.storage.codec``)."""
    day = doc["event_date"].isoformat()
    sources = [
        {"name": s["name"], "url": s["url"], "published": s["published"].isoformat()}
        for s in doc["sources"]
    ]
    figures = [
        {
            "value": float(f["value"]),
            "display": f["display"],
            "counts": f["counts"],
            "subject": f["subject"],
            "claimed_by": f["claimed_by"],
            "status": f["status"],
        }
        for f in doc["figures"]
    ]
    at = _stamp(recorded)
    entry = (
        entry_id,
        doc["slug"],
        doc["title"],
        doc["summary"],
        doc["body"],
        day,
        None,
        doc["status"],
        doc["importance"],
        _TOPIC_JSON.get(id(doc["topics"])) or json.dumps(doc["topics"]),
        _ACTOR_JSON.get(id(doc["actors"])) or json.dumps(doc["actors"]),
        _DUMPS(sources),
        _DUMPS(figures),
        ACTOR,
        at,
        ACTOR,
        at,
        1,
        None,
    )
    tags = [("topic", t, day, entry_id) for t in doc["topics"]]
    tags += [("actor", a, day, entry_id) for a in doc["actors"]]
    figure_rows = [
        (
            entry_id,
            n,
            f["subject"],
            f["value"],
            f["display"],
            f["counts"],
            f["claimed_by"],
            f["status"],
        )
        for n, f in enumerate(figures)
    ]
    content = {
        "slug": doc["slug"],
        "title": doc["title"],
        "summary": doc["summary"],
        "body": doc["body"],
        "event_date": day,
        "reported_at": None,
        "topics": doc["topics"],
        "actors": doc["actors"],
        "status": doc["status"],
        "importance": doc["importance"],
        "sources": sources,
        "figures": figures,
    }
    revision = (entry_id, 1, "add", ACTOR, at, "[]", _DUMPS(content))
    return Rows(entry, tags, figure_rows, revision)


CHUNK = 20_000


def documents(
    start: int, stop: int, total: int, seed: int = SEED
) -> Iterator[tuple[int, dict[str, Any], datetime]]:
    """(index, document, created_at) of entries ``start .. stop - 1`` of ``total``.

    Each block of CHUNK entries has its own random stream, so any block can be rebuilt alone
    (the generator builds blocks in parallel) and the archive is the same however it is cut.
    """
    i = start
    while i < stop:
        block = i // CHUNK
        rng = random.Random(seed * 100_003 + block)
        skip_to = i
        for j in range(block * CHUNK, min(stop, (block + 1) * CHUNK)):
            doc = document(j, total, rng)
            recorded = created_at(doc["event_date"], rng)
            if j >= skip_to:
                yield j, doc, recorded
        i = (block + 1) * CHUNK


Batch = tuple[
    list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]
]


def batch(start: int, stop: int, total: int) -> Batch:
    """The rows of entries ``start .. stop - 1`` (ids ``start + 1 ..``), grouped by table."""
    entries: list[tuple[Any, ...]] = []
    tags: list[tuple[Any, ...]] = []
    figures: list[tuple[Any, ...]] = []
    revisions: list[tuple[Any, ...]] = []
    for i, doc, recorded in documents(start, stop, total):
        r = rows(i + 1, doc, recorded)
        entries.append(r.entry)
        tags += r.tags
        figures += r.figures
        revisions.append(r.revision)
    return entries, tags, figures, revisions


ENTRY_SQL = (
    "INSERT INTO entries (id, slug, title, summary, body, event_date, reported_at, status,"
    " importance, topics, actors, sources, figures, created_by, created_at, updated_by,"
    " updated_at, revision, deleted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
    " ?, ?, ?)"
)
TAG_SQL = "INSERT INTO entry_tags (kind, tag, event_date, entry_id) VALUES (?, ?, ?, ?)"
FIGURE_SQL = (
    "INSERT INTO figures (entry_id, position, subject, value, display, counts, claimed_by,"
    " status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
REVISION_SQL = (
    "INSERT INTO revisions (entry_id, revision, action, actor, at, changed_fields, content)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)
