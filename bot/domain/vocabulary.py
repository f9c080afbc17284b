"""The controlled vocabularies entries are tagged with."""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_TOPICS: tuple[str, ...] = (
    "deployment",
    "munitions",
    "diplomacy",
    "sanctions",
    "arms-policy",
    "intelligence",
    "aid",
    "treaty",
)

DEFAULT_ACTORS: tuple[str, ...] = (
    "north-korea",
    "russia",
    "south-korea",
    "ukraine",
    "nato",
    "united-states",
    "un",
    "eu",
    "japan",
    "china",
)


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The topics and actors an entry may use (configurable per deployment)."""

    topics: tuple[str, ...] = field(default=DEFAULT_TOPICS)
    actors: tuple[str, ...] = field(default=DEFAULT_ACTORS)
