"""Fixtures for the web archive: the shipped briefs with one correction and one deletion,
served by the real aiohttp application (in-process, or on a port for the browser)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.adapters.web.pages import WebConfig, build_app
from bot.adapters.web.server import serving
from bot.brief_files import read_brief_files
from bot.clock import FixedClock
from bot.domain.corrections import EditKind
from bot.domain.vocabulary import Vocabulary
from bot.service import BriefingService
from bot.storage.database import open_database
from bot.storage.entries import EntryStore
from tests.core.conftest import BRIEFS, NOW

CORRECTED = "yoon-rutte-call-south-korea-will-not-stand-idle"
DELETED = "seoul-summons-russian-ambassador-zinoviev"
PUBLIC_URL = "https://briefing.example.org"
CONFIG = WebConfig(tz=ZoneInfo("Asia/Seoul"), public_url=PUBLIC_URL)


@asynccontextmanager
async def archive_service(folder: Path) -> AsyncIterator[BriefingService]:
    """The shipped briefs imported, then one corrected (reported → disputed) and one deleted."""
    copy = folder / "briefs"
    copy.mkdir()
    for path in BRIEFS.glob("*.md"):
        copy.joinpath(path.name).write_bytes(path.read_bytes())
    database = await open_database(folder / "briefbot.sqlite3")
    try:
        service = BriefingService(EntryStore(database), FixedClock(NOW), Vocabulary())
        await service.import_documents(read_brief_files([copy]).documents, "editor-ana")
        corrected = copy / f"{CORRECTED}.md"
        corrected.write_text(corrected.read_text().replace("status: reported", "status: disputed"))
        documents = read_brief_files([corrected]).documents
        await service.import_documents(documents, "editor-ana", kind=EditKind.CORRECTION)
        await service.delete(DELETED, "editor-ana")
        yield service
    finally:
        await database.close()


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[TestClient[object, object]]:
    async with (
        archive_service(tmp_path) as service,
        TestClient(TestServer(build_app(service, CONFIG))) as test_client,
    ):
        yield test_client


class LiveArchive:
    """The archive served on a free local port from a thread with its own event loop, so
    synchronous browser tests can share it for the whole session."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.url = ""
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=asyncio.run, args=(self._serve(),), daemon=True)

    async def _serve(self) -> None:
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        async with (
            archive_service(self.folder) as service,
            serving(service, CONFIG, "127.0.0.1", 0) as port,
        ):
            self.url = f"http://127.0.0.1:{port}"
            self._ready.set()
            await self._stop.wait()

    def __enter__(self) -> LiveArchive:
        self._thread.start()
        if not self._ready.wait(30):
            raise RuntimeError("the web archive did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)


@pytest.fixture(scope="session")
def live_archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveArchive]:
    with LiveArchive(tmp_path_factory.mktemp("web")) as archive:
        yield archive
