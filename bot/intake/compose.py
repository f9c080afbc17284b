"""Intake wired for ``briefbot run``: the poller over the app's stores, polling in the
background, and the platforms' shared poll notices.

The intake stores run on SQLite only for now (``bot.backends``): on PostgreSQL there is no
background polling and no notice, said once in the log."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.app import App
from bot.intake.background import BackgroundPolling
from bot.intake.notifier import IntakeNotices
from bot.storage.intake_feeds import FeedStore
from bot.storage.intake_notices import PollNoticeStore
from bot.storage.intake_queue import QueueStore
from bot.storage.leases import LeaseStore

if TYPE_CHECKING:
    from bot.intake.poller import Poller


log = logging.getLogger(__name__)


def intake_notices(app: App) -> IntakeNotices | None:
    """The platforms' shared poll notices (None where intake cannot run: PostgreSQL)."""
    if app.storage.sqlite is None:
        return None
    return IntakeNotices(PollNoticeStore(app.storage.sqlite), app.service.clock)


@asynccontextmanager
async def open_poller(app: App) -> AsyncIterator[Poller]:
    # Loaded only once there are feeds: they pull in feedparser, trafilatura and numpy.
    from bot.intake.fetch import Fetcher
    from bot.intake.poller import Poller

    fetcher = Fetcher(app.settings.intake_allow_private)
    try:
        yield Poller(
            FeedStore(app.database),
            QueueStore(app.database),
            fetcher,
            app.service.clock,
            app.settings.vocabulary,
            retention=timedelta(days=app.settings.intake_retention_days),
            notices=PollNoticeStore(app.database),
        )
    finally:
        await fetcher.close()


@asynccontextmanager
async def polling_in_background(
    app: App, notices: IntakeNotices | None
) -> AsyncIterator[BackgroundPolling | None]:
    """Feeds polled in the background for the block's duration (unless ``BRIEFBOT_INTAKE=0``)."""
    if not app.settings.intake_enabled:
        yield None
        return
    if notices is None:
        log.info("intake polling is off: the intake stores run on the SQLite backend only")
        yield None
        return
    polling = BackgroundPolling(
        lambda: open_poller(app),
        FeedStore(app.database),
        LeaseStore(app.database),
        app.service.clock,
        notices.ring,
        check_s=app.settings.intake_check_s,
    )
    task = asyncio.create_task(polling.run(), name="intake-polling")
    try:
        yield polling
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
