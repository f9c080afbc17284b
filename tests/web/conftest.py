"""Fixtures for the web archive: the shipped briefs with one correction and one deletion,
served by the real aiohttp application (in-process, or on a port for the browser)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING
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
from bot.storage.entry_store import EntryStore
from tests.core.conftest import BRIEFS, NOW
from tests.discord_bot.screens import SCREENS, WRITING
from tests.web.browser import ARTIFACTS, CHROMIUM_ARGS, chromium_or_skip

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CORRECTED = "yoon-rutte-call-south-korea-will-not-stand-idle"
DELETED = "seoul-summons-russian-ambassador-zinoviev"
# The archive's pages pictured in docs/screens/ (the rest stay test artifacts).
README_PAGES = ("desktop-home", "desktop-figure", "entry")
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


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the module's browser stories (launching costs seconds).

    Module-scoped: Playwright's sync API holds an event loop open in this thread until it
    stops, and the asyncio tests after the module need the thread free of it."""
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser, live_archive: LiveArchive) -> Iterator[Page]:
    """A fresh tab, phone-sized, with JavaScript off: the archive must work without it."""
    context = browser.new_context(
        base_url=live_archive.url, viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def screenshot(page: Page, name: str) -> None:
    """Keep a picture of what the story saw (test-artifacts/web/, git-ignored)."""
    folder = ARTIFACTS / "web"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    if WRITING and name in README_PAGES:  # `make screenshots`: pictures for the README
        page.screenshot(path=str(SCREENS / f"web-{name}.png"), full_page=True)
