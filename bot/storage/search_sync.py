"""Keeping the top-k index (:mod:`bot.storage.search_index`) in step with the database.

Every change to an entry's searchable text writes a ``search_outbox`` row in the same
transaction (migration 0012's triggers), whichever process makes it. The indexer applies the
rows in order, commits the index, records the last ``seq`` applied, and only then deletes the
rows: a crash anywhere leaves rows that are replayed (replacing an entry twice is harmless).
A search first applies what is pending, so it sees every committed change; a large backlog
(an import by another process) or a missing index is built in the background while searches
use FTS5, which is always current.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import queue
import threading
import weakref
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from bot.storage.database import Database
from bot.storage.search_index import (
    IndexBusy,
    IndexedText,
    IndexState,
    SearchIndex,
    folder_for,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

BATCH = 2_000
REBUILD_BATCH = 20_000
# A search applies this many pending changes itself (read-your-writes after an edit, in well
# under a second); more are applied in the background while searches use FTS5.
INLINE_BACKLOG = 500
# An index missing on an archive this small is built by the search that finds it missing;
# a larger one is built in the background (Discord wants an answer within 3 s).
INLINE_REBUILD = 2_000

Progress = Callable[[int, int], None]


class IndexThread:
    """One daemon thread running index calls in order (the writer lives across calls).

    A daemon, so an open index never holds the process at exit; a write cut short there is
    replayed from the outbox. The thread ends when its owner is collected (``stop``).
    """

    def __init__(self) -> None:
        self._calls: queue.SimpleQueue[_Call | None] = queue.SimpleQueue()
        threading.Thread(target=self._work, name="search-index", daemon=True).start()

    async def run(self, call: Callable[[], T]) -> T:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._calls.put((call, future, loop))
        return await future

    def stop(self) -> None:
        self._calls.put(None)

    def _work(self) -> None:
        while (item := self._calls.get()) is not None:
            call, future, loop = item
            try:
                outcome: tuple[Any, BaseException | None] = (call(), None)
            except BaseException as error:  # handed to the awaiting coroutine
                outcome = (None, error)
            with contextlib.suppress(RuntimeError):  # the loop has closed: nobody waits
                loop.call_soon_threadsafe(_settle, future, *outcome)


_Call = tuple[Callable[[], Any], "asyncio.Future[Any]", asyncio.AbstractEventLoop]


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.done():  # the caller was cancelled
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


class IndexSync:
    """The index of one database, and the single thread every index call runs on."""

    def __init__(self, database: Database) -> None:
        self._db = database
        self._thread = IndexThread()
        weakref.finalize(self, self._thread.stop)
        self._index: SearchIndex | None = None
        self._lock = asyncio.Lock()  # one catch-up or rebuild at a time
        self._background: asyncio.Task[None] | None = None

    async def run(self, call: Callable[..., T], *args: Any) -> T:
        """Run a blocking index call on the index thread."""
        return await self._thread.run(functools.partial(call, *args))

    async def index(self) -> SearchIndex:
        if self._index is None:
            self._index = await self.run(SearchIndex, folder_for(self._db.path))
        return self._index

    async def ready(self) -> SearchIndex | None:
        """The index with every committed change applied, or None if searches should use
        FTS5 for now (being built, a large backlog, or another process indexing)."""
        if self._lock.locked():
            return None
        index = await self.index()
        state = index.state
        row = next(iter(await self._db.read.execute_fetchall(_OUTBOX_SQL)))
        first, last, sequence = row[0], row[1], row[2] or 0
        try:
            if state is None or state.applied > sequence:
                # Never built, or built from a newer copy of the database (a restored backup).
                if await self._entries() > INLINE_REBUILD:
                    self._in_background(self.rebuild)
                    return None
                await self.rebuild()
            elif first is not None:
                if last - first + 1 > INLINE_BACKLOG:
                    self._in_background(self.catch_up)
                    return None
                await self.catch_up()
        except IndexBusy:
            return None
        return index

    def _in_background(self, work: Callable[[], Any]) -> None:
        if self._background is None or self._background.done():
            self._background = asyncio.create_task(self._quietly(work))

    async def _quietly(self, work: Callable[[], Any]) -> None:
        try:
            await work()
        except IndexBusy:
            log.info("search index: another process is indexing")
        except Exception:
            log.warning("search index update failed; searches use FTS5", exc_info=True)

    async def catch_up(self) -> None:
        """Apply every pending outbox row, a batch per index commit."""
        async with self._lock:
            index = await self.index()
            while True:
                rows = list(
                    await self._db.read.execute_fetchall(
                        "SELECT seq, entry_id FROM search_outbox ORDER BY seq LIMIT ?", (BATCH,)
                    )
                )
                if not rows:
                    return
                last = int(rows[-1][0])
                ids = sorted({int(r[1]) for r in rows})
                texts = await self._texts("id IN (SELECT value FROM json_each(?))", str(ids))
                await self.run(_replace, index, texts, ids, IndexState(last))
                async with self._db.write() as writer:
                    await writer.execute("DELETE FROM search_outbox WHERE seq <= ?", (last,))

    async def rebuild(self, progress: Progress | None = None) -> int:
        """Index every entry afresh (``briefbot db reindex``); the outbox rows written before
        it started are then deleted, later ones are applied by the next catch-up."""
        async with self._lock:
            index = await self.index()
            sequence = next(iter(await self._db.read.execute_fetchall(_OUTBOX_SQL)))[2] or 0
            total = await self._entries()
            await self.run(index.begin, True)
            done = after = 0
            try:
                while texts := await self._texts("id > ?", after, REBUILD_BATCH):
                    await self.run(index.add, texts)
                    after = texts[-1].entry_id
                    done += len(texts)
                    if progress is not None:
                        progress(done, total)
                await self.run(index.commit, IndexState(sequence))
            except BaseException:
                await self.run(index.abandon)
                raise
            async with self._db.write() as writer:
                await writer.execute("DELETE FROM search_outbox WHERE seq <= ?", (sequence,))
            return done

    async def _entries(self) -> int:
        rows = await self._db.read.execute_fetchall(
            "SELECT count(*) FROM entries WHERE deleted_at IS NULL"
        )
        return int(next(iter(rows))[0])

    async def _texts(self, where: str, value: object, limit: int = -1) -> list[IndexedText]:
        rows = await self._db.read.execute_fetchall(
            "SELECT id, title, summary, body FROM entries"
            f" WHERE deleted_at IS NULL AND {where} ORDER BY id LIMIT ?",
            (value, limit),
        )
        return [IndexedText(int(r[0]), r[1], r[2], r[3]) for r in rows]


_OUTBOX_SQL = (
    "SELECT min(seq), max(seq),"
    " (SELECT seq FROM sqlite_sequence WHERE name = 'search_outbox') FROM search_outbox"
)


def _replace(
    index: SearchIndex, texts: Sequence[IndexedText], ids: Sequence[int], state: IndexState
) -> None:
    index.begin()
    try:
        index.add(texts, ids)
        index.commit(state)
    except BaseException:
        index.abandon()
        raise
