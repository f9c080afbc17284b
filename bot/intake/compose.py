"""Intake wired for ``briefbot run``: the poller over the app's stores, polling in the
background, and the platforms' shared poll notices, over whichever backend the deployment
runs (``bot.backends`` builds the intake stores for SQLite and PostgreSQL alike)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.app import App
from bot.intake.background import BackgroundPolling
from bot.intake.notifier import IntakeNotices

if TYPE_CHECKING:
    from bot.intake.poller import Poller


def intake_notices(app: App) -> IntakeNotices:
    """The platforms' shared poll notices."""
    return IntakeNotices(app.storage.intake.notices, app.service.clock)


@asynccontextmanager
async def open_poller(app: App) -> AsyncIterator[Poller]:
    # Loaded only once there are feeds: they pull in feedparser, trafilatura and numpy.
    from bot.intake.fetch import Fetcher
    from bot.intake.poller import Poller

    fetcher = Fetcher(app.settings.intake_allow_private)
    intake = app.storage.intake
    try:
        yield Poller(
            intake.feeds,
            intake.queue,
            fetcher,
            app.service.clock,
            app.settings.vocabulary,
            retention=timedelta(days=app.settings.intake_retention_days),
            notices=intake.notices,
        )
    finally:
        await fetcher.close()


@asynccontextmanager
async def polling_in_background(
    app: App, notices: IntakeNotices
) -> AsyncIterator[BackgroundPolling | None]:
    """Feeds polled in the background for the block's duration (unless ``BRIEFBOT_INTAKE=0``)."""
    if not app.settings.intake_enabled:
        yield None
        return
    polling = BackgroundPolling(
        lambda: open_poller(app),
        app.storage.intake.feeds,
        app.storage.intake.leases,
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
