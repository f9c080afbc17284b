"""Pages read from the archive, kept until anything in it changes.

``/brief latest`` is what every reader runs, and the newest entries change a few times a day;
reading them is a round trip to the database's thread plus decoding each entry (more than the
whole no-op command costs). A page is kept while the backend's data version is the one it was
read under; that version changes on every commit, by this process or any other (an editor's
CLI, a second bot process), so a reader sees a change at once. Checking it is cheap by
contract (:class:`~bot.ports.entries.DataVersion`); when it differs, every page is dropped.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")

# Pages kept: the plain latest pages and a few topic/actor filters people use.
DEFAULT_SIZE = 64


class VersionedCache(Generic[V]):
    """Least recently used values, valid for one data version."""

    def __init__(self, version: Callable[[], Awaitable[int]], size: int = DEFAULT_SIZE) -> None:
        self._version = version
        self._size = size
        self._seen: int | None = None
        self._values: OrderedDict[Hashable, V] = OrderedDict()

    async def get(self, key: Hashable, load: Callable[[], Awaitable[V]]) -> V:
        """The value for ``key`` read under the current version, loading it if needed.

        The version is read *before* loading: a commit landing during the load leaves the
        value filed under the older version, so the next call drops it and reads again.
        """
        version = await self._version()
        if version != self._seen:
            self._values.clear()
            self._seen = version
        if key in self._values:
            self._values.move_to_end(key)
            return self._values[key]
        value = await load()
        if self._seen == version:  # no other call saw a newer version meanwhile
            self._values[key] = value
            if len(self._values) > self._size:
                self._values.popitem(last=False)
        return value
