"""Embeds drawn once per page of results, not once per command.

The service hands back the very same page object while the archive is unchanged
(``BriefingService.latest``); drawing five cards (escaping, trimming to Discord's limits)
costs more than the whole no-op command, so what was drawn for a page is kept and reused
until another page object arrives for the same request.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")

DEFAULT_SIZE = 64


class DrawnPages(Generic[V]):
    """What was drawn for the last page object seen per request key (least recently used)."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self._size = size
        # key → (the page it was drawn from, kept alive so identity stays meaningful; drawing)
        self._drawn: OrderedDict[Hashable, tuple[object, V]] = OrderedDict()

    def get(self, key: Hashable, page: object, draw: Callable[[], V]) -> V:
        held = self._drawn.get(key)
        if held is not None and held[0] is page:
            self._drawn.move_to_end(key)
            return held[1]
        drawn = draw()
        self._drawn[key] = (page, drawn)
        self._drawn.move_to_end(key)
        if len(self._drawn) > self._size:
            self._drawn.popitem(last=False)
        return drawn
